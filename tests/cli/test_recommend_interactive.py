"""The interactive questionnaire driven in a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import yaml

from tests.cli.test_recommend import recommend_argv, run
from tests.conftest import ROOT

UP, DOWN, BACKSPACE = "\x1b[A", "\x1b[B", "\x7f"


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "LINES": "40",
    }
    env.pop("SOURCE_DATE_EPOCH", None)
    argv = recommend_argv()
    child = pexpect.spawn(argv[0], [*argv[1:], *args], cwd=str(cwd), env=env, encoding="utf-8",
                          timeout=30, dimensions=(40, 120))
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect(prompt)
    child.send(keys)


def test_answer_every_question_and_get_the_report(tmp_path: Path) -> None:
    child = spawn("--date", "2026-01-01", cwd=tmp_path)
    answer(child, "Who calls this interaction", UP + "\r")  # external-client
    answer(child, "Which kinds of clients call it", DOWN + " \r")  # web (default) + mobile
    answer(child, "Do browsers call it directly", "y")
    answer(child, "What kind of work is it mostly", "\r")  # crud
    answer(child, "Must the caller get the result", "y")
    answer(child, "latency budget", BACKSPACE * 3 + "300\r")
    answer(child, "synchronous call chain", "y")
    answer(child, "Service 1 in the chain", "orders\r")
    answer(child, "orders: latency in ms", BACKSPACE * 2 + "20\r")
    answer(child, "orders: availability", "\r")  # 99.5%
    answer(child, "Service 2 in the chain", "payments\r")
    answer(child, "payments: latency in ms", BACKSPACE * 2 + "200\r")
    answer(child, "payments: availability", BACKSPACE * 5 + "0.999\r")
    answer(child, "Service 3 in the chain", "\r")
    answer(child, "How many services react", BACKSPACE + "1\r")
    answer(child, "Expected throughput", "\r")
    answer(child, "What consistency", "\r")
    answer(child, "continuous stream", "n")
    answer(child, "business transaction change data", "y")
    answer(child, "How many steps", BACKSPACE + "6\r")
    answer(child, "strict audit trail", "n")
    answer(child, "How many services does the system", BACKSPACE + "18\r")
    answer(child, "already a burden", "y")
    answer(child, "scale up and down", "y")
    child.expect("answers saved to recommend-answers.yaml")
    child.expect(r"Chosen option: \"Saga \(orchestration\)\"")
    child.expect(r"99\.5% × 99\.9% = 99\.40%")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    saved = yaml.safe_load((tmp_path / "recommend-answers.yaml").read_text())
    assert saved["caller"] == "external-client"
    assert saved["client_types"] == ["web", "mobile"]
    assert saved["transaction_steps"] == 6
    assert saved["cross_cutting_pain"] is True
    assert saved["call_chain"] == [
        {"service": "orders", "latency_ms": 20, "availability": 0.995},
        {"service": "payments", "latency_ms": 200, "availability": 0.999},
    ]
    assert len(saved) == 17  # every question was asked and answered

    replay = run("--answers", "recommend-answers.yaml", "--date", "2026-01-01", cwd=tmp_path)
    assert replay.returncode == 0, replay.stderr
    assert 'Chosen option: "Saga (orchestration)"' in replay.stdout
    assert "govern recommend --answers recommend-answers.yaml" in replay.stdout


def test_invalid_answers_are_asked_again(tmp_path: Path) -> None:
    child = spawn("--format", "json", "--save-answers", "a.yaml", cwd=tmp_path)
    answer(child, "Who calls this interaction", "\r")  # internal-service
    answer(child, "What kind of work", "\r")
    answer(child, "Must the caller get the result", "n")  # skips the budget and the chain
    answer(child, "How many services react", BACKSPACE + "-2\r")
    child.expect("got -2")  # the prompt stays open with the error under it
    child.send(BACKSPACE * 2 + "three\r")
    child.expect("got 'three'")
    child.send(BACKSPACE * 5 + "3\r")
    answer(child, "Expected throughput", "\r")
    answer(child, "What consistency", DOWN + "\r")  # eventual
    answer(child, "continuous stream", "n")
    answer(child, "business transaction change data", "n")  # skips transaction_steps
    answer(child, "strict audit trail", "n")
    answer(child, "How many services does the system", BACKSPACE + "0\r")
    child.expect("got 0")
    child.send(BACKSPACE + "9\r")  # below 15: cross_cutting_pain is skipped
    answer(child, "scale up and down", "n")
    child.expect('"pattern": "pub-sub"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = yaml.safe_load((tmp_path / "a.yaml").read_text())
    assert saved["consumers"] == 3 and saved["service_count"] == 9
    assert not {"latency_budget_ms", "call_chain", "transaction_steps", "cross_cutting_pain"} & set(saved)


def test_preset_answers_are_not_asked(tmp_path: Path) -> None:
    child = spawn("--set", "caller=internal-service", "--set", "use_case=analytics", "--set",
                  "needs_immediate_response=no", "--set", "throughput=high", "-f", "json", cwd=tmp_path)
    child.expect("from --set")
    answer(child, "How many services react", "\r")
    answer(child, "What consistency", DOWN + "\r")
    answer(child, "continuous stream", "n")
    answer(child, "business transaction change data", "n")
    answer(child, "strict audit trail", "n")
    answer(child, "How many services does the system", "\r")
    answer(child, "scale up and down", "n")
    child.expect('"pattern": "event-streaming"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Who calls this interaction" not in (child.before or "")


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    child = spawn(cwd=tmp_path)
    child.expect("Who calls this interaction")
    child.sendcontrol("c")
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert not (tmp_path / "recommend-answers.yaml").exists()


def test_piped_stdin_never_prompts(tmp_path: Path) -> None:
    result = subprocess.run([*recommend_argv()], input="", capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 2
    assert "stdin is not a terminal" in result.stderr


def test_prompts_stay_on_the_terminal_when_stdout_is_redirected(tmp_path: Path) -> None:
    """`govern recommend > adr.md`: questions on the terminal, only the record in the file."""
    command = " ".join([*recommend_argv(), "--date", "2026-01-01", ">", "adr.md"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn("/bin/sh", ["-c", command], cwd=str(tmp_path), env=env, encoding="utf-8",
                          timeout=30, dimensions=(40, 120))
    answer(child, "Who calls this interaction", "\r")
    answer(child, "What kind of work", "\r")
    answer(child, "Must the caller get the result", "y")
    answer(child, "latency budget", "\r")
    answer(child, "synchronous call chain", "n")
    answer(child, "How many services react", "\r")
    answer(child, "Expected throughput", "\r")
    answer(child, "What consistency", "\r")
    answer(child, "continuous stream", "n")
    answer(child, "business transaction change data", "n")
    answer(child, "strict audit trail", "n")
    answer(child, "How many services does the system", "\r")
    answer(child, "scale up and down", "n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = (tmp_path / "adr.md").read_text()
    assert record.startswith("---\nstatus: proposed\ndate: 2026-01-01\n")
    assert "Who calls this interaction?" in record  # as a decision driver, not a prompt
    assert "\x1b[" not in record and "[1/17]" not in record
