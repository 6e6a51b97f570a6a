"""Route a diff to the comparer of the contract kind; load both sides (paths or REF:path)."""

from __future__ import annotations

import importlib
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from govern.errors import GovernError, InputError, UsageError
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
    # protobuf: None means buf.yaml's `use` if there is one, else FILE; a value overrides buf.yaml.
    category: str | None = None
    import_paths: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    # Temporary git checkouts (prefix -> "REF:") so findings can name REF:path, not a temp dir.
    labels: dict[str, str] = field(default_factory=dict)
    # For *_TRANSITIVE modes: earlier revisions of the base, oldest first (loaded contracts).
    history: list[Contract] = field(default_factory=list)
    # AsyncAPI: compatibility mode per channel (id or address), e.g. from .govern.yaml.
    channel_modes: dict[str, str] = field(default_factory=dict)
    # Stability levels whose breaking changes are exempt (OpenAPI x-stability-level; protobuf
    # packages like v1alpha1/v1beta1 when "alpha"/"beta" are listed). None: each kind's default.
    exempt_stability: tuple[str, ...] | None = None

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
    if options.category is not None and options.category not in CATEGORIES:
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
    return relabel(findings, options.labels)


def relabel(findings: list[Finding], labels: dict[str, str]) -> list[Finding]:
    """Show `REF:path` instead of a temporary git checkout in file names and messages."""
    if not labels:
        return findings
    import os
    from dataclasses import replace

    def fix(text: str | None) -> str | None:
        if not text:
            return text
        full = os.path.abspath(text) if not text.startswith(tuple(labels.values())) else text
        for prefix, label in labels.items():
            if full.startswith(prefix):
                return label + full[len(prefix):]
        return text

    def fix_message(text: str) -> str:
        for prefix, label in labels.items():
            text = text.replace(prefix, label)
        return text

    out = []
    for f in findings:
        loc = replace(f.location, file=fix(f.location.file))
        out.append(replace(f, location=loc, message=fix_message(f.message)))
    return out


def display_name(arg: str, contract: Contract, options: DiffOptions) -> str:
    """What to call a loaded side in reports: the argument as given for REF:path inputs."""
    return arg if any(contract.path.startswith(p) or os.path.abspath(contract.path).startswith(p) for p in options.labels) else contract.path


def _describe(contract: Contract) -> str:
    names = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "jsonschema": "JSON Schema", "proto": "protobuf"}
    name = names.get(contract.kind, contract.kind)
    return f"{name} {contract.version}".strip() if contract.kind != "proto" else name


def load_side(arg: str, stack: ExitStack, options: DiffOptions, cwd: str = ".", *, validate: bool = True) -> Contract:
    """Load one side of a diff: a path, or `REF:path` read from git into a temp dir.

    `validate=False` skips the OpenAPI specification check (the side was validated elsewhere)."""
    from govern.load import load_contract
    from govern.load.git import checkout_path, parse_spec

    spec = parse_spec(arg, cwd)
    if spec is None:
        return load_contract(
            arg, mode="strict", limits=options.limits, import_paths=options.import_paths or None, validate=validate
        )
    from govern.load.git import repo_root

    # Proto import roots given on the command line must be read at the same revision: extract
    # the whole tree then, and point them into the checkout.
    scope = "." if options.import_paths else None
    local = stack.enter_context(checkout_path(spec, scope=scope, cwd=cwd))
    checkout_root = os.path.abspath(local)[: -len(os.path.normpath(spec.path))].rstrip(os.sep)
    return load_checked_out(local, checkout_root, spec.ref, repo_root(cwd), options, cwd, validate=validate)


def load_checked_out(
    local: str, checkout_root: str, ref: str, root: str, options: DiffOptions, cwd: str = ".", *, validate: bool = True
) -> Contract:
    """Load `local`, a contract inside `checkout_root` (repository `root` extracted at `ref`).

    Its `$ref`s may reach anywhere in the checkout; --proto-path roots inside the repository are
    read from the checkout too; findings in it are labelled `REF:path` (see `relabel`)."""
    from govern.load import load_contract

    imports = None
    if options.import_paths:
        imports = []
        for path in options.import_paths:
            rel = os.path.relpath(os.path.abspath(os.path.join(cwd, path)), root)
            imports.append(os.path.join(checkout_root, rel) if not rel.startswith("..") else path)
    contract = load_contract(
        local, mode="strict", limits=options.limits, import_paths=imports, ref_root=checkout_root, validate=validate
    )
    options.labels[checkout_root + os.sep] = f"{ref}:"
    return contract


