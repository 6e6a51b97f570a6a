"""Validity rules: a readable contract that breaks its own specification."""

from __future__ import annotations

from govern.rules.finding import Level
from govern.rules.registry import declare

KIND = "lint"

declare(
    "openapi-invalid",
    level=Level.ERR,
    kind=KIND,
    area="validity",
    description="The document does not conform to the OpenAPI 3.0/3.1 specification (openapi-spec-validator).",
    why="Tools that consume the contract (generators, gateways, validators) reject or misread it.",
)
declare(
    "asyncapi-invalid",
    level=Level.ERR,
    kind=KIND,
    area="validity",
    description="The document does not conform to the official AsyncAPI JSON Schema of its version.",
    why="AsyncAPI tooling (generators, brokers' validators, docs) rejects or misreads it.",
)
declare(
    "jsonschema-invalid",
    level=Level.ERR,
    kind=KIND,
    area="validity",
    description="A JSON Schema (file or message payload) does not conform to its draft's metaschema.",
    why="Validators disagree on what an invalid schema accepts; producers and consumers drift.",
)
declare(
    "proto-compiler-warning",
    level=Level.WARN,
    kind=KIND,
    area="validity",
    description="protoc compiled the file but warned (e.g. an unused import).",
    why="Warnings usually point at dead code or a mistake that a later change turns into an error.",
)
