"""Load .proto files: compile them in-process with the protoc bundled in grpcio-tools.

One protoc run per side compiles every file into a FileDescriptorSet (imports and source info
included). Before protoc sees anything, the import closure is walked in Python so that hostile
input (oversized files, too many files, FIFOs, symlinks out of the roots, non-UTF-8 text, odd
names) is refused with a clear message instead of reaching the C++ compiler.

Columns: protoc counts columns in bytes and expands tabs to 8; govern reports 1-based character
columns, so lines holding tabs or non-ASCII text are converted (see `_char_col`).
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govern.errors import InputError
from govern.load.model import Contract, Limits, Problem
from govern.rules.finding import Location

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileDescriptorSet

WARNING_RULE_ID = "proto-compiler-warning"

_PROTOC_LOCK = threading.Lock()  # protoc is not re-entrant and we swap the process's fd 2
_MAX_CAPTURED_BYTES = 1 << 20  # read at most this much of protoc's stderr
_MAX_MESSAGES = 1000  # keep at most this many compiler messages
_TAB_WIDTH = 8  # protoc's tokenizer advances tabs to the next multiple of 8

_IMPORT_RE = re.compile(rb'^[ \t]*import\s+(?:(?:public|weak|option)\s+)?"([^"\n]*)"', re.MULTILINE)
_WITH_POS = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")
_WITHOUT_POS = re.compile(r"^(?P<file>[^\s:][^:]*?\.proto): (?P<msg>.*)$")
_WARNING = "warning: "


class ProtoCompileError(InputError):
    """protoc rejected the input. The first error is the message; `errors` holds all of them."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.file, first.msg, line=first.line, col=first.col)
        self.errors = errors


@dataclass(eq=False)
class ProtoContract(Contract):
    """A proto Contract that also knows where each compiled file lives on disk.

    `disk` maps a descriptor file name (relative to its import root) to the absolute file protoc
    read (well-known types excepted). Display paths and span tables for `locate` are computed
    per file on first use, so a tree of thousands of files costs nothing until asked.
    """

    disk: dict[str, str] = field(default_factory=dict, repr=False)
    roots: _Roots | None = field(default=None, repr=False)
    _by_name: dict[str, FileDescriptorProto] | None = field(default=None, repr=False)
    _spans: dict[str, dict[tuple[int, ...], tuple[int, ...]]] = field(
        default_factory=dict, repr=False
    )
    _lines: dict[str, list[str] | None] = field(default_factory=dict, repr=False)

    def display(self, name: str) -> str:
        """The path shown to users for descriptor file `name`."""
        abs_file = self.disk.get(name)
        if abs_file is None or self.roots is None:
            return name
        return self.roots.display(abs_file)

    def file_descriptor(self, name: str) -> FileDescriptorProto | None:
        if self._by_name is None:
            self._by_name = {fd.name: fd for fd in self.descriptors.file}
        return self._by_name.get(name)

    def spans(self, name: str) -> dict[tuple[int, ...], tuple[int, ...]]:
        table = self._spans.get(name)
        if table is None:
            fd = self.file_descriptor(name)
            table = _span_table(fd) if fd is not None else {}
            self._spans[name] = table
        return table

    def source_lines(self, name: str) -> list[str] | None:
        """The file's lines if its columns need converting (tabs, non-ASCII), else None."""
        if name not in self._lines:
            lines = _read_lines(self.disk[name]) if name in self.disk else None
            if lines is not None and all(line.isascii() and "\t" not in line for line in lines):
                lines = None  # protoc's columns are already character columns: keep no text
            self._lines[name] = lines
        return self._lines[name]


# ----------------------------------------------------------------------------- public API


