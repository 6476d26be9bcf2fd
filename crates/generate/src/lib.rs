//! A deterministic generator of realistic recordings, for benchmarks and
//! load tests.
//!
//! [`generate`] writes a corpus of every format the crate reads into nested
//! folders: session recordings (`*.recording.json`, docs/formats.md#session-recordings), Arena
//! run output (`*.arena.json`, the `RunResult` shape with Go keys),
//! transcripts (`*.transcript.yaml`, A3) and the recorder's event-store
//! JSONL (`*.jsonl`, section 7 shape 1). [`document`] builds one file in
//! memory with a chosen [`Shape`], which the benches use.
//!
//! [`generate_dataset`] and [`write_dataset`] stream one large file of many
//! recordings of a chosen size (a ShareGPT JSON array, OpenAI chat JSON
//! Lines: [`DatasetKind`]), for the benchmarks of the dataset formats.
//!
//! The content is what real recordings hold: multi-paragraph assistant text
//! with CJK, emoji and accents, JSON escapes (`\"`, `\n`, `\uXXXX`, Go's
//! `\u003c`), tool calls with nested arguments, tool results, multimodal
//! parts with base64 image data, RFC 3339 timestamps with fractions and
//! offsets, and non-message events. The same seed always gives the same
//! bytes (a built-in splitmix64 generator; no platform randomness).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod arena;
mod content;
mod dataset;
mod event_store;
mod openai_chat;
mod rng;
mod session;
mod sharegpt;
mod transcript;
mod write;

use content::{Gen, SCENARIOS, TEAMS};
pub use dataset::{generate_dataset, parse_bytes, write_dataset, DatasetKind, DatasetOptions, DatasetReport};
use rng::{mix, pick, Rng};

/// One of the file formats the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Session recording JSON (`*.recording.json`, adapter-native shape).
    Session,
    /// Arena run output JSON (`*.arena.json`, `RunResult` with Go keys).
    Arena,
    /// Transcript YAML (`*.transcript.yaml`).
    Transcript,
    /// The recorder's event-store JSONL (`*.jsonl`).
    EventStore,
}

impl FileKind {
    /// Every kind, in a fixed order.
    pub const ALL: [FileKind; 4] =
        [FileKind::Session, FileKind::Arena, FileKind::Transcript, FileKind::EventStore];

    /// A short name (`session`, `arena`, `transcript`, `eventstore`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Session => "session",
            FileKind::Arena => "arena",
            FileKind::Transcript => "transcript",
            FileKind::EventStore => "eventstore",
        }
    }

    /// Parses a name written by [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The file name suffix.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Session => ".recording.json",
            FileKind::Arena => ".arena.json",
            FileKind::Transcript => ".transcript.yaml",
            FileKind::EventStore => ".jsonl",
        }
    }
}

/// What dominates a generated document's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A realistic mix: system prompt, turns, tool calls, an occasional image.
    Mixed,
    /// Mostly base64 image data in multimodal parts.
    MediaHeavy,
    /// Long multi-paragraph UTF-8 text (CJK, emoji, accents, markdown).
    TextHeavy,
    /// Text written with every non-ASCII character as a `\uXXXX` escape
    /// (as Python's `ensure_ascii` writes it), plus quotes and newlines.
    EscapeHeavy,
    /// Many tiny messages and non-message events.
    TinyEvents,
}

impl Shape {
    /// Every shape, in a fixed order.
    pub const ALL: [Shape; 5] =
        [Shape::Mixed, Shape::MediaHeavy, Shape::TextHeavy, Shape::EscapeHeavy, Shape::TinyEvents];

    /// A short name (`mixed`, `media`, `text`, `escapes`, `tiny`).
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Mixed => "mixed",
            Shape::MediaHeavy => "media",
            Shape::TextHeavy => "text",
            Shape::EscapeHeavy => "escapes",
            Shape::TinyEvents => "tiny",
        }
    }
}

/// Options for [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of files to write.
    pub files: usize,
    /// Seed: the same seed and options give the same bytes.
    pub seed: u64,
    /// Size of one inline image's base64 data, in KiB (0: no inline media).
    pub media_kb: usize,
    /// Draw file sizes from 1 KB to 8 MB (most small, a few large) instead
    /// of 2 KB to 32 KB.
    pub size_mix: bool,
    /// Which formats to write; files cycle through them in order.
    pub kinds: Vec<FileKind>,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions { files: 100, seed: 1, media_kb: 32, size_mix: false, kinds: FileKind::ALL.to_vec() }
    }
}

