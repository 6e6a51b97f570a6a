"""The Jinja templates govern ships: `govern/templates/<set>` inside the wheel, `templates/<set>`
in a development checkout (the wheel's copy first). One place builds their environments."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

REPO_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def template_dirs(template_set: str) -> list[str]:
    """Where the templates of `template_set` (recommend, new-service, clients) are."""
    from importlib.resources import files

    dirs: list[str] = []
    packaged = files("govern").joinpath("templates", template_set)
    if packaged.is_dir():
        dirs.append(str(packaged))
    repo = REPO_TEMPLATES / template_set
    if repo.is_dir():
        dirs.append(str(repo))
    return dirs


def environment(template_set: str, *, html: bool = False, filters: dict[str, Callable[..., Any]] | None = None) -> Any:
    """A strict Jinja environment over `template_set` (autoescaped for HTML)."""
    import jinja2

    dirs = template_dirs(template_set)
    if not dirs:
        raise RuntimeError(f"govern's {template_set} templates are missing from this installation")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters or {})
    return env
