"""The OpenAPI rule catalogue: oasdiff's rule ids and default levels, with govern's own descriptions.

The ids and levels are shared vocabulary with oasdiff (so reports line up across tools); the
descriptions are generated from the structure of each id (subject + change) in govern's own words.
"""

from __future__ import annotations

from govern.rules.finding import Level
from govern.rules.registry import Rule, declare

KIND = "openapi"

# id level, one per line. Levels are the defaults; .govern.yaml can override them per rule.
_TABLE = """
request-property-deprecated INFO
request-property-deprecated-with-sunset INFO
request-property-deprecated-sunset-missing ERR
request-property-deprecated-sunset-invalid ERR
request-property-reactivated INFO
request-property-sunset-date-too-small ERR
response-property-deprecated INFO
response-property-deprecated-with-sunset INFO
response-property-deprecated-sunset-missing ERR
response-property-deprecated-sunset-invalid ERR
response-property-reactivated INFO
response-property-sunset-date-too-small ERR
endpoint-added INFO
api-security-component-removed INFO
api-security-component-added INFO
api-security-component-oauth-url-changed INFO
api-security-component-type-changed INFO
api-security-component-oauth-token-url-changed INFO
api-security-component-oauth-scope-added INFO
api-security-component-oauth-scope-removed INFO
api-security-component-oauth-scope-changed INFO
api-security-removed INFO
api-security-added INFO
api-security-scope-added INFO
api-security-scope-removed INFO
api-global-security-removed INFO
api-global-security-added INFO
api-global-security-scope-added INFO
api-global-security-scope-removed INFO
api-version-not-bumped INFO
api-version-decreased INFO
api-major-version-not-bumped INFO
api-stability-decreased ERR
api-stability-increased INFO
request-property-stability-decreased ERR
request-property-stability-increased INFO
response-property-stability-decreased ERR
response-property-stability-increased INFO
endpoint-reactivated INFO
api-deprecated-sunset-parse ERR
api-deprecated-sunset-missing ERR
api-invalid-stability-level ERR
api-sunset-date-too-small ERR
endpoint-deprecated INFO
endpoint-deprecated-with-sunset INFO
request-parameter-reactivated INFO
request-parameter-deprecated-sunset-missing ERR
request-parameter-sunset-date-too-small ERR
request-parameter-deprecated INFO
api-path-removed-without-deprecation ERR
api-path-removed-with-deprecation INFO
api-path-sunset-parse ERR
api-path-removed-before-sunset ERR
api-removed-without-deprecation ERR
api-removed-with-deprecation INFO
api-removed-before-sunset ERR
sunset-deleted ERR
api-sunset-date-changed-too-small ERR
request-parameter-sunset-deleted ERR
request-parameter-sunset-date-changed-too-small ERR
request-body-added-required ERR
request-body-added-optional INFO
new-required-request-default-parameter-to-existing-path ERR
new-optional-request-default-parameter-to-existing-path INFO
new-required-request-parameter ERR
new-optional-request-parameter INFO
new-request-path-parameter ERR
new-required-request-header-property ERR
request-body-became-enum ERR
request-body-media-type-added INFO
request-body-media-type-removed ERR
request-body-media-type-schema-added ERR
request-body-media-type-schema-removed INFO
response-body-media-type-schema-added INFO
response-body-media-type-schema-removed WARN
request-body-removed ERR
request-body-became-optional INFO
request-body-became-required ERR
request-body-discriminator-added INFO
request-body-discriminator-removed INFO
request-body-discriminator-property-name-changed INFO
request-body-discriminator-mapping-added INFO
request-body-discriminator-mapping-deleted INFO
request-body-discriminator-mapping-changed INFO
request-property-discriminator-added INFO
request-property-discriminator-removed INFO
request-property-discriminator-property-name-changed INFO
request-property-discriminator-mapping-added INFO
request-property-discriminator-mapping-deleted INFO
request-property-discriminator-mapping-changed INFO
request-header-property-became-enum ERR
request-header-property-became-required ERR
request-parameter-became-enum ERR
request-parameter-became-nullable INFO
request-parameter-became-not-nullable ERR
request-parameter-property-became-nullable INFO
request-parameter-property-became-not-nullable ERR
request-parameter-default-value-changed ERR
request-parameter-default-value-added ERR
request-parameter-default-value-removed ERR
request-parameter-enum-value-added INFO
request-parameter-enum-value-removed ERR
request-parameter-property-enum-value-added INFO
request-parameter-property-enum-value-removed ERR
request-parameter-max-items-increased INFO
request-parameter-max-items-decreased ERR
request-parameter-max-length-set WARN
request-parameter-max-length-increased INFO
request-parameter-max-length-decreased ERR
request-parameter-max-set WARN
request-parameter-exclusive-max-set WARN
request-parameter-max-increased INFO
request-parameter-max-decreased ERR
request-parameter-exclusive-max-increased INFO
request-parameter-exclusive-max-decreased ERR
request-parameter-min-items-set WARN
request-parameter-min-items-increased ERR
request-parameter-min-items-decreased INFO
request-parameter-min-length-increased ERR
request-parameter-min-length-decreased INFO
request-parameter-min-set WARN
request-parameter-exclusive-min-set WARN
request-parameter-min-increased ERR
request-parameter-min-decreased INFO
request-parameter-exclusive-min-increased ERR
request-parameter-exclusive-min-decreased INFO
request-parameter-pattern-added ERR
request-parameter-pattern-removed INFO
request-parameter-pattern-changed WARN
request-parameter-pattern-generalized INFO
request-parameter-removed WARN
request-parameter-removed-with-deprecation INFO
request-parameter-sunset-parse ERR
request-parameter-removed-before-sunset ERR
request-parameter-became-required ERR
request-parameter-became-optional INFO
request-parameter-type-changed ERR
request-parameter-type-generalized INFO
request-parameter-property-type-changed WARN
request-parameter-property-type-generalized INFO
request-parameter-property-type-specialized ERR
request-parameter-x-extensible-enum-value-removed ERR
request-body-all-of-added ERR
request-body-all-of-removed WARN
request-property-all-of-added ERR
request-property-all-of-removed WARN
request-body-all-of-added-annotation-only INFO
request-body-all-of-removed-annotation-only INFO
request-property-all-of-added-annotation-only INFO
request-property-all-of-removed-annotation-only INFO
request-body-any-of-added INFO
request-body-any-of-removed ERR
request-property-any-of-added INFO
request-property-any-of-removed ERR
request-property-became-enum ERR
request-body-became-not-nullable ERR
request-body-became-nullable INFO
request-property-became-not-nullable ERR
request-property-became-nullable INFO
request-body-default-value-added INFO
request-body-default-value-removed INFO
request-body-default-value-changed INFO
request-property-default-value-added INFO
request-property-default-value-removed INFO
request-property-default-value-changed INFO
request-body-const-added ERR
request-body-const-removed INFO
request-body-const-changed ERR
request-property-const-added ERR
request-property-const-removed INFO
request-property-const-changed ERR
request-property-enum-value-removed ERR
request-read-only-property-enum-value-removed INFO
request-property-enum-value-added INFO
request-body-max-decreased ERR
request-body-max-increased INFO
request-property-max-decreased ERR
request-read-only-property-max-decreased INFO
request-property-max-increased INFO
request-body-exclusive-max-decreased ERR
request-body-exclusive-max-increased INFO
request-property-exclusive-max-decreased ERR
request-read-only-property-exclusive-max-decreased INFO
request-property-exclusive-max-increased INFO
request-body-max-length-set WARN
request-property-max-length-set WARN
request-body-max-length-decreased ERR
request-body-max-length-increased INFO
request-property-max-length-decreased ERR
request-read-only-property-max-length-decreased INFO
request-property-max-length-increased INFO
request-body-max-set WARN
request-property-max-set WARN
request-body-exclusive-max-set WARN
request-property-exclusive-max-set WARN
request-body-min-increased ERR
request-body-min-decreased INFO
request-property-min-increased ERR
request-read-only-property-min-increased INFO
request-property-min-decreased INFO
request-body-exclusive-min-increased ERR
request-body-exclusive-min-decreased INFO
request-property-exclusive-min-increased ERR
request-read-only-property-exclusive-min-increased INFO
request-property-exclusive-min-decreased INFO
request-body-min-items-increased ERR
request-property-min-items-increased ERR
request-body-min-items-set WARN
request-property-min-items-set WARN
request-body-min-length-increased ERR
request-body-min-length-decreased INFO
request-property-min-length-increased ERR
request-property-min-length-decreased INFO
request-body-min-set WARN
request-property-min-set WARN
request-body-exclusive-min-set WARN
request-property-exclusive-min-set WARN
request-body-one-of-added INFO
request-body-one-of-removed ERR
request-property-one-of-added INFO
request-property-one-of-removed ERR
request-property-pattern-removed INFO
request-property-pattern-added ERR
request-property-pattern-changed WARN
request-property-pattern-generalized INFO
request-property-became-required ERR
request-property-became-required-with-default ERR
request-property-became-optional INFO
request-body-type-generalized INFO
request-body-type-compatible INFO
request-body-type-changed ERR
request-property-type-generalized INFO
request-property-type-compatible INFO
request-property-type-changed ERR
request-property-removed WARN
new-required-request-property ERR
new-required-request-property-with-default ERR
new-optional-request-property INFO
request-body-wrapped-in-one-of ERR
request-optional-property-became-not-write-only INFO
request-optional-property-became-write-only INFO
request-optional-property-became-read-only INFO
request-optional-property-became-not-read-only INFO
request-required-property-became-not-write-only INFO
request-required-property-became-write-only INFO
request-required-property-became-read-only INFO
request-required-property-became-not-read-only INFO
request-property-x-extensible-enum-value-removed ERR
response-body-discriminator-added INFO
response-body-discriminator-removed INFO
response-body-discriminator-property-name-changed INFO
response-body-discriminator-mapping-added INFO
response-body-discriminator-mapping-deleted INFO
response-body-discriminator-mapping-changed INFO
response-property-discriminator-added INFO
response-property-discriminator-removed INFO
response-property-discriminator-property-name-changed INFO
response-property-discriminator-mapping-added INFO
response-property-discriminator-mapping-deleted INFO
response-property-discriminator-mapping-changed INFO
response-header-became-optional ERR
required-response-header-removed ERR
optional-response-header-removed WARN
response-header-added INFO
response-header-type-changed ERR
response-header-type-generalized ERR
response-header-type-specialized INFO
response-header-type-compatible INFO
response-header-became-nullable ERR
response-header-became-not-nullable INFO
response-media-type-removed ERR
response-media-type-added INFO
response-media-type-name-changed INFO
response-media-type-name-generalized ERR
response-media-type-name-specialized INFO
response-optional-property-removed WARN
response-optional-write-only-property-removed INFO
response-optional-property-added INFO
response-optional-write-only-property-added INFO
response-optional-property-became-not-write-only INFO
response-optional-property-became-write-only INFO
response-optional-property-became-read-only INFO
response-optional-property-became-not-read-only INFO
response-property-pattern-added INFO
response-property-pattern-changed INFO
response-property-pattern-removed INFO
response-body-all-of-added INFO
response-body-all-of-removed INFO
response-property-all-of-added INFO
response-property-all-of-removed INFO
response-body-all-of-added-annotation-only INFO
response-body-all-of-removed-annotation-only INFO
response-property-all-of-added-annotation-only INFO
response-property-all-of-removed-annotation-only INFO
response-body-any-of-added INFO
response-body-any-of-removed INFO
response-property-any-of-added INFO
response-property-any-of-removed INFO
response-property-became-nullable ERR
response-body-became-nullable ERR
response-property-became-not-nullable INFO
response-body-became-not-nullable INFO
response-property-became-optional ERR
response-write-only-property-became-optional INFO
response-property-became-required INFO
response-write-only-property-became-required INFO
response-body-default-value-added INFO
response-body-default-value-removed INFO
response-body-default-value-changed INFO
response-property-default-value-added INFO
response-property-default-value-removed INFO
response-property-default-value-changed INFO
response-body-const-added INFO
response-body-const-removed ERR
response-body-const-changed ERR
response-property-const-added INFO
response-property-const-removed ERR
response-property-const-changed ERR
response-property-enum-value-added WARN
response-write-only-property-enum-value-added INFO
response-body-max-increased ERR
response-property-max-increased ERR
response-body-exclusive-max-increased ERR
response-property-exclusive-max-increased ERR
response-body-max-length-increased ERR
response-property-max-length-increased ERR
response-body-max-length-unset ERR
response-property-max-length-unset ERR
response-body-min-decreased ERR
response-property-min-decreased ERR
response-body-exclusive-min-decreased ERR
response-property-exclusive-min-decreased ERR
response-body-min-items-decreased ERR
response-property-min-items-decreased ERR
response-body-min-items-unset ERR
response-property-min-items-unset ERR
response-body-min-length-decreased ERR
response-property-min-length-decreased ERR
response-body-one-of-added ERR
response-body-one-of-removed INFO
response-property-one-of-added ERR
response-property-one-of-removed INFO
response-body-type-changed ERR
response-body-type-generalized ERR
response-body-type-specialized INFO
response-body-type-compatible INFO
response-property-type-changed ERR
response-property-type-generalized ERR
response-property-type-specialized INFO
response-property-type-compatible INFO
response-required-property-removed ERR
response-required-write-only-property-removed INFO
response-required-property-added INFO
response-required-write-only-property-added INFO
response-body-wrapped-in-one-of ERR
response-required-property-became-not-write-only WARN
response-required-property-became-write-only INFO
response-required-property-became-read-only INFO
response-required-property-became-not-read-only INFO
response-success-status-removed ERR
response-success-status-added INFO
response-non-success-status-removed INFO
response-non-success-status-added INFO
api-operation-id-removed INFO
api-operation-id-added INFO
api-tag-removed INFO
api-tag-added INFO
webhook-added INFO
webhook-removed ERR
api-schema-removed INFO
response-property-enum-value-removed INFO
response-mediatype-enum-value-removed INFO
request-body-enum-value-removed ERR
request-body-list-of-types-widened INFO
request-body-list-of-types-narrowed ERR
request-property-list-of-types-widened INFO
request-property-list-of-types-narrowed ERR
response-body-list-of-types-widened ERR
response-body-list-of-types-narrowed INFO
response-property-list-of-types-widened ERR
response-property-list-of-types-narrowed INFO
request-parameter-list-of-types-widened INFO
request-parameter-list-of-types-narrowed ERR
request-parameter-property-list-of-types-widened INFO
request-parameter-property-list-of-types-narrowed ERR
request-body-prefix-items-added INFO
request-body-prefix-items-removed ERR
request-property-prefix-items-added INFO
request-property-prefix-items-removed ERR
response-body-prefix-items-added ERR
response-body-prefix-items-removed INFO
response-property-prefix-items-added ERR
response-property-prefix-items-removed INFO
request-body-if-added ERR
request-body-if-removed INFO
request-body-then-added ERR
request-body-then-removed INFO
request-body-else-added ERR
request-body-else-removed INFO
request-property-if-added ERR
request-property-if-removed INFO
request-property-then-added ERR
request-property-then-removed INFO
request-property-else-added ERR
request-property-else-removed INFO
response-body-if-added INFO
response-body-if-removed ERR
response-body-then-added INFO
response-body-then-removed ERR
response-body-else-added INFO
response-body-else-removed ERR
response-property-if-added INFO
response-property-if-removed ERR
response-property-then-added INFO
response-property-then-removed ERR
response-property-else-added INFO
response-property-else-removed ERR
request-body-contains-added ERR
request-body-contains-removed INFO
request-body-min-contains-increased ERR
request-body-min-contains-decreased INFO
request-body-max-contains-increased INFO
request-body-max-contains-decreased ERR
request-property-contains-added ERR
request-property-contains-removed INFO
request-property-min-contains-increased ERR
request-property-min-contains-decreased INFO
request-property-max-contains-increased INFO
request-property-max-contains-decreased ERR
response-body-contains-added INFO
response-body-contains-removed ERR
response-body-min-contains-increased INFO
response-body-min-contains-decreased ERR
response-body-max-contains-increased ERR
response-body-max-contains-decreased INFO
response-property-contains-added INFO
response-property-contains-removed ERR
response-property-min-contains-increased INFO
response-property-min-contains-decreased ERR
response-property-max-contains-increased ERR
response-property-max-contains-decreased INFO
request-body-dependent-required-added ERR
request-body-dependent-required-removed INFO
request-body-dependent-required-changed ERR
request-property-dependent-required-added ERR
request-property-dependent-required-removed INFO
request-property-dependent-required-changed ERR
response-body-dependent-required-added INFO
response-body-dependent-required-removed ERR
response-body-dependent-required-changed ERR
response-property-dependent-required-added INFO
response-property-dependent-required-removed ERR
response-property-dependent-required-changed ERR
request-body-dependent-schema-added ERR
request-body-dependent-schema-removed INFO
request-property-dependent-schema-added ERR
request-property-dependent-schema-removed INFO
response-body-dependent-schema-added INFO
response-body-dependent-schema-removed ERR
response-property-dependent-schema-added INFO
response-property-dependent-schema-removed ERR
request-body-pattern-property-added ERR
request-body-pattern-property-removed INFO
request-property-pattern-property-added ERR
request-property-pattern-property-removed INFO
response-body-pattern-property-added INFO
response-body-pattern-property-removed ERR
response-property-pattern-property-added INFO
response-property-pattern-property-removed ERR
request-body-property-names-added ERR
request-body-property-names-removed INFO
request-property-property-names-added ERR
request-property-property-names-removed INFO
response-body-property-names-added INFO
response-body-property-names-removed ERR
response-property-property-names-added INFO
response-property-property-names-removed ERR
request-body-unevaluated-items-added ERR
request-body-unevaluated-items-removed INFO
request-body-unevaluated-properties-added ERR
request-body-unevaluated-properties-removed INFO
request-property-unevaluated-items-added ERR
request-property-unevaluated-items-removed INFO
request-property-unevaluated-properties-added ERR
request-property-unevaluated-properties-removed INFO
response-body-unevaluated-items-added INFO
response-body-unevaluated-items-removed ERR
response-body-unevaluated-properties-added INFO
response-body-unevaluated-properties-removed ERR
response-property-unevaluated-items-added INFO
response-property-unevaluated-items-removed ERR
response-property-unevaluated-properties-added INFO
response-property-unevaluated-properties-removed ERR
request-body-content-schema-added ERR
request-body-content-schema-removed INFO
request-body-content-media-type-changed ERR
request-body-content-encoding-changed ERR
request-property-content-schema-added ERR
request-property-content-schema-removed INFO
request-property-content-media-type-changed ERR
request-property-content-encoding-changed ERR
response-body-content-schema-added INFO
response-body-content-schema-removed ERR
response-body-content-media-type-changed ERR
response-body-content-encoding-changed ERR
response-property-content-schema-added INFO
response-property-content-schema-removed ERR
response-property-content-media-type-changed ERR
response-property-content-encoding-changed ERR
unclassified-change INFO
"""

