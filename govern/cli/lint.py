"""`govern lint`: validate contracts and report problems as findings."""

from __future__ import annotations

from typing import List, Optional

import typer

HELP = (
    "Validate contracts (OpenAPI 3.0/3.1, AsyncAPI 2.6/3.x, JSON Schema, .proto) and check them "
    "against the governance rules of the configured ruleset (operationIds, kebab-case paths, an "
    "error model on every operation, versioned packages, UNSPECIFIED enum zero values, "
    "dead-letter routes, ...); every problem is a finding with file:line.\n\n"
    "PATH may be a contract file or a directory (every contract under it is linted; a "
    "directory of .proto files is one contract). The ruleset (minimal, recommended, strict) and "
    "per-rule levels come from .govern.yaml (--config). Exit 1 when a finding is at or above "
    "--fail-on, 2 when an input cannot be read or parsed."
)


def lint(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Contract files or directories."),
    fmt: Optional[List[str]] = typer.Option(None, "--format", "-f", help="Output format: text, json, markdown, sarif, junit, github, gitlab or waivers. Repeat with --output for several reports in one run."),
    output: Optional[List[str]] = typer.Option(None, "--output", "-o", help="Write the report of the matching --format to FILE (atomically) instead of stdout."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when a finding is at or above this level: ERR, WARN or INFO. Default: the config's fail_on, else ERR."),
    config_path: Optional[str] = typer.Option(None, "--config", "-c", help="Policy file (default: the nearest .govern.yaml in this or a parent directory)."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
    max_file_mb: float = typer.Option(20.0, "--max-file-mb", help="Refuse input files larger than this many MiB."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output."),
) -> None:
    from govern.cli import bodies  # the body, shared with the fast path (govern/cli/fastpath.py)

    bodies.lint(
        paths=paths, fmt=fmt, output=output, fail_on=fail_on, config_path=config_path, proto_path=proto_path,
        max_file_mb=max_file_mb, no_color=no_color,
    )
