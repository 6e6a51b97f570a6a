"""YAML contract files: built from libyaml's event stream with source lines for every node.

PyYAML's recursive composer overflows the C stack on deep input, so `parse_yaml` builds the data
from the event stream itself and checks depth, alias expansion and tags while parsing. Split
from govern/load/files.py so that PyYAML is imported only when a YAML file is read.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from govern.errors import InputError
from govern.load.files import escape_token
from govern.load.model import Document, Limits, SourceMap

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_MAP_TAGS = {None, "!", _TAG + "map", _TAG + "set"}
_SEQ_TAGS = {None, "!", _TAG + "seq", _TAG + "omap", _TAG + "pairs"}
_KEEP_AS_TEXT = {_TAG + "str", _TAG + "timestamp", _TAG + "binary", _TAG + "value"}

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


def parse_yaml(path: str, text: str, limits: Limits) -> Document:
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
