"""Every report format rendered from one shared list of findings, compared with golden files.

Regenerate the goldens with `GOVERN_UPDATE_GOLDEN=1 pytest tests/unit/test_reports.py`, then read
the diff: a golden is only as good as the review it got.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from govern.report import FORMATS, Report, github, gitlab, markdown, render, sarif, waivers
from govern.rules.finding import Finding, Level, Location
from govern.rules.registry import Rule

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "reports"
SCHEMAS = Path(__file__).resolve().parents[2] / "govern" / "data" / "schemas"
UPDATE = os.environ.get("GOVERN_UPDATE_GOLDEN") == "1"

EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "sarif": "sarif",
    "junit": "xml",
    "github": "github.txt",
    "gitlab": "gitlab.json",
    "waivers": "waivers.yaml",
}


def _fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / "findings.json").read_text(encoding="utf-8"))
    return data


def _finding(d: dict[str, Any]) -> Finding:
    return Finding(d["id"], Level[d["level"]], d["message"], Location(**d["location"]), d.get("kind", ""))


def shared_findings() -> list[Finding]:
    return [_finding(d) for d in _fixture()["findings"]]


def fixture_rules(f: Finding) -> Rule | None:
    """The fixture's stand-in for the registry (see findings.json)."""
    for d in _fixture()["rules"]:
        if d["id"] == f.id and d["kind"] == f.kind:
            return Rule(
                d["id"], Level[d["level"]], d["kind"], d["description"], d.get("area", ""),
                d.get("why", ""), categories=tuple(d.get("categories", ())),
            )
    return None


def shared_report(findings: list[Finding] | None = None, **changes: Any) -> Report:
    ctx = {**_fixture()["report"], **changes}
    return Report(
        ctx["command"], shared_findings() if findings is None else findings, list(ctx["inputs"]),
        ctx["fail_on"], ctx["failed"],
    )


def empty_report() -> Report:
    return shared_report([], failed=False)


def _render(report: Report, fmt: str) -> str:
    if fmt == "sarif":
        return sarif.render(report, rules=fixture_rules)
    if fmt == "waivers":  # expiry dates count from today: pin it
        return waivers.render(report, today=date(2026, 12, 1))
    return render(report, fmt)


SCENARIOS = {"expected": shared_report, "empty": empty_report}


