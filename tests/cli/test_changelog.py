"""`govern changelog`: every change between two revisions, ordered and grouped for humans.

Regenerate the goldens with `GOVERN_UPDATE_GOLDEN=1 pytest tests/cli/test_changelog.py`, then read
the diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govern.report import changelog as cl
from govern.rules.finding import Finding, Level, Location
from tests.conftest import CONTRACTS, ROOT, run_govern

GOLDEN = ROOT / "tests" / "golden" / "changelog"
UPDATE = os.environ.get("GOVERN_UPDATE_GOLDEN") == "1"

PAIRS = {
    "orders": ("contracts/orders/v1/openapi.yaml", "contracts/orders/v2/openapi.yaml"),
    "payments": ("contracts/payments/v1", "contracts/payments/v2"),
    "events": ("contracts/events/v1/asyncapi.yaml", "contracts/events/v2/asyncapi.yaml"),
    "schemas": ("contracts/schemas/v1/order-placed.schema.json", "contracts/schemas/v2/order-placed.schema.json"),
}


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"changelog differs from {path}"


@pytest.mark.parametrize("fmt,ext", [("text", "txt"), ("markdown", "md")])
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_changelog_golden(name: str, fmt: str, ext: str) -> None:
    base, revision = PAIRS[name]
    result = run_govern("changelog", base, revision, "--format", fmt)
    assert result.returncode == 0, result.stderr  # breaking changes do not fail a changelog
    assert result.stderr == ""
    _golden(f"{name}.{ext}", result.stdout)


def _sections(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.isupper() and "(" in line]


def test_breaking_first_then_deprecations_additions_other() -> None:
    result = run_govern("changelog", *PAIRS["orders"])
    assert _sections(result.stdout) == [
        "BREAKING CHANGES (13)",
        "DEPRECATIONS AND WARNINGS (5)",
        "ADDITIONS (8)",
        "OTHER COMPATIBLE CHANGES (2)",
    ]
    # Grouped by operation; the operation is the heading, not repeated in each line.
    breaking = result.stdout.split("DEPRECATIONS AND WARNINGS")[0]
    assert "\n  POST /orders/{order_id}/items\n    - the operation was removed without being deprecated first\n" in breaking
    assert "api-removed-without-deprecation  contracts/orders/v1/openapi.yaml:156" in breaking
    # Every diff finding appears exactly once in the changelog.
    diff = run_govern("diff", *PAIRS["orders"], "--format", "json")
    import json

    findings = json.loads(diff.stdout)["findings"]
    for f in findings:
        assert result.stdout.count(f"      {f['id']}  ") >= 1
    assert sum(result.stdout.count(f"      {rid}  ") for rid in {f["id"] for f in findings}) == len(findings)


def test_markdown_is_ordered_and_escaped() -> None:
    result = run_govern("changelog", *PAIRS["events"], "--format", "markdown")
    assert result.returncode == 0, result.stderr
    heads = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert heads == ["## Breaking changes (6)", "## Additions (4)", "## Other compatible changes (3)"]
    assert "**6 breaking changes**, 4 additions, 3 other changes" in result.stdout
    assert "### `channel orderStatusChanged (orders.order-status-changed)`" in result.stdout
    assert "reserved\\_until" in result.stdout  # markdown specials are escaped in messages


def test_no_changes() -> None:
    path = PAIRS["orders"][1]
    text = run_govern("changelog", path, path)
    assert text.returncode == 0 and text.stdout.splitlines()[1:] == ["no changes", "", "No changes."]
    md = run_govern("changelog", path, path, "-f", "markdown")
    assert md.returncode == 0 and "No changes." in md.stdout and "## " not in md.stdout


def test_output_file_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "CHANGES.md"
    result = run_govern("changelog", *PAIRS["payments"], "--format", "markdown", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == (GOLDEN / "payments.md").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["CHANGES.md"]  # no temp file left behind


@pytest.mark.parametrize(
    "args,message",
    [
        (["a.yaml"], "give BASE and REVISION, or PATH with --base REF"),
        (["--format", "json", *PAIRS["orders"]], "unknown --format 'json' for changelog"),
        (["--mode", "SIDEWAYS", *PAIRS["schemas"]], "unknown --mode 'SIDEWAYS'"),
        (["contracts/nope.yaml", PAIRS["orders"][1]], "contracts/nope.yaml"),
        ([PAIRS["orders"][0], PAIRS["events"][1]], "a diff needs two revisions of the same kind"),
    ],
)
def test_bad_input_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "log.txt"
    result = run_govern("changelog", *args, "--output", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(CONTRACTS / "payments" / "v1", tmp_path / "api" / "payments")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "v1")
    _git(tmp_path, "tag", "v1")
    shutil.rmtree(tmp_path / "api" / "payments")
    shutil.copytree(CONTRACTS / "payments" / "v2", tmp_path / "api" / "payments")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "v2")
    return tmp_path


def test_git_revisions_and_base(repo: Path) -> None:
    both = run_govern("changelog", "v1:api/payments", "HEAD:api/payments", cwd=repo)
    assert both.returncode == 0, both.stderr
    assert both.stdout.startswith("Changelog: v1:api/payments -> HEAD:api/payments\n9 breaking changes\n")
    assert "govern-git-" not in both.stdout  # temporary checkouts never show
    assert "RPC_NO_DELETE  HEAD:api/payments/acme/payments/v1/payments.proto:11" in both.stdout
    working = run_govern("changelog", "api/payments", "--base", "v1", cwd=repo)
    assert working.returncode == 0, working.stderr
    assert working.stdout.startswith("Changelog: v1:api/payments -> api/payments\n9 breaking changes\n")
    assert "RPC_NO_DELETE  api/payments/acme/payments/v1/payments.proto:11" in working.stdout
    # A contract new since the base is an addition, not an error.
    (repo / "api" / "schemas").mkdir()
    shutil.copy(CONTRACTS / "schemas" / "v2" / "order-placed.schema.json", repo / "api" / "schemas")
    new = run_govern("changelog", "api/schemas/order-placed.schema.json", "--base", "v1", cwd=repo)
    assert new.returncode == 0, new.stderr
    assert "ADDITIONS (1)" in new.stdout and "contract-added" in new.stdout
    unknown = run_govern("changelog", "api/payments", "--base", "no-such-ref", cwd=repo)
    assert unknown.returncode == 2 and "unknown git revision 'no-such-ref'" in unknown.stderr


def _f(rule: str, level: Level, message: str, line: int, **details: str) -> Finding:
    return Finding(rule, level, message, Location("api.yaml", line, 3, None), "openapi", tuple(details.items()))


def test_sections_and_groups_from_rule_ids() -> None:
    findings = [
        _f("endpoint-added", Level.INFO, "GET /b: operation added", 9, operation="GET /b", method="GET"),
        _f("endpoint-deprecated", Level.INFO, "GET /a: deprecated", 5, operation="GET /a", method="GET"),
        _f("api-removed-with-deprecation", Level.INFO, "DELETE /a: removed", 7, operation="DELETE /a", method="DELETE"),
        _f("request-parameter-removed", Level.WARN, "POST /a: param x removed", 4, operation="POST /a", method="POST"),
        _f("response-required-property-removed", Level.ERR, "POST /a: gone", 3, operation="POST /a", method="POST"),
        _f("response-required-property-removed", Level.ERR, "GET /a: gone", 2, operation="GET /a", method="GET"),
        Finding("unclassified-change", Level.INFO, "x changed", Location("api.yaml", 1)),
    ]
    arranged = cl.arrange(findings, area=lambda f: "other")
    shape = [(s.key, [(g.label, [f.id for f in g.items]) for g in groups]) for s, groups in arranged]
    assert shape == [
        ("breaking", [("GET /a", ["response-required-property-removed"]), ("POST /a", ["response-required-property-removed"])]),
        ("deprecations", [("GET /a", ["endpoint-deprecated"]), ("POST /a", ["request-parameter-removed"])]),
        ("additions", [("GET /b", ["endpoint-added"])]),
        ("other", [("DELETE /a", ["api-removed-with-deprecation"]), ("other", ["unclassified-change"])]),
    ]
    text = cl.render(findings, "a", "b", area=lambda f: None)
    assert "  GET /a\n    - gone\n      response-required-property-removed  api.yaml:2\n" in text
    with pytest.raises(ValueError):
        cl.render(findings, "a", "b", "html")


def test_control_characters_are_neutralised() -> None:
    evil = Finding("x-added", Level.INFO, "name \x1b[31mred\x1b[0m", Location("a\x07.yaml", 1))
    text = cl.render([evil], "a", "b", area=lambda f: "area")
    assert "\x1b" not in text and "\x07" not in text and "\\x1b[31mred" in text


POLICY = """\
version: 1
rules:
  FIELD_SAME_NAME: WARN
  MESSAGE_NO_DELETE: none
