"""`govern rules`: print the rule catalogue."""

from __future__ import annotations

from typing import Optional

import typer

from govern.cli.common import emit, fail, guarded

HELP = (
    "Print the catalogue of rules govern knows: id, default level, kind and description.\n\n"
    "--format markdown produces docs/rules.md; --format json is for tools."
)


def rules(
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="Only rules of this kind (e.g. lint, jsonschema)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
) -> None:
    def body() -> None:
        from govern.rules.catalogue import FORMATS, render_catalogue
        from govern.rules.registry import REGISTRY

        if fmt not in FORMATS:
            fail(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        if kind is not None and kind not in REGISTRY.kinds():
            fail(f"unknown --kind {kind!r}; choose one of: {', '.join(REGISTRY.kinds())}")
        emit(render_catalogue(REGISTRY.rules(kind), fmt), output)

    guarded(body)
