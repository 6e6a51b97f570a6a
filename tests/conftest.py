"""Shared fixtures: paths to the repo, the bundled contracts and the shared corpora."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
CASES = ROOT / "tests" / "cases"
SHARED = ROOT.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the validation-verdict cache (govern/load/verdicts.py) of a test run to itself."""
    import tempfile

    os.environ["GOVERN_CACHE_DIR"] = tempfile.mkdtemp(prefix="govern-test-cache-")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def run_govern(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess (as a user would) and capture its output."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("GOVERN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "govern", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def govern():
    return run_govern