def load_proto(
    path: str,
    *,
    import_paths: list[str] | None = None,
    limits: Limits = Limits(),
) -> Contract:
    """Compile one .proto file or every .proto file under a directory into a Contract.

    The directory (or the file's directory) is the import root unless `import_paths` hold the
    input, in which case descriptor names are relative to the first import path that does. The
    well-known types bundled with grpcio-tools are always importable.
    """
    _check_name(path)
    if not os.path.exists(path):
        raise InputError(path, "no such file or directory")
    cwd = os.getcwd()
    roots = _Roots(import_paths or [], cwd)

    if os.path.isdir(path):
        root_shown = path
        inputs = _walk(path, limits)
        if not inputs:
            raise InputError(path, f"no .proto files in {path}")
        roots.ensure(path)
        abs_dir = os.path.abspath(path)
        input_abs = [os.path.join(abs_dir, *rel.split("/")) for rel in inputs]
    else:
        root_shown = os.path.dirname(path) or "."
        roots.ensure(root_shown)
        input_abs = [os.path.abspath(path)]

    names = [roots.virtual(p) for p in input_abs]
    vetted = set(input_abs) if os.path.isdir(path) else set()  # _walk checked their symlinks
    closure = _check_closure(
        dict(zip(names, input_abs, strict=True)), vetted, roots, limits, shown=path
    )

    fds, raw = _run_protoc(roots, input_abs, shown=root_shown)
    messages = _parse_messages(raw, roots)
    errors = _arrange([m for m in messages if not m.warning], roots)
    if fds is None or errors:
        if not errors:
            errors = [_Message(path, None, None, "protoc failed without a message", False)]
        raise ProtoCompileError(_as_input_errors(errors))

    contract = ProtoContract(
        kind="proto",
        path=path,
        version=_version(fds, set(names)),
        descriptors=fds,
        files=sorted(names),
        disk=closure,
        roots=roots,
    )
    lines_cache: dict[str, list[str] | None] = {}
    for m in messages:  # only warnings are left
        line, col = _fixed_position(m, lines_cache)
        contract.problems.append(Problem(WARNING_RULE_ID, m.msg, Location(m.file, line, col, None)))
    return contract


def locate(contract: Contract, file_name: str, path: Iterable[int]) -> Location:
    """Location of a SourceCodeInfo `path` (e.g. [4, msg, 2, field]) in descriptor file `file_name`.

    `file_name` is the descriptor's name (relative to its import root). A path without a span
    falls back to its nearest ancestor that has one; an unknown file gives a file-only Location.
    """
    key = tuple(path)
    if isinstance(contract, ProtoContract):
        shown = contract.display(file_name)
        table = contract.spans(file_name)
    else:  # a plain Contract (e.g. built by hand): no cache, no display mapping
        shown = file_name
        fd = next((f for f in contract.descriptors.file if f.name == file_name), None)
        table = _span_table(fd) if fd is not None else {}
    while True:
        span = table.get(key)
        if span is not None:
            line0, col0 = span[0], span[1]
            lines = (
                contract.source_lines(file_name) if isinstance(contract, ProtoContract) else None
            )
            text = lines[line0] if lines is not None and line0 < len(lines) else None
            return Location(shown, line0 + 1, _char_col(text, col0) + 1, None)
        if not key:
            return Location(shown, None, None, None)
        key = key[:-1]


def display_path(contract: Contract, file_name: str) -> str:
    """The path shown to users for descriptor file `file_name`."""
    if isinstance(contract, ProtoContract):
        return contract.display(file_name)
    return file_name


# ----------------------------------------------------------------------------- import roots


def _well_known_root() -> str:
    """The well-known types shipped with grpcio-tools (a folder protoc reads, so never zipped)."""
    import grpc_tools

    return os.path.join(os.path.dirname(os.path.abspath(grpc_tools.__file__)), "_proto")


