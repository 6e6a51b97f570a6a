"""The new-service questions driven in a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import yaml

from tests.cli.test_new_service import check_contracts, new_service_argv, run, tree
from tests.conftest import ROOT

DOWN, BACKSPACE = "\x1b[B", "\x7f"


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1",
           "COLUMNS": "120", "LINES": "40"}
    env.pop("GOVERN_DEBUG", None)
    argv = new_service_argv()
    return pexpect.spawn(argv[0], [*argv[1:], *args], cwd=str(cwd), env=env, encoding="utf-8", timeout=30,
                         dimensions=(40, 120))


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_answer_every_question_and_get_the_scaffold(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    answer(child, "Service name", "order-history\r")
    answer(child, "Owning team", BACKSPACE * 30 + "history-team\r")
    answer(child, "Which contracts", DOWN + " \r")  # all three are checked; untick gRPC
    answer(child, "Main resource", BACKSPACE * 30 + "entry\r")
    answer(child, "Its plural", BACKSPACE * 30 + "entries\r")
    answer(child, "namespace", BACKSPACE * 30 + "com.acme\r")
    answer(child, "Services it calls", "payments, inventory\r")
    child.expect("wrote 5 files to order-history")
    assert finish(child) == 0

    out = tmp_path / "order-history"
    assert sorted(tree(out)) == [".govern-answers.yaml", "README.md", "asyncapi.yaml", "govern.yaml", "openapi.yaml"]
    saved = yaml.safe_load((out / ".govern-answers.yaml").read_text())
    assert saved == {
        "format": "govern-new-service-answers/1", "name": "order-history", "owner": "history-team",
        "resource": "entry", "resource_plural": "entries", "namespace": "com.acme", "rest": True, "grpc": False,
        "events": True, "patterns": ["rest", "idempotency", "pub-sub", "dead-letter-queue"],
        "dependencies": ["payments", "inventory"],
    }
    check_contracts(out)

    replay = tmp_path / "replay"
    replay.mkdir()
    again = run("--answers", str(out / ".govern-answers.yaml"), cwd=replay)
    assert again.returncode == 0, again.stderr
    assert tree(replay / "order-history") == tree(out)


def test_bad_answers_are_asked_again(tmp_path: Path) -> None:
    child = spawn("orders", cwd=tmp_path)
    answer(child, "Owning team", BACKSPACE * 30 + "a:b\r")
    child.expect("owner 'a:b'")  # the prompt stays open with the error under it
    child.send(BACKSPACE * 3 + "platform\r")
    answer(child, "Which contracts", " " + DOWN + " " + DOWN + " \r")  # untick all three: not accepted
    child.send(" \r")  # tick events again (the cursor is on it), then it is
    answer(child, "Main resource", BACKSPACE * 30 + "health\r")
    child.expect("clashes with the health endpoints")
    child.send(BACKSPACE * 6 + "Line Item\r")
    child.expect("has spaces")
    child.send(BACKSPACE * 9 + "line-item\r")
    answer(child, "Its plural", "\r")  # line-items
    answer(child, "namespace", "\r")
    answer(child, "Services it calls", "Payments\r")
    child.expect("a service name")
    child.send(BACKSPACE * 8 + "\r")
    child.expect("wrote 4 files to orders")
    assert finish(child) == 0
    saved = yaml.safe_load((tmp_path / "orders" / ".govern-answers.yaml").read_text())
    assert (saved["owner"], saved["resource"], saved["resource_plural"]) == ("platform", "line-item", "line-items")
    assert (saved["rest"], saved["grpc"], saved["events"], saved["dependencies"]) == (False, False, True, [])


def test_given_answers_are_not_asked(tmp_path: Path) -> None:
    child = spawn("orders", "--rest", "--owner", "platform", "--set", "resource=invoice", cwd=tmp_path)
    child.expect(r"Owning team\? platform \(given\)")
    child.expect(r"Which contracts.*rest \(given\)")
    child.expect(r"Main resource.*invoice \(given\)")
    answer(child, "Its plural", "\r")
    answer(child, "Services it calls", "\r")  # events are off: no namespace question
    child.expect("wrote 4 files to orders")
    assert finish(child) == 0
    assert "namespace" not in (child.before or "")
    assert "openapi.yaml" in tree(tmp_path / "orders")


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path: Path) -> None:
    child = spawn("orders", cwd=tmp_path)
    child.expect("Owning team")
    child.sendcontrol("c")
    child.expect("interrupted")
    assert finish(child) == 130
    assert "Traceback" not in (child.before or "")
    assert list(tmp_path.iterdir()) == []


def test_prompts_stay_on_the_terminal_when_stdout_is_redirected(tmp_path: Path) -> None:
    """`govern new-service orders > files.txt`: questions on the terminal, only the file list in the file."""
    command = " ".join([*new_service_argv(), "orders", "--events", ">", "files.txt"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn("/bin/sh", ["-c", command], cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 120))
    answer(child, "Owning team", "\r")
    answer(child, "Main resource", "\r")
    answer(child, "Its plural", "\r")
    answer(child, "namespace", "\r")
    answer(child, "Services it calls", "\r")
    assert finish(child) == 0
    listing = (tmp_path / "files.txt").read_text()
    assert listing.splitlines() == [f"created       orders/{f}" for f in
                                    ("README.md", "govern.yaml", "asyncapi.yaml", ".govern-answers.yaml")]
