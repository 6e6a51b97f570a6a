"""Golden reports for scenarios taken from the seeds' decision tables and examples.

Each folder under tests/golden/recommend/ holds answers.yaml (the scenario, citing its seed),
expect.yaml (the primary pattern and the key supporting/avoided ones the seeds call for) and the
reviewed reports report.md and report.json. Regenerate the reports only with
GOVERN_UPDATE_GOLDEN=1, then read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from govern.recommend import recommend
from govern.recommend.questions import check_answers, load_questions
from govern.recommend.report_json import render_json
from govern.recommend.report_markdown import render_markdown
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "recommend"
SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if (p / "answers.yaml").is_file())
UPDATE = os.environ.get("GOVERN_UPDATE_GOLDEN") == "1"
DATE = "2026-01-01"


def _decision(name: str):  # type: ignore[no-untyped-def]
    path = GOLDEN / name / "answers.yaml"
    given = check_answers(yaml.safe_load(path.read_text()), load_questions(), file=str(path))
    return recommend(given)


def _compare(path: Path, text: str) -> None:
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with GOVERN_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{path} differs; review, then GOVERN_UPDATE_GOLDEN=1"


def test_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_expectations(name: str) -> None:
    """The seeds' answer: the primary pattern and the key supporting (and avoided) ones."""
    expect = yaml.safe_load((GOLDEN / name / "expect.yaml").read_text())
    assert expect.get("seeds"), "every scenario names the seed table or example it comes from"
    decision = _decision(name)
    assert decision.primary.id == expect["primary"]
    supporting = {c.id for c in decision.supporting}
    assert set(expect.get("supporting", [])) <= supporting, supporting
    avoid = {c.id for c in decision.avoid}
    assert set(expect.get("avoid", [])) <= avoid, avoid
    alternatives = {c.id for c in decision.alternatives}
    assert set(expect.get("alternatives", [])) <= alternatives, alternatives
    if "chain" in expect:
        chain = decision.chain
        assert chain is not None
        assert chain.latency_ms == expect["chain"]["latency_ms"]
        assert chain.availability == pytest.approx(expect["chain"]["availability"], abs=1e-6)
        assert chain.over_budget is expect["chain"]["over_budget"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden_markdown(name: str) -> None:
    text = render_markdown(_decision(name), date=DATE, answers_file="answers.yaml")
    _compare(GOLDEN / name / "report.md", text)


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden_json(name: str) -> None:
    text = render_json(_decision(name))
    json.loads(text)
    _compare(GOLDEN / name / "report.json", text)
