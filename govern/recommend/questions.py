"""The questionnaire: question definitions, answer validation, defaults and skipping."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from govern.errors import InputError, UsageError
from govern.errors import did_you_mean as _suggest
from govern.recommend.conditions import evaluate, facts_used

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "questions.yaml"
TYPES = ("choice", "bool", "int", "multi", "chain")
SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
MAX_CHAIN = 50
MAX_HOP_LATENCY_MS = 600_000
CHAIN_KEYS = ("service", "latency_ms", "availability")
TRUE_WORDS = {"true", "yes", "y", "on", "1"}
FALSE_WORDS = {"false", "no", "n", "off", "0"}


class AnswerError(ValueError):
    """A value that does not fit its question. `path` points inside the value (e.g. /1/availability)."""

    def __init__(self, msg: str, path: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.path = path


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    help: str
    choices: tuple[tuple[str, str], ...]
    default: Any
    min: int | None = None
    max: int | None = None
    min_items: int = 0
    ask_if: Mapping[str, Any] | None = None
    when_skipped: Any = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.choices)

    def label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Resolved:
    """Answers completed with defaults, and the facts the rules read (skipped questions included)."""

    answers: dict[str, Any]  # given + defaults of the questions that apply, in question order
    facts: dict[str, Any]  # every question id -> value (when_skipped for skipped ones)
    skipped: tuple[str, ...]  # questions that did not apply and were not answered
    defaulted: tuple[str, ...]  # questions that applied, were not answered, and took their default


@functools.lru_cache(maxsize=4)
def load_questions(path: str | None = None) -> tuple[Question, ...]:
    """The questionnaire, checked for shape (it ships with govern, so a problem is a bug)."""
    import yaml

    file = path or str(QUESTIONS_FILE)
    with open(file, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or data.get("format") != "govern-questions/1":
        raise InputError(file, "not a govern-questions/1 file")
    out: list[Question] = []
    seen: set[str] = set()
    for i, q in enumerate(data.get("questions") or []):
        where = f"question {i + 1}"
        qid = q.get("id")
        if not isinstance(qid, str) or qid in seen:
            raise InputError(file, f"{where}: missing or duplicate id {qid!r}")
        if q.get("type") not in TYPES:
            raise InputError(file, f"{qid}: type must be one of {', '.join(TYPES)}")
        choices = tuple((c["value"], c["label"]) for c in q.get("choices") or [])
        ask_if = q.get("ask_if")
        if ask_if is not None and not facts_used(ask_if) <= seen:
            raise InputError(file, f"{qid}: ask_if may only read earlier questions")
        question = Question(
            id=qid,
            type=q["type"],
            prompt=q["prompt"],
            help=q["help"],
            choices=choices,
            default=q.get("default"),
            min=q.get("min"),
            max=q.get("max"),
            min_items=q.get("min_items", 0),
            ask_if=ask_if,
            when_skipped=q.get("when_skipped"),
        )
        check_value(question, question.default)  # a default must be a valid answer
        out.append(question)
        seen.add(qid)
    return tuple(out)


def by_id(questions: tuple[Question, ...]) -> dict[str, Question]:
    return {q.id: q for q in questions}


# ---------------------------------------------------------------- one value


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _int(value: Any, lo: int | None, hi: int | None, what: str = "a whole number") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise AnswerError(f"expected {what}, got {_show(value)}")
    if lo is not None and value < lo:
        raise AnswerError(f"must be {lo} or more, got {value}")
    if hi is not None and value > hi:
        raise AnswerError(f"must be {hi} or less, got {value}")
    return int(value)


def parse_availability(value: Any) -> float:
    """0.995, 99.5 or "99.5%" -> 0.995. Numbers above 1 are read as percentages."""
    what = "expected a fraction (0.995) or a percentage (99.5%)"
    number: float
    if isinstance(value, bool):
        raise AnswerError(f"{what}, got {_show(value)}")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise AnswerError(f"{what}, got {_show(value)}") from None
        if not text.endswith("%") and number > 1:
            number /= 100
    elif isinstance(value, (int, float)):
        number = float(value) / 100 if value > 1 else float(value)
    else:
        raise AnswerError(f"{what}, got {_show(value)}")
    if not math.isfinite(number) or number <= 0 or number > 1:
        raise AnswerError(f"{what} above 0 and at most 100%, got {_show(value)}")
    return round(number, 8)


def _chain(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise AnswerError(f"expected a list of {{service, latency_ms, availability}}, got {_show(value)}")
    if len(value) > MAX_CHAIN:
        raise AnswerError(f"at most {MAX_CHAIN} services, got {len(value)}")
    hops: list[dict[str, Any]] = []
    for i, hop in enumerate(value):
        if not isinstance(hop, dict):
            raise AnswerError(f"item {i + 1}: expected a mapping with service, latency_ms, availability", f"/{i}")
        extra = sorted(str(k) for k in hop if k not in CHAIN_KEYS)
        if extra:
            raise AnswerError(
                f"item {i + 1}: unknown key {extra[0]!r}{_suggest(extra[0], CHAIN_KEYS)} "
                f"(keys: {', '.join(CHAIN_KEYS)})",
                f"/{i}/{extra[0]}",
            )
        absent = [k for k in CHAIN_KEYS if k not in hop]
        if absent:
            raise AnswerError(f"item {i + 1}: missing {', '.join(absent)}", f"/{i}")
        service = hop["service"]
        if not isinstance(service, str) or not SERVICE_NAME.match(service):
            raise AnswerError(
                f"item {i + 1}: service must be a name of letters, digits, '.', '_' or '-' "
                f"(at most 63), got {_show(service)}",
                f"/{i}/service",
            )
        try:
            latency = _int(hop["latency_ms"], 0, MAX_HOP_LATENCY_MS, "a whole number of milliseconds")
        except AnswerError as exc:
            raise AnswerError(f"item {i + 1}: latency_ms: {exc.msg}", f"/{i}/latency_ms") from None
        try:
            availability = parse_availability(hop["availability"])
        except AnswerError as exc:
            raise AnswerError(f"item {i + 1}: availability: {exc.msg}", f"/{i}/availability") from None
        hops.append({"service": service, "latency_ms": latency, "availability": availability})
    return hops


def check_value(q: Question, value: Any) -> Any:
    """The normalized value for `q`, or AnswerError saying what was expected."""
    if q.type == "bool":
        if not isinstance(value, bool):
            raise AnswerError(f"expected true or false, got {_show(value)}")
        return value
    if q.type == "int":
        return _int(value, q.min, q.max)
    if q.type == "choice":
        if not isinstance(value, str) or value not in q.values:
            hint = _suggest(value, q.values) if isinstance(value, str) else ""
            raise AnswerError(f"expected one of {', '.join(q.values)}, got {_show(value)}{hint}")
        return value
    if q.type == "multi":
        items = value if isinstance(value, list) else None
        if items is None:
            raise AnswerError(f"expected a list drawn from {', '.join(q.values)}, got {_show(value)}")
        for i, item in enumerate(items):
            if not isinstance(item, str) or item not in q.values:
                hint = _suggest(item, q.values) if isinstance(item, str) else ""
                raise AnswerError(f"item {i + 1}: expected one of {', '.join(q.values)}, got {_show(item)}{hint}", f"/{i}")
        if len(set(items)) < q.min_items:
            raise AnswerError(f"choose at least {q.min_items} of {', '.join(q.values)}")
        return [v for v in q.values if v in items]  # choice order: same answers, same output
    if q.type == "chain":
        return _chain(value)
    raise AssertionError(q.type)


def parse_text(q: Question, text: str) -> Any:
    """A value typed at a prompt or given as --set key=TEXT, checked like a file's value."""
    raw = text.strip()
    if q.type == "bool":
        low = raw.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise AnswerError(f"expected true or false (yes/no), got {_show(raw)}")
    if q.type == "int":
        try:
            number = int(raw)
        except ValueError:
            raise AnswerError(f"expected a whole number, got {_show(raw)}") from None
        return check_value(q, number)
    if q.type == "choice":
        return check_value(q, raw)
    if q.type == "multi":
        items = [part.strip() for part in raw.split(",") if part.strip()]
        return check_value(q, items)
    if q.type == "chain":
        import yaml

        try:
            data = yaml.safe_load(raw) if raw else []
        except yaml.YAMLError:
            raise AnswerError("expected a YAML list like [{service: a, latency_ms: 50, availability: 99.5%}]") from None
        return check_value(q, data if data is not None else [])
    raise AssertionError(q.type)


