"""`--format markdown`: an Architecture Decision Record in MADR 4.0 form."""

from __future__ import annotations

import re

from govern.recommend.report_model import build_view
from govern.recommend.scoring import Decision
from govern.recommend.templates import render


def render_markdown(
    decision: Decision, *, date: str, title: str | None = None, answers_file: str | None = None
) -> str:
    view = build_view(decision, title=title, date=date, answers_file=answers_file)
    text = render("adr.md.j2", False, **view)
    text = re.sub(r"\n{3,}", "\n\n", text)  # template branches leave blank runs; Markdown wants one
    return text.rstrip("\n") + "\n"
