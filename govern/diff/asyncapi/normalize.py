"""AsyncAPI 2.x and 3.0/3.1 documents read into one model: servers, channels, operations, messages.

The model keeps every node where it is written (`At`: document key and JSON pointer), so findings
point to a file and line, and keeps schemas as written (with their `$ref`s) for the comparator.

What the two major versions differ in, and how they meet here:
- 3.x channels have an id (their key) and an `address`; 2.x channels are keyed by their address,
  which serves as both.
- 3.x operations are their own objects with `action: send|receive`. 2.x channels hold `publish`
  and `subscribe` operations written from the client's point of view: `publish` means other
  applications publish to this one, so this application *receives*; `subscribe` means it
  *sends*. They become receive and send operations, with the 2.x keyword kept for messages.
- Message traits are merged in: 2.x lets a trait override the message's own fields; 3.x keeps
  the message's value where both define one.
- A 3.x payload may be a Multi Format Schema Object; the 2.x `schemaFormat` sits on the message.
  Either way a message carries its schema format as a family: jsonschema (AsyncAPI and JSON
  Schema formats), openapi (OpenAPI 3.0 schemas), avro, or the media type as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from govern.diff.schema.files import root_key
from govern.errors import GovernError
from govern.load.model import Contract
from govern.load.refs import RefResolver, RefSite, pointer_join
from govern.rules.finding import Location

SEND, RECEIVE = "send", "receive"
_V2_ACTIONS = {"publish": RECEIVE, "subscribe": SEND}
_JSON_SCHEMA_FORMATS = (
    "application/vnd.aai.asyncapi",
    "application/vnd.aai.asyncapi+json",
    "application/vnd.aai.asyncapi+yaml",
    "application/schema+json",
    "application/schema+yaml",
)
_MAX_HOPS = 64
_MAX_MATERIALIZE = 20_000  # nodes copied when a binding is read with its $refs inlined
_MAX_MATERIALIZE_DEPTH = 200


@dataclass(frozen=True)
class At:
    """A place in a contract: the document key (in its RefResolver) and a JSON pointer."""

    file: str
    pointer: str

    def child(self, *keys: str | int) -> "At":
        ptr = self.pointer
        for key in keys:
            ptr = pointer_join(ptr, key)
        return At(self.file, ptr)


@dataclass
class SchemaSlot:
    """A payload or headers schema: the value as written, where it is written, its format family."""

    node: Any
    at: At
    family: str
    media_type: str | None = None

    @property
    def comparable(self) -> bool:
        return self.family in ("jsonschema", "openapi")


@dataclass
class Message:
    key: str  # the message's id within its channel
    name: str | None
    node: dict[str, Any]  # the message object with its traits merged in
    at: At  # the message object itself (after $ref)
    site: At  # where the channel (or 2.x operation) lists it
    sources: dict[str, At]  # field -> the trait object it comes from (absent: the message itself)
    payload: SchemaSlot | None
    headers: SchemaSlot | None
    content_type: str | None  # effective: the message's, else the document's default
    bindings: "Bindings | None" = None

    def where(self, key: str) -> At:
        """Where the top-level field `key` of `node` is (or would be) written."""
        return self.sources.get(key, self.at).child(key)

    @property
    def label(self) -> str:
        return self.name or self.key


@dataclass
class Bindings:
    node: dict[str, Any]  # protocol -> binding object (each $ref followed)
    at: At
    sites: dict[str, At] = field(default_factory=dict)  # protocol -> where its binding is written


@dataclass
class Channel:
    id: str
    address: str | None
    node: dict[str, Any]
    at: At
    site: At
    messages: dict[str, Message]
    servers: tuple[str, ...] | None  # server ids; None: every server of the document
    bindings: Bindings | None

    @property
    def label(self) -> str:
        if self.address is not None and self.address != self.id:
            return f"{self.id} ({self.address})"
        return self.id


@dataclass
class Reply:
    channel: str | None  # channel id
    address: str | None  # the runtime-expression location, when given instead of a channel
    messages: tuple[str, ...]  # message keys within the reply channel
    at: At


@dataclass
class Operation:
    id: str
    action: str  # send | receive
    keyword: str  # as written: send, receive, publish, subscribe
    channel: str | None  # channel id
    messages: tuple[str, ...]  # message keys within the channel
    node: dict[str, Any]
    at: At
    site: At
    sources: dict[str, At]  # field -> the trait object it comes from (absent: the operation itself)
    bindings: Bindings | None
    reply: Reply | None
    named: bool = True  # False for a 2.x operation without operationId (its id is made up)

    def where(self, key: str) -> At:
        """Where the top-level field `key` of `node` is (or would be) written."""
        return self.sources.get(key, self.at).child(key)


@dataclass
class Server:
    id: str
    host: str | None
    pathname: str | None
    protocol: str | None
    protocol_version: str | None
    node: dict[str, Any]
    at: At
    site: At
    bindings: Bindings | None


@dataclass
class Model:
    """One AsyncAPI document, version-neutral."""

    contract: Contract
    refs: RefResolver
    root: str
    version: str
    major: int
    data: dict[str, Any]
    servers: dict[str, Server] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    default_content_type: str | None = None

    @property
    def label(self) -> str:
        return self.contract.path

    def locate(self, at: At) -> Location:
        return self.refs.locate(at.file, at.pointer)

    def deref(self, node: Any, at: At) -> tuple[Any, At]:
        """Follow `$ref`s from `node` written at `at`; the node reached and where it lives."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                target = self.refs.resolve_site(RefSite(at.file, at.pointer, node["$ref"]))
            except GovernError:
                break
            node, at = target.node, At(target.file, target.pointer)
            hops += 1
            if hops > _MAX_HOPS:
                break
        return node, at

    def materialize(self, node: Any, at: At) -> Any:
        """`node` with every `$ref` inlined, for comparing values. Bounded: a cycle keeps its `$ref`,
        and past a size or depth budget the rest is left as written."""
        budget = [_MAX_MATERIALIZE]

        def go(value: Any, where: At, trail: frozenset[At], depth: int) -> Any:
            budget[0] -= 1
            if budget[0] < 0 or depth > _MAX_MATERIALIZE_DEPTH:
                return value
            if isinstance(value, dict):
                if isinstance(value.get("$ref"), str):
                    target, target_at = self.deref(value, where)
                    if target_at in trail or target is value:
                        return {"$ref": value["$ref"]}
                    return go(target, target_at, trail | {target_at}, depth + 1)
                return {k: go(v, where.child(k), trail, depth + 1) for k, v in value.items()}
            if isinstance(value, list):
                return [go(v, where.child(i), trail, depth + 1) for i, v in enumerate(value)]
            return value

        return go(node, at, frozenset(), 0)