# Subjects an id can start with, longest first, and how a description names them.
_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("request-read-only-property-", "A read-only request body property"),
    ("request-optional-property-", "An optional request body property"),
    ("request-required-property-", "A required request body property"),
    ("request-parameter-property-", "A property inside a request parameter's schema"),
    ("request-header-property-", "A property inside a request header's schema"),
    ("request-parameter-", "A request parameter"),
    ("request-property-", "A request body property"),
    ("request-body-", "The request body"),
    ("response-optional-write-only-property-", "An optional write-only response property"),
    ("response-required-write-only-property-", "A required write-only response property"),
    ("response-write-only-property-", "A write-only response property"),
    ("response-optional-property-", "An optional response body property"),
    ("response-required-property-", "A required response body property"),
    ("response-property-", "A response body property"),
    ("response-body-", "The response body"),
    ("response-header-", "A response header"),
    ("response-mediatype-", "A response media type schema"),
    ("api-security-component-oauth-", "An OAuth flow of a security scheme in components"),
    ("api-security-component-", "A security scheme in components"),
    ("api-global-security-", "The document-wide security requirements"),
    ("api-security-", "An operation's security requirements"),
    ("api-stability-", "An operation's x-stability-level"),
)

# What happened to the subject.
_CHANGES: dict[str, str] = {
    "deprecated": "was marked deprecated",
    "deprecated-with-sunset": "was marked deprecated, with a sunset date",
    "deprecated-sunset-missing": "was marked deprecated without the sunset date the deprecation policy asks for",
    "deprecated-sunset-invalid": "was marked deprecated with a sunset date that is not a valid date",
    "reactivated": "is no longer marked deprecated",
    "sunset-date-too-small": "was deprecated with a sunset date sooner than the deprecation policy allows",
    "stability-decreased": "moved to a less stable x-stability-level",
    "stability-increased": "moved to a more stable x-stability-level",
    "decreased": "moved to a less stable level",
    "increased": "moved to a more stable level",
    "max-decreased": "has a lower maximum",
    "max-increased": "has a higher maximum",
    "max-set": "has a maximum where it had none",
    "exclusive-max-decreased": "has a lower exclusiveMaximum",
    "exclusive-max-increased": "has a higher exclusiveMaximum",
    "exclusive-max-set": "has an exclusiveMaximum where it had none",
    "min-increased": "has a higher minimum",
    "min-decreased": "has a lower minimum",
    "min-set": "has a minimum where it had none",
    "exclusive-min-increased": "has a higher exclusiveMinimum",
    "exclusive-min-decreased": "has a lower exclusiveMinimum",
    "exclusive-min-set": "has an exclusiveMinimum where it had none",
    "max-length-decreased": "accepts shorter strings only (maxLength lowered)",
    "max-length-increased": "accepts longer strings (maxLength raised)",
    "max-length-set": "has a maxLength where it had none",
    "max-length-unset": "lost its maxLength",
    "min-length-increased": "needs longer strings (minLength raised)",
    "min-length-decreased": "accepts shorter strings (minLength lowered)",
    "min-items-increased": "needs more array items (minItems raised)",
    "min-items-decreased": "accepts fewer array items (minItems lowered)",
    "min-items-set": "has a minItems where it had none",
    "min-items-unset": "lost its minItems",
    "max-items-increased": "accepts more array items (maxItems raised)",
    "max-items-decreased": "accepts fewer array items (maxItems lowered)",
    "min-contains-increased": "needs more matching items (minContains raised)",
    "min-contains-decreased": "needs fewer matching items (minContains lowered)",
    "max-contains-increased": "allows more matching items (maxContains raised)",
    "max-contains-decreased": "allows fewer matching items (maxContains lowered)",
    "pattern-added": "has a pattern where it had none",
    "pattern-removed": "lost its pattern",
    "pattern-changed": "has a different pattern",
    "pattern-generalized": "has a pattern that now matches any string",
    "enum-value-added": "allows an additional enum value",
    "enum-value-removed": "no longer allows one of its enum values",
    "x-extensible-enum-value-removed": "dropped a value from its x-extensible-enum",
    "became-enum": "is now restricted to an enum",
    "became-nullable": "now allows null",
    "became-not-nullable": "no longer allows null",
    "became-required": "became required",
    "became-required-with-default": "became required although it has a default value",
    "became-optional": "became optional",
    "became-read-only": "became readOnly",
    "became-not-read-only": "is no longer readOnly",
    "became-write-only": "became writeOnly",
    "became-not-write-only": "is no longer writeOnly",
    "type-changed": "changed its type or format",
    "type-generalized": "changed to a wider type or format",
    "type-specialized": "changed to a narrower type or format",
    "type-compatible": "changed its type or format in a way that keeps accepting the same data",
    "list-of-types-widened": "lists more types in its type array",
    "list-of-types-narrowed": "lists fewer types in its type array",
    "default-value-added": "has a default value where it had none",
    "default-value-removed": "lost its default value",
    "default-value-changed": "has a different default value",
    "const-added": "is now pinned to a const value",
    "const-removed": "is no longer pinned to a const value",
    "const-changed": "is pinned to a different const value",
    "discriminator-added": "has a discriminator where it had none",
    "discriminator-removed": "lost its discriminator",
    "discriminator-property-name-changed": "uses a different discriminator propertyName",
    "discriminator-mapping-added": "has new discriminator mapping entries",
    "discriminator-mapping-deleted": "lost discriminator mapping entries",
    "discriminator-mapping-changed": "maps a discriminator value to a different schema",
    "all-of-added": "has a new allOf subschema",
    "all-of-removed": "lost an allOf subschema",
    "all-of-added-annotation-only": "has a new allOf subschema that only carries annotations (no effect on valid data)",
    "all-of-removed-annotation-only": "lost an allOf subschema that only carried annotations (no effect on valid data)",
    "any-of-added": "has a new anyOf alternative",
    "any-of-removed": "lost an anyOf alternative",
    "one-of-added": "has a new oneOf alternative",
    "one-of-removed": "lost a oneOf alternative",
    "wrapped-in-one-of": "was moved inside a oneOf",
    "prefix-items-added": "has a new prefixItems position",
    "prefix-items-removed": "lost a prefixItems position",
    "if-added": "has an if subschema where it had none",
    "if-removed": "lost its if subschema",
    "then-added": "has a then subschema where it had none",
    "then-removed": "lost its then subschema",
    "else-added": "has an else subschema where it had none",
    "else-removed": "lost its else subschema",
    "contains-added": "has a contains constraint where it had none",
    "contains-removed": "lost its contains constraint",
    "dependent-required-added": "has new dependentRequired entries",
    "dependent-required-removed": "lost dependentRequired entries",
    "dependent-required-changed": "changed the properties a dependentRequired entry asks for",
    "dependent-schema-added": "has a new dependentSchemas entry",
    "dependent-schema-removed": "lost a dependentSchemas entry",
    "pattern-property-added": "has a new patternProperties entry",
    "pattern-property-removed": "lost a patternProperties entry",
    "property-names-added": "has a propertyNames constraint where it had none",
    "property-names-removed": "lost its propertyNames constraint",
    "unevaluated-items-added": "has an unevaluatedItems constraint where it had none",
    "unevaluated-items-removed": "lost its unevaluatedItems constraint",
    "unevaluated-properties-added": "has an unevaluatedProperties constraint where it had none",
    "unevaluated-properties-removed": "lost its unevaluatedProperties constraint",
    "content-schema-added": "has a contentSchema where it had none",
    "content-schema-removed": "lost its contentSchema",
    "content-media-type-changed": "has a different contentMediaType",
    "content-encoding-changed": "has a different contentEncoding",
    "media-type-added": "accepts an additional media type",
    "media-type-removed": "no longer accepts one of its media types",
    "media-type-schema-added": "has a schema for a media type that had none",
    "media-type-schema-removed": "lost the schema of one of its media types",
    "became-optional-header": "became optional",
    "removed": "was removed",
    "added": "was added",
    "deleted": "was removed",
    "scope-added": "grants an additional OAuth scope",
    "scope-removed": "no longer lists one of its OAuth scopes",
    "scope-changed": "changed the description of an OAuth scope",
    "url-changed": "has a different authorization URL",
    "token-url-changed": "has a different token URL",
    "type-changed-scheme": "has a different scheme type",
}

