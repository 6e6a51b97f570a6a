"""Plain JSON Schema files: metaschema check with all errors as Problems, refs via RefResolver.

The dialect comes from `$schema` (draft-04/06/07, 2019-09, 2020-12); without one, draft-07 is
assumed, the most common dialect in the wild and the one AsyncAPI payloads use. Metaschemas come
from jsonschema-specifications; nothing is ever fetched.

Also shared with the AsyncAPI loader: error summaries (`summarize`, `problems_from`) and the
`$ref` memo (`memo_validator_class`, `memo_errors`) that makes big documents fast to validate.
"""

from __future__ import annotations

import reprlib
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from govern.errors import InputError
from govern.load.model import Contract, Document, Limits, Problem
from govern.load.refs import RefResolver, load_tree

RULE_INVALID = "jsonschema-invalid"
_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxdict = 4
_SHORT.maxlist = 4
_SHORT.maxlevel = 2


def safe_registry() -> Any:
    """A `referencing` registry that knows the standard metaschemas and never fetches anything."""
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    return Registry(retrieve=refuse)  # type: ignore[call-arg]


def validator_class(schema: Any, default: Any = None) -> Any:
    """The jsonschema validator class for `schema`'s `$schema` (`default`, else draft-07, when absent)."""
    from jsonschema import Draft7Validator
    from jsonschema.validators import validator_for

    fallback = default or Draft7Validator
    if isinstance(schema, dict) and not isinstance(schema.get("$schema", ""), str):
        return fallback
    return validator_for(schema, default=fallback)


_DIALECTS = {
    "Draft3Validator": "draft-03",
    "Draft4Validator": "draft-04",
    "Draft6Validator": "draft-06",
    "Draft7Validator": "draft-07",
    "Draft201909Validator": "2019-09",
    "Draft202012Validator": "2020-12",
}


def dialect_name(cls: Any) -> str:
    """`draft-07`, `2020-12`, ... for a jsonschema validator class."""
    return str(_DIALECTS.get(cls.__name__, cls.__name__))


def short_repr(value: Any) -> str:
    return _SHORT.repr(value)


def summarize(error: Any) -> tuple[list[Any], str]:
    """The most telling leaf of a jsonschema error tree: (absolute path, one-line message).

    oneOf/anyOf failures are followed into the branch that got furthest (deepest error, not a
    mere type mismatch, not a `$ref`-less Reference branch); when branches tie and all fail on
    enum/const at one place, their allowed values are merged into one message.
    """
    best = error
    while best.context:
        chosen = _pick_branch(best)
        if chosen is None:
            break
        best = chosen
    message = best.message
    path = list(best.absolute_path)
    if best.validator in ("oneOf", "anyOf") and best.context:
        merged = _merged_enum(best)
        path, message = merged if merged else (path, _ambiguous(best))
    else:
        big = repr(best.instance)
        if len(big) > 80 and big in message:
            message = message.replace(big, short_repr(best.instance))
    if len(message) > 300:
        message = message[:297] + "..."
    if path and isinstance(path[-1], str) and isinstance(best.validator, str):
        message = f"{path[-1]}: {message}"
    return path, " ".join(message.split())


def _branches(error: Any) -> list[list[Any]]:
    groups: dict[Any, list[Any]] = {}
    for sub in error.context:
        groups.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else None, []).append(sub)
    return list(groups.values())


def _rank(errors: list[Any]) -> tuple[int, bool, int]:
    return (
        max(len(e.absolute_path) for e in errors),
        not all(e.validator == "type" for e in errors),
        -len(errors),
    )


def _is_reference_miss(errors: list[Any], instance: Any) -> bool:
    return isinstance(instance, dict) and "$ref" not in instance and any(
        e.validator == "required" and "$ref" in (e.validator_value or []) for e in errors
    )


