"""`govern recommend` as a user meets it: non-interactive runs, outputs, numbering, errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "govern" / "data" / "schemas" / "recommend.schema.json").read_text())
GOLDEN = ROOT / "tests" / "golden" / "recommend"


def recommend_argv() -> list[str]:
    """`govern recommend` once registered in the app, else the module's own entry point."""
    from govern.cli.app import app

    names = {c.name for c in app.registered_commands}
    if "recommend" in names:
        return [sys.executable, "-m", "govern", "recommend"]
    return [sys.executable, "-m", "govern.cli.recommend", "recommend"]


def run(*args: str, cwd: Path | None = None, stdin: str | None = "", env: dict | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("GOVERN_DEBUG", None)
    full_env.pop("SOURCE_DATE_EPOCH", None) if env is None or "SOURCE_DATE_EPOCH" not in env else None
    return subprocess.run(
        [*recommend_argv(), *args],
        cwd=cwd or ROOT,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("govern: error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_no_terminal_and_no_answers_is_a_clear_error() -> None:
    line = one_line_error(run())
    assert "stdin is not a terminal" in line and "--answers" in line and "--defaults" in line


def test_defaults_json_is_valid_and_deterministic() -> None:
    first = run("--defaults", "--format", "json")
    second = run("--defaults", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["recommendations"][0] == {**data["recommendations"][0], "pattern": "rest", "role": "primary"}
    assert data["matrix_hash"].startswith("sha256:")


def test_cli_matches_the_golden_report() -> None:
    answers = GOLDEN / "sync-chain-availability" / "answers.yaml"
    result = run("--answers", "answers.yaml", "--date", "2026-01-01", cwd=answers.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (answers.parent / "report.md").read_text()
    as_json = run("--answers", str(answers), "--format", "json")
    assert as_json.stdout == (answers.parent / "report.json").read_text()


def test_markdown_is_a_madr_record_with_the_arithmetic() -> None:
    answers = GOLDEN / "sync-chain-availability" / "answers.yaml"
    text = run("--answers", str(answers), "--date", "2026-01-01").stdout
    for heading in (
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "### Confirmation",
        "## Pros and Cons of the Options",
        "## More Information",
    ):
        assert heading in text
    assert text.startswith("---\nstatus: proposed\ndate: 2026-01-01\n")
    assert 'Chosen option: "REST (HTTP/JSON)"' in text
    assert "0 + 50 + 200 = 250 ms" in text
    assert "99.5% × 99.5% × 99.5% = 98.51%" in text
    assert "Asynchronous alternative" in text


def test_set_overrides_the_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("caller: internal-service\nneeds_immediate_response: false\nconsumers: 1\n")
    queue = json.loads(run("--answers", str(answers), "-f", "json").stdout)
    fan_out = json.loads(run("--answers", str(answers), "--set", "consumers=4", "-f", "json").stdout)
    assert queue["recommendations"][0]["pattern"] == "message-queue"
    assert fan_out["recommendations"][0]["pattern"] == "pub-sub"
    assert fan_out["answers"]["consumers"] == 4


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("caller: internal-service\nfoo: 1\n", "a.yaml:2:1: unknown answer 'foo'"),
        ("consumers: three\n", "a.yaml:1:1: consumers: expected a whole number, got 'three'"),
        ("consumers: -2\n", "consumers: must be 0 or more, got -2"),
        ("service_count: -1\n", "service_count: must be 1 or more, got -1"),
        ("streaming: 3\n", "streaming: expected true or false, got 3"),
        ("call_chain:\n  - {service: a, latency_ms: 1, availability: 2000}\n", "a.yaml:2:"),
        ("caller: [a\n", "invalid YAML"),
        ("- caller\n", "an answers file is a mapping"),
        ("caller: x\ncaller: y\n", "duplicate"),
    ],
)
def test_invalid_answers_exit_2_with_one_line(tmp_path: Path, content: str, fragment: str) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(content)
    line = one_line_error(run("--answers", str(answers)))
    assert fragment in line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--defaults", "--set", "consumers=-1"], "--set consumers: must be 0 or more"),
        (["--defaults", "--set", "nope=1"], "--set nope: unknown answer"),
        (["--defaults", "--set", "consumers"], "expected key=value"),
        (["--defaults", "--format", "pdf"], "unknown --format 'pdf'"),
        (["--defaults", "--date", "01/02/2026"], "--date '01/02/2026': expected YYYY-MM-DD"),
        (["--defaults", "--scaffold", "Bad Name"], "--scaffold 'Bad Name'"),
        (["--answers", "missing.yaml"], "missing.yaml: no such file or directory"),
        (["--defaults", "--title", " "], "--title must be one non-empty line"),
    ],
)
def test_usage_errors_exit_2(args: list[str], fragment: str) -> None:
    assert fragment in one_line_error(run(*args))


def test_output_numbers_decision_records(tmp_path: Path) -> None:
    decisions = tmp_path / "docs" / "decisions"
    decisions.mkdir(parents=True)
    (decisions / "0001-record-architecture-decisions.md").write_text("# first\n")
    (decisions / "0007-use-postgres.md").write_text("# seventh\n")
    first = run("--defaults", "--date", "2026-01-01", "--output", "docs/decisions/NNNN-title.md", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    made = decisions / "0008-use-rest-http-json.md"
    assert made.is_file(), sorted(p.name for p in decisions.iterdir())
    assert "wrote docs/decisions/0008-use-rest-http-json.md" in first.stderr
    assert first.stdout == ""
    second = run("--defaults", "--set", "consumers=3", "--set", "needs_immediate_response=no",
                 "--output", "docs/decisions/", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (decisions / "0009-use-publish-subscribe.md").is_file()
    fresh = run("--defaults", "--output", "adr/NNNN-title.md", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert (tmp_path / "adr" / "0001-use-rest-http-json.md").is_file()


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "adr.md"
    target.write_text("keep me\n")
    line = one_line_error(run("--defaults", "--output", str(target)))
    assert "refusing to overwrite" in line
    assert target.read_text() == "keep me\n"
    forced = run("--defaults", "--output", str(target), "--force")
    assert forced.returncode == 0 and target.read_text().startswith("---\n")


def test_save_answers_replays_to_the_same_report(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    first = run("--defaults", "--set", "caller=external-client", "--set", "client_types=web,partner",
                "--save-answers", str(saved), "-f", "json")
    assert first.returncode == 0, first.stderr
    replay = run("--answers", str(saved), "-f", "json")
    assert replay.stdout == first.stdout
    assert yaml.safe_load(saved.read_text())["client_types"] == ["web", "partner"]


def test_date_defaults_to_source_date_epoch() -> None:
    result = run("--defaults", env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert "date: 2026-01-01" in result.stdout


def test_html_is_self_contained_with_svg_charts(tmp_path: Path) -> None:
    answers = GOLDEN / "sync-chain-availability" / "answers.yaml"
    out = tmp_path / "report.html"
    result = run("--answers", str(answers), "--format", "html", "--output", str(out), "--date", "2026-01-01")
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 3  # scores, trade-offs, call chain
    assert "<script" not in html.lower()
    urls = set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert not re.search(r"<(link|img|iframe)\b", html)
    assert "Candidate scores" in html and "Trade-offs on the seeds" in html
    assert "98.51%" in html


def test_scaffold_writes_the_new_service_hand_off(tmp_path: Path) -> None:
    answers = GOLDEN / "external-integration-webhooks" / "answers.yaml"
    result = run("--answers", str(answers), "--scaffold", "partners", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "partners.govern.yaml").read_text())
    assert data["format"] == "govern-new-service/1"
    assert data["service"] == "partners"
    assert data["primary"] == "rest"
    assert {"rest", "webhooks", "api-gateway"} <= set(data["patterns"])
    assert data["contracts"] == ["openapi"]
    assert {"timeouts", "retry-backoff", "circuit-breaker", "idempotency"} <= set(data["resilience"])
    assert "partners.govern.yaml" in result.stderr
    again = run("--answers", str(answers), "--scaffold", "partners", cwd=tmp_path)
    assert "refusing to overwrite" in one_line_error(again)


def test_custom_matrix_is_validated(tmp_path: Path) -> None:
    broken = tmp_path / "patterns.yaml"
    data = yaml.safe_load((ROOT / "govern" / "data" / "patterns.yaml").read_text())
    del data["patterns"]["rest"]["pros"]
    broken.write_text(yaml.safe_dump(data, sort_keys=False))
    line = one_line_error(run("--defaults", "--matrix", str(broken)))
    assert "patterns.yaml" in line and "'pros' is a required property" in line


def test_importing_the_command_stays_light() -> None:
    code = (
        "import sys, govern.cli.recommend\n"
        "heavy = [m for m in ('yaml', 'jinja2', 'jsonschema', 'questionary', 'prompt_toolkit', 'govern.recommend')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
