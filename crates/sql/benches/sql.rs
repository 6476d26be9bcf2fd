//! `sql` and `export --format parquet` against `scan` on the same files.
//!
//! The corpus (1,000 generated files of every format, 2 to 32 KB, some with
//! 4 KiB images; deterministic, seed 12) is generated once under
//! `target/bench-corpus/` and stays in the page cache. Every benchmark of the
//! group `sql/vs_scan` loads all of it; throughput is the corpus's bytes over
//! the median time, so the ratios are throughput ratios:
//!
//! * `scan_*`: what `arena-recordings scan` does (load, count messages by role);
//! * `arrow_build_*`: load and build all three tables' batches, then drop them
//!   (the Arrow cost without Parquet encoding or a query);
//! * `parquet_export_*`: `export --format parquet` into a temporary directory;
//! * `sql_count_by_role_*`: `SELECT role, count(*) FROM messages GROUP BY role`;
//! * `sql_count_recordings_*`: `SELECT count(*) FROM recordings` (no message row built).
//!
//! `cargo bench -p arena-recordings-sql --bench sql` (add
//! `-- --warm-up-time 1 --measurement-time 5` for a quick run).

use std::collections::HashMap;
use std::path::PathBuf;

use arena_recordings::{Corpus, Registry, RunOptions};
use arena_recordings_arrow::{export_corpus, Tables};
use arena_recordings_generate::{generate, GenerateOptions};
use arena_recordings_sql::{run_query, OutputFormat, QueryOptions};
use criterion::{BenchmarkId, Criterion, Throughput};

const FILES: usize = 1000;

fn corpus() -> Corpus {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("../../target"), PathBuf::from);
    let dir = target.join("bench-corpus").join(format!("sql-{FILES}-seed12"));
    let done = dir.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let opts = GenerateOptions { files: FILES, seed: 12, media_kb: 4, ..GenerateOptions::default() };
        generate(&dir, &opts).expect("generate the bench corpus");
        std::fs::write(&done, b"").expect("mark the corpus complete");
    }
    let corpus = Corpus::enumerate(&Registry::new(), &[dir.to_string_lossy()], "").expect("enumerate");
    assert_eq!(corpus.len(), FILES);
    corpus
}

/// `scan`'s work: messages by role, per worker, merged.
fn scan(corpus: &Corpus, opts: &RunOptions) -> u64 {
    let (_, states) = corpus.fold(opts, HashMap::<String, u64>::new, |roles, v| {
        if let Ok(rec) = v.result {
            for m in rec.messages {
                match roles.get_mut(m.role) {
                    Some(n) => *n += 1,
                    None => {
                        roles.insert(m.role.to_owned(), 1);
                    }
                }
            }
        }
    });
    states.iter().flat_map(|s| s.values()).sum()
}

fn query(corpus: &Corpus, threads: usize, q: &str) -> usize {
    let mut out = Vec::new();
    let opts = QueryOptions { threads, ..QueryOptions::default() };
    run_query(q, corpus, &opts, OutputFormat::Json, &mut out).expect("query");
    out.len()
}

fn vs_scan(c: &mut Criterion) {
    let corpus = corpus();
    let mut group = c.benchmark_group("sql/vs_scan");
    group.throughput(Throughput::Bytes(corpus.total_bytes()));
    group.sample_size(10);
    let messages = scan(&corpus, &RunOptions::default());
    assert!(messages > 0);
    let tmp = tempfile::tempdir().expect("temporary directory");
    for threads in [1, 2] {
        let id = |name: &str| BenchmarkId::new(name, format!("{threads}_threads"));
        let opts = RunOptions { threads, ..RunOptions::default() };
        group.bench_function(id("scan"), |b| b.iter(|| assert_eq!(scan(&corpus, &opts), messages)));
        group.bench_function(id("arrow_build"), |b| {
            b.iter(|| {
                let (_, rows) = corpus.fold(
                    &opts,
                    || 0usize,
                    |n, v| {
                        let mut t = Tables::default();
                        t.push(&v.reference(), v.size(), &v.result);
                        *n += t.finish()[1].iter().map(|b| b.num_rows()).sum::<usize>();
                    },
                );
                assert_eq!(rows.iter().sum::<usize>() as u64, messages);
            })
        });
        group.bench_function(id("parquet_export"), |b| {
            b.iter(|| export_corpus(&corpus, &opts, &tmp.path().join("pq"), |_| {}).expect("export"))
        });
        group.bench_function(id("sql_count_by_role"), |b| {
            b.iter(|| query(&corpus, threads, "SELECT role, count(*) AS n FROM messages GROUP BY role"))
        });
        group.bench_function(id("sql_count_recordings"), |b| {
            b.iter(|| query(&corpus, threads, "SELECT count(*) AS n FROM recordings"))
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    vs_scan(&mut c);
    c.final_summary();
}
