"""`govern lint` end to end with a `.govern.yaml` choosing the ruleset and overriding rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import CASES, run_govern


def _lint(work: Path, config: str) -> tuple[int, list[tuple[str, str]]]:
    (work / ".govern.yaml").write_text(config)
    result = run_govern("lint", "contract.yaml", "--format", "json", cwd=work)
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    return result.returncode, [(f["id"], f["level"]) for f in findings]


def test_config_selects_ruleset_and_overrides(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(CASES / "lint" / "asyncapi-channel-description", work)
    assert _lint(work, "version: 1\nruleset: recommended\n") == (0, [])
    assert _lint(work, "version: 1\nruleset: strict\n") == (0, [("asyncapi-channel-description", "WARN")])
    assert _lint(work, "version: 1\nruleset: strict\nrules:\n  asyncapi-channel-description: ERR\n") == (
        1, [("asyncapi-channel-description", "ERR")])
    assert _lint(work, "version: 1\nruleset: minimal\nrules:\n  asyncapi-channel-description: INFO\n") == (
        0, [("asyncapi-channel-description", "INFO")])
    assert _lint(work, "version: 1\nruleset: strict\nrules:\n  asyncapi-channel-description: none\n") == (0, [])
