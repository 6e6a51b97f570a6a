"""Run oasdiff's checker-test manifest through govern's OpenAPI diff and print the pass rate.

The manifest (`/work/shared/corpora/oasdiff/manifest.json`, 377 cases) was extracted from
oasdiff's own tests: a base spec, a revision, the rule ids (and levels, counts) oasdiff's test
asserts, and how to score (see its `scoring` field). The api-version-* rules are ignored, as
oasdiff's tests switch them off.

Run: `.venv/bin/python benchmarks/oasdiff_manifest.py [--corpus DIR] [--verbose] [--case ID]`.
Exit status 0 when the pass rate reaches --target (default 95%).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "oasdiff"
# oasdiff's tests run on a fixed clock only where they say so; sunset dates in its data are far
# in the past (2022/2023) or far in the future (9999), so today's date gives the same answers.

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_spec(path: str) -> Any:
    """A loaded contract (refs kept, lines known), without spec validation: oasdiff's test data
    is not always valid OpenAPI and the checks under test do not depend on validity."""
    from govern.load.files import load_document
    from govern.load.model import Contract, Limits
    from govern.load.refs import load_tree

    limits = Limits()
    doc = load_document(path, limits)
    data = doc.data
    version = str(data.get("openapi", "")) if isinstance(data, dict) else ""
    resolver = load_tree(doc, limits, boundary=os.path.dirname(os.path.abspath(path)) or None, use_ids=not version.startswith("3.0"))
    contract = Contract("openapi", doc.path, version, doc, dict(resolver.documents))
    setattr(contract, "_govern_refs", resolver)
    return contract


@dataclass
class Outcome:
    case_id: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    reported: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    level_notes: list[str] = field(default_factory=list)  # expected id found at another level


def score(case: dict[str, Any], findings: list[Any]) -> Outcome:
    """Score one case the way manifest.json's `scoring` field describes."""
    order = {"INFO": 1, "WARN": 2, "ERR": 3}
    floor = order[case.get("min_level") or "INFO"]
    scope = case.get("check_scope") or None
    # The scope is the rule ids the test's single check can emit. A few extracted scopes miss an id
    # the same check emits and the test expects (e.g. api-path-sunset-parse from the sunset-changed
    # check), so expected and absent ids always count (see docs/openapi-rules.md).
    scoped = None
    if scope:
        scoped = set(scope["rule_ids"]) | {e["rule_id"] for e in case.get("expected") or []} | set(case.get("absent") or [])
    kept = [
        f
        for f in findings
        if order[f.level.name] >= floor
        and not f.id.startswith("api-version")
        and not f.id.startswith("api-major-version")
        and (scoped is None or f.id in scoped)
    ]
    counts = Counter(f.id for f in kept)
    reasons: list[str] = []
    level_notes: list[str] = []
    for exp in case.get("expected") or []:
        rid, want = exp["rule_id"], exp.get("count")
        got = counts.get(rid, 0)
        if got == 0:
            reasons.append(f"missing {rid}")
        elif want is not None and got != want:
            reasons.append(f"{rid} reported {got}x, expected {want}x")
        levels = {f.level.name for f in findings if f.id == rid}
        if got and exp.get("level") and levels != {exp["level"]}:
            level_notes.append(f"{rid}: govern {'/'.join(sorted(levels))}, oasdiff {exp['level']}")
    for rid in case.get("absent") or []:
        if counts.get(rid):
            reasons.append(f"unexpected {rid}")
    for group in case.get("expected_any") or []:
        if not any(counts.get(rid) for rid in group):
            reasons.append(f"none of {group}")
    if case.get("expect_empty") and kept:
        reasons.append("expected nothing, got " + ", ".join(sorted(counts)))
    if case.get("exact"):
        want_ids = {e["rule_id"] for e in case.get("expected") or []}
        extra = set(counts) - want_ids
        if extra and not case.get("expect_empty"):
            reasons.append("extra " + ", ".join(sorted(extra)))
    if case.get("expect_nonempty") and not kept:
        reasons.append("expected findings, got none")
    return Outcome(case["id"], not reasons, reasons, sorted((f.id, f.level.name) for f in kept), level_notes=level_notes)


def run_case(case: dict[str, Any], corpus: Path, today: date | None = None) -> Outcome:
    from govern.diff.openapi import Settings, diff_openapi

    try:
        base = load_spec(str(corpus / case["base"]))
        revision = load_spec(str(corpus / case["revision"]))
        findings = diff_openapi(base, revision, Settings(today=today))
    except Exception as exc:  # noqa: BLE001 - a crash is a failed case, with its reason
        return Outcome(case["id"], False, [f"error: {type(exc).__name__}: {exc}"], error=repr(exc))
    return score(case, findings)


def run_manifest(corpus: Path = DEFAULT_CORPUS, only: str | None = None) -> list[Outcome]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    cases = [c for c in manifest["cases"] if only is None or only in c["id"]]
    return [run_case(c, corpus) for c in cases]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--case", help="run only cases whose id contains this text")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failing case with reasons")
    parser.add_argument("--target", type=float, default=95.0)
    args = parser.parse_args()
    if not (args.corpus / "manifest.json").exists():
        print(f"no manifest at {args.corpus}/manifest.json", file=sys.stderr)
        return 2
    start = time.perf_counter()
    outcomes = run_manifest(args.corpus, args.case)
    elapsed = time.perf_counter() - start
    passed = sum(o.passed for o in outcomes)
    total = len(outcomes)
    if args.verbose or args.case:
        for o in outcomes:
            if not o.passed:
                print(f"FAIL {o.case_id}: {'; '.join(o.reasons)}")
                if args.case:
                    print(f"     reported: {o.reported}")
    rate = 100.0 * passed / total if total else 0.0
    level_diffs = [(o.case_id, n) for o in outcomes for n in o.level_notes]
    if args.verbose and level_diffs:
        for case_id, note in level_diffs:
            print(f"LEVEL {case_id}: {note}")
    print(f"levels: {len(level_diffs)} expected finding(s) reported at a level other than oasdiff's default (see --verbose)")
    print(f"oasdiff manifest: {passed}/{total} cases pass ({rate:.1f}%) in {elapsed:.1f}s; target {args.target:.0f}%")
    return 0 if rate >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
