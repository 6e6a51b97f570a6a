"""Deprecation, sunset dates and stability levels (`deprecated`, `x-sunset`, `x-stability-level`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

STABILITY_ORDER = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}
SUNSET_KEY = "x-sunset"
STABILITY_KEY = "x-stability-level"


class BadDate(ValueError):
    """An `x-sunset` value that is not a date."""


def parse_sunset(value: Any) -> date | None:
    """The sunset date in `value` (None when absent); BadDate when it is not a date.

    Accepts `YYYY-MM-DD`, an RFC 3339 date-time, or a date the YAML loader already parsed.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise BadDate(f"{value!r} is not a date")
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        stamp = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        return datetime.fromisoformat(stamp).date()
    except ValueError:
        raise BadDate(f"{value!r} is not a date (use YYYY-MM-DD or an RFC 3339 date-time)") from None


def is_deprecated(node: Any) -> bool:
    return isinstance(node, dict) and node.get("deprecated") is True


def stability(node: Any) -> tuple[str | None, bool]:
    """(level, valid). Absent is (None, True); anything outside draft/alpha/beta/stable is invalid."""
    if not isinstance(node, dict) or STABILITY_KEY not in node:
        return None, True
    value = node[STABILITY_KEY]
    if isinstance(value, str) and value in STABILITY_ORDER:
        return value, True
    return (str(value) if not isinstance(value, (dict, list)) else "<non-scalar>"), False


def required_days(level: str | None, days_beta: int, days_stable: int) -> int:
    """How many days ahead a sunset must be, for an API at `level` (draft/alpha: none)."""
    if level in ("draft", "alpha"):
        return 0
    if level == "beta":
        return days_beta
    return days_stable