class _Roots:
    """The -I roots in protoc's order: user import paths, the default root, the well-known types."""

    def __init__(self, import_paths: list[str], cwd: str) -> None:
        self.cwd = cwd
        self.shown: list[str] = []  # as the user wrote them (normalized)
        self.absolute: list[str] = []
        for p in import_paths:
            _check_name(p)
            if not os.path.isdir(p):
                raise InputError(p, "import path is not a directory")
            self._add(p)
        self.wkt = os.path.abspath(_well_known_root())

    def _add(self, p: str) -> None:
        ab = os.path.abspath(p)
        if os.pathsep in ab:
            raise InputError(p, f"import path contains {os.pathsep!r}, which protoc splits on")
        if ab not in self.absolute:
            self.shown.append(os.path.normpath(p))
            self.absolute.append(ab)

    def ensure(self, p: str) -> None:
        """Add `p` as the last user root unless an import path already holds it."""
        ab = os.path.abspath(p)
        if not any(_within(ab, r) for r in self.absolute):
            self._add(p)

    def virtual(self, abs_file: str) -> str:
        for r in self.absolute:
            if _within(abs_file, r):
                return _below(abs_file, r).replace(os.sep, "/")
        raise InputError(abs_file, "file is outside every import path")  # ensure() prevents this

    def resolve(self, name: str) -> str | None:
        """The absolute file of the first user root holding `name`, as protoc looks it up."""
        for r in self.absolute:
            candidate = os.path.join(r, *name.split("/"))
            if os.path.lexists(candidate):
                return candidate
        return None

    def display(self, abs_file: str) -> str:
        """What a user recognises: under the import path as they typed it, relative to cwd when
        that is absolute but under cwd; the well-known types by their import name."""
        if _within(abs_file, self.wkt) and not any(_within(abs_file, r) for r in self.absolute):
            return _below(abs_file, self.wkt).replace(os.sep, "/")
        for shown, ab in zip(self.shown, self.absolute, strict=True):
            if _within(abs_file, ab):
                p = os.path.join(shown, _below(abs_file, ab))
                break
        else:
            p = abs_file
        if os.path.isabs(p) and _within(p, self.cwd):
            return _below(p, self.cwd) or "."
        return os.path.normpath(p)

    def protoc_args(self) -> list[str]:
        # "=DIR" maps DIR to the virtual root, so a '=' inside DIR is not read as a mapping.
        return [f"--proto_path={'=' + r if '=' in r else r}" for r in [*self.absolute, self.wkt]]


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _below(path: str, root: str) -> str:
    """`path` relative to `root`, given `_within(path, root)` (cheaper than os.path.relpath)."""
    return path[len(root.rstrip(os.sep)) + 1 :]


# ----------------------------------------------------------------------------- hostile input


def _check_name(name: str) -> None:
    if "\0" in name or "\n" in name or "\r" in name:
        raise InputError(repr(name), "file name contains a NUL byte or a line break")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(repr(name), "file name is not valid UTF-8") from None


def _walk(top: str, limits: Limits) -> list[str]:
    """The .proto files under `top` ('/'-separated, relative, sorted), skipping hidden entries.

    Symlinked directories are not descended into (their files are found where they live, or are
    reached through imports); a symlink, file or directory, that leads out of `top` is refused.
    """
    real_top = os.path.realpath(top)
    found: list[str] = []
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(top, rel_dir) if rel_dir else top))
        except OSError as exc:
            raise InputError(os.path.join(top, rel_dir), f"cannot read: {exc.strerror}") from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            is_proto = entry.name.endswith(".proto")
            if entry.is_symlink():
                if not (is_proto or entry.is_dir()):
                    continue
                _check_name(entry.path)
                if not _within(os.path.realpath(entry.path), real_top):
                    raise InputError(entry.path, f"symlink escapes {top}")
                if entry.is_dir():
                    continue  # inside the root: its files are found where they really live
            elif entry.is_dir(follow_symlinks=False):
                stack.append(rel)
                continue
            elif not is_proto:
                continue
            _check_name(entry.path)
            found.append(rel)
            if len(found) > limits.max_files:
                raise InputError(
                    top, f"more than {limits.max_files} .proto files (limit max_files)"
                )
    return sorted(found)


