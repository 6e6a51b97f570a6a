"""Event clients from AsyncAPI (2.x and 3.x): a validating publisher per channel the application
sends to, a deduplicating, retrying, dead-lettering consumer per channel it receives from.

Payload schemas are embedded with every `$ref` inlined, so the package needs no contract files
at run time. The dead-letter channel of a consumer is the operation's or channel's
`x-govern-dead-letter` (a channel id), else the one channel whose id or address names a dead-letter
queue, else `<address>.dlq`.
"""

from __future__ import annotations

import re
from typing import Any

from govern.errors import InputError
from govern.generate.common import Generated, package_files, runtime_defaults
from govern.generate.grpc import all_key
from govern.generate.names import pascal
from govern.generate.templates import json_text, render
from govern.load.model import Contract

TEMPLATE_DIR = "events"
_DLQ = re.compile(r"dead[-_.]?letter|\bdlq\b|[-_.]dlq$", re.IGNORECASE)
STAMPED = ("id", "time", "source")


def generate_events(contract: Contract, package: str, source: str) -> Generated:
    from govern.diff.asyncapi.normalize import RECEIVE, SEND, read_model

    model = read_model(contract)
    data = contract.data or {}
    title = str((data.get("info") or {}).get("title") or package)

    def fail(at: Any, msg: str) -> InputError:
        loc = model.locate(at)
        return InputError(loc.file or contract.path, msg, line=loc.line, col=loc.col, pointer=at.pointer or None)

    by_channel: dict[str, dict[str, list[Any]]] = {}
    for op in model.operations.values():
        if op.channel is None or op.channel not in model.channels:
            raise fail(op.at, f"operation {op.id!r} has no channel; nothing to generate for it")
        by_channel.setdefault(op.channel, {SEND: [], RECEIVE: []})[op.action].append(op)
    if not by_channel:
        raise InputError(contract.path, "the document has no operations; nothing to generate")

    dlq_channels = [c for c in model.channels.values() if _DLQ.search(c.id) or _DLQ.search(c.address or "")]
    publishers: list[dict[str, Any]] = []
    consumers: list[dict[str, Any]] = []
    class_names: dict[str, str] = {}
    publisher_of: dict[str, str] = {}
    for channel_id in model.channels:
        if channel_id not in by_channel:
            continue
        channel = model.channels[channel_id]
        for action, ops in by_channel[channel_id].items():
            if not ops:
                continue
            keys = sorted({k for op in ops for k in (op.messages or tuple(channel.messages))})
            schemas = []
            for key in keys:
                msg = channel.messages.get(key)
                if msg is None:
                    raise fail(ops[0].at, f"operation {ops[0].id!r} names message {key!r}, which channel {channel_id!r} does not have")
                schemas.append(_payload_schema(model, msg, fail))
            schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
            suffix = "Publisher" if action == SEND else "Consumer"
            class_name = pascal(channel_id) + suffix
            if not class_name[0].isalpha():
                class_name = "Channel" + class_name
            if class_name in class_names:
                raise fail(channel.at, f"channels {class_names[class_name]!r} and {channel_id!r} both become the class {class_name}")
            class_names[class_name] = channel_id
            entry: dict[str, Any] = {
                "class_name": class_name,
                "channel": channel_id,
                "address": channel.address or channel_id,
                "schema": schema,
                "schema_file": f"{class_name}.json",
                "operations": [op.id for op in ops],
                "summary": " ".join(str(op.node.get("summary", "")) for op in ops if op.node.get("summary")),
            }
            if action == SEND:
                entry["consts"], entry["stamps"] = _stamps(schema)
                publishers.append(entry)
                publisher_of[channel_id] = class_name
            else:
                entry["ops"] = ops
                consumers.append(entry)
    for c in consumers:
        channel = model.channels[c["channel"]]
        dlq = _dead_letter_channel(c["ops"], channel, dlq_channels, model, fail)
        if dlq is None:
            c["dead_letter_address"], c["dead_letter_publisher"] = f"{c['address']}.dlq", None
        else:
            c["dead_letter_address"] = dlq.address or dlq.id
            c["dead_letter_publisher"] = publisher_of.get(dlq.id)
        del c["ops"]

    defaults = runtime_defaults()
    ctx: dict[str, Any] = {"package": package, "source": source, "title": title}
    channel_exports = sorted([p["class_name"] for p in publishers] + [c["class_name"] for c in consumers], key=all_key)
    base = ["Consumer", "Delivery", "Envelope", "InMemoryTransport", "MemoryDedupe", "Publisher", "Transport", "ClientError", "ValidationError"]
    modules = {
        "__init__.py": render(f"{TEMPLATE_DIR}/__init__.py.j2", **ctx, channel_exports=channel_exports, exports=sorted(base + channel_exports, key=all_key)),
        "_events.py": render(f"{TEMPLATE_DIR}/_events.py.j2", **ctx, d=defaults, dedupe_ttl=_dedupe_ttl()),
        "redis_streams.py": render(f"{TEMPLATE_DIR}/redis_streams.py.j2", **ctx),
        "channels.py": render(f"{TEMPLATE_DIR}/channels.py.j2", **ctx, publishers=publishers, consumers=consumers, exports=channel_exports),
        "errors.py": render(f"{TEMPLATE_DIR}/errors.py.j2", **ctx),
    }
    for entry in publishers + consumers:
        modules[f"schemas/{entry['schema_file']}"] = json_text(entry["schema"])
    files = package_files(
        package,
        modules,
        source=source,
        title=title,
        dependencies=["jsonschema>=4.21"],
        extra={"README.md": render(f"{TEMPLATE_DIR}/README.md.j2", **ctx, publishers=publishers, consumers=consumers)},
    )
    files["pyproject.toml"] += '\n[project.optional-dependencies]\nredis = ["redis>=5"]\n'
    return Generated("asyncapi", package, files, channel_exports)


