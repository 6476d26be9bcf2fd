//! Corpus-scale loading: many small generated files read from disk with
//! `Loader::load_file`, on one thread and on two (rayon, one `Loader` per
//! worker job), and the owned `Registry::load` API against the zero-copy
//! `Registry::load_into`.
//!
//! The corpus (2,000 session and Arena files of 2 to 32 KB, some with 8 KiB
//! images; deterministic, seed 6) is generated once under
//! `target/bench-corpus/` and stays in the page cache, so this measures
//! parsing plus the `read` path, not the disk. Files per second are the
//! file count (in the benchmark id) divided by the median time.
//!
//! `cargo bench --bench corpus` (add `-- --warm-up-time 1 --measurement-time 3` for a quick run).

mod common;

use std::path::{Path, PathBuf};

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;

use arena_recordings::{Loader, Parser, RecordingReference, Registry};
use arena_recordings_generate::{generate, FileKind, GenerateOptions};

const FILES: usize = 2000;

fn corpus_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("bench-corpus").join(format!("small-{FILES}-seed6"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("corpus folder") {
        let p = e.expect("corpus entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn parser_for(p: &Path) -> Parser {
    if p.to_string_lossy().ends_with(".recording.json") {
        Parser::Session
    } else {
        Parser::ArenaOutput
    }
}

/// Generates the corpus when missing; returns its files (sorted) and bytes.
fn corpus() -> (Vec<(PathBuf, Parser)>, u64) {
    let dir = corpus_dir();
    let done = dir.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let opts = GenerateOptions {
            files: FILES,
            seed: 6,
            media_kb: 8,
            size_mix: false,
            kinds: vec![FileKind::Session, FileKind::Arena],
        };
        generate(&dir, &opts).expect("generate the bench corpus");
        std::fs::write(&done, b"").expect("mark the corpus complete");
    }
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    assert_eq!(paths.len(), FILES);
    let bytes = paths.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum();
    (paths.into_iter().map(|p| (p.clone(), parser_for(&p))).collect(), bytes)
}

fn load_all(loader: &mut Loader, files: &[(PathBuf, Parser)]) -> usize {
    files.iter().map(|(p, parser)| loader.load_file(p, *parser).expect("load").messages.len()).sum()
}

fn load_parallel(pool: &rayon::ThreadPool, files: &[(PathBuf, Parser)]) -> usize {
    pool.install(|| {
        files
            .par_iter()
            .map_init(Loader::new, |loader, (p, parser)| {
                loader.load_file(p, *parser).expect("load").messages.len()
            })
            .sum()
    })
}

fn corpus_load<M: Measurement>(c: &mut Criterion<M>) {
    let (files, bytes) = corpus();
    let mut loader = Loader::new();
    let messages = load_all(&mut loader, &files);
    let id = |name: &str| BenchmarkId::new(name, format!("{FILES}files"));

    let mut group = c.benchmark_group("corpus/load_file");
    group.throughput(Throughput::Bytes(bytes));
    group
        .bench_function(id("sequential"), |b| b.iter(|| assert_eq!(load_all(&mut loader, &files), messages)));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        group.bench_function(id(&format!("rayon_{threads}_threads")), |b| {
            b.iter(|| assert_eq!(load_parallel(&pool, &files), messages))
        });
    }
    group.finish();

    let registry = Registry::new();
    let refs: Vec<RecordingReference> =
        files.iter().map(|(p, _)| RecordingReference::file(p.to_string_lossy(), "")).collect();
    let mut group = c.benchmark_group("corpus/api");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(id("load_into_zero_copy"), |b| {
        b.iter(|| {
            let n: usize =
                refs.iter().map(|r| registry.load_into(r, &mut loader).expect("load").messages.len()).sum();
            assert_eq!(n, messages);
        })
    });
    group.bench_function(id("load_owned"), |b| {
        b.iter(|| {
            let n: usize = refs.iter().map(|r| registry.load(r).expect("load").0.len()).sum();
            assert_eq!(n, messages);
        })
    });
    group.finish();
}

fn main() {
    common::run(corpus_load, corpus_load);
}
