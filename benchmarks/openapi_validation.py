"""Time of govern's OpenAPI validation (openapi-spec-validator) per side, and its agreement.

Per side: loads the document and its refs once (not timed), then times `validate_openapi` (the
official-schema check plus the library's keyword walk) with the verdict cache off, in a fresh
process per run, and reports the median and the peak RSS of that process. Both the speed-ups of
govern/load/openapi_speed.py ("fast") and the plain library walk ("baseline") are timed.

Specs: Stripe spec3.json 2022-04-12 (about 4 MB, shared corpus) and GitHub Enterprise Server
ghes-3.19.json (about 11 MB, fetched into benchmarks/.cache/ by benchmarks/openapi_speed.py).

`--agreement` also validates every OpenAPI document under the shared corpora, tests/cases and
contracts/ both ways and counts the documents whose problem lists (message, file, line,
pointer, in order) or input errors are identical. `--mutations N` does the same on N damaged
copies of those documents (1 to 4 random edits each: keys dropped, values of the wrong type,
unknown keys, bad types and defaults, required names no property defines, duplicate operation
ids and parameters, dangling refs; seeded, so reproducible), most of which have problems.

Run: `.venv/bin/python benchmarks/openapi_validation.py [--runs 3] [--agreement] [--mutations N --seed S]`
(`--runs 0`: no timing).
Exit status 0 when every document agrees.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["GOVERN_NO_CACHE"] = "1"  # time and compare the validator, not the verdict cache

SPECS = {
    "stripe": ROOT.parent / "shared" / "corpora" / "specs" / "stripe-2022-04-12-e0123a38.json",
    "ghes": ROOT / "benchmarks" / ".cache" / "ghes-3.19.json",
}
CORPORA = [ROOT.parent / "shared" / "corpora", ROOT / "tests" / "cases", ROOT / "contracts"]
SUFFIXES = (".json", ".yaml", ".yml")


@contextmanager
def validator_mode(fast: bool) -> Iterator[None]:
    """validate_openapi with govern's speed-ups (fast) or with the plain library walk."""
    from govern.load import openapi

    original = openapi._tracking_validator
    with mock.patch.object(openapi, "_tracking_validator", lambda minor: original(minor, fast)):
        yield


def load(path: Path) -> Any:
    """(version, resolver, root) of the OpenAPI document at `path`, loaded without validating."""
    from govern.load.files import load_document
    from govern.load.model import Limits
    from govern.load.openapi import load_openapi
    from govern.load.refs import RefResolver

    doc = load_document(os.path.normpath(str(path)), Limits())
    contract = load_openapi(doc, limits=Limits(), validate=False)
    return contract.version, RefResolver.of(contract), contract.path


def problems(fast: bool, version: str, resolver: Any, root: str) -> list[Any]:
    from govern.errors import InputError
    from govern.load.openapi import validate_openapi

    with validator_mode(fast):
        try:
            found = validate_openapi(version, resolver, root)
        except InputError as exc:
            return [("input-error", str(exc))]
        except RecursionError:  # a crash is an outcome too: both ways must have it
            return [("crash", "RecursionError")]
    return [(p.message, p.location.file, p.location.line, p.location.pointer) for p in found]


def one(name: str, fast: bool) -> None:
    """Child process: time one validation, print JSON with seconds, problems and peak RSS."""
    import gc

    version, resolver, root = load(SPECS[name])
    gc.collect()
    start = time.perf_counter()
    found = problems(fast, version, resolver, root)
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "problems": len(found), "rss_mb": rss_mb}))


def timing(runs: int) -> None:
    print(f"{'spec':8} {'mode':9} {'median s':>9} {'runs':>24} {'peak RSS MB':>12} problems")
    for name, path in SPECS.items():
        if not path.exists():
            print(f"{name}: {path} missing (run benchmarks/openapi_speed.py to fetch it)")
            continue
        for mode in ("baseline", "fast"):
            results = []
            for _ in range(runs):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", name, "--mode", mode],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                results.append(json.loads(out.strip().splitlines()[-1]))
            secs = [r["seconds"] for r in results]
            runs_text = " ".join(f"{s:.2f}" for s in secs)
            print(
                f"{name:8} {mode:9} {statistics.median(secs):9.2f} {runs_text:>24} "
                f"{max(r['rss_mb'] for r in results):12.0f} {results[0]['problems']}"
            )


def openapi_files() -> Iterator[Path]:
    for folder in CORPORA:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES:
                yield path


