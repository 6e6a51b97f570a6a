"""Every JSON Schema difference type, its verdict under each policy, declared once as a rule.

The 132 type names are the vocabulary of Confluent Schema Registry's JSON Schema checker, so a
report from govern reads the same as one from the registry. The verdict columns reproduce the
registry's STRICT and LENIENT compatible sets. A few extra types (marked ``extension``) cover what
that vocabulary has no word for; they are govern's own.

Each type becomes a registry rule of kind ``jsonschema`` whose id is the type name: level ERR when
the change breaks readers under the STRICT policy, INFO when it does not. The LENIENT verdict is
carried in the rule's categories (``lenient:compatible`` / ``lenient:breaking``) and in
:data:`COMPATIBLE_LENIENT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from govern.rules.finding import Level
from govern.rules.registry import Rule, declare

KIND = "jsonschema"
LENIENT_OK = "lenient:compatible"
LENIENT_BREAKS = "lenient:breaking"
EXTENSION = "extension"

# Verdict shorthands for the table below: (strict compatible, lenient compatible).
OK = (True, True)
BAD = (False, False)
LOOSE = (False, True)  # breaks under STRICT, accepted under LENIENT


@dataclass(frozen=True)
class DifferenceType:
    """One difference type: its name, both verdicts, its area and what it means."""

    name: str
    strict: bool
    lenient: bool
    area: str
    description: str
    why: str
    extension: bool = False


def _t(name: str, verdict: tuple[bool, bool], area: str, description: str, why: str) -> DifferenceType:
    return DifferenceType(name, verdict[0], verdict[1], area, description, why)


def _bounds(prefix: str, what: str, area: str, upper: bool) -> list[DifferenceType]:
    """The four types of a numeric limit keyword; `upper` limits break when lowered."""
    looser, tighter = ("INCREASED", "DECREASED") if upper else ("DECREASED", "INCREASED")
    return [
        _t(f"{prefix}_ADDED", BAD, area, f"A {what} was introduced where there was none.",
           "Data written before the limit existed may lie outside it."),
        _t(f"{prefix}_REMOVED", OK, area, f"The {what} was dropped.",
           "Everything that met the old limit is still accepted."),
        _t(f"{prefix}_{looser}", OK, area, f"The {what} was relaxed.",
           "The accepted range grew, so old data still fits."),
        _t(f"{prefix}_{tighter}", BAD, area, f"The {what} was tightened.",
           "Old data between the old and the new limit is now rejected."),
    ]


_TABLE: list[DifferenceType] = [
    # --- annotations -----------------------------------------------------------------------
    _t("ID_CHANGED", OK, "annotations", "The schema's $id changed.",
       "An identifier does not constrain instances."),
    _t("DESCRIPTION_CHANGED", OK, "annotations", "The description text changed.",
       "Documentation only."),
    _t("TITLE_CHANGED", OK, "annotations", "The title changed.", "Documentation only."),
    _t("DEFAULT_CHANGED", OK, "annotations", "The default value changed.",
       "A default is an annotation; validation of existing data is unaffected."),
    # --- subschemas ------------------------------------------------------------------------
    _t("SCHEMA_ADDED", BAD, "subschemas", "A subschema now constrains a place that was unconstrained.",
       "Old data in that place was never checked and may not satisfy the new subschema."),
    _t("SCHEMA_REMOVED", OK, "subschemas", "A subschema that constrained a place was dropped.",
       "The place now accepts anything, including all old data."),
    # --- type ------------------------------------------------------------------------------
    _t("TYPE_EXTENDED", OK, "type", "The accepted type widened (e.g. integer to number).",
       "Every value of the old type is also a value of the new one."),
    _t("TYPE_NARROWED", BAD, "type", "The accepted type narrowed (e.g. number to integer).",
       "Old values outside the narrower type are rejected."),
    _t("TYPE_CHANGED", BAD, "type", "The type was replaced by an unrelated one.",
       "No old value of that place is valid any more."),
    # --- strings ---------------------------------------------------------------------------
    *_bounds("MAX_LENGTH", "maximum string length", "string", upper=True),
    *_bounds("MIN_LENGTH", "minimum string length", "string", upper=False),
    _t("PATTERN_ADDED", BAD, "string", "A regular expression now constrains the string.",
       "Old strings need not match it."),
    _t("PATTERN_REMOVED", OK, "string", "The pattern constraint was dropped.",
       "Any string is accepted now."),
    _t("PATTERN_CHANGED", BAD, "string", "The pattern was replaced.",
       "Regular-expression inclusion is not decided; a different pattern is treated as breaking."),
    # --- numbers ---------------------------------------------------------------------------
    *_bounds("MAXIMUM", "inclusive maximum", "number", upper=True),
    *_bounds("MINIMUM", "inclusive minimum", "number", upper=False),
    *_bounds("EXCLUSIVE_MAXIMUM", "exclusive maximum", "number", upper=True),
    *_bounds("EXCLUSIVE_MINIMUM", "exclusive minimum", "number", upper=False),
    _t("MULTIPLE_OF_ADDED", BAD, "number", "Numbers must now be a multiple of a divisor.",
       "Old numbers need not be multiples of it."),
    _t("MULTIPLE_OF_REMOVED", OK, "number", "The multipleOf constraint was dropped.",
       "Any number is accepted now."),
    _t("MULTIPLE_OF_EXPANDED", BAD, "number", "The divisor became a multiple of the old one.",
       "Fewer numbers qualify (e.g. multiples of 2 to multiples of 10)."),
    _t("MULTIPLE_OF_REDUCED", OK, "number", "The divisor became a factor of the old one.",
       "Every multiple of the old divisor is a multiple of the new (e.g. 10 to 2)."),
    _t("MULTIPLE_OF_CHANGED", BAD, "number", "The divisor changed to an unrelated value.",
       "Old multiples are in general not multiples of the new divisor."),
    # --- objects: required -----------------------------------------------------------------
    _t("REQUIRED_ATTRIBUTE_ADDED", BAD, "object", "An existing property became required.",
       "Old objects may omit it."),
    _t("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", OK, "object",
       "An existing property with a default became required.",
       "A reader fills the default in when old data omits it."),
    _t("REQUIRED_ATTRIBUTE_REMOVED", OK, "object", "A property is no longer required.",
       "Objects that carry it remain valid."),
    *_bounds("MAX_PROPERTIES", "maximum property count", "object", upper=True),
    *_bounds("MIN_PROPERTIES", "minimum property count", "object", upper=False),
    # --- objects: additional properties ---------------------------------------------------
    _t("ADDITIONAL_PROPERTIES_ADDED", OK, "object",
       "additionalProperties went from false to allowing extra properties.",
       "Old objects had no extra properties, so they still validate."),
    _t("ADDITIONAL_PROPERTIES_REMOVED", LOOSE, "object",
       "additionalProperties went from allowing extra properties to false.",
       "Old objects with undeclared properties are rejected; LENIENT assumes none were written."),
    _t("ADDITIONAL_PROPERTIES_EXTENDED", OK, "object",
       "The schema for undeclared properties was widened.",
       "Extra properties that passed before still pass."),
    _t("ADDITIONAL_PROPERTIES_NARROWED", LOOSE, "object",
       "The schema for undeclared properties was narrowed.",
       "Extra properties in old data may fail the new schema; LENIENT assumes none were written."),
    # --- objects: dependencies -------------------------------------------------------------
    _t("DEPENDENCY_ARRAY_ADDED", BAD, "object",
       "A property now requires other properties to be present.",
       "Old objects with that property may lack the others."),
    _t("DEPENDENCY_ARRAY_REMOVED", OK, "object", "A property dependency was dropped.",
       "Fewer co-occurrence rules means old objects still validate."),
    _t("DEPENDENCY_ARRAY_EXTENDED", BAD, "object",
       "A property dependency lists more required properties.",
       "Old objects may lack the newly listed ones."),
    _t("DEPENDENCY_ARRAY_NARROWED", OK, "object",
       "A property dependency lists fewer required properties.",
       "Old objects carry a superset of what is needed."),
    _t("DEPENDENCY_ARRAY_CHANGED", BAD, "object",
       "A property dependency lists a different set of properties.",
       "Old objects may lack some of the new ones."),
    _t("DEPENDENCY_SCHEMA_ADDED", BAD, "object",
       "A property now triggers an extra subschema on the object.",
       "Old objects with that property were never checked against it."),
    _t("DEPENDENCY_SCHEMA_REMOVED", OK, "object", "A property-triggered subschema was dropped.",
       "One constraint fewer."),
    # --- objects: properties and content models -------------------------------------------
    _t("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", BAD, "object",
       "(Deprecated upstream name.) A property was declared on an open object.",
       "Old objects may already carry that name with any value."),
    _t("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", BAD, "object",
       "A new required property was declared on an open object.",
       "Old objects may lack it, or carry it with another type."),
    _t("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", LOOSE, "object",
       "A new required property with a default was declared on an open object.",
       "The default covers objects that lack it, but old objects may carry it with another type; "
       "LENIENT accepts that risk."),
    _t("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", LOOSE, "object",
       "A new optional property was declared on an open object.",
       "Old objects may already carry that name with a value the new schema rejects; LENIENT "
       "accepts that risk."),
    _t("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", OK, "object",
       "A property that accepts anything was declared on an open object.",
       "It constrains nothing."),
    _t("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", BAD, "object",
       "A new required property was declared on a closed or partially open object.",
       "Old objects cannot contain it, so all of them lack it."),
    _t("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", OK, "object",
       "A new required property with a default was declared on a closed or partially open object.",
       "Old objects lack it and the reader fills in the default."),
    _t("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", OK, "object",
       "A new optional property was declared on a closed or partially open object.",
       "Old objects could not carry it (or carried it under a schema checked separately)."),
    _t("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", OK, "object",
       "A property declaration was dropped from an open object.",
       "The name now falls under 'anything goes'."),
    _t("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", OK, "object",
       "A property declared as false was dropped from a closed object.",
       "It was forbidden before and still is."),
    _t("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", LOOSE, "object",
       "A property declaration was dropped from a closed object.",
       "Old objects that carry it are now rejected as having an undeclared property; LENIENT "
       "assumes readers ignore it."),
    _t("PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", OK, "object",
       "A dropped property is still accepted by the schema for undeclared properties.",
       "Its old values satisfy the additional/pattern/unevaluated schema that now applies."),
    _t("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", LOOSE, "object",
       "A dropped property's old values are not accepted by the schema for undeclared properties.",
       "Old objects that carry it may be rejected."),
    _t("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", OK, "object",
       "A new property accepts every value the schema for undeclared properties allowed.",
       "Old objects that carried the name under the old catch-all still validate."),
    _t("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", LOOSE, "object",
       "A new property rejects values the schema for undeclared properties allowed.",
       "Old objects that carried the name may fail the new property schema."),
    _t("RESERVED_PROPERTY_REMOVED", BAD, "object", "A name was taken off the reserved list.",
       "Reservations protect names from reuse with a different meaning."),
    _t("RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY", BAD, "object",
       "A reserved name is declared as a property.",
       "The name was reserved so that it would not come back."),
    _t("UNEVALUATED_PROPERTIES_ADDED", OK, "object",
       "unevaluatedProperties went from false to allowing leftover properties.",
       "Old objects had no leftovers."),
    _t("UNEVALUATED_PROPERTIES_REMOVED", LOOSE, "object",
       "unevaluatedProperties went from allowing leftover properties to false.",
       "Old objects with leftovers are rejected; LENIENT assumes none were written."),
    _t("UNEVALUATED_PROPERTIES_EXTENDED", OK, "object",
       "The schema for leftover properties was widened.", "Old leftovers still pass."),
    _t("UNEVALUATED_PROPERTIES_NARROWED", LOOSE, "object",
       "The schema for leftover properties was narrowed.",
       "Old leftovers may fail; LENIENT assumes none were written."),
    # --- arrays ----------------------------------------------------------------------------
    *_bounds("MAX_ITEMS", "maximum item count", "array", upper=True),
    *_bounds("MIN_ITEMS", "minimum item count", "array", upper=False),
    *_bounds("MAX_CONTAINS", "maximum count of matching items (maxContains)", "array", upper=True),
    *_bounds("MIN_CONTAINS", "minimum count of matching items (minContains)", "array", upper=False),
    _t("UNIQUE_ITEMS_ADDED", BAD, "array", "Array items must now be unique.",
       "Old arrays may contain duplicates."),
    _t("UNIQUE_ITEMS_REMOVED", OK, "array", "Array items no longer need to be unique.",
       "Arrays of unique items remain valid."),
    _t("ADDITIONAL_ITEMS_ADDED", OK, "array",
       "Items past the tuple went from forbidden to allowed.", "Old arrays had no such items."),
    _t("ADDITIONAL_ITEMS_REMOVED", BAD, "array",
       "Items past the tuple went from allowed to forbidden.",
       "Old arrays with extra items are rejected."),
    _t("ADDITIONAL_ITEMS_EXTENDED", OK, "array", "The schema for items past the tuple was widened.",
       "Old extra items still pass."),
    _t("ADDITIONAL_ITEMS_NARROWED", BAD, "array",
       "The schema for items past the tuple was narrowed.", "Old extra items may fail."),
    _t("UNEVALUATED_ITEMS_ADDED", OK, "array",
       "unevaluatedItems went from false to allowing leftover items.", "Old arrays had none."),
    _t("UNEVALUATED_ITEMS_REMOVED", BAD, "array",
       "unevaluatedItems went from allowing leftover items to false.",
       "Old arrays with leftovers are rejected."),
    _t("UNEVALUATED_ITEMS_EXTENDED", OK, "array", "The schema for leftover items was widened.",
       "Old leftovers still pass."),
    _t("UNEVALUATED_ITEMS_NARROWED", BAD, "array", "The schema for leftover items was narrowed.",
       "Old leftovers may fail."),
    _t("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", BAD, "array",
       "A tuple position was declared where any item used to be allowed.",
       "Old arrays may hold any value at that position."),
    _t("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", OK, "array",
       "A tuple position that accepts anything was declared on an open tuple.", "It constrains nothing."),
    _t("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", OK, "array",
       "A tuple position was declared where extra items were forbidden.",
       "Old arrays never reached that position."),
    _t("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", OK, "array",
       "A tuple position was dropped and extra items are allowed.",
       "Whatever sat there is accepted as an extra item."),
    _t("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", OK, "array",
       "A tuple position declared as false was dropped from a closed tuple.",
       "Nothing could sit there before or now."),
    _t("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", BAD, "array",
       "A tuple position was dropped and extra items are forbidden.",
       "Old arrays that reach that position are rejected."),
    _t("ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", OK, "array",
       "A dropped tuple position's old values are accepted by the extra-items schema.",
       "Old arrays still validate."),
    _t("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", BAD, "array",
       "A dropped tuple position's old values are not accepted by the extra-items schema.",
       "Old arrays that reach that position may be rejected."),
    _t("ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", OK, "array",
       "A new tuple position accepts every value the extra-items schema allowed.",
       "Old arrays still validate."),
    _t("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", BAD, "array",
       "A new tuple position rejects values the extra-items schema allowed.",
       "Old arrays that reach that position may be rejected."),
    # --- enumerations ----------------------------------------------------------------------
    _t("ENUM_ARRAY_EXTENDED", OK, "enum", "The enum (or const) gained values.",
       "All old values are still listed."),
    _t("ENUM_ARRAY_NARROWED", BAD, "enum", "The enum (or const) lost values.",
       "Old data may hold a value that is gone."),
    _t("ENUM_ARRAY_CHANGED", BAD, "enum", "The enum (or const) was replaced by a different set.",
       "Old data may hold a value that is not listed any more."),
    # --- combinators -----------------------------------------------------------------------
    _t("COMBINED_TYPE_EXTENDED", OK, "combinators",
       "The combinator became more permissive (e.g. oneOf to anyOf, allOf to anyOf).",
       "Anything that satisfied the old combination satisfies the new one."),
    _t("COMBINED_TYPE_CHANGED", BAD, "combinators",
       "The combinator changed in a way that rejects old data (e.g. anyOf to allOf of several).",
       "Old data that satisfied one branch may not satisfy the new combination."),
    _t("PRODUCT_TYPE_EXTENDED", BAD, "combinators",
       "An allOf (or enum next to other keywords) gained a conjunct.",
       "Old data must now satisfy one more schema."),
    _t("PRODUCT_TYPE_NARROWED", OK, "combinators",
       "An allOf lost a conjunct, or an enum next to other keywords was dropped.",
       "Old data satisfies a subset of the conjuncts it satisfied before."),
    _t("SUM_TYPE_EXTENDED", OK, "combinators",
       "A oneOf/anyOf or a type list gained an alternative.",
       "Old data still matches its old alternative."),
    _t("SUM_TYPE_NARROWED", BAD, "combinators",
       "A oneOf/anyOf or a type list lost an alternative.",
       "Old data of the dropped alternative is rejected."),
    _t("COMBINED_TYPE_SUBSCHEMAS_CHANGED", BAD, "combinators",
       "An alternative (or conjunct) changed so that no new one accepts what it accepted.",
       "Old data of that alternative may be rejected."),
    _t("NOT_TYPE_EXTENDED", BAD, "combinators", "The schema under 'not' now excludes more.",
       "Old data in the newly excluded part is rejected."),
    _t("NOT_TYPE_NARROWED", OK, "combinators", "The schema under 'not' now excludes less.",
       "Everything allowed before is still allowed."),
]

# govern's own types: no equivalent in the registry's vocabulary.
_EXTENSIONS: list[DifferenceType] = [
    DifferenceType("FORMAT_ADDED", False, True, "string",
                   "A format (e.g. date-time, email) now constrains the value.",
                   "Validators that assert formats reject old values that do not conform; "
                   "LENIENT treats format as the annotation JSON Schema 2019-09+ makes it.", True),
    DifferenceType("FORMAT_REMOVED", True, True, "string", "The format was dropped.",
                   "Any value of the type is accepted.", True),
    DifferenceType("FORMAT_EXTENDED", True, True, "string",
                   "The format widened to one that includes the old one (int32 to int64, float to double).",
                   "Every old value fits the wider format.", True),
    DifferenceType("FORMAT_NARROWED", False, True, "string",
                   "The format narrowed (int64 to int32, double to float).",
                   "Old values may not fit the narrower format.", True),
    DifferenceType("FORMAT_CHANGED", False, True, "string", "The format was replaced by another one.",
                   "Old values need not conform to the new format.", True),
    DifferenceType("CONDITION_ADDED", False, False, "combinators",
                   "An if/then/else condition was added.",
                   "Old data meeting the condition was never checked against its branches.", True),
    DifferenceType("CONDITION_REMOVED", True, True, "combinators",
                   "An if/then/else condition was dropped.", "One constraint fewer.", True),
    DifferenceType("CONDITION_CHANGED", False, False, "combinators",
                   "The 'if' schema of a condition changed.",
                   "Which branch applies to old data is no longer known.", True),
    DifferenceType("CANNOT_DECIDE", False, False, "limits",
                   "govern could not decide compatibility here (depth or work limit reached, or "
                   "an unresolvable $ref).",
                   "An undecided change is reported as breaking so that it gets a human look.", True),
]


def _index(types: Iterable[DifferenceType]) -> dict[str, DifferenceType]:
    out: dict[str, DifferenceType] = {}
    for t in types:
        if t.name in out:
            raise RuntimeError(f"difference type {t.name} listed twice")
        out[t.name] = t
    return out


DIFFERENCE_TYPES: dict[str, DifferenceType] = _index([*_TABLE, *_EXTENSIONS])
REGISTRY_TYPES: frozenset[str] = frozenset(t.name for t in _TABLE)
COMPATIBLE_STRICT: frozenset[str] = frozenset(n for n, t in DIFFERENCE_TYPES.items() if t.strict)
COMPATIBLE_LENIENT: frozenset[str] = frozenset(n for n, t in DIFFERENCE_TYPES.items() if t.lenient)

POLICIES = ("strict", "lenient")


def compatible_set(policy: str = "strict") -> frozenset[str]:
    """The difference types a policy accepts."""
    key = policy.strip().lower()
    if key == "strict":
        return COMPATIBLE_STRICT
    if key == "lenient":
        return COMPATIBLE_LENIENT
    raise ValueError(f"unknown policy {policy!r}; use 'strict' or 'lenient'")


def breaks(type_name: str, policy: str = "strict") -> bool:
    """True when a difference of this type breaks readers under `policy`.

    Unknown type names are treated as breaking.
    """
    return type_name not in compatible_set(policy)


def _declare_all() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for t in DIFFERENCE_TYPES.values():
        categories: tuple[str, ...] = (LENIENT_OK if t.lenient else LENIENT_BREAKS,)
        if t.extension:
            categories += (EXTENSION,)
        rules[t.name] = declare(
            t.name,
            level=Level.INFO if t.strict else Level.ERR,
            kind=KIND,
            description=t.description,
            area=f"schema/{t.area}",
            why=t.why,
            message="{pointer}: " + t.description[0].lower() + t.description[1:],
            categories=categories,
        )
    return rules


RULES: dict[str, Rule] = _declare_all()
