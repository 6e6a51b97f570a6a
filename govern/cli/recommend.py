"""`govern recommend`: choose communication patterns from a questionnaire, as an ADR."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, List, Optional

import typer

from govern.cli.common import emit, fail, guarded

if TYPE_CHECKING:
    from govern.recommend.questions import Question
    from govern.recommend.scoring import Decision

HELP = (
    "Recommend communication patterns (REST, gRPC, queues, pub/sub, streams, sagas, gateways and "
    "the resilience practices they need) from a short questionnaire, with every reason citing the "
    "pattern matrix and the articles behind it.\n\n"
    "In a terminal it asks the questions one at a time and saves the answers for replay. Without a "
    "terminal, give --answers FILE or --defaults (and --set key=value to change single answers). "
    "The report is an Architecture Decision Record in MADR 4.0 form (markdown), JSON or a "
    "self-contained HTML page. Exit 2 on invalid answers or usage."
)

FORMATS = ("markdown", "json", "html")
DEFAULT_SAVE = "recommend-answers.yaml"


def recommend(
    answers: Optional[str] = typer.Option(
        None, "--answers", "-a", metavar="FILE", help="Answers file (YAML or JSON) to run without prompts."
    ),
    defaults: bool = typer.Option(
        False, "--defaults", help="Take the default for every question not answered; never prompt."
    ),
    set_: List[str] = typer.Option(
        [], "--set", metavar="KEY=VALUE", help="Answer one question, e.g. --set consumers=3 (repeatable)."
    ),
    fmt: str = typer.Option("markdown", "--format", "-f", help="Report format: markdown (MADR 4.0), json or html."),
    output: Optional[str] = typer.Option(
        None,
        "--output",
        "-o",
        metavar="PATH",
        help="Write the report to PATH instead of stdout. NNNN in the name, or a directory, numbers the "
        "record after the highest NNNN-* file there (docs/decisions/NNNN-title.md).",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing report or scaffold file."),
    save_answers: Optional[str] = typer.Option(
        None,
        "--save-answers",
        metavar="FILE",
        help=f"Save the answers for replay (interactive runs save to {DEFAULT_SAVE} unless given).",
    ),
    scaffold: Optional[str] = typer.Option(
        None,
        "--scaffold",
        metavar="NAME",
        help="Also write NAME.govern.yaml with the chosen patterns, the input of `govern new-service`.",
    ),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the record (default: from the decision)."),
    date: Optional[str] = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="Date in the record (default: today, or SOURCE_DATE_EPOCH)."
    ),
    matrix: Optional[str] = typer.Option(
        None, "--matrix", metavar="FILE", help="Use this pattern matrix instead of the bundled one."
    ),
) -> None:
    def body() -> None:
        import sys

        if fmt not in FORMATS:
            fail(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        when = _date(date)
        if title is not None and (not title.strip() or "\n" in title):
            fail("--title must be one non-empty line")
        if scaffold is not None:
            from govern.recommend.output import check_service_name

            check_service_name(scaffold)
        interactive = not (answers or defaults)
        if interactive and not sys.stdin.isatty():
            fail(
                "recommend asks questions, but stdin is not a terminal; pass --answers FILE, or --defaults "
                "(with --set key=value to change single answers)"
            )

        from govern.recommend import matrix_for
        from govern.recommend import recommend as decide_for
        from govern.recommend.questions import (
            check_answers,
            dump_answers,
            load_questions,
            parse_set,
            resolve,
        )

        questions = load_questions()
        given: dict[str, Any] = {}
        if answers:
            given = _read_answers(answers, questions, check_answers)
        given.update(parse_set(list(set_), questions))
        chosen_matrix = matrix_for(matrix)  # validate before asking anything
        replay_file = answers
        if interactive:
            from govern.recommend.interactive import ask_all

            given = ask_all(questions, given)
        save_to = save_answers or (DEFAULT_SAVE if interactive else None)
        if save_to:
            from govern.write import write_atomic

            header = "# govern recommend answers; replay with: govern recommend --answers " + save_to + "\n"
            write_atomic(save_to, dump_answers(resolve(given, questions).answers, header=header))
            typer.echo(f"govern: answers saved to {save_to}", err=True)
            replay_file = save_to
        decision = decide_for(given, matrix=chosen_matrix)
        text, target = _render(decision, when, replay_file)
        if target:
            from govern.write import write_atomic

            write_atomic(target, text, overwrite=force)
            typer.echo(f"govern: wrote {target}", err=True)
        else:
            emit(text, None)
        if scaffold:
            _write_scaffold(decision, scaffold)

    def _render(decision: "Decision", when: str, replay_file: Optional[str]) -> tuple[str, Optional[str]]:
        from govern.recommend.report_model import default_title, slug

        record_title = title.strip() if title else None
        target = None
        if output and output != "-":
            from govern.recommend.output import resolve_output

            target, _ = resolve_output(output, slug=slug(record_title or default_title(decision)), fmt=fmt)
        if fmt == "json":
            from govern.recommend.report_json import render_json

            return render_json(decision), target
        if fmt == "html":
            from govern.recommend.report_html import render_html

            return render_html(decision, date=when, title=record_title, answers_file=replay_file), target
        from govern.recommend.report_markdown import render_markdown

        return render_markdown(decision, date=when, title=record_title, answers_file=replay_file), target

    def _write_scaffold(decision: "Decision", name: str) -> None:
        import importlib.util

        from govern.recommend.output import scaffold_text
        from govern.write import write_atomic

        path = f"{name}.govern.yaml"
        write_atomic(path, scaffold_text(decision, name), overwrite=force)
        if importlib.util.find_spec("govern.cli.new_service") is not None:
            typer.echo(f"govern: wrote {path}; next: govern new-service {name} --patterns {path}", err=True)
        else:
            typer.echo(
                f"govern: wrote {path} (the chosen patterns); `govern new-service` is not part of this "
                "version yet and will read it once it is",
                err=True,
            )

    guarded(body)


def _date(value: Optional[str]) -> str:
    import datetime
    import os

    if value is not None:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            fail(f"--date {value!r}: expected YYYY-MM-DD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            fail(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp")
    return datetime.date.today().isoformat()


def _read_answers(
    path: str, questions: "tuple[Question, ...]", check_answers: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    from govern.load.files import load_document
    from govern.load.model import Limits

    doc = load_document(path, Limits(max_file_bytes=1024 * 1024))

    def locate(pointer: str) -> tuple[Optional[int], Optional[int]]:
        loc = doc.source.locate(pointer)
        return loc.line, loc.col

    return check_answers(doc.data, questions, file=path, locate=locate)


def main() -> None:
    """Run this command alone (`python -m govern.cli.recommend`), e.g. before it is registered."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("recommend", help=HELP)(recommend)

    @app.callback()
    def _root() -> None:
        """govern recommend, standalone."""

    app(prog_name="govern")


if __name__ == "__main__":
    main()
