"""The GitLab CI template: valid YAML with the expected job, and its commands, run as a merge
request pipeline would run them, produce a Code Quality report."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.ci.conftest import BREAKING_LINE, CONTRACT, git
from tests.conftest import ROOT

TEMPLATE = ROOT / "ci" / "gitlab" / "govern.gitlab-ci.yml"
REPORT = "gl-code-quality-report.json"

# The fields GitLab reads from a Code Quality report (docs: "Code Quality report format").
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string"},
            "check_name": {"type": "string"},
            "fingerprint": {"type": "string"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string"},
                    "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"type": "integer"}}},
                },
            },
        },
    },
}


def job() -> dict[str, Any]:
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert list(data) == ["govern"]
    result: dict[str, Any] = data["govern"]
    return result


def test_template_job_keys() -> None:
    j = job()
    assert {"stage", "image", "variables", "rules", "before_script", "script", "artifacts"} <= set(j)
    assert j["artifacts"]["reports"]["codequality"] == REPORT
    assert j["artifacts"]["when"] == "always"  # the report is kept when the job fails
    assert j["variables"]["GIT_DEPTH"] == "0"
    assert any("merge_request_event" in r["if"] for r in j["rules"])
    script = " ".join(j["script"])
    assert "govern check" in script
    assert '--base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"' in script
    assert f"--format gitlab --output {REPORT}" in script


@pytest.fixture
def merge_request_clone(breaking_repo: Path, tmp_path: Path) -> Path:
    """What a GitLab runner checks out for a merge request: the source branch, from `origin`."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(breaking_repo), str(origin)], check=True)
    clone = tmp_path / "builds" / "project"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(clone)], check=True)
    return clone


def run_job(clone: Path, venv: Path, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """before_script then script in one shell that stops at the first failing command."""
    j = job()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GOVERN_"))}
    env.update({k: str(v) for k, v in j["variables"].items()})
    env.update(variables)
    env.update({
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "NO_COLOR": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    })
    script = "\n".join([*j["before_script"], *j["script"]]) + "\n"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=clone, env=env, capture_output=True, text=True, timeout=300,
    )


def test_job_writes_a_code_quality_report(merge_request_clone: Path, clean_venv: Path) -> None:
    # Install this checkout instead of the release the template pins (no network in tests).
    result = run_job(merge_request_clone, clean_venv, {"GOVERN_INSTALL": str(ROOT), "GOVERN_PIP_ARGS": "--no-deps"})
    assert result.returncode == 1, result.stdout + result.stderr  # the breaking change fails the job
    report = merge_request_clone / REPORT
    assert report.exists(), result.stdout + result.stderr
    issues = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(issues, CODE_QUALITY)
    critical = [i for i in issues if i["severity"] == "critical"]
    assert [i["check_name"] for i in critical] == ["new-required-request-parameter"]
    assert critical[0]["location"] == {"path": CONTRACT, "lines": {"begin": BREAKING_LINE}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # The target branch was fetched into the shallow clone by the template's before_script.
    assert git(merge_request_clone, "rev-parse", "--verify", "-q", "origin/main").strip()
