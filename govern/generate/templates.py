"""Jinja environment for the client templates (shipped as govern/templates/clients)."""

from __future__ import annotations

import functools
import json
from typing import Any


def template_dirs() -> list[str]:
    """The wheel's govern/templates/clients, else the repo's templates/clients (development)."""
    from govern.templating import template_dirs as dirs

    return dirs("clients")


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    from govern.templating import environment as make

    return make("clients", filters={"pyrepr": py_literal, "docline": docline})


def py_literal(value: Any) -> str:
    """A Python literal for JSON-like data (`True`, not `true`), stable across runs."""
    return repr(value)


def docline(text: Any) -> str:
    """One line of text that is safe inside a triple-quoted docstring."""
    line = " ".join(str(text or "").split())
    return line.replace("\\", "\\\\").replace('"""', "'''")


def render(template: str, **context: Any) -> str:
    text = str(environment().get_template(template).render(**context))
    return text.rstrip("\n") + "\n"


def json_text(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
