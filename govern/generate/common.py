"""What every generated package shares: the resilience runtime, pyproject.toml, py.typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govern.generate.templates import render


@dataclass
class Generated:
    """The files of one generated client package and what they cover."""

    kind: str  # openapi | proto | asyncapi
    package: str
    files: dict[str, str]  # relative path -> text
    operations: list[str] = field(default_factory=list)  # generated method / class names


def runtime_defaults() -> dict[str, Any]:
    """The seeds' resilience defaults (govern/data/resilience.yaml), in the units clients use."""
    from govern.recommend.resilience import resilience_defaults, resilience_version

    d = resilience_defaults()
    timeouts, retry, breaker = d["timeouts"], d["retry-backoff"], d["circuit-breaker"]
    dlq, pressure = d["dead-letter-queue"], d["backpressure"]
    return {
        "timeout": timeouts["request_timeout_ms"] / 1000,
        "per_try_timeout": timeouts["per_try_timeout_ms"] / 1000,
        "max_retry_after": timeouts["max_timeout_ms"] / 1000,
        "max_retries": int(retry["max_attempts"]),
        "backoff": retry["initial_backoff_ms"] / 1000,
        "multiplier": float(retry["backoff_multiplier"]),
        "max_backoff": retry["max_backoff_ms"] / 1000,
        "failure_threshold": int(breaker["failure_threshold"]),
        "reset_timeout": breaker["open_duration_ms"] / 1000,
        "max_delivery_attempts": int(dlq["max_delivery_attempts"]),
        "redelivery_backoff": dlq["redelivery_backoff_ms"] / 1000,
        "max_in_flight": int(pressure["max_in_flight_messages_per_consumer"]),
        "version": resilience_version(),
    }


def package_files(
    package: str,
    modules: dict[str, str],
    *,
    source: str,
    title: str,
    dependencies: list[str],
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The project layout: pyproject.toml (+ extra top-level files) and the package with its modules,
    the resilience runtime and a py.typed marker."""
    defaults = runtime_defaults()
    files = {f"{package}/{name}": text for name, text in modules.items()}
    files[f"{package}/_resilience.py"] = render(
        "common/_resilience.py.j2", source=source, d=defaults, resilience_version=defaults["version"]
    )
    files[f"{package}/py.typed"] = ""
    files["pyproject.toml"] = render(
        "common/pyproject.toml.j2", package=package, title=title, source=source, dependencies=dependencies
    )
    files.update(extra or {})
    return files