# ---------------------------------------------------------------------------------------------
# Golden files


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(fmt: str, scenario: str) -> None:
    assert fmt in EXTENSIONS, f"new format {fmt!r}: add its extension and goldens here"
    path = GOLDEN / f"{scenario}.{EXTENSIONS[fmt]}"
    got = _render(SCENARIOS[scenario](), fmt)
    if UPDATE:
        path.write_bytes(got.encode("utf-8"))
    assert path.exists(), f"missing golden {path}; run with GOVERN_UPDATE_GOLDEN=1 and review it"
    assert got == path.read_bytes().decode("utf-8"), f"{fmt} output differs from {path.name}"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_does_not_depend_on_finding_order(fmt: str) -> None:
    findings = shared_findings()
    shuffled = findings[:]
    random.Random(7).shuffle(shuffled)
    assert _render(shared_report(shuffled), fmt) == _render(shared_report(findings), fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_color_flag_is_accepted(fmt: str) -> None:
    assert render(empty_report(), fmt, color=True)


# ---------------------------------------------------------------------------------------------
# json


def test_json_is_valid_against_its_published_schema() -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
    for report in (shared_report(), empty_report()):
        jsonschema.Draft202012Validator(schema).validate(json.loads(render(report, "json")))


# ---------------------------------------------------------------------------------------------
# sarif

_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_vendored_sarif_schema_is_the_oasis_one() -> None:
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"] == sarif.SCHEMA_URI
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.Draft4Validator.check_schema(schema)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_sarif_is_valid_against_the_official_schema(scenario: str) -> None:
    log = json.loads(_render(SCENARIOS[scenario](), "sarif"))
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_rules_results_and_locations() -> None:
    findings = shared_findings()
    log = json.loads(_render(shared_report(), "sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.id for f in findings})
    results = run["results"]
    assert len(results) == len(findings)
    levels = {"ERR": "error", "WARN": "warning", "INFO": "note"}
    by_id = {r["id"]: r for r in rules}
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in levels.values()
        for loc in res.get("locations", []):
            art = loc.get("physicalLocation", {}).get("artifactLocation")
            if art:
                assert _URI_CHARS.match(art["uri"]), art["uri"]
                scheme = urlsplit(art["uri"]).scheme
                assert scheme == ("file" if "uriBaseId" not in art else ""), art
    # Known rules come from the registry stand-in, unknown ones from the finding.
    assert by_id["request-parameter-removed"]["defaultConfiguration"]["level"] == "error"
    assert by_id["request-parameter-removed"]["properties"] == {
        "kind": "openapi", "area": "parameters", "tags": ["openapi", "parameters"],
    }
    assert "deprecate first" in by_id["request-parameter-removed"]["fullDescription"]["text"]
    assert by_id["operation-removed"]["shortDescription"]["text"] == "operation-removed"
    assert by_id["FIELD_NO_DELETE"]["name"] == "FieldNoDelete"
    # An overridden severity shows on the result while the rule keeps its default.
    narrowed = next(r for r in results if r["ruleId"] == "TYPE_NARROWED")
    assert narrowed["level"] == "warning"
    assert by_id["TYPE_NARROWED"]["defaultConfiguration"]["level"] == "error"
    # Locations: relative posix path against %SRCROOT%, line and column, pointer as logical name.
    first = next(r for r in results if r["ruleId"] == "request-parameter-removed")["locations"][0]
    assert first["physicalLocation"] == {
        "artifactLocation": {"uri": "contracts/orders/openapi.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42, "startColumn": 9},
    }
    assert first["logicalLocations"] == [{"fullyQualifiedName": "/paths/~1orders/get/parameters/1"}]
    # A finding in the base revision (REF:path) lands on the working-tree file, without a line.
    removed = next(r for r in results if r["ruleId"] == "operation-removed")
    assert removed["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "contracts/orders/openapi.yaml", "uriBaseId": "%SRCROOT%"}
    }
    assert removed["properties"]["revisionLocation"] == "origin/main:contracts/orders/openapi.yaml:120"
    # Absolute paths become file URIs, percent-encoded.
    server = next(r for r in results if r["ruleId"] == "server-url-changed")
    uri = server["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "file:///srv/contracts/my%20api/openapi.yaml"
    assert unquote(urlsplit(uri).path) == "/srv/contracts/my api/openapi.yaml"


def test_sarif_fingerprints_are_stable_and_unique() -> None:
    results = json.loads(_render(shared_report(), "sarif"))["runs"][0]["results"]
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == len(prints)
    # Moving a finding to another line keeps its fingerprint; another pointer changes it.
    f = shared_findings()[0]
    moved = Finding(f.id, f.level, f.message, Location(f.location.file, 99, 1, f.location.pointer), f.kind)
    elsewhere = Finding(f.id, f.level, f.message, Location(f.location.file, 42, 9, "/paths/~1x"), f.kind)
    assert sarif.fingerprints([f]) == sarif.fingerprints([moved])
    assert sarif.fingerprints([f]) != sarif.fingerprints([elsewhere])


def test_sarif_describes_real_rules_from_the_registry() -> None:
    from govern.rules.registry import REGISTRY

    rule = REGISTRY.rules()[0]
    f = Finding(rule.id, rule.level, "something", Location("a.yaml", 1, 1, "/x"), rule.kind)
    log = json.loads(render(Report("lint", [f], ["a.yaml"]), "sarif"))
    assert not list(_sarif_validator().iter_errors(log))
    (descriptor,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor["shortDescription"]["text"] == rule.description
    assert descriptor["properties"]["kind"] == rule.kind


# ---------------------------------------------------------------------------------------------
# junit


def _junit(report: Report) -> ET.Element:
    return ET.fromstring(render(report, "junit").encode("utf-8"))


def test_junit_structure_and_counts() -> None:
    findings = shared_findings()
    root = _junit(shared_report())
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(findings) == int(root.get("tests", "-1"))
    errs = sum(f.level is Level.ERR for f in findings)
    assert len(root.findall("./testsuite/testcase/failure")) == errs == int(root.get("failures", "-1"))
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "-1")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "-1")) == len(suite.findall("testcase/failure"))
        for case in suite.findall("testcase"):
            assert case.get("classname") == suite.get("name")
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(set(names)) == len(names), "testcases must be distinguishable"
    assert ("contracts/orders/openapi.yaml", "request-parameter-removed at /paths/~1orders/get/parameters/1") in names
    assert ("contracts/events/asyncapi.yaml", "description-changed at line 3") in names


def test_junit_failures_follow_fail_on() -> None:
    findings = shared_findings()
    root = _junit(shared_report(fail_on="WARN"))
    expected = sum(f.level >= Level.WARN for f in findings)
    assert int(root.get("failures", "-1")) == expected
    assert {f.get("type") for f in root.iter("failure")} == {"ERR", "WARN"}
    root = _junit(shared_report(fail_on="INFO"))
    assert int(root.get("failures", "-1")) == len(findings)


def test_junit_passing_run_has_one_passing_testcase() -> None:
    root = _junit(empty_report())
    (suite,) = root.findall("testsuite")
    (case,) = suite.findall("testcase")
    assert case.get("name") == "no breaking changes"
    assert root.get("tests") == "1" and root.get("failures") == "0"
    lint = _junit(Report("lint", [], ["a.yaml"]))
    assert lint.find("./testsuite/testcase").get("name") == "no findings"  # type: ignore[union-attr]


def test_junit_survives_characters_xml_cannot_hold() -> None:
    f = Finding("x", Level.ERR, "bell\x07 nul\x00 esc\x1b\r\n]]> </failure> \"q\" 'a' & done", Location("a<b>.yaml", 1))
    root = _junit(Report("lint", [f], ["a<b>.yaml"]))
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert "\\u0007" in failure.get("message", "") and "</failure> \"q\" 'a' & done" in failure.get("message", "")
    assert "\\u001b\n]]>" in (failure.text or "")
    assert root.find("testsuite").get("name") == "a<b>.yaml"  # type: ignore[union-attr]


def test_junit_loads_in_junitparser(tmp_path: Path) -> None:
    junitparser = pytest.importorskip("junitparser")
    path = tmp_path / "report.xml"
    path.write_text(render(shared_report(), "junit"), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert sum(s.tests for s in suites) == len(shared_findings())
    failures = [case for s in suites for case in s if case.result and isinstance(case.result[0], junitparser.Failure)]
    assert len(failures) == sum(f.level is Level.ERR for f in shared_findings())


# ---------------------------------------------------------------------------------------------
# github

_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _unescape(text: str) -> str:
    for enc, raw in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        text = text.replace(enc, raw)
    return text


def test_github_one_command_per_finding_plus_summary() -> None:
    findings = shared_findings()
    lines = render(shared_report(), "github").splitlines()
    assert len(lines) == len(findings) + 1
    assert lines[-1].startswith("govern diff: ") and lines[-1].endswith("fail-on ERR: FAIL")
    seen = []
    for line in lines[:-1]:
        m = _COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert set(props) <= {"file", "line", "col", "title"}
        seen.append((m.group(1), _unescape(props["title"]), _unescape(m.group(3))))
    want = {"ERR": "error", "WARN": "warning", "INFO": "notice"}
    assert sorted((want[f.level.name], f.id) for f in findings) == sorted((c, t) for c, t, _ in seen)
    # Every message survives escaping, including newlines, '%' and an attempted injection.
    for f in findings:
        assert any(t == f.id and m.startswith(f.message) for _, t, m in seen), f.message


def test_github_escaping() -> None:
    assert github.escape_data("50%\r\nx") == "50%25%0D%0Ax"
    assert github.escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    out = render(shared_report(), "github")
    assert "\n::warning file=x" not in out  # the injected command stays inside its message
    assert "file=contracts/orders/openapi.yaml,line=42,col=9,title=request-parameter-removed::" in out


# ---------------------------------------------------------------------------------------------
# gitlab


def test_gitlab_code_quality_fields() -> None:
    findings = shared_findings()
    issues = json.loads(render(shared_report(), "gitlab"))
    assert isinstance(issues, list) and len(issues) == len(findings)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] and not issue["location"]["path"].startswith("origin/")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    want = {"ERR": gitlab.SEVERITIES[Level.ERR], "WARN": "minor", "INFO": "info"}
    assert sorted(i["severity"] for i in issues) == sorted(want[f.level.name] for f in findings)
    assert json.loads(render(empty_report(), "gitlab")) == []


# ---------------------------------------------------------------------------------------------
# markdown


def test_markdown_verdict_first_then_breaking_then_changelog() -> None:
    text = render(shared_report(), "markdown")
    assert text.startswith("## govern diff: ❌ 4 breaking changes\n")
    assert text.index("### Breaking changes") < text.index("### Warnings") < text.index("<details>")
    assert "<summary>Changelog (7 changes)</summary>" in text
    assert render(empty_report(), "markdown").startswith("## govern diff: ✅ no breaking changes\n")
    warn_only = [f for f in shared_findings() if f.level is not Level.ERR]
    assert render(shared_report(warn_only, failed=False), "markdown").startswith(
        "## govern diff: ✅ no breaking changes, 2 warnings, 7 changes\n"
    )


def test_markdown_escapes_user_text() -> None:
    assert markdown.escape("<b>x</b> & *y* | `z` [l](u) @octocat #42 a\nb") == (
        "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\* \\| \\`z\\` \\[l\\](u) @\u2060octocat #\u206042 a<br>b"
    )
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`x`") == "`` `x` ``"
    text = render(shared_report(), "markdown")
    assert "<b>docs</b>" not in text and "<!-- -->" not in text
    assert "@octocat" not in text


def test_markdown_stays_under_the_comment_limit() -> None:
    many = [
        Finding(f"rule-{i % 7}", Level(1 + i % 3), "x" * 400 + " <&> " + "y" * (i % 50),
                Location(f"contracts/c{i % 13}.yaml", i + 1, 1, f"/paths/{i}"), "openapi")
        for i in range(3000)
    ]
    text = render(shared_report(many), "markdown")
    assert len(text.encode("utf-16-le")) // 2 <= markdown.COMMENT_LIMIT
    assert text.startswith("## govern diff: ❌ 1000 breaking changes\n")
    assert "more breaking changes not shown" in text
    assert "more changes not shown" in text
    assert text.rstrip().endswith(markdown.MARKER)
    assert text.count("<details>") == text.count("</details>")
    # A tiny limit still yields a well-formed comment with its verdict.
    small = markdown.render(shared_report(), limit=2500)
    assert small.startswith("## govern diff: ❌") and "not shown" in small


def test_markdown_truncates_a_huge_message() -> None:
    f = Finding("x", Level.ERR, "z" * 100_000, Location("a.yaml", 1))
    text = render(Report("lint", [f], ["a.yaml"], failed=True), "markdown")
    assert "z" * markdown.MESSAGE_LIMIT + "…" in text and len(text) < 5_000


def test_fingerprints_tell_apart_findings_at_one_place() -> None:
    def at(message: str) -> Finding:
        return Finding("enum-value-added", Level.INFO, message, Location("a.yaml", 3, 1, "/enum"), "asyncapi")

    a, b, c = at("added A"), at("added B"), at("added C")
    # Adding a third value at the same place leaves the first two fingerprints unchanged.
    assert sarif.fingerprints([a, c])[1] == sarif.fingerprints([a, b, c])[2]
    # Exact repeats still get distinct fingerprints.
    assert len(set(sarif.fingerprints([a, a]))) == 2


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_what_govern_writes_is_the_rendered_text(fmt: str, scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`govern` writes reports as bytes (JSON, SARIF and GitLab straight from orjson): the same
    bytes as the rendered text in UTF-8, on stdout and in --output files."""
    from govern.cli.common import emit
    from govern.report import render_bytes

    report = SCENARIOS[scenario]()
    if fmt == "waivers":
        return  # dated by today: the golden test pins it
    data = render_bytes(report, fmt)
    assert data == render(report, fmt).encode("utf-8")
    emit(data, None)
    assert capsys.readouterr().out == render(report, fmt)
    emit(data, str(tmp_path / "out"))
    assert (tmp_path / "out").read_bytes() == data


def test_non_ascii_reports_are_written_as_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govern.cli.common import emit
    from govern.report import render_bytes

    finding = Finding("x-rule", Level.ERR, "Ändern: café → ☕", Location("ü.yaml", 3, 1, "/a"), kind="openapi")
    report = shared_report([finding])
    for fmt in ("json", "sarif", "gitlab", "text"):
        data = render_bytes(report, fmt)
        assert "café → ☕" in data.decode("utf-8") and data == render(report, fmt).encode("utf-8")
        emit(data, None)
        assert capsys.readouterr().out == render(report, fmt)
