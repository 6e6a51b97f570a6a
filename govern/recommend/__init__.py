"""`govern recommend`: choose communication patterns from answers, explainably and reproducibly.

Data flows one way: answers -> questions.resolve -> facts.derive -> scoring.decide -> a report
(report_json, report_markdown, report_html). Everything here is pure except the loaders.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

from govern.recommend.facts import DERIVED_FACTS
from govern.recommend.matrix import Matrix, load_matrix
from govern.recommend.questions import load_questions, resolve
from govern.recommend.scoring import Decision, decide

__all__ = ["Decision", "Matrix", "matrix_for", "recommend"]


@functools.lru_cache(maxsize=8)
def matrix_for(path: str | None = None) -> Matrix:
    """The validated matrix (bundled by default), loaded once per process."""
    questions = load_questions()
    return load_matrix(path, known_facts=[q.id for q in questions] + list(DERIVED_FACTS))


def recommend(given: Mapping[str, Any], *, matrix: Matrix | None = None) -> Decision:
    """Decide for validated answers (missing ones take their defaults)."""
    questions = load_questions()
    resolved = resolve(given, questions)
    return decide(
        matrix or matrix_for(None),
        resolved.facts,
        resolved.answers,
        skipped=resolved.skipped,
        defaulted=resolved.defaulted,
    )
