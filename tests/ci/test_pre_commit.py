"""`.pre-commit-hooks.yaml`, exercised by the real `pre-commit`.

The hook file is used the way a consumer's project uses it: a git repository holding govern and
its `.pre-commit-hooks.yaml` (a committed copy of this checkout) is listed under `repos:` in a
temporary project's `.pre-commit-config.yaml`; pre-commit clones it, builds the hook's own
virtualenv (`language: python` installs govern from that clone) and runs the hooks on the staged
files. Nothing here uses the govern of the test environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ci.conftest import (
    BASE_CONTRACT,
    CONTRACT,
    FEATURE_CONTRACT,
    ROOT,
    git,
    hook_repo,
    write,
)

pytest.importorskip("pre_commit")

HOOKS = ROOT / ".pre-commit-hooks.yaml"


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """(hook repository, its commit, a PRE_COMMIT_HOME shared by the tests of this session)."""
    base = tmp_path_factory.mktemp("precommit")
    sha = hook_repo(base / "govern")
    return base / "govern", sha, base / "home"


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    env.pop("GOVERN_DEBUG", None)
    command = [sys.executable, "-m", "pre_commit", *args, "--color", "never"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)


def project(tmp_path: Path, published: tuple[Path, str, Path], hooks: list[dict[str, object]]) -> Path:
    """A project on main with the contract committed and pre-commit configured."""
    repo_dir, sha, _ = published
    proj = tmp_path / "project"
    proj.mkdir()
    git(proj, "init", "-q", "-b", "main")
    write(proj, CONTRACT, BASE_CONTRACT)
    write(proj, "docs/notes.yaml", "not: a contract\n")
    config = {"repos": [{"repo": str(repo_dir), "rev": sha, "hooks": hooks}]}
    write(proj, ".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    git(proj, "add", "-A")
    git(proj, "commit", "-qm", "v1")
    return proj


def test_manifest_is_valid() -> None:
    command = [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"govern-lint", "govern-diff"}
    assert hooks["govern-diff"]["entry"] == "govern check --base HEAD"


def test_diff_hook_blocks_a_breaking_commit(tmp_path: Path, published: tuple[Path, str, Path]) -> None:
    proj = project(tmp_path, published, [{"id": "govern-lint"}, {"id": "govern-diff"}])
    home = published[2]
    write(proj, CONTRACT, FEATURE_CONTRACT)
    write(proj, "docs/notes.yaml", "still: not a contract\n")  # not matched by the hooks' files
    git(proj, "add", "-A")
    result = pre_commit(proj, home, "run")
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "govern lint (contracts)" in out and "Passed" in out.split("govern lint (contracts)")[1].splitlines()[0]
    diff_line = out.split("govern diff (breaking changes against HEAD)")[1].splitlines()[0]
    assert diff_line.endswith("Failed")
    assert "ERR   new-required-request-parameter  GET /orders: new required query parameter 'tenant'" in out
    assert "docs/notes.yaml" not in out
    # A compatible edit passes both hooks.
    write(proj, CONTRACT, BASE_CONTRACT.replace("The orders.", "Every order."))
    git(proj, "add", "-A")
    ok = pre_commit(proj, home, "run")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("Passed") == 2


def test_lint_hook_reports_an_invalid_contract(tmp_path: Path, published: tuple[Path, str, Path]) -> None:
    proj = project(tmp_path, published, [{"id": "govern-lint"}])
    write(proj, "api/billing/openapi.yaml", "openapi: 3.1.0\npaths: {}\n")
    git(proj, "add", "-A")
    result = pre_commit(proj, published[2], "run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "api/billing/openapi.yaml" in result.stdout
    assert "ERR   openapi-invalid  'info' is a required property" in result.stdout
    # Only staged contract files are linted: nothing staged, nothing run.
    git(proj, "commit", "-qm", "wip", "--no-verify")
    quiet = pre_commit(proj, published[2], "run")
    assert quiet.returncode == 0 and "(no files to check)Skipped" in quiet.stdout


def test_diff_hook_base_can_be_overridden(tmp_path: Path, published: tuple[Path, str, Path]) -> None:
    """`args: [--base, REF]` replaces HEAD: a breaking change already committed on a branch is
    still caught against main."""
    proj = project(tmp_path, published, [{"id": "govern-diff", "args": ["--base", "main"]}])
    git(proj, "checkout", "-q", "-b", "feature")
    write(proj, CONTRACT, FEATURE_CONTRACT)
    git(proj, "commit", "-qam", "tenant", "--no-verify")
    against_main = pre_commit(proj, published[2], "run", "--files", CONTRACT)
    assert against_main.returncode == 1, against_main.stdout + against_main.stderr
    assert "new-required-request-parameter" in against_main.stdout