# Ids whose wording does not follow subject + change.
_SPECIAL: dict[str, str] = {
    "endpoint-added": "An operation was added.",
    "endpoint-deprecated": "An operation was marked deprecated.",
    "endpoint-deprecated-with-sunset": "An operation was marked deprecated, with a sunset date.",
    "endpoint-reactivated": "An operation is no longer marked deprecated.",
    "api-removed-without-deprecation": "An operation was removed without being deprecated first.",
    "api-removed-with-deprecation": "A deprecated operation was removed after its sunset date.",
    "api-removed-before-sunset": "A deprecated operation was removed before its sunset date.",
    "api-path-removed-without-deprecation": "A whole path was removed although its operations were not deprecated.",
    "api-path-removed-with-deprecation": "A whole path was removed after its operations were deprecated.",
    "api-path-removed-before-sunset": "A whole path was removed before the sunset date of its operations.",
    "api-path-sunset-parse": "The x-sunset date of a deprecated operation is missing or not a valid date.",
    "api-deprecated-sunset-parse": "An operation was deprecated with an x-sunset value that is not a valid date.",
    "api-deprecated-sunset-missing": "An operation was deprecated without the sunset date the deprecation policy asks for.",
    "api-sunset-date-too-small": "An operation was deprecated with a sunset date sooner than the deprecation policy allows.",
    "api-sunset-date-changed-too-small": "The sunset date of a deprecated operation moved sooner than the deprecation policy allows.",
    "api-invalid-stability-level": "An operation's x-stability-level is not one of draft, alpha, beta or stable.",
    "sunset-deleted": "A deprecated operation lost its sunset date.",
    "request-parameter-sunset-deleted": "A deprecated request parameter lost its sunset date.",
    "request-parameter-sunset-parse": "The x-sunset date of a deprecated request parameter is missing or not a valid date.",
    "request-parameter-sunset-date-changed-too-small": "The sunset date of a deprecated request parameter moved sooner than the deprecation policy allows.",
    "request-parameter-removed-with-deprecation": "A deprecated request parameter was removed after its sunset date.",
    "request-parameter-removed-before-sunset": "A deprecated request parameter was removed before its sunset date.",
    "request-parameter-removed": "A request parameter was removed without being deprecated first.",
    "request-parameter-deprecated-sunset-missing": "A request parameter was deprecated without the sunset date the deprecation policy asks for.",
    "request-parameter-became-required": "An optional request parameter became required.",
    "request-parameter-became-optional": "A required request parameter became optional.",
    "request-body-added-required": "A required request body was added to an operation that had none.",
    "request-body-added-optional": "An optional request body was added to an operation that had none.",
    "request-body-removed": "The request body of an operation was removed.",
    "request-body-became-required": "The request body became required.",
    "request-body-became-optional": "The request body became optional.",
    "request-body-enum-value-removed": "The request body schema no longer allows one of its enum values.",
    "new-required-request-parameter": "A required request parameter was added to an operation.",
    "new-optional-request-parameter": "An optional request parameter was added to an operation.",
    "new-required-request-default-parameter-to-existing-path": "A required parameter was added at path level, so every operation of the path needs it.",
    "new-optional-request-default-parameter-to-existing-path": "An optional parameter was added at path level.",
    "new-request-path-parameter": "A path parameter was added to an operation.",
    "new-required-request-header-property": "A required property was added to the object schema of a request header.",
    "new-required-request-property": "A required property was added to the request body.",
    "new-required-request-property-with-default": "A required property with a default value was added to the request body.",
    "new-optional-request-property": "An optional property was added to the request body.",
    "request-property-removed": "A property was removed from the request body schema.",
    "response-optional-property-removed": "An optional property was removed from a response body.",
    "response-optional-property-added": "An optional property was added to a response body.",
    "response-optional-write-only-property-removed": "An optional writeOnly property (never sent in responses) was removed from a response schema.",
    "response-optional-write-only-property-added": "An optional writeOnly property (never sent in responses) was added to a response schema.",
    "response-required-property-removed": "A required property was removed from a response body.",
    "response-required-property-added": "A required property was added to a response body.",
    "response-required-write-only-property-removed": "A required writeOnly property (never sent in responses) was removed from a response schema.",
    "response-required-write-only-property-added": "A required writeOnly property (never sent in responses) was added to a response schema.",
    "response-write-only-property-became-optional": "A writeOnly property of a response schema became optional (it is never sent in responses).",
    "response-write-only-property-became-required": "A writeOnly property of a response schema became required (it is never sent in responses).",
    "response-write-only-property-enum-value-added": "A writeOnly property of a response schema allows an additional enum value (it is never sent in responses).",
    "request-read-only-property-enum-value-removed": "A readOnly request property dropped an enum value (clients never send it).",
    "response-header-added": "A response header was added.",
    "required-response-header-removed": "A required response header was removed.",
    "optional-response-header-removed": "An optional response header was removed.",
    "response-header-became-optional": "A required response header became optional.",
    "response-media-type-removed": "A response no longer offers one of its media types.",
    "response-media-type-added": "A response offers an additional media type.",
    "response-media-type-name-changed": "A response media type was replaced by an unrelated one.",
    "response-media-type-name-generalized": "A response media type was replaced by a wider one (e.g. a wildcard).",
    "response-media-type-name-specialized": "A response media type was replaced by a more specific one.",
    "response-success-status-removed": "A success (2xx) response status was removed.",
    "response-success-status-added": "A success (2xx) response status was added.",
    "response-non-success-status-removed": "A non-success response status was removed.",
    "response-non-success-status-added": "A non-success response status was added.",
    "response-mediatype-enum-value-removed": "The schema of a response media type no longer allows one of its enum values.",
    "api-operation-id-removed": "An operation lost its operationId.",
    "api-operation-id-added": "An operation got an operationId, or a different one.",
    "api-tag-removed": "A tag was removed from an operation.",
    "api-tag-added": "A tag was added to an operation.",
    "webhook-added": "A webhook was added.",
    "webhook-removed": "A webhook was removed.",
    "api-schema-removed": "A schema was removed from components/schemas.",
    "api-security-component-added": "A security scheme was added to components/securitySchemes.",
    "api-security-component-removed": "A security scheme was removed from components/securitySchemes.",
    "api-security-component-type-changed": "A security scheme in components changed its type.",
    "api-security-component-oauth-url-changed": "An OAuth flow of a security scheme in components has a different authorization URL.",
    "api-security-component-oauth-token-url-changed": "An OAuth flow of a security scheme in components has a different token URL.",
    "api-security-added": "A security requirement was added to an operation.",
    "api-security-removed": "A security requirement was removed from an operation.",
    "api-global-security-added": "A document-wide security requirement was added.",
    "api-global-security-removed": "A document-wide security requirement was removed.",
    "api-version-not-bumped": "There are breaking changes but info.version did not change.",
    "api-version-decreased": "There are breaking changes and info.version went down.",
    "api-major-version-not-bumped": "There are breaking changes but the major part of info.version did not increase.",
    "unclassified-change": "A difference no rule classifies (extensions, metadata, newer OpenAPI features); listed so nothing changes silently.",
    "response-header-type-changed": "A response header schema changed its type or format.",
    "response-header-type-generalized": "A response header schema changed to a wider type, so clients may receive values they cannot parse.",
    "response-header-type-specialized": "A response header schema changed to a narrower type.",
    "response-header-type-compatible": "A response header schema changed its type in a way that keeps the same values.",
    "response-header-became-nullable": "A response header schema now allows null.",
    "response-header-became-not-nullable": "A response header schema no longer allows null.",
}


