"""`govern diff` on plain JSON Schema files, in the schema registry's compatibility modes.

    diff_schema_files(base, revision, options) -> list[Finding]

Modes (`options.mode`, default BACKWARD): BACKWARD compares base -> revision (the new schema reads
old data), FORWARD revision -> base, FULL both, NONE lists the differences with every finding at
INFO. A *_TRANSITIVE mode also checks the revision against every earlier revision in
`options.history` (oldest first); from those only the breaking differences are reported, and only
when the base check did not already report the same one. `options.strictness` picks the policy.

Each comparator `Difference` becomes one Finding whose id is the difference type (kind
"jsonschema", so the registry's rules describe it): ERR when it breaks readers in that direction
under the policy, INFO otherwise. The location is the place in the revision (in the base when the
place exists only there), following `$ref`s to the file and line where the keyword is written.

The helpers here (`ContractResolver`, `locate_in_schema`, `json_safe`) are shared with the AsyncAPI
differ, which compares payloads with the same comparator.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Sequence
from urllib.parse import unquote, urlsplit

from govern.diff.schema.compare import Comparator
from govern.diff.schema.modes import directions, parse_mode
from govern.diff.schema.rules import DIFFERENCE_TYPES, breaks
from govern.diff.schema.types import Difference, Direction
from govern.errors import GovernError
from govern.load.model import Contract
from govern.load.refs import RefResolver, RefSite, get_pointer, pointer_join
from govern.rules.finding import Finding, Level, Location

KIND = "jsonschema"
_MAX_HOPS = 64


# --- resolving $refs of a loaded contract for the comparator -----------------------------------
def root_key(contract: Contract) -> str:
    """The key of the contract's root document in its RefResolver (not its display label)."""
    refs = RefResolver.of(contract)
    for key, doc in refs.documents.items():
        if doc is contract.document:
            return key
    return contract.path


class ContractResolver:
    """A comparator resolver (`ref -> (node, key)`) over the documents of one loaded contract.

    Keys are `file#pointer` with `file` a document key of the contract's RefResolver, so relative
    `$ref`s found inside another file join against that file's path. The loader has already
    checked that every `$ref` resolves; a failure here only means a ref the comparator built
    itself, reported by the comparator as CANNOT_DECIDE.
    """

    def __init__(self, contract: Contract) -> None:
        self.refs = RefResolver.of(contract)
        self.root = root_key(contract)
        self._norm = {os.path.normpath(k): k for k in self.refs.documents}

    def _file(self, doc: str) -> str | None:
        if not doc:
            return self.root
        if doc in self.refs.documents:
            return doc
        return self._norm.get(os.path.normpath(unquote(doc)))

    def __call__(self, ref: str) -> tuple[Any, str]:
        doc, _, fragment = ref.partition("#")
        file = self._file(doc)
        try:
            if file is None:
                if not urlsplit(doc).scheme:
                    raise LookupError(f"no document {doc!r} in the contract")
                target = self.refs.resolve(ref, self.root)  # an `$id` of a loaded document
            else:
                target = self.refs.resolve("#" + fragment, file)
        except GovernError as exc:
            raise LookupError(str(exc)) from None
        return target.node, f"{target.file}#{target.pointer}"


# --- locating comparator pointers in the documents ---------------------------------------------
def schema_parts(pointer: str) -> list[str]:
    """Path segments of a comparator pointer (`#/properties/a~1b` -> ['properties', 'a/b'])."""
    text = pointer[1:] if pointer.startswith("#") else pointer
    text = text.strip("/")
    if not text:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in text.split("/")]


