"""Both sides of a large diff are validated in parallel (the base in a forked child); results and
errors must be exactly those of loading one side after the other."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from govern.diff import run
from govern.diff.run import DiffOptions, diff_specs
from govern.errors import InputError
from tests.conftest import CONTRACTS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

V1 = str(CONTRACTS / "orders" / "v1" / "openapi.yaml")
V2 = str(CONTRACTS / "orders" / "v2" / "openapi.yaml")


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Treat every file as large; record which base specs were validated in a child."""
    forked: list[str] = []
    real = run._validate_in_child

    def spy(base_spec: str, options: DiffOptions):  # type: ignore[no-untyped-def]
        forked.append(base_spec)
        return real(base_spec, options)

    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(run, "_validate_in_child", spy)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # pytest may run helper threads
    return forked


def _sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 10**12)


def test_same_findings_as_sequential(parallel: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    together, _, _ = diff_specs(V1, V2, DiffOptions())
    assert parallel == [V1]
    _sequential(monkeypatch)
    alone, _, _ = diff_specs(V1, V2, DiffOptions())
    assert parallel == [V1]
    assert [f.to_dict() for f in together] == [f.to_dict() for f in alone] and together


def _broken(tmp_path: Path, name: str, source: str) -> str:
    text = Path(source).read_text().replace("openapi: 3.1.0", "openapi: 3.1.0\nx-broken: true", 1)
    text = text.replace("info:\n", "info:\n  contact: 5\n", 1)  # contact must be an object
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / name
    target.write_text(text)
    for ref in Path(source).parent.iterdir():  # keep relative $refs resolvable
        if ref.is_dir() and not (tmp_path / ref.name).exists():
            (tmp_path / ref.name).symlink_to(ref)
    return str(target)


@pytest.mark.parametrize("broken", ["base", "revision", "both"])
def test_errors_are_the_sequential_ones(broken: str, parallel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _broken(tmp_path / "b", "openapi.yaml", V1) if broken in ("base", "both") else V1
    revision = _broken(tmp_path / "r", "openapi.yaml", V2) if broken in ("revision", "both") else V2
    with pytest.raises(InputError) as err_parallel:
        diff_specs(base, revision, DiffOptions())
    assert parallel == [base]
    _sequential(monkeypatch)
    with pytest.raises(InputError) as err_sequential:
        diff_specs(base, revision, DiffOptions())
    assert err_parallel.value.one_line() == err_sequential.value.one_line()
    assert err_parallel.value.file == (base if broken != "revision" else revision)