class Tally:
    """Old-vs-new agreement counts over a set of documents."""

    def __init__(self) -> None:
        self.agree = self.differ = self.skipped = self.invalid = 0

    def compare(self, path: Path) -> tuple[list[Any], list[Any]] | None:
        """Validate `path` both ways; None when they agree (or it is refused before validation),
        else (baseline, fast)."""
        from govern.errors import InputError

        try:
            version, resolver, root = load(path)
        except (InputError, RecursionError):
            self.skipped += 1  # rejected before validation: the same either way
            return None
        baseline = problems(False, version, resolver, root)
        fast = problems(True, version, resolver, root)
        if baseline == fast:
            self.agree += 1
            self.invalid += bool(fast)
            return None
        self.differ += 1
        return baseline, fast

    def summary(self, what: str) -> str:
        return (
            f"{self.agree} of {self.agree + self.differ} {what} identical "
            f"({self.invalid} of them with problems); {self.skipped} rejected before validation"
        )


def agreement() -> bool:
    from govern.errors import InputError
    from govern.load.detect import detect_kind
    from govern.load.files import load_document
    from govern.load.model import Limits

    tally = Tally()
    for path in openapi_files():
        try:
            if detect_kind(load_document(os.path.normpath(str(path)), Limits())) != "openapi":
                continue
        except (InputError, RecursionError):
            tally.skipped += 1  # rejected before validation: the same either way
            continue
        found = tally.compare(path)
        if found is not None:
            print(f"DIFFER {path}\n  baseline: {found[0][:3]}\n  fast:     {found[1][:3]}")
    print(f"agreement: {tally.summary('OpenAPI documents')}")
    return tally.differ == 0


_WRONG_VALUES: list[Any] = [1, "x", [], {}, None, True, -5, 1.5, ["a"], {"type": "strng"}]


def damage(data: Any, rng: random.Random) -> Any:
    """`data` with 1 to 4 random edits in random objects."""
    objects: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            objects.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    for _ in range(rng.randint(1, 4)):
        obj = rng.choice(objects)
        keys = list(obj)
        edit = rng.randrange(9)
        if edit == 0 and keys:
            del obj[rng.choice(keys)]
        elif edit == 1 and keys:
            obj[rng.choice(keys)] = copy.deepcopy(rng.choice(_WRONG_VALUES))
        elif edit == 2:
            obj["bogusKey"] = 1
        elif edit == 3 and "type" in obj:
            obj["type"] = rng.choice(["strng", "integer", "object", 5])
        elif edit == 4:
            obj["default"] = copy.deepcopy(rng.choice(_WRONG_VALUES))
        elif edit == 5:
            obj["allOf"] = [{"type": "object", "properties": {"a": {"type": "string"}}}]
            obj["required"] = ["ghost", "a"]
        elif edit == 6 and "operationId" in obj:
            obj["operationId"] = "duplicate"
        elif edit == 7:
            obj["$ref"] = rng.choice(["#/components/schemas/Nope", "#/info", 5])
        elif edit == 8 and isinstance(obj.get("parameters"), list) and obj["parameters"]:
            obj["parameters"].append(copy.deepcopy(obj["parameters"][0]))
    return data


def mutations(count: int, seed: int) -> bool:
    from govern.errors import InputError
    from govern.load.detect import detect_kind
    from govern.load.files import load_document
    from govern.load.model import Limits

    originals = []
    for path in openapi_files():
        if path.stat().st_size > 300_000:
            continue
        try:
            doc = load_document(os.path.normpath(str(path)), Limits())
            if detect_kind(doc) == "openapi" and isinstance(doc.data, dict):
                originals.append(doc.data)
        except (InputError, RecursionError):
            continue
    rng = random.Random(seed)
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(count):
            target = Path(tmp) / f"damaged-{number}.json"
            target.write_text(json.dumps(damage(copy.deepcopy(rng.choice(originals)), rng), indent=1, default=str))
            found = tally.compare(target)
            if found is not None:
                kept = Path(tempfile.gettempdir()) / f"govern-differ-{seed}-{number}.json"
                kept.write_text(target.read_text())
                print(f"DIFFER {kept}\n  baseline: {found[0][:3]}\n  fast:     {found[1][:3]}")
    print(f"mutations: {tally.summary('damaged documents')} (seed {seed})")
    return tally.differ == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--agreement", action="store_true", help="also compare fast and baseline over the corpora")
    parser.add_argument("--mutations", type=int, default=0, metavar="N", help="also compare N damaged documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", choices=sorted(SPECS), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("fast", "baseline"), default="fast", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.mode == "fast")
        return 0
    if args.runs > 0:
        timing(args.runs)
    ok = True
    if args.agreement:
        ok = agreement() and ok
    if args.mutations:
        ok = mutations(args.mutations, args.seed) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
