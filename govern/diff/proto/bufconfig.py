"""The `breaking:` section of an existing buf.yaml (v1 or v2), and where to find it.

    version: v2                # v1 is read too
    breaking:
      use: [FILE]              # rule ids and categories; default FILE
      except: [RPC_NO_DELETE]
      ignore: [proto/legacy]   # files or directories
      ignore_only:
        FIELD_SAME_JSON_NAME: [proto/public]
      ignore_unstable_packages: true

Paths in a v1 buf.yaml are relative to the module root (the buf.yaml's directory); in a v2
buf.yaml they are relative to the workspace root (its directory) and name the module's path, and
a module's own `breaking:` section replaces the top-level one. `BufBreakingConfig` stores them
relative to the root of the contract govern loaded, because that is how descriptor file names
are written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from govern.diff.proto.categories import DEFAULT_VERSION, VERSIONS, expand, select
from govern.errors import InputError

CONFIG_NAMES = ("buf.yaml",)
_BREAKING_KEYS = ("use", "except", "ignore", "ignore_only", "ignore_unstable_packages")
_MAX_CONFIG_BYTES = 1 << 20

# The last package component of an unstable package: v1alpha, v1beta2, v1p1alpha1, v1test, ...
_UNSTABLE = re.compile(r"^v(\d+)(?:(?:p(\d+))?(?:alpha|beta)(\d*)|test.*)$")


@dataclass(frozen=True)
class BufBreakingConfig:
    """What to check and what to skip. `use` empty means: the category passed to diff_proto."""

    version: str = DEFAULT_VERSION
    use: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ignore_unstable_packages: bool = False
    source: str | None = field(default=None, compare=False)  # the buf.yaml it came from

    def rules(self, category: str = "FILE") -> frozenset[str]:
        """The enabled rule ids."""
        return select(self.use or (category,), self.except_, self.version)

    def ignores(self, rule_id: str, files: tuple[str, ...], packages: tuple[str, ...]) -> bool:
        """Whether a finding of `rule_id` touching `files` (descriptor names) is to be dropped."""
        if self.ignore and any(_under(f, p) for f in files for p in self.ignore):
            return True
        for name, paths in self.ignore_only:
            if rule_id in (expand(name, self.version) or ()) and any(
                _under(f, p) for f in files for p in paths
            ):
                return True
        return self.ignore_unstable_packages and any(is_unstable_package(p) for p in packages)


def is_unstable_package(package: str) -> bool:
    """Whether `package` ends in an alpha, beta or test version component (e.g. `acme.v1beta1`)."""
    parts = package.split(".")
    if len(parts) < 2:
        return False
    m = _UNSTABLE.match(parts[-1])
    if m is None:
        return False
    major, patch, pre = m.group(1), m.group(2), m.group(3)
    if int(major) == 0 or (patch is not None and int(patch) == 0):
        return False
    return not (pre and int(pre) == 0)


def _under(file: str, path: str) -> bool:
    return path in ("", ".") or file == path or file.startswith(path.rstrip("/") + "/")


# ----------------------------------------------------------------------------- finding buf.yaml


def find_buf_config(path: str) -> BufBreakingConfig | None:
    """The breaking config of the nearest buf.yaml at or above `path` (a contract file or dir)."""
    start = os.path.abspath(path)
    contract_root = start if os.path.isdir(start) else os.path.dirname(start)
    here = contract_root
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate):
                return load_buf_config(candidate, contract_root=contract_root)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_buf_config(config_path: str, *, contract_root: str | None = None) -> BufBreakingConfig:
    """Read one buf.yaml. Paths come out relative to `contract_root` (default: its directory)."""
    try:
        with open(config_path, "rb") as fh:
            data = fh.read(_MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise InputError(config_path, f"cannot read: {exc.strerror}") from None
    if len(data) > _MAX_CONFIG_BYTES:
        raise InputError(config_path, f"buf.yaml is larger than {_MAX_CONFIG_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(config_path, "buf.yaml is not valid UTF-8") from None
    root = os.path.dirname(os.path.abspath(config_path))
    here = os.path.abspath(contract_root) if contract_root else root
    return parse_buf_config(text, config_path, contract_rel=_rel(here, root))


def _rel(path: str, root: str) -> str:
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    return "." if rel in ("", ".") else rel


# ----------------------------------------------------------------------------- parsing


class _Node:
    """A YAML value with the line it started on (and, for mappings, the line of each key)."""

    __slots__ = ("value", "line", "key_lines")

    def __init__(self, value: Any, line: int, key_lines: dict[str, int] | None = None) -> None:
        self.value = value
        self.line = line
        self.key_lines = key_lines or {}


def _compose(text: str, source: str) -> _Node | None:
    import yaml  # only when there is a buf.yaml to read

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            source, f"buf.yaml is not valid YAML: {problem}",
            line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None,
        ) from None  # fmt: skip
    return _convert(node, source) if node is not None else None


def _convert(node: Any, source: str) -> _Node:
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        key_lines: dict[str, int] = {}
        for k, v in node.value:
            key = _convert(k, source)
            if not isinstance(key.value, str):
                raise InputError(source, "keys must be strings", line=key.line)
            if key.value in out:
                raise InputError(source, f"duplicate key {key.value!r}", line=key.line)
            out[key.value] = _convert(v, source)
            key_lines[key.value] = key.line
        return _Node(out, line, key_lines)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_convert(v, source) for v in node.value], line)
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise InputError(source, f"cannot read value: {exc}", line=line) from None
    return _Node(value, line)


def _strings(node: _Node, what: str, source: str) -> list[_Node]:
    if node.value is None:
        return []
    if not isinstance(node.value, list):
        raise InputError(source, f"{what} must be a list of strings", line=node.line)
    for item in node.value:
        if not isinstance(item.value, str):
            raise InputError(source, f"{what} must be a list of strings", line=item.line)
    return node.value  # type: ignore[no-any-return]


def parse_buf_config(text: str, source: str = "buf.yaml", *, contract_rel: str = ".") -> BufBreakingConfig:
    """The breaking config of buf.yaml `text`; `contract_rel` is the contract root relative to
    the buf.yaml's directory ('.' when they are the same)."""
    doc = _compose(text, source)
    if doc is None or not isinstance(doc.value, dict):
        raise InputError(source, "buf.yaml must be a mapping with a version key", line=doc.line if doc else 1)
    top: dict[str, _Node] = doc.value
    version_node = top.get("version")
    if version_node is None:
        raise InputError(source, "buf.yaml has no version (expected v1 or v2)", line=doc.line)
    version = version_node.value
    if version == "v1beta1":
        raise InputError(
            source, "buf.yaml version v1beta1 is not supported; run `buf config migrate` to move to v2",
            line=version_node.line,
        )  # fmt: skip
    if version not in VERSIONS:
        raise InputError(source, f"unknown buf.yaml version {version!r} (expected v1 or v2)", line=version_node.line)

    breaking = top.get("breaking")
    if version == "v2":
        module_node, _ = _pick_module(top.get("modules"), contract_rel, source)
        if module_node is not None and "breaking" in module_node.value:
            breaking = module_node.value["breaking"]
    if breaking is None or breaking.value is None:
        return BufBreakingConfig(version=version, source=source)
    if not isinstance(breaking.value, dict):
        raise InputError(source, "breaking must be a mapping", line=breaking.line)
    section: dict[str, _Node] = breaking.value
    for key, node in section.items():
        if key not in _BREAKING_KEYS:
            raise InputError(
                source, f"unknown key {key!r} in breaking (expected one of: {', '.join(_BREAKING_KEYS)})",
                line=breaking.key_lines.get(key, node.line),
            )  # fmt: skip

    def ids(key: str) -> tuple[str, ...]:
        node = section.get(key)
        if node is None:
            return ()
        out = []
        for item in _strings(node, f"breaking.{key}", source):
            if expand(item.value, version) is None:
                raise InputError(source, f"{item.value!r} is not a known breaking rule or category", line=item.line)
            out.append(item.value)
        return tuple(out)

    use, except_ = ids("use"), ids("except")
    if not select(use, except_, version):
        node = section.get("except") or breaking
        raise InputError(source, "breaking selects no rule at all (except removes every rule of use)", line=node.line)

    base = contract_rel  # v1 and v2 alike: paths are relative to the buf.yaml's directory
    ignore = tuple(p for item in _strings(section.get("ignore", _Node(None, 0)), "breaking.ignore", source)
                   if (p := _relative(item.value, base)) is not None)  # fmt: skip
    ignore_only: list[tuple[str, tuple[str, ...]]] = []
    only = section.get("ignore_only")
    if only is not None and only.value is not None:
        if not isinstance(only.value, dict):
            raise InputError(source, "breaking.ignore_only must map rule ids to lists of paths", line=only.line)
        for rid, paths in only.value.items():
            if expand(rid, version) is None:
                raise InputError(
                    source, f"{rid!r} is not a known breaking rule or category", line=only.key_lines.get(rid, paths.line)
                )
            rel = tuple(
                p for item in _strings(paths, f"breaking.ignore_only.{rid}", source)
                if (p := _relative(item.value, base)) is not None
            )  # fmt: skip
            if rel:
                ignore_only.append((rid, rel))
    unstable = section.get("ignore_unstable_packages")
    flag = False
    if unstable is not None and unstable.value is not None:
        if not isinstance(unstable.value, bool):
            raise InputError(source, "breaking.ignore_unstable_packages must be true or false", line=unstable.line)
        flag = unstable.value
    return BufBreakingConfig(
        version=version,
        use=use,
        except_=except_,
        ignore=ignore,
        ignore_only=tuple(ignore_only),
        ignore_unstable_packages=flag,
        source=source,
    )


