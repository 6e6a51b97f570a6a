"""The JSON Schema compatibility comparator shared by OpenAPI bodies, AsyncAPI payloads and plain
JSON Schema files.

    diffs = compare(old, new)                 # every difference, typed (see rules.py)
    is_compatible(diffs, policy="strict")     # the verdict under a policy
    check(old, new, "FULL", "lenient")        # a Schema Registry style mode check

Pure: no I/O. `$ref`s go through a resolver per side (default: local references in the root).
"""

from govern.diff.schema.compare import Comparator, breaking, compare, is_compatible
from govern.diff.schema.modes import check, check_transitive, compare_directed, directions, parse_mode
from govern.diff.schema.refs import default_resolver, dialect_of
from govern.diff.schema.rules import (
    COMPATIBLE_LENIENT,
    COMPATIBLE_STRICT,
    DIFFERENCE_TYPES,
    REGISTRY_TYPES,
    DifferenceType,
    breaks,
)
from govern.diff.schema.types import (
    CompareOptions,
    Difference,
    DirectionResult,
    Policy,
    Resolver,
    Schema,
    Verdict,
)

__all__ = [
    "COMPATIBLE_LENIENT",
    "COMPATIBLE_STRICT",
    "DIFFERENCE_TYPES",
    "REGISTRY_TYPES",
    "CompareOptions",
    "Comparator",
    "Difference",
    "DifferenceType",
    "DirectionResult",
    "Policy",
    "Resolver",
    "Schema",
    "Verdict",
    "breaking",
    "breaks",
    "check",
    "check_transitive",
    "compare",
    "compare_directed",
    "default_resolver",
    "dialect_of",
    "directions",
    "is_compatible",
    "parse_mode",
]
