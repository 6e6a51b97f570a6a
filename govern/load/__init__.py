"""Loading contracts: one entry point, `load_contract`, for OpenAPI, AsyncAPI, JSON Schema and proto.

The names below are imported from their modules on first use, so importing one light module of
this package (e.g. `govern.load.model`) does not import the YAML parser or the `$ref` resolver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govern.load.detect import (
        detect_kind,
        discover,
        label,
        load_contract,
        strict_error,
    )
    from govern.load.files import load_document, parse_document, read_text, safe_path
    from govern.load.model import Contract, Document, Limits, Problem, SourceMap
    from govern.load.refs import RefResolver, RefSite, Target

_HOME = {
    "detect_kind": "detect",
    "discover": "detect",
    "label": "detect",
    "load_contract": "detect",
    "strict_error": "detect",
    "load_document": "files",
    "parse_document": "files",
    "read_text": "files",
    "safe_path": "files",
    "Contract": "model",
    "Document": "model",
    "Limits": "model",
    "Problem": "model",
    "SourceMap": "model",
    "RefResolver": "refs",
    "RefSite": "refs",
    "Target": "refs",
}

__all__ = [
    "Contract",
    "Document",
    "Limits",
    "Problem",
    "RefResolver",
    "RefSite",
    "SourceMap",
    "Target",
    "detect_kind",
    "discover",
    "label",
    "load_contract",
    "load_document",
    "parse_document",
    "read_text",
    "safe_path",
    "strict_error",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
