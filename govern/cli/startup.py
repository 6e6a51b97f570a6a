"""Garbage collection while `govern` starts: paused until the command body runs.

Starting a command imports typer and the command's modules and builds its click objects: tens
of thousands of objects that all live until the process ends, so the collections they trigger
find nothing to free. `pause_gc()` (first thing in `main`) stops them; `resume_gc()` (when the
command body starts, in `guarded`) freezes what startup built, so later collections skip it,
and turns collection back on for the real work. The fast path (govern/cli/fastpath.py), which
starts a command without typer, runs its body through the same `guarded`: the same pause and resume.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
