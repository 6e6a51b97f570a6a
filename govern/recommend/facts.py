"""Facts the rules read: the resolved answers plus what follows from them (chain arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

MINUTES_PER_MONTH = 30 * 24 * 60

DERIVED_FACTS = (
    "client_type_count",
    "chain_length",
    "chain_latency_ms",
    "chain_availability",
    "chain_over_budget",
)


@dataclass(frozen=True)
class Hop:
    service: str
    latency_ms: int
    availability: float


@dataclass(frozen=True)
class ChainAnalysis:
    """A synchronous call chain: latency adds up, availability multiplies (seed-004)."""

    hops: tuple[Hop, ...]
    latency_ms: int
    availability: float
    budget_ms: int | None
    over_budget: bool
    # The asynchronous alternative: the caller depends on the entry service only; the others
    # consume from a broker and finish later (seed-004: no temporal coupling).
    async_latency_ms: int
    async_availability: float

    @property
    def downtime_minutes_per_month(self) -> float:
        return (1 - self.availability) * MINUTES_PER_MONTH

    @property
    def async_downtime_minutes_per_month(self) -> float:
        return (1 - self.async_availability) * MINUTES_PER_MONTH

    @property
    def weakest(self) -> Hop:
        return min(self.hops, key=lambda h: (h.availability, h.service))


def analyse_chain(chain: list[Mapping[str, Any]], budget_ms: int | None) -> ChainAnalysis | None:
    """Sum the latencies and multiply the availabilities of a synchronous chain."""
    if not chain:
        return None
    hops = tuple(Hop(h["service"], int(h["latency_ms"]), float(h["availability"])) for h in chain)
    latency = sum(h.latency_ms for h in hops)
    availability = 1.0
    for hop in hops:
        availability *= hop.availability
    return ChainAnalysis(
        hops=hops,
        latency_ms=latency,
        availability=availability,
        budget_ms=budget_ms,
        over_budget=budget_ms is not None and latency > budget_ms,
        async_latency_ms=hops[0].latency_ms,
        async_availability=hops[0].availability,
    )


def derive(facts: Mapping[str, Any]) -> tuple[dict[str, Any], ChainAnalysis | None]:
    """The rules' facts: every answer (skipped ones at their `when_skipped`) plus derived ones."""
    out = dict(facts)
    out["client_type_count"] = len(facts.get("client_types") or [])
    chain = analyse_chain(list(facts.get("call_chain") or []), facts.get("latency_budget_ms"))
    out["chain_length"] = len(chain.hops) if chain else 0
    out["chain_latency_ms"] = chain.latency_ms if chain else 0
    out["chain_availability"] = chain.availability if chain else None
    out["chain_over_budget"] = chain.over_budget if chain else False
    return out, chain


def percent(fraction: float) -> str:
    """0.985074875 -> '98.51%'; never rounds a value below 100% up to '100%'."""
    value = fraction * 100
    text = f"{value:.2f}"
    for digits in (2, 3, 4, 5):
        text = f"{value:.{digits}f}"
        if fraction >= 1 or float(text) < 100:
            break
    if abs(float(text) - value) < 1e-9:  # exact at this precision: 99.50 -> 99.5, 100.00 -> 100
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def minutes(value: float) -> str:
    """Minutes as a short human duration: '648 min (10.8 h)'."""
    if value < 90:
        return f"{value:.0f} min"
    return f"{value:.0f} min ({value / 60:.1f} h)"