def _pick_branch(error: Any) -> Any:
    """The best error inside the most promising branch of a oneOf/anyOf/allOf failure, or None."""
    from jsonschema.exceptions import best_match

    branches = _branches(error)
    if len(branches) > 1:
        branches = [b for b in branches if not _is_reference_miss(b, error.instance)] or branches
    ranked = sorted(branches, key=_rank, reverse=True)
    if len(ranked) > 1 and _rank(ranked[0]) == _rank(ranked[1]):
        return None
    return best_match(ranked[0])


def _merged_enum(error: Any) -> tuple[list[Any], str] | None:
    """When every branch fails an enum/const at one same place, one message with all allowed values."""
    allowed: list[Any] = []
    paths: set[tuple[Any, ...]] = set()
    instance: Any = None
    for branch in _branches(error):
        hits = [e for e in branch if e.validator in ("enum", "const") and not e.context]
        if not hits:
            return None
        for hit in hits:
            paths.add(tuple(hit.absolute_path))
            instance = hit.instance
            values = hit.validator_value if hit.validator == "enum" else [hit.validator_value]
            allowed += [v for v in values if v not in allowed]
    if len(paths) != 1:
        return None
    shown = short_repr(allowed) if len(allowed) > 12 else repr(allowed)
    return list(paths.pop()), f"{short_repr(instance)} is not one of {shown}"


def _ambiguous(error: Any) -> str:
    from jsonschema.exceptions import best_match

    hint = best_match(error.context)
    tail = f" (e.g. {hint.message})" if hint is not None and len(hint.message) < 120 else ""
    return f"{short_repr(error.instance)} does not match any of the allowed shapes{tail}"


class _Run(threading.local):
    """State of the current `memo_errors` run in this thread (`shapes` is None outside one)."""

    def __init__(self) -> None:
        # id(container of the instance) -> shape number (see shape_ids)
        self.shapes: dict[int, int] | None = None
        # id(schema holding a `$ref`) -> (that schema, its resolved target)
        self.targets: dict[int, tuple[Any, Any]] = {}
        # (id(target schema), instance shape) -> (instance, its errors under the target)
        self.pairs: dict[tuple[int, Any], tuple[Any, list[Any]]] = {}


_RUN = _Run()


def shape_ids(data: Any) -> dict[int, int]:
    """id(container) -> a number shared by all containers of `data` that look the same.

    Same shape: same type, same keys in the same order, nested containers of the same shape and
    scalars of the same type and repr, so validation errors (whose messages quote reprs) are alike.
    Iterative (no recursion); shared nodes (YAML aliases) are walked once.
    """
    shapes: dict[Any, int] = {}
    ids: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in ids or not isinstance(node, (dict, list)):
            continue
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if not children_done:
            stack.append((node, True))
            stack += [(value, False) for _, value in items if isinstance(value, (dict, list))]
            continue
        shape = (type(node), tuple((_scalar(key), ids[id(value)] if isinstance(value, (dict, list))
                                    else _scalar(value)) for key, value in items))
        ids[id(node)] = shapes.setdefault(shape, len(shapes))
    return ids


def _scalar(value: Any) -> Any:
    # str is kept as is; others by type and repr (True, 1, 1.0, 0.0 and -0.0 all differ).
    return value if type(value) is str else (type(value), repr(value))


def _copy_error(error: Any) -> Any:
    """A fresh copy of a jsonschema error and its context tree (callers prepend paths in place)."""
    return type(error)(
        error.message, validator=error.validator, path=error.relative_path, cause=error.cause,
        context=[_copy_error(sub) for sub in error.context], validator_value=error.validator_value,
        instance=error.instance, schema=error.schema, schema_path=error.relative_schema_path,
        type_checker=error._type_checker,
    )