def side_path(spec: str) -> str:
    """The path of one side, relative to the working directory: `REF:path` -> path."""
    if os.path.exists(spec) or ":" not in spec:
        return spec
    return spec.partition(":")[2] or spec


def lifecycle_finding(
    base_ref: str | None, path: str, base_spec: str, stack: ExitStack, options: DiffOptions
) -> Finding | None:
    """With --base: a contract new since REF (INFO) or deleted since REF (ERR), else None."""
    if base_ref is None:
        return None
    from govern.check import CONTRACT_ADDED, CONTRACT_REMOVED, KIND
    from govern.rules.finding import Location

    if not os.path.exists(path):
        load_side(base_spec, stack, options)  # raises if it is missing at REF too
        message = f"contract {path} was removed since {base_ref}"
        return Finding(CONTRACT_REMOVED.id, CONTRACT_REMOVED.level, message, Location(base_spec), KIND)
    if not _exists_at_revision(base_spec):  # the diff loads the base itself: only ask git here
        message = f"new contract (not present at {base_ref})"
        return Finding(CONTRACT_ADDED.id, CONTRACT_ADDED.level, message, Location(path), KIND)
    return None


def _exists_at_revision(spec_text: str) -> bool:
    """Whether `REF:path` names something at REF (an unknown REF is an error, as when loading)."""
    from govern.load.git import parse_spec, path_exists_at, repo_root, resolve_ref

    spec = parse_spec(spec_text)
    if spec is None:
        return os.path.exists(spec_text)
    root = repo_root(".")
    return path_exists_at(resolve_ref(spec.ref, root), spec.path, root)


def side_specs(base_arg: str, revision_arg: str | None, base_ref: str | None) -> tuple[str, str]:
    """(base, revision) specs from `BASE REVISION`, or from `PATH --base REF`."""
    if base_ref is not None:
        if revision_arg is not None:
            raise UsageError("with --base REF give one PATH, not BASE and REVISION")
        return f"{base_ref}:{base_arg}", base_arg
    if revision_arg is None:
        raise UsageError("give BASE and REVISION, or PATH with --base REF")
    return base_arg, revision_arg


def options_for(
    config: Any,
    revision_spec: str,
    *,
    mode: str | None,
    strictness: str | None,
    category: str | None,
    import_paths: list[str],
    limits: Limits,
) -> tuple[DiffOptions, Any]:
    """Diff options for one contract: flags first, then its settings in the config; checked.

    Returns the options and the contract's settings (None when the config has none)."""
    settings = config.settings_for(side_path(revision_spec))
    mode = mode or (settings.mode if settings else None)
    category = category or (settings.category if settings else None)
    options = DiffOptions(
        mode=mode.upper() if mode else None,
        strictness=(strictness or (settings.strictness if settings else None) or "strict").lower(),
        category=category.upper() if category else None,
        import_paths=list(import_paths),
        limits=limits,
        channel_modes=dict(settings.channels) if settings else {},
        exempt_stability=config.exempt,
    )
    check_options(options)
    return options, settings


def diff_specs(
    base_spec: str, revision_spec: str, options: DiffOptions, base_ref: str | None = None
) -> tuple[list[Finding], Contract | None, Contract | None]:
    """Load both sides (paths or REF:path) and diff them; with --base, a new or deleted contract
    is one finding. Returns the findings and the two contracts (None for a new/deleted one)."""
    findings, base, revision, confirm = diff_specs_pending(base_spec, revision_spec, options, base_ref)
    confirm()
    return findings, base, revision


def diff_specs_pending(
    base_spec: str, revision_spec: str, options: DiffOptions, base_ref: str | None = None
) -> tuple[list[Finding], Contract | None, Contract | None, Any]:
    """`diff_specs` without waiting for a side still being validated in a forked child (see
    below), plus `confirm(abandon=False)`: call it before giving anything out; it raises that
    side's error as a sequential load would (`abandon=True` stops the children instead). The
    results can be rendered meanwhile. Calling `confirm` again does nothing."""
    with ExitStack() as stack:
        lifecycle = lifecycle_finding(base_ref, revision_spec, base_spec, stack, options)
        if lifecycle is not None:
            return [lifecycle], None, None, _nothing_to_confirm
        base, revision, confirm = _load_pair(base_spec, revision_spec, stack, options)
        try:
            if options.wants_history():
                from govern.diff.transitive import load_history

                options.history = load_history(base_spec, base, stack, options)
            findings = diff_contracts(base, revision, options)
        except Exception:
            confirm()  # an invalid side is the error to report, not what diffing it met
            raise
        except BaseException:
            confirm(abandon=True)
            raise
        return findings, base, revision, confirm


