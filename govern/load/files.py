"""Reading contract files safely: path checks, size caps, text checks, YAML/JSON with source lines.

YAML is built from libyaml's event stream (never PyYAML's recursive composer, which overflows
the C stack on deep input), so depth, alias expansion and tags are all checked while parsing.
The YAML reader lives in govern/load/yaml_source.py, imported only for YAML input.
JSON goes through the stdlib decoder; its lines are found lazily, one pointer at a time, by
`JsonPositions` (or all at once by `json_line_table`).
"""

from __future__ import annotations

import functools
import gc
import json
import os
import re
import stat
from typing import Any

from govern.errors import InputError
from govern.load.model import Document, Limits, SourceMap

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)



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
    return decode_text(path, _read_bytes(path, limits))


def _read_bytes(path: str, limits: Limits) -> bytes:
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
    return data


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


def parse_document(path: str, text: str, limits: Limits, *, digest: str | None = None) -> Document:
    """Parse YAML or JSON text into plain data with a source map (JSON's is computed lazily).
    `digest`: the text's `text_digest`, when the caller has it already."""
    from govern.load.verdicts import text_digest

    doc = _parse_any(path, text, limits)
    doc.digest = digest or text_digest(text)
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
    # PyYAML is imported only for YAML input
    from govern.load.yaml_source import parse_yaml

    return parse_yaml(path, text, limits)


def load_document(path: str, limits: Limits) -> Document:
    """read_text + parse_document (the digest is taken from the bytes read: the same as the
    text's, without encoding it again, unless a byte-order mark was dropped)."""
    from govern.load.verdicts import bytes_digest

    data = _read_bytes(path, limits)
    digest = None if data.startswith(b"\xef\xbb\xbf") else bytes_digest(data)
    return parse_document(path, decode_text(path, data), limits, digest=digest)


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
        if data is None:
            raise InputError(path, "empty document")
        check_depth(path, data, limits.max_depth)  # allocates only its stack: no collections either
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", line=exc.lineno, col=exc.colno) from None
    except _DuplicateKey as exc:
        raise _json_duplicate_error(path, text, str(exc)) from None
    except RecursionError:
        raise InputError(path, f"nesting deeper than {limits.max_depth} levels") from None
    finally:
        if enabled:
            gc.enable()
    return Document(path, data, SourceMap(path, resolver=lambda: JsonPositions(text, data)))


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


_NO_DATA: Any = object()  # JsonPositions without the parsed value


def _indent_of(text: str, start: int, stop: int) -> int:
    """How many spaces start the line that begins at `start` (looking no further than `stop`)."""
    i = start
    while i < stop and text[i] == " ":
        i += 1
    return i - start


