"""Reading contract files safely: path checks, size caps, text checks, YAML/JSON with source lines.

YAML is built from libyaml's event stream (never PyYAML's recursive composer, which overflows
the C stack on deep input), so depth, alias expansion and tags are all checked while parsing.
JSON goes through the stdlib decoder; its lines are found lazily, one pointer at a time, by
`JsonPositions` (or all at once by `json_line_table`).
"""

from __future__ import annotations

import gc
import json
import os
import re
import stat
from bisect import bisect_right
from itertools import accumulate
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from govern.errors import InputError
from govern.load.model import Document, Limits, SourceMap

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_MAP_TAGS = {None, "!", _TAG + "map", _TAG + "set"}
_SEQ_TAGS = {None, "!", _TAG + "seq", _TAG + "omap", _TAG + "pairs"}
_KEEP_AS_TEXT = {_TAG + "str", _TAG + "timestamp", _TAG + "binary", _TAG + "value"}


def escape_token(key: str) -> str:
    """One JSON-pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1") if ("~" in key or "/" in key) else key


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~") if "~" in token else token


def safe_path(path: str, *, kind: str = "file") -> str:
    """Check that `path` names an existing regular file ("file"), directory ("dir") or either ("any")."""
    if "\x00" in path:
        raise InputError(repr(path), "path contains a NUL byte")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(path, "no such file or directory") from None
    except OSError as exc:
        raise InputError(path, f"cannot access: {exc.strerror or exc}") from None
    is_file, is_dir = stat.S_ISREG(st.st_mode), stat.S_ISDIR(st.st_mode)
    if kind == "file" and not is_file:
        raise InputError(path, "is a directory, expected a file" if is_dir else "not a regular file")
    if kind == "dir" and not is_dir:
        raise InputError(path, "not a directory")
    if kind == "any" and not (is_file or is_dir):
        raise InputError(path, "not a regular file or directory")
    return path


def read_text(path: str, limits: Limits) -> str:
    """The file's text, refusing oversized, binary, empty or non-UTF-8 files."""
    safe_path(path)
    size = os.stat(path).st_size
    if size > limits.max_file_bytes:
        raise InputError(path, f"file is {_size(size)}, over the limit of {_size(limits.max_file_bytes)}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:
        raise InputError(path, f"file is over the limit of {_size(limits.max_file_bytes)}")
    return decode_text(path, data)


def _size(n: int) -> str:
    return f"{n / 2**20:.3g} MiB" if n >= 2**17 else f"{n} bytes"


def decode_text(path: str, data: bytes) -> str:
    """Decode file bytes as UTF-8 text (BOM allowed), with clear errors for anything else."""
    if not data:
        raise InputError(path, "empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, "file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(path, "not a text file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(path, f"not valid UTF-8 (byte offset {exc.start})", line=line, col=col) from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_document(path: str, text: str, limits: Limits) -> Document:
    """Parse YAML or JSON text into plain data with a source map (JSON's is computed lazily)."""
    from govern.load.verdicts import text_digest

    doc = _parse_any(path, text, limits)
    doc.digest = text_digest(text)
    return doc


def _parse_any(path: str, text: str, limits: Limits) -> Document:
    suffix = os.path.splitext(path)[1].lower()
    first = text.lstrip()[:1]
    if suffix in JSON_SUFFIXES:
        return _parse_json(path, text, limits)
    if first in ("{", "["):
        try:
            return _parse_json(path, text, limits)
        except InputError:
            if suffix not in YAML_SUFFIXES:
                raise
    return _parse_yaml(path, text, limits)


def load_document(path: str, limits: Limits) -> Document:
    """read_text + parse_document."""
    return parse_document(path, read_text(path, limits), limits)


# ---------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    pass


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _parse_json(path: str, text: str, limits: Limits) -> Document:
    enabled = gc.isenabled()
    gc.disable()  # every object built is alive at the end; collections while building are wasted
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", line=exc.lineno, col=exc.colno) from None
    except _DuplicateKey as exc:
        raise _json_duplicate_error(path, text, str(exc)) from None
    except RecursionError:
        raise InputError(path, f"nesting deeper than {limits.max_depth} levels") from None
    finally:
        if enabled:
            gc.enable()
    if data is None:
        raise InputError(path, "empty document")
    check_depth(path, data, limits.max_depth)
    return Document(path, data, SourceMap(path, resolver=lambda: JsonPositions(text)))


def _json_duplicate_error(path: str, text: str, key: str) -> InputError:
    for pointer, (line, col) in json_line_table(text, stop_at_duplicate=True).items():
        return InputError(path, f"duplicate key {key!r}", line=line, col=col, pointer=pointer)
    return InputError(path, f"duplicate key {key!r}")


def check_depth(path: str, data: Any, max_depth: int) -> None:
    """Refuse data nested deeper than `max_depth` (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise InputError(path, f"nesting deeper than {max_depth} levels")
        children = node.values() if type(node) is dict else node
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))


_STR = r'"[^"\\]*(?:\\.[^"\\]*)*"'
# A key, with its scalar value and trailing comma when it has one; else a string, bracket or comma.
_JSON_TOKEN = re.compile(
    r'"([^"\\]*(?:\\.[^"\\]*)*)"(\s*:(?:\s*(?:' + _STR + r'|[-+.\w]+)\s*,?)?)?|[{}\[\],]'
)
_SPACE = re.compile(r"[ \t\r\n]*")


def json_line_table(text: str, *, stop_at_duplicate: bool = False) -> dict[str, tuple[int, int]]:
    """pointer -> (line, col), 1-based, for the root, keys and array items of valid JSON text.

    One regex pass over keys (swallowing scalar values), array strings, brackets and commas;
    array items are placed after `[` and `,`. With `stop_at_duplicate`, returns just
    {pointer: (line, col)} of the first repeated key.
    """
    positions: list[tuple[str, int]] = []
    add = positions.append
    seen: set[str] = set()
    frames: list[list[Any]] = []  # [is_object, pointer, item_index]
    cur = ""
    add((cur, _skip_space(text, 0)))
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastindex
        if kind == 2:
            key = match.group(1)
            if "\\" in key:
                key = json.loads('"' + key + '"')
            if "~" in key or "/" in key:
                key = escape_token(key)
            cur = frames[-1][1] + "/" + key
            if stop_at_duplicate:
                if cur in seen:
                    return _lines_of(text, [(cur, match.start())])
                seen.add(cur)
            add((cur, match.start()))
        elif kind is None:
            ch = text[match.start()]
            if ch == ",":
                top = frames[-1]
                if not top[0]:
                    top[2] += 1
                    cur = f"{top[1]}/{top[2]}"
                    add((cur, _skip_space(text, match.end())))
            elif ch == "{":
                frames.append([True, cur, 0])
            elif ch == "[":
                frames.append([False, cur, 0])
                pos = _skip_space(text, match.end())
                if text[pos : pos + 1] != "]":
                    cur = cur + "/0"
                    add((cur, pos))
            else:
                frames.pop()
    return {} if stop_at_duplicate else _lines_of(text, positions)


class JsonPositions:
    """pointer -> (line, col) of valid JSON text, like `json_line_table`'s dict, but lazy.

    A diff asks for the lines of a few thousand pointers in a file that has hundreds of
    thousands: each lookup walks down the pointer, listing the members of each object or array
    on its way once (the C scanner skips each member's value), so only the parts of the text
    that findings point into are ever indexed. Iterating it builds the whole table.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._root = _skip_space(text, 0)
        self._children: dict[int, Any] = {}  # value offset -> {key: (key offset, value offset)} | [item offsets]
        self._found: dict[str, tuple[int, int] | None] = {}
        self._starts: list[int] | None = None
        self._full: dict[str, tuple[int, int]] | None = None
        self._scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # C scanner: (value, end)

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and self._lookup(pointer) is not None

    def __getitem__(self, pointer: str) -> tuple[int, int]:
        found = self._lookup(pointer) if isinstance(pointer, str) else None
        if found is None:
            raise KeyError(pointer)
        return found

    def get(self, pointer: str, default: Any = None) -> Any:
        found = self._lookup(pointer) if isinstance(pointer, str) else None
        return default if found is None else found

    def _table(self) -> dict[str, tuple[int, int]]:
        if self._full is None:
            self._full = json_line_table(self.text)
        return self._full

    def __iter__(self) -> Any:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def keys(self) -> Any:
        return self._table().keys()

    def items(self) -> Any:
        return self._table().items()

    def values(self) -> Any:
        return self._table().values()

    def _lookup(self, pointer: str) -> tuple[int, int] | None:
        if pointer in self._found:
            return self._found[pointer]
        offset = self._offset(pointer)
        found = None if offset is None else self._line_col(offset)
        self._found[pointer] = found
        return found

    def _offset(self, pointer: str) -> int | None:
        """Offset of the key (object member) or value (array item, root) `pointer` names."""
        if pointer == "":
            return self._root
        if pointer[0] != "/":
            return None
        value = self._root
        where = value
        for raw in pointer[1:].split("/"):
            children = self._members(value)
            if type(children) is dict:
                token = unescape_token(raw)
                hit = children.get(token)
                if hit is None or escape_token(token) != raw:
                    return None
                where, value = hit
            elif children is not None:
                if not raw.isdigit() or str(int(raw)) != raw or int(raw) >= len(children):
                    return None
                where = value = children[int(raw)]
            else:
                return None
        return where

    def _members(self, at: int) -> Any:
        children = self._children.get(at)
        if children is not None:
            return children
        text, scan = self.text, self._scan
        opener = text[at : at + 1]
        if opener == "{":
            members: dict[str, tuple[int, int]] = {}
            i = _skip_space(text, at + 1)
            if text[i] != "}":
                while True:
                    key_at = i
                    key, i = scan(text, i)
                    i = _skip_space(text, _skip_space(text, i) + 1)  # past ':'
                    value_at = i
                    _, i = scan(text, i)
                    members[key] = (key_at, value_at)
                    i = _skip_space(text, i)
                    if text[i] != ",":
                        break
                    i = _skip_space(text, i + 1)
            children = members
        elif opener == "[":
            items: list[int] = []
            i = _skip_space(text, at + 1)
            if text[i] != "]":
                while True:
                    items.append(i)
                    _, i = scan(text, i)
                    i = _skip_space(text, i)
                    if text[i] != ",":
                        break
                    i = _skip_space(text, i + 1)
            children = items
        else:
            return None
        self._children[at] = children
        return children

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._starts is None:  # offset of the first character of each line
            self._starts = list(accumulate(map((1).__add__, map(len, self.text.split("\n"))), initial=0))
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _skip_space(text: str, pos: int) -> int:
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def _lines_of(text: str, positions: list[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """Turn increasing (pointer, offset) pairs into pointer -> (line, col)."""
    table: dict[str, tuple[int, int]] = {}
    line, last, line_start = 1, 0, 0
    count, rfind = text.count, text.rfind
    for pointer, pos in positions:
        newlines = count("\n", last, pos)
        if newlines:
            line += newlines
            line_start = rfind("\n", last, pos) + 1
        last = pos
        table[pointer] = (line, pos - line_start + 1)
    return table


# ---------------------------------------------------------------- YAML


class _Frame:
    """One open YAML collection while building."""

    __slots__ = ("obj", "ptr", "anchor", "nodes0", "entries0", "height", "key", "key_ptr", "merges")

    def __init__(self, obj: Any, ptr: str, anchor: str | None, nodes0: int, entries0: int) -> None:
        self.obj = obj
        self.ptr = ptr
        self.anchor = anchor
        self.nodes0 = nodes0
        self.entries0 = entries0
        self.height = 1
        self.key: Any = None  # the mapping key whose value comes next (or _MERGE)
        self.key_ptr = ""
        self.merges: list[dict[str, Any]] = []


class _Anchor:
    """A completed anchored node: its value, pointer, entry range, size and height."""

    __slots__ = ("value", "ptr", "entries", "size", "height")

    def __init__(self, value: Any, ptr: str, entries: tuple[int, int], size: int, height: int) -> None:
        self.value = value
        self.ptr = ptr
        self.entries = entries
        self.size = size
        self.height = height


_MERGE = object()


class _YamlBuilder:
    """Builds plain data and a pointer->(line, col) table from YAML events, enforcing limits.

    Alias expansions are counted in nodes (an alias to a 50-node anchor costs 50), so nested
    aliases ("billion laughs") hit Limits.max_alias_expansions before anything large is built.
    """

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.table: dict[str, tuple[int, int]] = {}
        self.order: list[str] = []
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: set[str] = set()
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.expanded = 0
        self.root: Any = None
        self.done = False

    def fail(self, msg: str, mark: Any) -> InputError:
        return InputError(self.path, msg, line=mark.line + 1, col=mark.column + 1)

    def record(self, ptr: str, mark: Any) -> None:
        if ptr not in self.table:
            self.order.append(ptr)
        self.table[ptr] = (mark.line + 1, mark.column + 1)

    def run(self, loader: Any) -> Any:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return self.root
            if isinstance(event, yaml.NodeEvent):
                self.node(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self.end()
            elif isinstance(event, yaml.DocumentStartEvent) and self.done:
                msg = "more than one YAML document in the file; a contract is one document"
                raise self.fail(msg, event.start_mark)

    def target(self, event: Any) -> str | None:
        """The pointer of the node `event` starts; None when the event was a mapping key."""
        if not self.stack:
            self.done = True
            self.record("", event.start_mark)
            return ""
        top = self.stack[-1]
        if type(top.obj) is list:
            ptr = f"{top.ptr}/{len(top.obj)}"
            self.record(ptr, event.start_mark)
            return ptr
        if top.key is not None:
            return top.key_ptr
        self.take_key(top, event)
        return None

    def take_key(self, top: _Frame, event: Any) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise self.fail("mapping keys must be plain scalars (strings or numbers)", event.start_mark)
        text = event.value
        if event.tag is None and event.implicit[0] and text == "<<":
            top.key, top.key_ptr = _MERGE, top.ptr
            return
        ptr = top.ptr + "/" + escape_token(text)
        if text in top.obj:
            first = self.table.get(ptr)
            where = f" (first defined on line {first[0]})" if first else ""
            raise self.fail(f"duplicate key {text!r}{where}", event.start_mark)
        top.obj[text] = None
        top.key, top.key_ptr = text, ptr
        self.record(ptr, event.start_mark)

    def attach(self, value: Any, height: int) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.height = max(top.height, height + 1)
        if type(top.obj) is list:
            top.obj.append(value)
            return
        key, top.key = top.key, None
        if key is not _MERGE:
            top.obj[key] = value
        elif type(value) is dict:
            top.merges.append(value)
        elif type(value) is list and all(type(v) is dict for v in value):
            top.merges.extend(value)
        else:
            raise InputError(self.path, "a YAML merge key '<<' needs a mapping or a list of mappings")

    def node(self, event: Any) -> None:
        ptr = self.target(event)
        if ptr is None:
            return
        if isinstance(event, yaml.AliasEvent):
            self.alias(event, ptr)
            return
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event)
            self.nodes += 1
            if event.anchor:
                at = len(self.order)
                self.anchors[event.anchor] = _Anchor(value, ptr, (at, at), 1, 0)
            self.attach(value, 0)
            return
        mark = event.start_mark
        if len(self.stack) + 1 > self.limits.max_depth:
            raise self.fail(f"nesting deeper than {self.limits.max_depth} levels", mark)
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
            raise self.fail(f"unsupported YAML tag {_short_tag(event.tag)}", mark)
        self.nodes += 1
        frame = _Frame({} if is_map else [], ptr, event.anchor, self.nodes, len(self.order))
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(frame)

    def end(self) -> None:
        frame = self.stack.pop()
        for source in frame.merges:
            for key, value in source.items():
                frame.obj.setdefault(key, value)
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            entries = (frame.entries0, len(self.order))
            size = self.nodes - frame.nodes0 + 1
            self.anchors[frame.anchor] = _Anchor(frame.obj, frame.ptr, entries, size, frame.height)
        self.attach(frame.obj, frame.height)

    def alias(self, event: Any, ptr: str) -> None:
        name = event.anchor
        anchor = self.anchors.get(name)
        if anchor is None:
            what = "recursive" if name in self.open_anchors else "undefined"
            raise self.fail(f"{what} YAML alias *{name}", event.start_mark)
        self.expanded += anchor.size
        self.nodes += anchor.size
        if self.expanded > self.limits.max_alias_expansions:
            msg = (
                f"YAML aliases expand to more than {self.limits.max_alias_expansions} nodes "
                "(refused as a possible 'billion laughs' attack)"
            )
            raise self.fail(msg, event.start_mark)
        if len(self.stack) + anchor.height > self.limits.max_depth:
            raise self.fail(f"nesting deeper than {self.limits.max_depth} levels", event.start_mark)
        start, stop = anchor.entries
        cut = len(anchor.ptr)
        for old in self.order[start:stop]:
            new = ptr + old[cut:]
            if new not in self.table:
                self.order.append(new)
                self.table[new] = self.table[old]
        self.attach(_copy_tree(anchor.value), anchor.height)

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        value = event.value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value
            tag = _RESOLVER.resolve(ScalarNode, value, event.implicit)
        if tag in _KEEP_AS_TEXT:
            return value
        if tag == _TAG + "null":
            return None
        try:
            if tag == _TAG + "bool":
                return SafeConstructor.bool_values[value.lower()]
            if tag == _TAG + "int":
                return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, value))
            if tag == _TAG + "float":
                return _CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, value))
        except (KeyError, ValueError, IndexError):
            raise self.fail(f"{value!r} is not a valid YAML {tag[len(_TAG):]}", event.start_mark) from None
        if tag == _TAG + "merge":
            return value
        raise self.fail(f"unsupported YAML tag {_short_tag(tag)}", event.start_mark)


_RESOLVER = yaml.resolver.Resolver()


def _copy_tree(value: Any) -> Any:
    """Deep copy of plain dict/list data without recursion."""
    if type(value) is not dict and type(value) is not list:
        return value
    root: Any = {} if type(value) is dict else []
    stack = [(value, root)]
    while stack:
        src, dst = stack.pop()
        items = src.items() if type(src) is dict else enumerate(src)
        for key, child in items:
            if type(child) is dict or type(child) is list:
                copy: Any = {} if type(child) is dict else []
                stack.append((child, copy))
                child = copy
            if type(dst) is dict:
                dst[key] = child
            else:
                dst.append(child)
    return root


def _tab_at(text: str, line: int, col: int) -> bool:
    """True when the YAML error mark sits on a tab in the line's leading whitespace."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    row = lines[line]
    return "\t" in row[: max(col, 0) + 1] and not row[:col].strip(" \t")


def _parse_yaml(path: str, text: str, limits: Limits) -> Document:
    loader = _Loader(text)
    builder = _YamlBuilder(path, limits)
    try:
        data = builder.run(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        if mark is not None and _tab_at(text, mark.line, mark.column):
            problem, context = "a tab character is used for indentation; YAML indents with spaces", ""
        if "maximum nesting depth" in str(problem):
            # libyaml (PyYAML >= 6.0.3) has its own depth cap, which it can reach before the
            # builder's while scanning ahead in flow collections: same answer as the builder's.
            raise InputError(path, f"nesting deeper than {limits.max_depth} levels", line=line, col=col) from None
        raise InputError(path, f"invalid YAML: {problem}{context}", line=line, col=col) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError(path, "empty document")
    return Document(path, data, SourceMap(path, lines=builder.table))


def _short_tag(tag: str | None) -> str:
    return "!!" + tag[len(_TAG):] if tag and tag.startswith(_TAG) else str(tag)