@cache
def memo_validator_class(cls: Any) -> Any:
    """`cls` with a `$ref` that, inside `memo_errors`, checks each (target, instance shape) pair once.

    The official AsyncAPI schemas recurse through `$ref`s and re-check every nested payload schema
    against the draft-07 definitions once per enclosing level; with the memo each subtree is checked
    once per target and later visits replay copies of the same errors (same messages, same relative
    paths). Only for draft-04/06/07, whose `$ref` has no dynamic scope.
    """
    from jsonschema.validators import extend
    from referencing.exceptions import Unresolvable

    if "$dynamicRef" in cls.VALIDATORS or "$recursiveRef" in cls.VALIDATORS:
        raise ValueError(f"{cls.__name__} has dynamic references; the `$ref` memo would be unsound")
    plain_ref = cls.VALIDATORS["$ref"]

    def memo_ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[Any]:
        shapes = _RUN.shapes
        if shapes is None:
            yield from plain_ref(validator, ref, instance, schema)
            return
        # A `$ref` in a given schema object always means the same target (no dynamic scope), so it
        # is looked up once per run; the schema is kept alive so its id is not reused.
        target = _RUN.targets.get(id(schema))
        if target is None:
            try:
                target = _RUN.targets[id(schema)] = (schema, validator._resolver.lookup(ref))
            except Unresolvable:
                yield from plain_ref(validator, ref, instance, schema)  # jsonschema's own error
                return
        resolved = target[1]
        # Scalars (cheap) and containers made during validation are keyed by identity.
        key = (id(resolved.contents), shapes.get(id(instance), ("id", id(instance))))
        pair = _RUN.pairs.get(key)
        if pair is None:
            errors = list(validator.descend(instance, resolved.contents, resolver=resolved.resolver))
            pair = _RUN.pairs[key] = (instance, errors)  # the instance is kept alive: ids stay unique
        for error in pair[1]:
            yield _copy_error(error)  # the caller prepends its paths to the copy

    return extend(cls, {"$ref": memo_ref})


def memo_errors(validator: Any, instance: Any) -> list[Any]:
    """All errors of `instance` under `validator` (of a `memo_validator_class`), memo on."""
    saved = (_RUN.shapes, _RUN.targets, _RUN.pairs)
    _RUN.shapes, _RUN.targets, _RUN.pairs = shape_ids(instance), {}, {}
    try:
        return list(validator.iter_errors(instance))
    finally:
        _RUN.shapes, _RUN.targets, _RUN.pairs = saved


def metaschema_errors(schema: Any, default: Any = None) -> Iterator[Any]:
    """All errors of `schema` against the metaschema of its dialect (`default` when it has no `$schema`)."""
    cls = validator_class(schema, default)
    meta = cls.META_SCHEMA
    meta_cls = validator_class(meta)
    validator = meta_cls(meta, registry=safe_registry(), format_checker=cls.FORMAT_CHECKER)
    yield from validator.iter_errors(schema)


def problems_from(
    errors: Iterable[Any], resolver: RefResolver, file: str, rule_id: str, base: list[Any] | None = None
) -> list[Problem]:
    """One Problem per distinct (location, message), located through `resolver`."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        path, message = summarize(error)
        location = resolver.locate_path(file, (base or []) + path)
        key = (location.short() + str(location.pointer), message)
        if key not in seen:
            seen.add(key)
            out.append(Problem(rule_id, message, location))
    return out


def load_jsonschema(root: Document, *, limits: Limits, boundary: str | None = None) -> Contract:
    """A JSON Schema file (plus files its refs reach), checked against its metaschema."""
    if not isinstance(root.data, (dict, bool)):
        raise InputError(root.path, "a JSON Schema must be an object or a boolean")
    cls = validator_class(root.data)
    resolver = load_tree(root, limits, boundary=boundary)
    contract = Contract("jsonschema", root.path, dialect_name(cls), root, dict(resolver.documents))
    resolver.attach(contract)
    try:
        contract.problems = problems_from(metaschema_errors(root.data), resolver, root.path, RULE_INVALID)
    except RecursionError:
        raise InputError(root.path, "schema nested too deeply to validate") from None
    for key, doc in resolver.documents.items():
        if key != root.path and isinstance(doc.data, dict):
            errors = metaschema_errors(doc.data, cls)
            contract.problems += problems_from(errors, resolver, key, RULE_INVALID)
    return contract
