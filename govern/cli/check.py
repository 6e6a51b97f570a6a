"""`govern check`: lint every contract in the repository and diff the changed ones against a base."""

from __future__ import annotations

import os
from typing import List, Optional

import typer

from govern.cli.common import (
    emit_reports,
    fail,
    guarded,
    output_pairs,
    policy_settings,
    waived_meta,
)

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
    def body() -> None:
        from govern.check import run_check
        from govern.diff.run import DiffOptions, check_options
        from govern.errors import EXIT_POLICY
        from govern.report import Report

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        if jobs < 0:
            fail("--jobs must be 0 (all cores) or positive")
        options = DiffOptions(
            category=category.upper() if category else None,
            import_paths=list(proto_path),
            limits=limits,
            exempt_stability=config.exempt,
        )
        check_options(options)
        workers = jobs or os.cpu_count() or 1
        targets = list(paths or []) or [os.path.relpath(p) for p in config.paths] or ["."]
        result = run_check(targets, base, options, workers, config)
        failed = any(f.level >= threshold for f in result.findings)
        meta = {"base": base, "diffed": result.diffed, "added": result.added, "removed": result.removed}
        meta.update(waived_meta(result.waived, config))
        report = Report("check", result.findings, result.contracts, threshold.name, failed, meta)
        emit_reports(report, pairs, no_color)
        if failed:
            raise typer.Exit(EXIT_POLICY)

    guarded(body)
