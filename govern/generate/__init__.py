"""`govern generate client`: typed Python clients with resilience built in.

One generator per contract kind (rest/ for OpenAPI, grpc/ for .proto, events/ for AsyncAPI), each
turning a loaded contract into {relative path: text}; `generate_client` picks one and writes the
result atomically. Templates live in templates/clients/<target>/; a target is a language plus a
kind ("python-rest", "grpc", "events"), so another language adds its own folders and an entry in
TARGETS.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from govern.errors import InputError, UsageError
from govern.generate.common import Generated
from govern.generate.names import default_package, is_package_name
from govern.load.model import Contract

LANGUAGES = ("python",)


def _rest(contract: Contract, package: str, source: str) -> Generated:
    from govern.generate.rest import generate_rest

    return generate_rest(contract, package, source)


def _grpc(contract: Contract, package: str, source: str) -> Generated:
    from govern.generate.grpc import generate_grpc

    return generate_grpc(contract, package, source)


def _events(contract: Contract, package: str, source: str) -> Generated:
    from govern.generate.events import generate_events

    return generate_events(contract, package, source)


TARGETS: dict[tuple[str, str], Callable[[Contract, str, str], Generated]] = {
    ("python", "openapi"): _rest,
    ("python", "proto"): _grpc,
    ("python", "asyncapi"): _events,
}


def build_client(
    path: str, *, package: str | None = None, language: str = "python", import_paths: list[str] | None = None
) -> Generated:
    """Load the contract at `path` and generate its client in memory (nothing is written)."""
    from govern.load import load_contract

    if language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}")
    contract = load_contract(path, mode="strict", import_paths=import_paths or None)
    generator = TARGETS.get((language, contract.kind))
    if generator is None:
        raise InputError(path, f"cannot generate a client from a {contract.kind} contract; give an OpenAPI, .proto or AsyncAPI contract")
    if package is None:
        package = default_package(_title(contract), os.path.basename(os.path.normpath(path)))
    elif not is_package_name(package):
        raise UsageError(f"--package {package!r}: use a lowercase Python package name such as orders_client")
    source = _source_label(path)
    return generator(contract, package, source)


def generate_client(
    path: str,
    out: str,
    *,
    package: str | None = None,
    force: bool = False,
    language: str = "python",
    import_paths: list[str] | None = None,
) -> Generated:
    """Generate the client for the contract at `path` into the directory `out`, atomically."""
    from govern.generate.output import write_tree

    _check_out(out, force)
    result = build_client(path, package=package, language=language, import_paths=import_paths)
    write_tree(out, result.files, force=force)
    return result


def _check_out(out: str, force: bool) -> None:
    """Refuse a bad output directory before the (slower) generation starts."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: exists and is not a directory")
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise UsageError(f"{out}: directory is not empty; refusing to overwrite (use --force)")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise UsageError(f"{out}: parent directory {parent} does not exist")


def _title(contract: Contract) -> str:
    if contract.kind == "proto":
        for fd in contract.descriptors.file:
            if fd.name in contract.files and fd.package:
                return str(fd.package).replace(".", " ")
        return ""
    info = (contract.data or {}).get("info") or {}
    return str(info.get("title") or "")


def _source_label(path: str) -> str:
    """The contract path as written in generated files: relative, '/'-separated, no machine paths."""
    shown = os.path.normpath(path)
    if os.path.isabs(shown):
        try:
            rel = os.path.relpath(shown)
            shown = rel if not rel.startswith("..") else os.path.basename(shown)
        except ValueError:
            shown = os.path.basename(shown)
    return shown.replace(os.sep, "/")


__all__ = ["Generated", "build_client", "generate_client"]
