"""govern's configuration: `.govern.yaml` (repository policy) and a service's `govern.yaml`.

Both are checked against govern/data/schemas/config.schema.json; a wrong key or value is an
InputError with file:line. `find_config` walks up from the working directory; `service_configs`
finds the per-service files that hold per-contract settings next to the contracts.
"""

from __future__ import annotations

import fnmatch
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govern.errors import InputError, did_you_mean
from govern.rules.finding import Level

CONFIG_NAMES = (".govern.yaml", ".govern.yml")
SERVICE_NAMES = ("govern.yaml", "govern.yml")
DEFAULT_EXEMPT = ("draft", "alpha", "beta")
OFF_WORDS = ("none", "off")
# Keys a service's govern.yaml may hold; policy belongs to the repository's .govern.yaml.
SERVICE_KEYS = ("version", "service", "contracts")


@dataclass(frozen=True)
class Waiver:
    """Suppresses findings of one rule at matching places until it expires."""

    rule: str
    reason: str
    expires: date
    path: str | None = None  # glob relative to the config's directory
    where: str | None = None  # glob on the operation / message / pointer
    source: str = ""  # file:line of the waiver, for messages
    root: str = "."

    def matches_path(self, file: str | None) -> bool:
        if self.path is None:
            return True
        if not file:
            return False
        rel = relative_to(file, self.root)
        return fnmatch.fnmatchcase(rel, self.path) or fnmatch.fnmatchcase(rel, self.path.rstrip("/") + "/*")


@dataclass(frozen=True)
class ContractSettings:
    """Settings for the contracts whose path matches `path` (a glob relative to `root`)."""

    path: str
    root: str
    category: str | None = None
    mode: str | None = None
    strictness: str | None = None
    channels: tuple[tuple[str, str], ...] = ()
    stability: str | None = None
    kind: str | None = None
    source: str = ""

    def matches(self, contract: str) -> bool:
        rel = relative_to(contract, self.root)
        pattern = self.path.rstrip("/")
        return (
            rel == pattern
            or fnmatch.fnmatchcase(rel, pattern)
            or rel.startswith(pattern + "/")
            or fnmatch.fnmatchcase(rel, pattern + "/*")
        )


@dataclass
class Config:
    """Everything the config files say; defaults when there is no file."""

    path: str | None = None
    root: str = "."
    fail_on: Level | None = None
    ruleset: str | None = None
    paths: list[str] = field(default_factory=list)
    # rule id -> level, or None for "switched off"
    rules: dict[str, Level | None] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    exempt: tuple[str, ...] = DEFAULT_EXEMPT
    versioning: Level | None = Level.WARN
    contracts: list[ContractSettings] = field(default_factory=list)
    service: dict[str, Any] = field(default_factory=dict)

    def settings_for(self, contract: str) -> ContractSettings | None:
        """The merged per-contract settings for `contract` (later entries win), or None."""
        merged: dict[str, Any] = {}
        channels: dict[str, str] = {}
        for entry in [*self.contracts, *service_settings(contract, self.root)]:
            if not entry.matches(contract):
                continue
            for name in ("category", "mode", "strictness", "stability", "kind"):
                value = getattr(entry, name)
                if value is not None:
                    merged[name] = value
            channels.update(dict(entry.channels))
        if not merged and not channels:
            return None
        return ContractSettings(path=contract, root=".", channels=tuple(sorted(channels.items())), **merged)


def relative_to(file: str, root: str) -> str:
    """`file` relative to `root`, with '/' separators; a `REF:` prefix is dropped."""
    if ":" in file and not os.path.exists(file):
        ref, _, rest = file.partition(":")
        if ref and rest and not os.path.isabs(file):
            file = rest
    rel = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
    return rel.replace(os.sep, "/")


def _ancestors(start: str, stop: str | None = None) -> Iterator[str]:
    """`start` and each parent directory, up to `stop` (when `start` is inside it) or the root."""
    here = os.path.abspath(start)
    limit = os.path.abspath(stop) if stop is not None else None
    while True:
        yield here
        parent = os.path.dirname(here)
        if here == limit or parent == here:
            return
        if limit is not None and not (here + os.sep).startswith(limit.rstrip(os.sep) + os.sep):
            return
        here = parent


