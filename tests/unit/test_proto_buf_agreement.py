"""govern agrees with buf (the test-only oracle, pip install buf-bin) on rule ids.

Two small, fixed samples keep this fast: every case folder of tests/cases/proto, and 20 seeded
pairs from benchmarks/proto_gen.py judged in the four categories. The full differential run
(hundreds of pairs) is benchmarks/proto_buf_agreement.py.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govern.diff.proto import diff_proto, find_buf_config
from govern.diff.proto.categories import CATEGORIES
from govern.load.proto import load_proto

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "proto"
SEEDS = range(20)


def _agreement():
    name = "proto_buf_agreement"
    if name not in sys.modules:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "proto_buf_agreement.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


@pytest.fixture(scope="module")
def buf() -> str:
    found = _agreement().find_buf()
    if found is None:
        pytest.skip("buf is not installed (pip install buf-bin)")
    return found


def test_case_folders_agree_with_buf(buf: str) -> None:
    differences = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        proc = subprocess.run(
            [buf, "breaking", "revision", "--against", "base", "--error-format", "json"],
            cwd=case, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode in (0, 100), proc.stderr
        theirs = {json.loads(line)["type"] for line in proc.stdout.splitlines() if line.strip()}
        findings = diff_proto(
            load_proto(str(case / "base")),
            load_proto(str(case / "revision")),
            config=find_buf_config(str(case / "revision")),
        )
        ours = {f.id for f in findings}
        if ours != theirs:
            differences.append(f"{case.name}: buf-only {sorted(theirs - ours)} govern-only {sorted(ours - theirs)}")
    assert not differences, "\n".join(differences)


def test_generated_pairs_agree_with_buf(buf: str) -> None:
    agreement = _agreement()
    judged = 0
    differences = []
    for seed in SEEDS:
        outcome = agreement.check_pair(buf, seed)
        if outcome.skipped:
            continue
        for category in CATEGORIES:
            judged += 1
            if not outcome.agrees(category):
                theirs, ours = outcome.by_category[category]
                differences.append(
                    f"seed {seed} {category}: buf-only {sorted(theirs - ours)} govern-only {sorted(ours - theirs)} "
                    f"({'; '.join(outcome.mutations)})"
                )
    assert judged >= 4 * (len(SEEDS) - 2)
    assert not differences, "\n".join(differences)
