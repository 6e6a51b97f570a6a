"""`govern generate client`: typed Python clients (REST, gRPC, events) with resilience built in."""

from __future__ import annotations

from typing import List, Optional

import typer

from govern.cli.common import guarded
from govern.cli.lazy import PlainCommand

HELP = (
    "Generate code from contracts. `govern generate client CONTRACT --out DIR` writes a typed Python "
    "client package: httpx Client/AsyncClient for OpenAPI, grpcio stubs plus a resilient wrapper for "
    ".proto, validating publishers and consumers (in-memory and Redis Streams) for AsyncAPI."
)

CLIENT_HELP = (
    "Generate a typed Python client package for CONTRACT (OpenAPI, .proto file or import root, or "
    "AsyncAPI; the kind is detected) into DIR, with timeouts, retries with backoff and jitter, a "
    "circuit breaker and idempotency keys built in. The package depends on httpx, grpcio or "
    "redis/jsonschema, never on govern.\n\n"
    "DIR is written atomically; an existing non-empty DIR is replaced only with --force. Exit 2 "
    "when the contract is invalid or uses something the generator cannot express (it never skips "
    "an operation silently), or DIR cannot be written."
)

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def group() -> None:
    """Generate code from contracts (see `govern generate client --help`)."""


@app.command("client", help=CLIENT_HELP, cls=PlainCommand)
def client(
    contract: str = typer.Argument(..., metavar="CONTRACT", help="OpenAPI or AsyncAPI file, .proto file or proto import root."),
    out: str = typer.Option(..., "--out", "-o", metavar="DIR", help="Directory to write the client project into."),
    package: Optional[str] = typer.Option(
        None, "--package", "-p", metavar="NAME", help="Python package name (default: from the contract's title, plus _client)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace DIR if it exists and is not empty."),
    proto_path: List[str] = typer.Option([], "--proto-path", "-I", help="Extra import root for .proto files (repeatable)."),
) -> None:
    def body() -> None:
        from govern.generate import generate_client

        result = generate_client(contract, out, package=package, force=force, import_paths=list(proto_path))
        count = len(result.operations)
        typer.echo(
            f"govern: wrote {out} (package {result.package}: {count} operation{'s' if count != 1 else ''}, "
            f"{len(result.files)} files)",
            err=True,
        )

    guarded(body)


def main() -> None:
    """Run this command group alone (`python -m govern.cli.generate`), e.g. before it is registered."""
    root = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True)
    root.add_typer(app, name="generate", help=HELP)

    @root.callback()
    def _root() -> None:
        """govern generate, standalone."""

    root(prog_name="govern")


if __name__ == "__main__":
    main()
