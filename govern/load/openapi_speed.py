"""Speed for openapi-spec-validator, through the extension points of the libraries it is built on.

openapi-spec-validator (0.9) walks the spec through jsonschema-path `SchemaPath`s. Every
`"key" in path`, `path.read_value()` and `path.keys()` resolves the path again from the nearest
cached prefix, each step going through pathable's runtime-checkable `Subscriptable` Protocol
(an `isinstance` that costs microseconds on Python 3.11), and its schema keyword validator
remembers the schemas it has seen in lists, so "seen already?" is a linear scan: quadratic on a
spec with tens of thousands of schemas. On the GitHub Enterprise Server description that was
most of the 10 s of the walk. The official-schema check (jsonschema) looks the same
`#/definitions/...` up through `referencing` again for every node of the document.

Nothing here validates anything itself; the library's validators do all the checking:

- `FastAccessor` is a jsonschema-path `SchemaAccessor` whose `get_resolved` keeps every
  resolved path (one dict entry per path, built from its parent's entry in one step, with
  `$ref`s followed by the library's own `SchemaNode._resolve_node`), and whose `_get_subnode`
  answers plain dicts and lists without the Protocol check;
- `IdList` is a list of schema ids with a set beside it, for the keyword validator's
  `visited_schema_ids` and `meta_checked_schema_ids` (same order, same answers);
- `fast_path` rebinds a `SchemaPath` to a `FastAccessor` over the same document and resolver;
- `fast_schema_validator` rebuilds the official-schema validator on a class made with
  jsonschema's `extend` whose `$ref` keyword remembers what each (immutable) resolver found for
  each ref, then descends exactly as jsonschema does, and whose `evolve` hands back the
  validator it already made for a subschema instead of building an equal one again;
- `fast_schema_checker` does the same for the per-schema meta-check of OpenAPI 3.0 schemas;
- `Prechecked` asks jsonschema-rs (compiled, the backend openapi-spec-validator itself offers)
  whether the whole document is valid against the official schema first, and runs the jsonschema
  validator only when it is not, so its error messages are the ones reported. jsonschema-rs is
  only ever stricter than jsonschema on these schemas (`$` before a final newline, non-string
  keys); a stricter "no" costs time, never an answer.

Each piece is used only when the installed libraries have the shape it was written for; else the
library runs unchanged (slower, same answers).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import cache, partial
from typing import Any


class IdList(list):  # type: ignore[type-arg]
    """A list of ints with O(1) membership: `in` and `append` are all the library uses."""

    def __init__(self, items: Iterable[int] = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def append(self, item: int) -> None:
        super().append(item)
        self._members.add(item)


def _accessor_class() -> type | None:
    """`FastAccessor`, or None when jsonschema-path is not the version it was written for."""
    try:
        from jsonschema_path.accessors import SchemaAccessor
        from jsonschema_path.nodes import SchemaNode
    except ImportError:  # pragma: no cover - other jsonschema-path layouts
        return None
    if not all(hasattr(SchemaAccessor, name) for name in ("get_resolved", "_get_subnode")):
        return None  # pragma: no cover
    if not hasattr(SchemaNode, "_resolve_node"):
        return None  # pragma: no cover

    resolve_node = SchemaNode._resolve_node

    class FastAccessor(SchemaAccessor):  # type: ignore[misc,valid-type]
        """A SchemaAccessor that resolves each path once, from its parent's resolution."""

        def __init__(self, schema: Any, resolver: Any) -> None:
            super().__init__(schema, resolver, resolved_cache_maxsize=0)
            self._resolved: dict[tuple[Hashable, ...], Any] = {}
            self._refs: dict[tuple[int, str], tuple[Any, Any]] = {}  # (resolver, ref) -> Resolved

        def _resolve(self, node: Any, resolver: Any) -> Any:
            """`SchemaNode._resolve_node`, remembering where each (immutable) resolver's lookup of
            each `$ref` ends up: one lookup per ref instead of one per path through it."""
            if type(node) is dict:
                ref = node.get("$ref")
                if type(ref) is str:
                    key = (id(resolver), ref)
                    hit = self._refs.get(key)
                    if hit is None or hit[0] is not resolver:  # kept alive with it: its id is its own
                        hit = self._refs[key] = (resolver, resolve_node(node, resolver))
                    return hit[1]
            return resolve_node(node, resolver)

        @classmethod
        def _get_subnode(cls, node: Any, part: Any) -> Any:
            # pathable's version, minus the Protocol isinstance for the two types JSON has.
            kind = type(node)
            if kind is dict or kind is list:
                try:
                    return node[part]
                except (KeyError, IndexError, TypeError) as exc:
                    raise KeyError(part) from exc
            return super()._get_subnode(node, part)

        def contains(self, parts: Sequence[Any], key: Any) -> bool:
            # The library's version for a plain dict (every `"allOf" in schema` of the keyword
            # walk), in one call instead of three.
            try:
                node = self.get_resolved(parts).contents
            except (KeyError, IndexError, TypeError):
                return False
            if type(node) is dict:
                return key in node
            return super().contains(parts, key)

        def get_resolved(self, parts: Sequence[Any]) -> Any:
            key = parts if type(parts) is tuple else tuple(parts)
            resolved = self._resolved.get(key)
            if resolved is not None:
                return resolved
            if not key:
                resolved = super().get_resolved(key)
                self._resolved[key] = resolved
                return resolved
            # Walk down from the longest resolved prefix (almost always the parent).
            depth = len(key) - 1
            while depth and key[:depth] not in self._resolved:
                depth -= 1
            current = self._resolved[key[:depth]] if depth else self.get_resolved(())
            for index in range(depth, len(key)):
                node = self._get_subnode(current.contents, key[index])
                current = self._resolve(node, current.resolver)
                self._resolved[key[: index + 1]] = current
            return current

    return FastAccessor


