#!/usr/bin/env bash
# Long fuzzing runs, for a developer or a nightly job (CI keeps its short
# runs in .ci/run). See README.md "Fuzzing".
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/fuzz-long.sh [-m MINUTES] [-j JOBS] [-s SANITIZER] [TARGET...]

Builds the fuzz targets (cargo-fuzz, nightly toolchain) and runs each one
for MINUTES, JOBS targets at a time, with the seeds and dictionaries of
fuzz/targets.sh (the same as CI's). Each target keeps its growing corpus in
fuzz/corpus/<target>/, so a second run continues where the first stopped.

  -m MINUTES    run time per target (default 60)
  -j JOBS       targets run at once (default: the number of cores, nproc)
  -s SANITIZER  address (default: AddressSanitizer and LeakSanitizer) or none
                (about twice the executions, no memory checks)
  TARGET...     the targets to run (default: all of them, in list order)

Extra libFuzzer options can be given in FUZZ_ARGS (for example
FUZZ_ARGS='-workers=2 -jobs=2' when there are more cores than targets).

Output: libFuzzer's log per target in fuzz/logs/<UTC time>/<target>.log and
a summary, printed and written as summary.tsv beside the logs, one line per
target: executions, executions per second, coverage (cov: covered edges,
ft: features), corpus size, peak RSS in MiB, and the finding's input if
there was one. Exit status 1 if any target found something (the input is in
fuzz/artifacts/<target>/; minimise it with `cargo +nightly fuzz tmin` and
keep it in corpus/crash/), 2 on a usage error.
EOF
}

minutes=60
jobs="$(nproc)"
while getopts "m:j:s:h" opt; do
    case "$opt" in
        m) minutes="$OPTARG" ;;
        j) jobs="$OPTARG" ;;
        s) export FUZZ_SANITIZER="$OPTARG" ;;
        h)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
done
shift $((OPTIND - 1))
if ! [[ "$minutes" =~ ^[0-9]+$ && "$minutes" -gt 0 && "$jobs" =~ ^[0-9]+$ && "$jobs" -gt 0 ]]; then
    echo "fuzz-long: -m and -j take positive whole numbers" >&2
    exit 2
fi

cd "$(dirname "$0")/../fuzz"
# shellcheck source=SCRIPTDIR/../fuzz/targets.sh
source ./targets.sh

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=("${FUZZ_TARGETS[@]}")
fi
for t in "${targets[@]}"; do
    if [ -z "${FUZZ_SEEDS[$t]+set}" ]; then
        echo "fuzz-long: unknown target $t (known: ${FUZZ_TARGETS[*]})" >&2
        exit 2
    fi
done

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
fuzz_build
fuzz_check_targets

logs="logs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$logs"
seconds=$((minutes * 60))
read -r -a extra <<<"${FUZZ_ARGS:-}"

run_one() {
    local t="$1" rc=0
    fuzz_run "$t" "$seconds" "${extra[@]}" >"$logs/$t.log" 2>&1 || rc=$?
    echo "$rc" >"$logs/$t.rc"
    echo "fuzz-long: $t finished (exit $rc)" >&2
}

echo "fuzz-long: ${#targets[@]} targets, ${minutes} min each, $jobs at a time," \
    "sanitizer $FUZZ_SANITIZER; logs in fuzz/$logs/" >&2
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    echo "fuzz-long: $t started $(date -u +%H:%M:%S)" >&2
    run_one "$t" &
    running=$((running + 1))
done
wait

failed=()
{
    echo "$FUZZ_SUMMARY_HEADER"
    for t in "${targets[@]}"; do
        fuzz_summary "$t" "$logs/$t.log"
    done
} >"$logs/summary.tsv"
for t in "${targets[@]}"; do
    if [ "$(cat "$logs/$t.rc" 2>/dev/null || echo missing)" != 0 ]; then
        failed+=("$t")
    fi
done
column -t -s $'\t' "$logs/summary.tsv" 2>/dev/null || cat "$logs/summary.tsv"
if [ "${#failed[@]}" -gt 0 ]; then
    for t in "${failed[@]}"; do
        echo "fuzz-long: $t FOUND something; the end of fuzz/$logs/$t.log:" >&2
        tail -n 40 "$logs/$t.log" >&2
    done
    echo "fuzz-long: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz-long: all ${#targets[@]} targets clean for ${minutes} min each" >&2
