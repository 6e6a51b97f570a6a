"""`govern changelog`: every change between two revisions, ordered and grouped for humans."""

from __future__ import annotations

from typing import List, Optional

import typer

from govern.cli.common import emit, fail, guarded, policy_settings, use_color

HELP = (
    "Print every change between two revisions of a contract, for humans: breaking changes "
    "first, then deprecations and warnings, then additions and other compatible changes, "
    "grouped by operation, channel or area, each with its file:line.\n\n"
    "BASE and REVISION are paths or git revisions as REF:path; with --base REF, give one PATH "
    "(the working-tree PATH against the same path at REF). The comparison is the one "
    "`govern diff` makes, with the same --mode, --strictness, --category and .govern.yaml "
    "(per-contract settings, stability and rule levels); a waived change is still listed, "
    "marked as waived.\n\n"
    "A changelog is not a policy gate: exit 0 whatever changed, 2 on usage or input errors."
)


def changelog(
    base_arg: str = typer.Argument(..., metavar="BASE", help="Base revision: path or REF:path (or PATH with --base)."),
    revision_arg: Optional[str] = typer.Argument(None, metavar="REVISION", help="New revision: path or REF:path."),
    base_ref: Optional[str] = typer.Option(None, "--base", help="Compare the working-tree PATH with PATH at this git ref."),
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text or markdown."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the changelog to FILE (atomically) instead of stdout."),
    config_path: Optional[str] = typer.Option(None, "--config", "-c", help="Policy file (default: the nearest .govern.yaml in this or a parent directory)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="Schema compatibility mode (as for `govern diff`). Default: the config's mode for the contract, else each kind's default."),
    strictness: Optional[str] = typer.Option(None, "--strictness", help="Schema-registry policy for JSON Schema: strict (default) or lenient."),
    category: Optional[str] = typer.Option(None, "--category", help="protobuf rule category: FILE, PACKAGE, WIRE_JSON or WIRE. Default: the config's category, else buf.yaml's breaking.use, else FILE."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
    max_file_mb: float = typer.Option(20.0, "--max-file-mb", help="Refuse input files larger than this many MiB."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output."),
) -> None:
    def body() -> None:
        from dataclasses import replace

        from govern.diff.run import diff_specs, options_for, relabel, side_specs
        from govern.report.changelog import FORMATS, render
        from govern.rules.engine import apply_policy

        if fmt not in FORMATS:
            fail(f"unknown --format {fmt!r} for changelog; choose one of: {', '.join(FORMATS)}")
        config, _, limits = policy_settings(config_path, None, max_file_mb)  # no gate: the level is unused
        base_spec, revision_spec = side_specs(base_arg, revision_arg, base_ref)
        options, settings = options_for(
            config, revision_spec, mode=mode, strictness=strictness, category=category,
            import_paths=list(proto_path), limits=limits,
        )
        findings, _, _ = diff_specs(base_spec, revision_spec, options, base_ref)
        # The team's levels apply (stability, `rules:`); a waived change is still a change.
        policy = apply_policy(findings, config, settings=settings)
        findings = relabel(policy.findings, options.labels) + [
            replace(f, message=f"{f.message} (waived until {w.expires.isoformat()}: {w.reason})")
            for f, w in policy.waived
        ]
        text = render(findings, base_spec, revision_spec, fmt, color=fmt == "text" and use_color(output, no_color))
        emit(text, output)

    guarded(body)
