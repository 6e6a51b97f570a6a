"""The questionnaire: answer validation, --set parsing, defaults and skipping, chain arithmetic."""

from __future__ import annotations

import pytest

from govern.errors import InputError, UsageError
from govern.recommend.facts import analyse_chain, percent
from govern.recommend.questions import (
    AnswerError,
    by_id,
    check_answers,
    load_questions,
    parse_availability,
    parse_set,
    resolve,
)

QS = load_questions()
Q = by_id(QS)

ISSUE_IDS = {
    "caller", "needs_immediate_response", "consumers", "throughput", "latency_budget_ms", "consistency",
    "spans_services_transaction", "transaction_steps", "audit_trail", "service_count", "client_types",
    "streaming", "browser_clients", "call_chain",
}


def test_questionnaire_has_the_issue_answer_ids() -> None:
    assert ISSUE_IDS <= set(Q)
    assert Q["caller"].values == ("external-client", "internal-service")
    assert Q["throughput"].values == ("low", "medium", "high")
    assert Q["consistency"].values == ("strong", "eventual")
    assert Q["client_types"].values == ("web", "mobile", "partner", "iot")
    for q in QS:
        assert q.prompt and q.help, q.id


def test_transaction_steps_skipped_without_a_cross_service_transaction() -> None:
    plain = resolve({}, QS)
    assert "transaction_steps" in plain.skipped and "transaction_steps" not in plain.answers
    assert plain.facts["transaction_steps"] is None
    saga = resolve({"spans_services_transaction": True}, QS)
    assert saga.answers["transaction_steps"] == Q["transaction_steps"].default
    assert "transaction_steps" in saga.defaulted


def test_edge_questions_skipped_for_internal_callers() -> None:
    internal = resolve({"caller": "internal-service"}, QS)
    assert {"client_types", "browser_clients"} <= set(internal.skipped)
    assert internal.facts["client_types"] == []
    external = resolve({"caller": "external-client"}, QS)
    assert external.answers["client_types"] == ["web"]


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"consumerz": 2}, "unknown answer 'consumerz'; did you mean 'consumers'?"),
        ({"consumers": -1}, "consumers: must be 0 or more, got -1"),
        ({"consumers": "two"}, "consumers: expected a whole number, got 'two'"),
        ({"consumers": 2.5}, "consumers: expected a whole number, got 2.5"),
        ({"consumers": True}, "consumers: expected a whole number, got true"),
        ({"service_count": 0}, "service_count: must be 1 or more, got 0"),
        ({"transaction_steps": 1}, "transaction_steps: must be 2 or more, got 1"),
        ({"caller": "browser"}, "caller: expected one of external-client, internal-service, got 'browser'"),
        ({"needs_immediate_response": "sometimes"}, "expected true or false, got 'sometimes'"),
        ({"client_types": "web"}, "client_types: expected a list"),
        ({"client_types": []}, "client_types: choose at least 1"),
        ({"client_types": ["web", "tv"]}, "client_types: item 2: expected one of web, mobile, partner, iot, got 'tv'"),
        ({"call_chain": [{"service": "a", "latency_ms": -5, "availability": 0.9}]}, "latency_ms: must be 0 or more"),
        ({"call_chain": [{"service": "a", "latency_ms": 5}]}, "item 1: missing availability"),
        ({"call_chain": [{"service": "a b", "latency_ms": 5, "availability": 1}]}, "service must be a name"),
        ({"call_chain": [{"service": "a", "latency_ms": 5, "availability": 0}]}, "above 0 and at most 100%"),
        ({"call_chain": [{"service": "a", "latency_ms": 5, "availability": 1, "cost": 3}]}, "unknown key 'cost'"),
        ([1, 2], "an answers file is a mapping"),
    ],
)
def test_invalid_answers_are_one_line_input_errors(raw, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        check_answers(raw, QS, file="answers.yaml", locate=lambda pointer: (7, 3))
    text = info.value.one_line()
    assert message in text
    assert text.startswith("answers.yaml:7:3: ")
    assert "\n" not in text


def test_multi_answers_are_normalised_to_choice_order() -> None:
    given = check_answers({"client_types": ["partner", "web", "web"]}, QS, file="a.yaml")
    assert given["client_types"] == ["web", "partner"]


@pytest.mark.parametrize(
    "value, expected",
    [(0.995, 0.995), (99.5, 0.995), ("99.5%", 0.995), ("0.999", 0.999), (1, 1.0), ("100%", 1.0)],
)
def test_availability_accepts_fractions_and_percentages(value, expected: float) -> None:  # type: ignore[no-untyped-def]
    assert parse_availability(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [0, -0.5, 150, "abc", "101%", True, None, float("nan")])
def test_availability_rejects_nonsense(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnswerError):
        parse_availability(value)


def test_set_parses_by_question_type() -> None:
    got = parse_set(
        [
            "consumers=3",
            "needs_immediate_response=no",
            "client_types=web, mobile",
            "caller=external-client",
            "call_chain=[{service: a, latency_ms: 5, availability: 99.9%}]",
        ],
        QS,
    )
    assert got == {
        "consumers": 3,
        "needs_immediate_response": False,
        "client_types": ["web", "mobile"],
        "caller": "external-client",
        "call_chain": [{"service": "a", "latency_ms": 5, "availability": 0.999}],
    }


@pytest.mark.parametrize(
    "item, message",
    [
        ("consumers", "expected key=value"),
        ("consumer=3", "--set consumer: unknown answer; did you mean 'consumers'?"),
        ("consumers=-3", "--set consumers: must be 0 or more, got -3"),
        ("streaming=perhaps", "--set streaming: expected true or false"),
    ],
)
def test_bad_set_is_a_usage_error(item: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_set([item], QS)
    assert message in str(info.value)


def test_chain_arithmetic_matches_seed_004() -> None:
    """Three services at 99.5% give 98.5%; 50 ms + 200 ms give 250 ms."""
    chain = analyse_chain(
        [
            {"service": "order", "latency_ms": 0, "availability": 0.995},
            {"service": "inventory", "latency_ms": 50, "availability": 0.995},
            {"service": "payment", "latency_ms": 200, "availability": 0.995},
        ],
        budget_ms=200,
    )
    assert chain is not None
    assert chain.latency_ms == 250
    assert chain.availability == pytest.approx(0.985074875)
    assert round(chain.availability * 100, 1) == 98.5
    assert chain.over_budget
    assert chain.async_availability == 0.995 and chain.async_latency_ms == 0
    assert percent(chain.availability) == "98.51%"
    assert percent(0.995) == "99.5%"
    assert percent(0.99999999) != "100%"
    assert analyse_chain([], 100) is None
