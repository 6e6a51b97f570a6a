"""Route a diff to the comparer of the contract kind; load both sides (paths or REF:path)."""

from __future__ import annotations

import importlib
from contextlib import ExitStack
from dataclasses import dataclass, field

from govern.errors import InputError, UsageError
from govern.load.model import Contract, Limits
from govern.rules.finding import Finding

MODES = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)
STRICTNESS = ("strict", "lenient")
CATEGORIES = ("FILE", "PACKAGE", "WIRE_JSON", "WIRE")

# kind -> (module, function). Each function is `fn(base, revision, options) -> list[Finding]`.
DIFFERS: dict[str, tuple[str, str]] = {
    "jsonschema": ("govern.diff.schema.files", "diff_schema_files"),
    "asyncapi": ("govern.diff.asyncapi", "diff_asyncapi"),
    "openapi": ("govern.diff.openapi", "diff_openapi_contracts"),
    "proto": ("govern.diff.proto", "diff_proto_contracts"),
}


@dataclass
class DiffOptions:
    """Knobs of one diff; each kind reads the ones that apply to it."""

    # None: each kind's default (JSON Schema files: BACKWARD; AsyncAPI: from each operation's
    # action). An explicit mode on an AsyncAPI diff applies to every message.
    mode: str | None = None
    strictness: str = "strict"
    category: str = "FILE"
    import_paths: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    # For *_TRANSITIVE modes: earlier revisions of the base, oldest first (loaded contracts).
    history: list[Contract] = field(default_factory=list)
    # AsyncAPI: compatibility mode per channel (id or address), e.g. from .govern.yaml.
    channel_modes: dict[str, str] = field(default_factory=dict)

    def wants_history(self) -> bool:
        """Whether some mode in effect is *_TRANSITIVE (the earlier revisions must be loaded)."""
        modes = [self.mode, *self.channel_modes.values()]
        return any(m is not None and m.upper().endswith("_TRANSITIVE") for m in modes)


def check_options(options: DiffOptions) -> None:
    if options.mode is not None and options.mode not in MODES:
        raise UsageError(f"unknown --mode {options.mode!r}; choose one of: {', '.join(MODES)}")
    for channel, channel_mode in options.channel_modes.items():
        if str(channel_mode).upper() not in MODES:
            raise UsageError(f"unknown mode {channel_mode!r} for channel {channel!r}; choose one of: {', '.join(MODES)}")
    if options.strictness not in STRICTNESS:
        raise UsageError(f"unknown --strictness {options.strictness!r}; choose strict or lenient")
    if options.category not in CATEGORIES:
        raise UsageError(f"unknown --category {options.category!r}; choose one of: {', '.join(CATEGORIES)}")


def diff_contracts(base: Contract, revision: Contract, options: DiffOptions) -> list[Finding]:
    """Findings for base -> revision; both must be of the same kind."""
    if base.kind != revision.kind:
        raise InputError(
            revision.path,
            f"is {_describe(revision)} but the base {base.path} is {_describe(base)}; "
            "a diff needs two revisions of the same kind of contract",
        )
    target = DIFFERS.get(base.kind)
    if target is None:
        raise UsageError(f"diff does not support {base.kind} contracts")
    module_name, fn_name = target
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UsageError(f"diff of {_describe(base)} contracts is not available in this build") from None
        raise
    findings: list[Finding] = getattr(module, fn_name)(base, revision, options)
    return findings


def _describe(contract: Contract) -> str:
    names = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "jsonschema": "JSON Schema", "proto": "protobuf"}
    name = names.get(contract.kind, contract.kind)
    return f"{name} {contract.version}".strip() if contract.kind != "proto" else name


def load_side(arg: str, stack: ExitStack, options: DiffOptions, cwd: str = ".") -> Contract:
    """Load one side of a diff: a path, or `REF:path` read from git into a temp dir."""
    from govern.load import load_contract
    from govern.load.git import checkout_path, parse_spec

    spec = parse_spec(arg, cwd)
    if spec is None:
        return load_contract(arg, mode="strict", limits=options.limits, import_paths=options.import_paths or None)
    local = stack.enter_context(checkout_path(spec, cwd=cwd))
    contract = load_contract(local, mode="strict", limits=options.limits, import_paths=options.import_paths or None)
    _relabel(contract, local, spec.ref, spec.path)
    return contract


def _relabel(contract: Contract, local: str, ref: str, repo_path: str) -> None:
    """Show `REF:path` instead of the temporary checkout in every file name."""
    import os

    tmp_root = os.path.abspath(local)[: -len(os.path.normpath(repo_path))]

    def label(path: str) -> str:
        full = os.path.abspath(path)
        if full.startswith(tmp_root):
            return f"{ref}:{full[len(tmp_root):]}"
        return path

    contract.path = label(contract.path)
    docs = list(contract.documents.values())
    if contract.document is not None:
        docs.append(contract.document)
    for doc in docs:
        doc.path = label(doc.path)
        doc.source.file = label(doc.source.file)
