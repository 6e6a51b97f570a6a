"""govern.scaffold: names and answers, rendering, and staging that never leaves half a scaffold."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import InputError, UsageError
from govern.scaffold import contracts_of, place, scaffold
from govern.scaffold.answers import (
    ANSWERS_FILE,
    KEYS,
    RESERVED,
    AnswerError,
    check_answers_data,
    complete,
    dump_answers,
    name_problem,
    parse_set,
    plural,
    singular,
)
from govern.scaffold.render import context, plan, render_all, template_dirs

PROTO_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def no_locate(pointer: str) -> tuple[None, None]:
    return None, None


def everything(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ------------------------------------------------------------------ names


@pytest.mark.parametrize("name", ["orders", "order-history", "a", "svc2", "b2b-gateway", "x" * 63])
def test_good_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "expect"),
    [("", "empty"), ("a/b", "path"), ("..", "path"), ("a b", "spaces"), ("café", "non-ASCII"), ("1a", "digit"),
     ("import", "reserved"), ("def", "reserved"), ("oneof", "reserved"), ("google", "reserved"), ("a_b", "hyphens"),
     ("a--b", "hyphens"), ("A", "lower-case"), ("x" * 64, "longer"), ("tab\there", "spaces")],
)
def test_bad_names(name: str, expect: str) -> None:
    problem = name_problem(name)
    assert problem is not None and expect in problem


@given(st.text(max_size=20))
def test_every_accepted_name_makes_valid_identifiers(text: str) -> None:
    if name_problem(text) is not None:
        return
    pkg = text.replace("-", "_")
    assert PROTO_IDENT.match(pkg) and pkg not in RESERVED and text not in RESERVED
    assert text == text.strip() and "/" not in text and ".." not in text and text.isascii()


@pytest.mark.parametrize(
    ("name", "resource"),
    [("orders", "order"), ("order-service", "order"), ("inventory", "inventory"), ("addresses", "address"),
     ("categories", "category"), ("payments-api", "payment"), ("status", "status"), ("notifications", "notification"),
     ("billing", "billing")],
)
def test_resource_from_the_service_name(name: str, resource: str) -> None:
    assert singular(name) == resource


@pytest.mark.parametrize(
    ("word", "words"),
    [("order", "orders"), ("address", "addresses"), ("category", "categories"), ("day", "days"),
     ("box", "boxes"), ("line-item", "line-items"), ("batch", "batches")],
)
def test_plural(word: str, words: str) -> None:
    assert plural(word) == words


# ------------------------------------------------------------------ answers


def test_defaults_follow_from_the_name_and_the_contracts() -> None:
    answers = complete({"name": "order-service", "rest": True, "grpc": False, "events": True})
    assert answers.as_dict() == {
        "name": "order-service", "owner": "team-order-service", "resource": "order", "resource_plural": "orders",
        "namespace": "com.example", "rest": True, "grpc": False, "events": True,
        "patterns": ["rest", "idempotency", "pub-sub", "dead-letter-queue"], "dependencies": [],
    }
    assert contracts_of(answers) == ["openapi.yaml", "asyncapi.yaml"]


def test_saved_answers_read_back_to_the_same_answers() -> None:
    answers = complete({"name": "order-history", "owner": "@acme/x", "resource": "entry",
                        "resource_plural": "entries", "grpc": False, "dependencies": ("payments",)})
    text = dump_answers(answers)
    assert text.startswith("# govern new-service answers")
    again = complete(check_answers_data(yaml.safe_load(text), file=ANSWERS_FILE, locate=no_locate))
    assert again == answers
    assert list(yaml.safe_load(text)) == ["format", *KEYS]


@pytest.mark.parametrize("name", ["maps", "health", "strings", "problems"])
def test_a_default_resource_that_cannot_be_used_falls_back_to_item(name: str) -> None:
    assert complete({"name": name}).resource == "item"


def test_set_parses_booleans_and_lists() -> None:
    assert parse_set(["rest=no", "grpc=YES", "patterns=rest, pub-sub", "dependencies="]) == {
        "rest": False, "grpc": True, "patterns": ("rest", "pub-sub"), "dependencies": (),
    }
    with pytest.raises(UsageError, match="did you mean 'owner'"):
        parse_set(["ownr=x"])


@pytest.mark.parametrize(
    ("given", "expect"),
    [({"name": "orders", "resource": "health"}, "health"),
     ({"name": "orders", "resource": "serving-status"}, "ServingStatus"),
     ({"name": "orders", "resource": "dead-letter"}, "DeadLetter"),
     ({"name": "orders", "resource": "item", "resource_plural": "item"}, "different plural"),
     ({"name": "orders", "rest": False, "grpc": False, "events": False}, "nothing to create"),
     ({"owner": "x"}, "no service name")],
)
def test_answers_that_cannot_make_a_scaffold(given: dict, expect: str) -> None:
    with pytest.raises(UsageError, match=expect):
        complete(given)


def test_answers_file_errors_carry_the_line() -> None:
    with pytest.raises(InputError) as err:
        check_answers_data({"name": "orders", "grcp": True}, file="a.yaml", locate=lambda p: (7, 1))
    assert err.value.one_line() == (
        "a.yaml:7:1: unknown key 'grcp'; did you mean 'grpc'? (keys: " + ", ".join(KEYS) + ")"
    )


# ------------------------------------------------------------------ rendering


def test_templates_come_from_the_repo_in_development() -> None:
    dirs = template_dirs()
    assert dirs and all(Path(d, "openapi", "openapi.yaml.j2").is_file() for d in dirs)


def test_rendering_is_deterministic_and_complete() -> None:
    answers = complete({"name": "orders"})
    first, second = render_all(answers), render_all(answers)
    assert first == second
    assert list(first) == [path for path, _ in plan(answers)]
    for rel, text in first.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), rel
        assert "{{" not in text and "{%" not in text, rel
        if rel.endswith((".yaml", ".yml")):
            yaml.safe_load(text)


def test_context_words() -> None:
    ctx = context(complete({"name": "order-history", "resource": "line-item"}))
    assert (ctx["pkg"], ctx["R"], ctx["Rs"], ctx["r_camel"], ctx["r_snake"], ctx["a_resource"]) == (
        "order_history", "LineItem", "LineItems", "lineItem", "line_item", "a line item")
    assert context(complete({"name": "orders"}))["a_resource"] == "an order"


def test_owner_text_stays_text_in_yaml() -> None:
    for owner in ("@acme/team", "no", "true", "team: orders", "1234"):
        try:
            answers = complete({"name": "orders", "owner": owner})
        except UsageError:
            continue
        files = render_all(answers)
        assert yaml.safe_load(files["govern.yaml"])["service"]["owner"] == owner
        assert yaml.safe_load(files["openapi.yaml"])["info"]["contact"]["name"] == owner


@settings(max_examples=8, deadline=None)
@given(
    name=st.from_regex(r"\A[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}\Z"),
    resource=st.from_regex(r"\A[a-z]{1,8}(-[a-z]{1,6})?\Z"),
)
def test_any_accepted_answers_make_valid_contracts(name: str, resource: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        answers = complete({"name": name, "resource": resource})
    except UsageError:
        return  # a reserved word or a clash: refused before anything is rendered
    out = tmp_path_factory.mktemp("prop") / name
    scaffold(answers, out)  # validates every contract before writing
    assert sorted(p.name for p in out.iterdir()) == [".govern-answers.yaml", "README.md", "asyncapi.yaml",
                                                       "govern.yaml", "openapi.yaml", "proto"]


# ------------------------------------------------------------------ staging and failure


def test_an_invalid_contract_is_refused_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govern.scaffold import render

    real = render.render_all

    def broken(answers):  # type: ignore[no-untyped-def]
        files = real(answers)
        files["openapi.yaml"] = files["openapi.yaml"].replace("operationId: listOrders", "operationId: [1]")
        return files

    monkeypatch.setattr(render, "render_all", broken)
    with pytest.raises(InputError) as err:
        scaffold(complete({"name": "orders"}), tmp_path / "orders")
    line = err.value.one_line()
    assert line.startswith(str(tmp_path / "orders" / "openapi.yaml"))
    assert "the generated contract is not valid" in line and "nothing was written" in line
    assert everything(tmp_path) == []


def test_an_invalid_proto_is_refused_by_protoc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govern.scaffold import render

    real = render.render_all

    def broken(answers):  # type: ignore[no-untyped-def]
        files = real(answers)
        key = "proto/orders/v1/health.proto"
        files[key] = files[key].replace("ServingStatus status = 1;", "ServingState status = 1;", 1)
        return files

    monkeypatch.setattr(render, "render_all", broken)
    (tmp_path / "orders").mkdir()
    with pytest.raises(InputError, match="health.proto.*ServingState"):
        scaffold(complete({"name": "orders"}), tmp_path / "orders")
    assert everything(tmp_path) == ["orders"]


def test_a_failing_move_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "orders"
    out.mkdir()
    (out / "openapi.yaml").write_text("mine\n")
    (out / "keep.txt").write_text("keep\n")
    calls = {"n": 0}
    real_replace = os.replace

    def flaky(src, dst):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 6:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(place.os, "replace", flaky)
    with pytest.raises(OSError, match="disk full"):
        scaffold(complete({"name": "orders"}), out, force=True)
    assert everything(tmp_path) == ["orders", "orders/keep.txt", "orders/openapi.yaml"]
    assert (out / "openapi.yaml").read_text() == "mine\n"


def test_a_new_folder_appears_in_one_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renames: list[tuple[str, str]] = []
    real_rename = os.rename

    def spy(src, dst):  # type: ignore[no-untyped-def]
        renames.append((str(src), str(dst)))
        return real_rename(src, dst)

    monkeypatch.setattr(place.os, "rename", spy)
    result = scaffold(complete({"name": "orders"}), tmp_path / "deep" / "er" / "orders")
    assert result.written and len(renames) == 1 and renames[0][1] == str(tmp_path / "deep" / "er" / "orders")
    assert oct((tmp_path / "deep" / "er" / "orders").stat().st_mode & 0o777) != oct(0o700)  # not mkdtemp's mode
    assert len(everything(tmp_path / "deep" / "er" / "orders")) == 11  # 8 files + proto, proto/orders, proto/orders/v1


def test_a_failing_rename_leaves_no_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(src, dst):  # type: ignore[no-untyped-def]
        raise OSError("no")

    monkeypatch.setattr(place.os, "rename", fail)
    with pytest.raises(OSError):
        scaffold(complete({"name": "orders"}), tmp_path / "a" / "b" / "orders")
    assert everything(tmp_path) == []


def test_dry_run_stages_validates_and_cleans_up(tmp_path: Path) -> None:
    result = scaffold(complete({"name": "orders", "grpc": False}), tmp_path / "orders", dry_run=True)
    assert not result.written and len(result.files) == 5 and result.existing == []
    assert everything(tmp_path) == []


def test_answer_error_is_a_value_error() -> None:
    assert issubclass(AnswerError, ValueError)