def _check_closure(
    inputs: dict[str, str], vetted: set[str], roots: _Roots, limits: Limits, *, shown: str
) -> dict[str, str]:
    """Walk the imports of `inputs` (name -> absolute file) and vet every file protoc will read.

    Returns name -> absolute file for all user files reached. Files in `vetted` are known to be
    reached without symlinks leading out of the roots; the others get a realpath check.
    Imports are found with a regex, so an import inside a block comment is vetted too (harmless);
    names protoc itself would reject or cannot find are left for protoc to report.
    """
    real_roots = [os.path.realpath(r) for r in roots.absolute]
    seen = dict(inputs)
    queue = list(inputs.values())
    while queue:
        abs_file = queue.pop()
        if abs_file not in vetted:
            real = os.path.realpath(abs_file)
            if not any(_within(real, r) for r in real_roots):
                raise InputError(
                    roots.display(abs_file),
                    "symlink leads out of the import paths; add its target as an import path",
                )
        data = _read_checked(abs_file, roots, limits)
        for m in _IMPORT_RE.finditer(data):
            imported = m.group(1).decode("utf-8")  # the file decoded, so this does too
            if imported in seen or not _canonical(imported):
                continue
            found = roots.resolve(imported)
            if found is None:
                continue  # a well-known type, or missing: protoc reports it
            seen[imported] = found
            queue.append(found)
            if len(seen) > limits.max_files:
                raise InputError(
                    shown, f"more than {limits.max_files} .proto files (limit max_files)"
                )
    return seen


def _canonical(name: str) -> bool:
    """Whether protoc accepts `name` as an import (no '.', '..', empty parts or backslashes)."""
    return (
        "\\" not in name
        and "\0" not in name
        and all(p not in ("", ".", "..") for p in name.split("/"))
    )


def _read_checked(abs_file: str, roots: _Roots, limits: Limits) -> bytes:
    """The file's bytes, refusing non-regular files, oversized files and non-UTF-8 text."""
    cap = limits.max_file_bytes
    try:
        # O_NONBLOCK: opening a FIFO must not hang; fstat then tells what was opened.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(abs_file, flags)
    except OSError as exc:
        raise InputError(roots.display(abs_file), f"cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(roots.display(abs_file), "not a regular file")
        if st.st_size > cap:
            raise InputError(
                roots.display(abs_file), f"file is {st.st_size} bytes, over the limit of {cap}"
            )
        data = fh.read(st.st_size + 1)  # not read(cap): that allocates `cap` bytes per file
        if len(data) > st.st_size:
            data += fh.read(cap + 1 - len(data))
    if len(data) > cap:
        raise InputError(roots.display(abs_file), f"file grew over the limit of {cap} bytes")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start_of_line = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[start_of_line : exc.start].decode("utf-8", "replace")) + 1
        raise InputError(
            roots.display(abs_file),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            line=line,
            col=col,
        ) from None
    return data


# ----------------------------------------------------------------------------- running protoc


def run_protoc(args: list[str], tmp: str, max_bytes: int = _MAX_CAPTURED_BYTES) -> tuple[int, str]:
    """Run grpc_tools' protoc in this process with `args`; return its exit status and stderr.

    protoc writes diagnostics to fd 2, so fd 2 is pointed at a file in `tmp` while it runs
    (under a lock: protoc is not re-entrant). Anything else written to fd 2 meanwhile (another
    thread) lands there too; unparseable lines become position-less messages, never lost.
    """
    protoc = _protoc_module()
    with tempfile.TemporaryFile(dir=tmp) as captured, _PROTOC_LOCK:
        if sys.stderr is not None:
            sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(captured.fileno(), 2)
            try:
                rc = protoc.main(args)
            finally:
                os.dup2(saved, 2)
        finally:
            os.close(saved)
        size = min(os.fstat(captured.fileno()).st_size, max_bytes)
        captured.seek(0)
        return rc, captured.read(size).decode("utf-8", "replace")


