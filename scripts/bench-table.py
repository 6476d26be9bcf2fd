#!/usr/bin/env python3
"""Prints criterion medians as a markdown table with ratios to the baselines.

Usage: scripts/bench-table.py [target/criterion] [GROUP_PREFIX]
Reads every <group>/<function>/<param>/new/{estimates,benchmark}.json.
"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
prefix = sys.argv[2] if len(sys.argv) > 2 else ""
rows = {}
for dirpath, dirs, files in os.walk(root):
    if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
        continue
    bench = json.load(open(os.path.join(dirpath, "benchmark.json")))
    est = json.load(open(os.path.join(dirpath, "estimates.json")))
    group = bench["group_id"]
    if not group.startswith(prefix):
        continue
    median_ns = est["median"]["point_estimate"]
    tp = bench.get("throughput") or {}
    nbytes = tp.get("Bytes") or tp.get("BytesDecimal")
    files = None
    value = bench.get("value_str") or ""
    if value.endswith("files"):
        files = int(value[: -len("files")])
    rows.setdefault(group, {})[bench["function_id"]] = (median_ns, nbytes, files)

def rate(ns, nbytes):
    if not nbytes:
        return f"{ns / 1e6:.3f} ms"
    gbs = nbytes / ns  # bytes per ns == GB/s
    return f"{gbs:.2f} GB/s"

corpus = sorted(g for g in rows if "arena_recordings" not in rows[g])
if corpus:
    print("| group | function | bytes | files | median | MB/s | files/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for group in corpus:
        for fn, (ns, nb, files) in sorted(rows[group].items()):
            mbs = f"{nb / ns * 1e3:.0f}" if nb else ""
            fps = f"{files / ns * 1e9:.0f}" if files else ""
            print(f"| {group} | {fn} | {nb or ''} | {files or ''} | {ns / 1e6:.2f} ms | {mbs} | {fps} |")
    print()
print("| group | bytes | arena_recordings | serde_json | sonic_rs | vs serde_json | vs sonic_rs |")
print("|---|---:|---:|---:|---:|---:|---:|")
for group in sorted(rows):
    fns = rows[group]
    ours = fns.get("arena_recordings")
    if not ours:
        continue
    cells = []
    for fn in ["arena_recordings", "serde_json", "sonic_rs"]:
        cells.append(rate(*fns[fn][:2]) if fn in fns else "")
    ratios = [f"{fns[fn][0] / ours[0]:.2f}x" if fn in fns else "" for fn in ["serde_json", "sonic_rs"]]
    print(f"| {group} | {ours[1]} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
