"""The `govern` typer application: one module per command, each imported only when it runs.

`lazy_app` (what `govern` runs) builds just the command it runs (see govern/cli/lazy.py);
`full_app()` is the same application with every command registered the usual typer way.
"""

from __future__ import annotations

from typing import Any

import typer

from govern import __version__
from govern.cli.lazy import CommandSpec, LazyGroup, register

# The commands of `govern`: (module, function), or (module, None) for a command group (the
# module's typer `app`). `govern --help` lists the commands in this order, then the groups.
COMMANDS: dict[str, CommandSpec] = {
    "lint": ("govern.cli.lint", "lint"),
    "diff": ("govern.cli.diff", "diff"),
    "new-service": ("govern.cli.new_service", "new_service"),
    "generate": ("govern.cli.generate", None),
    "recommend": ("govern.cli.recommend", "recommend"),
    "check": ("govern.cli.check", "check"),
    "changelog": ("govern.cli.changelog", "changelog"),
    "rules": ("govern.cli.rules", "rules"),
}

HELP = (
    "Contract-first API governance for OpenAPI, protobuf and AsyncAPI: lint contracts, "
    "detect breaking changes, and report them in CI.\n\n"
    "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govern {__version__}")
        raise typer.Exit(0)


def root(
    version: bool = typer.Option(
        False, "--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """govern: contract-first API governance."""


class GovernGroup(LazyGroup):
    specs = COMMANDS


def _typer_app(cls: type[typer.core.TyperGroup] | None = None) -> typer.Typer:
    """The root application without its commands (`cls`: the click group class to build)."""
    extra: dict[str, Any] = {"cls": cls} if cls is not None else {}
    application = typer.Typer(
        name="govern",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        **extra,
    )
    application.callback()(root)
    return application


def full_app() -> typer.Typer:
    """The application with every command registered (and so imported) up front."""
    application = _typer_app()
    for name, spec in COMMANDS.items():
        register(application, name, spec)
    return application


lazy_app = _typer_app(GovernGroup)
