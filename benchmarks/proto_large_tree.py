"""Speed and memory of govern's protobuf diff against `buf breaking`, on a large and a small tree.

The large tree is proto_gen.large_tree: thousands of proto3 files in hundreds of packages, each
importing up to three recent files (deep import chains), with a one-field type change in the
revision. The small tree is one generated (base, revision) pair. Each tool runs as its own
process, as a user would run it; wall time and peak RSS come from wait4() on that process.
buf runs `buf breaking revision --against base --error-format json` with a buf.yaml that uses
FILE in both trees.

On the small tree (and on a 1-file tree), where starting the process is most of the cost, govern
is the real command line, `govern diff base revision --format json` (the installed script), run alternately with buf
in the same loop so both see the same machine; the medians and their ratio are printed (target:
govern no slower than buf). On both trees a Python process that loads both sides (protoc in
process) and diffs them, without the CLI, also reports where its time goes.

    python benchmarks/proto_large_tree.py [--files 3000] [--small-runs 11] [--no-buf] [--keep DIR]

Before timing, govern runs once with bytecode caching on, as an installed package would have
its .pyc files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

import proto_gen  # noqa: E402
from proto_buf_agreement import find_buf  # noqa: E402

BUF_YAML = "version: v2\nbreaking:\n  use: [FILE]\n"

# The 1-file tree: one message loses a field (FIELD_NO_DELETE), nothing else.
ONE_FILE = {
    "base": 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n  int32 total = 2;\n}\n',
    "revision": 'syntax = "proto3";\npackage shop.v1;\nmessage Order {\n  string id = 1;\n}\n',
}

GOVERN = """
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from govern.load.proto import load_proto
from govern.diff.proto import diff_proto
t1 = time.perf_counter()
base = load_proto("base")
t2 = time.perf_counter()
revision = load_proto("revision")
t3 = time.perf_counter()
findings = diff_proto(base, revision)
t4 = time.perf_counter()
print(json.dumps({{"ids": sorted(f.id for f in findings), "import": t1 - t0, "load_base": t2 - t1,
                  "load_revision": t3 - t2, "diff": t4 - t3}}))
"""


def measure(cmd: list[str], cwd: str, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KiB, stdout) of one process."""
    out = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    return wall, int(usage.ru_maxrss), out.read().decode("utf-8", "replace")


def govern_cmd() -> list[str]:
    return [sys.executable, "-c", GOVERN.format(root=ROOT)]


def govern_cli() -> list[str]:
    """The installed `govern` script next to this Python (else `python -m govern`)."""
    script = os.path.join(os.path.dirname(sys.executable), "govern")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "govern"]


def buf_cmd(buf: str) -> list[str]:
    return [buf, "breaking", "revision", "--against", "base", "--error-format", "json"]


