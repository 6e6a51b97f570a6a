"""The AsyncAPI rule catalogue (kind "asyncapi"): structure of servers, channels, operations, messages.

Payload and header schemas are not judged here: each difference the JSON Schema comparator finds
in them is reported under its own difference type (kind "jsonschema"), at ERR when it breaks in
the message's direction. The direction comes from the operation: messages this application
sends are checked FORWARD (consumers still on the old schema must read them), messages it
receives BACKWARD (the new schema must read messages already written).
"""

from __future__ import annotations

from dataclasses import dataclass

from govern.rules.finding import Level
from govern.rules.registry import Rule, declare

KIND = "asyncapi"
ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


@dataclass(frozen=True)
class _Spec:
    id: str
    level: Level
    area: str
    description: str
    why: str
    message: str


_TABLE: tuple[_Spec, ...] = (
    # --- servers -----------------------------------------------------------------------------
    _Spec("server-removed", WARN, "servers", "A server was removed.",
          "Clients configured for that server lose their connection point.",
          "server {server!r} was removed"),
    _Spec("server-added", INFO, "servers", "A server was added.", "New servers do not affect existing clients.",
          "server {server!r} was added"),
    _Spec("server-host-changed", WARN, "servers", "A server's host changed.",
          "Clients that connect by the documented host must be reconfigured.",
          "server {server!r}: host changed from {old!r} to {new!r}"),
    _Spec("server-pathname-changed", WARN, "servers", "A server's path name changed.",
          "Clients that build URLs from the documented path must be reconfigured.",
          "server {server!r}: pathname changed from {old!r} to {new!r}"),
    _Spec("server-protocol-changed", ERR, "servers", "A server's protocol changed.",
          "Clients speaking the old protocol cannot talk to the server any more.",
          "server {server!r}: protocol changed from {old!r} to {new!r}"),
    _Spec("server-protocol-version-changed", WARN, "servers", "A server's protocol version changed.",
          "Clients built for the old protocol version may not negotiate the new one.",
          "server {server!r}: protocol version changed from {old!r} to {new!r}"),
    _Spec("server-bindings-changed", WARN, "bindings", "A server's protocol bindings changed.",
          "Protocol-specific settings (schema registry, cluster config) that clients rely on changed.",
          "server {server!r}: {protocol} binding {what}"),
    # --- channels ----------------------------------------------------------------------------
    _Spec("channel-removed", ERR, "channels", "A channel was removed.",
          "Applications still producing to or consuming from it lose their counterpart.",
          "channel {channel} was removed"),
    _Spec("channel-added", INFO, "channels", "A channel was added.", "New channels do not affect existing clients.",
          "channel {channel} was added"),
    _Spec("channel-address-changed", ERR, "channels", "A channel's address (topic, queue, routing key) changed.",
          "Producers and consumers of the old address no longer meet the ones of the new address.",
          "channel {channel}: address changed from {old!r} to {new!r}"),
    _Spec("channel-id-changed", INFO, "channels", "A channel's id changed; its address did not.",
          "The id only names the channel inside the document; applications meet on the address.",
          "channel {old!r} is now {new!r} (same address {address!r})"),
    _Spec("channel-message-removed", WARN, "channels",
          "A message that no operation of this application uses was removed from a channel.",
          "Other applications may still send or expect it on that channel.",
          "channel {channel}: message {message!r} was removed"),
    _Spec("channel-message-added", INFO, "channels", "A message was added to a channel.",
          "New message types do not affect existing ones.",
          "channel {channel}: message {message!r} was added"),
    _Spec("channel-server-removed", WARN, "channels", "A channel is no longer available on a server.",
          "Clients using the channel through that server lose it.",
          "channel {channel} is no longer available on server {server!r}"),
    _Spec("channel-bindings-changed", WARN, "bindings", "A channel's protocol bindings changed.",
          "Protocol settings (partitions, queue options, exchange options) that clients rely on changed.",
          "channel {channel}: {protocol} binding {what}"),
    _Spec("channel-binding-destination-changed", ERR, "bindings",
          "A channel binding field that names where messages go changed (Kafka topic, AMQP exchange or "
          "queue, SNS/SQS name, ...).",
          "Producers and consumers end up on different destinations, like an address change.",
          "channel {channel}: {protocol} binding {what}"),
    # --- operations --------------------------------------------------------------------------
    _Spec("operation-removed", ERR, "operations", "An operation was removed.",
          "Counterparts of this application still send (or wait for) its messages.",
          "operation {operation!r} ({action} on channel {channel}) was removed"),
    _Spec("operation-added", INFO, "operations", "An operation was added.",
          "New operations do not affect existing counterparts.",
          "operation {operation!r} ({action} on channel {channel}) was added"),
    _Spec("operation-id-changed", INFO, "operations",
          "An operation's id (operationId) changed; its action and channel did not.",
          "The id names the operation in code generators and docs; the wire is unchanged.",
          "operation {old!r} is now {new!r} ({action} on channel {channel})"),
    _Spec("operation-action-changed", ERR, "operations", "An operation's action flipped between send and receive.",
          "The application now produces what it consumed (or the reverse); every counterpart breaks.",
          "operation {operation!r}: action changed from {old} to {new}"),
    _Spec("operation-channel-changed", ERR, "operations", "An operation now uses a channel with another address.",
          "Counterparts still use the old channel.",
          "operation {operation!r}: channel changed from {old} to {new}"),
    _Spec("operation-message-removed", ERR, "operations", "An operation no longer sends or receives a message.",
          "A receiver rejects the message counterparts still send; a sender stops sending what consumers expect.",
          "operation {operation!r} ({action} on channel {channel}): message {message!r} was removed"),
    _Spec("operation-message-added", INFO, "operations", "An operation sends or receives an additional message.",
          "Existing messages are unaffected.",
          "operation {operation!r} ({action} on channel {channel}): message {message!r} was added"),
    _Spec("operation-reply-removed", ERR, "operations", "An operation's reply (request/reply) was removed.",
          "Requesters still wait for the reply.",
          "operation {operation!r}: the reply was removed"),
    _Spec("operation-reply-added", INFO, "operations", "An operation now has a reply.",
          "Requesters that do not wait for it are unaffected.",
          "operation {operation!r}: a reply was added"),
    _Spec("operation-reply-address-changed", ERR, "operations",
          "The channel or address an operation's reply travels on changed.",
          "Requesters listen for the reply where it no longer arrives.",
          "operation {operation!r}: reply {what} changed from {old} to {new}"),
    _Spec("operation-bindings-changed", WARN, "bindings", "An operation's protocol bindings changed.",
          "Protocol settings (consumer groups, QoS, routing) that counterparts rely on changed.",
          "operation {operation!r}: {protocol} binding {what}"),
    # --- messages ----------------------------------------------------------------------------
    _Spec("message-id-changed", INFO, "messages",
          "A message's id within its channel changed; it was paired by its name.",
          "The id only names the message inside the document.",
          "channel {channel}: message {old!r} is now {new!r}"),
    _Spec("message-content-type-changed", ERR, "messages", "A message's content type changed.",
          "Consumers decode the message with the old content type.",
          "{place}: content type changed from {old!r} to {new!r}"),
    _Spec("message-schema-format-changed", ERR, "messages",
          "A message's payload schema format changed (e.g. JSON Schema to Avro).",
          "Consumers and producers use serializers of the old format.",
          "{place}: {part} schema format changed from {old!r} to {new!r}"),
    _Spec("message-payload-not-comparable", ERR, "messages",
          "A payload or headers schema in a format govern cannot compare (Avro, RAML, protobuf...) changed.",
          "govern cannot decide whether the change is compatible, so it is treated as breaking.",
          "{place}: the {part} schema in format {format!r} changed; cannot decide, treated as breaking"),
    _Spec("message-key-changed", ERR, "bindings", "A Kafka message key schema changed.",
          "The key decides the partition: records of one entity may land in another partition, so "
          "per-key ordering breaks and consumers may fail to read the key.",
          "{place}: the Kafka message key changed ({what})"),
    _Spec("message-bindings-changed", WARN, "bindings", "A message's protocol bindings changed.",
          "Protocol-level message settings (encoding, message type, headers) that counterparts rely on changed.",
          "{place}: {protocol} binding {what}"),
    _Spec("message-correlation-id-changed", WARN, "messages", "Where a message's correlation id is read from changed.",
          "Counterparts that correlate messages look in the old place.",
          "{place}: correlation id {what}"),
    # --- the residue -------------------------------------------------------------------------
    _Spec("unclassified-change", INFO, "residue", "A change no other rule covers.",
          "Reported so no edit goes unseen; review it by hand.",
          "{path}: {what}"),
)


def _declare_all() -> dict[str, Rule]:
    return {
        s.id: declare(s.id, level=s.level, kind=KIND, description=s.description, area=s.area, why=s.why,
                      message=s.message)
        for s in _TABLE
    }


RULES: dict[str, Rule] = _declare_all()
