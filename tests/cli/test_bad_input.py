"""Every hostile or broken input gives one line naming file and place, the right exit code,
no traceback, and no output file (tests/cases/bad-input/manifest.yaml)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from govern.errors import InputError
from govern.load import load_contract
from govern.load.model import Limits

from tests.conftest import CASES, run_govern

BAD = CASES / "bad-input"
MANIFEST = yaml.safe_load((BAD / "manifest.yaml").read_text())["cases"]


def test_corpus_is_large_enough() -> None:
    assert len(MANIFEST) >= 25
    on_disk = {p.name for p in BAD.iterdir() if p.name != "manifest.yaml"}
    assert on_disk == set(MANIFEST), "every file in bad-input/ has an expectation and vice versa"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_lint_reports_bad_input(name: str, tmp_path: Path) -> None:
    case = MANIFEST[name]
    src = BAD / name
    # Copy into a temp dir so the file name in the message is predictable and nothing leaks.
    work = tmp_path / "work"
    work.mkdir()
    target = work / name
    if src.is_dir():
        shutil.copytree(src, target)
    else:
        shutil.copy(src, target)
    out = tmp_path / "report.json"
    result = run_govern("lint", "--format", "json", "--output", str(out), name, cwd=work)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == case["lint"], result.stderr
    if case["lint"] == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        message = lines[0]
        assert message.startswith(f"govern: error: {name}"), message
        if "line" in case:
            assert f"{name}:{case['line']}" in message, message
        assert case["says"].lower() in message.lower(), message
        assert not out.exists(), "no output may be written for unusable input"
        assert result.stdout == ""
    else:
        import json

        report = json.loads(out.read_text())
        assert report["summary"]["ERR"] >= 1
        texts = " ".join(f["message"] for f in report["findings"]).lower()
        assert case["says"].lower() in texts
        assert all(f["location"]["file"] for f in report["findings"])
        if "line" in case:
            assert case["line"] in {f["location"]["line"] for f in report["findings"]}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_strict_loader_refuses_bad_input(name: str) -> None:
    """diff and generate load strictly: every case, even a readable invalid one, is an InputError."""
    with pytest.raises(InputError) as info:
        load_contract(str(BAD / name), mode="strict")
    text = info.value.one_line()
    assert "\n" not in text
    assert name in text


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with open(big, "wb") as handle:  # 50 MB, sparse: the size check must come before any read
        handle.truncate(50 * 1024 * 1024)
    result = run_govern("lint", str(big))
    assert result.returncode == 2
    assert "huge.yaml" in result.stderr and "MiB" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n" + "# pad\n" * 40000)
    assert run_govern("lint", str(spec)).returncode == 0
    result = run_govern("lint", "--max-file-mb", "0.1", str(spec))
    assert result.returncode == 2 and "api.yaml" in result.stderr


def test_large_generated_yaml_within_cap_is_fine(tmp_path: Path) -> None:
    lines = ["openapi: 3.1.0", "info: {title: big, version: '1'}", "paths:"]
    for i in range(3000):
        lines += [f"  /items{i}:", "    get:", "      responses:", "        '200': {description: ok}"]
    spec = tmp_path / "big.yaml"
    spec.write_text("\n".join(lines) + "\n")
    contract = load_contract(str(spec), mode="strict", limits=Limits())
    assert len(contract.data["paths"]) == 3000


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    result = run_govern("lint", "does-not-exist.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "govern: error: does-not-exist.yaml: no such file or directory"


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read files without permission bits")
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.1.0\n")
    spec.chmod(0)
    result = run_govern("lint", str(spec))
    assert result.returncode == 2 and "api.yaml" in result.stderr
