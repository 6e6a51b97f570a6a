"""Scoring: run the matrix's rules over the facts and assign each candidate a role. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from govern.recommend.conditions import evaluate
from govern.recommend.facts import ChainAnalysis, derive
from govern.recommend.matrix import Matrix, Pattern
from govern.recommend.templates import lower_first

ROLES = ("primary", "supporting", "avoid")


@dataclass(frozen=True)
class Reason:
    """One rule's contribution to one pattern's score."""

    rule: str
    delta: int
    because: str
    sources: tuple[str, ...]

    def line(self) -> str:
        return f"{self.because} (rule {self.rule}, {self.delta:+d})"


@dataclass
class Candidate:
    pattern: Pattern
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)
    role: str = ""  # primary | supporting | avoid | alternative | "" (only lost points: not reported)
    why_not: str = ""  # for alternatives: what it lost to

    @property
    def id(self) -> str:
        return self.pattern.id

    @property
    def sources(self) -> list[str]:
        return sorted({s for r in self.reasons for s in r.sources})

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        self.score += reason.delta


@dataclass
class Decision:
    """The outcome for one set of answers: roles, scores and reasons for every touched pattern."""

    matrix: Matrix
    answers: dict[str, Any]
    facts: dict[str, Any]
    chain: ChainAnalysis | None
    candidates: dict[str, Candidate]
    skipped: tuple[str, ...] = ()
    defaulted: tuple[str, ...] = ()

    def _with_role(self, role: str) -> list[Candidate]:
        return [c for c in self.candidates.values() if c.role == role]

    @property
    def primary(self) -> Candidate:
        (only,) = self._with_role("primary")
        return only

    @property
    def supporting(self) -> list[Candidate]:
        return sorted(
            self._with_role("supporting"),
            key=lambda c: (c.pattern.kind == "resilience", -c.score, c.pattern.order),
        )

    @property
    def avoid(self) -> list[Candidate]:
        return sorted(self._with_role("avoid"), key=lambda c: (c.score, c.pattern.order))

    @property
    def alternatives(self) -> list[Candidate]:
        return sorted(self._with_role("alternative"), key=lambda c: (-c.score, c.pattern.order))

    @property
    def recommendations(self) -> list[Candidate]:
        """Primary, then supporting, then avoid: the roles of the JSON report."""
        return [self.primary, *self.supporting, *self.avoid]

    @property
    def chosen(self) -> list[Candidate]:
        """Primary and supporting: what the team adopts."""
        return [self.primary, *self.supporting]


def decide(
    matrix: Matrix,
    facts_in: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    *,
    skipped: tuple[str, ...] = (),
    defaulted: tuple[str, ...] = (),
) -> Decision:
    """Score every pattern for these facts and give each touched one a role."""
    facts, chain = derive(facts_in)
    cands: dict[str, Candidate] = {}

    def credit(pid: str, reason: Reason) -> None:
        if pid not in cands:
            cands[pid] = Candidate(matrix.patterns[pid])
        cands[pid].add(reason)

    # Phase 1: rules that read facts only.
    for rule in matrix.rules:
        if rule.phase == 1 and evaluate(rule.when, facts):
            for pid, delta in rule.scores.items():
                credit(pid, Reason(rule.id, delta, rule.because, rule.sources))

    _assign_structural_roles(matrix, cands, credit)

    # Phase 2: practices that follow from the modes of the chosen patterns.
    chosen = [c for c in cands.values() if c.role in ("primary", "supporting")]
    modes = sorted({c.pattern.mode for c in chosen} - {"none"})
    for rule in matrix.rules:
        if rule.phase == 2 and evaluate(rule.when, facts, modes):
            for pid, delta in rule.scores.items():
                credit(pid, Reason(rule.id, delta, rule.because, rule.sources))

    # Each chosen pattern's required practices; newly chosen practices bring theirs (fixpoint).
    weight = matrix.scoring.requires_weight
    applied: set[str] = set()
    queue = sorted(chosen, key=lambda c: (c.role != "primary", c.pattern.order))
    while queue:
        current = queue.pop(0)
        if current.id in applied:
            continue
        applied.add(current.id)
        for practice, srcs in current.pattern.requires.items():
            because = f"{current.pattern.name} requires {matrix.patterns[practice].name.lower()}."
            credit(practice, Reason(f"required-by-{current.id}", weight, because, srcs))
            cand = cands[practice]
            if cand.score >= matrix.scoring.min_supporting_score and cand.id not in applied:
                queue.append(cand)
    for cand in cands.values():
        if cand.pattern.kind == "resilience":
            cand.role, cand.why_not = _score_role(cand, matrix)

    return Decision(
        matrix=matrix,
        answers=dict(answers if answers is not None else facts_in),
        facts=facts,
        chain=chain,
        candidates=dict(sorted(cands.items(), key=lambda kv: kv[1].pattern.order)),
        skipped=skipped,
        defaulted=defaulted,
    )


def _score_role(cand: Candidate, matrix: Matrix) -> tuple[str, str]:
    """Role from the score alone: supporting, avoid, alternative, or "" (never proposed)."""
    scoring = matrix.scoring
    if cand.score <= scoring.avoid_max_score:
        return "avoid", ""
    if cand.score >= scoring.min_supporting_score:
        return "supporting", ""
    if not any(r.delta > 0 for r in cand.reasons):
        return "", ""  # only lost points: no rule proposed it, so it is not a candidate
    return "alternative", f"score {cand.score} is below the {scoring.min_supporting_score} needed to support"


def _assign_structural_roles(matrix: Matrix, cands: dict[str, Candidate], credit: Any) -> None:
    """Primary, group winners and losers, supporting and avoid for the non-resilience patterns."""
    scoring = matrix.scoring

    def rank(c: Candidate) -> tuple[int, int]:
        return (-c.score, c.pattern.order)

    # Within a group only the best positive candidate can be chosen.
    losers: dict[str, str] = {}
    for group in matrix.groups.values():
        members = sorted((cands[p] for p in group.patterns if p in cands and cands[p].score > 0), key=rank)
        for loser in members[1:]:
            winner = members[0]
            losers[loser.id] = (
                f"lost to {winner.pattern.name} ({winner.score} against {loser.score}); {lower_first(group.why).rstrip('.')}"
            )

    eligible = sorted(
        (
            c
            for c in cands.values()
            if c.pattern.kind in scoring.primary_kinds and c.score > 0 and c.id not in losers
        ),
        key=rank,
    )
    if eligible:
        primary = eligible[0]
    else:
        fallback = scoring.fallback_primary
        credit(
            fallback,
            Reason(
                "fallback-primary",
                1,
                "No rule favoured any interaction or coordination pattern; start with the simplest.",
                matrix.patterns[fallback].sources[:2],
            ),
        )
        primary = cands[fallback]
        losers.pop(fallback, None)
    primary.role = "primary"
    for cand in cands.values():
        if cand is primary or cand.pattern.kind == "resilience":
            continue
        if cand.id in losers:
            cand.role, cand.why_not = "alternative", losers[cand.id]
        else:
            cand.role, cand.why_not = _score_role(cand, matrix)
