# shellcheck shell=bash
# The fuzz targets, their seed directories and dictionaries: the one list that
# `.ci/run` (short runs) and `scripts/fuzz-long.sh` (long runs) both source.
# Paths are relative to fuzz/, where both call `fuzz_run`. Bash 4.3 or later.
#
# Adding a target: its `[[bin]]` in Cargo.toml, its name in FUZZ_TARGETS, its
# seeds in FUZZ_SEEDS and, if it reads recordings, a dictionary in FUZZ_DICT.
# `fuzz_check_targets` (run by both scripts) fails when the list and
# `cargo fuzz list` disagree, so a target cannot be built and never run.

# In the order the scripts run them.
FUZZ_TARGETS=(session arena_output differential differential_json registry_route recorder_jsonl transcript
    eval_config eval_run openai_chat openai_batch sharegpt inspect otel_genai)

# Seeds shared by the JSON targets: the clean sample corpus, the hostile
# files and every kept finding.
_json_seeds="../corpus/sample/session ../corpus/sample/arena_output ../corpus/sample/recorder ../corpus/invalid ../corpus/crash"

# Eval configs: our own seeds (fuzz/seeds/eval_config/, one of them the
# eval_run target's fixed plan), the sample config and, where the public
# examples lie beside the repository, their configs (read in place).
_eval_seeds="seeds/eval_config ../corpus/eval"
if [ -d ../../shared/spec/examples/eval-test/evals ]; then
    _eval_seeds+=" ../../shared/spec/examples/eval-test/evals"
fi

# The formats beyond PromptKit's: our sample files and, where the public
# examples lie beside the repository, theirs (read in place).
_more_seeds() {
    local s="../corpus/sample/$1"
    if [ -d "../../shared/spec/examples/formats/$2" ]; then
        s+=" ../../shared/spec/examples/formats/$2"
    fi
    echo "$s"
}

# Read-only seed directories per target. Each target also gets its own
# growing corpus, fuzz/corpus/<target>/ (not committed), listed first so
# that libFuzzer writes new inputs there.
declare -A FUZZ_SEEDS=(
    [session]="$_json_seeds"
    [arena_output]="$_json_seeds"
    [differential]="$_json_seeds"
    [differential_json]=""
    [registry_route]="seeds/registry_route"
    [recorder_jsonl]="../corpus/sample/recorder ../corpus/sample/session ../corpus/crash"
    [transcript]="../corpus/sample/transcript ../corpus/crash"
    [eval_config]="$_eval_seeds"
    [eval_run]="seeds/eval_run ../corpus/eval/recordings $_json_seeds ../corpus/sample/transcript"
    [openai_chat]="$(_more_seeds openai openai_chat)"
    [openai_batch]="$(_more_seeds openai openai_batch)"
    [sharegpt]="$(_more_seeds sharegpt sharegpt)"
    [inspect]="$(_more_seeds inspect inspect)"
    [otel_genai]="$(_more_seeds otel otel_genai)"
)

# libFuzzer dictionaries (fuzz/recordings.dict: the formats' keys and
# values, and what the eval handlers read; fuzz/eval.dict: the eval config
# keys, assertion types and parameters). The structured and routing targets
# do without.
declare -A FUZZ_DICT=(
    [session]=recordings.dict
    [arena_output]=recordings.dict
    [differential]=recordings.dict
    [recorder_jsonl]=recordings.dict
    [transcript]=recordings.dict
    [eval_config]=eval.dict
    [eval_run]=recordings.dict
    [openai_chat]=recordings.dict
    [openai_batch]=recordings.dict
    [sharegpt]=recordings.dict
    [otel_genai]=recordings.dict
)

# libFuzzer options for every run: a 10 s hang is a finding, and so is
# using more than 4 GiB.
FUZZ_FLAGS=(-timeout=10 -rss_limit_mb=4096 -print_final_stats=1)

# `address` (the default: AddressSanitizer with LeakSanitizer) or `none`
# (about twice the executions, no memory checks). Build and run must agree.
FUZZ_SANITIZER="${FUZZ_SANITIZER:-address}"

# fuzz_build: builds every target (release, with the sanitizer).
fuzz_build() {
    cargo +nightly fuzz build --sanitizer "$FUZZ_SANITIZER"
}

# fuzz_check_targets: FUZZ_TARGETS must be exactly the targets of Cargo.toml.
fuzz_check_targets() {
    local listed ours
    listed="$(cargo +nightly fuzz list | sort)"
    ours="$(printf '%s\n' "${FUZZ_TARGETS[@]}" | sort)"
    if [ "$listed" != "$ours" ]; then
        echo "fuzz/targets.sh: FUZZ_TARGETS differs from \`cargo fuzz list\`:" >&2
        diff <(echo "$ours") <(echo "$listed") >&2 || true
        return 1
    fi
}

# fuzz_run TARGET SECONDS [LIBFUZZER_OPTION...]: runs one target for
# SECONDS with its seeds and dictionary. libFuzzer's output goes to stderr;
# the exit status is non-zero on a finding (its input is then in
# fuzz/artifacts/TARGET/).
fuzz_run() {
    local target="$1" seconds="$2"
    shift 2
    if [ -z "${FUZZ_SEEDS[$target]+set}" ]; then
        echo "fuzz/targets.sh: unknown target $target (known: ${FUZZ_TARGETS[*]})" >&2
        return 2
    fi
    mkdir -p "corpus/$target"
    local -a dirs dict=()
    read -r -a dirs <<<"corpus/$target ${FUZZ_SEEDS[$target]}"
    if [ -n "${FUZZ_DICT[$target]:-}" ]; then
        dict=("-dict=${FUZZ_DICT[$target]}")
    fi
    cargo +nightly fuzz run --sanitizer "$FUZZ_SANITIZER" "$target" "${dirs[@]}" -- \
        -max_total_time="$seconds" "${FUZZ_FLAGS[@]}" "${dict[@]}" "$@"
}

# fuzz_summary TARGET LOG: one tab-separated line from a run's output:
# target, executions, exec/s, cov (covered edges), ft (features), corpus
# size, peak RSS in MiB, and the finding's file if there was one.
fuzz_summary() {
    local target="$1" log="$2" status execs speed rss cov ft corp artifact
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
    rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)"
    # The last status line: `#N  DONE  cov: C ft: F corp: U/SIZE ...`.
    status="$(grep -E '^#[0-9]+[[:space:]].* cov: ' "$log" | tail -n 1 || true)"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")"
    corp="$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status")"
    artifact="$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${execs:--}" "${speed:--}" "${cov:--}" \
        "${ft:--}" "${corp:--}" "${rss:--}" "${artifact:--}"
}

# shellcheck disable=SC2034 # used by the scripts that source this file
FUZZ_SUMMARY_HEADER="$(printf 'target\texecs\texec/s\tcov\tft\tcorpus\tpeak_rss_mb\tfinding')"
