"""The terminal side of the interactive twins (`recommend`, `new-service`): questionary prompts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO


class Prompter:
    """Asks through questionary, writing to the terminal even when stdout is redirected.

    Subclasses add their own kinds of question; `invalid` is the error their checks raise for an
    answer that does not fit, whose message is shown while the prompt stays open."""

    invalid: type[Exception] = ValueError

    def __init__(self, stream: TextIO | None = None) -> None:
        from prompt_toolkit.output import create_output

        self.stream = stream or (sys.stdout if sys.stdout.isatty() else sys.stderr)
        self.output = create_output(stdout=self.stream)

    def note(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def text(self, prompt: str, default: str, check: Callable[[str], Any]) -> str:
        import questionary

        def validate(text: str) -> bool | str:
            try:
                check(text)
            except self.invalid as exc:
                return str(exc)
            return True

        return str(questionary.text(prompt, default=default, validate=validate, output=self.output).unsafe_ask())