def _first_file(directory: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def find_config(start: str = ".") -> str | None:
    """The nearest `.govern.yaml` in `start` or a parent directory, or None."""
    return next((f for d in _ancestors(start) if (f := _first_file(d, CONFIG_NAMES))), None)


def load_config(path: str | None = None, *, start: str = ".") -> Config:
    """The config at `path` (an error if missing), else the nearest one, else defaults."""
    if path is None:
        path = find_config(start)
        if path is None:
            return Config(root=os.path.abspath(start))
    elif not os.path.isfile(path):
        raise InputError(path, "config file not found" if not os.path.exists(path) else "config is not a file")
    data, locate = _read(path)
    return _build(path, data, locate)


def _read(path: str) -> tuple[dict[str, Any], Any]:
    from govern.load.files import load_document
    from govern.load.model import Limits

    doc = load_document(path, Limits(max_file_bytes=2 * 1024 * 1024))
    data = doc.data if doc.data is not None else {}
    locate = doc.source.locate
    if not isinstance(data, dict):
        raise InputError(path, "a govern config must be a mapping of keys (version, rules, waivers, ...)", line=1)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = _most_useful(errors)
        pointer = "/" + "/".join(str(p) for p in err.absolute_path)
        if err.validator == "additionalProperties":  # point at the unknown key itself
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            pointer = pointer.rstrip("/") + "/" + extra[0].replace("~", "~0").replace("/", "~1")
        loc = locate(pointer if pointer != "/" else "")
        raise InputError(path, _explain(err), line=loc.line, col=loc.col)
    return data, locate


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import json
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("govern.data").joinpath("schemas").joinpath("config.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _most_useful(errors: list[Any]) -> Any:
    """Prefer the deepest error; for anyOf/oneOf pick the deepest of its context."""
    err = max(errors, key=lambda e: len(e.absolute_path))
    while err.context and err.validator != "anyOf":
        err = max(err.context, key=lambda e: len(e.absolute_path))
    return err


def _explain(err: Any) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "the top level"
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(err.schema.get("properties", {}))
        return f"unknown key {', '.join(map(repr, extra))} in {where}; allowed: {allowed}"
    if err.validator == "enum":
        seen: dict[str, str] = {}
        for choice in err.validator_value:
            seen.setdefault(str(choice).lower(), str(choice))
        choices = ", ".join(seen.values())
        return f"{where}: {err.instance!r} is not one of {choices}"
    if err.validator == "anyOf":  # the level-or-none values
        return f"{where}: {err.instance!r} is not a level; use ERR, WARN, INFO or none"
    if err.validator == "required":
        return f"{where}: {err.message}"
    if err.validator == "pattern" and where.endswith("expires"):
        return f"{where}: {err.instance!r} is not a date; write YYYY-MM-DD"
    return f"{where}: {err.message}"


def _level_or_off(value: str) -> Level | None:
    if value.lower() in OFF_WORDS:
        return None
    return Level.parse(value)


def _build(path: str, data: dict[str, Any], locate: Any) -> Config:
    root = os.path.dirname(os.path.abspath(path))
    where = lambda pointer: f"{path}:{locate(pointer).line}"  # noqa: E731
    cfg = Config(path=path, root=root)
    if "fail_on" in data:
        cfg.fail_on = Level.parse(data["fail_on"])
    cfg.ruleset = data.get("ruleset")
    cfg.paths = [os.path.join(root, p) for p in data.get("paths", [])]
    for rule_id, value in (data.get("rules") or {}).items():
        cfg.rules[rule_id] = _level_or_off(value)
    _check_rule_ids(path, locate, list(cfg.rules), "/rules/")
    for i, raw in enumerate(data.get("waivers") or []):
        try:
            expires = date.fromisoformat(raw["expires"])
        except ValueError:
            loc = locate(f"/waivers/{i}/expires")
            raise InputError(path, f"waivers/{i}/expires: {raw['expires']!r} is not a real date", line=loc.line, col=loc.col) from None
        cfg.waivers.append(
            Waiver(raw["rule"], raw["reason"], expires, raw.get("path"), raw.get("where"), where(f"/waivers/{i}"), root)
        )
    _check_rule_ids(path, locate, [w.rule for w in cfg.waivers], "/waivers/", index=True)
    if "exempt" in (data.get("stability") or {}):
        cfg.exempt = tuple(data["stability"]["exempt"])
    if "level" in (data.get("versioning") or {}):
        cfg.versioning = _level_or_off(data["versioning"]["level"])
    cfg.contracts = _contract_settings(data, root, where)
    cfg.service = dict(data.get("service") or {})
    return cfg


def _contract_settings(data: dict[str, Any], root: str, where: Any) -> list[ContractSettings]:
    out = []
    for i, raw in enumerate(data.get("contracts") or []):
        out.append(
            ContractSettings(
                path=raw["path"],
                root=root,
                category=raw.get("category"),
                mode=raw.get("mode"),
                strictness=raw.get("strictness"),
                channels=tuple(sorted((raw.get("channels") or {}).items())),
                stability=raw.get("stability"),
                kind=raw.get("kind"),
                source=where(f"/contracts/{i}"),
            )
        )
    return out


def _check_rule_ids(path: str, locate: Any, ids: list[str], prefix: str, index: bool = False) -> None:
    """Every rule id named in the config must exist (a typo would silently do nothing)."""
    if not ids:
        return
    from govern.rules.registry import REGISTRY

    known = {r.id for r in REGISTRY.rules()}
    for i, rule_id in enumerate(ids):
        if rule_id in known:
            continue
        hint = did_you_mean(rule_id, sorted(known)) or "; `govern rules` lists them"
        loc = locate(f"{prefix}{i}/rule" if index else f"{prefix}{rule_id.replace('~', '~0').replace('/', '~1')}")
        raise InputError(path, f"unknown rule id {rule_id!r}{hint}", line=loc.line, col=loc.col)


# ------------------------------------------------------------------ service govern.yaml files


def service_settings(contract: str, stop: str) -> list[ContractSettings]:
    """Per-contract settings from `govern.yaml` files in the contract's directory and its parents
    (up to `stop` or the filesystem root), outermost first."""
    here = contract if os.path.isdir(contract) else os.path.dirname(contract) or "."
    found = [f for d in _ancestors(here, stop) if (f := _first_file(d, SERVICE_NAMES))]
    out: list[ContractSettings] = []
    for path in reversed(found):
        out.extend(_service_file(path))
    return out


@functools.lru_cache(maxsize=256)
def _service_file(path: str) -> tuple[ContractSettings, ...]:
    data, locate = _read(path)
    extra = [k for k in data if k not in SERVICE_KEYS]
    if extra:
        loc = locate(f"/{extra[0]}")
        raise InputError(
            path,
            f"{extra[0]!r} belongs in the repository's .govern.yaml; a service's govern.yaml holds only "
            + ", ".join(SERVICE_KEYS),
            line=loc.line,
            col=loc.col,
        )
    root = os.path.dirname(os.path.abspath(path))
    return tuple(_contract_settings(data, root, lambda p: f"{path}:{locate(p).line}"))
