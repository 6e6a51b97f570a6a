"""Errors govern raises; the CLI maps each to a one-line message and an exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_INPUT = 2


class GovernError(Exception):
    """Root of every error govern reports to the user."""

    exit_code = EXIT_INPUT

    def one_line(self) -> str:
        return " ".join(str(self).split())


class InputError(GovernError):
    """Input govern cannot use: unreadable, unparseable, hostile or not a contract (exit 2)."""

    def __init__(
        self,
        file: str | None,
        msg: str,
        *,
        line: int | None = None,
        col: int | None = None,
        pointer: str | None = None,
    ) -> None:
        self.file = file
        self.msg = msg
        self.line = line
        self.col = col
        self.pointer = pointer
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        if self.pointer:
            where += f" ({self.pointer})"
        return f"{where}: {' '.join(self.msg.split())}"


def did_you_mean(word: str, options: "Iterable[str]") -> str:
    """`; did you mean 'x'?` naming the closest of `options`, or "" when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class UsageError(GovernError):
    """The command was called wrongly (bad flag value, refused overwrite, bad name) (exit 2)."""


class PolicyFailure(GovernError):
    """Findings at or above the fail-on level (exit 1)."""

    exit_code = EXIT_POLICY
