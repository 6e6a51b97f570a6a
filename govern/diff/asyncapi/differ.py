"""The AsyncAPI diff: pair two models, run the structural rules, the schema checks and the residue."""

from __future__ import annotations

from typing import Any, Iterable

from govern.diff.asyncapi import bindings as binding_rules
from govern.diff.asyncapi import residue
from govern.diff.asyncapi.normalize import (
    RECEIVE,
    SEND,
    At,
    Bindings,
    Channel,
    Message,
    Model,
    Operation,
    Server,
    read_model,
)
from govern.diff.asyncapi.pairing import Pairs, normalize_address, pair_channels, pair_messages, pair_operations, pair_servers
from govern.diff.asyncapi.payloads import SchemaJudge, Usage, schema_findings, slot_value
from govern.diff.asyncapi.rules import KIND, RULES
from govern.diff.schema.files import json_safe
from govern.diff.schema.modes import parse_mode
from govern.rules.finding import Finding

MAX_RESIDUE = 1000
ANNOTATION_TYPES = frozenset({"ID_CHANGED", "TITLE_CHANGED", "DESCRIPTION_CHANGED", "DEFAULT_CHANGED"})
_DOCUMENT_HANDLED = frozenset({"channels", "operations", "servers", "components", "defaultContentType"})
# Component kinds judged through the objects that use them (with their $refs followed). The rest
# (securitySchemes, parameters, serverVariables, tags, ...) are compared here, by the residue.
_COMPONENTS_HANDLED = frozenset({
    "schemas", "messages", "channels", "operations", "servers", "messageTraits", "operationTraits",
    "serverBindings", "channelBindings", "operationBindings", "messageBindings", "correlationIds",
    "replies", "replyAddresses",
})
_SERVER_HANDLED = frozenset({"host", "pathname", "url", "protocol", "protocolVersion", "bindings"})
_CHANNEL_HANDLED = frozenset({"address", "messages", "bindings", "servers", "publish", "subscribe"})
_OPERATION_HANDLED = frozenset({"action", "channel", "messages", "message", "bindings", "reply", "traits",
                                "operationId"})
_MESSAGE_HANDLED = frozenset({"payload", "headers", "contentType", "schemaFormat", "bindings", "correlationId",
                              "traits", "messageId"})

UsageMap = dict[tuple[str, str], list[tuple[str, str]]]


def _opposite(action: str) -> str:
    return RECEIVE if action == SEND else SEND if action == RECEIVE else action


def usage_of(model: Model) -> UsageMap:
    """(channel id, message key) -> [(action, operation id)], reply messages with the opposite action."""
    out: UsageMap = {}
    for op in model.operations.values():
        if op.channel is not None:
            for key in op.messages:
                out.setdefault((op.channel, key), []).append((op.action, op.id))
        if op.reply is not None and op.reply.channel is not None:
            for key in op.reply.messages:
                out.setdefault((op.reply.channel, key), []).append((_opposite(op.action), f"{op.id} (reply)"))
    return out


