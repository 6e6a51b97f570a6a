"""The fast path (govern/cli/fastpath.py) runs `diff`, `lint` and `check` without typer: whenever
it accepts an argv, the command body gets exactly the keyword arguments typer would give it, and a
real run prints the same bytes and exits alike with the fast path on and off."""

from __future__ import annotations

import enum
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Literal, Optional

import pytest
import typer
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from govern.cli import bodies, fastpath
from govern.cli.application import lazy_app
from govern.cli.lazy import PlainCommand

SNAPSHOT = fastpath.snapshot()
NO_ENV: dict[str, str] = {}


def test_snapshot_is_what_typer_builds_now() -> None:
    current = Path(fastpath.snapshot_path()).read_text(encoding="utf-8")
    assert current == fastpath.render(fastpath.generate()), (
        f"govern/cli/fastpath_params.py is out of date with the typer commands: run `{fastpath.REGENERATE}`"
    )
    assert sorted(SNAPSHOT) == sorted(fastpath.BODIES) == ["check", "diff", "lint"]


def test_regeneration_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    assert fastpath.main(["--check"]) == 0
    stale = tmp_path / "fastpath_params.py"
    stale.write_text("COMMANDS = {}\n", encoding="utf-8")
    monkeypatch.setattr(fastpath, "snapshot_path", lambda: str(stale))
    assert fastpath.main(["--check"]) == 1
    assert fastpath.REGENERATE in capsys.readouterr().err
    assert fastpath.main(["--write"]) == 0
    assert stale.read_text(encoding="utf-8") == Path(fastpath.__file__).with_name("fastpath_params.py").read_text(
        encoding="utf-8"
    )
    assert fastpath.main(["--check"]) == 0


