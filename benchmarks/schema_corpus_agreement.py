"""Agreement of govern's JSON Schema comparator with Confluent Schema Registry's labelled cases.

Prints: BACKWARD verdict agreement under STRICT and LENIENT (N/263, %), exact agreement of the
multiset of difference types, the same including pointers (after mapping 2020-12 keyword spellings
onto the registry's draft-07 style paths), every disagreement, and the time taken. Optionally also
times the comparator on the two Stripe OpenAPI revisions in the shared corpora.

Target (issue: schema comparator): verdict agreement >= 98 % (>= 258/263).
Run: `.venv/bin/python benchmarks/schema_corpus_agreement.py [--corpora DIR] [--stripe] [--verbose]`.
The corpus is test data outside the repository (../shared/corpora by default); it is never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govern.diff.schema import Comparator, compare, is_compatible  # noqa: E402

FILES = (
    "diff-schema-examples.json",
    "diff-combined-schema-examples.json",
    "diff-schema-examples-2020-12.json",
    "diff-combined-schema-examples-2020-12.json",
)


def strip_trailing_commas(text: str) -> str:
    """Drop the commas before `}` and `]` that upstream's lenient parser accepts (string-aware)."""
    out: list[str] = []
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch == ",":
            rest = text[i + 1:].lstrip(" \t\r\n")
            if not rest or rest[0] in "}]":
                continue
        out.append(ch)
    return "".join(out)


def load(corpus: Path) -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}
    for name in FILES:
        data = json.loads(strip_trailing_commas((corpus / name).read_text(encoding="utf-8")))
        for index, case in enumerate(data):
            cases[f"{name}#{index}"] = case
    return cases


def registry_style(pointer: str, diff_type: str, schema: Any) -> str:
    """A govern pointer spelled the way the registry spells paths in 2020-12 schemas."""
    for spelled, registry in (("/prefixItems/", "/items/"), ("/dependentRequired/", "/dependencies/"),
                              ("/dependentSchemas/", "/dependencies/")):
        pointer = pointer.replace(spelled, registry)
    if diff_type.startswith("ADDITIONAL_ITEMS_") and pointer.endswith("/items"):
        pointer = pointer[: -len("/items")] + "/additionalItems"
    return pointer


def pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100.0 * n / total:.1f} %)"


def score(cases: dict[str, dict[str, Any]], verbose: bool) -> bool:
    total = len(cases)
    strict_ok = lenient_ok = types_ok = pointers_ok = 0
    verdict_misses: list[str] = []
    type_misses: list[str] = []
    start = time.perf_counter()
    for cid, case in cases.items():
        old, new = case["original_schema"], case["update_schema"]
        diffs = compare(old, new)
        strict = is_compatible(diffs, "strict")
        lenient = is_compatible(compare(old, new, policy="lenient"), "lenient")
        want_strict = case["compatible"]
        want_lenient = case.get("compatible_lenient", want_strict)
        strict_ok += strict == want_strict
        lenient_ok += lenient == want_lenient
        got = Counter(d.type for d in diffs)
        want = Counter(c.split(" ", 1)[0] for c in case["changes"])
        types_ok += got == want
        pointers_ok += Counter(f"{d.type} {registry_style(d.pointer, d.type, old)}" for d in diffs) == Counter(
            case["changes"])
        shown = [str(d) for d in diffs]
        if strict != want_strict or lenient != want_lenient:
            verdict_misses.append(f"  {cid} ({case['description']}): govern strict={strict} lenient={lenient}, "
                                  f"registry strict={want_strict} lenient={want_lenient}\n"
                                  f"      govern:   {shown}\n      registry: {case['changes']}")
        elif got != want:
            type_misses.append(f"  {cid} ({case['description']})\n      govern:   {shown}\n"
                               f"      registry: {case['changes']}")
    elapsed = time.perf_counter() - start
    print(f"JSON Schema corpus (Confluent Schema Registry), {total} cases, {elapsed:.2f} s")
    print(f"  verdict agreement, STRICT  : {pct(strict_ok, total)}")
    print(f"  verdict agreement, LENIENT : {pct(lenient_ok, total)}")
    print(f"  difference types, exact multiset : {pct(types_ok, total)}")
    print(f"  difference types with pointers   : {pct(pointers_ok, total)}")
    print(f"verdict disagreements ({len(verdict_misses)}), see docs/schema-compat.md:")
    print("\n".join(verdict_misses) or "  none")
    print(f"difference-type disagreements with the same verdict ({len(type_misses)}):")
    if verbose or len(type_misses) <= 10:
        print("\n".join(type_misses) or "  none")
    return strict_ok >= 258 and lenient_ok >= 258


def stripe(specs: Path) -> None:
    files = sorted(specs.glob("stripe-*.json"))
    if len(files) < 2:
        print(f"(no Stripe revisions under {specs}; skipped)")
        return
    old, new = (json.loads(f.read_text(encoding="utf-8")) for f in files[:2])
    schemas_old, schemas_new = old["components"]["schemas"], new["components"]["schemas"]
    names = [n for n in schemas_old if n in schemas_new]
    for policy in ("strict", "lenient"):
        start = time.perf_counter()
        comparator = Comparator(old, new, policy=policy)
        found = breaking = 0
        for name in names:
            diffs = comparator.compare(schemas_old[name], schemas_new[name])
            found += len(diffs)
            breaking += not is_compatible(diffs, policy)
        print(f"Stripe {files[0].name} -> {files[1].name}, {policy}: {len(names)} component schemas in "
              f"{time.perf_counter() - start:.2f} s, {found} differences, {breaking} schemas not BACKWARD "
              f"compatible")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--stripe", action="store_true", help="also time the Stripe OpenAPI component schemas")
    parser.add_argument("--verbose", action="store_true", help="list every difference-type disagreement")
    args = parser.parse_args()
    corpus = args.corpora / "jsonschema"
    if not corpus.is_dir():
        print(f"JSON Schema corpus not found at {corpus}", file=sys.stderr)
        return 2
    ok = score(load(corpus), args.verbose)
    if args.stripe:
        stripe(args.corpora / "specs")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
