"""Helpers shared by commands: error mapping, output writing, fail-on handling."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, NoReturn, TypeVar

import typer

from govern.errors import EXIT_INPUT, GovernError

if TYPE_CHECKING:
    from govern.load.model import Limits
    from govern.rules.finding import Level

T = TypeVar("T")


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"govern: error: {message}", err=True)
    raise typer.Exit(code)


def guarded(fn: Callable[[], T]) -> T:
    """Run a command body; map GovernError (and any crash) to one line and an exit code."""
    try:
        return fn()
    except typer.Exit:
        raise
    except GovernError as exc:
        fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except RecursionError:
        fail("input nests too deeply to process", EXIT_INPUT)
    except MemoryError:
        fail("input too large to process in memory", EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback
        if os.environ.get("GOVERN_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:300]
        fail(
            f"internal error ({type(exc).__name__}: {detail}); "
            "rerun with GOVERN_DEBUG=1 for a traceback and report it",
            EXIT_INPUT,
        )


def emit(text: str, output: str | None) -> None:
    """Print to stdout, or write atomically to `output`."""
    if output and output != "-":
        from govern.write import write_atomic

        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def use_color(output: str | None, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or (output and output != "-"):
        return False
    return sys.stdout.isatty()


def report_settings(fmt: str, fail_on: str, max_file_mb: float) -> tuple["Level", "Limits"]:
    """Check the options every reporting command shares; return the fail-on level and limits."""
    from govern.load.model import Limits
    from govern.report import FORMATS
    from govern.rules.finding import Level

    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    try:
        threshold = Level.parse(fail_on)
    except ValueError as exc:
        fail(f"--fail-on: {exc}")
    if max_file_mb <= 0:
        fail("--max-file-mb must be positive")
    return threshold, Limits(max_file_bytes=int(max_file_mb * 1024 * 1024))
