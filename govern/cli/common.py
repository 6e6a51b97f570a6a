"""Helpers shared by commands: error mapping, output writing, fail-on handling."""

from __future__ import annotations

import os
import sys
from typing import Callable, NoReturn, TypeVar

import typer

from govern.errors import EXIT_INPUT, GovernError

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
