"""The pattern matrix: schema, cross-references, citations, hash; and the resilience defaults."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from govern.errors import InputError
from govern.recommend import matrix_for
from govern.recommend.matrix import DEFAULT_MATRIX, KIND_ORDER, REQUIRED_PATTERNS, SCHEMA, load_matrix
from govern.recommend.resilience import check_against, load_resilience, resilience_defaults
from tests.conftest import SHARED

SEEDS = SHARED / "seeds"


@pytest.fixture(scope="module")
def matrix():  # type: ignore[no-untyped-def]
    return matrix_for(None)


def test_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))


def test_bundled_matrix_loads_and_has_every_required_pattern(matrix) -> None:  # type: ignore[no-untyped-def]
    assert set(REQUIRED_PATTERNS) <= set(matrix.patterns)
    assert matrix.version.count(".") == 2


def test_every_pattern_is_complete_and_cited(matrix) -> None:  # type: ignore[no-untyped-def]
    for pid, p in matrix.patterns.items():
        assert p.kind in KIND_ORDER, pid
        assert p.pros and p.cons and p.when_to_use, pid
        assert p.sources, pid
        for section in (p.pros, p.cons, p.when_to_use, p.when_not_to_use):
            for item in section:
                assert item.sources and set(item.sources) <= set(matrix.sources), (pid, item)
        for axis, attr in p.attributes.items():
            assert attr.value in matrix.axes[axis].levels, (pid, axis)
            assert attr.sources, (pid, axis)
        for practice in p.requires:
            assert matrix.patterns[practice].kind == "resilience", (pid, practice)
        assert p.confirmation, pid


def test_interaction_styles_are_rated_on_every_axis(matrix) -> None:  # type: ignore[no-untyped-def]
    """The main styles carry all nine of the seeds' axes."""
    for pid in ("rest", "grpc", "message-queue", "pub-sub", "event-streaming"):
        assert set(matrix.patterns[pid].attributes) == set(matrix.axes), pid


def test_seed_table_values_are_encoded(matrix) -> None:  # type: ignore[no-untyped-def]
    """seed-003's comparison table: latency, coupling, resilience, complexity."""
    table = {
        "rest": ("high", "high", "low", "low"),
        "grpc": ("low", "high", "medium", "medium"),
        "message-queue": ("medium", "low", "high", "medium"),
        "event-sourcing": ("medium", "low", "high", "high"),
        "saga-orchestration": ("medium", "medium", "medium", "high"),
    }
    for pid, values in table.items():
        attrs = matrix.patterns[pid].attributes
        got = tuple(attrs[a].value for a in ("latency", "coupling", "resilience", "complexity"))
        assert got == values, pid
        assert "seed-003" in attrs["latency"].sources


def test_every_rule_cites_seeds_and_scores_known_patterns(matrix) -> None:  # type: ignore[no-untyped-def]
    ids = [r.id for r in matrix.rules]
    assert len(ids) == len(set(ids))
    for rule in matrix.rules:
        assert rule.sources and set(rule.sources) <= set(matrix.sources)
        assert set(rule.scores) <= set(matrix.patterns)
        if rule.phase == 2:
            assert all(matrix.patterns[p].kind == "resilience" for p in rule.scores)


def test_sources_name_the_seed_files(matrix) -> None:  # type: ignore[no-untyped-def]
    assert len(matrix.sources) == 5
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    on_disk = {p.name for p in SEEDS.iterdir()}
    for source in matrix.sources.values():
        assert source.file in on_disk


def test_hash_is_sha256_of_the_file(matrix) -> None:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256(DEFAULT_MATRIX.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    assert matrix.hash == f"sha256:{digest}"


def _broken(tmp_path: Path, edit) -> str:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_MATRIX.read_text())
    edit(data)
    path = tmp_path / "patterns.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["patterns"]["rest"].pop("cons"), "'cons' is a required property"),
        (lambda d: d["patterns"]["rest"].__setitem__("kind", "protocol"), "is not one of"),
        (lambda d: d["patterns"]["rest"]["pros"][0].__setitem__("sources", []), "should be non-empty"),
        (lambda d: d["patterns"].pop("bulkhead"), "lacks required pattern(s): bulkhead"),
        (lambda d: d["rules"][0]["scores"].__setitem__("soap", 2), "unknown pattern 'soap'"),
        (lambda d: d["rules"][0].__setitem__("sources", ["seed-999"]), "unknown source 'seed-999'"),
        (lambda d: d["patterns"]["grpc"]["attributes"]["latency"].__setitem__("value", "tiny"), "'tiny' is not a level"),
        (lambda d: d["rules"][0].__setitem__("when", {"fact": "mood", "eq": "happy"}), "unknown fact(s): mood"),
        (
            lambda d: d["rules"].append(
                {"id": "x", "when": {"selected_mode": "sync"}, "scores": {"rest": 1}, "because": "b", "sources": ["seed-000"]}
            ),
            "may only score resilience patterns",
        ),
        (lambda d: d["patterns"]["rest"]["requires"].__setitem__("grpc", ["seed-000"]), "not a resilience pattern"),
    ],
)
def test_broken_matrices_are_refused_with_a_location(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _broken(tmp_path, edit)
    with pytest.raises(InputError) as info:
        load_matrix(path, known_facts=["caller", "consumers", "needs_immediate_response"] + _all_facts())
    assert message in str(info.value)
    assert str(info.value).startswith(path)


def _all_facts() -> list[str]:
    from govern.recommend.facts import DERIVED_FACTS
    from govern.recommend.questions import load_questions

    return [q.id for q in load_questions()] + list(DERIVED_FACTS)


def test_resilience_defaults_link_to_the_matrix_and_cite(matrix) -> None:  # type: ignore[no-untyped-def]
    settings = load_resilience()
    assert check_against(settings, matrix.patterns, matrix.sources) == []
    assert all(s.why and s.sources for s in settings)


def test_resilience_defaults_carry_the_seeds_numbers() -> None:
    """seed-000: 5 s timeout, 3 retries from 100 ms, breaker at 5 failures for 30 s; 2 s per try."""
    d = resilience_defaults()
    assert d["timeouts"]["request_timeout_ms"] == 5000
    assert d["timeouts"]["per_try_timeout_ms"] == 2000
    assert d["retry-backoff"]["max_attempts"] == 3
    assert d["retry-backoff"]["initial_backoff_ms"] == 100
    assert d["circuit-breaker"]["failure_threshold"] == 5
    assert d["circuit-breaker"]["open_duration_ms"] == 30000
    assert d["dead-letter-queue"]["max_delivery_attempts"] >= 1
    assert resilience_defaults(["timeouts"]).keys() == {"timeouts"}
