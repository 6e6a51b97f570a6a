"""Markdown for a pull-request comment: verdict first, then breaking changes, warnings and a
collapsible changelog; always under GitHub's comment size limit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from govern import __version__
from govern.report import Report
from govern.rules.finding import Finding, Level, sort_findings, summarize

# GitHub refuses comments longer than 65,536 characters (counted in UTF-16 code units).
COMMENT_LIMIT = 65_536
MESSAGE_LIMIT = 1_000
# Lets a CI job find its earlier comment and update it instead of adding another.
MARKER = "<!-- govern-report -->"


@dataclass(frozen=True)
class Words:
    """How a command names its findings."""

    err: tuple[str, str]  # one, many
    info: tuple[str, str]
    err_title: str
    info_title: str
    meanings: tuple[str, str, str]  # ERR, WARN, INFO


DIFF_WORDS = Words(
    ("breaking change", "breaking changes"), ("change", "changes"), "Breaking changes", "Changelog",
    ("breaks existing clients", "may break clients", "compatible change"),
)
OTHER_WORDS = Words(
    ("error", "errors"), ("notice", "notices"), "Errors", "Notices", ("error", "warning", "notice")
)

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# `@name` would notify a GitHub user and `#123` link (and back-link) an issue.
_MENTION = re.compile(r"([@#])(?=[0-9A-Za-z])")


def escape(text: str) -> str:
    """Plain text made inert in GitHub Markdown: no emphasis, links, HTML, tables or mentions;
    line breaks kept as `<br>`."""
    lines = []
    for line in text.splitlines() or [""]:
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        line = _SPECIAL.sub(r"\\\1", line)
        lines.append(_MENTION.sub("\\1\u2060", line))
    return "<br>".join(lines)


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it holds; line breaks become spaces."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _count(n: int, forms: tuple[str, str]) -> str:
    return f"{n} {forms[0] if n == 1 else forms[1]}"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _message(f: Finding) -> str:
    text = f.message
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT] + "…"
    out = escape(text)
    if f.location.pointer:
        out += f" — at {code(f.location.pointer)}"
    return out


def _bullet(f: Finding) -> str:
    """A breaking change or warning: `file:line` `rule-id`: message."""
    place = f.location.short()
    return f"- {code(place) + ' ' if place else ''}{code(f.id)}: {_message(f)}"


def _changelog_bullet(f: Finding) -> str:
    line = f" (line {f.location.line})" if f.location.line is not None else ""
    return f"- {code(f.id)}{line}: {_message(f)}"


def _verdict(report: Report, counts: dict[str, int], words: Words) -> str:
    icon = "❌" if report.failed else "✅"
    if counts["ERR"]:
        phrase = _count(counts["ERR"], words.err)
    else:
        phrase = f"no {words.err[1]}"
        if counts["WARN"]:
            phrase += ", " + _count(counts["WARN"], ("warning", "warnings"))
        if counts["INFO"]:
            phrase += ", " + _count(counts["INFO"], words.info)
    return f"## govern {report.command}: {icon} {phrase}"


def _context(report: Report, counts: dict[str, int]) -> str:
    if report.command == "diff" and len(report.inputs) == 2:
        scope = f"Compared {code(report.inputs[0])} → {code(report.inputs[1])}"
    else:
        scope = f"Checked {_count(len(report.inputs), ('contract', 'contracts'))}"
    result = "**passes**"
    if report.failed:
        try:
            threshold = Level.parse(report.fail_on)
            hits = sum(counts[level.name] for level in Level if level >= threshold)
            result = f"**fails** ({_count(hits, ('finding', 'findings'))} at or above {threshold.name})"
        except ValueError:
            result = "**fails**"
    return f"{scope} · `--fail-on {report.fail_on}`: {result}"


def _table(counts: dict[str, int], words: Words) -> list[str]:
    rows = ["| Level | Meaning | Count |", "|---|---|--:|"]
    for level, meaning in zip(("ERR", "WARN", "INFO"), words.meanings):
        rows.append(f"| {level} | {meaning} | {counts[level]} |")
    return rows


def _omitted(n: int, what: str, command: str) -> str:
    return (
        f"- _…and {n} more {what} not shown: this comment has reached GitHub's size limit. "
        f"`govern {command} --format text` lists them all._"
    )


class _Budget:
    """Lets lines in while the comment stays under its limit; once one does not fit, none does,
    so what is shown is always a prefix of each list in order of importance."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.full = False

    def fits(self, *lines: str) -> bool:
        cost = sum(_utf16_len(line) + 1 for line in lines)
        if self.full or cost > self.room:
            self.full = True
            return False
        self.room -= cost
        return True


def render(report: Report, *, color: bool = False, limit: int = COMMENT_LIMIT) -> str:
    findings = sort_findings(report.findings)
    counts = summarize(findings)
    words = DIFF_WORDS if report.command == "diff" else OTHER_WORDS
    head = [_verdict(report, counts, words), "", _context(report, counts), ""]
    if findings:
        head += _table(counts, words) + [""]
    footer = [f"<sub>govern {__version__} · `govern {report.command} --format markdown`</sub>", MARKER]
    # Room for the fixed parts, the section titles and one truncation note per section.
    reserved = "\n".join(head + footer) + _omitted(10**9, words.err[1], report.command) * 3
    budget = _Budget(limit - _utf16_len(reserved) - 500)

    body: list[str] = []
    sections = ((words.err_title, Level.ERR, words.err[1]), ("Warnings", Level.WARN, "warnings"))
    for title, level, noun in sections:
        at_level = [f for f in findings if f.level is level]
        if not at_level:
            continue
        body += [f"### {title} ({len(at_level)})", ""]
        shown = [line for line in map(_bullet, at_level) if budget.fits(line)]
        body += shown
        if len(shown) < len(at_level):
            body.append(_omitted(len(at_level) - len(shown), noun, report.command))
        body.append("")

    infos = sorted(
        (f for f in findings if f.level is Level.INFO),
        key=lambda f: (not f.location.file, f.location.file or "", f.location.line or 0, f.id, f.message),
    )
    if infos:
        body += ["<details>", f"<summary>{words.info_title} ({_count(len(infos), words.info)})</summary>", ""]
        hidden = 0
        for file, group in groupby(infos, key=lambda f: f.location.file or ""):
            items = list(group)
            title = f"#### {code(file) if file else '(no file)'}"
            if not budget.fits(title, ""):
                hidden += len(items)
                continue
            shown = [line for line in map(_changelog_bullet, items) if budget.fits(line)]
            if shown:
                body += [title, ""] + shown + [""]
            hidden += len(items) - len(shown)
        if hidden:
            body += [_omitted(hidden, words.info[1], report.command), ""]
        body += ["</details>", ""]
    body += _waived(report, budget)
    return "\n".join(head + body + footer) + "\n"


def _waived(report: Report, budget: _Budget) -> list[str]:
    """The findings .govern.yaml waivers suppressed, with each waiver's reason and expiry."""
    waived = report.meta.get("waived") or []
    if not waived:
        return []
    out = ["<details>", f"<summary>Waived ({len(waived)})</summary>", ""]
    for item in waived:
        loc = item.get("location") or {}
        place = str(loc.get("file") or "") + (f":{loc['line']}" if loc.get("line") is not None else "")
        waiver = item.get("waiver") or {}
        line = (
            f"- {code(place) + ' ' if place else ''}{code(item['id'])}: {escape(item['message'])} — "
            f"waived until {waiver.get('expires')}: {escape(str(waiver.get('reason', '')))}"
        )
        if budget.fits(line):
            out.append(line)
    return out + ["", "</details>", ""]
