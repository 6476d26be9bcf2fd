//! Transcript YAML: our event-driven loader against a serde_yaml baseline.
//!
//! Each input is one criterion group with four functions on the same bytes:
//! `loader` (yaml-rust2 events straight into the borrowed model, a warm
//! `Loader` reused across iterations), `yaml_rust2_events_only` (just
//! pulling yaml-rust2's events: the floor for any decoder built on it), and
//! two serde baselines, `serde_yaml` (libyaml) and `serde_saphyr`
//! (saphyr-parser, yaml-rust2's successor), both into typed structs that
//! mirror the transcript schema as the Go reference decodes it (the
//! baselines stop at the structs and do not even build messages).
//! Inputs are read and the loader warmed before the timer starts; both
//! sides assert the message count inside the loop.
//!
//! Run: `cargo bench --bench transcript -- --warm-up-time 1 --measurement-time 3`

use std::collections::BTreeMap;
use std::hint::black_box;

use arena_recordings::{Loader, Parser};
use criterion::{criterion_main, Criterion, Throughput};
use serde::Deserialize;

/// A string field as Go's yaml.v3 fills it: any scalar's text (serde's YAML
/// crates resolve plain scalars to numbers and booleans first).
#[derive(Default)]
#[allow(dead_code)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
            fn visit_none<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// The transcript schema as typed structs (docs/formats.md#transcripts).
#[derive(Deserialize)]
#[allow(dead_code)]
struct TranscriptFile {
    #[serde(default)]
    metadata: TranscriptMetadata,
    #[serde(default)]
    messages: Vec<TranscriptMessage>,
}

#[derive(Deserialize, Default)]
#[allow(dead_code)]
struct TranscriptMetadata {
    #[serde(default)]
    session_id: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    tags: Vec<Text>,
    #[serde(default)]
    judge_targets: BTreeMap<String, ProviderSpec>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ProviderSpec {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    id: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TranscriptMessage {
    #[serde(default)]
    role: String,
    #[serde(default)]
    content: Text,
    #[serde(default)]
    name: String,
    #[serde(default)]
    timestamp: Text,
    #[serde(default)]
    parts: Vec<TranscriptPart>,
    #[serde(default)]
    tool_calls: Vec<TranscriptToolCall>,
    #[serde(default)]
    tool_call_id: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TranscriptPart {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    media: Option<TranscriptMedia>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TranscriptMedia {
    #[serde(default)]
    mime_type: String,
    #[serde(default)]
    data: String,
    #[serde(default)]
    uri: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    size: f64,
    #[serde(default)]
    width: f64,
    #[serde(default)]
    height: f64,
    #[serde(default)]
    duration: f64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TranscriptToolCall {
    #[serde(default)]
    id: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    function: TranscriptFunction,
}

#[derive(Deserialize, Default)]
#[allow(dead_code)]
struct TranscriptFunction {
    #[serde(default)]
    name: String,
    #[serde(default)]
    arguments: Text,
}

/// A long session built from the tool-use fixture: its messages repeated
/// `n` times under one metadata block (about 1.3 KB per repetition).
fn long_session(n: usize) -> Vec<u8> {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../corpus/sample/transcript/weather-tools.transcript.yaml"
    ))
    .unwrap();
    let at = base.find("\nmessages:\n").unwrap() + "\nmessages:\n".len();
    let (head, body) = base.split_at(at);
    let mut out = String::with_capacity(head.len() + body.len() * n);
    out.push_str(head);
    for _ in 0..n {
        out.push_str(body);
    }
    out.into_bytes()
}

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let file = |p: &str| {
        std::fs::read(format!("{}/../../corpus/sample/transcript/{p}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    vec![
        // Tool calls and results, judge targets, block scalars: 7 messages.
        ("weather-tools", file("weather-tools.transcript.yaml")),
        // Base64 image, audio/video/document media, flow mappings: 2 messages.
        ("multimodal", file("multimodal.transcript.yaml")),
        // CJK, Arabic, emoji, folded scalars, lenient timestamps: 5 messages.
        ("unicode", file("unicode.transcript.yml")),
        // The tool-use session repeated 500 times: 3,500 messages, ~0.7 MB.
        ("long-session", long_session(500)),
    ]
}

fn bench(c: &mut Criterion) {
    for (name, bytes) in inputs() {
        let mut loader = Loader::new();
        let expected = loader.load_bytes(&bytes, Parser::Transcript).unwrap().messages.len();
        let parsed: TranscriptFile = serde_yaml::from_slice(&bytes).unwrap();
        assert_eq!(parsed.messages.len(), expected, "{name}: serde_yaml sees the same messages");
        let text = std::str::from_utf8(&bytes).unwrap();
        let parsed: TranscriptFile = serde_saphyr::from_str(text).unwrap();
        assert_eq!(parsed.messages.len(), expected, "{name}: serde_saphyr sees the same messages");

        let mut g = c.benchmark_group(format!("transcript/{name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("loader", |b| {
            b.iter(|| {
                let rec = loader.load_bytes(black_box(&bytes), Parser::Transcript).unwrap();
                assert_eq!(rec.messages.len(), expected);
            })
        });
        // The floor for any decoder on yaml-rust2: pulling its events and
        // nothing else (no model, no arena).
        g.bench_function("yaml_rust2_events_only", |b| {
            b.iter(|| {
                let mut p = yaml_rust2::parser::Parser::new(black_box(text).chars());
                let mut n = 0usize;
                while p.next_token().unwrap().0 != yaml_rust2::parser::Event::StreamEnd {
                    n += 1;
                }
                n
            })
        });
        g.bench_function("serde_saphyr", |b| {
            b.iter(|| {
                let t: TranscriptFile = serde_saphyr::from_str(black_box(text)).unwrap();
                assert_eq!(t.messages.len(), expected);
                t
            })
        });
        g.bench_function("serde_yaml", |b| {
            b.iter(|| {
                let t: TranscriptFile = serde_yaml::from_slice(black_box(&bytes)).unwrap();
                assert_eq!(t.messages.len(), expected);
                t
            })
        });
        g.finish();
    }
}

// The macro generates an undocumented function.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
