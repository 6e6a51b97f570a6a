"""The sides of a large OpenAPI diff are validated in forked children while the parent diffs;
results and errors must be exactly those of loading one side after the other."""

from __future__ import annotations

import os
import shutil
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
    """Treat every file as large and nothing as validated before; record which contracts were
    validated in a child."""
    forked: list[str] = []
    real = run._validate_in_child

    def spy(contract):  # type: ignore[no-untyped-def]
        forked.append(contract.path)
        return real(contract)

    monkeypatch.setenv("GOVERN_NO_CACHE", "1")

    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(run, "_validate_in_child", spy)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # pytest may run helper threads
    return forked


def _sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 10**12)


def test_same_findings_as_sequential(parallel: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    together, _, _ = diff_specs(V1, V2, DiffOptions())
    assert parallel == [V2, V1]  # each side in a child while the parent diffs, the revision first
    _sequential(monkeypatch)
    alone, _, _ = diff_specs(V1, V2, DiffOptions())
    assert parallel == [V2, V1]
    assert [f.to_dict() for f in together] == [f.to_dict() for f in alone] and together


BREAKAGES = {
    "parse": "info:\n  contact: 5\n",  # a second `contact` key: refused while parsing
    "spec": "info:\n  termsOfService: 5\n",  # readable, but the specification wants a string
}


def _broken(tmp_path: Path, name: str, source: str, how: str = "parse") -> str:
    text = Path(source).read_text().replace("openapi: 3.1.0", "openapi: 3.1.0\nx-broken: true", 1)
    text = text.replace("info:\n", BREAKAGES[how], 1)
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / name
    target.write_text(text)
    for ref in Path(source).parent.iterdir():  # keep relative $refs resolvable, inside the boundary
        if ref.is_dir() and not (tmp_path / ref.name).exists():
            shutil.copytree(ref, tmp_path / ref.name)
    return str(target)


@pytest.mark.parametrize("how", ["parse", "spec"])
@pytest.mark.parametrize("broken", ["base", "revision", "both"])
def test_errors_are_the_sequential_ones(
    broken: str, how: str, parallel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _broken(tmp_path / "b", "openapi.yaml", V1, how) if broken in ("base", "both") else V1
    revision = _broken(tmp_path / "r", "openapi.yaml", V2, how) if broken in ("revision", "both") else V2
    with pytest.raises(InputError) as err_parallel:
        diff_specs(base, revision, DiffOptions())
    # each side goes to a child once it is read, the revision first; a base that cannot be read
    # stops the run; a revision that cannot be read has the base read and checked here first
    expected = {"parse": [revision] if broken == "base" else [], "spec": [revision, base]}
    assert parallel == expected[how]
    _sequential(monkeypatch)
    with pytest.raises(InputError) as err_sequential:
        diff_specs(base, revision, DiffOptions())
    assert err_parallel.value.one_line() == err_sequential.value.one_line()
    assert err_parallel.value.file == (base if broken != "revision" else revision)
    assert ("termsOfService" in err_parallel.value.one_line()) == (how == "spec")


def test_an_invalid_base_is_reported_before_an_unreadable_revision(parallel: list[str], tmp_path: Path) -> None:
    base = _broken(tmp_path / "b", "openapi.yaml", V1, "spec")
    revision = _broken(tmp_path / "r", "openapi.yaml", V2, "parse")
    with pytest.raises(InputError) as err:
        diff_specs(base, revision, DiffOptions())
    assert err.value.file == base and "termsOfService" in err.value.one_line()
    with pytest.raises(InputError) as err:  # a valid base: the revision's own error
        diff_specs(V1, revision, DiffOptions())
    assert err.value.file == revision and "duplicate key" in err.value.one_line()


def test_an_unreadable_base_stops_the_revisions_child(parallel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = run._validate_in_child
    stopped: list[str] = []

    def recording(contract):  # type: ignore[no-untyped-def]
        wait = real(contract)

        def recorded(kill: bool = False) -> bool:
            stopped.append(f"{contract.path} kill={kill}")
            return wait(kill)

        return recorded

    monkeypatch.setattr(run, "_validate_in_child", recording)
    base = _broken(tmp_path / "b", "openapi.yaml", V1, "parse")
    with pytest.raises(InputError) as err:
        diff_specs(base, V2, DiffOptions())
    assert err.value.file == base and "duplicate key" in err.value.one_line()
    assert stopped == [f"{V2} kill=True"]  # waited for once, stopped


def test_sides_validated_before_are_not_validated_again(parallel: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOVERN_NO_CACHE")
    monkeypatch.setenv("GOVERN_CACHE_DIR", str(tmp_path / "cache"))
    diff_specs(V1, V2, DiffOptions())
    assert parallel == [V2, V1]  # the children remember their verdicts
    diff_specs(V1, V2, DiffOptions())
    assert parallel == [V2, V1]  # nothing left to check


def test_only_the_side_not_validated_before_goes_to_a_child(
    parallel: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from govern.load import load_contract

    monkeypatch.delenv("GOVERN_NO_CACHE")
    monkeypatch.setenv("GOVERN_CACHE_DIR", str(tmp_path / "cache"))
    load_contract(V1)  # the base passed before (as on the main branch, in CI)
    found, _, _ = diff_specs(V1, V2, DiffOptions())
    assert parallel == [V2] and found  # the parent diffs while the child validates the revision
    revision = _broken(tmp_path / "r", "openapi.yaml", V2, "spec")
    with pytest.raises(InputError) as err:
        diff_specs(V1, revision, DiffOptions())
    assert parallel == [V2, revision] and err.value.file == revision and "termsOfService" in err.value.one_line()


def test_a_diff_that_fails_on_an_invalid_side_reports_the_side(
    parallel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the engine meets on an unchecked document never replaces its validation error."""
    base = _broken(tmp_path / "b", "openapi.yaml", V1, "spec")

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("engine met the unchecked document")

    monkeypatch.setattr(run, "diff_contracts", crash)
    with pytest.raises(InputError) as err:
        diff_specs(base, V2, DiffOptions())
    assert err.value.file == base and "termsOfService" in err.value.one_line()
    with pytest.raises(KeyError):  # both sides valid: the engine's own error stands
        diff_specs(V1, V2, DiffOptions())


def test_a_child_that_fails_for_no_reason_changes_nothing(
    parallel: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies (killed, out of memory, ...) only means the parent checks that side,
    and the ones after it, itself: a valid pair is diffed as ever, an invalid revision still
    reported."""
    real = run._validate_in_child
    killed: list[str] = []

    def dying_base(contract):  # type: ignore[no-untyped-def]
        wait = real(contract)
        if contract.path != V1:
            return wait

        def died(kill: bool = False) -> bool:
            wait(kill=True)
            return False

        return died

    def recording(real_wait, path):  # type: ignore[no-untyped-def]
        def wait(kill: bool = False) -> bool:
            if kill:
                killed.append(path)
            return real_wait(kill)

        return wait

    monkeypatch.setattr(run, "_validate_in_child", lambda c: recording(dying_base(c), c.path))
    found, _, _ = diff_specs(V1, V2, DiffOptions())
    _sequential(monkeypatch)
    assert [f.to_dict() for f in found] == [f.to_dict() for f in diff_specs(V1, V2, DiffOptions())[0]]
    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 0)
    revision = _broken(tmp_path / "r", "openapi.yaml", V2, "spec")
    with pytest.raises(InputError) as err:
        diff_specs(V1, revision, DiffOptions())
    assert err.value.file == revision and "termsOfService" in err.value.one_line()
    assert revision in killed  # its child was stopped once the parent took over


def test_reports_are_written_only_once_both_sides_passed(
    parallel: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`govern diff` renders while the children validate, but writes nothing for an invalid side."""
    from govern.cli import bodies

    def run_diff(base: str, revision: str, out: Path) -> int:
        with pytest.raises(SystemExit) as exit_:
            bodies.diff(
                base_arg=base, revision_arg=revision, base_ref=None, fmt=["json"], output=[str(out)], fail_on=None,
                config_path=None, mode=None, strictness=None, category=None, proto_path=[], max_file_mb=20.0,
                no_color=True,
            )
        return int(exit_.value.code)

    revision = _broken(tmp_path / "r", "openapi.yaml", V2, "spec")
    assert run_diff(V1, revision, tmp_path / "bad.json") == 2
    assert "termsOfService" in capsys.readouterr().err and not (tmp_path / "bad.json").exists()
    assert run_diff(V1, V2, tmp_path / "good.json") == 1  # breaking changes, reported
    assert '"findings"' in (tmp_path / "good.json").read_text()
    assert parallel == [revision, V1, V2, V1]