def describe(rule_id: str) -> str:
    """govern's description of `rule_id`, built from its subject and its change."""
    if rule_id in _SPECIAL:
        return _SPECIAL[rule_id]
    for prefix, subject in _SUBJECTS:
        if rule_id.startswith(prefix):
            change = _CHANGES.get(rule_id[len(prefix):])
            if change:
                return f"{subject} {change}."
    raise KeyError(f"no description for OpenAPI rule {rule_id!r}")


def _area(rule_id: str) -> str:
    if "security" in rule_id:
        return "security"
    if rule_id.startswith(("webhook", "endpoint", "api-path", "api-removed", "api-operation", "api-tag")):
        return "operations"
    if "sunset" in rule_id or "stability" in rule_id or "deprecat" in rule_id or "reactivated" in rule_id:
        return "lifecycle"
    if rule_id.startswith("api-version") or rule_id.startswith("api-major"):
        return "versioning"
    if "header" in rule_id:
        return "headers" if "response" in rule_id else "parameters"
    if "parameter" in rule_id:
        return "parameters"
    if "media-type" in rule_id or "mediatype" in rule_id:
        return "media-types"
    if "status" in rule_id:
        return "responses"
    if rule_id.startswith(("request", "new-", "response")):
        return "request-body" if rule_id.startswith(("request", "new-")) else "response-body"
    return "components" if rule_id.startswith("api-schema") else "other"


# oasdiff ids govern does not implement (and so does not declare): a header value is text on
# the wire, and oasdiff does not say which header type changes it counts as compatible.
NOT_IMPLEMENTED = frozenset({"response-header-type-compatible"})


def _parse_table() -> dict[str, Level]:
    out: dict[str, Level] = {}
    for line in _TABLE.split("\n"):
        if line.strip():
            rid, level = line.split()
            if rid not in NOT_IMPLEMENTED:
                out[rid] = Level[level]
    return out


LEVELS: dict[str, Level] = _parse_table()
RULES: dict[str, Rule] = {
    rid: declare(rid, level=level, kind=KIND, description=describe(rid), area=_area(rid))
    for rid, level in LEVELS.items()
}
