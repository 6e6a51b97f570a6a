"""`govern lint`: validate contracts and report problems as findings."""

from __future__ import annotations

from typing import List, Optional

import typer

from govern.cli.common import (
    emit_reports,
    guarded,
    output_pairs,
    policy_settings,
    waived_meta,
)

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
    def body() -> None:
        from govern.errors import EXIT_POLICY
        from govern.lint import DEFAULT_RULESET, lint_paths
        from govern.report import Report
        from govern.rules.engine import apply_policy, expired_waivers

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        findings, inputs = lint_paths(
            paths, limits=limits, import_paths=list(proto_path),
            ruleset=config.ruleset or DEFAULT_RULESET, overrides=config.rules,
        )
        result = apply_policy(findings, config)
        findings = result.findings + expired_waivers(config)
        failed = any(f.level >= threshold for f in findings)
        report = Report("lint", findings, inputs, threshold.name, failed, waived_meta(result.waived, config))
        emit_reports(report, pairs, no_color)
        if failed:
            raise typer.Exit(EXIT_POLICY)

    guarded(body)