/// Counts for one format in a [`GenerateReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindReport {
    /// The format.
    pub kind: FileKind,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Messages the files hold (as the crate's readers count them).
    pub messages: u64,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenerateReport {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Messages written.
    pub messages: u64,
    /// The same, per format (in the order of [`GenerateOptions::kinds`]).
    pub per_kind: Vec<KindReport>,
}

/// One generated file, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The format.
    pub kind: FileKind,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Messages it holds (as the crate's readers count them: session
    /// `message` events, Arena `Messages`, transcript `messages`,
    /// event-store `message.created` events).
    pub messages: usize,
}

/// What to build with [`document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentSpec {
    /// The format.
    pub kind: FileKind,
    /// What dominates the bytes.
    pub shape: Shape,
    /// Approximate size wanted, in bytes (the result is at least a few
    /// hundred bytes and may overshoot by one turn).
    pub target_bytes: usize,
    /// Size of one inline image, in KiB (0: no inline media).
    pub media_kb: usize,
    /// Seed.
    pub seed: u64,
}

/// Writes `opts.files` recordings under `outdir` (created if needed), in
/// nested folders per format.
pub fn generate(outdir: &Path, opts: &GenerateOptions) -> io::Result<GenerateReport> {
    let kinds: &[FileKind] = if opts.kinds.is_empty() { &FileKind::ALL } else { &opts.kinds };
    let mut report = GenerateReport {
        per_kind: kinds.iter().map(|&kind| KindReport { kind, files: 0, bytes: 0, messages: 0 }).collect(),
        ..GenerateReport::default()
    };
    for index in 0..opts.files {
        let slot = index % kinds.len();
        let kind = kinds[slot];
        let mut rng = Rng::new(mix(opts.seed, index as u64));
        let shape = pick_shape(&mut rng, opts.media_kb);
        let target_bytes = pick_size(&mut rng, opts.size_mix);
        let spec = DocumentSpec { kind, shape, target_bytes, media_kb: opts.media_kb, seed: rng.next() };
        let doc = document(&spec);
        let path = file_path(outdir, kind, index, &mut rng);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, &doc.bytes)?;
        let k = &mut report.per_kind[slot];
        k.files += 1;
        k.bytes += doc.bytes.len() as u64;
        k.messages += doc.messages as u64;
        report.files += 1;
        report.bytes += doc.bytes.len() as u64;
        report.messages += doc.messages as u64;
    }
    Ok(report)
}

/// Builds one document in memory.
pub fn document(spec: &DocumentSpec) -> Document {
    let mut g = Gen::new(spec);
    let (text, messages) = match spec.kind {
        FileKind::Session => g.session(),
        FileKind::Arena => g.arena(),
        FileKind::Transcript => g.transcript(),
        FileKind::EventStore => g.event_store(),
    };
    Document { kind: spec.kind, bytes: text.into_bytes(), messages }
}

fn pick_shape(rng: &mut Rng, media_kb: usize) -> Shape {
    match rng.below(100) {
        0..=49 => Shape::Mixed,
        50..=69 => Shape::TextHeavy,
        70..=84 if media_kb > 0 => Shape::MediaHeavy,
        70..=84 => Shape::Mixed,
        85..=94 => Shape::EscapeHeavy,
        _ => Shape::TinyEvents,
    }
}

fn pick_size(rng: &mut Rng, size_mix: bool) -> usize {
    let (lo, hi) = if !size_mix {
        (2 << 10, 32 << 10)
    } else {
        match rng.below(100) {
            0..=54 => (1 << 10, 16 << 10),
            55..=84 => (16 << 10, 256 << 10),
            85..=97 => (256 << 10, 2 << 20),
            _ => (2 << 20, 8 << 20),
        }
    };
    rng.log_uniform(lo, hi)
}

fn file_path(outdir: &Path, kind: FileKind, index: usize, rng: &mut Rng) -> PathBuf {
    let month = 1 + index % 12;
    let group = rng.below(4);
    let dir = match kind {
        FileKind::Session => {
            outdir.join("sessions").join(format!("2026-{month:02}")).join(format!("batch-{group}"))
        }
        FileKind::Arena => {
            outdir.join("arena-out").join(format!("run-{:04}", index / 50)).join(pick(rng, SCENARIOS))
        }
        FileKind::Transcript => outdir.join("transcripts").join(pick(rng, TEAMS)),
        FileKind::EventStore => outdir.join("recordings").join(format!("2026-{month:02}")),
    };
    dir.join(format!("{}-{index:06}{}", kind.as_str(), kind.extension()))
}
