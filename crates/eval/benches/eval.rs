//! Evaluation cost on top of loading: a ten-assertion config (contains,
//! contains_any, content_excludes, regex, json_valid, max_length,
//! tools_called, tools_not_called, tool_call_count, no_tool_errors) run over
//! a generated corpus through the corpus engine, next to a scan (load and
//! count, nothing evaluated) of the same files, on one thread and two.
//!
//! The corpus (1,000 files of every format, 2 to 32 KB, deterministic, seed
//! 11, no inline media) is generated once under `target/bench-corpus/` and
//! stays in the page cache. Throughput is bytes of recordings per second;
//! the goal is eval >= 0.7x scan at each thread count.
//!
//! `cargo bench -p arena-recordings-eval --bench eval` (add
//! `-- --warm-up-time 1 --measurement-time 3` for a quick run). On a shared
//! machine set `ARENA_BENCH_CLOCK=cpu` to measure process CPU time (for two
//! threads that is the total work of both).

#[path = "../../core/benches/common/mod.rs"]
mod common;

use std::path::PathBuf;

use arena_eval::{EvalOptions, Plan};
use arena_recordings::{Corpus, Registry, RunOptions};
use arena_recordings_generate::{generate, GenerateOptions};
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};

const FILES: usize = 1000;

/// Four turn assertions (each assistant message) and six conversation ones.
const CONFIG: &str = r#"
apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Eval
metadata: {name: bench}
spec:
  description: ten deterministic assertions
  recording: {path: "**/*"}
  turns:
    - all_turns:
        assertions:
          - type: contains
            params: {patterns: ["the", "and"]}
          - type: regex
            params: {pattern: "(?i)\\b(error|sorry|unable)\\b", expect_match: false}
          - type: json_valid
            params: {extract_json: true}
          - type: max_length
            params: {max: 4000}
  conversation_assertions:
    - type: contains_any
      params: {patterns: ["weather", "order", "refund", "help"]}
    - type: content_excludes
      params: {patterns: ["as an ai", "lorem ipsum", "password"]}
    - type: tools_called
      params: {tool_names: [search], min_calls: 1}
    - type: tools_not_called
      params: {tool_names: [delete_account, drop_table]}
    - type: tool_call_count
      params: {max: 50}
    - type: no_tool_errors
"#;

fn corpus_dir() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("../../target"), PathBuf::from);
    target.join("bench-corpus").join(format!("eval-{FILES}-seed11"))
}

fn corpus(registry: &Registry) -> Corpus {
    let dir = corpus_dir();
    let done = dir.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let opts = GenerateOptions { files: FILES, seed: 11, media_kb: 0, ..GenerateOptions::default() };
        generate(&dir, &opts).expect("generate the bench corpus");
        std::fs::write(&done, b"").expect("mark the corpus complete");
    }
    let c = Corpus::enumerate(registry, &[dir.to_string_lossy()], "").expect("enumerate the corpus");
    assert_eq!(c.len(), FILES);
    c
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let registry = Registry::new();
    let corpus = corpus(&registry);
    let plan = Plan::parse(CONFIG, "bench.eval.yaml".as_ref()).expect("the bench config");
    assert_eq!(plan.assertions.len(), 10);
    let opts = EvalOptions::default();
    let mut g = c.benchmark_group("eval_vs_scan");
    g.throughput(Throughput::Bytes(corpus.total_bytes()));
    g.sample_size(10);
    for threads in [1usize, 2] {
        let run = RunOptions { threads, ..RunOptions::default() };
        g.bench_with_input(BenchmarkId::new("scan", threads), &run, |b, run| {
            b.iter(|| {
                let (t, counts) = corpus.fold(
                    run,
                    || 0usize,
                    |n, v| {
                        if let Ok(r) = &v.result {
                            *n += r.messages.len();
                        }
                    },
                );
                assert_eq!(t.failed, 0);
                counts.into_iter().sum::<usize>()
            })
        });
        g.bench_with_input(BenchmarkId::new("eval", threads), &run, |b, run| {
            b.iter(|| {
                let (t, counts) = corpus.fold(
                    run,
                    || 0usize,
                    |n, v| {
                        if let Ok(r) = &v.result {
                            *n += plan.evaluate(r, &opts).results.len();
                        }
                    },
                );
                assert_eq!(t.failed, 0);
                counts.into_iter().sum::<usize>()
            })
        });
    }
    g.finish();
}

fn main() {
    common::run(bench, bench);
}