# --- helpers --------------------------------------------------------------------------------------
def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch, without modifying either input."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def format_family(media_type: Any) -> str:
    """jsonschema, openapi, avro, or the media type itself (lower-cased, parameters dropped)."""
    if media_type is None:
        return "jsonschema"
    if not isinstance(media_type, str):
        return "unknown"
    base = media_type.split(";", 1)[0].strip().lower()
    if base in _JSON_SCHEMA_FORMATS:
        return "jsonschema"
    if base.startswith("application/vnd.oai.openapi"):
        return "openapi"
    if base.startswith("application/vnd.apache.avro"):
        return "avro"
    return base


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Reader:
    """Builds a Model from a loaded contract."""

    def __init__(self, contract: Contract) -> None:
        refs = RefResolver.of(contract)
        root = root_key(contract)
        data = _dict(refs.documents[root].data) if root in refs.documents else _dict(contract.data)
        version = str(data.get("asyncapi", contract.version or ""))
        major = 2 if version.startswith("2") else 3
        self.m = Model(contract, refs, root, version, major, data)
        self.m.default_content_type = _str(data.get("defaultContentType"))
        self.top = At(root, "")

    # -- shared pieces -------------------------------------------------------------------------
    def traits_merged(self, node: dict[str, Any], at: At) -> tuple[dict[str, Any], dict[str, At]]:
        """The object with its `traits` merged in, and the trait object each trait-provided field
        comes from (fields of the object itself are not listed)."""
        traits = node.get("traits")
        if not isinstance(traits, list) or not traits:
            return (node if "traits" not in node else {k: v for k, v in node.items() if k != "traits"}), {}
        own = {k: v for k, v in node.items() if k != "traits"}
        merged: dict[str, Any] = {}
        sources: dict[str, At] = {}
        for i, trait in enumerate(traits):
            if isinstance(trait, list) and trait:  # an early 2.x form: [trait, parameters]
                trait = trait[0]
            t_node, t_at = self.m.deref(trait, at.child("traits", i))
            if not isinstance(t_node, dict):
                continue
            merged = merge_patch(merged, t_node)
            sources.update(dict.fromkeys(t_node, t_at))
        if self.m.major == 2:  # 2.x: traits override the object's own fields
            return merge_patch(own, merged), sources
        return merge_patch(merged, own), {k: v for k, v in sources.items() if k not in own}

    def bindings(self, value: Any, at: At) -> Bindings | None:
        if value is None:
            return None
        node, node_at = self.m.deref(value, at)
        if not isinstance(node, dict):
            return None
        out: dict[str, Any] = {}
        sites: dict[str, At] = {}
        for protocol, binding in node.items():
            b_node, b_at = self.m.deref(binding, node_at.child(protocol))
            out[protocol] = b_node
            sites[protocol] = b_at
        return Bindings(out, node_at, sites)

    def schema_slot(self, value: Any, at: At, message_format: Any) -> SchemaSlot | None:
        if value is None:
            return None
        node, node_at = self.m.deref(value, at)
        if isinstance(node, dict) and "schemaFormat" in node and "schema" in node and self.m.major >= 3:
            media = node.get("schemaFormat")
            return SchemaSlot(node["schema"], node_at.child("schema"), format_family(media), _str(media))
        media = _str(message_format) or self.default_schema_format()
        return SchemaSlot(value, at, format_family(message_format), media)

    def default_schema_format(self) -> str:
        """The schema format a payload has when none is named: the AsyncAPI Schema of this version."""
        suffix = "" if self.m.major == 2 else "+json"
        return f"application/vnd.aai.asyncapi{suffix};version={self.m.version}"

    def message(self, key: str, value: Any, site: At) -> Message | None:
        node, at = self.m.deref(value, site)
        if not isinstance(node, dict):
            return None
        merged, sources = self.traits_merged(node, at)
        schema_format = merged.get("schemaFormat") if self.m.major == 2 else None
        payload = self.schema_slot(merged.get("payload"), _where(sources, at, "payload"), schema_format)
        headers = self.schema_slot(merged.get("headers"), _where(sources, at, "headers"), None)
        content_type = _str(merged.get("contentType")) or self.m.default_content_type
        bindings = self.bindings(merged.get("bindings"), _where(sources, at, "bindings"))
        return Message(key, _str(merged.get("name")), merged, at, site, sources, payload, headers, content_type,
                       bindings)

    # -- servers -------------------------------------------------------------------------------
    def servers(self) -> None:
        for sid, value in _dict(self.m.data.get("servers")).items():
            site = self.top.child("servers", sid)
            node, at = self.m.deref(value, site)
            if not isinstance(node, dict):
                continue
            if self.m.major == 2:
                host, pathname = _split_url(_str(node.get("url")))
            else:
                host, pathname = _str(node.get("host")), _str(node.get("pathname"))
            self.m.servers[sid] = Server(
                sid, host, pathname, _str(node.get("protocol")), _str(node.get("protocolVersion")),
                node, at, site, self.bindings(node.get("bindings"), at.child("bindings")),
            )

    def server_ids(self, value: Any, at: At) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str):  # 2.x: server names
                out.append(item)
                continue
            _, target = self.m.deref(item, at.child(i))
            sid = _child_of(target, self.m.root, "servers")
            if sid is not None:
                out.append(sid)
        return tuple(out)

    # -- 3.x -----------------------------------------------------------------------------------
    def read_v3(self) -> None:
        self.servers()
        by_place: dict[At, str] = {}
        message_by_place: dict[str, dict[At, str]] = {}
        for cid, value in _dict(self.m.data.get("channels")).items():
            site = self.top.child("channels", cid)
            node, at = self.m.deref(value, site)
            if not isinstance(node, dict):
                continue
            messages: dict[str, Message] = {}
            places: dict[At, str] = {}
            raw_messages, m_at = self.m.deref(node.get("messages"), at.child("messages"))
            for mid, m_value in _dict(raw_messages).items():
                msg = self.message(mid, m_value, m_at.child(mid))
                if msg is not None:
                    messages[mid] = msg
                    places.setdefault(msg.site, mid)
                    places.setdefault(msg.at, mid)
            address = node.get("address")
            channel = Channel(
                cid, address if isinstance(address, str) else None, node, at, site, messages,
                self.server_ids(node.get("servers"), at.child("servers")),
                self.bindings(node.get("bindings"), at.child("bindings")),
            )
            self.m.channels[cid] = channel
            by_place.setdefault(site, cid)
            by_place.setdefault(at, cid)
            message_by_place[cid] = places
        for oid, value in _dict(self.m.data.get("operations")).items():
            site = self.top.child("operations", oid)
            node, at = self.m.deref(value, site)
            if not isinstance(node, dict):
                continue
            merged, sources = self.traits_merged(node, at)
            action = _str(merged.get("action")) or ""
            channel_id = self._channel_of(merged.get("channel"), _where(sources, at, "channel"), by_place)
            keys = self._message_keys(merged.get("messages"), _where(sources, at, "messages"), channel_id,
                                      message_by_place)
            reply = self._reply(merged.get("reply"), _where(sources, at, "reply"), channel_id, by_place,
                                message_by_place)
            self.m.operations[oid] = Operation(
                oid, action, action, channel_id, keys, merged, at, site, sources,
                self.bindings(merged.get("bindings"), _where(sources, at, "bindings")), reply,
            )

    def _channel_of(self, value: Any, at: At, by_place: dict[At, str]) -> str | None:
        if value is None:
            return None
        _, target = self.m.deref(value, at)
        return by_place.get(target)

    def _message_keys(self, value: Any, at: At, cid: str | None,
                      message_by_place: dict[str, dict[At, str]]) -> tuple[str, ...]:
        if cid is None:
            return ()
        places = message_by_place.get(cid, {})
        if not isinstance(value, list):  # absent: every message of the channel
            return tuple(self.m.channels[cid].messages) if cid in self.m.channels else ()
        keys: list[str] = []
        for i, item in enumerate(value):
            site_target = _first_hop(self.m, item, at.child(i))
            _, target = self.m.deref(item, at.child(i))
            key = places.get(site_target) if site_target is not None else None
            key = key or places.get(target)
            if key is not None and key not in keys:
                keys.append(key)
        return tuple(keys)

    def _reply(self, value: Any, at: At, cid: str | None, by_place: dict[At, str],
               message_by_place: dict[str, dict[At, str]]) -> Reply | None:
        if value is None:
            return None
        node, node_at = self.m.deref(value, at)
        if not isinstance(node, dict):
            return None
        reply_cid = self._channel_of(node.get("channel"), node_at.child("channel"), by_place)
        address = None
        if node.get("address") is not None:
            addr, _ = self.m.deref(node.get("address"), node_at.child("address"))
            address = _str(_dict(addr).get("location"))
        keys = self._message_keys(node.get("messages"), node_at.child("messages"), reply_cid, message_by_place)
        return Reply(reply_cid, address, keys, node_at)

    # -- 2.x -----------------------------------------------------------------------------------
    def read_v2(self) -> None:
        self.servers()
        for address, value in _dict(self.m.data.get("channels")).items():
            site = self.top.child("channels", address)
            node, at = self.m.deref(value, site)
            if not isinstance(node, dict):
                continue
            messages: dict[str, Message] = {}
            operations: list[Operation] = []
            for keyword in ("publish", "subscribe"):
                op_value = node.get(keyword)
                if not isinstance(op_value, dict):
                    continue
                op_site = at.child(keyword)
                op_node, op_at = self.m.deref(op_value, op_site)
                merged, sources = self.traits_merged(_dict(op_node), op_at)
                keys: list[str] = []
                for m_key, m_value, m_site in self._v2_messages(merged.get("message"),
                                                               _where(sources, op_at, "message"), keyword):
                    msg = self.message(m_key, m_value, m_site)
                    if msg is None:
                        continue
                    key = m_key
                    if key in messages and messages[key].at != msg.at:
                        key = f"{m_key} ({keyword})"
                        msg.key = key
                    messages.setdefault(key, msg)
                    keys.append(key)
                named = _str(merged.get("operationId"))
                operations.append(Operation(
                    named or f"{keyword} {address}", _V2_ACTIONS[keyword], keyword, address, tuple(keys), merged,
                    op_at, op_site, sources,
                    self.bindings(merged.get("bindings"), _where(sources, op_at, "bindings")), None, named is not None,
                ))
            self.m.channels[address] = Channel(
                address, address, node, at, site, messages,
                self.server_ids(node.get("servers"), at.child("servers")),
                self.bindings(node.get("bindings"), at.child("bindings")),
            )
            for op in operations:
                oid = op.id
                if oid in self.m.operations:  # a duplicated operationId: keep both, distinctly
                    op.id = f"{oid} ({op.keyword} {address})"
                self.m.operations[op.id] = op

    def _v2_messages(self, value: Any, at: At, keyword: str) -> Iterable[tuple[str, Any, At]]:
        if value is None:
            return []
        node, node_at = self.m.deref(value, at)
        if isinstance(node, dict) and isinstance(node.get("oneOf"), list):
            out = []
            for i, item in enumerate(node["oneOf"]):
                item_at = node_at.child("oneOf", i)
                out.append((self._v2_key(item, item_at, f"{keyword} message {i + 1}"), item, item_at))
            return out
        return [(self._v2_key(value, at, f"{keyword} message"), value, at)]

    def _v2_key(self, value: Any, at: At, anonymous: str) -> str:
        node, target = self.m.deref(value, at)
        node = _dict(node)
        for key in ("messageId", "name"):
            if isinstance(node.get(key), str):
                return str(node[key])
        name = _child_of(target, target.file, "components", "messages")
        return name if name is not None else anonymous