def _relative(path: str, contract_rel: str) -> str | None:
    """An ignore path (relative to the buf.yaml dir) relative to the contract root instead;
    '' when it covers the whole contract, None when it lies outside it."""
    p = os.path.normpath(path).replace(os.sep, "/")
    if contract_rel == ".":
        return "" if p == "." else p
    if p == "." or contract_rel == p or contract_rel.startswith(p + "/"):
        return ""
    if p.startswith(contract_rel + "/"):
        return p[len(contract_rel) + 1 :]
    return None


def _pick_module(modules: _Node | None, contract_rel: str, source: str) -> tuple[_Node | None, str]:
    """The v2 module entry whose path holds the contract root (the longest match)."""
    if modules is None or modules.value is None:
        return None, "."
    if not isinstance(modules.value, list):
        raise InputError(source, "modules must be a list", line=modules.line)
    best: tuple[_Node | None, str] = (None, ".")
    best_len = -1
    for entry in modules.value:
        if not isinstance(entry.value, dict):
            raise InputError(source, "each module must be a mapping with a path", line=entry.line)
        path_node = entry.value.get("path")
        mpath = "." if path_node is None else str(path_node.value)
        mpath = os.path.normpath(mpath).replace(os.sep, "/")
        if mpath == "." or contract_rel == mpath or contract_rel.startswith(mpath + "/"):
            length = 0 if mpath == "." else len(mpath)
            if length > best_len:
                best, best_len = (entry, mpath), length
    return best
