"""`govern new-service`: render the service templates, validate every contract, then write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govern.scaffold.answers import Answers

CONTRACT_FILES = ("openapi.yaml", "proto", "asyncapi.yaml")


@dataclass(frozen=True)
class Result:
    output: Path
    files: list[str]  # relative paths, listing order
    existing: list[str]  # those that were (or would be) replaced
    written: bool


def contracts_of(answers: Answers) -> list[str]:
    out: list[str] = []
    if answers.rest:
        out.append("openapi.yaml")
    if answers.grpc:
        out.append("proto")
    if answers.events:
        out.append("asyncapi.yaml")
    return out


def scaffold(answers: Answers, output: Path, *, force: bool = False, dry_run: bool = False) -> Result:
    """Render into a temporary folder, validate, refuse overwrites unless `force`, then move into
    place (or, with `dry_run`, only report what would be written). Nothing is left behind on
    failure."""
    from govern.scaffold import place
    from govern.scaffold.render import render_all

    files = render_all(answers)
    staged = place.stage(files, output)
    try:
        place.validate(staged, contracts_of(answers))
        place.refuse_conflicts(staged, force or dry_run)  # a dry run lists conflicts instead
        result = Result(output, list(staged.files), list(staged.existing), written=not dry_run)
        if not dry_run:
            place.commit(staged)
        return result
    finally:
        place.discard(staged)


__all__ = ["Answers", "Result", "contracts_of", "scaffold"]