# A large OpenAPI document takes a while to validate (openapi-spec-validator), about as long as
# diffing it. Both sides are loaded here without that check; each side whose verdict is not
# known already (govern/load/verdicts.py) is validated in a forked child, sharing the parsed
# data, as soon as it is loaded, while this process goes on loading and diffing; the diff is
# given out only once every child found its side valid. The revision is loaded first: in CI the
# base usually passed an earlier job (its verdict is known) and the revision is new, so its
# check, the longest part of the run, starts as early as it can (GHES, base known: 1.25 ->
# ~1.05 s). With both sides unknown that is three processes on two cores, still faster than
# validating in this process.
PARALLEL_MIN_BYTES = 1024 * 1024


def _load_pair(
    base_spec: str, revision_spec: str, stack: ExitStack, options: DiffOptions
) -> tuple[Contract, Contract, Any]:
    """Load both sides; returns them and `confirm(abandon=False)`, to call once the diff is done
    (or has failed). Errors, and which comes first, are exactly those of loading the base and
    then the revision strictly: `confirm` raises a side's validation error as that load would,
    the base's before the revision's."""
    if not _worth_parallel(revision_spec):
        return load_side(base_spec, stack, options), load_side(revision_spec, stack, options), _nothing_to_confirm
    from govern.load.detect import validate_loaded

    waits: list[tuple[Contract, Any]] = []  # in the order of a sequential load: base, revision

    def confirm(abandon: bool = False) -> None:
        pending = list(waits)
        waits.clear()  # each child is waited for once
        for i, (side, wait) in enumerate(pending):
            if wait(kill=abandon) or abandon:
                continue
            # The child found a problem (or failed): stop the others and check this side and
            # the ones after it here, raising the first problem in the order of a sequential load.
            for _, other in pending[i + 1 :]:
                other(kill=True)
            for later, _ in pending[i:]:
                validate_loaded(later)
            return

    try:
        revision = load_side(revision_spec, stack, options, validate=False)
    except GovernError:
        # A sequential load reads and checks the base first: its error comes first.
        validate_loaded(load_side(base_spec, stack, options, validate=False))
        raise
    if _unverified(revision):
        waits.append((revision, _validate_in_child(revision)))
    try:
        base = load_side(base_spec, stack, options, validate=False)
        if _unverified(base):
            waits.insert(0, (base, _validate_in_child(base)))
    except BaseException:
        confirm(abandon=True)  # the base's own error is the one to report
        raise
    return base, revision, confirm


def _nothing_to_confirm(abandon: bool = False) -> None:
    """Both sides were loaded strictly already."""


def _unverified(contract: Contract) -> bool:
    """An OpenAPI side whose specification check has not passed before."""
    if contract.kind != "openapi":
        return False  # every other kind is checked in full as it loads
    from govern.load.openapi import known_valid

    return not known_valid(contract)


def _worth_parallel(revision_spec: str) -> bool:
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False  # forking a threaded process is unsafe
    try:
        return os.path.isfile(revision_spec) and os.path.getsize(revision_spec) >= PARALLEL_MIN_BYTES
    except OSError:
        return False


def _validate_in_child(contract: Contract) -> Any:
    """Fork a child that runs the specification check on the loaded `contract` (the parsed
    documents are shared with the child, not copied); return `wait(kill=False) -> bool` (no
    problems). The child reports nothing else: on any failure the parent checks again and raises."""
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: validate, then leave without running the parent's cleanup
        code = 1
        try:
            import gc

            # A collection would visit (and so copy, page by page) every object the child
            # shares with the parent; what validation allocates is freed by reference counting.
            gc.disable()
            from govern.load.detect import validate_loaded

            validate_loaded(contract)
            code = 0
        except BaseException:  # noqa: BLE001 - a problem, or a failure: the parent checks again
            pass
        finally:
            os._exit(code)

    def wait(kill: bool = False) -> bool:
        import signal

        if kill:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0

    return wait
