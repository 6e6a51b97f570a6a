"""`--format html`: one self-contained page (inline CSS and SVG charts, no network)."""

from __future__ import annotations

from typing import Any

from govern.recommend.report_model import build_view
from govern.recommend.scoring import Decision
from govern.recommend.templates import render

ROLE_COLORS = {
    "primary": "#1f4e9c",
    "supporting": "#2a9d8f",
    "alternative": "#9aa3ad",
    "avoid": "#c0392b",
}
# Cell fill and text colour by how favourable a level is (0 worst .. 1 best; None unknown).
GOOD = ("#cfe8d1", "#1b5e20")
MIDDLE = ("#fdf0c2", "#6d5200")
POOR = ("#f7cdcd", "#8e1b1b")
UNKNOWN = ("#eef0f2", "#8a939c")


def _cell_colors(goodness: float | None) -> tuple[str, str]:
    if goodness is None:
        return UNKNOWN
    if goodness >= 0.75:
        return GOOD
    if goodness >= 0.25:
        return MIDDLE
    return POOR


def score_chart(options: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars, one per candidate, from a zero line (negative scores go left)."""
    label_w, bar_w, value_w, row_h, top = 250, 560, 50, 26, 30
    scores = [o["score"] for o in options] or [0]
    lo, hi = min(0, *scores), max(1, *scores)
    span = hi - lo
    unit = bar_w / span
    zero = label_w + (0 - lo) * unit
    rows = []
    for i, o in enumerate(options):
        y = top + i * row_h
        x1, x2 = sorted((zero, zero + o["score"] * unit))
        rows.append(
            {
                "y": y,
                "label": o["name"],
                "id": o["id"],
                "role": o["role"],
                "score": o["score"],
                "x": round(x1, 1),
                "w": round(max(x2 - x1, 1.5), 1),
                "color": ROLE_COLORS[o["role"]],
                # Negative values are written right of the zero line, clear of the row label.
                "value_x": round((x2 + 6) if o["score"] >= 0 else (zero + 6), 1),
                "anchor": "start",
                "band": i % 2 == 0,
            }
        )
    ticks = []
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    for value in range((lo // step) * step, hi + 1, step):
        if lo <= value <= hi:
            ticks.append({"x": round(zero + value * unit, 1), "value": value})
    height = top + len(options) * row_h + 28
    kinds = [o["kind"] == "resilience" for o in options]
    divider = top + kinds.index(True) * row_h if True in kinds and False in kinds else None
    return {
        "divider_y": divider,
        "width": label_w + bar_w + value_w + 20,
        "height": height,
        "label_w": label_w,
        "zero": round(zero, 1),
        "rows": rows,
        "ticks": ticks,
        "axis_y": height - 22,
        "top": top - 6,
        "legend": [{"role": r, "color": c} for r, c in ROLE_COLORS.items()],
    }


def tradeoff_grid(options: list[dict[str, Any]], axes: list[dict[str, Any]]) -> dict[str, Any]:
    """A pattern x axis grid, each cell coloured by how favourable that pattern's level is."""
    label_w, cell_w, cell_h, head_h = 190, 86, 32, 52
    rows = []
    for r, o in enumerate(options):
        y = head_h + r * cell_h
        cells = []
        for c, attr in enumerate(o["attributes"]):
            fill, ink = _cell_colors(attr["goodness"])
            cells.append(
                {
                    "x": label_w + c * cell_w,
                    "cx": label_w + c * cell_w + cell_w / 2,
                    "fill": fill,
                    "ink": ink,
                    "text": attr["value"] or "—",
                    "title": f"{o['name']} · {attr['label']}: {attr['value'] or 'not rated'} {attr['cite']}".strip(),
                }
            )
        rows.append({"y": y, "ty": y + cell_h / 2 + 4, "label": o["name"], "role": o["role"], "cells": cells})
    heads = []
    for c, axis in enumerate(axes):
        words = axis["label"].split(" ", 1)
        heads.append(
            {
                "cx": label_w + c * cell_w + cell_w / 2,
                "line1": words[0],
                "line2": words[1] if len(words) > 1 else "",
                "better": axis["better"],
            }
        )
    return {
        "width": label_w + len(axes) * cell_w + 2,
        "height": head_h + len(options) * cell_h + 2,
        "label_w": label_w,
        "cell_w": cell_w,
        "cell_h": cell_h,
        "head_h": head_h,
        "rows": rows,
        "heads": heads,
        "legend": [
            {"fill": GOOD[0], "ink": GOOD[1], "text": "favourable end"},
            {"fill": MIDDLE[0], "ink": MIDDLE[1], "text": "middle"},
            {"fill": POOR[0], "ink": POOR[1], "text": "unfavourable end"},
            {"fill": UNKNOWN[0], "ink": UNKNOWN[1], "text": "not rated by the seeds"},
        ],
    }


def chain_chart(chain: dict[str, Any]) -> dict[str, Any] | None:
    """Boxes for a short synchronous chain, with latency and availability so far under each."""
    rows = chain["rows"]
    if len(rows) > 8:
        return None
    box_w, gap, box_h, top = 150, 34, 54, 12
    boxes = []
    for i, r in enumerate(rows):
        x = 10 + i * (box_w + gap)
        boxes.append(
            {
                "x": x,
                "cx": x + box_w / 2,
                "service": r["service"],
                "own": f"{r['latency']} · {r['availability']}",
                "cum": f"Σ {r['cum_latency']} · Π {r['cum_availability']}",
                "arrow": i < len(rows) - 1,
                "ax1": x + box_w + 2,
                "ax2": x + box_w + gap - 4,
            }
        )
    return {
        "width": 20 + len(rows) * box_w + (len(rows) - 1) * gap,
        "height": top + box_h + 40,
        "box_w": box_w,
        "box_h": box_h,
        "top": top,
        "mid": top + box_h / 2,
        "boxes": boxes,
    }


def render_html(
    decision: Decision, *, date: str, title: str | None = None, answers_file: str | None = None
) -> str:
    view = build_view(decision, title=title, date=date, answers_file=answers_file)
    view["score_chart"] = score_chart(view["options"])
    view["grid"] = tradeoff_grid(view["design_options"], view["axes"])
    view["chain_chart"] = chain_chart(view["chain"]) if view["chain"] else None
    view["role_colors"] = ROLE_COLORS
    return render("report.html.j2", True, **view)
