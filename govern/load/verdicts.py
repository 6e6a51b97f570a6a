"""A content-addressed cache of "this exact contract passed validation" verdicts.

openapi-spec-validator takes seconds on a large document (about 11 s per side on the GitHub
Enterprise Server description), and CI, pre-commit and `govern check` validate the same bytes
again and again: the base revision of a diff is usually a file that was valid last time too.

A verdict is keyed by everything the validator's answer depends on:

- the format of this cache, govern's version and the versions of the validating libraries;
- the contract kind and the spec version it declares;
- every file of the contract: its path relative to the root file's directory and the SHA-256 of
  its text (the validator resolves `$ref`s only within these files, see load/openapi.py).

Only *valid* verdicts are stored (an empty marker file named by the key): a contract with
problems is validated again each time, so its problems always come from the validator itself.
Nothing is ever read from the cache that could change a result, only skip a check that would
find nothing.

Where: `$GOVERN_CACHE_DIR`, else `$XDG_CACHE_HOME/govern`, else `~/.cache/govern`.
`GOVERN_NO_CACHE=1` turns it off. Any failure to read or write the cache is ignored.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache

FORMAT = "1"
_LIBRARIES = (
    "openapi-spec-validator", "openapi-schema-validator", "jsonschema-path", "jsonschema", "referencing", "jsonschema-rs",
)


def cache_dir() -> str | None:
    """The verdict directory, or None when caching is switched off."""
    if os.environ.get("GOVERN_NO_CACHE", "").strip() not in ("", "0"):
        return None
    root = os.environ.get("GOVERN_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "govern")
    return os.path.join(root, "verdicts")


@cache
def _versions() -> str:
    from govern import __version__

    return ";".join([f"govern={__version__}", *(f"{name}={installed_version(name)}" for name in _LIBRARIES)])


def installed_version(name: str) -> str:
    """The installed version of distribution `name` ("-" when it is not installed).

    Read from the name of the `.dist-info` folder next to its top-level package, as pip, uv and
    every installer of wheels write it; importlib.metadata (same answer, but it imports the
    e-mail parser to read the metadata file: about 25 ms of every run) only when that folder is
    not found."""
    import importlib.util

    module = name.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin and spec.submodule_search_locations is not None:
        site = os.path.dirname(os.path.dirname(spec.origin))
        prefix, suffix = module.lower() + "-", ".dist-info"
        try:
            found = [e for e in os.listdir(site) if e.lower().startswith(prefix) and e.endswith(suffix)]
        except OSError:
            found = []
        versions = {entry[len(prefix) : -len(suffix)] for entry in found}
        if len(versions) == 1 and "-" not in next(iter(versions)):
            return versions.pop()
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def key(kind: str, spec_version: str, root: str, files: Iterable[tuple[str, str]]) -> str:
    """The cache key of a contract: `files` are (path, text digest) of every file it consists of."""
    where = os.path.dirname(os.path.abspath(root))
    h = hashlib.sha256()
    for part in (FORMAT, _versions(), kind, spec_version):
        h.update(part.encode() + b"\0")
    h.update(os.path.relpath(os.path.abspath(root), where).encode() + b"\0")
    for rel, digest in sorted((os.path.relpath(os.path.abspath(p), where), d) for p, d in files):
        h.update(f"{rel}\0{digest}\0".encode())
    return h.hexdigest()


def known_valid(verdict_key: str) -> bool:
    """Whether a contract with this key passed validation before."""
    directory = cache_dir()
    return directory is not None and os.path.isfile(os.path.join(directory, verdict_key[:2], verdict_key))


def remember_valid(verdict_key: str) -> None:
    """Record that a contract with this key passed validation (best effort, atomic)."""
    directory = cache_dir()
    if directory is None:
        return
    target_dir = os.path.join(directory, verdict_key[:2])
    try:
        import tempfile

        os.makedirs(target_dir, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".tmp-")
        os.close(fd)
        os.replace(tmp, os.path.join(target_dir, verdict_key))
    except OSError:
        pass


def text_digest(text: str) -> str:
    """The SHA-256 of a file's text, as recorded on its Document."""
    return bytes_digest(text.encode("utf-8", "surrogatepass"))


def bytes_digest(data: bytes) -> str:
    """`text_digest` of the UTF-8 text `data` (no byte-order mark), from the bytes themselves."""
    return hashlib.sha256(data).hexdigest()
