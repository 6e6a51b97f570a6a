"""Shared by the CI-integration tests: temporary git repositories with a real breaking change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

BASE_CONTRACT = """\
openapi: 3.1.0
info:
  title: Orders
  version: 1.0.0
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - name: limit
          in: query
          required: false
          schema:
            type: integer
      responses:
        "200":
          description: The orders.
          content:
            application/json:
              schema:
                type: array
                items:
                  type: string
"""

# The feature branch adds a required query parameter (line 15): every existing client breaks.
NEW_PARAMETER = """\
        - name: tenant
          in: query
          required: true
          schema:
            type: string
"""
BREAKING_LINE = 15
FEATURE_CONTRACT = BASE_CONTRACT.replace("            type: integer\n", "            type: integer\n" + NEW_PARAMETER, 1)
CONTRACT = "api/orders/openapi.yaml"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    return result.stdout


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def breaking_repo(tmp_path: Path) -> Path:
    """main: the contract; checked out: branch `feature` with a breaking change committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, CONTRACT, BASE_CONTRACT)
    write(repo, "README.md", "service\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "orders v1")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, CONTRACT, FEATURE_CONTRACT)
    git(repo, "commit", "-qam", "orders: tenant parameter")
    return repo


@pytest.fixture(scope="session")
def clean_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv without govern, whose dependencies come from the project's environment
    (a .pth file), so installing govern into it needs `--no-deps` only and no network."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    purelib = sysconfig.get_paths()["purelib"]
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "zz_project_dependencies.pth").write_text(purelib + "\n", encoding="utf-8")
    assert not (venv / "bin" / "govern").exists()
    return venv


def has_config_support() -> bool:
    """Whether `.govern.yaml` waivers are implemented (govern/config.py and `check --config`)."""
    try:
        import govern.config  # noqa: F401
    except ImportError:
        return False
    from tests.conftest import run_govern

    return "--config" in run_govern("check", "--help").stdout


def hook_repo(dest: Path) -> str:
    """A git repository holding govern and its .pre-commit-hooks.yaml, as published; returns HEAD."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("govern", "templates"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "govern")
    return git(dest, "rev-parse", "HEAD").strip()
