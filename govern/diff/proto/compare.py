"""The protobuf diff engine: pair both sides in one pass and run the enabled rules on each pair."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from govern.diff.proto import rules as _rules  # noqa: F401  (declares the rules)
from govern.diff.proto import walk as w
from govern.diff.proto.bufconfig import BufBreakingConfig
from govern.diff.proto.categories import categories_of
from govern.diff.proto.rules import CHECKS
from govern.diff.proto.spans import Locator
from govern.errors import UsageError
from govern.rules.finding import Finding, Level, sort_findings

if TYPE_CHECKING:
    from govern.load.model import Contract

KIND = "proto"


class _Hit:
    __slots__ = ("rule", "message", "on_rev", "file", "path", "pointer", "files", "packages")

    def __init__(
        self,
        rule: str,
        message: str,
        on_rev: bool,
        file: str,
        path: tuple[int, ...],
        pointer: str,
        files: tuple[str, ...],
        packages: tuple[str, ...],
    ) -> None:
        self.rule = rule
        self.message = message
        self.on_rev = on_rev
        self.file = file
        self.path = path
        self.pointer = pointer
        self.files = files
        self.packages = packages


def _file_level_path(fd: Any) -> tuple[int, ...]:
    """Where a file-level finding points: the package statement, else the syntax statement."""
    if fd.package:
        return (2,)
    return (12,) if fd.syntax else ()


class Ctx:
    """State of one diff: both sides, the enabled rules and the hits so far."""

    def __init__(self, base: w.Side, rev: w.Side, enabled: frozenset[str]) -> None:
        self.base = base
        self.rev = rev
        self.enabled = enabled
        self.hits: list[_Hit] = []
        self._rule = ""

    def _add(self, rule: str, message: str, on_rev: bool, file: str, path: tuple[int, ...], pointer: str,
             files: tuple[str, ...], packages: tuple[str, ...]) -> None:  # fmt: skip
        self.hits.append(_Hit(rule, message, on_rev, file, path, pointer, files, packages))

    # -- files and packages ----------------------------------------------------------------

    def hit_base_file(self, bf: w.FileRec, message: str) -> None:
        self._add("FILE_NO_DELETE", message, False, bf.name, _file_level_path(bf.fd), bf.name,
                  (bf.name,), (bf.package,))  # fmt: skip

    def hit_file(self, rule: str, message: str, bf: w.FileRec, rf: w.FileRec, path: tuple[int, ...]) -> None:
        self._add(rule, message, True, rf.name, path, rf.name, (rf.name, bf.name), (rf.package, bf.package))

    def _surviving(self, full: str, file_name: str, fd: Any) -> tuple[int, ...]:
        """Path of the nearest enclosing message of `full` still in revision file `file_name`."""
        name = full
        while "." in name:
            name = name.rsplit(".", 1)[0]
            m = self.rev.messages.get(name)
            if m is not None and m.file.name == file_name:
                return m.path
        return _file_level_path(fd)

    def hit_deleted_in_file(self, rule: str, message: str, bf: w.FileRec, rf: w.FileRec, full: str, now: str) -> None:
        self._add(rule, message, True, rf.name, self._surviving(now, rf.name, rf.fd), full,
                  (rf.name, bf.name), (rf.package, bf.package))  # fmt: skip

    def hit_package_deleted(self, package: str, files: list[str], message: str) -> None:
        first = sorted(files)[0]
        fd = self.base.fds[first]
        self._add("PACKAGE_NO_DELETE", message, False, first, _file_level_path(fd), package, (first,), (package,))

    def hit_deleted_from_package(self, rule: str, message: str, rec: Any, full: str) -> None:
        name = rec.file.name
        rfd = self.rev.fds.get(name)
        if rfd is not None:
            self._add(rule, message, True, name, self._surviving(full, name, rfd), full,
                      (name,), (rfd.package, rec.file.package))  # fmt: skip
        else:
            self._add(rule, message, False, name, rec.path, full, (name,), (rec.file.package,))

    # -- elements ----------------------------------------------------------------------------

    def hit_in_container(self, rule: str, message: str, b: Any, r: Any, pointer: str) -> None:
        """A finding about something gone from container `r` (a message, enum or service)."""
        self._add(rule, message, True, r.file.name, r.path, pointer, (r.file.name, b.file.name),
                  (r.file.package, b.file.package))  # fmt: skip

    def hit_in_message(self, rule: str, message: str, bm: Any, rm: Any, pointer: str, at: Any = None) -> None:
        target = at if at is not None else rm
        self._add(rule, message, True, rm.file.name, target.path, pointer, (rm.file.name, bm.file.name),
                  (rm.file.package, bm.file.package))  # fmt: skip

    def hit_at(self, rule: str, message: str, b: Any, r: Any, path: tuple[int, ...], pointer: str) -> None:
        self._add(rule, message, True, r.file.name, path, pointer, (r.file.name, b.file.name),
                  (r.file.package, b.file.package))  # fmt: skip

    def hit_field(self, rule: str, message: str, b: w.FieldRec, r: w.FieldRec, sub: int | None) -> None:
        path = r.path + (sub,) if sub is not None else r.path
        self._add(rule, message, True, r.file.name, path, r.full, (r.file.name, b.file.name),
                  (r.file.package, b.file.package))  # fmt: skip


def _enabled(event: str, enabled: frozenset[str]) -> list[Any]:
    return [fn for rid, fn in CHECKS.get(event, ()) if rid in enabled]


def _enum_numbers_changed(be: w.EnumRec, re_: w.EnumRec) -> bool:
    a, b = be.desc.value, re_.desc.value
    if not len(a) or not len(b) or a[0].number != b[0].number:
        return True
    return {v.name: v.number for v in a} != {v.name: v.number for v in b}


def _references(fd: Any, enums: set[str]) -> bool:
    def in_message(m: Any) -> bool:
        for f in m.field:
            if f.type == w.T_ENUM and f.type_name.lstrip(".") in enums:
                return True
        for x in m.extension:
            if x.type == w.T_ENUM and x.type_name.lstrip(".") in enums:
                return True
        return any(in_message(n) for n in m.nested_type)

    if any(x.type == w.T_ENUM and x.type_name.lstrip(".") in enums for x in fd.extension):
        return True
    return any(in_message(m) for m in fd.message_type)


def _java_check(f: w.FileRec) -> bool:
    return bool(f.fd.options.java_string_check_utf8)


def _field_skippable(d: Any, affected: set[str]) -> bool:
    """Whether an identical field declaration is sure to compare equal: not an enum field whose
    enum moved its numbers (its default may change), and not a repeated message field (a map and
    a repeated field of a look-alike entry message have the same declaration)."""
    if d.type == w.T_ENUM:
        return not affected or d.type_name.lstrip(".") not in affected
    return not (d.type == w.T_MESSAGE and d.label == w.L_REPEATED)


def _uses(desc: Any, affected: set[str]) -> bool:
    """Whether message `desc` (not its nested messages) has a field of an `affected` enum."""
    if not affected:
        return False
    return any(f.type == w.T_ENUM and f.type_name.lstrip(".") in affected for f in desc.field)


def run(ctx: Ctx) -> None:
    """Pair every element of both sides once and call the enabled checks."""
    b, r = ctx.base, ctx.rev
    changed: list[str] = []
    unchanged: list[str] = []
    base_only: list[str] = []
    for name, fd in b.fds.items():
        rfd = r.fds.get(name)
        if rfd is None:
            base_only.append(name)
        elif w.same_file_content(fd, rfd):
            unchanged.append(name)
        else:
            changed.append(name)
    rev_only = [name for name in r.fds if name not in b.fds]
    b.index(changed + base_only)
    r.index(changed + rev_only)

    # An enum whose value numbers moved changes the default of the fields that use it, even of
    # fields whose own declaration (or whole file) is identical on both sides.
    affected = {
        full for full, be in b.enums.items()
        if (re_ := r.enums.get(full)) is not None and _enum_numbers_changed(be, re_)
    }  # fmt: skip
    if affected and unchanged:
        extra = [name for name in unchanged if _references(b.fds[name], affected)]
        b.index(extra)
        r.index(extra)

    enabled = ctx.enabled
    for fn in _enabled("file_deleted", enabled):
        for name in base_only:
            fn(ctx, b.files[name])
    file_checks = _enabled("file_pair", enabled)
    if file_checks:
        for name in changed:
            bf, rf = b.files[name], r.files[name]
            for fn in file_checks:
                fn(ctx, bf, rf)

    deleted_pkg = _enabled("package_deleted", enabled)
    pkg_checks = _enabled("package_pair", enabled)
    if deleted_pkg or pkg_checks:
        touched = {b.fds[name].package for name in (*changed, *base_only)}
        for package, files in b.packages.items():
            if package not in r.packages:
                for fn in deleted_pkg:
                    fn(ctx, package, files)
            elif package in touched:
                for fn in pkg_checks:
                    fn(ctx, package)

    msg_checks = _enabled("message_pair", enabled)
    field_checks = _enabled("field_pair", enabled)
    for full, bm in b.messages.items():
        rm = r.messages.get(full)
        if rm is None:
            continue
        same_context = bm.feats == rm.feats and _java_check(bm.file) == _java_check(rm.file)
        if same_context and bm.desc == rm.desc and not _uses(bm.desc, affected):
            continue  # identical message in an identical context: nothing can differ
        for fn in msg_checks:
            fn(ctx, bm, rm)
        if not field_checks:
            continue
        rtable = rm.field_table()
        boneofs, roneofs = bm.desc.oneof_decl, rm.desc.oneof_decl
        for number, (_, bd) in bm.field_table().items():
            hit = rtable.get(number)
            if hit is None:
                continue
            rd = hit[1]
            if same_context and bd == rd and _field_skippable(bd, affected):
                if not bd.HasField("oneof_index") or boneofs[bd.oneof_index] == roneofs[rd.oneof_index]:
                    continue
            bfield, rfield = bm.field(b, number), rm.field(r, number)
            for fn in field_checks:
                fn(ctx, bfield, rfield)
    if field_checks:
        for key, bx in b.extensions.items():
            rx = r.extensions.get(key)
            if rx is None:
                continue
            if (bx.full == rx.full and bx.feats == rx.feats and bx.desc == rx.desc
                    and _java_check(bx.file) == _java_check(rx.file) and _field_skippable(bx.desc, affected)):  # fmt: skip
                continue
            for fn in field_checks:
                fn(ctx, bx, rx)

    enum_checks = _enabled("enum_pair", enabled)
    if enum_checks:
        for full, be in b.enums.items():
            re_ = r.enums.get(full)
            if re_ is not None and not (be.feats == re_.feats and be.desc == re_.desc):
                for fn in enum_checks:
                    fn(ctx, be, re_)

    service_checks = _enabled("service_pair", enabled)
    method_checks = _enabled("method_pair", enabled)
    if service_checks or method_checks:
        for full, bs in b.services.items():
            rs = r.services.get(full)
            if rs is None or bs.desc == rs.desc:
                continue
            for fn in service_checks:
                fn(ctx, bs, rs)
            if method_checks:
                rmethods = {m.name: (i, m) for i, m in enumerate(rs.desc.method)}
                for bmethod in bs.desc.method:
                    hit = rmethods.get(bmethod.name)
                    if hit is not None:
                        for fn in method_checks:
                            fn(ctx, bs, rs, bmethod, hit[1], hit[0])


# ----------------------------------------------------------------------------- public API


def diff_proto(
    base: Contract,
    revision: Contract,
    *,
    category: str = "FILE",
    config: BufBreakingConfig | None = None,
) -> list[Finding]:
    """Breaking changes from `base` to `revision` with buf's rule ids (kind "proto").

    `category` (FILE, PACKAGE, WIRE_JSON, WIRE; CSR too) picks the rules unless `config`
    (a buf.yaml breaking section) lists its own in `use`. `config` also filters by path and
    unstable package. Every finding is level ERR.
    """
    cfg = config or BufBreakingConfig()
    if not cfg.use and category not in categories_of(cfg.version):
        raise UsageError(
            f"unknown protobuf category {category!r}; choose one of: {', '.join(categories_of(cfg.version))}"
        )
    enabled = cfg.rules(category)
    # The pass allocates many small records and frees nothing until it ends: collecting cycles
    # in the middle of it only costs time (up to half of it on large trees).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _diff(base, revision, cfg, enabled)
    finally:
        if gc_was_enabled:
            gc.enable()


def _diff(base: Contract, revision: Contract, cfg: BufBreakingConfig, enabled: frozenset[str]) -> list[Finding]:
    ctx = Ctx(w.Side(base), w.Side(revision), enabled)
    run(ctx)
    rev_at = Locator(revision, ctx.rev.fds)
    base_at = Locator(base, ctx.base.fds)
    findings = []
    seen: set[tuple[str, str, str, tuple[int, ...]]] = set()
    for h in ctx.hits:
        if cfg.ignores(h.rule, h.files, h.packages):
            continue
        key = (h.rule, h.message, h.file, h.path)
        if key in seen:
            continue
        seen.add(key)
        loc = (rev_at if h.on_rev else base_at)(h.file, h.path, h.pointer)
        findings.append(Finding(h.rule, Level.ERR, h.message, loc, KIND))
    return sort_findings(findings)


def diff_proto_contracts(base: Contract, revision: Contract, options: Any) -> list[Finding]:
    """Adapter for govern.diff.run: reads the revision's buf.yaml (if any) for the rules."""
    from govern.diff.proto.bufconfig import find_buf_config

    import dataclasses

    config = find_buf_config(revision.path)
    category = getattr(options, "category", None)
    if config is not None and category is not None and config.use:
        config = dataclasses.replace(config, use=())  # an explicit category beats buf.yaml's `use`
    exempt = getattr(options, "exempt_stability", None)
    if exempt is not None and ("alpha" in exempt or "beta" in exempt):
        config = dataclasses.replace(config or BufBreakingConfig(), ignore_unstable_packages=True)
    return diff_proto(base, revision, category=category or "FILE", config=config)
