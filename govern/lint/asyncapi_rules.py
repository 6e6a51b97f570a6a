"""Governance rules for AsyncAPI 2.x and 3.x: message names and payloads, channel addresses and
descriptions, and a dead-letter route for every receive operation.

Dead-letter convention (docs/lint-rules.md):
- `x-dead-letter` on a receive operation (3.x: `action: receive`; 2.x: a channel's `publish`
  operation, which is what the application receives), or on the channel it receives from,
  names the channel failed messages go to: a channel id, a channel address, or
  `{$ref: '#/channels/<id>'}`. `x-dead-letter: none` opts out and needs `x-dead-letter-reason`.
- Without `x-dead-letter`, a receive operation is covered when the document has a dead-letter
  channel: one marked `x-dead-letter-channel: true`, or whose id or address ends in `.dlq`,
  `-dlq`, `_dlq` or `dead-letter` (also `dead_letter`, `deadLetter`, `dead-letters`, optionally
  followed by `-queue`/`-topic`).
- Receive operations on a dead-letter channel itself are exempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from govern.lint.base import Hit, lint_rule
from govern.lint.docview import DocView, Node
from govern.rules.finding import Level

ON = "asyncapi"
DLQ_NAME = re.compile(r"(?:^|[._\-/])dlq$|dead[._\-]?letters?(?:[._\-]?(?:queue|topic))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Channel:
    id: str
    node: Node  # the channel object (refs followed)
    key: Node  # where the channel is declared under /channels


@dataclass(frozen=True)
class Message:
    label: str
    node: Node


@dataclass(frozen=True)
class Operation:
    id: str
    node: Node
    channel: Channel | None


class AsyncAPIView(DocView):
    """An AsyncAPI document as the governance rules see it."""

    @property
    def v3(self) -> bool:
        return not str(self.contract.version).startswith("2.")

    @cached_property
    def channels(self) -> list[Channel]:
        found = []
        channels = self.root.child("channels")
        for cid, raw in channels.items() if channels is not None else ():
            node = self.deref(raw)
            if node is not None and isinstance(node.value, dict):
                found.append(Channel(cid, node, raw))
        return found

    def address(self, channel: Channel) -> str | None:
        if not self.v3:
            return channel.id
        address = channel.node.get("address")
        return address if isinstance(address, str) else None

    def channel_at(self, node: Node | None) -> Channel | None:
        target = self.deref(node)
        if target is None:
            return None
        for ch in self.channels:
            if (ch.node.file, ch.node.pointer) == (target.file, target.pointer) or (
                (ch.key.file, ch.key.pointer) == (target.file, target.pointer)
            ):
                return ch
        return None

    @cached_property
    def operations(self) -> list[Operation]:
        """Receive and send operations; 2.x `publish` is a receive, `subscribe` a send."""
        found = []
        if self.v3:
            ops = self.root.child("operations")
            for oid, raw in ops.items() if ops is not None else ():
                node = self.deref(raw)
                if node is not None and isinstance(node.value, dict):
                    found.append(Operation(oid, node, self.channel_at(node.child("channel"))))
        else:
            for ch in self.channels:
                for verb in ("publish", "subscribe"):
                    node = ch.node.child(verb)
                    if node is not None and isinstance(node.value, dict):
                        oid = node.get("operationId")
                        found.append(Operation(oid if isinstance(oid, str) else f"{verb} {ch.id}", node, ch))
        return found

    def receives(self, op: Operation) -> bool:
        if self.v3:
            return op.node.get("action") == "receive"
        return op.node.pointer.endswith("/publish")

    @cached_property
    def messages(self) -> list[Message]:
        """Every message object the document defines or uses, each once (refs followed)."""
        pending: list[tuple[str, Node]] = []
        for ch in self.channels:
            if self.v3:
                msgs = ch.node.child("messages")
                pending += [(f"message {mid!r} of channel {ch.id!r}", n) for mid, n in (msgs.items() if msgs else ())]
            else:
                for verb in ("publish", "subscribe"):
                    msg = ch.node.child(verb)
                    msg = msg.child("message") if msg is not None else None
                    if msg is not None:
                        pending.append((f"message of {verb} {ch.id!r}", msg))
        comps = self.root.child("components")
        msgs = comps.child("messages") if comps is not None else None
        pending += [(f"message {mid!r} of components", n) for mid, n in (msgs.items() if msgs else ())]
        found: list[Message] = []
        seen: set[tuple[str, str]] = set()
        while pending:
            label, raw = pending.pop(0)
            node = self.deref(raw)
            if node is None or not isinstance(node.value, dict) or (node.file, node.pointer) in seen:
                continue
            seen.add((node.file, node.pointer))
            one_of = node.child("oneOf")
            if not self.v3 and one_of is not None and isinstance(one_of.value, list):
                pending += [(f"{label} (oneOf {i})", n) for i, n in enumerate(one_of.elements())]
                continue
            found.append(Message(_message_label(node) or label, node))
        return found

    def is_dead_letter(self, ch: Channel) -> bool:
        if ch.node.get("x-dead-letter-channel") is True:
            return True
        address = self.address(ch)
        return bool(DLQ_NAME.search(ch.id) or (address and DLQ_NAME.search(address)))


def _message_label(node: Node) -> str | None:
    """`message 'x' of channel 'c'` or `message 'x' of components` from where it is defined."""
    from govern.load.files import unescape_token

    parts = [unescape_token(p) for p in node.pointer.split("/")[1:]]
    if len(parts) == 4 and parts[0] == "channels" and parts[2] == "messages":
        return f"message {parts[3]!r} of channel {parts[1]!r}"
    if len(parts) == 3 and parts[:2] == ["components", "messages"]:
        return f"message {parts[2]!r} of components"
    return None


@lint_rule(
    "asyncapi-message-name",
    on=ON,
    level=Level.WARN,
    description="A message has no `name`.",
    why="Generators name classes and handlers after it, and tools that pair messages across "
    "revisions (govern diff among them) match on it.",
)
def message_name(v: AsyncAPIView) -> Iterator[Hit]:
    for msg in v.messages:
        name = msg.node.get("name")
        if not isinstance(name, str) or not name.strip():
            yield Hit(f"{msg.label} has no name", v.locate(msg.node))


@lint_rule(
    "asyncapi-message-payload",
    on=ON,
    level=Level.WARN,
    description="A message has no payload schema (no `payload`, or one that accepts anything).",
    why="Without a payload schema consumers cannot validate what they receive and govern diff "
    "cannot tell a compatible change from a breaking one.",
)
def message_payload(v: AsyncAPIView) -> Iterator[Hit]:
    for msg in v.messages:
        payload = v.deref(msg.node.child("payload"))
        value = payload.value if payload is not None else None
        if value is None or value is True or value == {}:
            what = "has no payload schema" if value is None else "has a payload schema that accepts anything"
            yield Hit(f"{msg.label} {what}", v.locate(msg.node.child("payload") or msg.node))


@lint_rule(
    "asyncapi-channel-address",
    on=ON,
    level=Level.WARN,
    description="An AsyncAPI 3 channel has no `address` (or a null one, meaning unknown or dynamic).",
    why="The address is the topic or queue producers and consumers must agree on; leaving it out "
    "leaves that agreement to word of mouth.",
)
def channel_address(v: AsyncAPIView) -> Iterator[Hit]:
    if not v.v3:
        return
    for ch in v.channels:
        if not isinstance(ch.node.get("address"), str):
            yield Hit(f"channel {ch.id!r} has no address (topic, queue or routing key)", v.locate(ch.node))


@lint_rule(
    "asyncapi-channel-description",
    on=ON,
    level=Level.WARN,
    description="A channel has no `description` (or `summary`) saying what flows through it.",
    why="Teams that consume a channel need to know what one message on it means and who sends it.",
)
def channel_description(v: AsyncAPIView) -> Iterator[Hit]:
    for ch in v.channels:
        text = ch.node.get("description") or ch.node.get("summary")
        if not isinstance(text, str) or not text.strip():
            yield Hit(f"channel {ch.id!r} has no description", v.locate(ch.node))


def _named_channel(v: AsyncAPIView, owner: Node, value: object) -> Channel | None:
    if isinstance(value, dict):
        return v.channel_at(owner.child("x-dead-letter"))
    if isinstance(value, str):
        for ch in v.channels:
            if value in (ch.id, v.address(ch)):
                return ch
    return None


@lint_rule(
    "asyncapi-dead-letter",
    on=ON,
    level=Level.WARN,
    description="A receive operation has no dead-letter route (x-dead-letter naming a channel, or a "
    "dead-letter channel in the document) and does not say why not (x-dead-letter: none with "
    "x-dead-letter-reason).",
    why="A message the consumer cannot process otherwise blocks its partition or is retried "
    "forever or silently dropped; a dead-letter channel keeps it for inspection and replay.",
)
def dead_letter(v: AsyncAPIView) -> Iterator[Hit]:
    has_dlq = any(v.is_dead_letter(ch) for ch in v.channels)
    for op in v.operations:
        if not v.receives(op) or (op.channel is not None and v.is_dead_letter(op.channel)):
            continue
        owner = next(
            (n for n in (op.node, op.channel.node if op.channel else None) if n is not None and "x-dead-letter" in (n.value or {})),
            None,
        )
        where = v.locate(op.node)
        if owner is None:
            if not has_dlq:
                on = f" from channel {op.channel.id!r}" if op.channel else ""
                yield Hit(
                    f"operation {op.id!r} receives{on} but has no dead-letter route: add x-dead-letter naming a "
                    "channel, a dead-letter channel (address ending in .dlq or dead-letter), or "
                    "x-dead-letter: none with x-dead-letter-reason",
                    where,
                )
            continue
        value = owner.get("x-dead-letter")
        where = v.locate(owner, "x-dead-letter")
        if isinstance(value, str) and value.strip().lower() == "none":
            reason = owner.get("x-dead-letter-reason")
            if not isinstance(reason, str) or not reason.strip():
                yield Hit(f"operation {op.id!r} sets x-dead-letter: none without an x-dead-letter-reason saying why", where)
        elif _named_channel(v, owner, value) is None:
            yield Hit(f"x-dead-letter of operation {op.id!r} names {value!r}, which is not a channel of this document", where)
