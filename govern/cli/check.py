"""`govern check`: lint every contract in the repository and diff the changed ones against a base."""

from __future__ import annotations

from typing import List, Optional

import typer

HELP = (
    "Check every contract under PATH (default: the current directory): lint each one and, "
    "with --base REF, diff each contract that changed since REF against its version there.\n\n"
    "New contracts are listed (INFO contract-added); contracts that existed at REF and are gone "
    "are breaking (ERR contract-removed). Contracts are processed in parallel (--jobs). "
    "One combined report in any --format.\n\n"
    "Rule levels, expiring waivers, stability exemptions, the major-version policy and "
    "per-contract settings come from the nearest .govern.yaml (or --config); see docs/config.md.\n\n"
    "Exit 1 when a finding is at or above --fail-on (default ERR), 2 on usage or input errors."
)


def check(
    paths: List[str] = typer.Argument(None, metavar="[PATH]...", help="Directories or contract files (default: the config's paths, else .)."),
    base: Optional[str] = typer.Option(None, "--base", help="Git ref to diff changed contracts against (e.g. origin/main)."),
    fmt: Optional[List[str]] = typer.Option(None, "--format", "-f", help="Output format: text, json, markdown, sarif, junit, github, gitlab or waivers. Repeat with --output for several reports in one run."),
    output: Optional[List[str]] = typer.Option(None, "--output", "-o", help="Write the report of the matching --format to FILE (atomically) instead of stdout."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when a finding is at or above this level: ERR, WARN or INFO. Default: the config's fail_on, else ERR."),
    config_path: Optional[str] = typer.Option(None, "--config", "-c", help="Policy file (default: the nearest .govern.yaml in this or a parent directory)."),
    category: Optional[str] = typer.Option(None, "--category", help="protobuf rule category for every .proto tree: FILE, PACKAGE, WIRE_JSON or WIRE. Default: per contract from the config, else buf.yaml, else FILE."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Parallel workers (default: number of CPU cores)."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
    max_file_mb: float = typer.Option(20.0, "--max-file-mb", help="Refuse input files larger than this many MiB."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output."),
) -> None:
    from govern.cli import bodies  # the body, shared with the fast path (govern/cli/fastpath.py)

    bodies.check(
        paths=paths, base=base, fmt=fmt, output=output, fail_on=fail_on, config_path=config_path,
        category=category, jobs=jobs, proto_path=proto_path, max_file_mb=max_file_mb, no_color=no_color,
    )
