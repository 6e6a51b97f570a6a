"""Jinja environment for the recommend templates (shipped as govern/templates/recommend)."""

from __future__ import annotations

import functools
from typing import Any


def template_dirs() -> list[str]:
    """The wheel's govern/templates/recommend, else the repo's templates/recommend (development)."""
    from govern.templating import template_dirs as dirs

    return dirs("recommend")


@functools.lru_cache(maxsize=2)
def environment(html: bool) -> Any:
    from govern.templating import environment as make

    env = make("recommend", html=html)
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