class JsonPositions:
    """pointer -> (line, col) of valid JSON text, like `json_line_table`'s dict, but lazy.

    A diff asks for the lines of a few thousand pointers in a file that has hundreds of
    thousands: each lookup walks down the pointer, listing the members of each object or array
    on its way once, so only the parts of the text that findings point into are ever indexed.
    Iterating it builds the whole table.

    Listing a container needs the offset where each member starts. Given `data` (the text's
    parsed value), an indented container is listed from its layout: its members are the lines
    indented one step deeper than its own line, and the parsed keys, item kinds and closing
    lines confirm every step (`_indented`); anything else is listed by the C scanner, which
    decodes each member's value to find where it ends.
    """

    BLOCK = 1 << 13  # characters per block of the line-break counts (`_line_col`)

    def __init__(self, text: str, data: Any = _NO_DATA) -> None:
        self.text = text
        self.data = data
        self._root = _skip_space(text, 0)
        self._children: dict[int, Any] = {}  # value offset -> {key: (key offset, value offset)} | [item offsets]
        self._found: dict[str, tuple[int, int] | None] = {}
        self._breaks: list[int] | None = None  # line breaks before each block of text
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
        node = self.data
        for raw in pointer[1:].split("/"):
            children = self._members(value, node)
            if type(children) is dict:
                token = unescape_token(raw)
                hit = children.get(token)
                if hit is None or escape_token(token) != raw:
                    return None
                where, value = hit
                node = node[token] if type(node) is dict else _NO_DATA
            elif children is not None:
                if not raw.isdigit() or str(int(raw)) != raw or int(raw) >= len(children):
                    return None
                where = value = children[int(raw)]
                node = node[int(raw)] if type(node) is list else _NO_DATA
            else:
                return None
        return where

    def _members(self, at: int, node: Any = _NO_DATA) -> Any:
        children = self._children.get(at)
        if children is not None:
            return children
        children = self._indented(at, node) if node is not _NO_DATA else None
        if children is None:
            children = self._scanned(at)
        if children is not None:
            self._children[at] = children
        return children

    def _scanned(self, at: int) -> Any:
        """The members of the container at `at`, each value decoded by the C scanner to skip it."""
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
            return members
        if opener == "[":
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
            return items
        return None

    def _indented(self, at: int, node: Any) -> Any:
        """The members of the container at `at` (whose parsed value is `node`) found from an
        indented layout without decoding their values, or None when the text is not laid out
        that way (then `_scanned` lists them).

        The layout: the opener ends its line; every member starts a line of its own, all with
        the same indentation, deeper than the opener's line; the closer starts the line after
        the last member, at the opener's indentation. A non-empty container value opens at the
        end of its member's line and closes on the first later line that starts, at the
        member's indentation, with its closer (its own lines are indented deeper, and no JSON
        string holds a line break). Checked on the way: each key is the next parsed key, each
        scalar or empty value decodes to the parsed one, each member but the last is followed
        by a comma, and the container closes where the layout says; any mismatch gives up.
        """
        kind = type(node)
        if (kind is not dict and kind is not list) or not node:
            return None
        text = self.text
        if text[at : at + 2] not in ("{\n", "[\n"):
            return None
        line_start = text.rfind("\n", 0, at) + 1
        outer = _indent_of(text, line_start, at)
        inner = _indent_of(text, at + 2, len(text))
        if inner <= outer:
            return None
        sep = "\n" + " " * inner
        members: Any = {} if kind is dict else []
        values = node.items() if kind is dict else ((None, item) for item in node)
        last = len(node) - 1
        try:
            return self._lay_out(at, members, values, last, kind, sep, outer)
        except (StopIteration, ValueError):  # the scanner met something else than a value
            return None

    def _lay_out(self, at: int, members: Any, values: Any, last: int, kind: type, sep: str, outer: int) -> Any:
        text, scan = self.text, self._scan
        pos = at + 1  # the line break after the opener
        for n, (key, value) in enumerate(values):
            if text[pos : pos + len(sep)] != sep:
                return None
            start = pos + len(sep)
            if kind is dict:
                if text[start : start + 1] != '"':
                    return None
                found, i = scan(text, start)
                if found != key:
                    return None
                i = _skip_space(text, i)
                if text[i : i + 1] != ":":
                    return None
                value_at = _skip_space(text, i + 1)
                members[key] = (start, value_at)
            else:
                value_at = start
                members.append(start)
            vkind = type(value)
            if (vkind is dict or vkind is list) and value:
                closer = "}" if vkind is dict else "]"
                if text[value_at : value_at + 2] != ("{\n" if vkind is dict else "[\n"):
                    return None
                # the value's closing line: the first line back at this member's indentation
                found_end = _literal(sep + closer).search(text, value_at)
                if found_end is None:
                    return None
                end = found_end.start()
                after = end + len(sep) + 1
            else:
                found, after = scan(text, value_at)  # a scalar or an empty container: cheap
                if found != value or type(found) is not vkind:
                    return None
            if n < last:
                if text[after : after + 1] != ",":
                    return None
                pos = after + 1
            else:
                close = "\n" + " " * outer + ("}" if kind is dict else "]")
                if text[after : after + len(close)] != close:
                    return None
        return members

    def _line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of `offset`: line breaks are counted per block of text once,
        then only within the offset's block (C-speed counts, no table of every line)."""
        text, block = self.text, self.BLOCK
        if self._breaks is None:
            breaks, total, count = [0], 0, text.count
            for start in range(0, len(text), block):
                total += count("\n", start, start + block)
                breaks.append(total)
            self._breaks = breaks
        first = offset - offset % block
        line = self._breaks[first // block] + text.count("\n", first, offset) + 1
        return line, offset - text.rfind("\n", 0, offset)


@functools.lru_cache(maxsize=256)
def _literal(needle: str) -> re.Pattern[str]:
    """`needle` as a compiled pattern. For a line break and indentation followed by a closer,
    the regex engine's literal-prefix scan is 2-3x faster than `str.find`, whose skip table
    advances one character at a time through indented text (every space is in the needle)."""
    return re.compile(re.escape(needle))


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
