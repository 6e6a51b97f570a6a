"""AsyncAPI 2.x and 3.0/3.1 breaking-change detection: `diff_asyncapi(base, revision, options)`.

The pipeline: read both documents into one version-neutral model (normalize.py), pair servers,
channels (by id, then address), operations (by id, then action and channel) and messages (by id,
then name) (pairing.py), run the structural rules (rules.py, kind "asyncapi"), compare payload
and header schemas with the shared JSON Schema comparator in the direction each message travels
(payloads.py; findings of kind "jsonschema" named after the difference type), and report what
no rule explains as `unclassified-change` (residue.py).

Directions: messages this application sends are checked FORWARD, messages it receives BACKWARD
(AsyncAPI 2.x `publish` is a receive, `subscribe` a send). `options.mode` overrides that for the
whole document, `options.channel_modes` (channel id or address -> mode) per channel;
*_TRANSITIVE modes also check against `options.history`.
"""

from __future__ import annotations

from typing import Any

from govern.rules.finding import Finding, sort_findings

__all__ = ["diff_asyncapi"]


def diff_asyncapi(base: Any, revision: Any, options: Any = None) -> list[Finding]:
    """Every change from `base` to `revision` (loaded AsyncAPI contracts), sorted by level and place."""
    from govern.diff.asyncapi.differ import Differ
    from govern.diff.asyncapi.normalize import read_model

    differ = Differ(read_model(base), read_model(revision), options)
    return sort_findings(differ.run())
