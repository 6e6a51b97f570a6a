"""Speed and memory of `govern diff` on large real-world OpenAPI pairs, against specshift.

Times the whole process (start-up, loading, validating, diffing, rendering) of
    govern diff BASE REVISION --format json|text      and      specshift diff BASE REVISION
on the same pairs in the same run, and prints wall time, peak RSS, the ratio (the slower of
govern's two formats against specshift) and an in-process breakdown.

Pairs:
- Stripe spec3.json, 2022-01-12 -> 2022-04-12 (about 4 MB each), from the shared corpus;
- GitHub Enterprise Server ghes-3.18 -> ghes-3.19 (about 11 MB each), from the npm package
  @octokit/openapi@23.0.2 (`npm pack`, then package/generated/ghes-3.1{8,9}.json), fetched once
  into benchmarks/.cache/ (or --ghes-dir).

Targets (issue 3): govern no slower than specshift on both pairs; on the GHES pair under 2 s and
under 500 MB peak RSS.

govern remembers which exact documents passed openapi-spec-validator (govern/load/verdicts.py).
Each pair is therefore timed twice, in a cache directory of the benchmark's own: "cold" with the
cache switched off (every run validates both sides, as on a fresh CI runner without a cache),
and "warm" after a first run filled it (a second run on the same bytes: pre-commit, a re-run CI
job with a restored cache). In between, "base known": a cache that holds only the base's
verdict (filled by `govern lint BASE`, copied afresh for every run), as in CI when the main
branch's contract was checked by an earlier job and the pull request's revision is new: the
revision is then validated in a forked child while the diff runs. Targets are judged on all three. specshift is installed in the same environment for benchmarking only
(`pip install specshift==1.5.0`); without it the comparison columns are skipped.

Run: `.venv/bin/python benchmarks/openapi_speed.py [--runs 3] [--ghes-dir DIR]`.
Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT.parent / "shared" / "corpora" / "specs"
CACHE = ROOT / "benchmarks" / ".cache"
NPM_PACKAGE = "@octokit/openapi@23.0.2"
GHES_FILES = ("ghes-3.18.json", "ghes-3.19.json")


def ghes_pair(directory: Path) -> tuple[Path, Path] | None:
    """The GHES pair, fetched with `npm pack` into `directory` when it is not there yet."""
    wanted = [directory / name for name in GHES_FILES]
    if all(p.exists() for p in wanted):
        return wanted[0], wanted[1]
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: cannot fetch the GHES descriptions; pass --ghes-dir", file=sys.stderr)
        return None
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([npm, "pack", NPM_PACKAGE, "--silent"], cwd=tmp, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"npm pack {NPM_PACKAGE} failed: {done.stderr.strip()}", file=sys.stderr)
            return None
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            members = {m.name: m for m in tar.getmembers()}
            for name in GHES_FILES:
                member = members.get(f"package/generated/{name}")
                if member is None:
                    print(f"{name} not found in {tgz.name} (looked under package/generated/)", file=sys.stderr)
                    return None
                source = tar.extractfile(member)
                assert source is not None
                (directory / name).write_bytes(source.read())
    return wanted[0], wanted[1]


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one run of `cmd`, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, code


def best_of(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Median wall time, max peak RSS and the exit code over `runs` runs (after one warm-up)."""
    measure(cmd, env)
    results = [measure(cmd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def median_fresh(cmd: list[str], template: Path, runs: int) -> tuple[float, float, int]:
    """Like best_of, but every run (the warm-up too) gets its own copy of the cache `template`."""
    results = []
    for _ in range(runs + 1):
        with tempfile.TemporaryDirectory(prefix="govern-bench-cache-") as tmp:
            cache_dir = Path(tmp) / "cache"
            shutil.copytree(template, cache_dir)
            results.append(measure(cmd, {**os.environ, "GOVERN_CACHE_DIR": str(cache_dir)}))
    results = results[1:]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def breakdown(base: Path, revision: Path) -> str:
    """Where the time of one `govern diff` goes, measured in-process (wall seconds: the spec validation runs partly in a forked child): parse,
    `$ref` index, spec validation, the diff engine alone (source lines stubbed out), the engine
    with source lines, and rendering the JSON and text reports."""
    code = f"""
import time, sys
sys.path.insert(0, {str(ROOT)!r})
from govern.load.files import load_document
from govern.load.refs import load_tree
from govern.load.model import Contract, Limits
from govern.load.openapi import openapi_version, validate_openapi
from govern.diff.openapi import diff_openapi
from govern.diff.openapi.spec import Side
from govern.report import Report, render
from govern.rules.finding import Location
t = {{}}
def clock(name, fn):
    start = time.perf_counter(); out = fn(); t[name] = t.get(name, 0) + time.perf_counter() - start; return out
contracts = []
for path in ({str(base)!r}, {str(revision)!r}):
    doc = clock("parse", lambda: load_document(path, Limits()))
    version = openapi_version(doc)
    resolver = clock("refs", lambda: load_tree(doc, Limits(), use_ids=not version.startswith("3.0")))
    contract = Contract("openapi", doc.path, version, doc, dict(resolver.documents))
    resolver.attach(contract)
    problems = clock("validate", lambda: validate_openapi(version, resolver, doc.path))
    assert not problems, problems[:1]
    contracts.append(contract)
real = Side._location
Side._location = lambda self, w: Location(w[0], None, None, w[1])
clock("engine", lambda: diff_openapi(*contracts))
Side._location = real
findings = clock("engine+lines", lambda: diff_openapi(*contracts))
clock("json", lambda: render(Report("diff", findings, []), "json"))
clock("text", lambda: render(Report("diff", findings, []), "text"))
print(" ".join(f"{{k}} {{v:.2f}}" for k, v in t.items()) + f" ({{len(findings)}} findings)")
"""
    env = {**os.environ, "GOVERN_NO_CACHE": "1"}  # "validate" is openapi-spec-validator's own time
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ghes-dir", type=Path, default=CACHE)
    args = parser.parse_args()
    # As an installed package runs: with its .pyc files (each tool's warm-up run writes any that
    # are missing), not compiling every module on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    bindir = Path(sys.executable).parent
    govern = [str(bindir / "govern")] if (bindir / "govern").exists() else [sys.executable, "-m", "govern"]
    specshift = str(bindir / "specshift") if (bindir / "specshift").exists() else shutil.which("specshift")

    pairs: list[tuple[str, Path, Path]] = [
        ("stripe 2022-01-12 -> 2022-04-12", SPECS / "stripe-2022-01-12-28e1e6d4.json", SPECS / "stripe-2022-04-12-e0123a38.json"),
    ]
    ghes = ghes_pair(args.ghes_dir)
    if ghes is not None:
        pairs.append(("ghes-3.18 -> ghes-3.19", ghes[0], ghes[1]))

    ok = True
    print(f"{'pair':34} {'tool':22} {'wall s':>8} {'peak MB':>8} {'exit':>5}")
    for label, base, revision in pairs:
        if not base.exists() or not revision.exists():
            print(f"{label}: input missing ({base}, {revision})", file=sys.stderr)
            ok = False
            continue
        s_wall = None
        if specshift:
            s_wall, s_rss, s_code = best_of([specshift, "diff", str(base), str(revision)], args.runs)
            print(f"{label:34} {'specshift':22} {s_wall:8.2f} {s_rss:8.0f} {s_code:5d}")
        for cache in ("cold", "base known", "warm"):
            with tempfile.TemporaryDirectory(prefix="govern-bench-cache-") as cache_dir:
                env = {**os.environ, "GOVERN_CACHE_DIR": cache_dir}
                if cache == "cold":
                    env["GOVERN_NO_CACHE"] = "1"
                elif cache == "base known":
                    subprocess.run([*govern, "lint", str(base), "--format", "json"], env=env, stdout=subprocess.DEVNULL)
                runs = 1 if cache == "cold" else args.runs
                walls = {}
                for fmt in ("json", "text"):
                    cmd = [*govern, "diff", str(base), str(revision), "--format", fmt]
                    if cache == "base known":
                        g_wall, g_rss, g_code = median_fresh(cmd, Path(cache_dir), runs)
                    else:
                        g_wall, g_rss, g_code = best_of(cmd, runs, env)
                    walls[fmt] = (g_wall, g_rss)
                    print(f"{label:34} {'govern ' + fmt + ' ' + cache:22} {g_wall:8.2f} {g_rss:8.0f} {g_code:5d}")
                    if g_code not in (0, 1):
                        print(f"  govern failed (exit {g_code})")
                        ok = False
            g_wall = max(w for w, _ in walls.values())
            g_rss = max(r for _, r in walls.values())
            if s_wall is not None:
                ratio = g_wall / s_wall if s_wall else float("inf")
                print(f"{label:34} {'ratio ' + cache:22} {ratio:8.2f}   (slower govern format / specshift; target <= 1.00)")
                ok &= ratio <= 1.0
            if label.startswith("ghes"):
                print(f"{'':34} {'targets ' + cache:22} wall {'met' if g_wall < 2.0 else 'MISSED'} (< 2 s), "
                      f"memory {'met' if g_rss < 500 else 'MISSED'} (< 500 MB)")
                ok &= g_wall < 2.0 and g_rss < 500
        print(f"{'':34} {'in-process wall s':22} {breakdown(base, revision)}")
    print("speed targets:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