@cache
def fast_accessor_class() -> type | None:
    return _accessor_class()


def fast_path(path: Any) -> Any:
    """The root `path` rebound to a FastAccessor over the same document and ref resolver; any
    other path, or a path whose accessor is not jsonschema-path's SchemaAccessor, unchanged."""
    accessor_cls = fast_accessor_class()
    accessor: Any = getattr(path, "accessor", None)
    resolver = getattr(getattr(accessor, "_path_resolver", None), "resolver", None)
    if accessor_cls is None or resolver is None or isinstance(accessor, accessor_cls) or path.parts:
        return path
    return type(path)(accessor_cls(accessor.node, resolver), separator=path.separator)


# ---------------------------------------------------------------- jsonschema `$ref` lookups

_REF_MEMO: dict[tuple[int, str], tuple[Any, Any]] = {}
_REF_MEMO_LIMIT = 4096  # GHES needs about 230 (the validators are built once); past it, start afresh


def _memo_ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's `$ref` keyword, remembering what each resolver found for each ref.

    A `referencing.Resolver` is immutable, so one resolver looking up one ref always finds the
    same contents and the same next resolver; jsonschema looks the same `#/definitions/Schema`
    up again for every schema in the document. The descent is jsonschema's own."""
    resolver = validator._resolver
    if resolver is None or validator._ref_resolver is not None:  # the legacy RefResolver
        yield from _ORIGINAL_REF(validator, ref, instance, schema)
        return
    key = (id(resolver), ref)
    hit = _REF_MEMO.get(key)
    if hit is None or hit[0] is not resolver:  # the resolver is kept alive, so its id is its own
        try:
            resolved = resolver.lookup(ref)
        except Exception:  # let jsonschema raise what it raises
            yield from _ORIGINAL_REF(validator, ref, instance, schema)
            return
        if len(_REF_MEMO) >= _REF_MEMO_LIMIT:
            _REF_MEMO.clear()
        hit = _REF_MEMO[key] = (resolver, resolved)
    resolved = hit[1]
    yield from validator.descend(instance, resolved.contents, resolver=resolved.resolver)


def _original_ref() -> Any:
    try:
        from jsonschema import _keywords

        return _keywords.ref
    except (ImportError, AttributeError):  # pragma: no cover
        return None


_ORIGINAL_REF = _original_ref()


_MEMO_REF_CLASSES: dict[type, type] = {}


def memo_ref_class(cls: type) -> type:
    """`cls` extended (jsonschema's `extend`) with the remembering `$ref`, when `cls` uses
    jsonschema's own `$ref` keyword and referencing-based resolution; else `cls` itself."""
    if cls not in _MEMO_REF_CLASSES:
        _MEMO_REF_CLASSES[cls] = _memo_ref_class(cls)
    return _MEMO_REF_CLASSES[cls]


def _memo_ref_class(cls: type) -> type:
    import inspect

    from jsonschema.validators import extend

    validators = getattr(cls, "VALIDATORS", {})
    if _ORIGINAL_REF is None or validators.get("$ref") is not _ORIGINAL_REF:
        return cls
    descend = getattr(cls, "descend", None)
    if descend is None or "resolver" not in inspect.signature(descend).parameters:
        return cls  # pragma: no cover - jsonschema before referencing
    fast = extend(cls, {"$ref": _memo_ref})
    evolve = getattr(fast, "evolve", None)
    if evolve is not None:
        fast.evolve = _remembering_evolve(evolve)  # our own class (made by `extend`), not cls
    return fast  # type: ignore[no-any-return]


