"""Soundness of the comparator's "compatible" verdicts, checked against a real validator.

`compare(old, new)` judged compatible under STRICT must mean: every instance valid under `old` is
valid under `new`. The regression tests pin changes once judged compatible although a validator
rejects old data under the new schema (each with its witness). The property tests draw schema pairs
from small grammars built around the keywords that only act together inside one schema object
(allOf members, `$ref` siblings, contains/minContains/maxContains, if/then/else, tuples in both
spellings, unevaluatedProperties/unevaluatedItems) and check every compatible verdict on a fixed
set of instances with the `jsonschema` library (format checking off, its default).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator

from govern.diff.schema import compare, is_compatible

D4 = "http://json-schema.org/draft-04/schema#"
D7 = "http://json-schema.org/draft-07/schema#"
D2020 = "https://json-schema.org/draft/2020-12/schema"
VALIDATORS = {D4: Draft4Validator, D7: Draft7Validator, D2020: Draft202012Validator}


def validator(schema: Any) -> Any:
    """The validator of the schema's dialect (2020-12 without `$schema`, as `jsonschema` does)."""
    dialect = schema.get("$schema", D2020) if isinstance(schema, dict) else D2020
    return VALIDATORS[dialect](schema)


def in_dialect(dialect: str, schema: Any, defs: dict[str, Any] | None = None) -> Any:
    if not isinstance(schema, dict):
        schema = {"allOf": [schema]}
    out = {"$schema": dialect, **schema}
    if defs:
        out["$defs"] = defs
    return out