def typed(value: Any) -> Any:
    """`value` with the type of every part, so 2 != 2.0, [] != () and None != ""."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    return (type(value).__name__, value)


def typer_kwargs(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any] | None, int]:
    """What govern's typer application passes to the command body for `argv` (None when it calls
    no body: help, a usage error, ...), and its exit code."""
    seen: dict[str, Any] = {}
    for name in fastpath.BODIES:
        def record(_name: str = name, **kwargs: Any) -> None:
            seen.update(name=_name, kwargs=kwargs)

        monkeypatch.setattr(bodies, name, record)
    result = CliRunner().invoke(lazy_app, argv, prog_name="govern", env={"NO_COLOR": "1"})
    if not seen:
        return None, result.exit_code
    assert seen["name"] == argv[0]
    return seen["kwargs"], result.exit_code


def agree(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> bool:
    """Check the fast path against typer for one argv; True when the fast path accepted it."""
    fast = fastpath.parse(argv, NO_ENV)
    if fast is None:
        return False
    kwargs, code = typer_kwargs(argv, monkeypatch)
    assert kwargs is not None, f"the fast path accepts {argv!r}, typer runs no command body"
    assert code == 0
    assert fast[0] == argv[0]
    assert typed(fast[1]) == typed(kwargs), argv
    return True


ACCEPTED = [
    ["diff", "base", "revision"],
    ["diff", "base", "revision", "--format", "json"],
    ["diff", "base"],
    ["diff", "base", "--base", "origin/main"],
    ["diff", "-", "-"],
    ["diff", "", "x"],
    ["diff", "a", "b", "-f", "json", "-o", "r.json", "-f", "text"],
    ["diff", "--format", "json", "a", "b"],
    ["diff", "a", "--format=json", "b", "--output=-"],
    ["diff", "a", "b", "--output="],
    ["diff", "a", "b", "--max-file-mb", "2"],
    ["diff", "a", "b", "--max-file-mb", "0.5", "--no-color"],
    ["diff", "a", "b", "--max-file-mb=000.25"],
    ["diff", "a", "b", "--max-file-mb", "123456789012345"],
    ["diff", "a", "b", "-I", "inc", "--proto-path", "other", "-I", "inc"],
    ["diff", "a", "b", "--fail-on", "WARN", "--config", "c.yaml", "--mode", "FULL", "--strictness", "lenient",
     "--category", "WIRE"],  # fmt: skip
    ["diff", "a", "b", "-c", "x y", "--category", "é"],
    ["lint", "a"],
    ["lint", "a", "b", "c", "--format", "sarif"],
    ["lint", "-f", "json", "a"],
    ["lint", "a", "--no-color", "b"],
    ["check"],
    ["check", "."],
    ["check", "a", "b", "--base", "HEAD~1", "--jobs", "2"],
    ["check", "--jobs", "0"],
    ["check", "--jobs", "12", "-f", "json", "-o", "x.json"],
    ["check", "a", "--category", "FILE", "-I", "p"],
]

DECLINED = [
    [],
    ["--version"],
    ["-V"],
    ["--help"],
    ["diff", "--help"],
    ["diff", "a", "b", "-h"],
    ["diff"],
    ["diff", "a", "b", "c"],
    ["diff", "a", "b", "--"],
    ["diff", "--", "a", "b"],
    ["diff", "a", "b", "--form", "json"],
    ["diff", "a", "b", "--nope"],
    ["diff", "a", "b", "-fjson"],
    ["diff", "a", "b", "-f=json"],
    ["diff", "a", "b", "-Ia"],
    ["diff", "a", "b", "--format"],
    ["diff", "a", "b", "--format", "-x"],
    ["diff", "a", "b", "--output", "--format"],
    ["diff", "a", "b", "--format=-x"],
    ["diff", "a", "b", "--base", "x", "--base", "y"],
    ["diff", "a", "b", "--no-color", "--no-color"],
    ["diff", "a", "b", "--no-color=1"],
    ["diff", "a", "b", "--max-file-mb", "1e3"],
    ["diff", "a", "b", "--max-file-mb", "1."],
    ["diff", "a", "b", "--max-file-mb", ".5"],
    ["diff", "a", "b", "--max-file-mb", "-1"],
    ["diff", "a", "b", "--max-file-mb", " 1"],
    ["diff", "a", "b", "--max-file-mb", "1_0"],
    ["diff", "a", "b", "--max-file-mb", "nan"],
    ["diff", "a", "b", "--max-file-mb", "١"],
    ["diff", "a", "b", "--max-file-mb", "1234567890123456"],
    ["diff", "-x", "b"],
    ["dif", "a", "b"],
    ["rules"],
    ["new-service", "x"],
    ["lint"],
    ["check", "--jobs", "x"],
    ["check", "--jobs", "1.5"],
    ["check", "--jobs", "007"],
    ["check", "--jobs", "-1"],
    ["check", "-j"],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=" ".join)
def test_fast_path_passes_what_typer_passes(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert agree(argv, monkeypatch), f"the fast path declines {argv!r}"


@pytest.mark.parametrize("argv", DECLINED, ids=lambda a: " ".join(a) or "(none)")
def test_fast_path_declines_what_is_not_plain(argv: list[str]) -> None:
    assert fastpath.parse(argv, NO_ENV) is None


def test_declined_in_completion_or_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["diff", "a", "b"]
    assert fastpath.parse(argv, {"_GOVERN_COMPLETE": "bash_complete"}) is None
    assert fastpath.parse(argv, {"NO_COLOR": "1"}) is not None
    assert fastpath.disabled({"GOVERN_NO_FASTPATH": "1"})
    assert not fastpath.disabled({"GOVERN_NO_FASTPATH": "0"}) and not fastpath.disabled({})
    called: list[Any] = []
    monkeypatch.setattr(bodies, "diff", lambda **kw: called.append(kw))
    assert fastpath.run(argv, {"GOVERN_NO_FASTPATH": "1"}) is False
    assert fastpath.run(["diff", "--help"], {}) is False
    assert called == []
    assert fastpath.run(argv, {}) is True
    assert len(called) == 1 and sorted(called[0]) == sorted(p["name"] for p in SNAPSHOT["diff"]["params"])
    assert called[0]["base_arg"] == "a" and called[0]["revision_arg"] == "b"


def test_absent_lists_are_fresh_each_time() -> None:
    first = fastpath.parse(["diff", "a", "b"], NO_ENV)
    assert first is not None
    first[1]["proto_path"].append("x")
    second = fastpath.parse(["diff", "a", "b"], NO_ENV)
    assert second is not None and second[1]["proto_path"] == []


# -- generated argv lists: every token kind the parser treats specially ------------------------

GOOD = ["a", "base", "x.proto", "-", "", "json", "text", "0", "1", "2.5", "12", "é", "REF:path", "a=b", "1.0"]
BAD = ["--", "-h", "--help", "-x", "007", "1e3", " 1", "1.", "-1", "nan", "1_0", "12345678901234567", ".5"]
VALUES = GOOD + BAD


def argv_for(name: str) -> st.SearchStrategy[list[str]]:
    opts: list[str] = []
    for param in SNAPSHOT[name]["params"]:
        opts += param.get("opts", [])
    abbreviated = [o[:-2] for o in opts if o.startswith("--") and len(o) > 5]
    option = st.sampled_from(opts)
    value = st.one_of(st.sampled_from(GOOD), st.sampled_from(GOOD), st.sampled_from(GOOD), st.sampled_from(BAD))
    attached = st.builds(lambda o, v: f"{o}={v}", st.sampled_from([o for o in opts if o.startswith("--")]), value)
    bundled = st.builds(lambda o, v: o + v, st.sampled_from([o for o in opts if len(o) == 2]), value)
    odd = st.one_of(attached, bundled, st.sampled_from(abbreviated + ["--nope", "-z", "-h", "--help", "--"] + BAD))
    pair = st.tuples(option, value).map(list)
    chunk = st.one_of(pair, pair, pair, option.map(lambda t: [t]), value.map(lambda t: [t]), odd.map(lambda t: [t]))
    return st.lists(chunk, max_size=6).map(lambda chunks: [name] + [t for c in chunks for t in c])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.one_of(*(argv_for(name) for name in sorted(SNAPSHOT))))
def test_generated_argv_agree_with_typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    agree(argv, monkeypatch)


@settings(max_examples=200, deadline=None)
@given(argv=st.lists(st.text(max_size=8), max_size=6), command=st.sampled_from(sorted(SNAPSHOT)))
def test_parse_never_raises(argv: list[str], command: str) -> None:
    result = fastpath.parse([command, *argv], NO_ENV)
    assert result is None or sorted(result[1]) == sorted(p["name"] for p in SNAPSHOT[command]["params"])


def test_random_argv_agree_with_typer_and_reach_both_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeded random argv lists from the same tokens: they agree too, and many are accepted and
    many declined (a guard against a parser that declines everything and so trivially agrees)."""
    rng = random.Random(4)
    accepted = 0
    for _ in range(150):
        name = rng.choice(sorted(SNAPSHOT))
        opts = [o for p in SNAPSHOT[name]["params"] for o in p.get("opts", [])]
        argv = [name]
        for _ in range(rng.randrange(5)):
            roll = rng.random()
            if roll < 0.6:
                argv += [rng.choice(opts), rng.choice(VALUES[:12] if roll < 0.5 else VALUES)]
            elif roll < 0.9:
                argv.append(rng.choice(["a", "b", "x.proto", "-"]))
            else:
                argv.append(rng.choice(opts + VALUES))
        accepted += agree(argv, monkeypatch)
    assert 30 < accepted < 120


