"""The bodies of `govern diff`, `lint` and `check`, without typer.

Each command's typer function (govern/cli/diff.py, lint.py, check.py) passes its parameters here
unchanged, and so does the fast path (govern/cli/fastpath.py): both run exactly this code. The
keyword parameters are the typer function's, name for name.
"""

from __future__ import annotations

import os

from govern.cli.common import (
    fail,
    finish,
    guarded,
    output_pairs,
    policy_settings,
    waived_meta,
)


def diff(
    *,
    base_arg: str,
    revision_arg: str | None,
    base_ref: str | None,
    fmt: list[str] | None,
    output: list[str] | None,
    fail_on: str | None,
    config_path: str | None,
    mode: str | None,
    strictness: str | None,
    category: str | None,
    proto_path: list[str],
    max_file_mb: float,
    no_color: bool,
) -> None:
    def body() -> None:
        from govern.diff.run import diff_specs_pending, options_for, relabel, side_specs
        from govern.rules.engine import apply_policy, expired_waivers

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        base_spec, revision_spec = side_specs(base_arg, revision_arg, base_ref)
        options, settings = options_for(
            config, revision_spec, mode=mode, strictness=strictness, category=category,
            import_paths=list(proto_path), limits=limits,
        )
        # A large side may still be validating in a child: the reports are rendered meanwhile
        # and written only once `confirm` found both sides valid (it raises the error otherwise).
        findings, base, revision, confirm = diff_specs_pending(base_spec, revision_spec, options, base_ref)
        try:
            result = apply_policy(findings, config, settings=settings, base=base, revision=revision)
            findings = relabel(result.findings, options.labels) + expired_waivers(config)
            meta = waived_meta(result.waived, config)
            finish("diff", findings, [base_spec, revision_spec], threshold, meta, pairs, no_color, before_output=confirm)
        except Exception:
            confirm()
            raise
        except BaseException:
            confirm(abandon=True)  # interrupted: stop any child (a no-op once confirmed)
            raise

    guarded(body)


def lint(
    *,
    paths: list[str],
    fmt: list[str] | None,
    output: list[str] | None,
    fail_on: str | None,
    config_path: str | None,
    proto_path: list[str],
    max_file_mb: float,
    no_color: bool,
) -> None:
    def body() -> None:
        from govern.lint import DEFAULT_RULESET, lint_paths
        from govern.rules.engine import apply_policy, expired_waivers

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        findings, inputs = lint_paths(
            paths, limits=limits, import_paths=list(proto_path),
            ruleset=config.ruleset or DEFAULT_RULESET, overrides=config.rules,
        )
        result = apply_policy(findings, config)
        findings = result.findings + expired_waivers(config)
        finish("lint", findings, inputs, threshold, waived_meta(result.waived, config), pairs, no_color)

    guarded(body)


def check(
    *,
    paths: list[str] | None,
    base: str | None,
    fmt: list[str] | None,
    output: list[str] | None,
    fail_on: str | None,
    config_path: str | None,
    category: str | None,
    jobs: int,
    proto_path: list[str],
    max_file_mb: float,
    no_color: bool,
) -> None:
    def body() -> None:
        from govern.check import run_check
        from govern.diff.run import DiffOptions, check_options

        pairs = output_pairs(fmt, output)
        config, threshold, limits = policy_settings(config_path, fail_on, max_file_mb)
        if jobs < 0:
            fail("--jobs must be 0 (all cores) or positive")
        options = DiffOptions(
            category=category.upper() if category else None,
            import_paths=list(proto_path),
            limits=limits,
            exempt_stability=config.exempt,
        )
        check_options(options)
        workers = jobs or os.cpu_count() or 1
        targets = list(paths or []) or [os.path.relpath(p) for p in config.paths] or ["."]
        result = run_check(targets, base, options, workers, config)
        meta = {"base": base, "diffed": result.diffed, "added": result.added, "removed": result.removed}
        meta.update(waived_meta(result.waived, config))
        finish("check", result.findings, result.contracts, threshold, meta, pairs, no_color)

    guarded(body)