# (id, old, new, an instance valid under old and invalid under new)
REGRESSIONS: list[tuple[str, Any, Any, Any]] = [
    ("max-contains-with-min-contains-0",
     {"type": "array"},
     {"type": "array", "contains": {"const": 1}, "minContains": 0, "maxContains": 1},
     [1, 1]),
    ("allof-contains-and-min-contains-split",
     in_dialect(D2020, {"allOf": [{"contains": {"const": 1}}, {"minContains": 2}]}),
     in_dialect(D2020, {"contains": {"const": 1}, "minContains": 2}),
     [1]),
    ("allof-draft4-maximum-and-boolean-exclusive-split",
     in_dialect(D4, {"allOf": [{"maximum": 10}, {"exclusiveMaximum": True}]}),
     in_dialect(D4, {"maximum": 10, "exclusiveMaximum": True}),
     10),
    ("allof-if-and-then-split",
     {"allOf": [{"if": {"required": ["a"]}}, {"then": {"required": ["b"]}}]},
     {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
     {"a": 1}),
    ("allof-draft7-tuple-and-additional-items-split",
     in_dialect(D7, {"allOf": [{"items": [{}]}, {"additionalItems": False}]}),
     in_dialect(D7, {"items": [{}], "additionalItems": False}),
     [1, 2]),
    ("allof-2020-prefix-items-and-items-split",
     in_dialect(D2020, {"prefixItems": [{}], "items": {"const": 2}}),
     in_dialect(D2020, {"allOf": [{"prefixItems": [{}]}, {"items": {"const": 2}}]}),
     [1]),
    ("allof-properties-and-unevaluated-properties-split",
     in_dialect(D2020, {"properties": {"a": {}}, "unevaluatedProperties": False}),
     in_dialect(D2020, {"allOf": [{"properties": {"a": {}}}, {"unevaluatedProperties": False}]}),
     {"a": 1}),
    ("ref-sibling-min-contains",
     in_dialect(D2020, {"$ref": "#/$defs/L", "minContains": 2}, {"L": {"contains": {"const": 1}}}),
     in_dialect(D2020, {"contains": {"const": 1}, "minContains": 2}),
     [1]),
    # found on the way: a node's own unevaluatedProperties reads what its other parts evaluate
    ("own-unevaluated-properties-reads-allof-members",
     in_dialect(D2020, {"allOf": [{"properties": {"a": {}, "b": {}}}], "unevaluatedProperties": False}),
     in_dialect(D2020, {"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}),
     {"b": 1}),
    ("own-unevaluated-properties-reads-anyof-members",
     in_dialect(D2020, {"anyOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}),
     in_dialect(D2020, {"unevaluatedProperties": False}),
     {"a": 1}),
    ("unevaluated-properties-reads-then",
     in_dialect(D2020, {"if": {}, "then": {"properties": {"b": {}}}, "unevaluatedProperties": False}),
     in_dialect(D2020, {"properties": {"a": {}}, "unevaluatedProperties": False}),
     {"b": 1}),
    ("unevaluated-items-reads-contains",
     in_dialect(D2020, {"contains": {"const": 1}, "unevaluatedItems": False}),
     in_dialect(D2020, {"unevaluatedItems": False}),
     [1]),
    ("unevaluated-properties-takes-over-from-additional-properties",
     in_dialect(D2020, {"additionalProperties": {"type": "integer"}, "unevaluatedProperties": {"type": "string"}}),
     in_dialect(D2020, {"unevaluatedProperties": {"type": "string"}}),
     {"b": 1}),
    ("unevaluated-items-takes-over-from-items",
     in_dialect(D2020, {"items": {}, "unevaluatedItems": {"const": 1}}),
     in_dialect(D2020, {"unevaluatedItems": {"const": 1}}),
     [2]),
    ("unevaluated-items-takes-over-past-the-tuple",
     in_dialect(D2020, {"prefixItems": [{}], "items": {}, "unevaluatedItems": {"const": 1}}),
     in_dialect(D2020, {"prefixItems": [{}], "unevaluatedItems": {"const": 1}}),
     [1, 2]),
    ("contains-widened-next-to-max-contains",
     in_dialect(D2020, {"contains": {"const": 1}, "maxContains": 1}),
     in_dialect(D2020, {"contains": {"type": "integer"}, "maxContains": 1}),
     [1, 2]),
]


@pytest.mark.parametrize(("old", "new", "witness"), [pytest.param(o, n, w, id=i) for i, o, n, w in REGRESSIONS])
def test_probe_is_not_compatible(old: Any, new: Any, witness: Any) -> None:
    assert validator(old).is_valid(witness) and not validator(new).is_valid(witness)  # the witness holds
    diffs = compare(old, new)
    assert not is_compatible(diffs, "strict"), [str(d) for d in diffs]


# The common canonical forms stay precise.
PRECISE: list[tuple[str, Any, Any, list[str]]] = [
    ("ref-with-unevaluated-properties-false",
     in_dialect(D2020, {"$ref": "#/$defs/B", "unevaluatedProperties": False},
                {"B": {"type": "object", "properties": {"a": {"type": "string"}}}}),
     in_dialect(D2020, {"$ref": "#/$defs/B", "unevaluatedProperties": False},
                {"B": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}}),
     ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"]),
    ("ref-with-unevaluated-properties-to-inline",
     in_dialect(D2020, {"$ref": "#/$defs/B", "unevaluatedProperties": False},
                {"B": {"properties": {"a": {"type": "string"}}}}),
     in_dialect(D2020, {"properties": {"a": {"type": "string"}}, "unevaluatedProperties": False}),
     []),
    ("allof-of-plain-objects",
     {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "integer"}}}]},
     {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]},
     []),
    ("allof-with-own-unevaluated-properties-gains-a-property",
     in_dialect(D2020, {"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}),
     in_dialect(D2020, {"allOf": [{"properties": {"a": {}, "b": {}}}], "unevaluatedProperties": False}),
     ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"]),
    ("contains-and-its-counts-in-one-member",
     in_dialect(D2020, {"allOf": [{"contains": {"const": 1}, "minContains": 2}, {"type": "array"}]}),
     in_dialect(D2020, {"type": "array", "contains": {"const": 1}, "minContains": 1}),
     ["MIN_CONTAINS_DECREASED #/allOf/0/minContains"]),
    ("if-then-else-spread-over-members-with-the-same-if",
     {"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"if": {"required": ["a"]}}]},
     {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
     []),
]


@pytest.mark.parametrize(("old", "new", "expected"), [pytest.param(o, n, e, id=i) for i, o, n, e in PRECISE])
def test_canonical_forms_stay_precise(old: Any, new: Any, expected: list[str]) -> None:
    got = [str(d) for d in compare(old, new)]
    if expected == []:
        assert got == [] or is_compatible(compare(old, new), "strict"), got
    else:
        assert got == expected
    assert is_compatible(compare(old, new), "strict")


# --- the property --------------------------------------------------------------------------

SCALARS = [None, True, False, 0, 1, 2, 3, 1.5, "", "a", "ab"]
ITEMS = [0, 1, 2, "a", None]
INSTANCES: list[Any] = [
    *SCALARS,
    [], [1], [2], ["a"], [None], [1, 1], [1, 2], [2, 1], [1, "a"], ["a", 1], [1, 1, 1], [2, 2], [1, 2, 3],
    [1, 1, 2], [[1]], [{}], [{"a": 1}],
    {}, {"a": 1}, {"a": "a"}, {"a": None}, {"b": 1}, {"b": "a"}, {"c": 1}, {"a": 1, "b": 1}, {"a": 1, "b": "a"},
    {"a": "a", "b": 2}, {"a": 1, "c": 2}, {"b": 1, "c": 1}, {"a": 1, "b": 1, "c": 1}, {"ab": 1}, {"a": [1]},
    {"a": {"a": 1}}, {"a": 2, "b": None},
]

TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"]
NAMES = st.sampled_from(["a", "b", "c"])


def leaves(dialect: str) -> Any:
    value = st.sampled_from(ITEMS)
    nothing = {"not": {}} if dialect == D4 else False  # draft-04 has no boolean schemas
    return st.one_of(
        st.just({} if dialect == D4 else True), st.just({}), st.just(nothing),
        st.builds(lambda t: {"type": t}, st.sampled_from(TYPES)),
        st.builds(lambda v: {"enum": [v]} if dialect == D4 else {"const": v}, value),
        st.builds(lambda vs: {"enum": vs}, st.lists(value, min_size=1, max_size=3, unique=True)),
        st.builds(lambda n: {"minimum": n}, st.integers(0, 2)),
    )


def no_bool(schema: Any) -> Any:
    """Where a validator chokes on a boolean subschema (draft-04, draft-07 list `items`)."""
    return {} if schema is True else {"not": {}} if schema is False else schema


def keyword_bags(sub: Any, dialect: str, pieces_max: int = 4) -> Any:
    """One schema object: a few keywords of the dialect. Keywords that act only together come both
    as a unit and alone, so that joins and splits put halves next to and apart from each other."""
    count = st.integers(0, 2)
    names = st.lists(NAMES, min_size=1, max_size=2, unique=True)

    def unit(required: dict[str, Any], optional: dict[str, Any]) -> Any:
        return st.fixed_dictionaries(required, optional=optional)

    def one(kw: str, value: Any) -> Any:
        return st.fixed_dictionaries({kw: value})

    pieces: list[Any] = [
        one("type", st.sampled_from(TYPES)),
        one("properties", st.dictionaries(NAMES, sub, max_size=2)),
        one("required", names),
        one("additionalProperties", sub),
        unit({"properties": st.dictionaries(NAMES, sub, max_size=2)}, {"additionalProperties": sub, "required": names}),
        one("minItems", count),
        one("maxItems", count),
        one("maximum", st.integers(0, 2)),
        one("minimum", st.integers(0, 2)),
    ]
    if dialect != D4:
        pieces += [one("contains", sub), one("if", sub), one("then", sub), one("else", sub),
                   unit({"if": sub}, {"then": sub, "else": sub})]
    if dialect == D2020:
        pieces += [
            one("minContains", count),
            one("maxContains", count),
            unit({"contains": sub}, {"minContains": count, "maxContains": count}),
            one("prefixItems", st.lists(sub, min_size=1, max_size=2)),
            one("items", sub),
            unit({"prefixItems": st.lists(sub, min_size=1, max_size=2)}, {"items": sub, "unevaluatedItems": sub}),
            one("unevaluatedProperties", sub),
            one("unevaluatedItems", sub),
            unit({"properties": st.dictionaries(NAMES, sub, max_size=2)}, {"unevaluatedProperties": sub,
                                                                           "required": names}),
            unit({"contains": sub}, {"unevaluatedItems": sub}),
            unit({"if": sub}, {"then": sub, "unevaluatedProperties": sub}),
            one("dependentSchemas", st.dictionaries(NAMES, sub, min_size=1, max_size=1)),
        ]
    else:
        tuple_items = st.lists(sub.map(no_bool), min_size=1, max_size=2)
        pieces += [
            one("items", st.one_of(sub.map(no_bool), tuple_items)),
            one("additionalItems", sub),
            unit({"items": tuple_items}, {"additionalItems": sub}),
        ]
    if dialect == D4:
        pieces += [
            one("exclusiveMaximum", st.booleans()),
            one("exclusiveMinimum", st.booleans()),
            unit({"maximum": st.integers(0, 2)}, {"exclusiveMaximum": st.booleans()}),
            unit({"minimum": st.integers(0, 2)}, {"exclusiveMinimum": st.booleans()}),
        ]

    def join(parts: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in parts:
            out.update(p)
        return out

    return st.lists(st.one_of(pieces), min_size=1, max_size=pieces_max).map(join)


def schemas(dialect: str, refs: bool = True) -> Any:
    """Schemas of the grammar; `$ref`s point at `$defs` L and M, which hold none themselves."""
    def extend(sub: Any) -> Any:
        bag = keyword_bags(sub, dialect)
        combined = st.one_of(
            st.builds(lambda ms: {"allOf": ms}, st.lists(sub, min_size=1, max_size=3)),
            st.builds(lambda ms: {"anyOf": ms}, st.lists(sub, min_size=1, max_size=2)),
            st.builds(lambda ms, own: {"allOf": ms, **own}, st.lists(sub, min_size=1, max_size=2), bag),
        )
        if not refs:
            return st.one_of(bag, bag, combined)
        to_def = st.builds(lambda name, own: {"$ref": f"#/$defs/{name}", **own}, st.sampled_from(["L", "M"]),
                           bag if dialect == D2020 else st.just({}))
        return st.one_of(bag, bag, combined, to_def)

    return st.recursive(leaves(dialect), extend, max_leaves=6)


def split(schema: Any, cuts: list[int]) -> Any:
    """The keywords of an object spread over allOf members: often a different schema."""
    if not isinstance(schema, dict) or len(schema) < 2:
        return schema
    members: list[dict[str, Any]] = [{}, {}]
    for i, (k, v) in enumerate(schema.items()):
        members[cuts[i % len(cuts)] % 2][k] = v
    return {"allOf": [m for m in members if m]}


def ref_split(schema: Any, cuts: list[int]) -> tuple[Any, Any]:
    """Part of an object's keywords moved into `$defs/L`, the rest left next to `$ref` (2020-12)."""
    if not isinstance(schema, dict) or len(schema) < 2:
        return schema, True
    here: dict[str, Any] = {"$ref": "#/$defs/L"}
    there: dict[str, Any] = {}
    for i, (k, v) in enumerate(schema.items()):
        (here if cuts[i % len(cuts)] % 2 else there)[k] = v
    return here, there


def validating_leaves(dialect: str) -> Any:
    """Small subschemas that tell the instances apart."""
    nothing = {"not": {}} if dialect == D4 else False
    options = [{}, nothing, {"type": "integer"}, {"type": "string"}, {"enum": [1]}, {"enum": [1, "a"]},
               {"minimum": 2}, {"type": "array"}, {"required": ["a"]}, {"properties": {"a": {"type": "string"}}}]
    if dialect != D4:
        options += [True, False, {"const": 1}]
    return st.sampled_from(options)


def flat_pairs(dialect: str) -> Any:
    """One object of interacting keywords, against the same keywords split over allOf members or,
    in 2020-12, over a `$ref` and its siblings; either way round."""
    bag = keyword_bags(validating_leaves(dialect), dialect, pieces_max=3)

    @st.composite
    def build(draw: Any) -> tuple[Any, Any]:
        whole = draw(bag)
        cuts = draw(st.lists(st.integers(0, 1), min_size=1, max_size=4))
        how = draw(st.sampled_from(["allOf", "ref"] if dialect == D2020 else ["allOf"]))
        defs = None
        if how == "allOf":
            parted = split(whole, cuts)
        else:
            parted, target = ref_split(whole, cuts)
            defs = {"L": target}
        pair = (in_dialect(dialect, whole, defs), in_dialect(dialect, parted, defs))
        return pair if draw(st.booleans()) else (pair[1], pair[0])

    return build()


def pairs(dialect: str) -> Any:
    """Nested schemas of the grammar: unrelated, one split or merged, mutated, or the same with new
    `$defs`."""
    one = schemas(dialect)
    plain = schemas(dialect, refs=False)
    defs = st.fixed_dictionaries({"L": plain, "M": plain})

    @st.composite
    def build(draw: Any) -> tuple[Any, Any]:
        old = draw(one)
        how = draw(st.sampled_from(["other", "split", "merge", "mutate", "defs"]))
        cuts = draw(st.lists(st.integers(0, 1), min_size=1, max_size=4))
        if how == "other":
            new = draw(one)
        elif how == "split":
            new = split(old, cuts)
        elif how == "merge":
            old, new = split(old, cuts), old
        elif how == "mutate":
            new = copy.deepcopy(old)
            if isinstance(new, dict) and new and draw(st.booleans()):
                del new[draw(st.sampled_from(sorted(new)))]
            elif isinstance(new, dict):
                extra = draw(one)
                if isinstance(extra, dict):
                    new.update(extra)
        else:
            new = old
        defs_old = draw(defs)
        defs_new = defs_old if draw(st.booleans()) else draw(defs)
        return in_dialect(dialect, old, defs_old), in_dialect(dialect, new, defs_new)

    return build()


def check_sound(old: Any, new: Any) -> None:
    diffs = compare(old, new)
    if not is_compatible(diffs, "strict"):
        return
    accepts_old, accepts_new = validator(old), validator(new)
    for value in INSTANCES:
        if accepts_old.is_valid(value):
            assert accepts_new.is_valid(value), (old, new, value, [str(d) for d in diffs])


def settings_for(examples: int) -> Any:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


DIALECTS = [pytest.param(D2020, id="2020-12"), pytest.param(D7, id="draft-07"), pytest.param(D4, id="draft-04")]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_split_and_merged_keywords_are_judged_soundly(dialect: str) -> None:
    @settings_for(600)
    @given(flat_pairs(dialect))
    def run(pair: tuple[Any, Any]) -> None:
        check_sound(*pair)

    run()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_compatible_verdicts_hold_for_generated_pairs(dialect: str) -> None:
    @settings_for(200)
    @given(pairs(dialect))
    def run(pair: tuple[Any, Any]) -> None:
        check_sound(*pair)

    run()
