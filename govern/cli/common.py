"""Helpers shared by commands: error mapping, output writing, fail-on handling.

Imports no typer (nor anything heavy): the fast path (govern/cli/fastpath.py) runs command
bodies through `guarded` without the CLI framework.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, NoReturn, TypeVar

from govern.errors import EXIT_INPUT, GovernError

if TYPE_CHECKING:
    from govern.config import Config
    from govern.load.model import Limits
    from govern.rules.finding import Level

T = TypeVar("T")


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """Print a one-line error to stderr and exit (SystemExit passes through typer and click)."""
    echo_err(f"govern: error: {message}")
    raise SystemExit(code)


def echo_err(line: str) -> None:
    """Write `line` and a newline to stderr exactly as `typer.echo(line, err=True)` does (click's
    echo), without importing typer: ANSI escape sequences are stripped when stderr is not a
    terminal, and a stream whose encoding is ASCII is written as UTF-8 (undecodable characters
    replaced)."""
    stream = sys.stderr
    if stream is None:
        return
    text = line + "\n"
    if "\033" in text and not _isatty(stream):
        import re

        text = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text)
    if _is_ascii(getattr(stream, "encoding", None) or "ascii"):
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            stream.flush()
            binary.write(text.encode("utf-8", "replace"))
            binary.flush()
            return
    stream.write(text)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # noqa: BLE001 - as click: a stream that cannot tell is no terminal
        return False


def _is_ascii(encoding: str) -> bool:
    import codecs

    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def _is_typer_exit(exc: BaseException) -> bool:
    """True for typer.Exit, which only exists once typer is imported."""
    exceptions = sys.modules.get("typer.exceptions")
    exit_type = getattr(exceptions, "Exit", None)
    return exit_type is not None and isinstance(exc, exit_type)


def guarded(fn: Callable[[], T]) -> T:
    """Run a command body; map GovernError (and any crash) to one line and an exit code."""
    from govern.cli.startup import resume_gc

    resume_gc()  # startup is over (see govern/cli/startup.py)
    try:
        return fn()
    except GovernError as exc:
        fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except RecursionError:
        fail("input nests too deeply to process", EXIT_INPUT)
    except MemoryError:
        fail("input too large to process in memory", EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback
        if _is_typer_exit(exc) or os.environ.get("GOVERN_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:300]
        fail(
            f"internal error ({type(exc).__name__}: {detail}); "
            "rerun with GOVERN_DEBUG=1 for a traceback and report it",
            EXIT_INPUT,
        )


def emit(text: str | bytes, output: str | None) -> None:
    """Print to stdout, or write atomically to `output`; bytes are UTF-8 text."""
    if output and output != "-":
        from govern.write import write_atomic

        write_atomic(output, text)
        return
    binary = getattr(sys.stdout, "buffer", None) if isinstance(text, bytes) else None
    if binary is not None and (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8":
        sys.stdout.flush()
        binary.write(text)
        binary.flush()
        return
    sys.stdout.write(text.decode("utf-8") if isinstance(text, bytes) else text)
    sys.stdout.flush()


def use_color(output: str | None, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or (output and output != "-"):
        return False
    return sys.stdout.isatty()


def report_settings(fmt: str | None, fail_on: str, max_file_mb: float) -> tuple["Level", "Limits"]:
    """Check the options every reporting command shares; return the fail-on level and limits."""
    from govern.load.model import Limits
    from govern.report import FORMATS
    from govern.rules.finding import Level

    if fmt is not None and fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    try:
        threshold = Level.parse(fail_on)
    except ValueError as exc:
        fail(f"--fail-on: {exc}")
    if max_file_mb <= 0:
        fail("--max-file-mb must be positive")
    return threshold, Limits(max_file_bytes=int(max_file_mb * 1024 * 1024))


def output_pairs(formats: list[str] | None, outputs: list[str] | None) -> list[tuple[str, str | None]]:
    """Pair the i-th --format with the i-th --output; the last format may have none (stdout).

    `-f json -o a.json -f sarif -o b.sarif` writes two files; `-f text` alone prints;
    `-f json -o r.json -f github` writes r.json and prints the GitHub annotations.
    """
    from govern.report import FORMATS

    fmts = list(formats or ["text"])
    outs: list[str | None] = list(outputs or [])
    for fmt in fmts:
        if fmt not in FORMATS:
            fail(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if len(outs) == len(fmts) - 1:
        outs.append(None)  # the last format prints to stdout
    if len(outs) != len(fmts):
        fail(
            f"{len(fmts)} --format and {len(outs)} --output options: give one --output per --format "
            "(the last one may omit it and print to stdout)"
        )
    pairs = [(f, None if o in (None, "-") else o) for f, o in zip(fmts, outs)]
    if sum(1 for _, o in pairs if o is None) > 1:
        fail("only one --format can print to stdout; give the others an --output FILE")
    targets = [os.path.abspath(o) for _, o in pairs if o is not None]
    if len(set(targets)) != len(targets):
        fail("two --output options name the same file")
    return pairs


def emit_reports(
    report: object, pairs: list[tuple[str, str | None]], no_color: bool, before_output: Callable[[], Any] | None = None
) -> None:
    """Render `report` once per (format, output) pair; files are written atomically. Nothing is
    written before every report is rendered and `before_output()` (if given) has returned."""
    from govern.report import render_bytes

    texts = [(render_bytes(report, fmt, color=use_color(out, no_color)), out) for fmt, out in pairs]  # type: ignore[arg-type]
    if before_output is not None:
        before_output()
    for text, out in texts:
        emit(text, out)


def finish(
    command: str,
    findings: list[Any],
    inputs: list[str],
    threshold: "Level",
    meta: dict[str, Any],
    pairs: list[tuple[str, str | None]],
    no_color: bool,
    before_output: Callable[[], Any] | None = None,
) -> None:
    """Write the reports of a finished `command` (after `before_output()`, see emit_reports);
    exit 1 when a finding is at or above `threshold`."""
    from govern.errors import EXIT_POLICY
    from govern.report import Report

    failed = any(f.level >= threshold for f in findings)
    emit_reports(Report(command, findings, inputs, threshold.name, failed, meta), pairs, no_color, before_output)
    if failed:
        raise SystemExit(EXIT_POLICY)


def policy_settings(
    config_path: str | None, fail_on: str | None, max_file_mb: float
) -> tuple["Config", "Level", "Limits"]:
    """Load the config (--config, else the nearest .govern.yaml) and settle the fail-on level."""
    from govern.config import load_config

    config = load_config(config_path)
    level = fail_on or (config.fail_on.name if config.fail_on is not None else "ERR")
    threshold, limits = report_settings(None, level, max_file_mb)
    return config, threshold, limits


def waived_meta(waived: list[tuple[Any, Any]], config: "Config") -> dict[str, Any]:
    """Report metadata: the config used and the findings its waivers suppressed."""
    meta: dict[str, Any] = {}
    if config.path:
        meta["config"] = config.path
    if waived:
        meta["waived"] = [
            {**finding.to_dict(), "waiver": {"reason": w.reason, "expires": w.expires.isoformat(), "source": w.source}}
            for finding, w in waived
        ]
    return meta
