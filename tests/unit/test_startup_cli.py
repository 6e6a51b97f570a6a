"""What keeps `govern` quick to start (govern/cli/lazy.py, app.py, startup.py), and that it
changes nothing a user sees: the same help, values, errors and exit codes as the plain typer app."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional

import pytest
import typer
from typer.testing import CliRunner

from govern.cli.application import COMMANDS, full_app, lazy_app
from govern.cli.lazy import PlainCommand, plain_value
from govern.cli.startup import pause_gc, resume_gc

# A run that records which modules it imported, how imports are hooked and the environment, at exit.
RECORDING_RUN = """
import atexit, json, os, sys
out = sys.argv[1]
def record():
    with open(out, "w") as fh:
        json.dump({"modules": sorted(sys.modules), "meta_path": [type(f).__name__ for f in sys.meta_path],
                   "env": sorted(k for k in os.environ if k.startswith("GRPC_"))}, fh)
atexit.register(record)
sys.argv = ["govern", *sys.argv[2:]]
from govern.cli.app import main
main()
"""

BASE_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n  int32 total = 2;\n}\n'
REVISION_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n}\n'

# Never needed to diff two .proto files (or to print the version).
NOT_FOR_PROTO = ("pydantic", "jinja2", "jsonschema", "referencing", "openapi_spec_validator", "deepdiff",
                 "questionary", "rich")  # fmt: skip
OTHER_COMMANDS = ("govern.cli.lint", "govern.cli.new_service", "govern.cli.generate", "govern.cli.recommend",
                  "govern.cli.check", "govern.cli.changelog", "govern.cli.rules")  # fmt: skip


def recorded_run(
    tmp_path: Path, *args: str, fast_path: bool = True
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    record = tmp_path / "record.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRPC_", "GOVERN_DEBUG", "GOVERN_NO_FASTPATH"))}
    env["NO_COLOR"] = "1"
    if not fast_path:
        env["GOVERN_NO_FASTPATH"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", RECORDING_RUN, str(record), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result, json.loads(record.read_text())


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast path", "typer"])
def test_proto_diff_imports_only_what_it_needs(tmp_path: Path, fast_path: bool) -> None:
    for side, text in (("base", BASE_PROTO), ("revision", REVISION_PROTO)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "shop.proto").write_text(text)
    args = ("diff", "base/shop.proto", "revision/shop.proto", "--format", "json")
    result, seen = recorded_run(tmp_path, *args, fast_path=fast_path)
    assert result.returncode == 1, result.stderr  # a deleted field is ERR
    findings = json.loads(result.stdout)["findings"]
    assert [(f["id"], f["location"]["line"]) for f in findings if f["level"] == "ERR"] == [("FIELD_NO_DELETE", 3)]
    modules = set(seen["modules"])
    assert "grpc_tools.protoc" in modules and "govern.cli.bodies" in modules  # the diff really ran
    # the fast path (govern/cli/fastpath.py) runs the same body without typer or the command module
    assert ("typer" in modules, "govern.cli.diff" in modules) == (not fast_path, not fast_path)
    assert [m for m in NOT_FOR_PROTO if m in modules] == []
    assert [m for m in OTHER_COMMANDS if m in modules] == []  # only the command that runs is built
    # git is not run for local paths: its helpers stay unimported (typer imports subprocess itself)
    assert [m for m in ("subprocess", "tarfile") if m in modules] == (["subprocess"] if not fast_path else [])
    # grpc_tools' import hooks for grpc.protos() are not installed, and their switch does not leak
    assert "ProtoFinder" not in seen["meta_path"]
    assert seen["env"] == []


def test_version_builds_no_command(tmp_path: Path) -> None:
    result, seen = recorded_run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("govern ")
    modules = set(seen["modules"])
    assert [m for m in (*NOT_FOR_PROTO, *OTHER_COMMANDS, "govern.cli.diff") if m in modules] == []


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["-h"],
        ["--version"],
        *[[name, "--help"] for name in COMMANDS],
        ["diff", "-h"],
        ["generate"],
        ["generate", "client", "--help"],
        ["generate", "client", "-h"],
        ["nosuch"],
        ["dif", "a", "b"],
        ["diff"],
        ["diff", "a", "b", "--max-file-mb", "abc"],
        ["diff", "a", "b", "--max-file-mb", "0"],
        ["diff", "a", "b", "--format", "xml"],
        ["check", "--jobs", "x"],
        ["rules", "--format", "json"],
        ["rules", "--kind", "proto"],
    ],
)
def test_lazy_app_behaves_as_the_full_typer_app(args: list[str]) -> None:
    """`govern` (lazy_app) and the same app built the usual typer way print the same and exit alike."""
    runner = CliRunner()
    lazy = runner.invoke(lazy_app, args, prog_name="govern", env={"NO_COLOR": "1"})
    full = runner.invoke(full_app(), args, prog_name="govern", env={"NO_COLOR": "1"})
    assert (lazy.exit_code, lazy.output) == (full.exit_code, full.output)
    assert lazy.exception is None or isinstance(lazy.exception, SystemExit)


def test_app_still_registers_every_command() -> None:
    from govern.cli.app import app

    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert sorted(names) == sorted(COMMANDS)


def _capturing_app(cls: type | None) -> tuple[typer.Typer, dict[str, Any]]:
    seen: dict[str, Any] = {}
    app = typer.Typer(add_completion=False)
    extra: dict[str, Any] = {"cls": cls} if cls else {}

    @app.command(**extra)
    def cmd(
        name: str = typer.Argument(...),
        rest: Optional[List[str]] = typer.Argument(None),
        opt: Optional[str] = typer.Option(None, "--opt"),
        many: List[str] = typer.Option([], "--many"),
        maybe_many: Optional[List[str]] = typer.Option(None, "--maybe-many"),
        ratio: float = typer.Option(20.0, "--ratio"),
        count: int = typer.Option(3, "--count"),
        flag: bool = typer.Option(False, "--flag"),
    ) -> None:
        seen.update(name=name, rest=rest, opt=opt, many=many, maybe_many=maybe_many, ratio=ratio, count=count,
                    flag=flag)  # fmt: skip

    return app, seen


@pytest.mark.parametrize(
    "args",
    [
        ["x"],
        ["x", "y", "z", "--opt", "o", "--many", "a", "--many", "b", "--maybe-many", "m", "--ratio", "1.5",
         "--count", "7", "--flag"],  # fmt: skip
        ["x", "--ratio", "2"],
        ["x", "--ratio", "abc"],
        ["x", "--count", "1.5"],
        ["x", "--opt"],
        [],
    ],
)
def test_plain_command_coerces_as_typer_does(args: list[str]) -> None:
    runner = CliRunner()
    plain_app, plain_seen = _capturing_app(PlainCommand)
    typer_app, typer_seen = _capturing_app(None)
    plain = runner.invoke(plain_app, args, env={"NO_COLOR": "1"})
    usual = runner.invoke(typer_app, args, env={"NO_COLOR": "1"})
    assert (plain.exit_code, plain.output) == (usual.exit_code, usual.output)
    assert {k: (v, type(v)) for k, v in plain_seen.items()} == {k: (v, type(v)) for k, v in typer_seen.items()}


def test_plain_value_keeps_only_values_of_the_plain_type() -> None:
    assert plain_value(str, "a") == "a"
    assert plain_value(float, 2.5) == 2.5
    assert plain_value(List[str], ("a", "b")) == ["a", "b"]
    assert plain_value(list[str], []) == []
    not_plain = plain_value(float, "2.5")  # a string to parse: typer's coercion decides
    assert not_plain is plain_value(int, True) is plain_value(List[str], "a") is plain_value(List[int], ("1",))
    assert not_plain not in ("2.5", True, "a")


def test_gc_paused_until_the_command_body() -> None:
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        pause_gc()
        assert not gc.isenabled()
        resume_gc()
        assert gc.isenabled()
        gc.disable()  # collection switched off by someone else stays off
        pause_gc()
        resume_gc()
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        (gc.enable if was_enabled else gc.disable)()


def test_main_leaves_collection_on_when_no_command_body_runs(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from govern.cli.app import main

    was_enabled = gc.isenabled()
    gc.enable()
    monkeypatch.setattr(sys, "argv", ["govern", "--version"])
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code in (0, None)
        assert capsys.readouterr().out.startswith("govern ")
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        (gc.enable if was_enabled else gc.disable)()


def test_fast_path_pauses_gc_until_the_body_and_freezes_at_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """On the fast path too: collection is off while govern starts, on in the command body."""
    import govern.diff.run
    from govern.cli import bodies
    from govern.cli.app import main

    for side, text in (("base", BASE_PROTO), ("revision", REVISION_PROTO)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "shop.proto").write_text(text)
    states: dict[str, bool] = {}
    body, diff_specs = bodies.diff, govern.diff.run.diff_specs_pending

    def entering_body(**kwargs: Any) -> None:
        states["startup"] = gc.isenabled()
        body(**kwargs)

    def diffing(*args: Any, **kwargs: Any) -> Any:
        states["body"] = gc.isenabled()
        return diff_specs(*args, **kwargs)

    monkeypatch.setattr(bodies, "diff", entering_body)
    monkeypatch.setattr(govern.diff.run, "diff_specs_pending", diffing)
    monkeypatch.delenv("GOVERN_NO_FASTPATH", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["govern", "diff", "base", "revision", "--format", "json"])
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 1
        assert json.loads(capsys.readouterr().out)["command"] == "diff"
        assert states == {"startup": False, "body": True}
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # frozen for the exit (govern/cli/app.py)
    finally:
        gc.unfreeze()
        (gc.enable if was_enabled else gc.disable)()
