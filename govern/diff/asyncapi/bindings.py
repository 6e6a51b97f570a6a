"""Protocol bindings of servers, channels, operations and messages.

Bindings are compared with their `$ref`s inlined, field by field per protocol. What matters most
gets its own rule: a channel binding field that names where messages go (a Kafka topic, an AMQP
exchange or queue, ...) is an ERR like an address change, and a Kafka message key schema that
changes beyond its annotations is an ERR because the key decides the partition. Everything else
(partitions, queue options, QoS, binding versions) is a WARN for the object's bindings rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from govern.diff.asyncapi.normalize import At, Bindings

# Per protocol, the channel binding fields (dotted paths) that name the destination.
DESTINATIONS: dict[str, tuple[str, ...]] = {
    "kafka": ("topic",),
    "amqp": ("is", "exchange.name", "exchange.type", "queue.name"),
    "ibmmq": ("destinationType", "queue.objectName", "topic.string", "topic.objectName"),
    "sns": ("name",),
    "sqs": ("queue.name",),
    "googlepubsub": ("topic",),
    "pulsar": ("namespace", "persistence"),
    "anypointmq": ("destination", "destinationType"),
    "ws": ("method",),
}
_MISSING = object()


@dataclass
class BindingChange:
    """One change in one protocol's binding."""

    protocol: str
    field: str | None  # dotted path of the field, None for the whole binding
    old: Any
    new: Any
    at: At  # where it is (revision), or where it was (base) when removed
    in_base: bool
    destination: bool = False

    @property
    def what(self) -> str:
        if self.field is None:
            if self.new is _MISSING:
                return "was removed"
            return "was added" if self.old is _MISSING else "changed"
        if self.old is _MISSING:
            return f"{self.field} was added ({_short(self.new)})"
        if self.new is _MISSING:
            return f"{self.field} was removed (was {_short(self.old)})"
        return f"{self.field} changed from {_short(self.old)} to {_short(self.new)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _get(node: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _without(node: Any, dotted: str) -> Any:
    head, _, rest = dotted.partition(".")
    if not isinstance(node, dict) or head not in node:
        return node
    out = dict(node)
    if rest:
        out[head] = _without(node[head], rest)
    else:
        del out[head]
    return out


def _pointer_of(at: At, dotted: str) -> At:
    return at.child(*dotted.split("."))


def changes(old: Bindings | None, new: Bindings | None, old_values: dict[str, Any], new_values: dict[str, Any],
            *, channel: bool = False, skip: tuple[tuple[str, str], ...] = ()) -> Iterator[BindingChange]:
    """The changes between two bindings objects; `*_values` are the per-protocol bindings with
    their `$ref`s inlined. `skip` lists (protocol, field) pairs judged elsewhere."""
    protocols = list(old_values) + [p for p in new_values if p not in old_values]
    for protocol in protocols:
        a, b = old_values.get(protocol, _MISSING), new_values.get(protocol, _MISSING)
        if a == b:
            continue
        old_at = old.sites.get(protocol, old.at) if old else None
        new_at = new.sites.get(protocol, new.at) if new else None
        if a is _MISSING or b is _MISSING:
            at, in_base = (new_at, False) if b is not _MISSING else (old_at, True)
            assert at is not None
            yield BindingChange(protocol, None, a, b, at, in_base)
            continue
        assert old_at is not None and new_at is not None
        for dest in DESTINATIONS.get(protocol, ()) if channel else ():
            va, vb = _get(a, dest), _get(b, dest)
            if va != vb:
                in_base = vb is _MISSING
                yield BindingChange(protocol, dest, va, vb, _pointer_of(old_at if in_base else new_at, dest),
                                    in_base, destination=True)
            a, b = _without(a, dest), _without(b, dest)
        for _, skipped in (s for s in skip if s[0] == protocol):
            a, b = _without(a, skipped), _without(b, skipped)
        if not isinstance(a, dict) or not isinstance(b, dict):
            if a != b:
                yield BindingChange(protocol, None, a, b, new_at, False)
            continue
        for key in list(a) + [k for k in b if k not in a]:
            va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
            if va != vb:
                in_base = vb is _MISSING
                yield BindingChange(protocol, str(key), va, vb, (old_at if in_base else new_at).child(key), in_base)
