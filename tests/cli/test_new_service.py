"""`govern new-service` as a user meets it: option combinations whose every contract is checked by
openapi-spec-validator, protoc, `buf lint`, the AsyncAPI schema and `govern lint`; dry runs,
overwrites, answers files and bad names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

BUF = shutil.which("buf", path=str(Path(sys.executable).parent)) or shutil.which("buf")
BUF_DEFAULT = '{"version":"v1","lint":{"use":["DEFAULT"]}}'
STRICT = "version: 1\nruleset: strict\n"


def new_service_argv() -> list[str]:
    """`python -m govern new-service` once registered in the app, else the module's own entry point."""
    from govern.cli.app import app

    if "new-service" in {c.name for c in app.registered_commands}:
        return [sys.executable, "-m", "govern", "new-service"]
    return [sys.executable, "-m", "govern.cli.new_service", "new-service"]


def run(*args: str, cwd: Path, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("GOVERN_DEBUG", None)
    return subprocess.run([*new_service_argv(), *args], cwd=cwd, env=env, input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)


def govern(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    env.pop("GOVERN_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "govern", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("govern: error: ") and "Traceback" not in result.stderr
    return lines[0]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def everything(root: Path) -> list[str]:
    """Every path under root, folders and hidden entries included (to spot leftovers)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ------------------------------------------------------------------ the contracts are valid


COMBOS = {
    "all-defaults": (["orders", "--defaults"], "orders",
                     ["README.md", "govern.yaml", "openapi.yaml", "proto/buf.yaml",
                      "proto/orders/v1/order_service.proto", "proto/orders/v1/health.proto", "asyncapi.yaml",
                      ".govern-answers.yaml"]),
    "rest-only": (["billing", "--defaults", "--rest"], "billing",
                  ["README.md", "govern.yaml", "openapi.yaml", ".govern-answers.yaml"]),
    "grpc-only": (["payments", "--defaults", "--grpc", "--owner", "payments-team"], "payments",
                  ["README.md", "govern.yaml", "proto/buf.yaml", "proto/payments/v1/payment_service.proto",
                   "proto/payments/v1/health.proto", ".govern-answers.yaml"]),
    "events-only": (["notifications", "--defaults", "--events", "--set", "namespace=com.acme"], "notifications",
                    ["README.md", "govern.yaml", "asyncapi.yaml", ".govern-answers.yaml"]),
    "rest-grpc-by-set": (["catalog", "--defaults", "--set", "events=no", "--set", "resource=product"], "catalog",
                         ["README.md", "govern.yaml", "openapi.yaml", "proto/buf.yaml",
                          "proto/catalog/v1/product_service.proto", "proto/catalog/v1/health.proto",
                          ".govern-answers.yaml"]),
    "rest-events-hyphenated": (
        ["order-history", "--defaults", "--rest", "--events", "--set", "resource=line-item", "--owner",
         "@acme/orders-team", "--set", "dependencies=payments,inventory"], "order-history",
        ["README.md", "govern.yaml", "openapi.yaml", "asyncapi.yaml", ".govern-answers.yaml"]),
    "grpc-events-custom-plural": (
        ["stock-keeper", "--defaults", "--grpc", "--events", "--set", "resource=stock-entry", "--set",
         "resource_plural=stock-entries", "-o", "svc/stock"], "svc/stock",
        ["README.md", "govern.yaml", "proto/buf.yaml", "proto/stock_keeper/v1/stock_entry_service.proto",
         "proto/stock_keeper/v1/health.proto", "asyncapi.yaml", ".govern-answers.yaml"]),
}


def check_contracts(out: Path) -> None:
    """Every generated contract passes every validator the issue names."""
    from openapi_spec_validator import validate as validate_openapi

    from govern.load import load_contract

    files = tree(out)
    if "openapi.yaml" in files:
        validate_openapi(yaml.safe_load(files["openapi.yaml"]))
        contract = load_contract(str(out / "openapi.yaml"), mode="strict")
        assert contract.kind == "openapi" and contract.version.startswith("3.1")
    if "asyncapi.yaml" in files:
        contract = load_contract(str(out / "asyncapi.yaml"), mode="strict")  # official AsyncAPI 3.0 schema
        assert contract.kind == "asyncapi" and contract.version == "3.0.0"
    if "proto/buf.yaml" in files:
        contract = load_contract(str(out / "proto"), mode="strict")  # grpcio-tools protoc
        assert contract.kind == "proto"
        assert BUF, "buf (test extra buf-bin) is not installed"
        for extra in ([], ["--config", BUF_DEFAULT]):  # the generated buf.yaml, and buf's DEFAULT rules
            lint = subprocess.run([BUF, "lint", *extra], cwd=out / "proto", capture_output=True, text=True,
                                  timeout=120, check=False)
            assert lint.returncode == 0, lint.stdout + lint.stderr
    check_service_file(out)
    (out.parent / "strict.govern.yaml").write_text(STRICT)
    lint = govern("lint", str(out), "--config", str(out.parent / "strict.govern.yaml"), "--fail-on", "INFO",
                  cwd=out.parent)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "no findings" in lint.stdout
    default_lint = govern("lint", str(out), cwd=out.parent)
    assert default_lint.returncode == 0 and "no findings" in default_lint.stdout, default_lint.stdout


def check_service_file(out: Path) -> None:
    """govern.yaml fits govern's configuration schema, and govern.config reads its settings."""
    import json

    import jsonschema

    from govern.config import service_settings

    schema = json.loads((ROOT / "govern" / "data" / "schemas" / "config.schema.json").read_text())
    data = yaml.safe_load((out / "govern.yaml").read_text())
    jsonschema.validate(data, schema)
    for entry in data["contracts"]:
        settings = [s for s in service_settings(str(out / entry["path"]), str(out)) if s.matches(str(out / entry["path"]))]
        assert settings, entry
        assert settings[-1].category == entry.get("category") and settings[-1].mode == entry.get("mode")


@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_every_generated_contract_passes_every_validator(combo: str, tmp_path: Path) -> None:
    args, folder, expected = COMBOS[combo]
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / folder
    assert sorted(tree(out)) == sorted(expected)
    assert [line.split()[-1] for line in result.stdout.splitlines()] == [str(Path(folder) / f) for f in expected]
    assert f"wrote {len(expected)} files" in result.stderr
    check_contracts(out)
    config = yaml.safe_load((out / "govern.yaml").read_text())
    assert config["version"] == 1 and config["service"]["name"] == args[0]
    assert [c["path"] for c in config["contracts"]] == [
        p for p in ("openapi.yaml", "proto", "asyncapi.yaml") if any(f.startswith(p) for f in expected)
    ]


def test_govern_yaml_follows_the_service_format(tmp_path: Path) -> None:
    result = run("order-history", "--defaults", "--owner", "@acme/orders-team", "--set", "dependencies=payments",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((tmp_path / "order-history" / "govern.yaml").read_text())
    assert config == {
        "version": 1,
        "service": {
            "name": "order-history",
            "owner": "@acme/orders-team",
            "patterns": ["rest", "idempotency", "grpc", "pub-sub", "dead-letter-queue"],
            "dependencies": ["payments"],
        },
        "contracts": [
            {"path": "openapi.yaml"},
            {"path": "proto", "category": "FILE"},
            {"path": "asyncapi.yaml", "mode": "FORWARD", "channels": {"orderHistoryCommands": "BACKWARD"}},
        ],
    }
    checked = govern("check", "order-history", cwd=tmp_path)  # govern check reads govern.yaml
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_patterns_from_govern_recommend(tmp_path: Path) -> None:
    """`govern recommend --scaffold NAME` hands over the patterns; new-service picks its contracts."""
    made = govern("recommend", "--defaults", "--set", "needs_immediate_response=no", "--set", "consumers=3",
                  "--scaffold", "ledger", "--format", "json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    handed = yaml.safe_load((tmp_path / "ledger.govern.yaml").read_text())
    assert handed["contracts"], handed
    result = run("--patterns", "ledger.govern.yaml", "--defaults", cwd=tmp_path)  # the name comes from the file
    assert result.returncode == 0, result.stderr
    out = tmp_path / "ledger"
    written = set(tree(out))
    assert ("openapi.yaml" in written) == ("openapi" in handed["contracts"])
    assert ("asyncapi.yaml" in written) == ("asyncapi" in handed["contracts"])
    assert ("proto/buf.yaml" in written) == ("proto" in handed["contracts"])
    config = yaml.safe_load((out / "govern.yaml").read_text())
    assert config["service"]["patterns"] == handed["patterns"] + [
        p for p in handed["resilience"] if p not in handed["patterns"]
    ]
    check_contracts(out)


def test_patterns_file_with_flags_and_another_name(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "format: govern-new-service/1\nservice: ledger\nprimary: grpc\npatterns: [grpc]\n"
        "contracts: [proto]\nresilience: [timeouts]\n"
    )
    result = run("accounts", "--patterns", "p.yaml", "--defaults", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(tree(tmp_path / "accounts")) == [
        ".govern-answers.yaml", "README.md", "govern.yaml", "proto/accounts/v1/account_service.proto",
        "proto/accounts/v1/health.proto", "proto/buf.yaml",
    ]
    answers = yaml.safe_load((tmp_path / "accounts" / ".govern-answers.yaml").read_text())
    assert answers["patterns"] == ["grpc", "timeouts"] and answers["rest"] is False


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("format: something-else/1\ncontracts: [openapi]\n", "not a govern-new-service/1 file"),
        ("format: govern-new-service/1\ncontracts: [soap]\n", "unknown contract kind 'soap'"),
        ("format: govern-new-service/1\ncontracts: []\n", "no contract new-service can write"),
        ("format: govern-new-service/1\ncontracts: [openapi]\npatterns: [rest, restt]\n", "did you mean 'rest'"),
    ],
)
def test_bad_patterns_files_are_refused(tmp_path: Path, text: str, expect: str) -> None:
    (tmp_path / "p.yaml").write_text(text)
    line = one_line_error(run("svc", "--patterns", "p.yaml", "--defaults", cwd=tmp_path))
    assert "p.yaml" in line and expect in line
    assert everything(tmp_path) == ["p.yaml"]


# ------------------------------------------------------------------ dry run, overwrite, force


def test_dry_run_validates_and_writes_nothing(tmp_path: Path) -> None:
    result = run("orders", "--defaults", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 8 and all(line.startswith("would create") for line in lines)
    assert "orders/proto/orders/v1/health.proto" in result.stdout
    assert "nothing written" in result.stderr
    assert everything(tmp_path) == []  # no output folder, no temporary folder left behind


def test_dry_run_reports_what_a_real_run_would_refuse(tmp_path: Path) -> None:
    assert run("orders", "--defaults", "--rest", cwd=tmp_path).returncode == 0
    before = tree(tmp_path)
    result = run("orders", "--defaults", "--dry-run", cwd=tmp_path)
    assert result.returncode == 2
    assert "exists        orders/openapi.yaml" in result.stdout
    assert "would create  orders/asyncapi.yaml" in result.stdout
    assert "a real run would refuse to overwrite (use --force)" in result.stderr
    forced = run("orders", "--defaults", "--dry-run", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "would replace orders/openapi.yaml" in forced.stdout
    assert tree(tmp_path) == before


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    assert run("orders", "--defaults", cwd=tmp_path).returncode == 0
    edited = tmp_path / "orders" / "openapi.yaml"
    edited.write_text(edited.read_text() + "# my edit\n")
    before = tree(tmp_path)
    line = one_line_error(run("orders", "--defaults", cwd=tmp_path))
    assert "orders/README.md: already exists (and 7 more files); refusing to overwrite (use --force)" in line
    assert tree(tmp_path) == before
    assert not [p for p in everything(tmp_path) if ".govern-" in p and "answers" not in p]


def test_one_existing_file_blocks_the_whole_scaffold(tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "asyncapi.yaml").write_text("mine\n")
    line = one_line_error(run("orders", "--defaults", cwd=tmp_path))
    assert "orders/asyncapi.yaml: already exists; refusing" in line
    assert everything(tmp_path) == ["orders", "orders/asyncapi.yaml"]


def test_force_replaces_generated_files_and_keeps_the_rest(tmp_path: Path) -> None:
    assert run("orders", "--defaults", cwd=tmp_path).returncode == 0
    pristine = tree(tmp_path / "orders")
    (tmp_path / "orders" / "openapi.yaml").write_text("edited\n")
    (tmp_path / "orders" / "notes.txt").write_text("keep me\n")
    (tmp_path / "orders" / "openapi.yaml").chmod(0o640)
    result = run("orders", "--defaults", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "replaced      orders/openapi.yaml" in result.stdout
    after = tree(tmp_path / "orders")
    assert after.pop("notes.txt") == b"keep me\n"
    assert after == pristine
    assert (tmp_path / "orders" / "openapi.yaml").stat().st_mode & 0o777 == 0o640  # mode kept
    assert not [p for p in everything(tmp_path) if ".govern-" in p and "answers" not in p]


def test_adds_to_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Makefile").write_text("all:\n")
    result = run("orders", "--defaults", "--events", "--output", "svc", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(tree(tmp_path / "svc")) == [".govern-answers.yaml", "Makefile", "README.md", "asyncapi.yaml",
                                              "govern.yaml"]


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x\n")
    line = one_line_error(run("orders", "--defaults", "-o", "taken", cwd=tmp_path))
    assert "taken: exists and is not a directory" in line
    line = one_line_error(run("orders", "--defaults", "-o", "taken/deeper", cwd=tmp_path))
    assert "taken" in line and "not a directory" in line
    assert everything(tmp_path) == ["taken"]


# ------------------------------------------------------------------ answers


def test_answers_file_reproduces_the_output(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    result = run("order-history", "--defaults", "--rest", "--events", "--owner", "@acme/history",
                 "--set", "resource=entry", "--set", "resource_plural=entries", "--set", "namespace=com.acme",
                 "--set", "dependencies=orders", cwd=first)
    assert result.returncode == 0, result.stderr
    made = first / "order-history"
    saved = yaml.safe_load((made / ".govern-answers.yaml").read_text())
    assert saved == {
        "format": "govern-new-service-answers/1", "name": "order-history", "owner": "@acme/history",
        "resource": "entry", "resource_plural": "entries", "namespace": "com.acme", "rest": True, "grpc": False,
        "events": True, "patterns": ["rest", "idempotency", "pub-sub", "dead-letter-queue"],
        "dependencies": ["orders"],
    }
    # elsewhere, from the saved answers alone
    second = tmp_path / "second"
    second.mkdir()
    again = run("--answers", str(made / ".govern-answers.yaml"), cwd=second)
    assert again.returncode == 0, again.stderr
    assert tree(second / "order-history") == tree(made)
    # in place, as the generated README says
    replay = run("--answers", ".govern-answers.yaml", "--output", ".", "--force", cwd=made)
    assert replay.returncode == 0, replay.stderr
    assert tree(made) == tree(second / "order-history")


def test_answers_can_be_changed_with_set(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: orders\nrest: true\ngrpc: false\nevents: false\n")
    result = run("--answers", "a.yaml", "--set", "owner=platform", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((tmp_path / "out" / "govern.yaml").read_text())["service"]["owner"] == "platform"
    assert "openapi.yaml" in tree(tmp_path / "out") and "asyncapi.yaml" not in tree(tmp_path / "out")


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("name: orders\nowner: x\ncolour: blue\n", "a.yaml:3:1: unknown key 'colour'"),
        ("name: orders\nrest: maybe\n", "a.yaml:2:1: rest: expected true or false"),
        ("name: orders\npatterns: [rest, pubsub]\n", "unknown pattern 'pubsub'; did you mean 'pub-sub'?"),
        ("name: Orders\n", "a.yaml:1:1: name: the service name 'Orders' must be lower-case"),
        ("format: other/2\nname: orders\n", "expected govern-new-service-answers/1"),
        ("name: orders\nrest: false\ngrpc: false\nevents: false\n", "nothing to create"),
        ("- orders\n", "expected a mapping of answers"),
        ("name: orders\nresource: health\n", "clashes with the health endpoints"),
        ("name: orders\nresource: problem\n", "would define Problem"),
    ],
)
def test_bad_answers_are_refused_with_file_and_line(tmp_path: Path, text: str, expect: str) -> None:
    (tmp_path / "a.yaml").write_text(text)
    line = one_line_error(run("--answers", "a.yaml", cwd=tmp_path))
    assert expect in line
    assert everything(tmp_path) == ["a.yaml"]


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--set", "colour=blue"], "--set 'colour=blue': unknown key 'colour'"),
        (["--set", "owner"], "expected KEY=VALUE"),
        (["--set", "grpc=perhaps"], "--set grpc: expected true or false"),
        (["--set", "resource=Line Item"], "--set resource: the resource 'Line Item' has spaces"),
        (["--owner", "a:b"], "--owner: owner 'a:b'"),
        (["--set", "namespace=example"], "reverse-DNS"),
    ],
)
def test_bad_flags_are_refused(tmp_path: Path, args: list[str], expect: str) -> None:
    line = one_line_error(run("orders", "--defaults", *args, cwd=tmp_path))
    assert expect in line
    assert everything(tmp_path) == []


def test_without_a_terminal_it_asks_for_answers(tmp_path: Path) -> None:
    line = one_line_error(run("orders", cwd=tmp_path))
    assert "stdin is not a terminal" in line and "--defaults" in line and "--answers" in line
    line = one_line_error(run("--defaults", cwd=tmp_path))
    assert "no service name" in line
    assert everything(tmp_path) == []


# ------------------------------------------------------------------ names


BAD_NAMES = {
    "empty": ("", "is empty"),
    "slash": ("a/b", "holds a path"),
    "backslash": ("a\\b", "holds a path"),
    "dotdot": ("..", "holds a path"),
    "dotdot-inside": ("a..b", "holds a path"),
    "absolute": ("/etc", "holds a path"),
    "space": ("my service", "has spaces; use '-' between words (e.g. 'my-service')"),
    "python-keyword": ("class", "reserved word"),
    "python-keyword-hyphen": ("not", "reserved word"),
    "proto-keyword": ("message", "reserved word"),
    "proto-scalar": ("int32", "reserved word"),
    "non-ascii": ("café", "non-ASCII"),
    "leading-digit": ("9lives", "starts with a digit"),
    "upper-case": ("Orders", "(e.g. 'orders')"),
    "underscore": ("my_service", "lower-case letters, digits and single hyphens"),
    "trailing-hyphen": ("orders-", "single hyphens"),
    "option-like": ("-x", "single hyphens"),
    "too-long": ("a" * 64, "longer than 63"),
}


@pytest.mark.parametrize("case", sorted(BAD_NAMES))
def test_bad_names_are_refused(case: str, tmp_path: Path) -> None:
    name, expect = BAD_NAMES[case]
    args = ["--", name] if name.startswith("-") else [name]
    line = one_line_error(run("--defaults", *args, cwd=tmp_path))
    assert expect in line, line
    assert everything(tmp_path) == []


def test_registered_in_the_app() -> None:
    """`govern new-service` is a command of the govern app (govern/cli/app.py)."""
    result = govern("new-service", "--help", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "--dry-run" in result.stdout and "--patterns" in result.stdout


def test_generated_contracts_are_diffable(tmp_path: Path) -> None:
    """`govern diff` and `govern check` read every generated contract; a copy has no differences."""
    assert run("orders", "--defaults", cwd=tmp_path).returncode == 0
    for contract in ("openapi.yaml", "asyncapi.yaml", "proto"):
        result = govern("diff", f"orders/{contract}", f"orders/{contract}", cwd=tmp_path)
        assert result.returncode == 0 and "no findings" in result.stdout, result.stdout + result.stderr
    checked = govern("check", "orders", cwd=tmp_path)
    assert checked.returncode == 0 and "no findings in 3 contract(s)" in checked.stdout, checked.stdout
