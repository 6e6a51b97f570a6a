"""Jinja environment for the client templates (shipped as govern/templates/clients)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "clients"


def template_dirs() -> list[str]:
    """The wheel's govern/templates/clients, else the repo's templates/clients (development)."""
    from importlib.resources import files

    dirs: list[str] = []
    packaged = files("govern").joinpath("templates", "clients")
    if packaged.is_dir():
        dirs.append(str(packaged))
    if REPO_TEMPLATES.is_dir():
        dirs.append(str(REPO_TEMPLATES))
    return dirs


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2

    dirs = template_dirs()
    if not dirs:
        raise RuntimeError("govern's client templates are missing from this installation")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pyrepr"] = py_literal
    env.filters["docline"] = docline
    return env


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
