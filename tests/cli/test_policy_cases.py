"""Rule cases of the kinds `policy` (config-driven rules) and `check` (whole-repository rules).

- tests/cases/policy/<rule-id>/: base and revision (files `base.*`/`revision.*` or directories),
  `config.yaml`, and `expected.json`: the exact findings of kind policy (id, level, file, line,
  a phrase the message says); `also` lists rule ids that must still be reported.
- tests/cases/check/<rule-id>/: `base/` is committed on main, then the working tree becomes
  `revision/`; `govern check --base main` must report exactly `expected.json` of that kind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govern.rules.registry import REGISTRY
from tests.conftest import CASES, run_govern

POLICY = sorted(p for p in (CASES / "policy").iterdir() if p.is_dir())
CHECK = sorted(p for p in (CASES / "check").iterdir() if p.is_dir())


def _side(case: Path, name: str) -> str:
    return next(p.name for p in case.iterdir() if p.name == name or p.name.startswith(name + "."))


def _matches(findings: list[dict], expected: list[dict], kind: str) -> None:
    got = sorted((f for f in findings if f.get("kind") == kind), key=lambda f: (f["id"], f["location"]["line"] or 0))
    assert [(f["id"], f["level"], f["location"]["file"], f["location"]["line"]) for f in got] == [
        (e["id"], e["level"], e["file"], e["line"]) for e in expected
    ]
    for finding, want in zip(got, expected):
        assert want["says"] in finding["message"]


@pytest.mark.parametrize("case", POLICY, ids=lambda p: p.name)
def test_policy_case(case: Path) -> None:
    result = run_govern(
        "diff", _side(case, "base"), _side(case, "revision"), "--config", "config.yaml", "--format", "json", cwd=case
    )
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    expected = json.loads((case / "expected.json").read_text())
    _matches(doc["findings"], expected, "policy")
    assert case.name in {f["id"] for f in doc["findings"]}, "the case shows its own rule firing"


def test_expired_waiver_no_longer_suppresses() -> None:
    case = CASES / "policy" / "waiver-expired"
    result = run_govern("diff", "base.yaml", "revision.yaml", "--config", "config.yaml", "--format", "json", cwd=case)
    doc = json.loads(result.stdout)
    assert result.returncode == 1
    assert "request-parameter-became-required" in {f["id"] for f in doc["findings"]}
    assert "waived" not in doc.get("meta", {})


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.mark.parametrize("case", CHECK, ids=lambda p: p.name)
def test_check_case(case: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(case / "base", repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(case / "revision", repo, dirs_exist_ok=True)
    result = run_govern("check", "--base", "main", "--format", "json", ".", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    expected = json.loads((case / "expected.json").read_text())
    _matches(json.loads(result.stdout)["findings"], expected, "check")


@pytest.mark.parametrize("kind, cases", [("policy", POLICY), ("check", CHECK)])
def test_every_rule_has_a_case(kind: str, cases: list[Path]) -> None:
    assert {r.id for r in REGISTRY.rules(kind)} == {p.name for p in cases}
