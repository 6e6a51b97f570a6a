"""`govern lint`: validate contracts and report problems as findings."""

from __future__ import annotations

from typing import List, Optional

import typer

from govern.cli.common import emit, guarded, report_settings, use_color

HELP = (
    "Validate contracts (OpenAPI 3.0/3.1, AsyncAPI 2.6/3.x, JSON Schema, .proto) and report "
    "problems as findings with file:line.\n\n"
    "PATH may be a contract file or a directory (every contract under it is linted; a "
    "directory of .proto files is one contract). Exit 1 when a finding is at or above "
    "--fail-on, 2 when an input cannot be read or parsed."
)


def lint(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Contract files or directories."),
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, json, markdown, sarif, junit, github or gitlab."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically) instead of stdout."),
    fail_on: str = typer.Option("ERR", "--fail-on", help="Exit 1 when a finding is at or above this level: ERR, WARN or INFO."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
    max_file_mb: float = typer.Option(20.0, "--max-file-mb", help="Refuse input files larger than this many MiB."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output."),
) -> None:
    def body() -> None:
        from govern.errors import EXIT_POLICY
        from govern.lint import lint_paths
        from govern.report import Report, render

        threshold, limits = report_settings(fmt, fail_on, max_file_mb)
        findings, inputs = lint_paths(paths, limits=limits, import_paths=list(proto_path))
        failed = any(f.level >= threshold for f in findings)
        report = Report("lint", findings, inputs, threshold.name, failed)
        emit(render(report, fmt, color=use_color(output, no_color)), output)
        if failed:
            raise typer.Exit(EXIT_POLICY)

    guarded(body)
