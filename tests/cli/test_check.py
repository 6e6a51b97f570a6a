"""`govern check` in a real git repository: lint everything, diff what changed since --base."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CONTRACTS, run_govern


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A service repo at v1 on main, then a feature branch with the v2 contracts."""
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(CONTRACTS / "payments" / "v1", tmp_path / "api" / "payments")
    shutil.copytree(CONTRACTS / "schemas" / "v1", tmp_path / "api" / "schemas")
    (tmp_path / "api" / "legacy").mkdir()
    shutil.copy(CONTRACTS / "schemas" / "v1" / "order-placed.schema.json", tmp_path / "api" / "legacy" / "old.schema.json")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "v1")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    shutil.rmtree(tmp_path / "api" / "payments")
    shutil.copytree(CONTRACTS / "payments" / "v2", tmp_path / "api" / "payments")
    shutil.rmtree(tmp_path / "api" / "legacy")
    shutil.copytree(CONTRACTS / "events" / "v1", tmp_path / "api" / "events")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "v2")
    return tmp_path


def test_check_without_base_lints_everything(repo: Path) -> None:
    result = run_govern("check", "--format", "json", "api", cwd=repo)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["findings"] == []
    assert len(doc["inputs"]) == 3  # payments proto root, order-placed schema, events AsyncAPI


def test_check_against_base_reports_breaks_additions_and_removals(repo: Path) -> None:
    result = run_govern("check", "--base", "main", "--format", "json", "api", cwd=repo)
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    ids = {f["id"] for f in doc["findings"]}
    assert {"FIELD_NO_DELETE", "RPC_NO_DELETE", "FIELD_SAME_TYPE"} <= ids
    assert "contract-added" in ids and "contract-removed" in ids
    removed = [f for f in doc["findings"] if f["id"] == "contract-removed"]
    assert removed[0]["location"]["file"] == "main:api/legacy/old.schema.json"
    assert doc["meta"]["diffed"] == ["api/payments"]
    assert all(not d.startswith("api/schemas") for d in doc["meta"]["diffed"]), "unchanged contracts are not diffed"
    # Serial and parallel runs agree.
    serial = run_govern("check", "--base", "main", "--jobs", "1", "--format", "json", "api", cwd=repo)
    assert json.loads(serial.stdout)["findings"] == doc["findings"]


def test_check_unknown_base(repo: Path) -> None:
    result = run_govern("check", "--base", "no-such-branch", "api", cwd=repo)
    assert result.returncode == 2
    assert "unknown git revision 'no-such-branch'" in result.stderr


def test_diff_with_base_new_deleted_and_changed(repo: Path) -> None:
    changed = run_govern("diff", "api/payments", "--base", "main", "--format", "json", cwd=repo)
    assert changed.returncode == 1, changed.stderr
    doc = json.loads(changed.stdout)
    assert doc["inputs"] == ["main:api/payments", "api/payments"]
    files = {f["location"]["file"] for f in doc["findings"]}
    assert all("govern-git-" not in (f or "") for f in files), files
    assert files == {"api/payments/acme/payments/v1/payments.proto", "api/payments/acme/payments/v1/types.proto"}
    new = run_govern("diff", "api/events/asyncapi.yaml", "--base", "main", "--format", "json", cwd=repo)
    assert new.returncode == 0, new.stderr
    assert [f["id"] for f in json.loads(new.stdout)["findings"]] == ["contract-added"]
    git(repo, "rm", "-q", "-r", "api/schemas")
    gone = run_govern("diff", "api/schemas/order-placed.schema.json", "--base", "main", cwd=repo)
    assert gone.returncode == 1 and "contract-removed" in gone.stdout
