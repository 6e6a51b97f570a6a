"""Golden records of the clients generated from the bundled contracts, and their quality gates.

Regenerate with `GOVERN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_generate_golden.py`,
then review the diff of tests/golden/clients/ like any code change. For gRPC only govern's own
files are pinned: protoc's output changes with the grpcio-tools version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govern.generate import build_client, generate_client

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "clients"
CASES = {
    "orders-v2": ("contracts/orders/v2/openapi.yaml", "orders_client"),
    "payments-v2": ("contracts/payments/v2", "payments_client"),
    "events-v2": ("contracts/events/v2/asyncapi.yaml", "events_client"),
}


def pinned(case: str, rel: str) -> bool:
    if case.startswith("payments"):
        name = rel.rsplit("/", 1)[-1]
        return not (name.endswith(("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")) or name == "pyproject.toml" or (name == "__init__.py" and rel.count("/") > 1))
    return True


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_code_matches_the_golden_record(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    contract, package = CASES[case]
    files = {rel: text for rel, text in build_client(contract, package=package).files.items() if pinned(case, rel)}
    folder = GOLDEN / case
    if os.environ.get("GOVERN_UPDATE_GOLDEN"):
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    expected = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "files differ; rerun with GOVERN_UPDATE_GOLDEN=1 and review"
    for rel in files:
        assert files[rel] == expected[rel], f"{case}/{rel} differs; rerun with GOVERN_UPDATE_GOLDEN=1 and review"


def test_generation_is_deterministic(monkeypatch):
    monkeypatch.chdir(ROOT)
    for contract, package in CASES.values():
        assert build_client(contract, package=package).files == build_client(contract, package=package).files


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (it belongs in the test extra)")
    return [found]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("quality")
    dirs = {}
    for case, (contract, package) in CASES.items():
        generate_client(str(ROOT / contract), str(out / case), package=package)
        dirs[case] = (out / case, package)
    return dirs


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_package_passes_mypy_strict(generated, case):
    pytest.importorskip("httpx")
    mypy = _tool("mypy")
    folder, package = generated[case]
    result = subprocess.run([*mypy, "--strict", "--no-incremental", "--cache-dir", os.devnull, package], cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_package_passes_ruff(generated, case):
    ruff = _tool("ruff")
    folder, package = generated[case]
    result = subprocess.run([*ruff, "check", "--no-cache", package], cwd=folder, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_wheel_ships_the_client_templates(tmp_path):
    """Build govern's wheel, unpack it as an installation would, and generate from it alone."""
    pytest.importorskip("hatchling", reason="hatchling (the build backend) is needed to build the wheel offline")
    import zipfile

    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheel = next(dist.glob("govern-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for target in ("python-rest/client.py.j2", "grpc/client.py.j2", "events/_events.py.j2", "common/_resilience.py.j2"):
        assert f"govern/templates/clients/{target}" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import govern.generate.templates as t, sys\n"
        "dirs = t.template_dirs()\n"
        "assert len(dirs) == 1 and dirs[0].startswith(sys.argv[1]), dirs\n"
        "from govern.generate import generate_client\n"
        "r = generate_client(sys.argv[2], sys.argv[3], package='orders_client')\n"
        "print(len(r.operations))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    run = subprocess.run(
        [sys.executable, "-c", script, str(site), str(ROOT / "contracts/orders/v2/openapi.yaml"), str(tmp_path / "out")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "6"
    assert (tmp_path / "out" / "orders_client" / "client.py").is_file()