_EVOLVED: dict[tuple[int, int, int], tuple[Any, Any, Any, Any]] = {}
_EVOLVED_LIMIT = 1 << 16  # GHES needs about 2,000; past it, start afresh


def _remembering_evolve(evolve: Any) -> Any:
    """jsonschema's `evolve`, remembering the validator it made from each validator for each
    subschema (and resolver) when that is all that changes, as in every `descend` into a
    subschema and every `oneOf`/`anyOf` branch tried.

    jsonschema builds a new validator object for every schema it descends into, for every node
    of the document (780,000 on GHES, a quarter of the official-schema check). A validator's
    fields never change after it is built, so one built from the same validator with the same
    subschema and the same (immutable) resolver is interchangeable with a new one."""

    def remembering(self: Any, **changes: Any) -> Any:
        schema = changes.get("schema")
        if len(changes) == 2:
            resolver = changes.get("_resolver")
        elif len(changes) == 1:
            resolver = self._resolver  # what evolve copies when only the schema changes
        else:
            resolver = None
        if resolver is None or schema is None or schema is True or schema is False:
            return evolve(self, **changes)
        key = (id(self), id(schema), id(resolver))
        hit = _EVOLVED.get(key)
        if hit is not None and hit[0] is self and hit[1] is schema and hit[2] is resolver:
            return hit[3]  # the three are kept alive with the answer, so their ids are their own
        if len(_EVOLVED) >= _EVOLVED_LIMIT:
            _EVOLVED.clear()
        made = evolve(self, **changes)
        _EVOLVED[key] = (self, schema, resolver, made)
        return made

    return remembering


def fast_schema_validator(proxy: Any) -> Any:
    """The library's official-schema validator (a lazy proxy), rebuilt the way the library builds
    it (`validator_for(schema)(schema)`) on a remembering-`$ref` class; unchanged when it is not a
    jsonschema validator (e.g. the jsonschema-rs backend) or already has no defaults to keep."""
    validator = getattr(proxy, "__wrapped__", proxy)
    cls = type(validator)
    if not hasattr(cls, "VALIDATORS") or not hasattr(validator, "schema"):
        return proxy
    fast = memo_ref_class(cls)
    if fast is cls:
        return proxy
    if getattr(validator, "format_checker", None) is not None or getattr(validator, "_ref_resolver", None) is not None:
        return proxy  # built with options we would have to copy: keep the library's
    return fast(validator.schema)


class Prechecked:
    """An official-schema validator whose `iter_errors` yields nothing, without running, when
    jsonschema-rs finds the instance valid; it runs in full whenever jsonschema-rs says no,
    fails, or is not installed."""

    def __init__(self, validator: Any, compiled: Any) -> None:
        self.validator = validator
        self.compiled = compiled

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        if _compiled_says_valid(self.compiled, instance):
            return iter(())
        return iter(self.validator.iter_errors(instance))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.validator, name)


def _compiled_says_valid(compiled: Any, instance: Any) -> bool:
    """jsonschema-rs's "valid"; False for "invalid" and whenever it cannot answer (e.g. a
    non-string key from YAML), so that the Python check decides."""
    try:
        return bool(compiled.is_valid(instance))
    except Exception:  # noqa: BLE001 - any failure: the Python check decides
        return False


def prechecked(validator: Any, schema: Any, format_checker: Any = None) -> Any:
    """`validator` behind a jsonschema-rs pre-check of `schema`, or `validator` itself when
    jsonschema-rs is missing or cannot compile the schema (see `compiled_schema`)."""
    compiled = compiled_schema(schema, format_checker)
    return validator if compiled is None else Prechecked(validator, compiled)


