"""OpenAPI 3.0/3.1 breaking-change detection: `diff_openapi(base, revision) -> list[Finding]`.

The pipeline: pair the two revisions (operations by method + normalized path, parameters by
(in, name), responses by status, media types by name), run each rule family on the pairs
(operations, parameters, bodies and responses, security, schemas through the shared JSON Schema
comparator), then report whatever differs but no rule explained as `unclassified-change`.
Rule ids and default levels are oasdiff's; see `govern rules --kind openapi`.
"""

from __future__ import annotations

import gc
from typing import Any

from govern.diff.openapi.report import Reporter, Settings
from govern.diff.openapi.spec import Side
from govern.rules.finding import Finding, sort_findings

__all__ = ["diff_openapi", "diff_openapi_contracts", "Settings"]


def _side(value: Any, label: str) -> Side:
    if isinstance(value, Side):
        return value
    if hasattr(value, "document") and hasattr(value, "locate"):
        return Side.from_contract(value)
    return Side(value, label)


def diff_openapi(base: Any, revision: Any, settings: Settings | None = None) -> list[Finding]:
    """Every change from `base` to `revision`, as findings sorted by level and place.

    `base` and `revision` are loaded contracts (`govern.load.load_contract`) or plain dicts of
    OpenAPI documents (then findings carry JSON pointers but no lines).
    """
    from govern.diff.openapi import engine

    b, r = _side(base, "base"), _side(revision, "revision")
    rep = Reporter(b, r, settings or Settings())
    # The engine allocates millions of short-lived objects next to two large documents; with
    # the cyclic collector running, each collection rescans those documents (a third of the
    # engine's time on a 10 MB pair). Nothing it builds needs the collector to be freed.
    enabled = gc.isenabled()
    gc.disable()
    try:
        engine.run(rep)
        return sort_findings(rep.findings)
    finally:
        if enabled:
            gc.enable()


def diff_openapi_contracts(base: Any, revision: Any, options: Any = None) -> list[Finding]:
    """Entry point for `govern diff` (govern.diff.run): read OpenAPI knobs from `options`."""
    settings = Settings()
    for name in ("deprecation_days_beta", "deprecation_days_stable", "unclassified"):
        if options is not None and hasattr(options, name):
            setattr(settings, name, getattr(options, name))
    return diff_openapi(base, revision, settings)
