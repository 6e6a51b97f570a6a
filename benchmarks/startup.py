"""Startup benchmark: `govern --version` / `--help` wall time against `python -c "import typer"`.

Target (issue: foundation): `govern --version` within 2x of importing typer.
Run: `make bench` or `.venv/bin/python benchmarks/startup.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


# As an installed package runs: with its .pyc files (the warm-up run writes any that are missing).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str], runs: int) -> float:
    """Median wall time of `cmd` over `runs` runs, after one warm-up."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    govern = str(bindir / "govern")
    if not os.path.exists(govern):
        print("govern is not installed in this environment; run `make install` first", file=sys.stderr)
        return 2
    baseline = wall([sys.executable, "-c", "import typer"], args.runs)
    version = wall([govern, "--version"], args.runs)
    helptime = wall([govern, "--help"], args.runs)
    diffhelp = wall([govern, "diff", "--help"], args.runs)
    print(f"python -c 'import typer' : {baseline * 1000:7.1f} ms (median of {args.runs})")
    print(f"govern --version         : {version * 1000:7.1f} ms  ratio {version / baseline:.2f}x (target <= 2.00x)")
    print(f"govern --help            : {helptime * 1000:7.1f} ms  ratio {helptime / baseline:.2f}x")
    print(f"govern diff --help       : {diffhelp * 1000:7.1f} ms  ratio {diffhelp / baseline:.2f}x")
    ok = version <= 2 * baseline
    print("startup target:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
