"""Payload and header schemas of paired messages, through the shared JSON Schema comparator.

A message's direction comes from the operations that use it: one this application sends is
checked FORWARD (consumers still on the old schema must read it), one it receives BACKWARD (the
new schema must read what was already written), one used both ways (or by no operation, so who
reads it is unknown) FULL. A mode set for the channel in the config, or given with --mode,
overrides that. Every difference becomes a finding whose id is its difference type (kind
"jsonschema"): ERR when it breaks in a checked direction under the policy, INFO otherwise.

Comparisons share one comparator per (writer document, reader document), whose memo holds every
(old subschema, new subschema) pair, and a memo of whole (A, B) schema comparisons on top, so
a payload or shared definition used by many messages is compared once.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from govern.diff.asyncapi.normalize import At, Message, Model, SchemaSlot
from govern.diff.schema.compare import Comparator
from govern.diff.schema.files import Anchor, ContractResolver, explain, json_safe, level_of, locate_difference, sides_of
from govern.diff.schema.modes import directions
from govern.diff.schema.refs import dialect_of
from govern.diff.schema.types import CompareOptions, Difference, Direction
from govern.errors import GovernError
from govern.load.refs import RefSite, get_pointer
from govern.rules.finding import Finding

KIND = "jsonschema"
_EXPLAIN = {
    "backward": "the new schema must read messages written with the old one",
    "forward": "consumers on the old schema must read messages written with the new one",
}


def checked_directions(mode: str) -> tuple[tuple[Direction, bool], ...]:
    """(direction, counts) pairs of a mode; NONE lists the BACKWARD differences, none counting."""
    found = directions(mode)
    if not found:
        return (("backward", False),)
    return tuple((d, True) for d in found)


class SchemaJudge:
    """Compares schemas of an earlier document (the base or a history entry) with the revision."""

    def __init__(self, revision: Model, policy: str) -> None:
        self.revision = revision
        self.policy = policy
        self._resolvers: dict[int, ContractResolver] = {}
        self._comparators: dict[tuple[Any, ...], Comparator] = {}
        self._memo: dict[tuple[Any, ...], list[Difference]] = {}
        self._same: dict[int, Sameness] = {}

    def _sameness(self, earlier: Model) -> "Sameness":
        found = self._same.get(id(earlier))
        if found is None:
            found = self._same[id(earlier)] = Sameness(earlier, self.revision)
        return found

    def _resolver(self, model: Model) -> ContractResolver:
        found = self._resolvers.get(id(model))
        if found is None:
            found = self._resolvers[id(model)] = ContractResolver(model.contract)
        return found

    def _comparator(self, writer: Model, reader: Model, nullable: bool, dialects: tuple[Any, Any]) -> Comparator:
        key = (id(writer), id(reader), nullable, dialects)
        found = self._comparators.get(key)
        if found is None:
            options = CompareOptions(nullable=nullable, dialect_old=dialects[0], dialect_new=dialects[1])
            found = Comparator(writer.data, reader.data, resolver_old=self._resolver(writer),
                               resolver_new=self._resolver(reader), options=options, policy=self.policy)
            self._comparators[key] = found
        return found

    def compare(self, earlier: Model, old: tuple[Any, At], new: tuple[Any, At], direction: Direction,
                nullable: bool = False, media: tuple[str | None, str | None] = (None, None)) -> list[Difference]:
        """Differences in `direction` between `old` (a schema of `earlier`) and `new` (of the revision).

        `media` are the schema formats of both sides as written (for a JSON Schema dialect named there).
        """
        old = earlier.deref(*old) if _is_ref(old[0]) else old  # a shared $ref'd schema: one memo entry
        new = self.revision.deref(*new) if _is_ref(new[0]) else new
        d_old, d_new = _dialect(earlier, old[1], media[0]), _dialect(self.revision, new[1], media[1])
        if direction == "backward":
            writer, reader, a, b, dialects = earlier, self.revision, old, new, (d_old, d_new)
        else:
            writer, reader, a, b, dialects = self.revision, earlier, new, old, (d_new, d_old)
        key = (id(writer), id(reader), nullable, dialects, id(a[0]), a[1].file, id(b[0]), b[1].file)
        found = self._memo.get(key)
        if found is None and self._sameness(earlier).same(old, new):
            found = self._memo[key] = []  # unchanged, $ref closure included: nothing to compare
        if found is None:
            comparator = self._comparator(writer, reader, nullable, dialects)
            found = comparator.compare(a[0], b[0], base_old=a[1].file, base_new=b[1].file)
            self._memo[key] = found
        return found


class Sameness:
    """Is a schema unchanged between two documents, everything its `$ref`s reach included?

    Raw equality (`==`, at C speed) of the two nodes, at the same place relative to each
    document's root, and the same for the targets of every `$ref` inside them, transitively. An
    unchanged schema has no differences at all, so the comparator is not asked; in a catalogue
    where most payloads did not change this skips most of the work.
    """

    def __init__(self, old: Model, new: Model) -> None:
        self.models = (old, new)
        self.roots = (os.path.dirname(old.root), os.path.dirname(new.root))
        self._sites: list[dict[str, tuple[list[str], list[RefSite]]]] = [{}, {}]
        self._known: dict[tuple[At, At], bool] = {}

    def _rel(self, side: int, at: At) -> tuple[str, str]:
        """The place relative to the document root ("" for the root document itself)."""
        if at.file == self.models[side].root:
            return "", at.pointer
        return os.path.relpath(at.file, self.roots[side]), at.pointer

    def _sites_below(self, side: int, at: At) -> list[RefSite]:
        index = self._sites[side].get(at.file)
        if index is None:
            found = sorted(self.models[side].refs.sites(at.file), key=lambda site: site.pointer)
            index = self._sites[side][at.file] = ([site.pointer for site in found], found)
        pointers, sites = index
        lo, hi = bisect_left(pointers, at.pointer), bisect_left(pointers, at.pointer + "0")
        return [s for s in sites[lo:hi] if s.pointer == at.pointer or s.pointer.startswith(at.pointer + "/")]

    def _target(self, side: int, site: RefSite) -> At | None:
        try:
            target = self.models[side].refs.resolve_site(site)
        except GovernError:
            return None
        return At(target.file, target.pointer)

    def _node(self, side: int, at: At) -> Any:
        doc = self.models[side].refs.documents.get(at.file)
        return get_pointer(doc.data, at.pointer) if doc is not None else _ABSENT

    def same(self, old: tuple[Any, At], new: tuple[Any, At]) -> bool:
        if not isinstance(old[0], (dict, list)) or not isinstance(new[0], (dict, list)):
            return False
        start = (old[1], new[1])
        known = self._known.get(start)
        if known is not None:
            return known
        try:
            if self._node(0, old[1]) is not old[0] or self._node(1, new[1]) is not new[0]:
                return False  # not a node as written (e.g. merged from traits)
        except (KeyError, LookupError):
            return False
        visited: set[tuple[At, At]] = set()
        stack = [start]
        result = True
        while stack and result:
            pair = stack.pop()
            if pair in visited or self._known.get(pair) is True:
                continue
            visited.add(pair)
            a, b = pair
            if self._rel(0, a) != self._rel(1, b):
                result = False
                break
            try:
                if self._node(0, a) != self._node(1, b):
                    result = False
                    break
            except (KeyError, LookupError):
                result = False
                break
            for site in self._sites_below(0, a):
                other = RefSite(b.file, b.pointer + site.pointer[len(a.pointer):], site.ref, site.base)
                ta, tb = self._target(0, site), self._target(1, other)
                if ta is None or tb is None:
                    result = False
                    break
                stack.append((ta, tb))
        if result:
            self._known.update(dict.fromkeys(visited, True))
        else:
            self._known[start] = False
        return result


_ABSENT = object()
_DIALECT_NAMES = {"draft-04": "draft4", "draft-06": "draft6", "draft-07": "draft7", "2019-09": "2019-09",
                  "2020-12": "2020-12"}


def _dialect(model: Model, at: At, media: str | None) -> str | None:
    """The JSON Schema dialect of a schema: named by its schema format, else by the `$schema` of the
    file it lives in (a separate schema file), else None (AsyncAPI schemas: draft-07)."""
    if media:
        for param in media.split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "version" and value.strip().lower() in _DIALECT_NAMES:
                return _DIALECT_NAMES[value.strip().lower()]
    doc = model.refs.documents.get(at.file)
    data = doc.data if doc is not None else None
    if isinstance(data, dict) and isinstance(data.get("$schema"), str):
        return dialect_of(data)
    return None


def _is_ref(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str)


@dataclass
class Usage:
    """How a message pair is used: the operations (with their actions) and the mode in effect."""

    channel: str  # label of the revision's channel
    operations: tuple[tuple[str, str], ...]  # (action, operation id)
    mode: str
    source: str  # "operation", "--mode", "config", "no operation"

    def describe(self) -> str:
        """Where the message travels: `channel X, receive via op` (or `no operation`)."""
        if self.operations:
            by_action: dict[str, list[str]] = {}
            for action, op in self.operations:
                by_action.setdefault(action, []).append(op)
            how = "; ".join(f"{a} via {', '.join(ops)}" for a, ops in sorted(by_action.items()))
        else:
            how = "no operation"
        return f"channel {self.channel}, {how}"

    def mode_text(self, direction: Direction, counts: bool) -> str:
        """`BACKWARD`, `FULL (forward)`, `FORWARD (set by --mode)`, `NONE`..."""
        note = {"--mode": "set by --mode", "config": "set for the channel in the config"}.get(self.source)
        text = self.mode if counts else "NONE"
        extras = [e for e in (direction if counts and len(directions(self.mode)) > 1 else None, note) if e]
        return text + (f" ({', '.join(extras)})" if extras else "")


def slot_value(slot: SchemaSlot | None, message: Message, part: str) -> tuple[Any, At]:
    """The schema to compare and where it lives; an absent schema accepts anything."""
    if slot is None:
        return True, message.where(part)
    return slot.node, slot.at


def schema_findings(judge: SchemaJudge, earlier: Model, revision: Model, old_msg: Message, new_msg: Message,
                    part: str, usage: Usage, against: str | None = None,
                    only_breaking: bool = False) -> list[Finding]:
    """Findings for the `part` ("payload" or "headers") schemas of one message pair."""
    old_slot: SchemaSlot | None = getattr(old_msg, part)
    new_slot: SchemaSlot | None = getattr(new_msg, part)
    families = {s.family for s in (old_slot, new_slot) if s is not None}
    nullable = "openapi" in families
    old_value = slot_value(old_slot, old_msg, part)
    new_value = slot_value(new_slot, new_msg, part)
    base_anchor = Anchor(earlier.refs, old_value[1].file, old_value[1].pointer)
    rev_anchor = Anchor(revision.refs, new_value[1].file, new_value[1].pointer)
    out: list[Finding] = []
    media = (old_slot.media_type if old_slot else None, new_slot.media_type if new_slot else None)
    for direction, counts in checked_directions(usage.mode):
        for diff in judge.compare(earlier, old_value, new_value, direction, nullable, media):
            level = level_of(diff.type, counts, judge.policy)
            if only_breaking and level.name != "ERR":
                continue
            location = locate_difference(diff, direction, base_anchor, rev_anchor)
            _, rev_ptr = sides_of(diff, direction)
            why = _EXPLAIN[direction] if counts else "listed, not checked"
            suffix = f" (against the earlier revision {against})" if against else ""
            message = (f"{new_msg.label} {part} {rev_ptr}: {explain(diff)} "
                       f"[{usage.describe()}; {usage.mode_text(direction, counts)}: {why}]{suffix}")
            details: list[tuple[str, Any]] = [
                ("channel", usage.channel), ("message", new_msg.label), ("part", part),
                ("operations", [op for _, op in usage.operations]), ("mode", usage.mode),
                ("direction", direction), ("policy", judge.policy), ("pointer", diff.pointer),
            ]
            if diff.new_pointer is not None:
                details.append(("new_pointer", diff.new_pointer))
            if against:
                details.append(("against", against))
            details.extend((k, json_safe(v)) for k, v in diff.details)
            out.append(Finding(diff.type, level, message, location, KIND, tuple(details)))
    return out
