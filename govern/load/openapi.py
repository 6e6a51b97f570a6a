"""OpenAPI 3.0/3.1 documents: version detection and openapi-spec-validator, with no network.

The validator resolves `$ref`s through handlers that serve only the files RefResolver already
loaded (and checked), so it can neither fetch nor read anything else. Its keyword validators
are wrapped to prefix each error's path with the spec path being checked, which is how errors
about a parameter or a schema in another file still get a file:line.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from govern.errors import InputError
from govern.load.jsonschema import summarize
from govern.load.model import Contract, Document, Limits, Problem
from govern.load.refs import RefResolver, load_tree

RULE_INVALID = "openapi-invalid"
_VERSION = re.compile(r"^3\.(\d+)\.\d+(-.+)?$")
_VALIDATORS = {0: "OpenAPIV30SpecValidator", 1: "OpenAPIV31SpecValidator", 2: "OpenAPIV32SpecValidator"}


def openapi_version(doc: Document) -> str:
    """The document's `openapi` version string; InputError for Swagger 2.0 or unsupported versions."""
    data = doc.data
    if isinstance(data, dict) and "swagger" in data and "openapi" not in data:
        raise InputError(
            doc.path,
            "Swagger 2.0 is not supported; convert to OpenAPI 3 (e.g. with swagger2openapi)",
            line=doc.source.locate("/swagger").line,
        )
    version = data.get("openapi") if isinstance(data, dict) else None
    # The line of `/openapi` is looked up only for an error: on a large JSON file that builds
    # the whole line table.
    if not isinstance(version, str):
        raise InputError(
            doc.path,
            f"`openapi` must be a version string such as \"3.1.0\", not {version!r}",
            line=doc.source.locate("/openapi").line,
        )
    match = _VERSION.match(version)
    if not match or int(match.group(1)) not in _VALIDATORS:
        raise InputError(
            doc.path, f"OpenAPI {version} is not supported; use 3.0.x or 3.1.x", line=doc.source.locate("/openapi").line
        )
    return version


def minor(version: str) -> str:
    """`3.1` for `3.1.0`."""
    return ".".join(version.split(".")[:2])


def load_openapi(root: Document, *, limits: Limits, boundary: str | None = None, validate: bool = True) -> Contract:
    """An OpenAPI contract: the root, every file its refs reach, and its spec violations as Problems.

    `validate=False` skips openapi-spec-validator, for a document another process has just
    validated (see govern.diff.run.diff_specs); references are still resolved and checked."""
    version = openapi_version(root)
    enabled = gc.isenabled()
    gc.disable()  # indexing and validating allocate a lot and free it all by reference counting
    try:
        resolver = load_tree(root, limits, boundary=boundary, use_ids=not version.startswith("3.0"))
        contract = Contract("openapi", root.path, version, root, dict(resolver.documents))
        resolver.attach(contract)
        contract.problems = validate_openapi(version, resolver, root.path) if validate else []
    finally:
        if enabled:
            gc.enable()
    return contract


def validate_openapi(version: str, resolver: RefResolver, root: str) -> list[Problem]:
    """Every openapi-spec-validator error as a Problem with file:line.

    The same bytes validated before with the same libraries are not validated again: see
    govern/load/verdicts.py (only "no problems" verdicts are kept)."""
    from govern.load import verdicts

    verdict = _verdict_key(version, resolver, root)
    if verdict is not None and verdicts.known_valid(verdict):
        return []
    problems = _run_validator(version, resolver, root)
    if verdict is not None and not problems:
        verdicts.remember_valid(verdict)
    return problems


def known_valid(contract: Contract) -> bool:
    """True when this contract's exact files passed openapi-spec-validator before (so
    `validate_openapi` would answer "no problems" without running it)."""
    from govern.load import verdicts

    verdict = _verdict_key(contract.version, RefResolver.of(contract), contract.path)
    return verdict is not None and verdicts.known_valid(verdict)


def _verdict_key(version: str, resolver: RefResolver, root: str) -> str | None:
    from govern.load import verdicts

    files = [(path, doc.digest) for path, doc in resolver.documents.items()]
    return verdicts.key("openapi", version, root, files) if all(d for _, d in files) else None


def _run_validator(version: str, resolver: RefResolver, root: str) -> list[Problem]:
    from jsonschema_path import SchemaPath
    from referencing.exceptions import Unresolvable

    cls = _tracking_validator(int(version.split(".")[1]))
    base_uri = Path(os.path.abspath(root)).as_uri()
    spec = SchemaPath.from_dict(resolver.documents[root].data, base_uri=base_uri, handlers=_Handlers(resolver))
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    errors = cls(spec).iter_errors()
    try:
        while True:
            try:
                error = next(errors)
            except StopIteration:
                break
            except (InputError, RecursionError, Unresolvable):
                raise
            except Exception as exc:  # the keyword checks assume a structurally valid document
                if problems:
                    break
                raise InputError(root, f"openapi-spec-validator failed: {type(exc).__name__}: {exc}") from None
            path, message = summarize(error)
            location = resolver.locate_path(root, path)
            key = (f"{location.file}#{location.pointer}", message)
            if key not in seen:
                seen.add(key)
                problems.append(Problem(RULE_INVALID, message, location))
    except RecursionError:
        raise InputError(root, "document nested too deeply to validate") from None
    except Unresolvable as exc:
        raise InputError(root, f"cannot resolve {exc}") from None
    finally:
        cache = getattr(getattr(cls.iter_errors, "__wrapped__", None), "cache_clear", None)
        if cache:
            cache()
    return problems



