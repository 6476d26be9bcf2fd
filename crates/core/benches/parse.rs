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

/// Defines the baseline types once per deserialiser, with `Raw<'a>` (a
/// borrowed raw JSON value) supplied by each module.
macro_rules! baseline_types {
    () => {
        use std::borrow::Cow;

        use serde::Deserialize;

        // Session recording (docs/formats.md#session-recordings).
        #[derive(Deserialize)]
        pub struct Session<'a> {
            #[serde(borrow)]
            pub metadata: Option<SessionMeta<'a>>,
            #[serde(borrow, default)]
            pub events: Option<Vec<Event<'a>>>,
        }

        #[derive(Deserialize)]
        pub struct SessionMeta<'a> {
            #[serde(borrow)]
            pub session_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub provider_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub model: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub tags: Option<Vec<Cow<'a, str>>>,
        }

        #[derive(Deserialize)]
        pub struct Event<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub message: Option<RecordedMsg<'a>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedMsg<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<RecordedPart<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<RecordedCall<'a>>>,
            #[serde(borrow)]
            pub tool_call_id: Option<Cow<'a, str>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedPart<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<MediaSource<'a>>,
        }

        #[derive(Deserialize)]
        pub struct MediaSource<'a> {
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub uri: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub path: Option<Cow<'a, str>>,
            pub size: Option<i64>,
            pub width: Option<i64>,
            pub height: Option<i64>,
            pub duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct RecordedCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub function: Option<Function<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Function<'a> {
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub arguments: Option<Cow<'a, str>>,
        }

        // Arena run output (engine.RunResult, Go keys) holding types.Message.
        #[derive(Deserialize)]
        #[allow(non_snake_case)]
        pub struct Run<'a> {
            #[serde(borrow)]
            pub RunID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Messages: Option<Vec<Message<'a>>>,
            #[serde(borrow)]
            pub ScenarioID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub PromptPack: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Region: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub ProviderID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Error: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Params: Option<Raw<'a>>,
            #[serde(borrow)]
            pub SessionTags: Option<Vec<Cow<'a, str>>>,
            #[serde(borrow)]
            pub StartTime: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub EndTime: Option<Cow<'a, str>>,
            pub Duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct Message<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<ToolCall<'a>>>,
            #[serde(borrow)]
            pub tool_result: Option<ToolResult<'a>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
            #[serde(borrow)]
            pub cost_info: Option<Raw<'a>>,
            #[serde(borrow)]
            pub finish_reason: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub meta: Option<Raw<'a>>,
            #[serde(borrow)]
            pub reasoning: Option<Raw<'a>>,
            #[serde(borrow)]
            pub validations: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Part<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<Media<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Media<'a> {
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub file_path: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub url: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            pub size_kb: Option<i64>,
            #[serde(borrow)]
            pub detail: Option<Cow<'a, str>>,
            pub width: Option<i64>,
            pub height: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct ToolCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub args: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct ToolResult<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub error: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
        }

        /// Messages a session document holds (`message` events).
        pub fn session_messages(s: &Session<'_>) -> usize {
            s.events.iter().flatten().filter(|e| e.kind.as_deref() == Some("message")).count()
        }

        /// Messages an Arena run document holds.
        pub fn run_messages(r: &Run<'_>) -> usize {
            r.Messages.as_ref().map_or(0, Vec::len)
        }
    };
}

// The fields are read by the deserialiser, which is what is measured.
#[allow(dead_code)]
mod sj {
    pub type Raw<'a> = &'a serde_json::value::RawValue;
    baseline_types!();
}

#[allow(dead_code)]
mod sonic {
    pub type Raw<'a> = sonic_rs::LazyValue<'a>;
    baseline_types!();
}

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
