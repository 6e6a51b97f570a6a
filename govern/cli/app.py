"""The `govern` entry point. Importing this module imports nothing heavy (not even typer).

`main()` (the `govern` script and `python -m govern`) first offers argv to the fast path
(govern/cli/fastpath.py), which runs a plainly well-formed `diff`, `lint` or `check` without
importing typer; everything else goes to `govern.cli.application.lazy_app`, which builds only the
command it runs. `app` is the typer application with every command registered, built on first
access for code that wants the whole typer object (CliRunner, tests).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "app":
        from govern.cli.application import full_app

        application = globals()["app"] = full_app()
        return application
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point."""
    import gc
    import sys

    from govern.cli.startup import pause_gc, resume_gc

    pause_gc()  # resumed when the command body starts (govern.cli.common.guarded)
    try:
        if not _fast_path(sys.argv[1:]):  # declined: help, errors and everything unusual are typer's
            from govern.cli.application import lazy_app

            lazy_app()
    finally:
        resume_gc()  # when no command body ran (a usage error, --help, --version)
        # The process ends next. Interpreter shutdown would run a last garbage collection over
        # every object the run imported or created (~15 ms, more than the diff of a small
        # tree); frozen objects are left out of it. Everything else about shutdown is unchanged.
        gc.freeze()


def _fast_path(argv: list[str]) -> bool:
    """Run a plainly well-formed command without typer (govern/cli/fastpath.py); False when it
    declines. Root options (`--help`, `--version`, ...) are always typer's: not even looked at."""
    if not argv or argv[0].startswith("-"):
        return False
    from govern.cli.fastpath import run

    return run(argv)


if __name__ == "__main__":
    main()
