"""The pattern matrix: load govern/data/patterns.yaml (or a custom one), validate it, hash it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from govern.errors import InputError
from govern.recommend.conditions import facts_used, uses_selection

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_MATRIX = DATA / "patterns.yaml"
SCHEMA = DATA / "schemas" / "patterns.schema.json"

# The pattern ids issue 9 fixes; a matrix may add more but never drop these.
REQUIRED_PATTERNS = (
    "rest", "grpc", "graphql", "websockets", "webhooks", "message-queue", "pub-sub",
    "event-streaming", "event-sourcing", "cqrs", "saga-orchestration", "saga-choreography",
    "api-gateway", "bff", "service-mesh", "service-discovery", "load-balancing",
    "circuit-breaker", "bulkhead", "retry-backoff", "timeouts", "idempotency",
    "dead-letter-queue", "backpressure", "polling",
)
KIND_ORDER = ("interaction", "coordination", "edge", "resilience")


@dataclass(frozen=True)
class Cited:
    """A statement with the seed(s) it comes from."""

    text: str
    sources: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Attribute:
    value: str
    sources: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Axis:
    id: str
    label: str
    levels: tuple[str, ...]
    better: str
    help: str

    def goodness(self, level: str) -> float:
        """0.0 (worst end) .. 1.0 (the `better` end) for one level of this axis."""
        idx = self.levels.index(level)
        span = len(self.levels) - 1
        frac = idx / span if span else 1.0
        return frac if self.levels[-1] == self.better else 1.0 - frac


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    file: str
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Pattern:
    id: str
    name: str
    kind: str
    mode: str
    contract: str
    summary: str
    sources: tuple[str, ...]
    attributes: Mapping[str, Attribute]
    pros: tuple[Cited, ...]
    cons: tuple[Cited, ...]
    when_to_use: tuple[Cited, ...]
    when_not_to_use: tuple[Cited, ...]
    requires: Mapping[str, tuple[str, ...]]
    confirmation: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, Any]
    scores: Mapping[str, int]
    because: str
    sources: tuple[str, ...]
    phase: int  # 1: reads facts only; 2: also reads the chosen patterns' modes


@dataclass(frozen=True)
class Group:
    id: str
    patterns: tuple[str, ...]
    why: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scoring:
    min_supporting_score: int
    avoid_max_score: int
    requires_weight: int
    primary_kinds: tuple[str, ...]
    fallback_primary: str


@dataclass(frozen=True)
class Matrix:
    path: str
    version: str
    hash: str  # "sha256:<hex>" of the file's text with LF line endings
    sources: Mapping[str, Source]
    kinds: Mapping[str, str]
    axes: Mapping[str, Axis]
    scoring: Scoring
    groups: Mapping[str, Group]
    patterns: Mapping[str, Pattern]
    rules: tuple[Rule, ...]
    group_of: Mapping[str, str] = field(default_factory=dict)

    def cite(self, source_ids: Iterable[str]) -> str:
        return ", ".join(sorted(set(source_ids)))


def text_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def load_matrix(path: str | None = None, *, known_facts: Iterable[str] | None = None) -> Matrix:
    """Load, schema-validate and cross-check a matrix file (the bundled one by default)."""
    from govern.load.files import parse_document, read_text
    from govern.load.model import Limits

    file = str(path or DEFAULT_MATRIX)
    limits = Limits(max_file_bytes=4 * 1024 * 1024)
    text = read_text(file, limits)
    doc = parse_document(file, text, limits)
    data = doc.data

    def error(pointer: str, msg: str) -> InputError:
        loc = doc.source.locate(pointer)
        return InputError(file, msg, line=loc.line, col=loc.col, pointer=pointer or None)

    _schema_check(data, error)
    matrix = _build(file, text, data)
    _cross_check(matrix, data, error, set(known_facts) if known_facts is not None else None)
    return matrix


def _schema_check(data: Any, error: Any) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in best.absolute_path)
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise error(pointer, f"pattern matrix does not match its schema: {best.message}{more}")


def _cited(items: list[dict[str, Any]]) -> tuple[Cited, ...]:
    return tuple(Cited(i["text"], tuple(i["sources"]), i.get("note")) for i in items)


def _build(file: str, text: str, data: Mapping[str, Any]) -> Matrix:
    sources = {
        sid: Source(sid, s["title"], s["file"], s.get("author"), s.get("date"))
        for sid, s in data["sources"].items()
    }
    axes = {
        aid: Axis(aid, a["label"], tuple(a["levels"]), a["better"], a["help"]) for aid, a in data["axes"].items()
    }
    patterns: dict[str, Pattern] = {}
    for order, (pid, p) in enumerate(data["patterns"].items()):
        patterns[pid] = Pattern(
            id=pid,
            name=p["name"],
            kind=p["kind"],
            mode=p["mode"],
            contract=p["contract"],
            summary=p["summary"],
            sources=tuple(p["sources"]),
            attributes={
                k: Attribute(v["value"], tuple(v["sources"]), v.get("note")) for k, v in p["attributes"].items()
            },
            pros=_cited(p["pros"]),
            cons=_cited(p["cons"]),
            when_to_use=_cited(p["when_to_use"]),
            when_not_to_use=_cited(p["when_not_to_use"]),
            requires={k: tuple(v) for k, v in p["requires"].items()},
            confirmation=tuple(p["confirmation"]),
            order=order,
        )
    rules = tuple(
        Rule(
            r["id"],
            r["when"],
            dict(r["scores"]),
            r["because"],
            tuple(r["sources"]),
            2 if uses_selection(r["when"]) else 1,
        )
        for r in data["rules"]
    )
    groups = {
        gid: Group(gid, tuple(g["patterns"]), g["why"], tuple(g["sources"])) for gid, g in data["groups"].items()
    }
    group_of = {pid: gid for gid, g in groups.items() for pid in g.patterns}
    s = data["scoring"]
    scoring = Scoring(
        s["min_supporting_score"], s["avoid_max_score"], s["requires_weight"], tuple(s["primary_kinds"]), s["fallback_primary"]
    )
    return Matrix(
        path=file,
        version=data["version"],
        hash=text_hash(text),
        sources=sources,
        kinds=dict(data["kinds"]),
        axes=axes,
        scoring=scoring,
        groups=groups,
        patterns=patterns,
        rules=rules,
        group_of=group_of,
    )


def _cross_check(m: Matrix, data: Mapping[str, Any], error: Any, known_facts: set[str] | None) -> None:
    """What a schema cannot say: every reference points at something that exists."""

    def check_sources(pointer: str, ids: Iterable[str]) -> None:
        for sid in ids:
            if sid not in m.sources:
                raise error(pointer, f"unknown source {sid!r}; declare it under `sources`")

    def check_pattern(pointer: str, pid: str) -> None:
        if pid not in m.patterns:
            raise error(pointer, f"unknown pattern {pid!r}")

    missing = [pid for pid in REQUIRED_PATTERNS if pid not in m.patterns]
    if missing:
        raise error("/patterns", f"the matrix lacks required pattern(s): {', '.join(missing)}")
    for aid, axis in m.axes.items():
        if axis.better not in axis.levels:
            raise error(f"/axes/{aid}/better", f"{axis.better!r} is not one of the axis levels")
    for pid, p in m.patterns.items():
        base = f"/patterns/{pid}"
        check_sources(f"{base}/sources", p.sources)
        for aid, attr in p.attributes.items():
            check_sources(f"{base}/attributes/{aid}", attr.sources)
            if attr.value not in m.axes[aid].levels:
                levels = ", ".join(m.axes[aid].levels)
                raise error(f"{base}/attributes/{aid}/value", f"{attr.value!r} is not a level of {aid} ({levels})")
        for section in ("pros", "cons", "when_to_use", "when_not_to_use"):
            for i, item in enumerate(getattr(p, section)):
                check_sources(f"{base}/{section}/{i}", item.sources)
        for practice, srcs in p.requires.items():
            check_pattern(f"{base}/requires/{practice}", practice)
            if m.patterns[practice].kind != "resilience":
                raise error(f"{base}/requires/{practice}", f"{practice!r} is not a resilience pattern")
            check_sources(f"{base}/requires/{practice}", srcs)
    for gid, group in m.groups.items():
        check_sources(f"/groups/{gid}/sources", group.sources)
        for i, pid in enumerate(group.patterns):
            check_pattern(f"/groups/{gid}/patterns/{i}", pid)
            if m.patterns[pid].kind == "resilience":
                raise error(f"/groups/{gid}/patterns/{i}", f"resilience pattern {pid!r} cannot be in a group")
    seen = [pid for g in m.groups.values() for pid in g.patterns]
    dup = sorted({pid for pid in seen if seen.count(pid) > 1})
    if dup:
        raise error("/groups", f"pattern(s) in more than one group: {', '.join(dup)}")
    fb = m.scoring.fallback_primary
    check_pattern("/scoring/fallback_primary", fb)
    if m.patterns[fb].kind not in m.scoring.primary_kinds:
        raise error("/scoring/fallback_primary", f"{fb!r} is not of a primary kind")
    ids: set[str] = set()
    for i, rule in enumerate(m.rules):
        base = f"/rules/{i}"
        if rule.id in ids:
            raise error(f"{base}/id", f"duplicate rule id {rule.id!r}")
        ids.add(rule.id)
        check_sources(f"{base}/sources", rule.sources)
        for pid in rule.scores:
            check_pattern(f"{base}/scores/{pid}", pid)
            if rule.phase == 2 and m.patterns[pid].kind != "resilience":
                raise error(
                    f"{base}/scores/{pid}",
                    f"rule {rule.id!r} reads selected_mode, so it may only score resilience patterns, not {pid!r}",
                )
        if known_facts is not None:
            unknown = sorted(facts_used(rule.when) - known_facts)
            if unknown:
                raise error(f"{base}/when", f"rule {rule.id!r} reads unknown fact(s): {', '.join(unknown)}")
