"""The CLI as a user meets it: version, help, rules catalogue, usage errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from govern import __version__
from tests.conftest import ROOT, run_govern

REPORT_SCHEMA = json.loads((ROOT / "govern" / "data" / "schemas" / "report.schema.json").read_text())

VALID_OPENAPI = """openapi: 3.1.0
info: {title: Orders, version: 1.0.0}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        '200': {description: ok}
        '400': {$ref: '#/components/responses/Problem'}
        default: {$ref: '#/components/responses/Problem'}
servers: [{url: 'https://api.example.com/v1'}]
components:
  responses:
    Problem:
      description: Problem details (RFC 9457).
      content:
        application/problem+json:
          schema: {type: object, properties: {title: {type: string}}}
"""


def test_version() -> None:
    result = run_govern("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"govern {__version__}"


def test_help_lists_commands() -> None:
    result = run_govern("--help")
    assert result.returncode == 0
    for command in ("lint", "rules"):
        assert command in result.stdout


def test_version_does_not_import_heavy_modules() -> None:
    """--version and --help stay fast: no protoc, validators or templates imported."""
    import subprocess
    import sys

    code = (
        "import sys; from govern.cli.app import app\n"
        "heavy = [m for m in ('grpc_tools', 'openapi_spec_validator', 'jsonschema', 'jinja2', 'deepdiff', 'yaml')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_format_is_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(VALID_OPENAPI)
    result = run_govern("lint", "--format", "xml", str(spec))
    assert result.returncode == 2
    assert "unknown --format 'xml'" in result.stderr


def test_bad_fail_on_is_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(VALID_OPENAPI)
    result = run_govern("lint", "--fail-on", "CRITICAL", str(spec))
    assert result.returncode == 2
    assert "CRITICAL" in result.stderr


def test_lint_valid_contract_text_and_json(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(VALID_OPENAPI)
    text = run_govern("lint", str(spec))
    assert text.returncode == 0, text.stderr
    assert "no findings in 1 contract(s)" in text.stdout
    result = run_govern("lint", "--format", "json", str(spec))
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, REPORT_SCHEMA)
    assert doc["findings"] == []
    assert doc["summary"]["total"] == 0 and doc["summary"]["failed"] is False


def test_lint_invalid_contract_reports_findings_with_lines(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(VALID_OPENAPI.replace("        '200': {description: ok}\n", "        '200': {}\n"))
    result = run_govern("lint", "--format", "json", str(spec))
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, REPORT_SCHEMA)
    finding = doc["findings"][0]
    assert finding["id"] == "openapi-invalid" and finding["level"] == "ERR"
    assert finding["location"]["file"].endswith("api.yaml")
    assert finding["location"]["line"] == 8
    assert "description" in finding["message"]
    text = run_govern("lint", str(spec))
    assert text.returncode == 1
    assert "openapi-invalid" in text.stdout and "fail-on ERR: FAIL" in text.stdout


def test_output_file_is_written(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(VALID_OPENAPI)
    out = tmp_path / "report.json"
    result = run_govern("lint", "--format", "json", "--output", str(out), str(spec))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text())["command"] == "lint"


def test_rules_catalogue_formats() -> None:
    text = run_govern("rules", "--kind", "lint")
    assert text.returncode == 0
    assert "openapi-invalid" in text.stdout
    as_json = json.loads(run_govern("rules", "--format", "json").stdout)
    ids = [r["id"] for r in as_json["rules"]]
    assert len(ids) == len({(r["kind"], r["id"]) for r in as_json["rules"]})
    assert all(r["description"] and r["level"] in {"ERR", "WARN", "INFO"} for r in as_json["rules"])
    bad = run_govern("rules", "--kind", "nope")
    assert bad.returncode == 2 and "unknown --kind" in bad.stderr
