"""Render the new-service templates (shipped as govern/templates/new-service) into file texts."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from govern.scaffold.answers import (
    ANSWERS_FILE,
    Answers,
    camel,
    dump_answers,
    pascal,
    snake,
)

TEMPLATE_FORMAT = "new-service/1"

# (component name, description, whether the answer carries Retry-After)
PROBLEMS = (
    ("BadRequest", "The request is malformed.", False),
    ("Unauthorized", "The bearer token is missing, expired or invalid.", False),
    ("Forbidden", "The caller may not do this.", False),
    ("NotFound", "Nothing with this identifier is visible to the caller.", False),
    ("Conflict", ("The request conflicts with the current state, or a request with the same "
                  "Idempotency-Key is still being processed."), False),
    ("UnprocessableContent", ("The request is well-formed but fails validation, or reuses an "
                              "Idempotency-Key with a different body."), False),
    ("TooManyRequests", "Too many requests; retry after the time in Retry-After.", True),
    ("InternalError", "The service failed; retrying later may succeed.", False),
    ("ServiceUnavailable", "The service cannot take traffic now; retry after the time in Retry-After.", True),
)
# The domain events: the verb, and what the event's data holds ({r}: the resource's words).
EVENTS = (
    {"verb": "created", "Verb": "Created", "payload": "The {r} as it was created."},
    {"verb": "updated", "Verb": "Updated", "payload": "The {r} after the change."},
    {"verb": "deleted", "Verb": "Deleted", "payload": "Which {r} was deleted, and when."},
)


def template_dirs() -> list[str]:
    """The wheel's govern/templates/new-service, else the repo's templates/new-service."""
    from govern.templating import template_dirs as dirs

    return dirs("new-service")


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9._/-]*$")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"})


def _yaml_scalar(value: Any) -> str:
    """A YAML-safe scalar: plain when it reads back as the same string, else a JSON string
    (valid YAML), so '@team', 'a: b' or 'no' keep their text."""
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=True)


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    from govern.templating import environment as make

    return make("new-service", filters={"yq": _yaml_scalar})


def delivery_attempts() -> int:
    from govern.recommend.resilience import resilience_defaults

    value = resilience_defaults(["dead-letter-queue"]).get("dead-letter-queue", {}).get("max_delivery_attempts", 3)
    return int(value)


def context(answers: Answers) -> dict[str, Any]:
    """Everything the templates read, derived from the answers only (same answers, same output)."""
    name, resource, plural_form = answers.name, answers.resource, answers.resource_plural
    return {
        **answers.as_dict(),
        "title": " ".join(part.capitalize() for part in name.split("-")),
        "pkg": snake(name),
        "R": pascal(resource),
        "Rs": pascal(plural_form),
        "Rwords": resource.replace("-", " ").capitalize(),
        "r_camel": camel(resource),
        "r_snake": snake(resource),
        "rs_snake": snake(plural_form),
        "resource_words": resource.replace("-", " "),
        "a_resource": ("an " if resource[0] in "aeiou" else "a ") + resource.replace("-", " "),
        "resource_words_plural": plural_form.replace("-", " "),
        "problems": PROBLEMS,
        "event_kinds": [{**e, "payload": e["payload"].format(r=resource.replace("-", " "))} for e in EVENTS],
        "delivery_attempts": delivery_attempts(),
    }


def plan(answers: Answers) -> list[tuple[str, str | None]]:
    """(output path, template) for every file, in the order they are listed; None: made in code."""
    files: list[tuple[str, str | None]] = [("README.md", "README.md.j2"), ("govern.yaml", "govern.yaml.j2")]
    if answers.rest:
        files.append(("openapi.yaml", "openapi/openapi.yaml.j2"))
    if answers.grpc:
        pkg = snake(answers.name)
        files += [
            ("proto/buf.yaml", "proto/buf.yaml.j2"),
            (f"proto/{pkg}/v1/{snake(answers.resource)}_service.proto", "proto/service.proto.j2"),
            (f"proto/{pkg}/v1/health.proto", "proto/health.proto.j2"),
        ]
    if answers.events:
        files.append(("asyncapi.yaml", "asyncapi/asyncapi.yaml.j2"))
    files.append((ANSWERS_FILE, None))
    return files


def render_all(answers: Answers) -> dict[str, str]:
    """{relative path: text} for every file of the scaffold."""
    env = environment()
    ctx = context(answers)
    out: dict[str, str] = {}
    for path, template in plan(answers):
        if template is None:
            out[path] = dump_answers(answers)
        else:
            text = str(env.get_template(template).render(**ctx))
            out[path] = text.rstrip("\n") + "\n"
    return out
