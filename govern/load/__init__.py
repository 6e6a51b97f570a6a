"""Loading contracts: one entry point, `load_contract`, for OpenAPI, AsyncAPI, JSON Schema and proto."""

from __future__ import annotations

from govern.load.detect import detect_kind, discover, label, load_contract, strict_error
from govern.load.files import load_document, parse_document, read_text, safe_path
from govern.load.model import Contract, Document, Limits, Problem, SourceMap
from govern.load.refs import RefResolver, RefSite, Target

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
