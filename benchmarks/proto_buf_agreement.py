"""Differential run: govern's protobuf breaking-change findings against buf's, on generated pairs.

For each seeded (base, revision) pair from proto_gen, both tools run once with every rule of
FILE, PACKAGE, WIRE_JSON and WIRE enabled; the rule ids found are then projected on each
category (a rule fires or not regardless of which other rules are on), and a case-category
agrees when both tools found the same set of rule ids. Pairs that buf refuses to compile are
skipped and counted.

    python benchmarks/proto_buf_agreement.py [--pairs 300] [--start 0] [--show 10]

Needs `buf` (pip install buf-bin) on PATH or next to the Python interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

import proto_gen  # noqa: E402

from govern.diff.proto import diff_proto, find_buf_config  # noqa: E402
from govern.diff.proto.categories import CATEGORIES, members  # noqa: E402
from govern.load.proto import load_proto  # noqa: E402

BUF_YAML = "version: v2\nbreaking:\n  use: [FILE, PACKAGE, WIRE_JSON, WIRE]\n"


def find_buf() -> str | None:
    """The buf binary: next to this interpreter (pip install buf-bin), else on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "buf")
    if os.path.isfile(here) and os.access(here, os.X_OK):
        return here
    return shutil.which("buf")


@dataclass
class Outcome:
    seed: int
    mutations: list[str]
    skipped: str = ""  # why buf could not judge the pair
    by_category: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)  # (buf, govern)

    def agrees(self, category: str) -> bool:
        buf_ids, gov_ids = self.by_category[category]
        return buf_ids == gov_ids


def run_buf(buf: str, workdir: str) -> tuple[list[dict[str, object]] | None, str]:
    proc = subprocess.run(
        [buf, "breaking", "revision", "--against", "base", "--error-format", "json"],
        cwd=workdir, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    found = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode not in (0, 100) or any(f.get("type") == "COMPILE" for f in found):
        return None, (proc.stderr.strip() or proc.stdout.strip())[:300]
    return found, ""


def check_dirs(buf: str, workdir: str) -> tuple[dict[str, tuple[frozenset[str], frozenset[str]]] | None, str]:
    """Per category: (buf's rule ids, govern's rule ids) for workdir/base -> workdir/revision."""
    found, why = run_buf(buf, workdir)
    if found is None:
        return None, why
    base = load_proto(os.path.join(workdir, "base"))
    revision = load_proto(os.path.join(workdir, "revision"))
    ours = diff_proto(base, revision, config=find_buf_config(os.path.join(workdir, "revision")))
    buf_ids = {str(f["type"]) for f in found}
    gov_ids = {f.id for f in ours}
    out = {}
    for c in CATEGORIES:
        m = members(c)
        out[c] = (frozenset(buf_ids & m), frozenset(gov_ids & m))
    return out, ""


def buf_yaml(seed: int, files: list[str]) -> str:
    """The buf.yaml of a pair: every category, and for some seeds ignores and exceptions too."""
    rng = random.Random(seed * 31 + 5)
    text = BUF_YAML
    if rng.random() < 0.3 and files:
        target = rng.choice(files)
        path = target if rng.random() < 0.5 else target.rsplit("/", 1)[0]
        kind = rng.random()
        if kind < 0.4:
            text += f"  ignore:\n    - {path}\n"
        else:
            what = rng.choice(("FIELD_SAME_TYPE", "FIELD_NO_DELETE", "WIRE", "FILE", "ENUM_VALUE_NO_DELETE",
                               "MESSAGE_NO_DELETE", "FIELD_WIRE_JSON_COMPATIBLE_TYPE"))  # fmt: skip
            text += f"  ignore_only:\n    {what}:\n      - {path}\n"
    if rng.random() < 0.2:
        text += "  ignore_unstable_packages: true\n"
    if rng.random() < 0.1:
        text += f"  except:\n    - {rng.choice(('FIELD_SAME_NAME', 'RPC_NO_DELETE', 'FIELD_SAME_JSON_NAME'))}\n"
    return text


def check_pair(buf: str, seed: int, *, max_mutations: int = 3) -> Outcome:
    pr = proto_gen.pair(seed, max_mutations=max_mutations)
    outcome = Outcome(seed, pr.mutations)
    workdir = tempfile.mkdtemp(prefix=f"govern-agree-{seed}-")
    config = buf_yaml(seed, sorted(set(pr.base) | set(pr.revision)))
    if config != BUF_YAML:
        outcome.mutations = [*pr.mutations, "buf.yaml: " + " ".join(config[len(BUF_YAML):].split())]
    try:
        proto_gen.write(pr.base, os.path.join(workdir, "base"), config)
        proto_gen.write(pr.revision, os.path.join(workdir, "revision"), config)
        result, why = check_dirs(buf, workdir)
        if result is None:
            outcome.skipped = why or "buf rejected the pair"
        else:
            outcome.by_category = result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=300)
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--show", type=int, default=10, help="disagreements to print")
    args = ap.parse_args(argv)
    buf = find_buf()
    if buf is None:
        print("buf not found: pip install buf-bin", file=sys.stderr)
        return 2
    t0 = time.time()
    outcomes = [check_pair(buf, seed) for seed in range(args.start, args.start + args.pairs)]
    judged = [o for o in outcomes if not o.skipped]
    skipped = [o for o in outcomes if o.skipped]
    total = agree = 0
    per_cat = {c: [0, 0] for c in CATEGORIES}
    bad = []
    for o in judged:
        for c in CATEGORIES:
            total += 1
            per_cat[c][1] += 1
            if o.agrees(c):
                agree += 1
                per_cat[c][0] += 1
            else:
                bad.append((o, c))
    with_findings = sum(1 for o in judged if any(o.by_category[c][0] for c in CATEGORIES))
    print(f"pairs: {len(outcomes)} generated, {len(judged)} judged, {len(skipped)} skipped (buf refused)")
    print(f"pairs where buf found something: {with_findings}")
    rate = 100.0 * agree / total if total else 0.0
    print(f"case-categories: {agree}/{total} identical rule-id sets = {rate:.2f}%")
    for c in CATEGORIES:
        a, n = per_cat[c]
        print(f"  {c:<10} {a}/{n} = {100.0 * a / n if n else 0:.2f}%")
    for o, c in bad[: args.show]:
        buf_ids, gov_ids = o.by_category[c]
        print(f"- seed {o.seed} {c}: buf-only {sorted(buf_ids - gov_ids)} govern-only {sorted(gov_ids - buf_ids)}")
        print(f"    mutations: {'; '.join(o.mutations)}")
    for o in skipped[: min(args.show, 5)]:
        print(f"- seed {o.seed} skipped: {o.skipped.splitlines()[0] if o.skipped else ''}")
    print(f"time: {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
