"""`--format json`: the decision as stable, documented JSON (schemas/recommend.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from govern.recommend.scoring import Candidate, Decision


def _entry(cand: Candidate) -> dict[str, Any]:
    reasons = sorted(cand.reasons, key=lambda r: (-r.delta, r.rule))
    return {
        "pattern": cand.id,
        "name": cand.pattern.name,
        "kind": cand.pattern.kind,
        "score": cand.score,
        "role": cand.role,
        "rationale": [r.line() for r in reasons],
        "sources": cand.sources,
    }


def to_data(decision: Decision) -> dict[str, Any]:
    chain = decision.chain
    chain_data = None
    if chain is not None:
        chain_data = {
            "services": [
                {"service": h.service, "latency_ms": h.latency_ms, "availability": round(h.availability, 6)}
                for h in chain.hops
            ],
            "latency_ms": chain.latency_ms,
            "availability": round(chain.availability, 6),
            "latency_budget_ms": chain.budget_ms,
            "over_budget": chain.over_budget,
            "async_alternative": {
                "entry_service": chain.hops[0].service,
                "latency_ms": chain.async_latency_ms,
                "availability": round(chain.async_availability, 6),
            },
        }
    return {
        "answers": decision.answers,
        "matrix_version": decision.matrix.version,
        "matrix_hash": decision.matrix.hash,
        "recommendations": [_entry(c) for c in decision.recommendations],
        "alternatives": [{**_entry(c), "why_not": c.why_not} for c in decision.alternatives],
        "call_chain": chain_data,
    }


def render_json(decision: Decision) -> str:
    return json.dumps(to_data(decision), indent=2, ensure_ascii=False) + "\n"
