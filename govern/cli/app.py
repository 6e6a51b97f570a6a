"""The `govern` typer application: wires one module per command, nothing heavy at import."""

from __future__ import annotations

import typer

from govern import __version__
from govern.cli import changelog as changelog_cmd
from govern.cli import check as check_cmd
from govern.cli import diff as diff_cmd
from govern.cli import generate as generate_cmd
from govern.cli import lint as lint_cmd
from govern.cli import new_service as new_service_cmd
from govern.cli import recommend as recommend_cmd
from govern.cli import rules as rules_cmd

app = typer.Typer(
    name="govern",
    help=(
        "Contract-first API governance for OpenAPI, protobuf and AsyncAPI: lint contracts, "
        "detect breaking changes, and report them in CI.\n\n"
        "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govern {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """govern: contract-first API governance."""


app.command("lint", help=lint_cmd.HELP)(lint_cmd.lint)
app.command("diff", help=diff_cmd.HELP)(diff_cmd.diff)
app.command("new-service", help=new_service_cmd.HELP)(new_service_cmd.new_service)
app.add_typer(generate_cmd.app, name="generate", help=generate_cmd.HELP)
app.command("recommend", help=recommend_cmd.HELP)(recommend_cmd.recommend)
app.command("check", help=check_cmd.HELP)(check_cmd.check)
app.command("changelog", help=changelog_cmd.HELP)(changelog_cmd.changelog)
app.command("rules", help=rules_cmd.HELP)(rules_cmd.rules)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