waivers:
  - rule: RPC_NO_DELETE
    path: api/payments/**
    reason: "VoidPayment had no callers, see ADR-9"
    expires: 2099-12-31
"""


def test_config_levels_apply_and_waived_changes_stay_listed(repo: Path) -> None:
    (repo / ".govern.yaml").write_text(POLICY, encoding="utf-8")
    result = run_govern("changelog", "api/payments", "--base", "v1", cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[1] == "6 breaking changes, 1 deprecation or warning"
    warnings = out.split("DEPRECATIONS AND WARNINGS (1)")[1]
    assert "FIELD_SAME_NAME" in warnings  # demoted by rules:
    assert "MESSAGE_NO_DELETE" not in out  # switched off by rules:
    assert ('rpc "VoidPayment" on service "acme.payments.v1.PaymentService" was deleted '
            "(waived until 2099-12-31: VoidPayment had no callers, see ADR-9)") in out.split("DEPRECATIONS")[0]
    # --config names the policy explicitly; a broken policy is an input error.
    (repo / ".govern.yaml").rename(repo / "policy.yaml")
    explicit = run_govern("changelog", "api/payments", "--base", "v1", "--config", "policy.yaml", cwd=repo)
    assert explicit.stdout == out
    (repo / "bad.yaml").write_text("version: 1\nrules: [oops]\n", encoding="utf-8")
    bad = run_govern("changelog", "api/payments", "--base", "v1", "--config", "bad.yaml", cwd=repo)
    assert bad.returncode == 2 and bad.stderr.startswith("govern: error: bad.yaml:2")
