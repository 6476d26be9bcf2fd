"""Whole-corpus timings of the Python package against the CLI and plain Python.

    python python/bench/bench.py [--files N] [--media-kb K] [--threads T] [--runs R]

Generates a corpus with `arena-recordings generate` (the release binary:
`cargo build --release` first, or set ARENA_RECORDINGS_BIN), then times,
alternating the contenders run by run, from files on disk (warm page cache)
to results in Python:

* cli scan       `arena-recordings scan DIR -j T` (whole process)
* cli export     `arena-recordings export DIR -j T > /dev/null` (whole process)
* py scan        `arena_recordings.scan(DIR, threads=T)`
* py to_arrow    `pyarrow.table(arena_recordings.to_arrow(DIR, table))` for each table
* py export      `list(arena_recordings.export(DIR, threads=T))` (dictionaries)
* json.load      `[json.load(open(f)) for f in files]` (the plain-Python way)

and prints the median of each, its throughput and its ratio to `cli scan`.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import arena_recordings as ar

REPO = pathlib.Path(__file__).resolve().parents[2]


def binary():
    env = os.environ.get("ARENA_RECORDINGS_BIN")
    if env:
        return env
    p = REPO / "target" / "release" / "arena-recordings"
    if not p.exists():
        sys.exit("build the CLI first: cargo build --release (or set ARENA_RECORDINGS_BIN)")
    return str(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--media-kb", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--dir", help="an existing corpus instead of a generated one")
    args = ap.parse_args()
    import pyarrow as pa

    cli = binary()
    tmp = None
    if args.dir:
        corpus = args.dir
    else:
        tmp = tempfile.TemporaryDirectory()
        corpus = os.path.join(tmp.name, "corpus")
        subprocess.run(
            # JSON documents only (session recordings, Arena output), so that
            # plain json.load reads every file.
            [cli, "generate", corpus, "--files", str(args.files), "--media-kb", str(args.media_kb), "--seed", "1",
             "--kinds", "session,arena"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    files = [e["id"] for e in map(json.loads, subprocess.run([cli, "ls", corpus, "--format", "json"], check=True, capture_output=True, text=True).stdout.splitlines())]
    total = sum(os.path.getsize(f) for f in files)
    t = args.threads

    def run_cli(*a):
        subprocess.run([cli, *a, "-j", str(t)], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def json_load():
        out = []
        for f in files:
            with open(f, "rb") as fh:
                out.append(json.load(fh))
        return out

    contenders = {
        "cli scan": lambda: run_cli("scan", corpus),
        "cli export": lambda: run_cli("export", corpus),
        "py scan": lambda: ar.scan(corpus, threads=t),
        "py to_arrow recordings": lambda: pa.table(ar.to_arrow(corpus, "recordings", threads=t)),
        "py to_arrow messages": lambda: pa.table(ar.to_arrow(corpus, "messages", threads=t)),
        "py to_arrow tool_calls": lambda: pa.table(ar.to_arrow(corpus, "tool_calls", threads=t)),
        "py export (dicts)": lambda: list(ar.export(corpus, threads=t)),
        "json.load per file": json_load,
    }
    times = {k: [] for k in contenders}
    for f in contenders.values():  # warm the page cache and the imports
        f()
    for _ in range(args.runs):
        for name, f in contenders.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["cli scan"])
    print(f"{len(files)} files, {total / 1e6:.1f} MB, {t} thread(s), median of {args.runs} runs")
    print(f"{'contender':<24} {'median s':>9} {'MB/s':>8} {'x cli scan':>11}")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<24} {m:>9.3f} {total / 1e6 / m:>8.1f} {base / m:>11.2f}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
