""".govern.yaml and service govern.yaml through the real CLI: fail_on, rule overrides, waivers
(live, expired, path/where globs, the `waivers` format round trip), stability exemptions,
per-contract settings (proto category, event modes, per channel), several outputs in one run,
and invalid config as a one-line input error with file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CONTRACTS, run_govern

ORDERS_V1 = str(CONTRACTS / "orders" / "v1" / "openapi.yaml")
ORDERS_V2 = str(CONTRACTS / "orders" / "v2" / "openapi.yaml")


def diff_json(cwd: Path, *args: str) -> tuple[int, dict]:
    result = run_govern("diff", *args, "--format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def ids(doc: dict) -> list[str]:
    return [f["id"] for f in doc["findings"]]


def test_no_config_keeps_defaults(tmp_path: Path) -> None:
    code, doc = diff_json(tmp_path, ORDERS_V1, ORDERS_V2)
    assert code == 1
    assert doc["summary"]["fail_on"] == "ERR"
    assert "config" not in doc.get("meta", {})


def test_config_is_found_walking_up_and_sets_fail_on(tmp_path: Path) -> None:
    (tmp_path / ".govern.yaml").write_text("version: 1\nfail_on: INFO\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    same = str(CONTRACTS / "schemas" / "v1" / "order-placed.schema.json")
    other = str(CONTRACTS / "schemas" / "v2" / "order-placed.schema.json")
    code, doc = diff_json(deep, same, other, "--mode", "NONE")
    assert doc["summary"]["fail_on"] == "INFO"
    assert doc["meta"]["config"] == str(tmp_path / ".govern.yaml")
    assert code == 1  # NONE makes everything INFO, and INFO now fails
    code, doc = diff_json(deep, same, other, "--mode", "NONE", "--fail-on", "ERR")
    assert code == 0, "the flag wins over the config"


def test_rule_overrides_change_levels_and_switch_rules_off(tmp_path: Path) -> None:
    _, before = diff_json(tmp_path, ORDERS_V1, ORDERS_V2)
    errs = sorted({f["id"] for f in before["findings"] if f["level"] == "ERR"})
    assert len(errs) >= 2
    off, lowered = errs[0], errs[1]
    (tmp_path / ".govern.yaml").write_text(f"version: 1\nrules:\n  {off}: none\n  {lowered}: INFO\n")
    _, after = diff_json(tmp_path, ORDERS_V1, ORDERS_V2)
    assert off not in ids(after)
    assert {f["level"] for f in after["findings"] if f["id"] == lowered} == {"INFO"}


def test_live_waiver_suppresses_only_matching_findings(tmp_path: Path) -> None:
    (tmp_path / ".govern.yaml").write_text(
        "version: 1\nwaivers:\n"
        "  - rule: response-required-property-removed\n"
        "    where: GET /orders\n"
        "    reason: the list view never showed item_count\n"
        "    expires: 2999-01-01\n"
    )
    _, doc = diff_json(tmp_path, ORDERS_V1, ORDERS_V2)
    left = [f for f in doc["findings"] if f["id"] == "response-required-property-removed"]
    assert left and all(f["details"]["operation"] != "GET /orders" for f in left)
    waived = doc["meta"]["waived"]
    assert [w["details"]["operation"] for w in waived] == ["GET /orders"]
    assert waived[0]["waiver"]["reason"] == "the list view never showed item_count"
    assert waived[0]["waiver"]["source"].endswith(".govern.yaml:3")


def test_waiver_path_glob_must_match_the_file(tmp_path: Path) -> None:
    (tmp_path / ".govern.yaml").write_text(
        "version: 1\nwaivers:\n"
        "  - rule: response-required-property-removed\n"
        "    path: somewhere/else/**\n"
        "    reason: not this contract\n"
        "    expires: 2999-01-01\n"
    )
    _, doc = diff_json(tmp_path, ORDERS_V1, ORDERS_V2)
    assert "waived" not in doc.get("meta", {})


def test_waivers_format_round_trip_silences_the_run(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "orders", work / "orders")
    (work / ".govern.yaml").write_text("version: 1\n")
    result = run_govern("diff", "orders/v1/openapi.yaml", "orders/v2/openapi.yaml", "--format", "waivers", cwd=work)
    assert result.returncode == 1
    text = result.stdout
    assert text.startswith("# Paste under `waivers:`")
    (work / ".govern.yaml").write_text("version: 1\n" + text.split("\n", 2)[2])
    code, doc = diff_json(work, "orders/v1/openapi.yaml", "orders/v2/openapi.yaml")
    assert code == 0
    assert {f["level"] for f in doc["findings"]} <= {"INFO"}
    assert len(doc["meta"]["waived"]) >= 10


def test_stability_of_a_contract_exempts_its_breaking_changes(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "orders", work / "orders")
    (work / ".govern.yaml").write_text("version: 1\ncontracts:\n  - path: orders/v2/openapi.yaml\n    stability: beta\n")
    code, doc = diff_json(work, "orders/v1/openapi.yaml", "orders/v2/openapi.yaml")
    assert code == 0
    assert all(f["level"] == "INFO" for f in doc["findings"])
    assert any("(exempt: the contract's stability is beta)" in f["message"] for f in doc["findings"])
    (work / ".govern.yaml").write_text(
        "version: 1\nstability: {exempt: []}\ncontracts:\n  - path: orders/v2/openapi.yaml\n    stability: beta\n"
    )
    code, _ = diff_json(work, "orders/v1/openapi.yaml", "orders/v2/openapi.yaml")
    assert code == 1


def test_proto_category_from_config_and_flag_precedence(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "payments", work / "payments")
    _, file_cat = diff_json(work, "payments/v1", "payments/v2")
    (work / ".govern.yaml").write_text("version: 1\ncontracts:\n  - path: payments/**\n    category: WIRE\n")
    _, wire = diff_json(work, "payments/v1", "payments/v2")
    assert len(wire["findings"]) < len(file_cat["findings"])
    assert "FIELD_WIRE_COMPATIBLE_TYPE" in ids(wire) and "FIELD_WIRE_COMPATIBLE_TYPE" not in ids(file_cat)
    _, flagged = diff_json(work, "payments/v1", "payments/v2", "--category", "FILE")
    assert ids(flagged) == ids(file_cat)


def test_category_flag_beats_buf_yaml_use(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "payments", work / "payments")
    (work / "payments" / "v2" / "buf.yaml").write_text("version: v2\nbreaking:\n  use: [WIRE]\n")
    _, from_buf = diff_json(work, "payments/v1", "payments/v2")
    _, flagged = diff_json(work, "payments/v1", "payments/v2", "--category", "FILE")
    assert "FIELD_WIRE_COMPATIBLE_TYPE" in ids(from_buf)
    assert "FIELD_WIRE_COMPATIBLE_TYPE" not in ids(flagged)
    assert len(from_buf["findings"]) < len(flagged["findings"])


def test_event_mode_per_channel_from_a_service_govern_yaml(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "events", work / "events")
    _, default = diff_json(work, "events/v1/asyncapi.yaml", "events/v2/asyncapi.yaml")
    narrowed = [f for f in default["findings"] if f["id"] == "ENUM_ARRAY_NARROWED"]
    assert narrowed and narrowed[0]["level"] == "ERR"
    (work / "events" / "v2" / "govern.yaml").write_text(
        "version: 1\nservice: {name: orders}\ncontracts:\n"
        "  - path: asyncapi.yaml\n    channels: {orderCancelled: NONE}\n"
    )
    _, relaxed = diff_json(work, "events/v1/asyncapi.yaml", "events/v2/asyncapi.yaml")
    cancelled = [f for f in relaxed["findings"] if "channel orderCancelled" in f["message"]]
    assert cancelled and {f["level"] for f in cancelled} == {"INFO"}
    assert all("NONE (set for the channel in the config)" in f["message"] for f in cancelled)
    # the other channels keep their direction from the operation
    assert any(f["level"] == "ERR" and f["id"] == "TYPE_CHANGED" for f in relaxed["findings"])


def test_policy_keys_in_a_service_file_are_refused(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CONTRACTS / "events", work / "events")
    (work / "events" / "v2" / "govern.yaml").write_text("version: 1\nrules: {channel-removed: none}\n")
    result = run_govern("diff", "events/v1/asyncapi.yaml", "events/v2/asyncapi.yaml", cwd=work)
    assert result.returncode == 2
    assert "govern.yaml:2:1: 'rules' belongs in the repository's .govern.yaml" in result.stderr


def test_several_outputs_in_one_run(tmp_path: Path) -> None:
    result = run_govern(
        "diff", ORDERS_V1, ORDERS_V2,
        "-f", "json", "-o", "r.json", "-f", "sarif", "-o", "r.sarif", "-f", "github",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["command"] == "diff"
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert result.stdout.startswith("::error file=")


@pytest.mark.parametrize(
    "args, says",
    [
        (["-f", "json", "-f", "sarif"], "give one --output per --format"),
        (["-f", "json", "-o", "-", "-f", "sarif"], "only one --format can print to stdout"),
        (["-f", "json", "-o", "a", "-o", "b", "-o", "c"], "3 --output"),
        (["-f", "json", "-o", "a.json", "-f", "sarif", "-o", "a.json"], "name the same file"),
        (["-f", "yaml"], "unknown --format 'yaml'"),
    ],
)
def test_bad_output_pairs_are_usage_errors(tmp_path: Path, args: list[str], says: str) -> None:
    result = run_govern("diff", ORDERS_V1, ORDERS_V2, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert says in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text, where, says",
    [
        ("version: 1\nfail_onn: ERR\n", ":2:1:", "unknown key 'fail_onn'"),
        ("rules:\n  request-parameter-removd: WARN\n", ":2:3:", "did you mean 'request-parameter-removed'"),
        ("rules:\n  request-parameter-removed: LOUD\n", ":2:3:", "is not a level; use ERR, WARN, INFO or none"),
        ("waivers:\n  - rule: request-parameter-removed\n    reason: x\n    expires: 2026-02-30\n", ":4:5:", "not a real date"),
        ("waivers:\n  - rule: request-parameter-removed\n    expires: 2026-02-03\n", ":2:5:", "'reason' is a required property"),
        ("contracts:\n  - path: x\n    mode: SIDEWAYS\n", ":3:5:", "'SIDEWAYS' is not one of BACKWARD"),
        ("- a\n- b\n", ":1:", "must be a mapping"),
        ("rules: [\n", ":2:1:", "invalid YAML"),
    ],
)
def test_invalid_config_is_an_input_error_with_file_and_line(tmp_path: Path, text: str, where: str, says: str) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    result = run_govern("diff", ORDERS_V1, ORDERS_V2, "--config", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("govern: error: bad.yaml" + where), line
    assert says in line


def test_missing_config_file_is_an_input_error(tmp_path: Path) -> None:
    result = run_govern("lint", str(CONTRACTS), "--config", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "nope.yaml: config file not found" in result.stderr


def test_lint_and_check_apply_overrides_too(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    case = Path(__file__).resolve().parents[1] / "cases" / "lint" / "openapi-invalid"
    shutil.copytree(case, work)
    result = run_govern("lint", "contract.yaml", "--format", "json", cwd=work)
    assert result.returncode == 1
    (work / ".govern.yaml").write_text("version: 1\nrules:\n  openapi-invalid: WARN\n")
    for command in ("lint", "check"):
        result = run_govern(command, "contract.yaml", "--format", "json", cwd=work)
        assert result.returncode == 0, (command, result.stderr)
        assert {f["level"] for f in json.loads(result.stdout)["findings"]} == {"WARN"}


def test_policy_findings_of_two_git_revisions_name_the_revision_not_a_temp_dir(tmp_path: Path) -> None:
    import os
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    case = Path(__file__).resolve().parents[1] / "cases" / "policy" / "version-not-bumped"

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    shutil.copytree(case / "base", tmp_path / "proto")
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-q", "-b", "feat")
    shutil.rmtree(tmp_path / "proto")
    shutil.copytree(case / "revision", tmp_path / "proto")
    git("add", "-A")
    git("commit", "-qm", "revision")
    _, doc = diff_json(tmp_path, "main:proto", "feat:proto")
    files = {f["id"]: f["location"]["file"] for f in doc["findings"]}
    assert files["version-not-bumped"] == "feat:proto/acme/orders/v1/orders.proto"
    assert files["FIELD_NO_DELETE"] == "feat:proto/acme/orders/v1/orders.proto"


def test_waived_findings_are_counted_in_text_and_listed_in_markdown(tmp_path: Path) -> None:
    (tmp_path / ".govern.yaml").write_text(
        "version: 1\nwaivers:\n"
        "  - rule: api-removed-without-deprecation\n"
        "    where: POST /orders/*\n"
        "    reason: clients migrated | ADR-12\n"
        "    expires: 2999-01-31\n"
    )
    text = run_govern("diff", ORDERS_V1, ORDERS_V2, cwd=tmp_path).stdout
    assert text.rstrip().endswith(f"1 more finding(s) waived by {tmp_path / '.govern.yaml'} (listed by --format json or markdown)")
    md = run_govern("diff", ORDERS_V1, ORDERS_V2, "--format", "markdown", cwd=tmp_path).stdout
    assert "<summary>Waived (1)</summary>" in md
    assert "waived until 2999-01-31: clients migrated \\| ADR-12" in md
