"""Jinja environment for the recommend templates (shipped as govern/templates/recommend)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "recommend"


def template_dirs() -> list[str]:
    """The wheel's govern/templates/recommend, else the repo's templates/recommend (development)."""
    from importlib.resources import files

    dirs: list[str] = []
    packaged = files("govern").joinpath("templates", "recommend")
    if packaged.is_dir():
        dirs.append(str(packaged))
    if REPO_TEMPLATES.is_dir():
        dirs.append(str(REPO_TEMPLATES))
    return dirs


@functools.lru_cache(maxsize=2)
def environment(html: bool) -> Any:
    import jinja2

    dirs = template_dirs()
    if not dirs:
        raise RuntimeError("govern's recommend templates are missing from this installation")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    env.filters["lowerfirst"] = lower_first
    env.filters["code_spans"] = code_spans
    return env


def lower_first(text: str) -> str:
    """'Simple and familiar' -> 'simple and familiar'; leaves 'REST ...' and 'gRPC ...' alone."""
    text = str(text)
    word = text.split(" ", 1)[0]
    if word and word[0].isupper() and (word[1:].islower() or len(word) == 1) and word != "I":
        return text[0].lower() + text[1:]
    return text


def code_spans(text: str) -> Any:
    """HTML: escape `text`, then turn Markdown `code` spans into <code> elements."""
    import re

    from markupsafe import Markup, escape

    escaped = str(escape(str(text)))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def render(name: str, html: bool, **context: Any) -> str:
    return str(environment(html).get_template(name).render(**context))