_DYNAMIC_STUBS_SWITCH = "GRPC_PYTHON_DISABLE_DYNAMIC_STUBS"
_IMPORT_LOCK = threading.Lock()


def _protoc_module() -> Any:
    """`grpc_tools.protoc`, imported without the import hooks it installs by default.

    Those hooks serve `grpc.protos()` (importing .proto files as modules), which govern never
    uses; installing them looks up grpc_tools' resources at import, and every failed import
    after it searches their path. grpcio-tools' documented switch turns them off; it is set only
    while the module is imported (grpc.protos() would still install the hooks when called).
    """
    if "grpc_tools.protoc" not in sys.modules:
        with _IMPORT_LOCK:
            if "grpc_tools.protoc" not in sys.modules:
                saved = os.environ.get(_DYNAMIC_STUBS_SWITCH)
                os.environ[_DYNAMIC_STUBS_SWITCH] = "1"
                try:
                    import grpc_tools.protoc  # noqa: F401
                finally:
                    if saved is None:
                        del os.environ[_DYNAMIC_STUBS_SWITCH]
                    else:
                        os.environ[_DYNAMIC_STUBS_SWITCH] = saved
    from grpc_tools import protoc  # waits for an import still running in another thread

    return protoc


def _run_protoc(
    roots: _Roots, input_abs: list[str], *, shown: str
) -> tuple[FileDescriptorSet | None, str]:
    """Run protoc once on all inputs; return (descriptor set or None, captured stderr)."""
    from google.protobuf import descriptor_pb2
    from google.protobuf.message import DecodeError

    with tempfile.TemporaryDirectory(prefix="govern-proto-") as tmp:
        out = os.path.join(tmp, "descriptors.pb")
        args = [
            "protoc",
            *roots.protoc_args(),
            "--include_imports",
            "--include_source_info",
            "--retain_options",
            f"--descriptor_set_out={out}",
            *input_abs,  # absolute, so none can be read as a flag or an @argfile
        ]
        rc, raw = run_protoc(args, tmp)
        if rc != 0 or not os.path.exists(out):
            return None, raw or f"{shown}: protoc exited with status {rc}"
        with open(out, "rb") as fh:
            blob = fh.read()
    try:
        return descriptor_pb2.FileDescriptorSet.FromString(blob), raw
    except DecodeError as exc:
        raise InputError(shown, f"protoc wrote an unreadable descriptor set: {exc}") from None


@dataclass(frozen=True)
class _Message:
    file: str | None  # display path
    line: int | None
    col: int | None  # protoc's column: bytes, tabs expanded
    msg: str
    warning: bool
    disk: str | None = None  # absolute path protoc printed, when it printed one


def _parse_messages(raw: str, roots: _Roots) -> list[_Message]:
    """protoc's stderr as messages, in order, without duplicates."""
    out: list[_Message] = []
    seen: set[str] = set()
    for text in raw.splitlines():
        text = text.rstrip()
        if not text or text in seen:
            continue
        seen.add(text)
        file: str | None = None
        line = col = None
        msg = text
        m = _WITH_POS.match(text)
        if m:
            file, line, col, msg = m["file"], int(m["line"]), int(m["col"]), m["msg"]
        else:
            m = _WITHOUT_POS.match(text)
            if m:
                file, msg = m["file"], m["msg"]
        warning = msg.startswith(_WARNING)
        if warning:
            msg = msg[len(_WARNING) :]
        disk = file if file is not None and os.path.isabs(file) else None
        shown = roots.display(disk) if disk is not None else file
        out.append(_Message(shown, line, col, msg, warning, disk))
        if len(out) >= _MAX_MESSAGES:
            break
    return out


