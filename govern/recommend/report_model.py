"""The view both human reports (Markdown ADR, HTML) render: plain strings, lists and numbers."""

from __future__ import annotations

import re
from typing import Any

from govern.recommend.conditions import describe
from govern.recommend.facts import ChainAnalysis, minutes, percent
from govern.recommend.matrix import Cited, Matrix
from govern.recommend.questions import Question, load_questions
from govern.recommend.resilience import GOVERN_DEFAULT, load_resilience
from govern.recommend.scoring import Candidate, Decision

ROLE_LABELS = {
    "primary": "primary",
    "supporting": "supporting",
    "alternative": "alternative (not chosen)",
    "avoid": "avoid",
}


def cite(sources: Any) -> str:
    return "[" + ", ".join(sorted(set(sources))) + "]"


def slug(text: str, limit: int = 60) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(words) <= limit:
        return words or "decision"
    cut = words[:limit]
    return (cut.rsplit("-", 1)[0] if "-" in cut else cut) or "decision"


def show_value(q: Question | None, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if q is not None and q.type == "chain":
        if not value:
            return "none"
        return f"{len(value)} service(s): " + " → ".join(h["service"] for h in value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none"
    return str(value)


def default_title(decision: Decision) -> str:
    primary = decision.primary.pattern.name
    extra = [c.pattern.name for c in decision.supporting if c.pattern.kind != "resilience"][:2]
    return f"Use {primary}" + (f" with {' and '.join(extra)}" if extra else "")


def _cited(items: tuple[Cited, ...]) -> list[dict[str, str]]:
    return [
        {"text": i.text.rstrip("."), "cite": cite(i.sources), "note": i.note or ""}
        for i in items
    ]


def _option(decision: Decision, cand: Candidate) -> dict[str, Any]:
    m = decision.matrix
    p = cand.pattern
    attributes = []
    for axis in m.axes.values():
        attr = p.attributes.get(axis.id)
        attributes.append(
            {
                "axis": axis.id,
                "label": axis.label,
                "value": attr.value if attr else None,
                "goodness": axis.goodness(attr.value) if attr else None,
                "cite": cite(attr.sources) if attr else "",
                "note": (attr.note or "") if attr else "",
            }
        )
    reasons = sorted(cand.reasons, key=lambda r: (-r.delta, r.rule))
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "mode": p.mode,
        "score": cand.score,
        "role": cand.role,
        "role_label": ROLE_LABELS[cand.role],
        "summary": p.summary,
        "why_not": cand.why_not,
        "pros": _cited(p.pros),
        "cons": _cited(p.cons),
        "when_to_use": _cited(p.when_to_use),
        "when_not_to_use": _cited(p.when_not_to_use),
        "reasons": [
            {"rule": r.rule, "delta": f"{r.delta:+d}", "because": r.because.rstrip("."), "cite": cite(r.sources)}
            for r in reasons
        ],
        "sources": cite(cand.sources),
        "attributes": attributes,
    }


def _context(decision: Decision, qs: dict[str, Question]) -> list[str]:
    a = decision.facts
    out: list[str] = []
    if a.get("caller") == "external-client":
        kinds = ", ".join(a.get("client_types") or []) or "unspecified"
        browsers = ", browsers among them calling it directly" if a.get("browser_clients") else ""
        out.append(f"External clients ({kinds}) call this interaction{browsers}.")
    else:
        out.append("Another of our own services calls this interaction.")
    out.append(f"The work is mostly {qs['use_case'].label(a['use_case']).split(': ', 1)[-1]} ({a['use_case']}).")
    if a.get("needs_immediate_response"):
        budget = a.get("latency_budget_ms")
        within = f", within {budget} ms end to end" if budget is not None else ""
        out.append(f"The caller needs the result before it continues{within}.")
    else:
        out.append("The caller does not wait for the result; an acknowledgment is enough.")
    n = a.get("consumers", 0)
    out.append(f"{n} service{'s' if n != 1 else ''} react{'s' if n == 1 else ''} to the same event.")
    need = "the caller needs strong consistency" if a["consistency"] == "strong" else "eventual consistency is acceptable"
    out.append(f"Throughput is {a['throughput']}, and {need}.")
    if a.get("streaming"):
        out.append("It is a continuous stream of updates rather than single requests.")
    if a.get("spans_services_transaction"):
        out.append(
            f"One business transaction changes data owned by several services, in {a.get('transaction_steps')} steps."
        )
    if a.get("audit_trail"):
        out.append("A complete, strict audit trail of every change is required.")
    extras = []
    if a.get("dynamic_scaling"):
        extras.append("instances scale up and down")
    if a.get("cross_cutting_pain"):
        extras.append("retries, timeouts, mTLS and tracing are already a burden in every service")
    tail = (": " + "; ".join(extras)) if extras else ""
    out.append(f"The system has {a['service_count']} services{tail}.")
    return out


def _chain(chain: ChainAnalysis) -> dict[str, Any]:
    rows = []
    cum_latency = 0
    cum_availability = 1.0
    for i, hop in enumerate(chain.hops, 1):
        cum_latency += hop.latency_ms
        cum_availability *= hop.availability
        rows.append(
            {
                "n": i,
                "service": hop.service,
                "latency": f"{hop.latency_ms} ms",
                "availability": percent(hop.availability),
                "cum_latency": f"{cum_latency} ms",
                "cum_availability": percent(cum_availability),
                "latency_ms": hop.latency_ms,
                "cum_latency_ms": cum_latency,
                "cum_availability_value": cum_availability,
            }
        )
    entry = chain.hops[0]
    rest = [h.service for h in chain.hops[1:]]
    latency_sum = " + ".join(str(h.latency_ms) for h in chain.hops) + f" = {chain.latency_ms} ms"
    availability_product = " × ".join(percent(h.availability) for h in chain.hops) + f" = {percent(chain.availability)}"
    if chain.budget_ms is None:
        budget = "No latency budget was given."
    elif chain.over_budget:
        budget = f"That is {chain.latency_ms - chain.budget_ms} ms over the {chain.budget_ms} ms budget."
    else:
        budget = f"That is within the {chain.budget_ms} ms budget ({chain.budget_ms - chain.latency_ms} ms to spare)."
    if rest:
        others = rest[0] if len(rest) == 1 else ", ".join(rest[:-1]) + " and " + rest[-1]
        async_text = (
            f"if {entry.service} handed the work for {others} to a broker instead of calling them, "
            f"the request would depend on {entry.service} alone: about {chain.async_latency_ms} ms plus one publish, "
            f"and {percent(chain.async_availability)} availability "
            f"({minutes(chain.async_downtime_minutes_per_month)} of downtime a month). "
            f"The work of {others} would complete later (eventual consistency), and their outages would delay it "
            "instead of failing requests [seed-004]."
        )
    else:
        async_text = "a chain of one service has nothing to take off the synchronous path."
    return {
        "rows": rows,
        "latency_ms": chain.latency_ms,
        "availability": percent(chain.availability),
        "availability_value": chain.availability,
        "latency_sum": latency_sum,
        "availability_product": availability_product,
        "downtime": minutes(chain.downtime_minutes_per_month),
        "weakest": f"{chain.weakest.service} ({percent(chain.weakest.availability)})",
        "budget_ms": chain.budget_ms,
        "over_budget": chain.over_budget,
        "budget": budget,
        "async_text": async_text,
        "async_latency_ms": chain.async_latency_ms,
        "async_availability": percent(chain.async_availability),
        "async_availability_value": chain.async_availability,
    }


def _consequences(decision: Decision, view_chain: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    p = decision.primary.pattern
    facts = decision.facts
    good = [f"{i.text.rstrip('.')} {cite(i.sources)}" for i in p.pros]
    bad = [f"{i.text.rstrip('.')} {cite(i.sources)}" for i in p.cons]
    for cand in decision.supporting:
        if cand.pattern.kind != "resilience" and cand.pattern.pros:
            first = cand.pattern.pros[0]
            good.append(f"{first.text.rstrip('.')} — {cand.pattern.name} {cite(first.sources)}")
    consistency = p.attributes.get("consistency")
    if facts.get("consistency") == "strong" and consistency and consistency.value == "eventual":
        bad.append(
            f"{p.name} is eventually consistent while the answers ask for strong consistency: keep the step that "
            f"must be consistent synchronous, or give clients a pending state they can check {cite(consistency.sources)}"
        )
    browser = p.attributes.get("browser_support")
    if facts.get("browser_clients") and browser and browser.value != "native":
        bad.append(f"Browsers cannot use {p.name} directly; they go through the edge {cite(browser.sources)}")
    if view_chain and p.mode == "sync":
        bad.append(
            f"The synchronous chain is only as available as the product of its services: {view_chain['availability']} "
            f"({view_chain['downtime']} of downtime a month) [seed-004]"
        )
        if view_chain["over_budget"]:
            bad.append(f"{view_chain['budget'].rstrip('.')} [seed-004]")
    practices = [c.pattern.name.lower() for c in decision.supporting if c.pattern.kind == "resilience"]
    if practices:
        bad.append("Every path needs the supporting practices built and tested: " + ", ".join(practices))
    return good, bad


def _resilience(decision: Decision) -> list[dict[str, Any]]:
    chosen = {c.id for c in decision.supporting if c.pattern.kind == "resilience"}
    out: list[dict[str, Any]] = []
    by_practice: dict[str, list[dict[str, str]]] = {}
    for s in load_resilience():
        if s.practice in chosen:
            shown = ", ".join(map(str, s.value)) if isinstance(s.value, list) else str(s.value)
            srcs = [x for x in s.sources if x != GOVERN_DEFAULT]
            origin = cite(srcs) if srcs else ""
            if GOVERN_DEFAULT in s.sources:
                origin = (origin + " " if origin else "") + "(govern default)"
            by_practice.setdefault(s.practice, []).append(
                {"key": s.key, "value": shown, "origin": origin, "why": s.why}
            )
    for cand in decision.supporting:
        if cand.id in by_practice:
            out.append({"id": cand.id, "name": cand.pattern.name, "settings": by_practice[cand.id]})
    return out


def build_view(
    decision: Decision,
    *,
    title: str | None = None,
    date: str | None = None,
    answers_file: str | None = None,
) -> dict[str, Any]:
    """Everything a human report shows, pre-formatted."""
    m: Matrix = decision.matrix
    questions = load_questions()
    qs = {q.id: q for q in questions}
    reported = [c for c in decision.candidates.values() if c.role]
    order = {"primary": 0, "supporting": 1, "alternative": 2, "avoid": 3}
    reported.sort(
        key=lambda c: (
            c.pattern.kind == "resilience",
            order[c.role],
            c.score if c.role == "avoid" else -c.score,
            c.pattern.order,
        )
    )
    options = [_option(decision, c) for c in reported]
    by_id = {o["id"]: o for o in options}
    primary = by_id[decision.primary.id]
    drivers = []
    for q in questions:
        if q.id in decision.answers:
            drivers.append(
                {
                    "id": q.id,
                    "prompt": q.prompt,
                    "value": show_value(q, decision.answers[q.id]),
                    "default": q.id in decision.defaulted,
                }
            )
    skipped = [
        {"id": q.id, "prompt": q.prompt, "why": f"asked only when {describe(q.ask_if)}" if q.ask_if else ""}
        for q in questions
        if q.id in decision.skipped
    ]
    chain = _chain(decision.chain) if decision.chain else None
    good, bad = _consequences(decision, chain)
    confirmation: list[str] = []
    for cand in decision.chosen:
        for line in cand.pattern.confirmation:
            if line not in confirmation:
                confirmation.append(line)
    because = [r for r in primary["reasons"] if not r["delta"].startswith("-")][:3]
    replay = f"govern recommend --answers {answers_file}" if answers_file else "govern recommend --answers ANSWERS.yaml"
    design = [o for o in options if o["kind"] != "resilience"]
    return {
        "title": title or default_title(decision),
        "date": date,
        "status": "proposed",
        "matrix_version": m.version,
        "matrix_hash": m.hash,
        "matrix_hash_short": m.hash.split(":", 1)[-1][:12],
        "context": _context(decision, qs),
        "drivers": drivers,
        "skipped": skipped,
        "options": options,
        "design_options": design,
        "primary": primary,
        "supporting": [by_id[c.id] for c in decision.supporting],
        "supporting_design": [by_id[c.id] for c in decision.supporting if c.pattern.kind != "resilience"],
        "supporting_practices": [by_id[c.id] for c in decision.supporting if c.pattern.kind == "resilience"],
        "alternatives": [by_id[c.id] for c in decision.alternatives],
        "avoid": [by_id[c.id] for c in decision.avoid],
        "because": because,
        "good": good,
        "bad": bad,
        "confirmation": confirmation,
        "chain": chain,
        "resilience": _resilience(decision),
        "axes": [{"id": a.id, "label": a.label, "better": a.better, "help": a.help} for a in m.axes.values()],
        "sources": [
            {"id": s.id, "title": s.title, "author": s.author or "", "date": s.date or "", "file": s.file}
            for s in m.sources.values()
        ],
        "replay": replay,
    }
