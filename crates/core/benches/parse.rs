//! Parse throughput per format and input shape: our zero-copy
//! `Loader::load_bytes` against the typed baselines a user would otherwise
//! write, serde_json and sonic-rs deserialising the same bytes into borrowed
//! structs with the same fields (roles, contents, parts with media, tool
//! calls with raw arguments, tool results, timestamps, cost and meta as raw
//! JSON). All three see the same generated document; setup is outside the
//! timed loop and every iteration checks the message count.
//!
//! The baselines are the favourable case for them: keys are matched
//! case-sensitively, timestamps stay unparsed strings, and raw values are
//! borrowed slices rather than compact re-encodings.
//!
//! `cargo bench --bench parse` (add `-- --warm-up-time 1 --measurement-time 3` for a quick run).

mod common;

use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::path::PathBuf;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};

use arena_recordings::{Loader, Parser};
use arena_recordings_generate::{document, DocumentSpec, FileKind, Shape};

#[path = "common/baseline.rs"]
mod baseline;
use baseline::{sj, sonic};

/// The inputs: one document per format and shape.
fn inputs() -> Vec<(FileKind, Shape, usize, usize)> {
    let mut v = Vec::new();
    for kind in [FileKind::Session, FileKind::Arena] {
        // Media-heavy: 256 KiB base64 images in most user turns.
        v.push((kind, Shape::MediaHeavy, 1 << 20, 256));
        // Text-heavy: long multi-paragraph UTF-8 (CJK, emoji, accents, markdown).
        v.push((kind, Shape::TextHeavy, 1 << 20, 0));
        // \u-escape-heavy: every non-ASCII character escaped, as ensure_ascii writes.
        v.push((kind, Shape::EscapeHeavy, 1 << 20, 0));
        // Many tiny messages (and, for sessions, non-message events).
        v.push((kind, Shape::TinyEvents, 1 << 20, 0));
        // A typical small recording: mixed content, 16 KB.
        v.push((kind, Shape::Mixed, 16 << 10, 8));
    }
    v
}

fn parse<M: Measurement>(c: &mut Criterion<M>) {
    for (kind, shape, target_bytes, media_kb) in inputs() {
        let doc = document(&DocumentSpec { kind, shape, target_bytes, media_kb, seed: 2026 });
        let bytes = doc.bytes;
        let n = doc.messages;
        let parser = match kind {
            FileKind::Session => Parser::Session,
            _ => Parser::ArenaOutput,
        };
        let mut loader = Loader::new();
        // Sanity outside the timer: every parser agrees on the count.
        assert_eq!(loader.load_bytes(&bytes, parser).unwrap().messages.len(), n);

        let mut group = c.benchmark_group(format!("parse/{}/{}", kind.as_str(), shape.as_str()));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(BenchmarkId::new("arena_recordings", bytes.len()), |b| {
            b.iter(|| {
                let rec = loader.load_bytes(black_box(&bytes), parser).unwrap();
                assert_eq!(rec.messages.len(), n);
            })
        });
        match kind {
            FileKind::Session => {
                assert_eq!(sj::session_messages(&serde_json::from_slice(&bytes).unwrap()), n);
                assert_eq!(sonic::session_messages(&sonic_rs::from_slice(&bytes).unwrap()), n);
                group.bench_function(BenchmarkId::new("serde_json", bytes.len()), |b| {
                    b.iter(|| {
                        let s: sj::Session<'_> = serde_json::from_slice(black_box(&bytes)).unwrap();
                        assert_eq!(sj::session_messages(&s), n);
                    })
                });
                group.bench_function(BenchmarkId::new("sonic_rs", bytes.len()), |b| {
                    b.iter(|| {
                        let s: sonic::Session<'_> = sonic_rs::from_slice(black_box(&bytes)).unwrap();
                        assert_eq!(sonic::session_messages(&s), n);
                    })
                });
            }
            _ => {
                assert_eq!(sj::run_messages(&serde_json::from_slice(&bytes).unwrap()), n);
                assert_eq!(sonic::run_messages(&sonic_rs::from_slice(&bytes).unwrap()), n);
                group.bench_function(BenchmarkId::new("serde_json", bytes.len()), |b| {
                    b.iter(|| {
                        let r: sj::Run<'_> = serde_json::from_slice(black_box(&bytes)).unwrap();
                        assert_eq!(sj::run_messages(&r), n);
                    })
                });
                group.bench_function(BenchmarkId::new("sonic_rs", bytes.len()), |b| {
                    b.iter(|| {
                        let r: sonic::Run<'_> = sonic_rs::from_slice(black_box(&bytes)).unwrap();
                        assert_eq!(sonic::run_messages(&r), n);
                    })
                });
            }
        }
        group.finish();
        if matches!(shape, Shape::MediaHeavy | Shape::Mixed) {
            from_file(c, kind, shape, &bytes, n, parser);
        }
    }
}

/// The same document read from a file, as a user would load it: ours reads
/// straight into the loader's padded buffer (`Loader::load_file`); the
/// baselines `read` into a reused `Vec` and parse that. This removes the
/// copy `load_bytes` needs and charges every parser the same `read`.
fn from_file<M: Measurement>(
    c: &mut Criterion<M>,
    kind: FileKind,
    shape: Shape,
    bytes: &[u8],
    n: usize,
    parser: Parser,
) {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("bench-corpus")
        .join("documents");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let path = dir.join(format!("{}-{}{}", kind.as_str(), shape.as_str(), kind.extension()));
    std::fs::write(&path, bytes).expect("write the bench document");
    let read = |buf: &mut Vec<u8>| {
        buf.clear();
        File::open(&path).and_then(|mut f| f.read_to_end(buf)).expect("read the bench document");
    };
    let mut loader = Loader::new();
    let mut buf = Vec::new();
    let mut group = c.benchmark_group(format!("file/{}/{}", kind.as_str(), shape.as_str()));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(BenchmarkId::new("arena_recordings", bytes.len()), |b| {
        b.iter(|| assert_eq!(loader.load_file(&path, parser).unwrap().messages.len(), n))
    });
    if kind == FileKind::Session {
        group.bench_function(BenchmarkId::new("serde_json", bytes.len()), |b| {
            b.iter(|| {
                read(&mut buf);
                let s: sj::Session<'_> = serde_json::from_slice(&buf).unwrap();
                assert_eq!(sj::session_messages(&s), n);
            })
        });
        group.bench_function(BenchmarkId::new("sonic_rs", bytes.len()), |b| {
            b.iter(|| {
                read(&mut buf);
                let s: sonic::Session<'_> = sonic_rs::from_slice(&buf).unwrap();
                assert_eq!(sonic::session_messages(&s), n);
            })
        });
    } else {
        group.bench_function(BenchmarkId::new("serde_json", bytes.len()), |b| {
            b.iter(|| {
                read(&mut buf);
                let r: sj::Run<'_> = serde_json::from_slice(&buf).unwrap();
                assert_eq!(sj::run_messages(&r), n);
            })
        });
        group.bench_function(BenchmarkId::new("sonic_rs", bytes.len()), |b| {
            b.iter(|| {
                read(&mut buf);
                let r: sonic::Run<'_> = sonic_rs::from_slice(&buf).unwrap();
                assert_eq!(sonic::run_messages(&r), n);
            })
        });
    }
    group.finish();
}

fn main() {
    common::run(parse, parse);
}