def _where(sources: dict[str, At], at: At, key: str) -> At:
    return sources.get(key, at).child(key)


def _split_url(url: str | None) -> tuple[str | None, str | None]:
    """A 2.x server url as (host, pathname), the way 3.x splits it."""
    if url is None:
        return None, None
    rest = url.split("://", 1)[1] if "://" in url else url
    host, sep, path = rest.partition("/")
    return host, (sep + path) if sep else None


def _child_of(at: At, file: str, *prefix: str) -> str | None:
    """The key right below `prefix` when `at` is `file#/prefix/<key>`."""
    if at.file != file:
        return None
    head = "".join(pointer_join("", p) for p in prefix) + "/"
    if not at.pointer.startswith(head):
        return None
    rest = at.pointer[len(head):]
    if "/" in rest:
        return None
    return rest.replace("~1", "/").replace("~0", "~")


def _first_hop(model: Model, node: Any, at: At) -> At | None:
    """Where one `$ref` step from `node` leads (not following further refs)."""
    if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
        return None
    try:
        target = model.refs.resolve_site(RefSite(at.file, at.pointer, node["$ref"]))
    except GovernError:
        return None
    return At(target.file, target.pointer)


def read_model(contract: Contract) -> Model:
    """The version-neutral model of a loaded AsyncAPI contract."""
    reader = _Reader(contract)
    if reader.m.major == 2:
        reader.read_v2()
    else:
        reader.read_v3()
    return reader.m
