"""`govern new-service`: scaffold a service's contracts in the house style, validated before writing."""

from __future__ import annotations

from typing import Any

import typer

from govern.cli.common import fail, guarded

HELP = (
    "Create the contracts of a new service: an OpenAPI 3.1 document (--rest), a protobuf package "
    "NAME.v1 with a health service (--grpc) and an AsyncAPI 3.0 document with CloudEvents payloads "
    "and a dead-letter channel (--events), plus govern.yaml and a README, in the house style that "
    "`govern lint` checks.\n\n"
    "In a terminal it asks what it needs to know. Without a terminal, give --defaults or --answers "
    "FILE (with --set key=value for single answers); every run saves its answers in "
    ".govern-answers.yaml so the same output can be made again. Files are rendered and validated in a "
    "temporary folder and only then moved into place; an existing file is never replaced without "
    "--force. Exit 2 on a bad name, bad answers or a refused overwrite."
)


def new_service(
    name: str | None = typer.Argument(
        None, metavar="NAME", help="Service name: lower-case letters, digits and '-', starting with a letter."
    ),
    rest: bool = typer.Option(False, "--rest", help="Create the REST contract (OpenAPI)."),
    grpc: bool = typer.Option(False, "--grpc", help="Create the gRPC contract (protobuf)."),
    events: bool = typer.Option(False, "--events", help="Create the events contract (AsyncAPI)."),
    patterns: str | None = typer.Option(
        None,
        "--patterns",
        metavar="FILE",
        help="A `govern recommend --scaffold` file: take the contracts and patterns from it.",
    ),
    owner: str | None = typer.Option(None, "--owner", help="The owning team (default team-NAME)."),
    output: str | None = typer.Option(
        None, "--output", "-o", metavar="DIR", help="Folder to write into (default ./NAME)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the files that would be written; write nothing."),
    defaults: bool = typer.Option(False, "--defaults", help="Take the default for every answer not given; never prompt."),
    answers: str | None = typer.Option(
        None, "--answers", "-a", metavar="FILE", help="Answers file (e.g. a saved .govern-answers.yaml); never prompt."
    ),
    set_: list[str] = typer.Option(
        [], "--set", metavar="KEY=VALUE", help="Give one answer, e.g. --set resource=invoice (repeatable)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace files that already exist."),
) -> None:
    def body() -> None:
        import sys
        from pathlib import Path

        from govern.errors import UsageError
        from govern.scaffold.answers import (
            check_answers_data,
            check_name,
            check_patterns_data,
            check_value,
            complete,
            parse_set,
            read_yaml_answers,
        )

        if name is not None:
            check_name(name)
        interactive = not (answers or defaults)
        if interactive and not sys.stdin.isatty():
            fail(
                "new-service asks questions, but stdin is not a terminal; pass --defaults or --answers FILE "
                "(with --rest/--grpc/--events, --owner or --set key=value to change single answers)"
            )
        given: dict[str, Any] = {}
        if answers:
            given.update(read_yaml_answers(answers, check_answers_data))
        if patterns:
            from_file = read_yaml_answers(patterns, check_patterns_data)
            if name is not None:
                from_file.pop("name", None)
            given.update(from_file)
        if name is not None:
            given["name"] = name
        if owner is not None:
            try:
                given["owner"] = check_value("owner", owner)
            except ValueError as exc:
                raise UsageError(f"--owner: {exc}") from None
        if rest or grpc or events:
            given.update(rest=rest, grpc=grpc, events=events)
        given.update(parse_set(list(set_)))
        if "name" in given:
            check_name(given["name"])
        if interactive:
            from govern.scaffold.interactive import ask_all

            given = ask_all(given)
        final = complete(given)

        from govern.scaffold import scaffold

        target = Path(output) if output else Path(final.name)
        result = scaffold(final, target, force=force, dry_run=dry_run)
        existing = set(result.existing)
        for rel in result.files:
            shown = target / rel
            if dry_run:
                verb = "would replace" if rel in existing and force else "exists" if rel in existing else "would create"
            else:
                verb = "replaced" if rel in existing else "created"
            typer.echo(f"{verb:<13} {shown}")
        if dry_run:
            if existing and not force:
                first = target / result.existing[0]
                fail(f"{first}: already exists; a real run would refuse to overwrite (use --force)")
            typer.echo(f"govern: dry run: {len(result.files)} files validated, nothing written", err=True)
        else:
            typer.echo(f"govern: wrote {len(result.files)} files to {target}; next: govern lint {target}", err=True)

    guarded(body)


def main() -> None:
    """Run this command alone (`python -m govern.cli.new_service`), e.g. before it is registered."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("new-service", help=HELP)(new_service)

    @app.callback()
    def _root() -> None:
        """govern new-service, standalone."""

    app(prog_name="govern")


if __name__ == "__main__":
    main()
