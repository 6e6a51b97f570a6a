"""Reading contracts from git revisions with real git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from govern.errors import InputError
from govern.load.git import NotAtRevision, checkout_path, history, parse_spec, repo_root, resolve_ref


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    api = tmp_path / "contracts" / "orders"
    api.mkdir(parents=True)
    (api / "openapi.yaml").write_text("v: 1\n")
    (api / "money.yaml").write_text("m: 1\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "one")
    (api / "openapi.yaml").write_text("v: 2\n")
    git(tmp_path, "commit", "-qam", "two")
    return tmp_path


def test_parse_spec_distinguishes_paths_and_refs(repo: Path) -> None:
    assert parse_spec(str(repo / "contracts" / "orders" / "openapi.yaml"), str(repo)) is None
    spec = parse_spec("main~1:contracts/orders/openapi.yaml", str(repo))
    assert spec is not None and spec.ref == "main~1" and spec.path == "contracts/orders/openapi.yaml"
    assert parse_spec("no-colon-here.yaml", str(repo)) is None


def test_checkout_reads_the_old_revision_with_siblings(repo: Path) -> None:
    spec = parse_spec("main~1:contracts/orders/openapi.yaml", str(repo))
    assert spec is not None
    with checkout_path(spec, cwd=str(repo)) as local:
        assert Path(local).read_text() == "v: 1\n"
        assert (Path(local).parent / "money.yaml").read_text() == "m: 1\n"
        kept = Path(local)
    assert not kept.exists(), "the temporary checkout is removed afterwards"
    assert (repo / "contracts" / "orders" / "openapi.yaml").read_text() == "v: 2\n", "work tree untouched"
    assert git(repo, "status", "--porcelain") == ""


def test_unknown_ref_and_missing_path(repo: Path) -> None:
    with pytest.raises(InputError, match="unknown git revision 'nope'"):
        resolve_ref("nope", str(repo))
    spec = parse_spec("main:contracts/orders/new.yaml", str(repo))
    assert spec is not None
    with pytest.raises(NotAtRevision, match="does not exist at main"):
        with checkout_path(spec, cwd=str(repo)):
            pass


def test_history_lists_commits_oldest_first(repo: Path) -> None:
    commits = history("contracts/orders/openapi.yaml", str(repo))
    assert len(commits) == 2
    assert git(repo, "rev-parse", "HEAD").strip() == commits[-1]


def test_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not inside a git repository"):
        repo_root(str(tmp_path))


def test_shallow_clone_hint(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    with pytest.raises(InputError, match="fetch-depth: 0"):
        resolve_ref("HEAD~1", str(clone))


def test_diff_reads_multi_file_openapi_from_git(tmp_path: Path) -> None:
    """REF:path with relative-file $refs (including one outside the spec's folder) loads at REF."""
    import shutil

    from contextlib import ExitStack

    from govern.diff.run import DiffOptions, load_side
    from tests.conftest import CONTRACTS

    git(tmp_path, "init", "-q", "-b", "main")
    spec_dir = tmp_path / "api" / "orders"
    shutil.copytree(CONTRACTS / "orders" / "v1", spec_dir)
    shared = tmp_path / "api" / "common"
    shared.mkdir()
    shutil.move(str(spec_dir / "schemas" / "money.yaml"), shared / "money.yaml")
    for path in spec_dir.rglob("*.yaml"):
        text = path.read_text()
        depth = len(path.relative_to(spec_dir).parts) - 1
        target = "../" * (depth + 1) + "common/money.yaml"
        text = text.replace("./schemas/money.yaml", target).replace("./money.yaml", target)
        path.write_text(text)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "v1")
    options = DiffOptions()
    with ExitStack() as stack:
        contract = load_side("main:api/orders/openapi.yaml", stack, options, cwd=str(tmp_path))
        assert contract.kind == "openapi"
        assert list(options.labels.values()) == ["main:"]
        prefix = next(iter(options.labels))
        files = {os.path.abspath(p)[len(prefix):] for p in contract.documents}
        assert os.path.join("api", "common", "money.yaml") in files
