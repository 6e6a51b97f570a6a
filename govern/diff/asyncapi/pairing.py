"""Pairing two AsyncAPI models: servers by id, channels by id then address, operations by id then
(action, channel), messages by their id in the channel then by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, Iterable, TypeVar

from govern.diff.asyncapi.normalize import Channel, Message, Model, Operation, Server

T = TypeVar("T")
_PARAM = re.compile(r"\{[^{}]*\}")


@dataclass
class Pairs(Generic[T]):
    """Matched (base, revision) pairs, in base order; what only one side has."""

    matched: list[tuple[T, T]] = field(default_factory=list)
    removed: list[T] = field(default_factory=list)
    added: list[T] = field(default_factory=list)


def normalize_address(address: str | None) -> str | None:
    """The address with parameter names blanked (`user/{id}` and `user/{userId}` are one address)."""
    return None if address is None else _PARAM.sub("{}", address)


def _pair(base: dict[str, T], revision: dict[str, T], *fallbacks: Callable[[T], Hashable | None]) -> Pairs[T]:
    """Pair by key, then by each fallback key among what is still unpaired (unique values only)."""
    out: Pairs[T] = Pairs()
    left = {k: v for k, v in base.items() if k not in revision}
    right = {k: v for k, v in revision.items() if k not in base}
    matched = {k: (v, revision[k]) for k, v in base.items() if k in revision}
    for key_of in fallbacks:
        if not left or not right:
            break
        r_index = _unique_index(right.items(), key_of)
        b_index = _unique_index(left.items(), key_of)
        for fk, b_key in b_index.items():
            r_key = r_index.get(fk)
            if r_key is not None and b_key in left and r_key in right:
                matched[b_key] = (left.pop(b_key), right.pop(r_key))
    for key in base:
        if key in matched:
            out.matched.append(matched[key])
    out.removed = list(left.values())
    out.added = list(right.values())
    return out


def _unique_index(items: Iterable[tuple[str, T]], key_of: Callable[[T], Hashable | None]) -> dict[Hashable, str]:
    index: dict[Hashable, str] = {}
    clashes: set[Hashable] = set()
    for name, value in items:
        k = key_of(value)
        if k is None:
            continue
        if k in index:
            clashes.add(k)
        index[k] = name
    return {k: v for k, v in index.items() if k not in clashes}


def pair_servers(base: Model, revision: Model) -> Pairs[Server]:
    return _pair(base.servers, revision.servers)


def pair_channels(base: Model, revision: Model) -> Pairs[Channel]:
    return _pair(base.channels, revision.channels, lambda c: normalize_address(c.address))


def pair_messages(base: Channel, revision: Channel) -> Pairs[Message]:
    return _pair(base.messages, revision.messages, lambda m: m.name)


def pair_operations(base: Model, revision: Model, channel_map: dict[str, str]) -> Pairs[Operation]:
    """Operations by id, then by (action, channel) for renamed ones; `channel_map` maps base
    channel ids to their paired revision channel ids."""

    def key_base(op: Operation) -> Hashable | None:
        return (op.action, channel_map.get(op.channel)) if op.channel in channel_map else None

    base_ops = base.operations
    rev_ops = revision.operations
    pairs = _pair(base_ops, rev_ops)
    if not pairs.removed or not pairs.added:
        return pairs
    r_index = _unique_index(((o.id, o) for o in pairs.added), lambda o: (o.action, o.channel))
    b_index = _unique_index(((o.id, o) for o in pairs.removed), key_base)
    still_removed = {o.id: o for o in pairs.removed}
    still_added = {o.id: o for o in pairs.added}
    for k, b_id in b_index.items():
        r_id = r_index.get(k)
        if r_id is not None and b_id in still_removed and r_id in still_added:
            pairs.matched.append((still_removed.pop(b_id), still_added.pop(r_id)))
    pairs.removed = list(still_removed.values())
    pairs.added = list(still_added.values())
    return pairs
