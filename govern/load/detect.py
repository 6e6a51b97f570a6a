"""Which kind of contract a path holds, finding contracts in a directory, and the one entry point."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from govern.errors import InputError
from govern.load.model import Contract, Document, Limits, Problem

# govern.load.files (the YAML/JSON reader) is imported where it is used: a .proto contract
# needs none of it.

MODES = ("strict", "collect")
NOT_A_CONTRACT = "not a contract: expected an OpenAPI, AsyncAPI, JSON Schema or .proto file"
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
SCHEMA_HINTS = frozenset(
    {"properties", "items", "$defs", "definitions", "allOf", "anyOf", "oneOf", "$ref", "enum", "required",
     "additionalProperties", "patternProperties", "const", "$id"}
)
_YAML_TOP_KEY = re.compile(r"""^["']?(openapi|asyncapi|swagger|\$schema)["']?\s*:\s*(.*)$""", re.MULTILINE)
_JSON_TOP_KEY = re.compile(r'"(openapi|asyncapi|swagger)"\s*:')


def detect_kind(doc: Document) -> str:
    """`openapi`, `asyncapi` or `jsonschema` for a parsed document; InputError for anything else."""
    data = doc.data
    if isinstance(data, dict):
        if "openapi" in data or "swagger" in data:
            return "openapi"
        if "asyncapi" in data:
            return "asyncapi"
        if _declares_json_schema(data) or looks_like_schema(data):
            return "jsonschema"
    raise InputError(doc.path, NOT_A_CONTRACT)


def _declares_json_schema(data: dict[str, Any]) -> bool:
    dialect = data.get("$schema")
    return isinstance(dialect, str) and "json-schema.org" in dialect


def looks_like_schema(data: dict[str, Any]) -> bool:
    """A JSON Schema without `$schema`: a JSON type (or `$defs`) plus schema keywords at the top."""
    kind = data.get("type")
    typed = kind in JSON_TYPES if isinstance(kind, str) else (
        isinstance(kind, list) and bool(kind) and all(k in JSON_TYPES for k in kind)
    )
    keys = data.keys() & SCHEMA_HINTS
    return (typed and (bool(keys) or len(data) <= 3)) or ("$defs" in data and len(keys) > 0)


def _walk(directory: str) -> Any:
    for here, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        yield here, dirs, sorted(names)


_PACKAGE = re.compile(rb"^\s*package\s+([\w.]+)\s*;", re.MULTILINE)


def proto_roots(directory: str) -> list[str]:
    """Import roots of the .proto files under `directory`, outermost first.

    A folder with a buf.yaml is a root. Otherwise a file in `<root>/acme/orders/v1/` declaring
    `package acme.orders.v1;` has root `<root>`; a file whose folder does not end with its
    package path is rooted in its own folder. Roots inside another root are dropped.
    """
    roots: set[str] = set()
    for here, dirs, names in _walk(directory):
        if "buf.yaml" in names:
            roots.add(here)
            dirs[:] = []
            continue
        for name in names:
            if name.endswith(".proto"):
                roots.add(_proto_root_of(os.path.join(here, name)))
    outer: list[str] = []
    for root in sorted(roots, key=lambda r: (len(r), r)):
        if not any(os.path.commonpath([root, o]) == o for o in outer):
            outer.append(root)
    return sorted(outer)


def _proto_root_of(path: str) -> str:
    folder = os.path.dirname(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return folder
    match = _PACKAGE.search(head)
    if not match:
        return folder
    suffix = os.path.join(*match.group(1).decode("ascii", "replace").split("."))
    norm = os.path.normpath(folder)
    if norm == suffix:
        return "."
    if norm.endswith(os.sep + suffix):
        return norm[: -len(suffix) - 1]
    return folder


def _sniff(path: str, limits: Limits) -> str | None:
    """The contract kind a YAML/JSON file declares at its top level, without loading it fully."""
    from govern.load.files import read_text

    try:
        text = read_text(path, limits)
    except InputError:
        return None
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            hit = _JSON_TOP_KEY.search(text)
            return hit.group(1) if hit else None
        if not isinstance(data, dict):
            return None
        for key in ("openapi", "swagger", "asyncapi"):
            if key in data:
                return key
        return "jsonschema" if _declares_json_schema(data) else None
    for match in _YAML_TOP_KEY.finditer(text):
        key, value = match.group(1), match.group(2)
        if key != "$schema":
            return key
        if "json-schema.org" in value:
            return "jsonschema"
    return None


def discover(directory: str, limits: Limits = Limits()) -> list[str]:
    """Contract files under `directory`, sorted: OpenAPI 3, AsyncAPI and `$schema`-declaring JSON
    Schema files, plus one directory per proto import root (see `proto_roots`). Skips hidden
    folders, node_modules and virtualenvs, and Swagger 2.0 files, which govern cannot load."""
    from govern.load.files import JSON_SUFFIXES, YAML_SUFFIXES, safe_path

    safe_path(directory, kind="dir")
    found: list[str] = []
    seen = 0
    for here, _, names in _walk(directory):
        for name in names:
            if not name.lower().endswith(YAML_SUFFIXES + JSON_SUFFIXES):
                continue
            seen += 1
            if seen > limits.max_files:
                raise InputError(directory, f"more than {limits.max_files} YAML/JSON files to inspect")
            path = os.path.join(here, name)
            if _sniff(path, limits) in ("openapi", "asyncapi", "jsonschema"):
                found.append(path)
    found += proto_roots(directory)
    return sorted(found)


def load_contract(
    path: str,
    *,
    mode: str = "strict",
    limits: Limits = Limits(),
    import_paths: list[str] | None = None,
    ref_root: str | None = None,
    validate: bool = True,
) -> Contract:
    """Load and validate the contract at `path` (file or directory).

    mode "strict": any Problem raises InputError (for diff/generate); "collect": Problems are
    returned in `contract.problems` (for lint). Unreadable, hostile or unresolvable input always
    raises InputError. `ref_root` bounds where relative `$ref`s may lead (default: the git work
    tree of the file, or its folder). `validate=False` skips only the OpenAPI specification check
    (for a document validated elsewhere); parsing, references and every other kind are unchanged.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    from govern.load.files import safe_path

    safe_path(path, kind="any")
    contract = _load_any(path, limits, import_paths, ref_root, validate)
    _settle(contract, mode)
    return contract


def _settle(contract: Contract, mode: str) -> None:
    """Sort the contract's problems; in strict mode, raise the first as an InputError."""
    contract.problems.sort(key=_problem_key)
    if mode == "strict" and contract.problems:
        raise strict_error(contract)


def _load_any(
    path: str, limits: Limits, import_paths: list[str] | None, ref_root: str | None, validate: bool = True
) -> Contract:
    if os.path.isdir(path):
        return _load_dir(path, limits, import_paths, ref_root, validate)
    if path.endswith(".proto"):
        from govern.load.proto import load_proto

        return load_proto(path, import_paths=import_paths, limits=limits)
    from govern.load.files import load_document

    doc = load_document(os.path.normpath(path), limits)
    kind = detect_kind(doc)
    if kind == "openapi":
        from govern.load.openapi import load_openapi

        return load_openapi(doc, limits=limits, boundary=ref_root, validate=validate)
    if kind == "asyncapi":
        from govern.load.asyncapi import load_asyncapi

        return load_asyncapi(doc, limits=limits, boundary=ref_root)
    from govern.load.jsonschema import load_jsonschema

    return load_jsonschema(doc, limits=limits, boundary=ref_root)


def _load_dir(
    path: str, limits: Limits, import_paths: list[str] | None, ref_root: str | None, validate: bool = True
) -> Contract:
    found = discover(path, limits)
    files = [f for f in found if not os.path.isdir(f)]
    if not found:
        raise InputError(path, f"no contracts found in {path}")
    if not files and len(found) == 1:
        from govern.load.proto import load_proto

        return load_proto(found[0], import_paths=import_paths, limits=limits)
    if len(found) == 1:
        return _load_any(found[0], limits, import_paths, ref_root, validate)
    shown = ", ".join(os.path.relpath(f, path) for f in found[:5]) + (", ..." if len(found) > 5 else "")
    raise InputError(path, f"holds {len(found)} contracts ({shown}); name the one to use")


def label(contract: Contract) -> str:
    """`OpenAPI 3.1`, `AsyncAPI 3.0.0`, `JSON Schema draft-07`, `protobuf`."""
    if contract.kind == "openapi":
        return "OpenAPI " + ".".join(contract.version.split(".")[:2])
    if contract.kind == "asyncapi":
        return f"AsyncAPI {contract.version}"
    if contract.kind == "jsonschema":
        return f"JSON Schema {contract.version}".strip()
    return "protobuf"


def validate_loaded(contract: Contract) -> None:
    """Finish a strict load made with `validate=False`: run the OpenAPI specification check
    and raise what `load_contract(mode="strict")` would have raised (other kinds were checked
    in full when loaded)."""
    if contract.kind != "openapi":
        return
    from govern.load.openapi import validate_openapi
    from govern.load.refs import RefResolver

    contract.problems = validate_openapi(contract.version, RefResolver.of(contract), contract.path)
    _settle(contract, "strict")


def strict_error(contract: Contract) -> InputError:
    """The InputError for the first Problem of a contract (by file and line)."""
    first = min(contract.problems, key=_problem_key)
    loc = first.location
    more = len(contract.problems) - 1
    tail = f" (and {more} more problem{'s' if more != 1 else ''}; `govern lint` lists them all)" if more else ""
    return InputError(
        loc.file or contract.path,
        f"invalid {label(contract)} document: {first.message}{tail}",
        line=loc.line,
        col=loc.col,
        pointer=loc.pointer,
    )


def _problem_key(problem: Problem) -> tuple[str, int, int]:
    loc = problem.location
    return (loc.file or "", loc.line or 0, loc.col or 0)