def _url_path(path: str) -> str:
    """The file path of a file: URL's path (urllib.request.url2pathname, without importing
    urllib.request and its HTTP, SSL and e-mail modules: ~30 ms)."""
    if os.name == "nt":
        from nturl2path import url2pathname

        return url2pathname(path)
    return unquote(path)


class _Handlers(dict):  # type: ignore[type-arg]
    """Ref handlers for every URI scheme: serve loaded files, refuse everything else."""

    def __init__(self, resolver: RefResolver) -> None:
        super().__init__()
        self._resolver = resolver
        self._by_realpath: dict[str, Any] | None = None

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> Any:
        return self._serve

    def get(self, scheme: str, default: Any = None) -> Any:
        return self._serve

    def _serve(self, uri: str) -> Any:
        parts = urlsplit(uri)
        if parts.scheme == "file":
            real = os.path.realpath(_url_path(parts.path))
            if self._by_realpath is None:  # asked at every lookup into another file: index once
                self._by_realpath = {}
                for key, doc in self._resolver.documents.items():
                    self._by_realpath.setdefault(os.path.realpath(key), doc.data)
            if real in self._by_realpath:
                return self._by_realpath[real]
        raise LookupError(f"{uri} is not a loaded file; refusing to fetch it")


@cache
def _tracking_validator(minor_version: int, fast: bool = True) -> Any:
    """The spec validator class for 3.<minor>, its keyword validators made path-aware.

    `fast` (the default): the keyword walk resolves each spec path once and looks the schemas it
    has seen up in O(1), and the official-schema check remembers its `$ref` lookups
    (govern/load/openapi_speed.py). The library's validators do all the checking either way,
    and report the same errors in the same order."""
    import openapi_spec_validator

    base = getattr(openapi_spec_validator, _VALIDATORS[minor_version])
    keywords = {name: _path_aware(kw, fast) for name, kw in base.keyword_validators.items()}
    members: dict[str, Any] = {"keyword_validators": keywords}
    schema, official = _official_schema_validator(minor_version, base)
    members["schema_validator"] = official
    if fast:
        from govern.load.openapi_speed import fast_path, fast_schema_validator, prechecked

        def __init__(self: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
            base.__init__(self, fast_path(schema), *args, **kwargs)  # type: ignore[misc]

        members["__init__"] = __init__
        members["schema_validator"] = fast_schema_validator(official)
        if schema is not None:
            members["schema_validator"] = prechecked(members["schema_validator"], schema)
    return type(f"Govern{base.__name__}", (base,), members)


def _official_schema_validator(minor_version: int, base: Any) -> tuple[Any, Any]:
    """(the official schema, its jsonschema validator) as the library's jsonschema backend
    builds it. The library's own choice (its "auto" backend) would be jsonschema-rs whenever that
    is installed, whose errors carry no context for the messages govern reports; govern asks
    jsonschema-rs only whether a document is valid (openapi_speed.Prechecked)."""
    try:
        from openapi_spec_validator import schemas
        from openapi_spec_validator.schemas.backend.jsonschema import create_validator
    except ImportError:  # pragma: no cover - openapi-spec-validator before its backends (0.8)
        return None, base.schema_validator
    schema = dict(getattr(schemas, f"schema_v3{minor_version}"))
    return schema, create_validator(schema)


def _path_aware(cls: type, fast: bool = True) -> type:
    """Subclass a keyword validator so errors it yields get the spec path prefixed to their path.

    `fast`: its lists of the schemas it has seen get O(1) membership (same contents, same answers),
    and the schema keyword's meta-check reuses one metaschema validator."""
    from jsonschema_path import SchemaPath

    from govern.load.openapi_speed import IdList, fast_schema_checker

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]
        for name in ("visited_schema_ids", "meta_checked_schema_ids"):
            seen = getattr(self, name, None)
            if type(seen) is list:
                setattr(self, name, IdList(seen))

    def __call__(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        where = next((a for a in args if isinstance(a, SchemaPath)), None)
        for error in cls.__call__(self, *args, **kwargs):
            if where is not None and not getattr(error, "_govern_placed", False):
                error.path.extendleft(reversed(where.parts))
                error._govern_placed = True
            yield error

    def _get_schema_checker(self: Any, *args: Any) -> Any:
        return fast_schema_checker(cls._get_schema_checker(self, *args))  # type: ignore[attr-defined]

    members: dict[str, Any] = {"__call__": __call__}
    if fast:
        members["__init__"] = __init__
        if hasattr(cls, "_get_schema_checker"):  # the schema keyword: its meta-check, made faster
            members["_get_schema_checker"] = _get_schema_checker
    return type(cls.__name__, (cls,), members)
