"""The composite GitHub Action (action.yml), run locally: each `run:` step is extracted, its
`${{ … }}` expressions are evaluated as the Actions runner would (inputs with their defaults,
github context, earlier steps' outputs), and the script runs with bash in a temporary git
repository whose feature branch holds a real breaking change."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.conftest import BREAKING_LINE, CONTRACT, git, has_config_support, write
from tests.conftest import ROOT

ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ANNOTATION = (
    f"::error file={CONTRACT},line={BREAKING_LINE},col=11,title=new-required-request-parameter::"
    "GET /orders: new required query parameter 'tenant'"
)


def annotated(stdout: str) -> bool:
    """Whether the log holds the breaking change's error annotation on the revision's line."""
    return any(line.startswith(ANNOTATION) for line in stdout.splitlines())


def load_action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


@dataclass
class ActionResult:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str] = field(default_factory=dict)
    steps_run: list[str] = field(default_factory=list)


def run_action(
    workspace: Path,
    venv: Path,
    inputs: dict[str, str],
    github: dict[str, str] | None = None,
    only: str | None = None,
) -> ActionResult:
    """Run action.yml's steps in `workspace` like the runner does for `shell: bash`."""
    action = load_action()
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"not inputs of action.yml: {unknown}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update(inputs)
    context = {"action_path": str(ROOT), "base_ref": "", "event_name": "pull_request", **(github or {})}
    step_outputs: dict[str, dict[str, str]] = {}

    def evaluate(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return values[expr[len("inputs."):]]
            if expr.startswith("github."):
                return context[expr[len("github."):]]
            m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
            if m:
                return step_outputs.get(m[1], {}).get(m[2], "")
            raise AssertionError(f"expression the test runner does not know: {expr}")

        return EXPRESSION.sub(one, text)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GOVERN_"))}
    env.update({"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "NO_COLOR": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    stdout, stderr, run = "", "", []
    for index, step in enumerate(action["runs"]["steps"]):
        if only is not None and step.get("name") != only:
            continue
        output_file = workspace.parent / f"github-output-{index}"
        output_file.write_text("", encoding="utf-8")
        step_env = {**env, **{k: evaluate(str(v)) for k, v in (step.get("env") or {}).items()}}
        step_env["GITHUB_OUTPUT"] = str(output_file)
        cwd = workspace / evaluate(step.get("working-directory", "."))
        script = workspace.parent / f"step-{index}.sh"
        script.write_text(evaluate(step["run"]), encoding="utf-8")
        # What `shell: bash` means on a runner.
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd, env=step_env, capture_output=True, text=True, timeout=300,
        )
        stdout += proc.stdout
        stderr += proc.stderr
        run.append(step.get("name", f"step {index}"))
        if "id" in step:
            pairs = [line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line]
            step_outputs[step["id"]] = dict(pairs)
        if proc.returncode != 0:
            break
    # A failed step still sets the outputs it wrote, and the action's outputs are evaluated.
    outputs = {name: evaluate(spec["value"]) for name, spec in action.get("outputs", {}).items()}
    return ActionResult(proc.returncode, stdout, stderr, outputs, run)


def run_check_step(workspace: Path, venv: Path, inputs: dict[str, str], **kw: Any) -> ActionResult:
    """Every step, with govern already installed (the install step is covered by the first test)."""
    return run_action(workspace, venv, {"install": "skip", **inputs}, **kw)


@pytest.fixture(scope="session")
def action_venv(clean_venv: Path) -> Path:
    """The clean virtualenv after action.yml's own install step, with its default source."""
    result = run_action(clean_venv, clean_venv, {"python": str(clean_venv / "bin" / "python"), "pip-args": "--no-deps"}, only="Install govern")
    assert result.code == 0, result.stderr
    assert (clean_venv / "bin" / "govern").exists()
    return clean_venv


def test_action_metadata() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    for name in ("base", "paths", "format", "fail-on", "config", "report-format", "install"):
        assert action["inputs"][name]["description"], name
    assert action["inputs"]["format"]["default"] == "github"
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        # Inputs reach scripts through env only: an expression inside a script is an injection risk.
        assert "${{" not in step["run"], step["name"]
    assert set(action["outputs"]) == {"exit-code", "report-file"}


def test_breaking_change_fails_with_annotations(breaking_repo: Path, clean_venv: Path) -> None:
    python = str(clean_venv / "bin" / "python")
    result = run_action(breaking_repo, clean_venv, {"base": "main", "python": python, "pip-args": "--no-deps"})
    assert result.code == 1, result.stderr
    assert result.steps_run == ["Install govern", "Resolve the base revision", "Check contracts"]
    # The install step put the action's own govern into the environment.
    version = subprocess.run([str(clean_venv / "bin" / "govern"), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("govern ")
    lines = result.stdout.splitlines()
    assert annotated(result.stdout)
    assert any(line.startswith("govern check: ") and "fail-on ERR: FAIL" in line for line in lines)


def test_unbroken_branch_passes(breaking_repo: Path, action_venv: Path) -> None:
    git(breaking_repo, "checkout", "-q", "main")
    result = run_check_step(breaking_repo, action_venv, {"base": "main"})
    assert result.code == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout
    assert result.outputs["exit-code"] == "0"


def test_shallow_clone_fetches_the_pull_request_base(breaking_repo: Path, action_venv: Path, tmp_path: Path) -> None:
    """actions/checkout's default depth-1 clone of the PR branch has no origin/main: the action
    fetches the base branch tip, then reports the breaking change."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(breaking_repo), str(origin)], check=True)
    clone = tmp_path / "work" / "clone"
    clone.parent.mkdir()
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(clone)], check=True)
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    result = run_check_step(clone, action_venv, {}, github={"base_ref": "main"})
    assert result.code == 1, result.stdout + result.stderr
    assert "origin/main is not in this clone; fetching it" in result.stdout
    assert annotated(result.stdout)
    assert result.outputs["exit-code"] == "1"


def test_missing_base_says_fetch_depth(breaking_repo: Path, action_venv: Path) -> None:
    result = run_check_step(breaking_repo, action_venv, {"base": "origin/release"})
    assert result.code == 2
    assert "::error title=govern::base revision 'origin/release' is not in this clone; check out with fetch-depth: 0" in result.stdout
    assert result.steps_run[-1] == "Resolve the base revision"


def test_fail_on_and_paths_inputs(breaking_repo: Path, action_venv: Path) -> None:
    # A compatible change (a new optional parameter) passes at the default level, fails at INFO.
    git(breaking_repo, "checkout", "-q", "main")
    write(breaking_repo, CONTRACT, (breaking_repo / CONTRACT).read_text(encoding="utf-8").replace(
        "      responses:", "        - name: cursor\n          in: query\n          schema:\n            type: string\n      responses:", 1))
    passes = run_check_step(breaking_repo, action_venv, {"base": "HEAD"})
    assert passes.code == 0, passes.stdout + passes.stderr
    assert "::notice file=api/orders/openapi.yaml" in passes.stdout and "::error" not in passes.stdout
    strict = run_check_step(breaking_repo, action_venv, {"base": "HEAD", "fail-on": "INFO"})
    assert strict.code == 1 and "fail-on INFO: FAIL" in strict.stdout
    # paths narrows what is checked; format changes what is printed.
    write(breaking_repo, "elsewhere/openapi.yaml", "openapi: 3.1.0\npaths: {}\n")  # invalid: no info
    everything = run_check_step(breaking_repo, action_venv, {"base": "HEAD"})
    assert everything.code == 1 and "::error file=elsewhere/openapi.yaml" in everything.stdout
    only_api = run_check_step(breaking_repo, action_venv, {"base": "HEAD", "paths": "api", "format": "json"})
    assert only_api.code == 0, only_api.stderr
    doc = json.loads(only_api.stdout[only_api.stdout.index("{"):])
    assert doc["command"] == "check" and doc["inputs"] == [CONTRACT]
    assert doc["summary"]["failed"] is False and doc["summary"]["INFO"] >= 1


def test_report_file_as_second_output(breaking_repo: Path, action_venv: Path) -> None:
    result = run_check_step(breaking_repo, action_venv, {"base": "main", "report-format": "sarif"})
    report = breaking_repo / "govern-report.sarif"
    if not annotated(result.stdout) and report.exists():
        pytest.skip("`govern check` does not take several --format/--output pairs yet")
    assert result.code == 1, result.stderr
    assert annotated(result.stdout)
    assert result.outputs == {"exit-code": "1", "report-file": "govern-report.sarif"}
    sarif = json.loads(report.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results if r["level"] == "error"] == ["new-required-request-parameter"]
    region = results[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == CONTRACT and region["region"]["startLine"] == BREAKING_LINE
    markdown = run_check_step(breaking_repo, action_venv, {"base": "main", "report-format": "markdown", "report-file": "out/comment.md"})
    assert markdown.outputs["report-file"] == "out/comment.md"
    text = (breaking_repo / "out" / "comment.md").read_text(encoding="utf-8")
    assert text.startswith("## govern check: ❌ 1 error") and "<!-- govern-report -->" in text


WAIVER = """\
version: 1
waivers:
  - rule: new-required-request-parameter
    path: api/orders/**
    reason: "tenant is sent by every client since 2026-11, see ADR-7"
    expires: {expires}
"""


@pytest.mark.skipif(not has_config_support(), reason="needs .govern.yaml waivers (govern/config.py, check --config)")
def test_waiver_turns_the_failure_into_a_pass(breaking_repo: Path, action_venv: Path) -> None:
    write(breaking_repo, ".govern.yaml", WAIVER.format(expires="2099-12-31"))
    git(breaking_repo, "add", ".govern.yaml")
    git(breaking_repo, "commit", "-qm", "waive the tenant parameter")
    waived = run_check_step(breaking_repo, action_venv, {"base": "main"})
    assert waived.code == 0, waived.stdout + waived.stderr
    assert "::error" not in waived.stdout
    assert waived.outputs["exit-code"] == "0"
    # The same policy given explicitly through the config input, from another place.
    (breaking_repo / ".govern.yaml").rename(breaking_repo / "policy.yaml")
    explicit = run_check_step(breaking_repo, action_venv, {"base": "main", "config": "policy.yaml"})
    assert explicit.code == 0, explicit.stdout + explicit.stderr
    # An expired waiver stops suppressing: the annotation is back, and the run fails.
    write(breaking_repo, ".govern.yaml", WAIVER.format(expires="2020-01-31"))
    expired = run_check_step(breaking_repo, action_venv, {"base": "main"})
    assert expired.code == 1, expired.stdout + expired.stderr
    assert annotated(expired.stdout)
    assert "2020-01-31" in expired.stdout  # the expired waiver is itself reported