# -- the snapshot of other parameter kinds, and what it refuses --------------------------------


def _command(function: Any) -> Any:
    app = typer.Typer(add_completion=False)
    app.callback()(lambda: None)
    app.command("x", cls=PlainCommand)(function)
    return typer.main.get_group(app).commands["x"], app


def test_choices_ints_and_secondary_flags_agree_with_typer() -> None:
    seen: dict[str, Any] = {}

    def x(
        items: Optional[List[str]] = typer.Argument(None),
        level: Literal["low", "high"] = typer.Option("low", "--level", "-l"),
        count: int = typer.Option(3, "--count"),
        ratio: float = typer.Option(1.0, "--ratio"),
        color: bool = typer.Option(True, "--color/--no-color"),
        name: Optional[str] = typer.Option(None, "--name"),
    ) -> None:
        seen.clear()
        seen.update(items=items, level=level, count=count, ratio=ratio, color=color, name=name)

    command, app = _command(x)
    snapshot = {"x": fastpath.describe(command)}
    cases = [
        [], ["a", "b"], ["--level", "high"], ["-l", "low", "a"], ["--level", "HIGH"], ["--level", "mid"],
        ["--count", "0"], ["--count", "12"], ["--count", "012"], ["--ratio", "3"], ["--ratio", "0.125"],
        ["--no-color"], ["--color"], ["--color", "--no-color"], ["--name", "n", "z"], ["--name"],
    ]  # fmt: skip
    accepted = 0
    for args in cases:
        fast = fastpath.parse(["x", *args], NO_ENV, snapshot)
        if fast is None:
            continue
        accepted += 1
        seen.clear()
        result = CliRunner().invoke(app, ["x", *args])
        assert result.exit_code == 0, (args, result.output)
        assert typed(fast[1]) == typed(seen), args
    assert accepted == 11  # all but HIGH, mid, 012, a flag given twice and --name without a value