class Differ:
    def __init__(self, base: Model, revision: Model, options: Any = None) -> None:
        self.b = base
        self.r = revision
        mode = getattr(options, "mode", None)
        self.mode: str | None = mode.upper() if isinstance(mode, str) else None
        self.channel_modes: dict[str, str] = {k: v.upper() for k, v in (getattr(options, "channel_modes", None) or {}).items()}
        self.policy: str = (getattr(options, "strictness", None) or "strict").lower()
        self.history: list[Model] = [read_model(c) for c in (getattr(options, "history", None) or [])
                                     if getattr(c, "kind", "asyncapi") == "asyncapi"]
        self.judge = SchemaJudge(revision, self.policy)
        self.findings: list[Finding] = []
        self.residue_left = MAX_RESIDUE
        self.base_usage = usage_of(base)
        self.rev_usage = usage_of(revision)
        self.message_pairs: dict[tuple[str, str], Pairs[Message]] = {}

    # --- output ---------------------------------------------------------------------------------
    def hit(self, rule_id: str, model: Model, at: At, **params: Any) -> None:
        rule = RULES[rule_id]
        details = tuple((k, json_safe(v)) for k, v in params.items())
        self.findings.append(Finding(rule_id, rule.level, rule.format_message(**params), model.locate(at), KIND,
                                     details))

    def unclassified(self, path: str, change: residue.Change, base_where: Any, rev_where: Any) -> None:
        if self.residue_left <= 0:
            return
        self.residue_left -= 1
        model, where = (self.b, base_where) if change.in_base else (self.r, rev_where)
        at, rest = residue.place(where, change.parts)
        file, pointer, _ = _walk(model, at, rest)
        shown = path + (" " if path else "") + ".".join(change.parts)
        self.hit("unclassified-change", model, At(file, pointer), path=shown.strip(), what=change.what)
        if self.residue_left == 0:
            self.hit("unclassified-change", self.r, At(self.r.root, ""), path="(document)",
                     what=f"more than {MAX_RESIDUE} unclassified changes; the rest are not listed")

    def leftover(self, path: str, old: Any, new: Any, exclude: Iterable[str], base_where: Any, rev_where: Any) -> None:
        for change in residue.changes(old, new, frozenset(exclude)):
            self.unclassified(path, change, base_where, rev_where)

    # --- the whole diff -------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        self.document()
        self.servers(pair_servers(self.b, self.r))
        channels = pair_channels(self.b, self.r)
        self.channel_map = {bc.id: rc.id for bc, rc in channels.matched}
        self.channels(channels)
        self.operations(pair_operations(self.b, self.r, self.channel_map))
        for bc, rc in channels.matched:
            for bm, rm in self.message_pairs[(bc.id, rc.id)].matched:
                self.message_schemas(bc, rc, bm, rm)
        if self.history:
            self.transitive()
        return self.findings

    def document(self) -> None:
        b, r = self.b, self.r
        self.leftover("", b.data, r.data, _DOCUMENT_HANDLED, _root_where(b), _root_where(r))
        bc, rc = b.data.get("components"), r.data.get("components")
        if isinstance(bc, dict) or isinstance(rc, dict):
            bc = bc if isinstance(bc, dict) else {}
            rc = rc if isinstance(rc, dict) else {}
            self.leftover("components", bc, rc, _COMPONENTS_HANDLED,
                          lambda k: At(b.root, "/components").child(k) if k else At(b.root, "/components"),
                          lambda k: At(r.root, "/components").child(k) if k else At(r.root, "/components"))

    # --- servers --------------------------------------------------------------------------------
    def servers(self, pairs: Pairs[Server]) -> None:
        for s in pairs.removed:
            self.hit("server-removed", self.b, s.site, server=s.id)
        for s in pairs.added:
            self.hit("server-added", self.r, s.site, server=s.id)
        for bs, rs in pairs.matched:
            for rule, attr, key in (("server-host-changed", "host", "host"),
                                    ("server-pathname-changed", "pathname", "pathname"),
                                    ("server-protocol-changed", "protocol", "protocol"),
                                    ("server-protocol-version-changed", "protocol_version", "protocolVersion")):
                old, new = getattr(bs, attr), getattr(rs, attr)
                if old != new:
                    written = key if key in rs.node else ("url" if "url" in rs.node else key)
                    self.hit(rule, self.r, rs.at.child(written), server=rs.id, old=old, new=new)
            self.bindings("server-bindings-changed", None, bs.bindings, rs.bindings, server=rs.id)
            self.leftover(f"server {rs.id}", bs.node, rs.node, _SERVER_HANDLED, bs.at.child, rs.at.child)

    # --- channels -------------------------------------------------------------------------------
    def channels(self, pairs: Pairs[Channel]) -> None:
        for c in pairs.removed:
            self.hit("channel-removed", self.b, c.site, channel=c.label)
        for c in pairs.added:
            self.hit("channel-added", self.r, c.site, channel=c.label)
        for bc, rc in pairs.matched:
            self.channel_pair(bc, rc)

    def channel_pair(self, bc: Channel, rc: Channel) -> None:
        if bc.id != rc.id and (bc.id != bc.address or rc.id != rc.address):  # 2.x ids are the addresses
            self.hit("channel-id-changed", self.r, rc.site, old=bc.id, new=rc.id, address=rc.address)
        exclude = set(_CHANNEL_HANDLED)
        if normalize_address(bc.address) != normalize_address(rc.address):
            self.hit("channel-address-changed", self.r, rc.at.child("address"), channel=rc.label,
                     old=bc.address, new=rc.address)
        elif bc.address != rc.address and bc.id != bc.address:
            exclude.discard("address")  # only parameter names differ: left to the residue
        self.channel_servers(bc, rc)
        self.bindings("channel-bindings-changed", "channel-binding-destination-changed", bc.bindings, rc.bindings,
                      channel=rc.label)
        pairs = pair_messages(bc, rc)
        self.message_pairs[(bc.id, rc.id)] = pairs
        for m in pairs.removed:
            if (bc.id, m.key) not in self.base_usage:
                self.hit("channel-message-removed", self.b, m.site, channel=rc.label, message=m.label)
        for m in pairs.added:
            if (rc.id, m.key) not in self.rev_usage:
                self.hit("channel-message-added", self.r, m.site, channel=rc.label, message=m.label)
        for bm, rm in pairs.matched:
            if bm.key != rm.key:
                self.hit("message-id-changed", self.r, rm.site, channel=rc.label, old=bm.key, new=rm.key)
            self.message_pair(rc, bm, rm)
        self.leftover(f"channel {rc.label}", bc.node, rc.node, exclude, bc.at.child, rc.at.child)

    def channel_servers(self, bc: Channel, rc: Channel) -> None:
        old = set(bc.servers) if bc.servers is not None else set(self.b.servers)
        new = set(rc.servers) if rc.servers is not None else set(self.r.servers)
        for sid in sorted(old - new):
            if sid in self.r.servers:  # a server removed altogether is reported as server-removed
                self.hit("channel-server-removed", self.r, rc.at.child("servers") if rc.servers is not None else rc.at,
                         channel=rc.label, server=sid)

    # --- messages -------------------------------------------------------------------------------
    def message_pair(self, rc: Channel, bm: Message, rm: Message) -> None:
        place = f"channel {rc.label}, message {rm.label!r}"
        old_ct, new_ct = _media(bm.content_type), _media(rm.content_type)
        if old_ct != new_ct:
            if old_ct is not None and new_ct is not None:
                self.hit("message-content-type-changed", self.r, rm.where("contentType"), place=place,
                         old=bm.content_type, new=rm.content_type)
            else:  # declared where there was none, or the reverse: nothing to compare against
                what = f"changed from {bm.content_type!r} to {rm.content_type!r}"
                self.unclassified(place, residue.Change(["contentType"], what, new_ct is None), bm.where, rm.where)
        self.correlation(place, bm, rm)
        key_skip = self.message_key(place, bm, rm)
        self.bindings("message-bindings-changed", None, bm.bindings, rm.bindings, skip=key_skip, place=place)
        self.leftover(place, bm.node, rm.node, _MESSAGE_HANDLED, bm.where, rm.where)

    def correlation(self, place: str, bm: Message, rm: Message) -> None:
        old_raw, new_raw = bm.node.get("correlationId"), rm.node.get("correlationId")
        if old_raw is None and new_raw is None:
            return
        old = self.b.materialize(old_raw, bm.where("correlationId")) if old_raw is not None else None
        new = self.r.materialize(new_raw, rm.where("correlationId")) if new_raw is not None else None
        old_loc = old.get("location") if isinstance(old, dict) else None
        new_loc = new.get("location") if isinstance(new, dict) else None
        if old_loc == new_loc:
            return
        if new_raw is None:
            self.hit("message-correlation-id-changed", self.b, bm.where("correlationId"), place=place,
                     what=f"was removed (was {old_loc!r})")
        elif old_raw is None:
            change = residue.Change(["correlationId"], f"added (location {new_loc!r})", False)
            self.unclassified(place, change, bm.where, rm.where)
        else:
            self.hit("message-correlation-id-changed", self.r, rm.where("correlationId"), place=place,
                     what=f"location changed from {old_loc!r} to {new_loc!r}")

    def message_key(self, place: str, bm: Message, rm: Message) -> tuple[tuple[str, str], ...]:
        """Judge the Kafka message key schema; returns the binding fields it covered."""
        ob, nb = bm.bindings, rm.bindings
        old_kafka = ob.node.get("kafka") if ob else None
        new_kafka = nb.node.get("kafka") if nb else None
        if not isinstance(old_kafka, dict) or not isinstance(new_kafka, dict):
            return ()
        if "key" not in old_kafka and "key" not in new_kafka:
            return ()
        assert ob is not None and nb is not None
        old_at = ob.sites.get("kafka", ob.at).child("key")
        new_at = nb.sites.get("kafka", nb.at).child("key")
        old_val = (old_kafka.get("key", True), old_at)
        new_val = (new_kafka.get("key", True), new_at)
        if self.b.materialize(*old_val) == self.r.materialize(*new_val):
            return (("kafka", "key"),)
        kinds: list[str] = []
        for direction in ("backward", "forward"):
            for diff in self.judge.compare(self.b, old_val, new_val, direction):
                if diff.type not in ANNOTATION_TYPES and diff.type not in kinds:
                    kinds.append(diff.type)
        if kinds:
            shown = ", ".join(kinds[:4]) + (", ..." if len(kinds) > 4 else "")
            model, at = (self.r, new_at) if "key" in new_kafka else (self.b, old_at)
            self.hit("message-key-changed", model, at, place=place, what=shown)
        return (("kafka", "key"),)

    def message_schemas(self, bc: Channel, rc: Channel, bm: Message, rm: Message) -> None:
        usage = self.usage(bc, rc, bm, rm)
        place = f"channel {rc.label}, message {rm.label!r}"
        for part in ("payload", "headers"):
            old_slot, new_slot = getattr(bm, part), getattr(rm, part)
            if old_slot is None and new_slot is None:
                continue
            comparable = all(s is None or s.comparable for s in (old_slot, new_slot))
            if not comparable:
                if old_slot is not None and new_slot is not None and old_slot.family != new_slot.family:
                    self.hit("message-schema-format-changed", self.r, new_slot.at, place=place, part=part,
                             old=old_slot.media_type or old_slot.family, new=new_slot.media_type or new_slot.family)
                    continue
                old_v, new_v = slot_value(old_slot, bm, part), slot_value(new_slot, rm, part)
                if self.b.materialize(*old_v) != self.r.materialize(*new_v):
                    fmt = (new_slot or old_slot).media_type or (new_slot or old_slot).family
                    at = new_slot.at if new_slot is not None else rm.where(part)
                    self.hit("message-payload-not-comparable", self.r, at, place=place, part=part, format=fmt)
                continue
            self.findings.extend(schema_findings(self.judge, self.b, self.r, bm, rm, part, usage))

    def usage(self, bc: Channel, rc: Channel, bm: Message, rm: Message) -> Usage:
        rev_ops = self.rev_usage.get((rc.id, rm.key), [])
        base_ops = self.base_usage.get((bc.id, bm.key), [])
        actions = {a for a, _ in rev_ops + base_ops}  # the direction holds for both revisions' readers
        ops = list(dict.fromkeys(rev_ops or base_ops))
        for key in (rc.id, rc.address, bc.id, bc.address):
            if key is not None and key in self.channel_modes:
                return Usage(rc.label, tuple(ops), self.channel_modes[key], "config")
        if self.mode is not None:
            return Usage(rc.label, tuple(ops), self.mode, "--mode")
        if actions == {SEND}:
            return Usage(rc.label, tuple(ops), "FORWARD", "operation")
        if actions == {RECEIVE}:
            return Usage(rc.label, tuple(ops), "BACKWARD", "operation")
        return Usage(rc.label, tuple(ops), "FULL", "operation" if ops else "no operation")

    # --- operations -----------------------------------------------------------------------------
    def operations(self, pairs: Pairs[Operation]) -> None:
        for op in pairs.removed:
            self.hit("operation-removed", self.b, op.site, operation=op.id, action=op.action,
                     channel=self._channel_label(self.b, op.channel))
        for op in pairs.added:
            self.hit("operation-added", self.r, op.site, operation=op.id, action=op.action,
                     channel=self._channel_label(self.r, op.channel))
        for bo, ro in pairs.matched:
            self.operation_pair(bo, ro)

    def operation_pair(self, bo: Operation, ro: Operation) -> None:
        channel = self._channel_label(self.r, ro.channel)
        if bo.id != ro.id and (bo.named or ro.named):
            self.hit("operation-id-changed", self.r, ro.site, old=bo.id, new=ro.id, action=ro.action, channel=channel)
        if bo.action != ro.action:
            self.hit("operation-action-changed", self.r, ro.where("action"), operation=ro.id,
                     old=bo.keyword, new=ro.keyword)
        same_channel = self._same_channel(bo.channel, ro.channel)
        if not same_channel:
            self.hit("operation-channel-changed", self.r, ro.where("channel"), operation=ro.id,
                     old=self._channel_label(self.b, bo.channel), new=channel)
        else:
            self.operation_messages(bo, ro, channel)
        self.reply(bo, ro)
        self.bindings("operation-bindings-changed", None, bo.bindings, ro.bindings, operation=ro.id)
        self.leftover(f"operation {ro.id}", bo.node, ro.node, _OPERATION_HANDLED, bo.where, ro.where)

    def operation_messages(self, bo: Operation, ro: Operation, channel: str) -> None:
        if bo.channel is None or ro.channel is None:
            return
        bc, rc = self.b.channels.get(bo.channel), self.r.channels.get(ro.channel)
        if bc is None or rc is None:
            return
        pairs = self.message_pairs.get((bc.id, rc.id)) or pair_messages(bc, rc)
        to_rev = {bm.key: rm.key for bm, rm in pairs.matched}
        for i, key in enumerate(bo.messages):
            if to_rev.get(key) not in ro.messages:
                at = _list_item(bo, "messages", i) or bc.messages[key].site
                label = bc.messages[key].label if key in bc.messages else key
                self.hit("operation-message-removed", self.b, at, operation=ro.id, action=ro.action, channel=channel,
                         message=label)
        old_keys = {to_rev.get(k) for k in bo.messages}
        for i, key in enumerate(ro.messages):
            if key not in old_keys:
                at = _list_item(ro, "messages", i) or rc.messages[key].site
                label = rc.messages[key].label if key in rc.messages else key
                self.hit("operation-message-added", self.r, at, operation=ro.id, action=ro.action, channel=channel,
                         message=label)

    def reply(self, bo: Operation, ro: Operation) -> None:
        if bo.reply is None and ro.reply is None:
            return
        if ro.reply is None:
            assert bo.reply is not None
            self.hit("operation-reply-removed", self.b, bo.reply.at, operation=ro.id)
            return
        if bo.reply is None:
            self.hit("operation-reply-added", self.r, ro.reply.at, operation=ro.id)
            return
        if not self._same_channel(bo.reply.channel, ro.reply.channel):
            self.hit("operation-reply-address-changed", self.r, ro.reply.at.child("channel"), operation=ro.id,
                     what="channel", old=self._channel_label(self.b, bo.reply.channel),
                     new=self._channel_label(self.r, ro.reply.channel))
        if bo.reply.address != ro.reply.address:
            self.hit("operation-reply-address-changed", self.r, ro.reply.at.child("address"), operation=ro.id,
                     what="address", old=repr(bo.reply.address), new=repr(ro.reply.address))

    def _same_channel(self, b_id: str | None, r_id: str | None) -> bool:
        if b_id is None or r_id is None:
            return b_id is None and r_id is None
        if self.channel_map.get(b_id) == r_id:
            return True
        bc, rc = self.b.channels.get(b_id), self.r.channels.get(r_id)
        return bc is not None and rc is not None and bc.address is not None \
            and normalize_address(bc.address) == normalize_address(rc.address)

    @staticmethod
    def _channel_label(model: Model, cid: str | None) -> str:
        if cid is None:
            return "(none)"
        channel = model.channels.get(cid)
        return channel.label if channel is not None else cid

    # --- bindings -------------------------------------------------------------------------------
    def bindings(self, rule: str, destination_rule: str | None, old: Bindings | None, new: Bindings | None,
                 skip: tuple[tuple[str, str], ...] = (), **params: Any) -> None:
        if old is None and new is None:
            return
        old_values = {p: self.b.materialize(v, old.sites.get(p, old.at)) for p, v in old.node.items()} if old else {}
        new_values = {p: self.r.materialize(v, new.sites.get(p, new.at)) for p, v in new.node.items()} if new else {}
        if old_values == new_values:
            return
        for change in binding_rules.changes(old, new, old_values, new_values, channel=destination_rule is not None,
                                            skip=skip):
            rule_id = destination_rule if change.destination and destination_rule else rule
            model = self.b if change.in_base else self.r
            self.hit(rule_id, model, change.at, protocol=change.protocol, what=change.what, **params)

    # --- *_TRANSITIVE ---------------------------------------------------------------------------
    def transitive(self) -> None:
        """Payloads in a *_TRANSITIVE mode, against every earlier revision too (breaking only)."""
        seen = {(f.id, f.location.file, f.location.pointer, dict(f.details).get("direction"), f.level)
                for f in self.findings}
        base_of = {r: b for b, r in self.channel_map.items()}
        for earlier in reversed(self.history):
            channels = pair_channels(earlier, self.r)
            for hc, rc in channels.matched:
                for hm, rm in pair_messages(hc, rc).matched:
                    bc = self.b.channels.get(base_of.get(rc.id, ""))
                    bm = bc.messages.get(hm.key) if bc is not None else None
                    usage = self.usage(bc or hc, rc, bm or hm, rm)
                    if not parse_mode(usage.mode)[1]:
                        continue
                    for part in ("payload", "headers"):
                        slots = (getattr(hm, part), getattr(rm, part))
                        if all(s is None for s in slots) or not all(s is None or s.comparable for s in slots):
                            continue
                        for f in schema_findings(self.judge, earlier, self.r, hm, rm, part, usage,
                                                 against=earlier.label, only_breaking=True):
                            key = (f.id, f.location.file, f.location.pointer, dict(f.details).get("direction"), f.level)
                            if key not in seen:
                                seen.add(key)
                                self.findings.append(f)


# --- small helpers --------------------------------------------------------------------------------
def _root_where(model: Model) -> Any:
    return lambda key: At(model.root, "").child(key) if key else At(model.root, "")


def _media(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    return ";".join(part.strip().lower() for part in content_type.split(";"))


def _list_item(op: Operation, key: str, index: int) -> At | None:
    if not isinstance(op.node.get(key), list):
        return None
    return op.where(key).child(index)


def _walk(model: Model, at: At, parts: list[str]) -> tuple[str, str, int]:
    from govern.diff.schema.files import walk

    return walk(model.refs, at.file, at.pointer, parts)


