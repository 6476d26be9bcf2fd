#!/usr/bin/env bash
# The cluster benchmark (BENCHMARKS.md "SQL on a cluster"): one query over a
# generated corpus on a Ballista cluster of 1 and of 2 executors (one task
# slot each) on this machine, against the local `sql` with -j 1 and -j 2, and
# the per-query overhead of the cluster (a query over a one-file corpus).
# Runs alternate; medians and ratios are printed.
#
#   scripts/bench-cluster.sh [FILES] [REPS]     (default 3000 files, 7 reps)
#
# Builds the release binary with --features cluster into $CARGO_TARGET_DIR
# (default target/). The corpus goes to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-3000}"
REPS="${2:-7}"
cargo build --release --quiet --features cluster
BIN="${CARGO_TARGET_DIR:-target}/release/arena-recordings"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$BIN" generate "$work/corpus" --files "$FILES" --seed 7 --media-kb 16 >/dev/null
mkdir -p "$work/one" && cp "$(find "$work/corpus" -name '*.recording.json' | head -n 1)" "$work/one/"
bytes=$(du -sb "$work/corpus" | cut -f1)
# Warm the page cache.
find "$work/corpus" -type f -exec cat {} + >/dev/null

QUERY="SELECT r.format, m.role, count(*) AS n, sum(length(m.content)) AS chars FROM recordings r JOIN messages m ON m.recording_id = r.id GROUP BY r.format, m.role"
TINY="SELECT count(*) AS n FROM recordings"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_cluster N: a scheduler and N executors of one slot; sets URL.
start_cluster() {
    local n="$1" port
    port=$(free_port)
    "$BIN" cluster scheduler --bind "127.0.0.1:$port" 2>"$work/sched.log" &
    pids+=($!)
    for _ in $(seq 1 "$n"); do
        "$BIN" cluster executor --scheduler "127.0.0.1:$port" --bind "127.0.0.1:$(free_port)" -j 1 2>>"$work/exec.log" &
        pids+=($!)
    done
    URL="df://127.0.0.1:$port"
    # Wait until a query answers (executors registered).
    for _ in $(seq 1 100); do
        if "$BIN" sql --cluster "$URL" "$TINY" "$work/one" --format csv >/dev/null 2>&1; then return; fi
        sleep 0.2
    done
    echo "cluster did not start" >&2
    exit 1
}
stop_cluster() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}

# seconds CMD...: wall-clock seconds of one run (output discarded, exit checked).
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f\n", m}'; }

declare -A times
run_set() { # label cmd...
    local label="$1"
    shift
    times[$label]+="$(seconds "$@") "
}

echo "corpus: $FILES files, $bytes bytes; $REPS alternating runs; $(nproc) cores"
for n in 1 2; do
    start_cluster "$n"
    for _ in $(seq 1 "$REPS"); do
        run_set "local-j1" "$BIN" sql "$QUERY" "$work/corpus" --format csv -j 1
        run_set "local-j2" "$BIN" sql "$QUERY" "$work/corpus" --format csv -j 2
        run_set "cluster-$n" "$BIN" sql --cluster "$URL" "$QUERY" "$work/corpus" --format csv -j 8
        run_set "tiny-local" "$BIN" sql "$TINY" "$work/one" --format csv -j 1
        run_set "tiny-cluster-$n" "$BIN" sql --cluster "$URL" "$TINY" "$work/one" --format csv -j 1
    done
    stop_cluster
done

printf '%-16s %10s %10s\n' "run" "median s" "MB/s"
declare -A med
for label in local-j1 local-j2 cluster-1 cluster-2 tiny-local tiny-cluster-1 tiny-cluster-2; do
    med[$label]=$(tr ' ' '\n' <<<"${times[$label]}" | grep . | median)
    mbs=$(echo "$bytes / ${med[$label]} / 1000000" | bc -l)
    printf '%-16s %10s %10.1f\n' "$label" "${med[$label]}" "$mbs"
done
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
echo "2 executors vs 1:            $(ratio "${med[cluster-1]}" "${med[cluster-2]}")x"
echo "local -j 2 vs -j 1:          $(ratio "${med[local-j1]}" "${med[local-j2]}")x"
echo "cluster(2) vs local -j 2:    $(ratio "${med[local-j2]}" "${med[cluster-2]}")x"
echo "per-query overhead (1 file): cluster $(echo "(${med[tiny-cluster-2]} - ${med[tiny-local]}) * 1000" | bc -l | xargs printf '%.0f') ms over local"
