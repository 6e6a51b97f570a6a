"""`govern diff` end to end on event contracts: the bundled AsyncAPI and JSON Schema revisions,
exit codes, JSON output, modes, and *_TRANSITIVE over git history."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT, run_govern

EVENTS_V1 = "contracts/events/v1/asyncapi.yaml"
EVENTS_V2 = "contracts/events/v2/asyncapi.yaml"
SCHEMA_V1 = "contracts/schemas/v1/order-placed.schema.json"
SCHEMA_V2 = "contracts/schemas/v2/order-placed.schema.json"
REPORT_SCHEMA = json.loads((ROOT / "govern" / "data" / "schemas" / "report.schema.json").read_text())


def json_report(*args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    result = run_govern("diff", *args, "--format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    return result.returncode, report


def levels(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["id"], f["level"]) for f in report["findings"]}


# --- AsyncAPI -----------------------------------------------------------------------------------
def test_events_v1_to_v2() -> None:
    code, report = json_report(EVENTS_V1, EVENTS_V2)
    assert code == 1
    assert report["summary"]["failed"] is True
    found = levels(report)
    for expected in [
        ("channel-added", "INFO"), ("operation-added", "INFO"),  # E1
        ("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "INFO"),  # E2
        ("ENUM_ARRAY_EXTENDED", "INFO"),  # E3
        ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "INFO"),  # E4
        ("channel-removed", "ERR"), ("operation-removed", "ERR"),  # E5
        ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "ERR"),  # E6
        ("TYPE_CHANGED", "ERR"),  # E7
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ERR"),  # E8
        ("ENUM_ARRAY_NARROWED", "ERR"),  # E9
    ]:
        assert expected in found
    by_id = {f["id"]: f for f in report["findings"]}
    e9 = by_id["ENUM_ARRAY_NARROWED"]
    assert e9["kind"] == "jsonschema"
    assert e9["location"]["file"] == EVENTS_V2 and e9["location"]["line"] == 264
    assert e9["details"]["direction"] == "forward" and e9["details"]["mode"] == "FORWARD"
    assert "publishOrderCancelled" in e9["message"]
    e5 = by_id["channel-removed"]
    assert e5["kind"] == "asyncapi" and e5["location"]["file"] == EVENTS_V1 and e5["location"]["line"] == 43


def test_events_text_output() -> None:
    result = run_govern("diff", EVENTS_V1, EVENTS_V2)
    assert result.returncode == 1
    assert "channel-removed" in result.stdout and "ENUM_ARRAY_NARROWED" in result.stdout
    assert "fail-on ERR: FAIL" in result.stdout


def test_events_mode_override_applies_to_every_message() -> None:
    _, report = json_report(EVENTS_V1, EVENTS_V2, "--mode", "BACKWARD")
    found = levels(report)
    assert ("ENUM_ARRAY_EXTENDED", "INFO") in found  # E9 seen BACKWARD is compatible
    assert ("ENUM_ARRAY_NARROWED", "ERR") not in found
    assert ("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "ERR") in found  # E2 seen BACKWARD breaks


def test_events_none_mode_keeps_structural_findings() -> None:
    code, report = json_report(EVENTS_V1, EVENTS_V2, "--mode", "NONE")
    assert code == 1  # a removed channel breaks whatever the payload mode
    assert all(f["level"] == "INFO" for f in report["findings"] if f["kind"] == "jsonschema")


def test_events_against_themselves() -> None:
    result = run_govern("diff", EVENTS_V1, EVENTS_V1)
    assert result.returncode == 0
    assert "no findings" in result.stdout


def test_events_fail_on_info() -> None:
    assert run_govern("diff", EVENTS_V1, EVENTS_V2, "--fail-on", "WARN").returncode == 1
    result = run_govern("diff", EVENTS_V1, EVENTS_V1, "--fail-on", "INFO")
    assert result.returncode == 0


# --- JSON Schema files ---------------------------------------------------------------------------
def test_schema_default_backward() -> None:
    code, report = json_report(SCHEMA_V1, SCHEMA_V2)
    assert code == 1
    assert levels(report) == {
        ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "INFO"), ("ENUM_ARRAY_EXTENDED", "INFO"),
        ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "ERR"),
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ERR"), ("MAX_LENGTH_DECREASED", "ERR"),
        ("TYPE_CHANGED", "ERR"),
    }
    s6 = next(f for f in report["findings"] if f["id"] == "TYPE_CHANGED")
    assert s6["location"] == {"file": SCHEMA_V2, "line": 66, "col": 9, "pointer": "/$defs/money/properties/amount_minor"}


@pytest.mark.parametrize(("mode", "code", "errs"), [
    ("FORWARD", 1, {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ENUM_ARRAY_NARROWED", "TYPE_CHANGED"}),
    ("FULL", 1, {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ENUM_ARRAY_NARROWED", "TYPE_CHANGED",
                 "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "MAX_LENGTH_DECREASED"}),
    ("NONE", 0, set()),
    ("forward", 1, {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ENUM_ARRAY_NARROWED", "TYPE_CHANGED"}),
])
def test_schema_modes(mode: str, code: int, errs: set[str]) -> None:
    got, report = json_report(SCHEMA_V1, SCHEMA_V2, "--mode", mode)
    assert got == code
    assert {f["id"] for f in report["findings"] if f["level"] == "ERR"} == errs


def test_schema_lenient() -> None:
    _, report = json_report(SCHEMA_V1, SCHEMA_V2, "--strictness", "lenient")
    assert ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "INFO") in levels(report)


@pytest.mark.parametrize("args", [
    ("--mode", "SIDEWAYS"),
    ("--strictness", "loose"),
])
def test_bad_options_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    result = run_govern("diff", SCHEMA_V1, SCHEMA_V2, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("govern: error:")


def test_mixed_kinds_exit_2() -> None:
    result = run_govern("diff", SCHEMA_V1, EVENTS_V2)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_asyncapi_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "asyncapi.yaml"
    bad.write_text("asyncapi: 3.0.0\ninfo: {title: T}\nchannels: {c: {address: 1}}\n")
    result = run_govern("diff", EVENTS_V1, str(bad))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr


# --- *_TRANSITIVE over git history ----------------------------------------------------------------
def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def schema(values: list[str]) -> str:
    return json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"kind": {"enum": values}}, "additionalProperties": False,
    }, indent=2)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "schemas").mkdir(parents=True)
    git(root, "init", "-q")
    # Three committed revisions: a|b, then a (drops b), then a|c (adds c; b stays dropped).
    for message, values in (("r1", ["a", "b"]), ("r2", ["a"]), ("r3", ["a", "c"])):
        (root / "schemas" / "s.schema.json").write_text(schema(values))
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message)
    return root


def test_transitive_mode_reads_git_history(repo: Path) -> None:
    args = ("HEAD~1:schemas/s.schema.json", "HEAD:schemas/s.schema.json")
    code, report = json_report(*args, "--mode", "BACKWARD", cwd=repo)
    assert code == 0
    assert levels(report) == {("ENUM_ARRAY_EXTENDED", "INFO")}
    code, report = json_report(*args, "--mode", "BACKWARD_TRANSITIVE", cwd=repo)
    assert code == 1
    assert levels(report) == {("ENUM_ARRAY_EXTENDED", "INFO"), ("ENUM_ARRAY_CHANGED", "ERR")}
    err = next(f for f in report["findings"] if f["level"] == "ERR")
    assert "against the earlier revision" in err["message"]


def test_transitive_with_base_ref_and_working_tree(repo: Path) -> None:
    (repo / "schemas" / "s.schema.json").write_text(schema(["a", "c", "d"]))  # uncommitted revision
    code, report = json_report("--base", "HEAD", "schemas/s.schema.json", "--mode", "FORWARD_TRANSITIVE", cwd=repo)
    assert code == 1  # FORWARD: old readers (a|c, a, a|b) reject d
    assert {f["id"] for f in report["findings"] if f["level"] == "ERR"} >= {"ENUM_ARRAY_NARROWED"}


def test_transitive_asyncapi_payloads(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "events").mkdir(parents=True)
    git(root, "init", "-q")
    doc = """asyncapi: 3.0.0
info: {{title: T, version: 1.0.0}}
channels:
  c:
    address: c
    messages:
      m:
        payload: {{type: object, properties: {{kind: {{enum: {values}}}}}}}
operations:
  o:
    action: receive
    channel: {{$ref: '#/channels/c'}}
"""
    for values in ("[a, b]", "[a]", "[a, c]"):
        (root / "events" / "asyncapi.yaml").write_text(doc.format(values=values))
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", values)
    args = ("HEAD~1:events/asyncapi.yaml", "HEAD:events/asyncapi.yaml")
    code, _ = json_report(*args, cwd=root)
    assert code == 0  # receive -> BACKWARD against the base only
    code, report = json_report(*args, "--mode", "BACKWARD_TRANSITIVE", cwd=root)
    assert code == 1
    assert ("ENUM_ARRAY_CHANGED", "ERR") in levels(report)