@pytest.mark.parametrize(
    "param",
    [
        typer.Option(None, "--a", callback=lambda v: v),
        typer.Option(None, "--a", envvar="GOVERN_A"),
        typer.Option(None, "--a", prompt=True),
        typer.Option(None, "--a", is_eager=True),
        typer.Option(None, "--a", parser=str),
    ],
)
def test_unusual_parameters_are_refused(param: Any) -> None:
    def x(a: Optional[str] = param) -> None:
        pass

    command, _ = _command(x)
    with pytest.raises(fastpath.Ineligible):
        fastpath.describe(command)


class Colour(str, enum.Enum):
    red = "red"


def test_ranges_paths_and_enums_are_refused() -> None:
    def ranged(n: int = typer.Option(1, "--n", min=0)) -> None:
        pass

    def path(p: Path = typer.Option(Path("."), "--p")) -> None:
        pass

    def colour(c: Colour = typer.Option(Colour.red, "--c")) -> None:
        pass

    for function in (ranged, path, colour):
        with pytest.raises(fastpath.Ineligible):
            fastpath.describe(_command(function)[0])


def test_a_body_must_take_the_commands_parameters() -> None:
    def x(a: Optional[str] = typer.Option(None, "--a")) -> None:
        pass

    command, _ = _command(x)
    assert [p["name"] for p in fastpath.describe(command)["params"]] == ["a"]
    with pytest.raises(fastpath.Ineligible, match="does not take"):
        fastpath.describe(command, body="govern.cli.bodies:diff")


# -- real runs: byte-identical with the fast path on and off -----------------------------------

