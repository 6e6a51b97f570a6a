"""`govern diff`: breaking changes between two revisions of a contract."""

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
    "Report every change between two revisions of a contract, each with a level: ERR breaks "
    "existing clients, WARN may break them, INFO is compatible.\n\n"
    "BASE and REVISION are paths (files or directories) or git revisions as REF:path "
    "(e.g. origin/main:contracts/orders/openapi.yaml). With --base REF, give one PATH: the "
    "working-tree PATH is compared with the same path at REF.\n\n"
    "JSON Schema files are checked in schema-registry modes (--mode, --strictness); "
    "AsyncAPI payloads take their direction from each operation; .proto trees use buf's rule "
    "categories (--category).\n\n"
    "Rule levels, expiring waivers, stability exemptions, the major-version policy and "
    "per-contract settings come from the nearest .govern.yaml (or --config); see docs/config.md.\n\n"
    "Exit 1 when a finding is at or above --fail-on (default ERR), 2 on usage or input errors."
)


FORMAT_HELP = (
    "Output format: text, json, markdown, sarif, junit, github, gitlab or waivers (ready-to-paste "
    "waiver entries). Repeat with --output for several reports in one run."
)


def diff(
    base_arg: str = typer.Argument(..., metavar="BASE", help="Base revision: path or REF:path (or PATH with --base)."),
    revision_arg: Optional[str] = typer.Argument(None, metavar="REVISION", help="New revision: path or REF:path."),
    base_ref: Optional[str] = typer.Option(None, "--base", help="Compare the working-tree PATH with PATH at this git ref."),
    fmt: Optional[List[str]] = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Optional[List[str]] = typer.Option(None, "--output", "-o", help="Write the report of the matching --format to FILE (atomically) instead of stdout."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when a finding is at or above this level: ERR, WARN or INFO. Default: the config's fail_on, else ERR."),
    config_path: Optional[str] = typer.Option(None, "--config", "-c", help="Policy file (default: the nearest .govern.yaml in this or a parent directory)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="Schema compatibility mode: BACKWARD, FORWARD, FULL, NONE, or *_TRANSITIVE (checks every earlier git revision of the file). Default: the config's mode for the contract, else BACKWARD for JSON Schema files; for AsyncAPI each operation decides (send: FORWARD, receive: BACKWARD) unless a mode is given."),
    strictness: Optional[str] = typer.Option(None, "--strictness", help="Schema-registry policy for JSON Schema: strict (default) or lenient."),
    category: Optional[str] = typer.Option(None, "--category", help="protobuf rule category: FILE, PACKAGE, WIRE_JSON or WIRE. Default: the config's category for the contract, else buf.yaml's breaking.use, else FILE."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
    max_file_mb: float = typer.Option(20.0, "--max-file-mb", help="Refuse input files larger than this many MiB."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output."),
) -> None:
    def body() -> None:
        from govern.diff.run import diff_specs, options_for, relabel, side_specs
        from govern.errors import EXIT_POLICY
        from govern.report import Report
        from govern.rules.engine import apply_policy, expired_waivers

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        base_spec, revision_spec = side_specs(base_arg, revision_arg, base_ref)
        options, settings = options_for(
            config, revision_spec, mode=mode, strictness=strictness, category=category,
            import_paths=list(proto_path), limits=limits,
        )
        findings, base, revision = diff_specs(base_spec, revision_spec, options, base_ref)
        result = apply_policy(findings, config, settings=settings, base=base, revision=revision)
        findings = relabel(result.findings, options.labels) + expired_waivers(config)
        failed = any(f.level >= threshold for f in findings)
        meta = waived_meta(result.waived, config)
        report = Report("diff", findings, [base_spec, revision_spec], threshold.name, failed, meta)
        emit_reports(report, pairs, no_color)
        if failed:
            raise typer.Exit(EXIT_POLICY)

    guarded(body)
