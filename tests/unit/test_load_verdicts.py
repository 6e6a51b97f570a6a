"""The validation-verdict cache: valid contracts are not validated twice, nothing else changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import govern.load.openapi as openapi_loader
from govern.errors import InputError
from govern.load import load_contract
from govern.load import verdicts

ROOT_SPEC = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Item'}
"""
SCHEMAS = """Item:
  type: object
  properties:
    id: {type: string}
"""


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Count real openapi-spec-validator runs, with a cache directory of this test's own."""
    monkeypatch.setenv("GOVERN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GOVERN_NO_CACHE", raising=False)
    seen: list[str] = []
    real = openapi_loader._run_validator

    def counting(version, resolver, root):  # type: ignore[no-untyped-def]
        seen.append(root)
        return real(version, resolver, root)

    monkeypatch.setattr(openapi_loader, "_run_validator", counting)
    return seen


def _spec(tmp_path: Path, name: str = "api") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "openapi.yaml").write_text(ROOT_SPEC)
    (folder / "schemas.yaml").write_text(SCHEMAS)
    return folder / "openapi.yaml"


def test_a_valid_contract_is_validated_once(calls: list[str], tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    load_contract(str(spec))
    load_contract(str(spec))
    assert calls == [str(spec)]


def test_the_same_bytes_elsewhere_hit_the_cache(calls: list[str], tmp_path: Path) -> None:
    load_contract(str(_spec(tmp_path, "a")))
    load_contract(str(_spec(tmp_path, "b")))  # e.g. the base extracted from git into a temp dir
    assert len(calls) == 1


def test_a_change_in_a_referenced_file_is_validated_again(calls: list[str], tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    load_contract(str(spec))
    (spec.parent / "schemas.yaml").write_text(SCHEMAS + "    name: {type: string}\n")
    load_contract(str(spec))
    assert len(calls) == 2


def test_invalid_contracts_are_never_cached(calls: list[str], tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    spec.write_text(ROOT_SPEC.replace("          description: ok\n", ""))  # a response needs a description
    for _ in range(2):
        contract = load_contract(str(spec), mode="collect")
        assert [p.rule_id for p in contract.problems] == ["openapi-invalid"]
        with pytest.raises(InputError):
            load_contract(str(spec))
    assert len(calls) == 4
    assert not any(p.is_file() for p in (tmp_path / "cache").rglob("*"))


def test_switched_off_by_environment(calls: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERN_NO_CACHE", "1")
    spec = _spec(tmp_path)
    load_contract(str(spec))
    load_contract(str(spec))
    assert len(calls) == 2
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_is_ignored(calls: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("GOVERN_CACHE_DIR", str(blocker))
    spec = _spec(tmp_path)
    assert load_contract(str(spec)).problems == []
    assert load_contract(str(spec)).problems == []
    assert len(calls) == 2


def test_key_depends_on_layout_versions_and_content(tmp_path: Path) -> None:
    root = str(tmp_path / "openapi.yaml")
    other = str(tmp_path / "schemas.yaml")
    moved = str(tmp_path / "sub" / "schemas.yaml")
    k = verdicts.key("openapi", "3.0.3", root, [(root, "a"), (other, "b")])
    assert k == verdicts.key("openapi", "3.0.3", root, [(other, "b"), (root, "a")])  # order-free
    assert k != verdicts.key("openapi", "3.0.3", root, [(root, "a"), (other, "c")])
    assert k != verdicts.key("openapi", "3.0.3", root, [(root, "a"), (moved, "b")])
    assert k != verdicts.key("openapi", "3.1.0", root, [(root, "a"), (other, "b")])
    assert "openapi-spec-validator=" in verdicts._versions()


def test_cache_files_are_private(calls: list[str], tmp_path: Path) -> None:
    load_contract(str(_spec(tmp_path)))
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(entries) == 1
    assert os.stat(entries[0].parent).st_mode & 0o077 == 0


def test_library_versions_are_read_without_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The versions in the key are those importlib.metadata gives, read from the `.dist-info`
    folder names, so a run does not import the e-mail parser (~25 ms)."""
    import subprocess
    import sys
    from importlib.metadata import version

    from govern.load.verdicts import _LIBRARIES, installed_version

    for name in _LIBRARIES:
        assert installed_version(name) == version(name)
    assert installed_version("no-such-distribution-here") == "-"
    (tmp_path / "fake_governed").mkdir()
    (tmp_path / "fake_governed" / "__init__.py").write_text("")
    (tmp_path / "fake_governed-1.2.3.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_version("fake-governed") == "1.2.3"
    code = "import sys; from govern.load.verdicts import _versions; _versions(); print('email.parser' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_a_file_has_the_same_digest_read_from_disk_or_given_as_text(tmp_path: Path, prefix: bytes) -> None:
    """load_document hashes the bytes it read (no second encoding of a large text): the digest,
    and so the verdict key, is the one of the text, with or without a byte-order mark."""
    from govern.load.files import load_document, parse_document, read_text
    from govern.load.model import Limits

    path = tmp_path / "openapi.json"
    path.write_bytes(prefix + '{"openapi": "3.1.0", "info": {"title": "caf\u00e9 \u2615", "version": "1"}}'.encode())
    from_disk = load_document(str(path), Limits()).digest
    assert from_disk == parse_document(str(path), read_text(str(path), Limits()), Limits()).digest
    assert from_disk == verdicts.text_digest(read_text(str(path), Limits()))