def govern_env(write_bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def buf_ids(stdout: str) -> list[str]:
    return sorted(json.loads(line)["type"] for line in stdout.splitlines() if line.strip())


def cli_vs_buf(workdir: str, buf: str | None, runs: int) -> dict[str, object]:
    """`govern diff base revision --format json` (the real CLI process) against `buf breaking`,
    alternating run by run; medians of `runs` each."""
    cli = [*govern_cli(), "diff", "base", "revision", "--format", "json"]
    _, _, out = measure(cli, workdir, govern_env(True))  # warm-up: .pyc files, and the findings
    report = json.loads(out)
    result: dict[str, object] = {"cli_ids": sorted({f["id"] for f in report["findings"]})}
    gov: list[tuple[float, int, str]] = []
    runs_buf: list[tuple[float, int, str]] = []
    if buf is not None:
        measure(buf_cmd(buf), workdir)  # warm-up
    for _ in range(runs):
        gov.append(measure(cli, workdir, govern_env(False)))
        if buf is not None:
            runs_buf.append(measure(buf_cmd(buf), workdir))
    result["cli_s"] = statistics.median(g[0] for g in gov)
    result["cli_rss_kib"] = max(g[1] for g in gov)
    if runs_buf:
        result["buf_s"] = statistics.median(b[0] for b in runs_buf)
        result["buf_rss_kib"] = max(b[1] for b in runs_buf)
        result["buf_ids"] = sorted(set(buf_ids(runs_buf[-1][2])))
    return result


def report_cli(name: str, r: dict[str, object]) -> None:
    print(f"== {name}")
    print(f"  govern diff base revision --format json: {float(r['cli_s']) * 1000:.0f} ms wall (median), "  # type: ignore[arg-type]
          f"peak RSS {int(r['cli_rss_kib']) / 1024:.0f} MiB; rules {r['cli_ids']}")  # type: ignore[call-overload]  # fmt: skip
    if "buf_s" in r:
        print(f"  buf breaking --error-format json:        {float(r['buf_s']) * 1000:.0f} ms wall (median), "  # type: ignore[arg-type]
              f"peak RSS {int(r['buf_rss_kib']) / 1024:.0f} MiB; rules {r['buf_ids']}")  # type: ignore[call-overload]  # fmt: skip
        ratio = float(r["cli_s"]) / float(r["buf_s"])  # type: ignore[arg-type]
        verdict = "no slower than buf" if ratio <= 1.0 else "SLOWER than buf"
        print(f"  govern CLI / buf wall time: {ratio:.2f} ({verdict})")


def bench_tree(workdir: str, buf: str | None, runs: int) -> dict[str, object]:
    # Warm-up: write .pyc files (as an installed package has them) and check the result.
    _, _, out = measure(govern_cmd(), workdir, govern_env(True))
    detail = json.loads(out.strip().splitlines()[-1])
    gov = [measure(govern_cmd(), workdir, govern_env(False)) for _ in range(runs)]
    result: dict[str, object] = {
        "govern_s": statistics.median(g[0] for g in gov),
        "govern_rss_kib": max(g[1] for g in gov),
        "govern_ids": detail["ids"],
        "govern_detail": json.loads(gov[-1][2].strip().splitlines()[-1]),
    }
    if buf is not None:
        runs_buf = [measure(buf_cmd(buf), workdir) for _ in range(runs)]
        result["buf_s"] = statistics.median(b[0] for b in runs_buf)
        result["buf_rss_kib"] = max(b[1] for b in runs_buf)
        result["buf_ids"] = buf_ids(runs_buf[-1][2])
    return result


def report(name: str, r: dict[str, object]) -> None:
    d = r["govern_detail"]
    assert isinstance(d, dict)
    print(f"== {name}")
    print(f"  govern: {r['govern_s']:.2f} s wall, peak RSS {int(r['govern_rss_kib']) / 1024:.0f} MiB  "  # type: ignore[call-overload]
          f"(import {d['import']:.2f} s, load base {d['load_base']:.2f} s, load revision "
          f"{d['load_revision']:.2f} s, diff {d['diff']:.3f} s); findings {r['govern_ids']}")  # fmt: skip
    if "buf_s" in r:
        print(f"  buf:    {r['buf_s']:.2f} s wall, peak RSS {int(r['buf_rss_kib']) / 1024:.0f} MiB; findings {r['buf_ids']}")  # type: ignore[call-overload]
        speed = float(r["buf_s"]) / float(r["govern_s"])  # type: ignore[arg-type]
        memory = float(r["govern_rss_kib"]) / float(r["buf_rss_kib"])  # type: ignore[arg-type]
        print(f"  govern is {speed:.2f}x as fast as buf and uses {memory:.2f}x its peak memory")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=3000, help="files in the large tree")
    ap.add_argument("--large-runs", type=int, default=1)
    ap.add_argument("--small-runs", type=int, default=11)
    ap.add_argument("--small-seed", type=int, default=7)
    ap.add_argument("--no-buf", action="store_true", help="time govern only")
    ap.add_argument("--keep", help="write the trees here and keep them")
    args = ap.parse_args(argv)
    buf = None if args.no_buf else find_buf()
    if buf is None and not args.no_buf:
        print("buf not found (pip install buf-bin); timing govern only", file=sys.stderr)
    top = args.keep or tempfile.mkdtemp(prefix="govern-bench-")
    try:
        small = os.path.join(top, "small")
        pr = proto_gen.pair(args.small_seed)
        proto_gen.write(pr.base, os.path.join(small, "base"), BUF_YAML)
        proto_gen.write(pr.revision, os.path.join(small, "revision"), BUF_YAML)
        large = os.path.join(top, "large")
        t0 = time.perf_counter()
        paths = proto_gen.large_tree(os.path.join(large, "base"), args.files)
        shutil.copytree(os.path.join(large, "base"), os.path.join(large, "revision"))
        proto_gen.mutate_one_field(os.path.join(large, "revision"), paths[len(paths) // 2])
        for side in ("base", "revision"):
            with open(os.path.join(large, side, "buf.yaml"), "w") as fh:
                fh.write(BUF_YAML)
        size = sum(os.path.getsize(os.path.join(large, "base", p)) for p in paths)
        print(f"large tree: {args.files} files, {size / 1e6:.1f} MB per side (written in {time.perf_counter() - t0:.1f} s)")
        print(f"small tree: {len(pr.base)} files; mutations: {'; '.join(pr.mutations)}")
        report_cli(f"small tree, CLI process (median of {args.small_runs}, alternating with buf)",
                   cli_vs_buf(small, buf, args.small_runs))
        one = os.path.join(top, "one")
        for side, text in ONE_FILE.items():
            proto_gen.write({"shop/v1/shop.proto": text}, os.path.join(one, side), BUF_YAML)
        report_cli(f"1-file tree, CLI process (median of {args.small_runs}, alternating with buf)",
                   cli_vs_buf(one, buf, args.small_runs))
        report(f"small tree, in-process load and diff (median of {args.small_runs})", bench_tree(small, buf, args.small_runs))
        report(f"large tree ({args.files} files, median of {args.large_runs})", bench_tree(large, buf, args.large_runs))
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