def compiled_schema(schema: Any, format_checker: Any = None, resources: Any = ()) -> Any:
    """`schema` compiled by jsonschema-rs to answer as jsonschema would, or None.

    It never fetches a `$ref` (offline): `resources` ((uri, contents) pairs) are the only other
    documents it may read. Without a `format_checker` no format is checked, as the library's
    official-schema validator checks none. With one, every format `schema` or `resources` name
    is checked by that checker's own Python function (so `"format": "regex"` means Python's
    `re`, not jsonschema-rs's ECMA-262 dialect), and a format the checker does not know passes,
    as jsonschema lets it."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - an install without the optional speed-up
        return None
    resources = list(resources)
    options: dict[str, Any] = {"validate_formats": False}
    if format_checker is not None:
        known = getattr(format_checker, "checkers", {})
        names = _format_names([schema] + [contents for _, contents in resources])
        options = {
            "validate_formats": True,
            "formats": {
                name: partial(_conforms, format_checker, name) if name in known else _anything for name in names
            },
        }
    try:
        if resources:
            options["registry"] = jsonschema_rs.Registry(resources)
        return jsonschema_rs.validator_for(schema, offline=True, **options)
    except Exception:  # noqa: BLE001 # pragma: no cover - a schema it cannot compile offline
        return None


def _anything(value: Any) -> bool:
    return True


def _conforms(format_checker: Any, name: str, value: Any) -> bool:
    return bool(format_checker.conforms(value, name))


def _format_names(schema: Any) -> set[str]:
    """Every value of a `format` keyword in `schema` (and, harmlessly, of a property so named:
    it only gets a checker that is never asked)."""
    names: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                names.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


# ---------------------------------------------------------------- the per-schema meta-check


def fast_schema_checker(checker: Any) -> Any:
    """The library's meta-check of one schema, made faster; any other checker as is.

    - OpenAPI 3.0 (openapi-schema-validator's `check_openapi_schema` bound to a validator
      class): one metaschema validator, built once, on a remembering-`$ref` class, behind a
      jsonschema-rs pre-check. That validator checks against a copy of the metaschema without
      its top-level `$schema`: jsonschema picks the class that validates a `$ref`'d schema by
      its `$schema`, so at every `{"$ref": "#"}` it would go back to the plain class, which is
      the class the copy is validated with anyway (the class the `$schema` names, extended).
      The first error is raised as a SchemaError, as `check_openapi_schema` does.
    - OpenAPI 3.1/3.2 (the same function, given the dialect's format checker, for a dialect
      with dynamic references): jsonschema-rs pre-checks the schema against the same
      metaschema and the library's registry of dialect documents; the library's own check runs
      whenever it does not answer "valid"."""
    try:
        from openapi_schema_validator.validators import check_openapi_schema
    except ImportError:  # pragma: no cover - other openapi-schema-validator layouts
        return checker
    if getattr(checker, "__func__", None) is check_openapi_schema:
        validator = _metaschema_validator(checker.__self__)
        return checker if validator is None else partial(_check, validator)
    if (
        isinstance(checker, partial)
        and getattr(checker.func, "__func__", None) is check_openapi_schema
        and not checker.args
        and set(checker.keywords) == {"format_checker"}
    ):
        bound: Any = checker.func
        compiled = _dialect_precheck(bound.__self__, checker.keywords["format_checker"])
        return checker if compiled is None else partial(_precheck_then, compiled, checker)
    return checker


@cache
def _dialect_precheck(cls: Any, format_checker: Any) -> Any:
    """jsonschema-rs compiled for `cls.META_SCHEMA` with the library's registry and
    `format_checker` (built once per class and checker), or None."""
    try:
        from openapi_schema_validator._specifications import REGISTRY
    except ImportError:  # pragma: no cover
        return None
    meta = getattr(cls, "META_SCHEMA", None)
    if not isinstance(meta, dict) or format_checker is None:
        return None  # pragma: no cover - check_openapi_schema always gives one
    return compiled_schema(meta, format_checker, [(uri, REGISTRY.contents(uri)) for uri in REGISTRY])


def _precheck_then(compiled: Any, checker: Any, schema: Any) -> None:
    if not _compiled_says_valid(compiled, schema):
        checker(schema)


_METASCHEMA_VALIDATORS: dict[type, Any] = {}


def _metaschema_validator(cls: type) -> Any:
    if cls not in _METASCHEMA_VALIDATORS:
        _METASCHEMA_VALIDATORS[cls] = _build_metaschema_validator(cls)
    return _METASCHEMA_VALIDATORS[cls]


def _build_metaschema_validator(cls: Any) -> Any:
    from jsonschema.validators import (
        Draft4Validator,
        Draft6Validator,
        Draft7Validator,
        validator_for,
    )

    try:
        from openapi_schema_validator._specifications import REGISTRY
    except ImportError:  # pragma: no cover
        return None
    meta = getattr(cls, "META_SCHEMA", None)
    if not isinstance(meta, dict):
        return None  # pragma: no cover
    validator_class = validator_for(meta, default=cls)  # as check_openapi_schema picks it
    if validator_class not in (Draft4Validator, Draft6Validator, Draft7Validator):
        return None  # a dialect with dynamic references: the library's own check
    fast_class = memo_ref_class(validator_class)
    if fast_class is validator_class:
        return None  # pragma: no cover
    without_dialect = {key: value for key, value in meta.items() if key != "$schema"}
    validator = fast_class(without_dialect, format_checker=cls.FORMAT_CHECKER, registry=REGISTRY)
    return prechecked(validator, meta, cls.FORMAT_CHECKER)


def _check(validator: Any, schema: Any) -> None:
    from jsonschema.exceptions import SchemaError

    for error in validator.iter_errors(schema):
        raise SchemaError.create_from(error)
