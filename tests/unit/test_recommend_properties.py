"""Properties of the scoring: deterministic, monotone where the seeds say so, always explained."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.recommend import matrix_for, recommend
from govern.recommend.questions import Question, load_questions
from govern.recommend.report_json import render_json
from govern.recommend.report_markdown import render_markdown

QS = load_questions()
MATRIX = matrix_for(None)
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hops = st.fixed_dictionaries(
    {
        "service": st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
        "latency_ms": st.integers(0, 2000),
        "availability": st.sampled_from([0.9, 0.99, 0.995, 0.999, 0.9999, 1.0]),
    }
)


def _value(q: Question) -> st.SearchStrategy[Any]:
    if q.type == "choice":
        return st.sampled_from(q.values)
    if q.type == "bool":
        return st.booleans()
    if q.type == "int":
        return st.integers(q.min or 0, min(q.max or 10_000, (q.min or 0) + 60))
    if q.type == "multi":
        return st.lists(st.sampled_from(q.values), min_size=max(q.min_items, 0), max_size=4, unique=True)
    return st.lists(hops, max_size=5)


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid answers file: each question answered or left to its default."""
    out: dict[str, Any] = {}
    for q in QS:
        if draw(st.booleans()):
            out[q.id] = draw(_value(q))
    return out


def _score(given: dict[str, Any], pattern: str) -> int:
    cand = recommend(given).candidates.get(pattern)
    return cand.score if cand else 0


@FAST
@given(answers())
def test_same_answers_same_reports(given_answers: dict[str, Any]) -> None:
    first = recommend(given_answers)
    shuffled = list(given_answers.items())
    random.Random(7).shuffle(shuffled)
    second = recommend(dict(shuffled))
    assert render_json(first) == render_json(second)
    assert render_markdown(first, date="2026-01-01") == render_markdown(second, date="2026-01-01")


@FAST
@given(answers())
def test_every_decision_is_well_formed(given_answers: dict[str, Any]) -> None:
    decision = recommend(given_answers)
    data = json.loads(render_json(decision))
    roles = [r["role"] for r in data["recommendations"]]
    assert roles.count("primary") == 1 and roles[0] == "primary"
    assert set(roles) <= {"primary", "supporting", "avoid"}
    assert decision.primary.pattern.kind in MATRIX.scoring.primary_kinds
    for entry in data["recommendations"] + data["alternatives"]:
        assert entry["rationale"], entry["pattern"]
        assert entry["sources"] and set(entry["sources"]) <= set(MATRIX.sources)
    assert data["matrix_hash"] == MATRIX.hash


@FAST
@given(answers())
def test_practices_follow_the_chosen_paths(given_answers: dict[str, Any]) -> None:
    """Sync paths get timeouts, retries, breakers, idempotency; async ones DLQ and idempotency."""
    decision = recommend(given_answers)
    chosen = {c.id for c in decision.chosen}
    modes = {c.pattern.mode for c in decision.chosen if c.pattern.kind != "resilience"}
    if "sync" in modes:
        assert {"timeouts", "retry-backoff", "circuit-breaker", "idempotency"} <= chosen
    if "async" in modes:
        assert {"dead-letter-queue", "idempotency"} <= chosen
    assert "two-phase-commit" not in chosen


@FAST
@given(answers())
def test_no_service_mesh_below_fifteen_services(given_answers: dict[str, Any]) -> None:
    decision = recommend(given_answers)
    count = decision.answers["service_count"]
    mesh = decision.candidates.get("service-mesh")
    if count < 15:
        assert mesh is not None and mesh.role == "avoid"
    elif count >= 20:
        assert mesh is not None and mesh.role == "supporting"


@FAST
@given(answers(), st.integers(1, 20))
def test_more_consumers_never_lowers_pub_sub(given_answers: dict[str, Any], extra: int) -> None:
    base = dict(given_answers)
    base.setdefault("consumers", 1)
    more = {**base, "consumers": base["consumers"] + extra}
    assert _score(more, "pub-sub") >= _score(base, "pub-sub")


@FAST
@given(answers(), st.integers(2, 30), st.integers(1, 10))
def test_more_steps_favour_orchestration_over_choreography(
    given_answers: dict[str, Any], steps: int, extra: int
) -> None:
    base = {**given_answers, "spans_services_transaction": True, "transaction_steps": steps}
    more = {**base, "transaction_steps": steps + extra}
    assert _score(more, "saga-orchestration") >= _score(base, "saga-orchestration")
    assert _score(more, "saga-choreography") <= _score(base, "saga-choreography")


@FAST
@given(answers(), st.integers(1, 200), st.integers(1, 200))
def test_more_services_never_lowers_the_mesh(given_answers: dict[str, Any], count: int, extra: int) -> None:
    base = {**given_answers, "service_count": count}
    more = {**base, "service_count": count + extra}
    assert _score(more, "service-mesh") >= _score(base, "service-mesh")


@FAST
@given(answers())
def test_audit_never_lowers_event_sourcing(given_answers: dict[str, Any]) -> None:
    without = {**given_answers, "audit_trail": False}
    with_audit = {**given_answers, "audit_trail": True}
    assert _score(with_audit, "event-sourcing") >= _score(without, "event-sourcing")
    assert _score(with_audit, "cqrs") >= _score(without, "cqrs")


@FAST
@given(answers(), st.lists(st.sampled_from(["web", "mobile", "partner", "iot"]), min_size=1, unique=True))
def test_more_client_types_never_lower_bff(given_answers: dict[str, Any], kinds: list[str]) -> None:
    base = {**given_answers, "caller": "external-client", "client_types": kinds[:1]}
    more = {**base, "client_types": kinds}
    assert _score(more, "bff") >= _score(base, "bff")


@FAST
@given(answers())
def test_higher_throughput_never_lowers_grpc_or_streams(given_answers: dict[str, Any]) -> None:
    scores = [
        (_score({**given_answers, "throughput": t}, "grpc"), _score({**given_answers, "throughput": t}, "event-streaming"))
        for t in ("low", "medium", "high")
    ]
    assert [s[0] for s in scores] == sorted(s[0] for s in scores)
    assert [s[1] for s in scores] == sorted(s[1] for s in scores)


@FAST
@given(st.lists(hops, min_size=1, max_size=6), hops)
def test_a_longer_chain_is_slower_and_less_available(chain: list[dict[str, Any]], hop: dict[str, Any]) -> None:
    short = recommend({"needs_immediate_response": True, "call_chain": chain}).chain
    long = recommend({"needs_immediate_response": True, "call_chain": chain + [hop]}).chain
    assert short is not None and long is not None
    assert long.latency_ms == short.latency_ms + hop["latency_ms"]
    assert long.latency_ms >= short.latency_ms
    assert long.availability <= short.availability + 1e-12
    assert long.async_availability == short.async_availability