# ---------------------------------------------------------------- a set of answers


def check_answers(
    raw: Any,
    questions: tuple[Question, ...],
    *,
    file: str,
    locate: Callable[[str], tuple[int | None, int | None]] | None = None,
) -> dict[str, Any]:
    """Validate an answers mapping (from a file): known keys, right types. InputError otherwise."""

    def fail(pointer: str, msg: str) -> InputError:
        line, col = locate(pointer) if locate else (None, None)
        return InputError(file, msg, line=line, col=col)

    if not isinstance(raw, dict):
        raise fail("", "an answers file is a mapping of question ids to answers, e.g. `caller: internal-service`")
    known = by_id(questions)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key not in known:
            ids = tuple(known)
            raise fail(
                f"/{key}",
                f"unknown answer {str(key)!r}{_suggest(str(key), ids)} (known: {', '.join(ids)})",
            )
        try:
            out[key] = check_value(known[key], value)
        except AnswerError as exc:
            raise fail(f"/{key}{exc.path}", f"{key}: {exc.msg}") from None
    return out


def parse_set(items: list[str], questions: tuple[Question, ...]) -> dict[str, Any]:
    """--set key=value pairs, each parsed by its question's type. UsageError otherwise."""
    known = by_id(questions)
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            raise UsageError(f"--set {item!r}: expected key=value")
        if key not in known:
            ids = tuple(known)
            raise UsageError(f"--set {key}: unknown answer{_suggest(key, ids)} (known: {', '.join(ids)})")
        try:
            out[key] = parse_text(known[key], text)
        except AnswerError as exc:
            raise UsageError(f"--set {key}: {exc.msg}") from None
    return out


def applies(q: Question, facts: Mapping[str, Any]) -> bool:
    """Whether the question still matters given the earlier answers."""
    return q.ask_if is None or evaluate(q.ask_if, facts)


def resolve(given: Mapping[str, Any], questions: tuple[Question, ...]) -> Resolved:
    """Complete validated answers: defaults where a question applies, `when_skipped` where not."""
    answers: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    skipped: list[str] = []
    defaulted: list[str] = []
    for q in questions:
        if q.id in given:
            answers[q.id] = facts[q.id] = given[q.id]
        elif applies(q, facts):
            answers[q.id] = facts[q.id] = _copy(q.default)
            defaulted.append(q.id)
        else:
            facts[q.id] = _copy(q.when_skipped)
            skipped.append(q.id)
    return Resolved(answers, facts, tuple(skipped), tuple(defaulted))


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def dump_answers(answers: Mapping[str, Any], *, header: str = "") -> str:
    """Answers as a replayable YAML file (block style, question order)."""
    import yaml

    body = yaml.safe_dump(dict(answers), sort_keys=False, default_flow_style=False, allow_unicode=True)
    return header + str(body)
