"""The new-service questions in a terminal (questionary), re-asking answers that do not fit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govern.prompting import Prompter as TerminalPrompter
from govern.scaffold.answers import (
    CONTRACT_KEYS,
    HELP,
    AnswerError,
    default_for,
    parse_text,
    resource_problem,
)

CONTRACT_LABELS = {
    "rest": "REST: OpenAPI 3.1 (openapi.yaml)",
    "grpc": "gRPC: protobuf (proto/)",
    "events": "events: AsyncAPI 3.0 (asyncapi.yaml)",
}
PROMPTS = {
    "name": "Service name?",
    "owner": "Owning team?",
    "contracts": "Which contracts should it have? (space toggles, enter accepts)",
    "resource": "Main resource, singular (e.g. order)?",
    "resource_plural": "Its plural?",
    "namespace": "Reverse-DNS namespace of the event types?",
    "dependencies": "Services it calls or consumes (comma-separated, empty for none)?",
}


class Prompter(TerminalPrompter):
    """The new-service questions' kinds of question."""

    invalid = AnswerError

    def contracts(self, prompt: str, chosen: dict[str, bool]) -> list[str]:
        import questionary

        choices = [questionary.Choice(title=CONTRACT_LABELS[k], value=k, checked=chosen[k]) for k in CONTRACT_KEYS]

        def some(selected: list[str]) -> bool | str:
            return True if selected else "choose at least one (space selects)"

        picked = questionary.checkbox(prompt, choices=choices, validate=some, output=self.output).unsafe_ask()
        return [k for k in CONTRACT_KEYS if k in picked]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(value) or "none"
    return str(value)


def ask_all(preset: dict[str, Any], prompter: Prompter | None = None) -> dict[str, Any]:
    """Ask every question not answered in `preset`; return the answers given (preset included)."""
    p = prompter or Prompter()
    given = dict(preset)

    def ask(key: str, extra: Callable[[Any], None] | None = None) -> None:
        if key in preset:
            p.note(f"{PROMPTS[key]} {_shown(preset[key])} (given)")
            return
        p.note(f"  {HELP[key]}")

        def check(text: str) -> Any:
            value = parse_text(key, text)
            if extra is not None:
                extra(value)
            return value

        default = "" if key == "name" else default_for(key, given)
        given[key] = parse_text(key, p.text(PROMPTS[key], _shown(default) if default else "", check))

    ask("name")
    ask("owner")
    if any(k in preset for k in CONTRACT_KEYS):
        p.note(f"{PROMPTS['contracts']} {', '.join(k for k in CONTRACT_KEYS if preset.get(k)) or 'none'} (given)")
    else:
        picked = p.contracts(PROMPTS["contracts"], {k: True for k in CONTRACT_KEYS})
        for k in CONTRACT_KEYS:
            given[k] = k in picked

    def resource_ok(value: Any) -> None:
        problem = resource_problem(value, given.get("resource_plural") or default_for("resource_plural", {"resource": value}))
        if problem and "resource_plural" not in problem:
            raise AnswerError(problem)

    def plural_ok(value: Any) -> None:
        problem = resource_problem(given["resource"], value)
        if problem:
            raise AnswerError(problem)

    ask("resource", resource_ok)
    ask("resource_plural", plural_ok)
    if given.get("events", True):
        ask("namespace")
    ask("dependencies")
    return given