def _dedupe_ttl() -> int:
    from govern.recommend.resilience import resilience_defaults

    return int(resilience_defaults(["idempotency"])["idempotency"]["key_retention_hours"]) * 3600


def _payload_schema(model: Any, msg: Any, fail: Any) -> dict[str, Any]:
    slot = msg.payload
    if slot is None:
        return {}
    if slot.family != "jsonschema":
        raise fail(slot.at, f"message {msg.label!r}: payload schema format {slot.media_type or slot.family!r} is not supported (JSON Schema / AsyncAPI schema only)")
    schema = model.materialize(slot.node, slot.at)
    if _has_ref(schema):
        raise fail(slot.at, f"message {msg.label!r}: recursive payload schemas are not supported")
    if not isinstance(schema, (dict, bool)):
        raise fail(slot.at, f"message {msg.label!r}: the payload schema must be an object")
    return schema if isinstance(schema, dict) else ({} if schema else {"not": {}})


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for k, v in node.items() if k not in ("const", "enum", "default", "examples"))
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


def _stamps(schema: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Top-level consts to fill in, and which of id/time/source the payload declares."""
    found = schema.get("properties")
    props: dict[str, Any] = found if isinstance(found, dict) else {}
    consts = {k: v["const"] for k, v in props.items() if isinstance(v, dict) and "const" in v}
    return consts, tuple(k for k in STAMPED if k in props)


def _dead_letter_channel(ops: list[Any], channel: Any, candidates: list[Any], model: Any, fail: Any) -> Any:
    for node, at in [(op.node, op.at) for op in ops] + [(channel.node, channel.at)]:
        named = node.get("x-govern-dead-letter")
        if named is not None:
            if named not in model.channels:
                raise fail(at.child("x-govern-dead-letter"), f"x-govern-dead-letter names channel {named!r}, which the document does not have")
            return model.channels[named]
    others = [c for c in candidates if c.id != channel.id]
    return others[0] if len(others) == 1 else None