RUN = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps({"typer": "typer" in sys.modules})))
sys.argv = ["govern", *sys.argv[2:]]
from govern.cli.app import main
main()
"""

BASE_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n  int32 total = 2;\n}\n'
REVISION_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n}\n'
BROKEN_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1\n}\n'


def _run(tmp: Path, args: list[str], fast: bool) -> tuple[int, bytes, bytes, dict[str, bytes], bool]:
    work = tmp / ("fast" if fast else "typer")
    out_dir = work / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVERN_DEBUG", "GOVERN_NO_FASTPATH"))}
    env["NO_COLOR"] = "1"
    if not fast:
        env["GOVERN_NO_FASTPATH"] = "1"
    record = work / "record.json"
    args = [a.replace("OUT", str(out_dir)) for a in args]
    proc = subprocess.run([sys.executable, "-c", RUN, str(record), *args], cwd=tmp, env=env, capture_output=True,
                          timeout=120)  # fmt: skip
    files = {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())}
    stdout = proc.stdout.replace(str(out_dir).encode(), b"OUT")
    stderr = proc.stderr.replace(str(out_dir).encode(), b"OUT")
    return proc.returncode, stdout, stderr, files, json.loads(record.read_text())["typer"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("fastpath")
    for side, text in (("base", BASE_PROTO), ("revision", REVISION_PROTO), ("broken", BROKEN_PROTO)):
        (tmp / side).mkdir()
        (tmp / side / "shop.proto").write_text(text)
    return tmp


REAL_RUNS = [
    (["diff", "base", "revision", "--format", "json"], 1),
    (["diff", "base/shop.proto", "revision/shop.proto"], 1),
    (["diff", "base", "base", "--format", "json"], 0),
    (["diff", "base", "revision", "--fail-on", "INFO", "-f", "text", "--no-color"], 1),
    (["diff", "base", "missing"], 2),
    (["diff", "base", "broken"], 2),
    (["diff", "base", "revision", "--format", "xml"], 2),
    (["diff", "base", "revision", "--max-file-mb", "0"], 2),
    (["diff", "base", "revision", "--max-file-mb", "0.00001"], 2),
    (["diff", "base", "revision", "--category", "WIRE", "-f", "markdown"], 1),
    (["diff", "base", "revision", "--category", "NOPE"], 2),
    (["diff", "base", "revision", "--config", "missing.yaml"], 2),
    (["diff", "base", "revision", "-f", "json", "-o", "OUT/r.json", "-f", "sarif", "-o", "OUT/r.sarif", "-f", "github"],
     1),  # fmt: skip
    (["diff", "base", "revision", "--output=OUT/r.xml", "--format=junit"], 1),
    (["diff", "base", "revision", "-f", "gitlab", "-f", "waivers", "-o", "OUT/w.yaml"], 1),
    (["diff", "base", "revision", "-f", "json", "-o", "OUT/a", "-f", "text", "-o", "OUT/a"], 2),
    (["diff", "base", "revision", "-o", "OUT/nodir/r.json"], 2),
    (["lint", "revision", "--format", "json"], None),
    (["lint", "broken"], 2),
    (["check", "base", "revision", "-f", "json", "--jobs", "1"], None),
    (["check", "nowhere", "--jobs", "1"], 2),
    (["diff", "base", "revision", "--format", "json", "-h"], 0),  # declined: typer's help
    (["diff", "base"], 2),  # accepted: REVISION is optional, the body reports what is missing
    (["diff"], 2),  # declined: typer's usage error
]


@pytest.mark.parametrize("args,code", REAL_RUNS, ids=[" ".join(a) for a, _ in REAL_RUNS])
def test_real_runs_are_byte_identical_with_and_without_the_fast_path(
    tree: Path, args: list[str], code: int | None
) -> None:
    fast = _run(tree, args, fast=True)
    slow = _run(tree, args, fast=False)
    assert fast[:4] == slow[:4]
    if code is not None:
        assert fast[0] == code, fast[2]
    accepted = fastpath.parse(args, NO_ENV) is not None
    assert fast[4] is (not accepted)  # the fast path ran without typer, or left it all to typer
    assert slow[4] is True


# -- govern/cli/common.py without typer: the same bytes on stderr, the same exits --------------


@pytest.mark.parametrize(
    "line,encoding",
    [
        ("govern: error: plain", "utf-8"),
        ("govern: error: \x1b[31mred\x1b[0m and \x1b[1;4mbold\x1b[m", "utf-8"),
        ("govern: error: café ☃ \udcff", "utf-8"),
        ("govern: error: café ☃", "ascii"),
        ("govern: error: \x1b[2Kcafé", "ascii"),
    ],
)
def test_echo_err_writes_what_typer_echo_writes(line: str, encoding: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from govern.cli.common import echo_err

    def written(write: Any) -> bytes:
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="backslashreplace")
        monkeypatch.setattr(sys, "stderr", stream)
        write(line)
        stream.flush()
        return raw.getvalue()

    assert written(echo_err) == written(lambda text: typer.echo(text, err=True))


def test_guarded_maps_errors_and_lets_exits_through(capsys: pytest.CaptureFixture[str]) -> None:
    from govern.cli.common import fail, guarded
    from govern.errors import UsageError

    def body(exc: BaseException) -> Any:
        def run() -> None:
            raise exc

        return run

    for exc, code in ((typer.Exit(3), None), (SystemExit(1), 1)):
        with pytest.raises(type(exc)) as info:
            guarded(body(exc))
        assert info.value is exc and (code is None or info.value.code == code)
    with pytest.raises(SystemExit) as info:
        guarded(body(UsageError("bad option")))
    assert info.value.code == 2 and capsys.readouterr().err == "govern: error: bad option\n"
    with pytest.raises(SystemExit) as info:
        fail("gone", 7)
    assert info.value.code == 7 and capsys.readouterr().err == "govern: error: gone\n"
