"""Compatibility modes (BACKWARD, FORWARD, FULL, NONE and their transitive variants) on `compare`."""

from __future__ import annotations

from typing import Sequence

from govern.diff.schema.compare import breaking, compare
from govern.diff.schema.rules import compatible_set
from govern.diff.schema.types import CompareOptions, Difference, Direction, DirectionResult, Resolver, Schema, Verdict

BASE_MODES = ("BACKWARD", "FORWARD", "FULL", "NONE")


def parse_mode(mode: str) -> tuple[str, bool]:
    """('BACKWARD'|'FORWARD'|'FULL'|'NONE', transitive?) from a mode name such as FULL_TRANSITIVE."""
    key = mode.strip().upper()
    transitive = key.endswith("_TRANSITIVE")
    base = key[: -len("_TRANSITIVE")] if transitive else key
    if base not in BASE_MODES or (transitive and base == "NONE"):
        choices = ", ".join([*BASE_MODES[:3], *(f"{m}_TRANSITIVE" for m in BASE_MODES[:3]), "NONE"])
        raise ValueError(f"unknown compatibility mode {mode!r}; use one of {choices}")
    return base, transitive


def directions(mode: str) -> tuple[Direction, ...]:
    """The directions a mode checks: BACKWARD reads old data with the new schema, FORWARD the reverse."""
    base, _ = parse_mode(mode)
    table: dict[str, tuple[Direction, ...]] = {
        "BACKWARD": ("backward",), "FORWARD": ("forward",), "FULL": ("backward", "forward"), "NONE": ()}
    return table[base]


def compare_directed(
    old: Schema,
    new: Schema,
    direction: Direction,
    *,
    resolver_old: Resolver | None = None,
    resolver_new: Resolver | None = None,
    options: CompareOptions | None = None,
    policy: str = "strict",
) -> list[Difference]:
    """`compare` in one direction.

    backward: the new schema must read what the old one allowed (requests, event consumers that
    upgrade first). forward: the old schema must read what the new one allows (responses,
    producers that upgrade first). Pointers always locate the place in the *writer's* schema.
    """
    if direction == "backward":
        return compare(old, new, resolver_old=resolver_old, resolver_new=resolver_new, options=options,
                       policy=policy)
    if direction == "forward":
        return compare(new, old, resolver_old=resolver_new, resolver_new=resolver_old, options=options,
                       policy=policy)
    raise ValueError(f"unknown direction {direction!r}; use 'backward' or 'forward'")


def check(
    old: Schema,
    new: Schema,
    mode: str = "BACKWARD",
    policy: str = "strict",
    *,
    resolver_old: Resolver | None = None,
    resolver_new: Resolver | None = None,
    options: CompareOptions | None = None,
    revision: int | None = None,
) -> Verdict:
    """Is `new` compatible with `old` in `mode` under `policy` ("strict" or "lenient")?

    A *_TRANSITIVE mode given here checks against `old` only; use `check_transitive` for the
    whole history.
    """
    compatible_set(policy)  # validates the policy name
    results: list[DirectionResult] = []
    for direction in directions(mode):
        diffs = compare_directed(old, new, direction, resolver_old=resolver_old, resolver_new=resolver_new,
                                 options=options, policy=policy)
        results.append(DirectionResult(direction, tuple(diffs), tuple(breaking(diffs, policy)), revision))
    return Verdict(mode.strip().upper(), policy.strip().lower(), tuple(results))


def check_transitive(
    revisions: Sequence[Schema],
    new: Schema,
    mode: str = "BACKWARD_TRANSITIVE",
    policy: str = "strict",
    *,
    resolvers: Sequence[Resolver | None] | None = None,
    resolver_new: Resolver | None = None,
    options: CompareOptions | None = None,
) -> Verdict:
    """`new` checked against every earlier revision (oldest first), e.g. for BACKWARD_TRANSITIVE.

    A non-transitive mode checks against the latest revision only, as the registry does.
    """
    base, transitive = parse_mode(mode)
    indices = list(range(len(revisions))) if transitive else ([len(revisions) - 1] if revisions else [])
    results: list[DirectionResult] = []
    for i in indices:
        resolver_old = resolvers[i] if resolvers is not None else None
        verdict = check(revisions[i], new, base, policy, resolver_old=resolver_old, resolver_new=resolver_new,
                        options=options, revision=i)
        results.extend(verdict.results)
    return Verdict(mode.strip().upper(), policy.strip().lower(), tuple(results))
