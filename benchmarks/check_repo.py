"""Wall time of `govern check --base` on a generated repository of many contracts.

The repository holds `--contracts` contracts (default 300) of mixed kinds, copied from the bundled
example system so each one is realistic: OpenAPI documents with a referenced schema file
(contracts/orders/v1), AsyncAPI documents (contracts/events/v1), JSON Schema files
(contracts/schemas/v1) and proto directories with imports (contracts/payments/v1). On top of
the first commit come H earlier commits (each edits a few contracts), then the base commit; the
change commit replaces N contracts with their v2 revision (real breaking and compatible changes).
`govern check --base BASE` then lints every contract and diffs the N changed ones.

    python benchmarks/check_repo.py [--contracts 300] [--changed 10,50,150] [--history 1,50]
                                    [--jobs 0] [--keep DIR]

Each run is one `python -m govern check` process, as in CI; the report checks that exactly N
contracts were diffed. The target: under 30 s on 2 cores, growing linearly with N and flat in H.
`cpu s` (user + system time of govern and its workers) is the figure to compare across runs on a
shared machine; `check s` is wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONTRACTS = os.path.join(ROOT, "contracts")

# kind -> (share of the contracts, v1 source, v2 source, target name inside the contract folder)
KINDS = {
    "openapi": (0.35, "orders/v1", "orders/v2", None),
    "asyncapi": (0.25, "events/v1/asyncapi.yaml", "events/v2/asyncapi.yaml", "asyncapi.yaml"),
    "jsonschema": (0.20, "schemas/v1/order-placed.schema.json", "schemas/v2/order-placed.schema.json", "order-placed.schema.json"),
    "proto": (0.20, "payments/v1", "payments/v2", None),
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: str, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def plan(total: int) -> list[tuple[str, str]]:
    """(kind, folder) for every contract, kinds interleaved so any prefix is mixed."""
    counts = {k: round(share * total) for k, (share, *_) in KINDS.items()}
    counts["openapi"] += total - sum(counts.values())
    out: list[tuple[str, str]] = []
    index = {k: 0 for k in KINDS}
    while len(out) < total:
        for kind in KINDS:
            if index[kind] < counts[kind]:
                out.append((kind, f"services/{kind}-{index[kind]:03d}"))
                index[kind] += 1
    return out


def place(repo: str, kind: str, folder: str, revision: int) -> None:
    """Write the v1 or v2 revision of one contract into `folder`."""
    _, v1, v2, name = KINDS[kind]
    source = os.path.join(CONTRACTS, v1 if revision == 1 else v2)
    target = os.path.join(repo, folder)
    if name is None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
    else:
        os.makedirs(target, exist_ok=True)
        shutil.copy(source, os.path.join(target, name))


def touch(repo: str, kind: str, folder: str, stamp: int) -> None:
    """A harmless edit for history commits: a comment line in the contract's main file."""
    if kind == "jsonschema":
        path = os.path.join(repo, folder, "order-placed.schema.json")
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        doc["$comment"] = f"revision {stamp}"
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
        return
    main = {"openapi": "openapi.yaml", "asyncapi": "asyncapi.yaml", "proto": "acme/payments/v1/types.proto"}[kind]
    prefix = "//" if kind == "proto" else "#"
    with open(os.path.join(repo, folder, main), "a", encoding="utf-8") as fh:
        fh.write(f"{prefix} revision {stamp}\n")


def build(repo: str, total: int, history: int, changed: int) -> str:
    """Create the repository; returns the base commit. HEAD is the change commit."""
    contracts = plan(total)
    git(repo, "init", "-q", "-b", "main")
    for kind, folder in contracts:
        place(repo, kind, folder, 1)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "contracts v1")
    for h in range(1, history):
        for offset in range(5):  # each earlier commit edits five contracts
            kind, folder = contracts[(h * 7 + offset * 61) % total]
            touch(repo, kind, folder, h)
        git(repo, "commit", "-qam", f"history {h}")
    base = git(repo, "rev-parse", "HEAD").strip()
    step = max(1, total // changed) if changed else 1
    picked = [contracts[(i * step) % total] for i in range(changed)]
    assert len(set(picked)) == changed, "choose --changed <= --contracts"
    for kind, folder in picked:
        place(repo, kind, folder, 2)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"change {changed} contracts")
    return base


def run_check(repo: str, base: str, jobs: int) -> tuple[float, float, dict[str, object]]:
    """(wall seconds, CPU seconds of govern and its workers, the JSON report)."""
    env = {**os.environ, "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "govern", "check", "--base", base, "--format", "json", "--fail-on", "ERR"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"govern check failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, cpu, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=300)
    parser.add_argument("--changed", default="10,50,150", help="comma-separated N values")
    parser.add_argument("--history", default="1,50", help="comma-separated history lengths (commits before the base)")
    parser.add_argument("--jobs", type=int, default=0, help="govern --jobs (0: all cores)")
    parser.add_argument("--keep", help="build the repositories under DIR and keep them")
    args = parser.parse_args()
    ns = [int(n) for n in args.changed.split(",")]
    hs = [int(h) for h in args.history.split(",")]
    # Cases: every N with the shortest history, then the longest history with the extreme Ns.
    cases = [(n, hs[0]) for n in ns] + [(n, h) for h in hs[1:] for n in (ns[0], ns[-1])]
    work = args.keep or tempfile.mkdtemp(prefix="govern-bench-")
    os.makedirs(work, exist_ok=True)
    sys.path.insert(0, ROOT)
    print(f"govern check --base on {args.contracts} contracts ({os.cpu_count()} cores, --jobs {args.jobs or 'all'}, "
          f"load average {os.getloadavg()[0]:.1f} before the first run)")
    print(f"{'changed N':>9} {'history':>8} {'build s':>8} {'check s':>8} {'cpu s':>7} {'diffed':>7} {'findings':>9}")
    rows = []
    try:
        for n, h in cases:
            repo = os.path.join(work, f"repo-n{n}-h{h}")
            shutil.rmtree(repo, ignore_errors=True)
            os.makedirs(repo)
            t0 = time.perf_counter()
            base = build(repo, args.contracts, h, n)
            built = time.perf_counter() - t0
            wall, cpu, doc = run_check(repo, base, args.jobs)
            meta = doc.get("meta", {})
            diffed = len(meta.get("diffed", [])) if isinstance(meta, dict) else -1
            findings = len(doc["findings"])  # type: ignore[arg-type]
            assert len(doc["inputs"]) == args.contracts, f"{len(doc['inputs'])} contracts discovered"  # type: ignore[arg-type]
            rows.append((n, h, wall))
            print(f"{n:>9} {h:>8} {built:>8.1f} {wall:>8.1f} {cpu:>7.1f} {diffed:>7} {findings:>9}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    short = sorted((n, w) for n, h, w in rows if h == hs[0])
    if len(short) >= 2:
        (n0, w0), (n1, w1) = short[0], short[-1]
        slope = (w1 - w0) / (n1 - n0)
        print(f"\nper changed contract: {slope:.3f} s (from N={n0} to N={n1}); "
              f"fixed part (lint of all {args.contracts}, startup): {w0 - slope * n0:.1f} s")
    for h in hs[1:]:
        for n in (ns[0], ns[-1]):
            a = next(w for m, g, w in rows if m == n and g == hs[0])
            b = next(w for m, g, w in rows if m == n and g == h)
            print(f"history {hs[0]} -> {h} commits at N={n}: {a:.1f} s -> {b:.1f} s ({(b - a) / a:+.0%})")


if __name__ == "__main__":
    main()
