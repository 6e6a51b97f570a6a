"""`govern diff`: breaking changes between two revisions of a contract."""

from __future__ import annotations

from typing import List, Optional

import typer

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
    from govern.cli import bodies  # the body, shared with the fast path (govern/cli/fastpath.py)

    bodies.diff(
        base_arg=base_arg, revision_arg=revision_arg, base_ref=base_ref, fmt=fmt, output=output,
        fail_on=fail_on, config_path=config_path, mode=mode, strictness=strictness, category=category,
        proto_path=proto_path, max_file_mb=max_file_mb, no_color=no_color,
    )