_IMPORT_ERROR = re.compile(r'^Import "(?P<name>[^"]+)" was not found or had errors\.$')
_NOT_FOUND = "File not found."


def _arrange(errors: list[_Message], roots: _Roots) -> list[_Message]:
    """Errors in a useful order: files in protoc's order, each file's errors in source order.

    protoc reports a missing import twice: `x.proto: File not found.` (no position) and, at the
    import statement, `Import "x.proto" was not found or had errors.`. Keep only the second,
    saying plainly that the file is missing and where it was looked for.
    """
    missing = {m.file for m in errors if m.msg == _NOT_FOUND and m.line is None}
    reported = {
        hit["name"]
        for m in errors
        if (hit := _IMPORT_ERROR.match(m.msg)) and hit["name"] in missing
    }
    searched = ", ".join(roots.shown) + " and the well-known types"
    merged: list[_Message] = []
    for m in errors:
        if m.msg == _NOT_FOUND and m.line is None and m.file in reported:
            continue
        hit = _IMPORT_ERROR.match(m.msg)
        if hit and hit["name"] in reported:
            msg = f'Import "{hit["name"]}" was not found (searched {searched}).'
            m = _Message(m.file, m.line, m.col, msg, False, m.disk)
        merged.append(m)
    order: dict[str | None, int] = {}
    for m in merged:
        order.setdefault(m.file, len(order))
    return sorted(merged, key=lambda m: (order[m.file], m.line or 0, m.col or 0))


def _fixed_position(
    m: _Message, lines_cache: dict[str, list[str] | None]
) -> tuple[int | None, int | None]:
    """1-based line and character column of a protoc message."""
    if m.line is None or m.col is None:
        return m.line, m.col
    text = None
    if m.disk is not None:
        if m.disk not in lines_cache:
            lines_cache[m.disk] = _read_lines(m.disk)
        lines = lines_cache[m.disk]
        if lines is not None and 0 < m.line <= len(lines):
            text = lines[m.line - 1]
    return m.line, _char_col(text, m.col - 1) + 1


def _as_input_errors(messages: list[_Message]) -> list[InputError]:
    cache: dict[str, list[str] | None] = {}
    out = []
    for m in messages:
        line, col = _fixed_position(m, cache)
        out.append(InputError(m.file, m.msg, line=line, col=col))
    return out


# ----------------------------------------------------------------------------- results


def _version(fds: FileDescriptorSet, inputs: set[str]) -> str:
    from google.protobuf import descriptor_pb2

    found = set()
    for fd in fds.file:
        if fd.name not in inputs:
            continue
        if fd.syntax == "editions":
            edition = descriptor_pb2.Edition.Name(fd.edition).removeprefix("EDITION_")
            found.add(f"editions-{edition.lower()}")
        else:
            found.add(fd.syntax or "proto2")
    return found.pop() if len(found) == 1 else "mixed"


def _span_table(fd: Any) -> dict[tuple[int, ...], tuple[int, ...]]:
    table: dict[tuple[int, ...], tuple[int, ...]] = {}
    for loc in fd.source_code_info.location:
        table.setdefault(tuple(loc.path), tuple(loc.span))
    return table


def _read_lines(abs_file: str) -> list[str] | None:
    """The file's lines split like protoc's tokenizer (on '\\n' only), or None if unreadable."""
    try:
        with open(abs_file, "rb") as fh:
            return fh.read().decode("utf-8", "replace").split("\n")
    except OSError:
        return None


def _char_col(text: str | None, protoc_col: int) -> int:
    """0-based character column for protoc's 0-based column (bytes, tabs to the next 8)."""
    if text is None or (text.isascii() and "\t" not in text):
        return protoc_col
    col = 0
    for index, ch in enumerate(text):
        if col >= protoc_col:
            return index
        col += _TAB_WIDTH - col % _TAB_WIDTH if ch == "\t" else len(ch.encode("utf-8"))
    return len(text) + (protoc_col - col)
