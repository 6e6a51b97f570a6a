"""What the loaders hand to every later stage: a validated, normalized contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govern.rules.finding import Location

KINDS = ("openapi", "asyncapi", "jsonschema", "proto")


@dataclass(frozen=True)
class Limits:
    """Caps that keep hostile input bounded. All are configurable from the CLI/config."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_alias_expansions: int = 10_000
    max_depth: int = 500
    max_files: int = 20_000
    allow_remote_refs: bool = False


@dataclass
class SourceMap:
    """Maps JSON pointers of one parsed file to 1-based (line, col).

    `lines` may be filled eagerly (YAML) or computed on first use by `resolver` (large JSON).
    """

    file: str
    lines: dict[str, tuple[int, int]] | None = None
    resolver: Any = None  # callable() -> dict[str, tuple[int, int]]

    def _table(self) -> dict[str, tuple[int, int]]:
        if self.lines is None:
            self.lines = self.resolver() if self.resolver else {}
        return self.lines

    def locate(self, pointer: str) -> Location:
        """Location of `pointer`, falling back to the nearest ancestor that has a line."""
        table = self._table()
        p = pointer
        while True:
            if p in table:
                line, col = table[p]
                return Location(self.file, line, col, pointer)
            if not p:
                return Location(self.file, None, None, pointer)
            p = p.rsplit("/", 1)[0] if "/" in p else ""


@dataclass
class Document:
    """One parsed YAML/JSON file: its data and where each node came from."""

    path: str  # as given / as displayed
    data: Any
    source: SourceMap
    digest: str = ""  # SHA-256 of the text it was parsed from (keys the validation cache)


@dataclass
class Problem:
    """A specification violation in a readable contract (lint reports it; diff refuses it)."""

    rule_id: str
    message: str
    location: Location


@dataclass
class Contract:
    """A loaded contract of one kind.

    - openapi/asyncapi/jsonschema: `document` is the root file; `documents` holds every file
      reached through relative `$ref`s (keyed by resolved path); `data` is the root's data.
    - proto: `descriptors` is a google.protobuf.descriptor_pb2.FileDescriptorSet with source
      info, `files` the .proto paths relative to the import root(s).
    """

    kind: str
    path: str
    version: str = ""
    document: Document | None = None
    documents: dict[str, Document] = field(default_factory=dict)
    descriptors: Any = None
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refs: Any = field(default=None, repr=False)  # govern.load.refs.RefResolver, built on demand

    @property
    def data(self) -> Any:
        return self.document.data if self.document else None

    def locate(self, pointer: str, file: str | None = None) -> Location:
        doc = self.documents.get(file) if file else self.document
        if doc is None:
            return Location(file or self.path, None, None, pointer)
        return doc.source.locate(pointer)