def walk(refs: RefResolver, file: str, pointer: str, parts: Sequence[str]) -> tuple[str, str, int]:
    """Follow `parts` from the node at (file, pointer), through `$ref`s.

    Returns the file and pointer reached and how many parts were consumed; stops at the first
    part that does not exist.
    """
    try:
        node = get_pointer(refs.documents[file].data, pointer)
    except (KeyError, LookupError):
        return file, pointer, 0
    for done, part in enumerate(parts):
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and part not in node:
            try:
                target = refs.resolve_site(RefSite(file, pointer, node["$ref"]))
            except GovernError:
                return file, pointer, done
            file, pointer, node = target.file, target.pointer, target.node
            hops += 1
            if hops > _MAX_HOPS:
                return file, pointer, done
        if isinstance(node, dict) and part in node:
            node, pointer = node[part], pointer_join(pointer, part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node, pointer = node[int(part)], f"{pointer}/{int(part)}"
        else:
            return file, pointer, done
    return file, pointer, len(parts)


@dataclass(frozen=True)
class Anchor:
    """Where a schema lives inside a contract: the RefResolver, the file key and the pointer."""

    refs: RefResolver
    file: str
    pointer: str

    def locate(self, schema_pointer: str) -> tuple[Location, int]:
        parts = schema_parts(schema_pointer)
        file, pointer, depth = walk(self.refs, self.file, self.pointer, parts)
        return self.refs.locate(file, pointer), depth - len(parts)


def sides_of(diff: Difference, direction: Direction) -> tuple[str, str]:
    """(base pointer, revision pointer) of a difference found in `direction`.

    backward compares base -> revision, so `pointer` is in the base; forward compares
    revision -> base, so `pointer` is in the revision.
    """
    other = diff.new_pointer or diff.pointer
    return (diff.pointer, other) if direction == "backward" else (other, diff.pointer)


def locate_difference(diff: Difference, direction: Direction, base: Anchor | None,
                      revision: Anchor | None) -> Location:
    """The revision's place of a difference, or the base's when only the base has it."""
    base_ptr, rev_ptr = sides_of(diff, direction)
    best: tuple[Location, int] | None = None
    if revision is not None:
        best = revision.locate(rev_ptr)
    if base is not None and (best is None or best[1] < 0):
        got = base.locate(base_ptr)
        if best is None or got[1] > best[1]:
            best = got
    return best[0] if best is not None else Location(pointer=rev_ptr)


def json_safe(value: Any) -> Any:
    """`value` with tuples, sets and fractions turned into JSON types (for Finding.details)."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=repr)
    return str(value)


def describe(diff_type: str) -> str:
    """The difference type's description, as a clause ("the type was replaced ...")."""
    t = DIFFERENCE_TYPES.get(diff_type)
    if t is None:
        return diff_type.lower().replace("_", " ")
    text = t.description.rstrip(".")
    return text[0].lower() + text[1:]


def explain(diff: Difference) -> str:
    """`describe(diff.type)`, plus the reason when the comparator could not decide."""
    text = describe(diff.type)
    if diff.type == "CANNOT_DECIDE":
        reason = diff.detail("reason")
        text = "cannot decide, treated as breaking" + (f" ({reason})" if reason else "")
    return text


def level_of(diff_type: str, direction_checked: bool, policy: str) -> Level:
    """ERR when the type breaks readers under `policy` in a checked direction, else INFO."""
    return Level.ERR if direction_checked and breaks(diff_type, policy) else Level.INFO


# --- the plain JSON Schema file diff ------------------------------------------------------------
_READS = {
    "backward": "the new schema must read data written with the old one",
    "forward": "the old schema must read data written with the new one",
}


def _directions(mode: str) -> tuple[tuple[Direction, bool], ...]:
    """(direction, counts?) pairs; NONE still lists the BACKWARD differences, all INFO."""
    found = directions(mode)
    if not found:
        return (("backward", False),)
    return tuple((d, True) for d in found)


def _check(earlier: Contract, revision: Contract, mode: str,
           policy: str) -> list[tuple[Difference, Direction, bool, Contract]]:
    out: list[tuple[Difference, Direction, bool, Contract]] = []
    old_res, new_res = ContractResolver(earlier), ContractResolver(revision)
    for direction, counts in _directions(mode):
        if direction == "backward":
            comp = Comparator(earlier.data, revision.data, resolver_old=old_res, resolver_new=new_res, policy=policy)
            diffs = comp.compare(earlier.data, revision.data, base_old=old_res.root, base_new=new_res.root)
        else:
            comp = Comparator(revision.data, earlier.data, resolver_old=new_res, resolver_new=old_res, policy=policy)
            diffs = comp.compare(revision.data, earlier.data, base_old=new_res.root, base_new=old_res.root)
        out.extend((d, direction, counts, earlier) for d in diffs)
    return out


def _finding(diff: Difference, direction: Direction, counts: bool, mode: str, policy: str, earlier: Contract,
             revision: Contract, against: str | None) -> Finding:
    base_anchor = Anchor(RefResolver.of(earlier), root_key(earlier), "")
    rev_anchor = Anchor(RefResolver.of(revision), root_key(revision), "")
    location = locate_difference(diff, direction, base_anchor, rev_anchor)
    _, rev_ptr = sides_of(diff, direction)
    check = f"{direction.upper()}: {_READS[direction]}" if counts else "NONE: listed, not checked"
    suffix = f" (against the earlier revision {against})" if against else ""
    message = f"{rev_ptr}: {explain(diff)} [{check}]{suffix}"
    details: list[tuple[str, Any]] = [("mode", mode), ("direction", direction), ("policy", policy),
                                      ("pointer", diff.pointer)]
    if diff.new_pointer is not None:
        details.append(("new_pointer", diff.new_pointer))
    if against:
        details.append(("against", against))
    details.extend((k, json_safe(v)) for k, v in diff.details)
    return Finding(diff.type, level_of(diff.type, counts, policy), message, location, KIND, tuple(details))


def diff_schema_files(base: Contract, revision: Contract, options: Any = None) -> list[Finding]:
    """Findings for base -> revision of one JSON Schema file, in the mode and policy of `options`."""
    mode = (getattr(options, "mode", None) or "BACKWARD").upper()
    policy = (getattr(options, "strictness", None) or "strict").lower()
    base_mode, transitive = parse_mode(mode)
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for diff, direction, counts, earlier in _check(base, revision, base_mode, policy):
        finding = _finding(diff, direction, counts, mode, policy, earlier, revision, None)
        findings.append(finding)
        seen.add((diff.type, direction, sides_of(diff, direction)[1]))
    if transitive:
        history: Iterable[Contract] = getattr(options, "history", None) or ()
        for earlier in reversed([c for c in history if c.kind == revision.kind]):
            for diff, direction, counts, _ in _check(earlier, revision, base_mode, policy):
                key = (diff.type, direction, sides_of(diff, direction)[1])
                if not counts or not breaks(diff.type, policy) or key in seen:
                    continue
                seen.add(key)
                findings.append(_finding(diff, direction, counts, mode, policy, earlier, revision, earlier.path))
    return findings
