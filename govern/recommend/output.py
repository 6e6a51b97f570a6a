"""Where reports go: ADR numbering for --output, and the --scaffold hand-off file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from govern.errors import UsageError
from govern.recommend.scoring import Decision

NUMBERED = re.compile(r"^(\d{4})-")
PLACEHOLDER = "NNNN"
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
EXTENSIONS = {"markdown": "md", "json": "json", "html": "html"}


def next_number(directory: Path) -> int:
    """One more than the highest NNNN- prefix in `directory` (1 when there is none)."""
    highest = 0
    if directory.is_dir():
        for entry in directory.iterdir():
            match = NUMBERED.match(entry.name)
            if match:
                highest = max(highest, int(match.group(1)))
    return highest + 1


def resolve_output(output: str, *, slug: str, fmt: str) -> tuple[str, bool]:
    """The file to write, and whether it was numbered.

    A directory (existing, or given with a trailing slash) gets NNNN-<slug>.<ext>; a name
    containing NNNN gets the next free number (and `NNNN-title.md` gets the title's slug too).
    Any other name is used as it is.
    """
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        directory, name = path, f"{PLACEHOLDER}-{slug}.{EXTENSIONS[fmt]}"
    else:
        directory, name = path.parent, path.name
    if PLACEHOLDER not in name:
        return output, False
    if name.startswith(f"{PLACEHOLDER}-title."):
        name = name.replace("title", slug, 1)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    name = name.replace(PLACEHOLDER, f"{next_number(directory):04d}", 1)
    return str(directory / name), True


def check_service_name(name: str) -> str:
    if not SERVICE_NAME.match(name):
        raise UsageError(
            f"--scaffold {name!r}: a service name is lower-case letters, digits and '-', starting with a letter"
        )
    return name


def scaffold_text(decision: Decision, service: str) -> str:
    """The hand-off `govern new-service NAME --patterns FILE` will read (govern-new-service/1)."""
    import yaml

    design = [c for c in decision.chosen if c.pattern.kind != "resilience"]
    contracts: list[str] = []
    for cand in design:
        kind = cand.pattern.contract
        if kind != "none" and kind not in contracts:
            contracts.append(kind)
    data: dict[str, Any] = {
        "format": "govern-new-service/1",
        "service": service,
        "primary": decision.primary.id,
        "patterns": [c.id for c in design],
        "contracts": contracts,
        "resilience": [c.id for c in decision.supporting if c.pattern.kind == "resilience"],
        "avoid": [c.id for c in decision.avoid],
        "matrix_version": decision.matrix.version,
        "matrix_hash": decision.matrix.hash,
        "answers": decision.answers,
    }
    header = (
        f"# Written by `govern recommend --scaffold {service}`: the patterns chosen for {service}.\n"
        f"# It is the input of `govern new-service {service} --patterns {service}.govern.yaml`, which picks\n"
        "# contract templates from `contracts`; generated clients take their resilience settings from\n"
        "# govern/data/resilience.yaml.\n"
    )
    return header + str(yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True))
