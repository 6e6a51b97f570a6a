"""The default scaffold, file by file, against the reviewed copy in tests/golden/scaffolds/orders.

After a deliberate template change, regenerate with
`GOVERN_UPDATE_GOLDEN=1 pytest tests/unit/test_scaffold_golden.py` and read the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from govern.scaffold.answers import complete
from govern.scaffold.render import render_all
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "scaffolds" / "orders"
UPDATE = os.environ.get("GOVERN_UPDATE_GOLDEN") == "1"


def golden_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_default_scaffold_matches_the_golden_files() -> None:
    rendered = render_all(complete({"name": "orders"}))
    if UPDATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in rendered.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    assert GOLDEN.is_dir(), f"{GOLDEN} is missing; run with GOVERN_UPDATE_GOLDEN=1 and review it"
    on_disk = golden_files(GOLDEN)
    assert sorted(on_disk) == sorted(rendered), "the set of generated files changed"
    for rel, text in rendered.items():
        assert text == on_disk[rel], f"{rel} differs from {GOLDEN / rel}; review, then GOVERN_UPDATE_GOLDEN=1"


def test_golden_files_are_what_the_cli_writes(tmp_path: Path) -> None:
    from tests.cli.test_new_service import run

    result = run("orders", "--defaults", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert golden_files(tmp_path / "orders") == golden_files(GOLDEN)
