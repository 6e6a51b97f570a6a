"""Source positions of descriptor paths, found without building a per-file table.

A finding needs the span of one SourceCodeInfo path. Building a dict of every location of a file
costs about a millisecond per file, which adds up when thousands of files have findings; instead
the file's SourceCodeInfo is serialized once (fast, in C) and each wanted path is looked up with
`bytes.find` on its encoding, checked to sit at the start of a location entry.
"""

from __future__ import annotations

from typing import Any

from govern.rules.finding import Location

_TAB = 8  # protoc's tokenizer advances a tab to the next multiple of 8 columns


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


class SpanFinder:
    """(line, column) — both 0-based, as protoc records them — of paths in one file."""

    __slots__ = ("blob",)

    def __init__(self, fd: Any) -> None:
        self.blob: bytes = fd.source_code_info.SerializeToString()

    def _entry_start(self, i: int) -> int | None:
        """If the path field at `i` opens a location entry, the entry's end; else None."""
        blob = self.blob
        # The entry header is 0x0a (SourceCodeInfo.location) and the entry length as a varint.
        for width in (1, 2, 3):
            h = i - width - 1
            if h < 0 or blob[h] != 0x0A:
                continue
            try:
                length, after = _read_varint(blob, h + 1)
            except IndexError:
                continue
            if after != i:
                continue
            end = i + length
            if end == len(blob) or (end < len(blob) and blob[end] == 0x0A):
                return end
        return None

    def find(self, path: tuple[int, ...]) -> tuple[int, int] | None:
        if not path:
            return (0, 0)
        packed = b"".join(_varint(p) for p in path)
        needle = b"\x0a" + _varint(len(packed)) + packed + b"\x12"
        blob = self.blob
        start = 0
        while True:
            i = blob.find(needle, start)
            if i < 0:
                return None
            if self._entry_start(i) is not None:
                _, pos = _read_varint(blob, i + len(needle))  # the span's byte length
                line, pos = _read_varint(blob, pos)
                col, _ = _read_varint(blob, pos)
                return line, col
            start = i + 1


def char_column(text: str | None, protoc_col: int) -> int:
    """0-based character column of protoc's 0-based column (UTF-8 bytes, tabs to multiples of 8)."""
    if text is None or (text.isascii() and "\t" not in text):
        return protoc_col
    col = 0
    for index, ch in enumerate(text):
        if col >= protoc_col:
            return index
        col += _TAB - col % _TAB if ch == "\t" else len(ch.encode("utf-8"))
    return len(text) + (protoc_col - col)


class Locator:
    """Locations in one contract: display path from the loader, span of the nearest path that
    has one, columns converted to characters when the line holds tabs or non-ASCII text."""

    def __init__(self, contract: Any, fds: dict[str, Any]) -> None:
        self.contract = contract
        self.fds = fds
        self._files: dict[str, tuple[str, SpanFinder | None, list[str] | None]] = {}

    def _file(self, file: str) -> tuple[str, SpanFinder | None, list[str] | None]:
        known = self._files.get(file)
        if known is None:
            display = getattr(self.contract, "display", None)
            shown = display(file) if display is not None else file
            fd = self.fds.get(file)
            finder = SpanFinder(fd) if fd is not None else None
            lines = None
            source_lines = getattr(self.contract, "source_lines", None)
            if source_lines is not None and finder is not None:
                try:
                    lines = source_lines(file)  # None when columns need no conversion
                except (KeyError, OSError):
                    lines = None
            known = (shown, finder, lines)
            self._files[file] = known
        return known

    def __call__(self, file: str, path: tuple[int, ...], pointer: str) -> Location:
        shown, finder, lines = self._file(file)
        if finder is None:
            return Location(shown, None, None, pointer)
        key = path
        while True:
            span = finder.find(key)
            if span is not None:
                break
            key = key[:-1]
        line0, col0 = span
        text = lines[line0] if lines is not None and line0 < len(lines) else None
        return Location(shown, line0 + 1, char_column(text, col0) + 1, pointer)
