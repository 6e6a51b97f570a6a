"""The questionnaire in a terminal (questionary): one question at a time, re-asking bad answers."""

from __future__ import annotations

from typing import Any, Callable

from govern.prompting import Prompter as TerminalPrompter
from govern.recommend.questions import (
    MAX_CHAIN,
    MAX_HOP_LATENCY_MS,
    SERVICE_NAME,
    AnswerError,
    Question,
    applies,
    parse_availability,
    parse_text,
)
from govern.recommend.report_model import show_value


class Prompter(TerminalPrompter):
    """The questionnaire's kinds of question."""

    invalid = AnswerError

    def choice(self, q: Question) -> Any:
        import questionary

        choices = [questionary.Choice(title=label, value=value) for value, label in q.choices]
        return questionary.select(q.prompt, choices=choices, default=q.default, output=self.output).unsafe_ask()

    def boolean(self, prompt: str, default: bool) -> bool:
        import questionary

        return bool(questionary.confirm(prompt, default=default, output=self.output).unsafe_ask())

    def multi(self, q: Question) -> list[str]:
        import questionary

        choices = [
            questionary.Choice(title=label, value=value, checked=value in (q.default or []))
            for value, label in q.choices
        ]

        def enough(selected: list[str]) -> bool | str:
            return True if len(selected) >= q.min_items else f"choose at least {q.min_items} (space selects)"

        picked = questionary.checkbox(q.prompt, choices=choices, validate=enough, output=self.output).unsafe_ask()
        return [v for v in q.values if v in picked]


def _parser(q: Question) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        return parse_text(q, text)

    return parse


def ask_chain(p: Prompter, q: Question) -> list[dict[str, Any]]:
    if not p.boolean(q.prompt, default=False):
        return []
    hops: list[dict[str, Any]] = []
    while len(hops) < MAX_CHAIN:
        n = len(hops) + 1

        def name_ok(text: str) -> None:
            if text.strip() and not SERVICE_NAME.match(text.strip()):
                raise AnswerError("letters, digits, '.', '_' or '-' (at most 63)")

        name = p.text(f"Service {n} in the chain (empty to finish):", "", name_ok).strip()
        if not name:
            break

        def latency_ok(text: str) -> None:
            try:
                value = int(text.strip())
            except ValueError:
                raise AnswerError("a whole number of milliseconds") from None
            if not 0 <= value <= MAX_HOP_LATENCY_MS:
                raise AnswerError(f"between 0 and {MAX_HOP_LATENCY_MS}")

        latency = int(p.text(f"  {name}: latency in ms?", "50", latency_ok).strip())
        availability = parse_availability(p.text(f"  {name}: availability (0.995 or 99.5%)?", "99.5%", parse_availability))
        hops.append({"service": name, "latency_ms": latency, "availability": availability})
    return hops


def ask_all(questions: tuple[Question, ...], preset: dict[str, Any], prompter: Prompter | None = None) -> dict[str, Any]:
    """Ask every question that applies and is not preset; return the given answers."""
    p = prompter or Prompter()
    given = dict(preset)
    facts: dict[str, Any] = {}
    total = len(questions)
    for i, q in enumerate(questions, 1):
        if q.id in preset:
            facts[q.id] = preset[q.id]
            p.note(f"[{i}/{total}] {q.prompt} {show_value(q, preset[q.id])} (from --set)")
            continue
        if not applies(q, facts):
            facts[q.id] = q.when_skipped
            continue
        p.note(f"[{i}/{total}] {q.help}")
        value: Any
        if q.type == "choice":
            value = p.choice(q)
        elif q.type == "bool":
            value = p.boolean(q.prompt, bool(q.default))
        elif q.type == "int":
            value = parse_text(q, p.text(q.prompt, str(q.default), _parser(q)))
        elif q.type == "multi":
            value = p.multi(q)
        else:
            value = ask_chain(p, q)
        given[q.id] = facts[q.id] = value
    return given
