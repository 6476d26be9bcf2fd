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
//! The content is what real recordings hold: multi-paragraph assistant text
//! with CJK, emoji and accents, JSON escapes (`\"`, `\n`, `\uXXXX`, Go's
//! `\u003c`), tool calls with nested arguments, tool results, multimodal
//! parts with base64 image data, RFC 3339 timestamps with fractions and
//! offsets, and non-message events. The same seed always gives the same
//! bytes (a built-in splitmix64 generator; no platform randomness).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use arena_recordings::write::{Escape, JsonWriter};
use arena_recordings::Timestamp;

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

/// splitmix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// Log-uniform in `lo..hi`.
    fn log_uniform(&mut self, lo: usize, hi: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let (l, h) = ((lo as f64).ln(), (hi as f64).ln());
        (l + u * (h - l)).exp() as usize
    }
}

fn mix(seed: u64, index: u64) -> u64 {
    let mut r = Rng::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next()
}

fn pick<'s>(rng: &mut Rng, items: &[&'s str]) -> &'s str {
    items[rng.below(items.len())]
}

// ---------------------------------------------------------------------------
// Word pools.

const WORDS: &[&str] = &[
    "the",
    "device",
    "sensor",
    "reading",
    "shows",
    "a",
    "steady",
    "increase",
    "in",
    "temperature",
    "over",
    "last",
    "three",
    "hours",
    "which",
    "suggests",
    "bearing",
    "wear",
    "we",
    "should",
    "schedule",
    "maintenance",
    "before",
    "failure",
    "customer",
    "asked",
    "about",
    "their",
    "order",
    "refund",
    "policy",
    "allows",
    "returns",
    "within",
    "thirty",
    "days",
    "of",
    "delivery",
    "please",
    "confirm",
    "the",
    "shipping",
    "address",
    "and",
    "invoice",
    "number",
    "model",
    "answer",
    "is",
    "based",
    "on",
    "retrieved",
    "documents",
    "search",
    "results",
    "indicate",
    "that",
    "capital",
    "city",
    "population",
    "river",
    "flows",
    "through",
    "north",
    "region",
    "analysis",
    "summary",
    "recommendation",
    "next",
    "steps",
    "include",
    "checking",
    "logs",
    "error",
    "rate",
    "latency",
    "budget",
    "forecast",
    "quarter",
    "revenue",
    "growth",
    "compared",
    "to",
    "previous",
    "year",
];

const ACCENTED: &[&str] = &[
    "café",
    "naïve",
    "résumé",
    "Zürich",
    "São Paulo",
    "Ångström",
    "jalapeño",
    "façade",
    "Kraków",
    "Málaga",
    "crème brûlée",
    "Ærøskøbing",
    "déjà vu",
    "über",
    "El Niño",
    "Škoda",
    "Łódź",
    "Reykjavík",
    "smörgåsbord",
];

const CJK: &[&str] = &[
    "東京の天気は晴れです。",
    "日本語のテキストを含む応答",
    "你好，世界！",
    "北京是中国的首都。",
    "数据分析结果如下：",
    "서울은 한국의 수도입니다.",
    "한국어 문장도 포함됩니다",
    "漢字とひらがなとカタカナ",
    "請確認您的訂單編號。",
];

const EMOJI: &[&str] =
    &["🚀", "👍", "🎉", "😀", "🇫🇷", "👩‍💻", "🔥", "✅", "⚠️", "☕", "📈", "🤖", "👍🏽", "❤️", "🙏"];

const SCENARIOS: &[&str] =
    &["customer-support", "hardware-faults", "tool-usage", "redteam-selfplay", "geography", "billing"];

const TEAMS: &[&str] = &["team-a", "team-b", "eval/nightly", "eval/weekly"];

const PROVIDERS: &[&str] = &["openai-gpt4o", "gemini-flash", "claude-sonnet", "mistral-large", "local-llama"];

const TOOLS: &[&str] = &[
    "search",
    "calculate",
    "get_weather",
    "list_devices",
    "get_sensor_data",
    "book_engineer",
    "lookup_order",
];

const TINY: &[&str] = &["ok", "yes", "no", "thanks!", "👍", "continue", "done.", "sure", "là", "好的"];

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---------------------------------------------------------------------------
// Text writers.

/// How JSON strings are escaped: by a plain encoder, by Go's (HTML-safe),
/// or ASCII-only (every other character as `\uXXXX`).
type Esc = Escape;

/// The core's JSON writer.
type Json<'o> = JsonWriter<'o>;

/// A writer, compact or indented like Go's `MarshalIndent(v, "", "  ")`.
fn json_writer(out: &mut String, pretty: bool, esc: Esc) -> Json<'_> {
    if pretty {
        JsonWriter::indented(out, esc)
    } else {
        JsonWriter::compact(out, esc)
    }
}

/// What the generator writes beyond the core writer's values.
trait JsonExt {
    /// A timestamp member, as Go writes `time.Time`.
    fn ts(&mut self, k: &str, t: Timestamp) -> &mut Self;
    /// A member whose string needs no escaping.
    fn plain_kv(&mut self, k: &str, v: &str) -> &mut Self;
    /// Pre-serialised JSON text (compact), inserted as a value.
    fn raw_text(&mut self, text: &str) -> &mut Self;
}

impl JsonExt for JsonWriter<'_> {
    fn ts(&mut self, k: &str, t: Timestamp) -> &mut Self {
        self.key(k).lit(format_args!("\"{t}\""))
    }

    fn plain_kv(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k).plain(v)
    }

    fn raw_text(&mut self, text: &str) -> &mut Self {
        self.raw().push_str(text);
        self
    }
}

/// A YAML double-quoted scalar (JSON-like escapes; `\U` for astral
/// characters when `ascii`).
fn push_yaml_dq(out: &mut String, s: &str, ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if ascii && !c.is_ascii() && (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ascii && !c.is_ascii() => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A YAML single-quoted scalar (only `'` is doubled; no newlines allowed).
fn push_yaml_sq(out: &mut String, s: &str) {
    out.push('\'');
    out.push_str(&s.replace('\'', "''"));
    out.push('\'');
}

// ---------------------------------------------------------------------------
// Content.

struct Media {
    mime: &'static str,
    data: String,
    bytes: usize,
    width: u32,
    height: u32,
}

struct Call {
    id: String,
    name: &'static str,
    /// Compact JSON text of the arguments.
    args: String,
}

struct Gen {
    rng: Rng,
    shape: Shape,
    target: usize,
    media_kb: usize,
    clock: Timestamp,
    /// Whether timestamps carry microseconds (like the macOS fixture) rather than nanoseconds.
    micros: bool,
    calls: usize,
}

impl Gen {
    fn new(spec: &DocumentSpec) -> Gen {
        let mut rng = Rng::new(spec.seed);
        // 2026-01-01T00:00:00Z plus up to a year.
        let start = 1_767_225_600 + rng.below(365 * 86_400) as i64;
        let offset = [0, 3600, 19_800, -25_200, 32_400, -12_600, 7200][rng.below(7)];
        let nanos = rng.below(1_000_000) as u32 * 1000;
        let micros = rng.chance(50);
        Gen {
            rng,
            shape: spec.shape,
            target: spec.target_bytes.max(256),
            media_kb: spec.media_kb,
            clock: Timestamp::from_parts(start, nanos, offset),
            micros,
            calls: 0,
        }
    }

    /// Advances the clock by a realistic gap; fractions at µs or ns precision.
    fn tick(&mut self) -> Timestamp {
        let ms =
            if self.shape == Shape::TinyEvents { self.rng.range(1, 400) } else { self.rng.range(40, 30_000) };
        let frac = self.rng.below(1_000_000) as u64;
        let frac = if self.micros { frac / 1000 * 1000 } else { frac };
        let total = u64::from(self.clock.subsec_nanos()) + ms as u64 * 1_000_000 + frac;
        let unix = self.clock.unix_seconds() + (total / 1_000_000_000) as i64;
        self.clock = Timestamp::from_parts(unix, (total % 1_000_000_000) as u32, self.clock.offset_seconds());
        self.clock
    }

    fn escapes(&self) -> Esc {
        if self.shape == Shape::EscapeHeavy {
            Esc::Ascii
        } else {
            Esc::Plain
        }
    }

    fn go_escapes(&self) -> Esc {
        if self.shape == Shape::EscapeHeavy {
            Esc::Ascii
        } else {
            Esc::Go
        }
    }

    /// A sentence of 6 to 20 words: mostly English, with accents, CJK and emoji
    /// as the shape asks.
    fn sentence(&mut self, out: &mut String) {
        let intl = match self.shape {
            Shape::TextHeavy | Shape::EscapeHeavy => 30,
            _ => 8,
        };
        let n = self.rng.range(6, 20);
        for w in 0..n {
            if w > 0 {
                out.push(' ');
            }
            let r = self.rng.below(100);
            let word = if r < intl / 3 {
                pick(&mut self.rng, ACCENTED)
            } else if r < 2 * intl / 3 {
                pick(&mut self.rng, CJK)
            } else if r < intl {
                pick(&mut self.rng, EMOJI)
            } else {
                pick(&mut self.rng, WORDS)
            };
            if w == 0 {
                let mut cs = word.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            } else {
                out.push_str(word);
            }
        }
        out.push_str(pick(&mut self.rng, &[".", ".", ".", "!", "?", ":"]));
    }

    /// Multi-paragraph assistant text of about `len` bytes, with markdown,
    /// quotes, code blocks, HTML-ish text and Windows paths.
    fn text(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len + 128);
        while out.len() < len {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            match self.rng.below(10) {
                0 => {
                    out.push_str("Here are the steps:\n");
                    for i in 1..=self.rng.range(2, 5) {
                        let _ = write!(out, "{i}. **Step {i}**: ");
                        self.sentence(&mut out);
                        out.push('\n');
                    }
                }
                1 => {
                    out.push_str("```json\n{\"status\": \"ok\", \"path\": \"C:\\\\Users\\\\data\\\\report.csv\", \"tags\": [\"a\", \"b\"]}\n```");
                }
                2 => {
                    out.push_str("The user said \"");
                    self.sentence(&mut out);
                    out.push_str("\" and <b>asked</b> for R&D numbers\t(see table).");
                }
                _ => {
                    for _ in 0..self.rng.range(2, 5) {
                        if !out.ends_with('\n') && !out.is_empty() {
                            out.push(' ');
                        }
                        self.sentence(&mut out);
                    }
                }
            }
        }
        out
    }

    fn short_text(&mut self) -> String {
        let mut s = String::new();
        self.sentence(&mut s);
        s
    }

    fn tiny(&mut self) -> &'static str {
        pick(&mut self.rng, TINY)
    }

    /// Base64 of `kb` KiB of pseudo-random bytes, starting like a PNG.
    fn media(&mut self, kb: usize) -> Media {
        let bytes = kb.max(1) * 1024;
        let chars = bytes.div_ceil(3) * 4;
        let mut data = String::with_capacity(chars);
        data.push_str("iVBORw0KGgoAAAANSUhEUgAA");
        let body = chars - data.len() - 4;
        let mut left = body;
        while left > 0 {
            let mut r = self.rng.next();
            for _ in 0..left.min(10) {
                data.push(BASE64[(r & 63) as usize] as char);
                r >>= 6;
            }
            left -= left.min(10);
        }
        data.push_str("AA==");
        let (width, height) = [(640, 480), (1024, 768), (1920, 1080), (512, 512)][self.rng.below(4)];
        let mime = ["image/png", "image/jpeg", "image/webp"][self.rng.below(3)];
        Media { mime, data, bytes, width, height }
    }

    fn image_kb(&mut self) -> usize {
        match self.shape {
            Shape::MediaHeavy => self.media_kb.max(16),
            _ => self.media_kb,
        }
    }

    /// Whether a user turn carries an image.
    fn wants_media(&mut self) -> bool {
        self.media_kb > 0
            && match self.shape {
                Shape::MediaHeavy => true,
                Shape::Mixed => self.rng.chance(12),
                _ => false,
            }
    }

    fn wants_tools(&mut self) -> bool {
        match self.shape {
            Shape::Mixed => self.rng.chance(40),
            Shape::EscapeHeavy => self.rng.chance(50),
            Shape::TextHeavy => self.rng.chance(15),
            _ => false,
        }
    }

    /// Nested tool arguments as compact JSON text.
    fn call(&mut self) -> Call {
        self.calls += 1;
        let name = pick(&mut self.rng, TOOLS);
        let id = format!("call_{}_{:08x}", self.calls, self.rng.next() as u32);
        let mut args = String::new();
        let query = self.short_text();
        let esc = self.go_escapes();
        let mut j = json_writer(&mut args, false, esc);
        j.obj().kv("query", &query).key("filters").obj();
        j.key("date_range").obj().kv("from", "2026-01-01").kv("to", "2026-03-31").end_obj();
        j.key("tags").arr().str("support").str("billing").str("über-priority").end_arr();
        let limit = self.rng.range(1, 50);
        j.kl("limit", limit).kl("min_score", 0.75).kl("strict", true).end_obj();
        j.key("options").obj().kl("retries", 3).key("fallback").lit("null").end_obj().end_obj();
        Call { id, name, args }
    }

    /// A tool's result text (itself JSON, as tools return it).
    fn tool_output(&mut self) -> String {
        let mut out = String::new();
        let summary = self.short_text();
        let mut j = json_writer(&mut out, false, Esc::Go);
        j.obj().kv("status", "ok").kv("summary", &summary).key("items").arr();
        for i in 0..self.rng.range(1, 4) {
            j.obj()
                .kl("id", i)
                .kv("name", pick(&mut self.rng, ACCENTED))
                .kl("score", 0.5 + i as f64 / 10.0)
                .end_obj();
        }
        j.end_arr().end_obj();
        out
    }

    fn user_text(&mut self) -> String {
        match self.shape {
            Shape::TinyEvents => self.tiny().to_string(),
            Shape::TextHeavy | Shape::EscapeHeavy => {
                let n = self.rng.range(200, 1500);
                self.text(n)
            }
            _ => self.short_text(),
        }
    }

    fn assistant_text(&mut self) -> String {
        match self.shape {
            Shape::TinyEvents => self.tiny().to_string(),
            Shape::TextHeavy | Shape::EscapeHeavy => {
                let n = self.rng.range(2000, 12_000);
                self.text(n)
            }
            Shape::MediaHeavy => self.short_text(),
            Shape::Mixed => {
                let n = self.rng.range(200, 3000);
                self.text(n)
            }
        }
    }

    // -----------------------------------------------------------------------
    // Session recording (A1).

    fn session(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let esc = self.escapes();
        let session_id = format!("sess-{:016x}", self.rng.next());
        let provider = pick(&mut self.rng, PROVIDERS);
        let mut j = json_writer(&mut out, true, esc);
        j.obj().key("metadata").obj();
        j.kv("session_id", &session_id).kv("provider_id", provider).kv("model", "gpt-4o");
        j.key("tags").arr().str("benchmark").str(self.shape.as_str()).end_arr().end_obj();
        j.key("events").arr();
        drop(j);
        let mut count = 0;
        let system = self.text(300);
        self.session_event(&mut out, "message", |_, j| {
            j.key("message").obj().kv("role", "system").kv("content", &system).end_obj();
        });
        count += 1;
        while out.len() < self.target {
            if self.shape == Shape::TinyEvents || self.rng.chance(10) {
                let kind = pick(&mut self.rng, &["annotation", "state_change", "Message", "tool_call"]);
                let note = self.tiny();
                self.session_event(&mut out, kind, |_, j| {
                    j.key("event").obj().kv("note", note).kl("level", 2).end_obj();
                });
            }
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.session_event(&mut out, "message", |_, j| {
                j.key("message").obj().kv("role", "user").kv("content", &text);
                if let Some(m) = &media {
                    j.key("parts").arr();
                    j.obj().kv("type", "text").kv("text", &text).end_obj();
                    j.obj().kv("type", "image").key("media").obj();
                    j.kv("mime_type", m.mime).key("data").plain(&m.data);
                    j.kl("size", m.bytes).kl("width", m.width).kl("height", m.height).end_obj().end_obj();
                    j.end_arr();
                }
                j.end_obj();
            });
            count += 1;
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.session_event(&mut out, "message", |_, j| {
                    j.key("message").obj().kv("role", "assistant").kv("content", "").key("tool_calls").arr();
                    for c in &calls {
                        j.obj().plain_kv("id", &c.id).kv("type", "function").key("function").obj();
                        j.kv("name", c.name).kv("arguments", &c.args).end_obj().end_obj();
                    }
                    j.end_arr().end_obj();
                });
                count += 1;
                for c in &calls {
                    let output = self.tool_output();
                    self.session_event(&mut out, "message", |_, j| {
                        j.key("message").obj().kv("role", "tool").kv("name", c.name).kv("content", &output);
                        j.plain_kv("tool_call_id", &c.id).end_obj();
                    });
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            self.session_event(&mut out, "message", |_, j| {
                j.key("message").obj().kv("role", "assistant").kv("content", &answer).end_obj();
            });
            count += 1;
        }
        let mut j = JsonWriter::resume(&mut out, true, esc, &[true, true]);
        j.end_arr().end_obj();
        out.push('\n');
        (out, count)
    }

    /// Appends one element to the session's `events` array (depth 2).
    fn session_event(&mut self, out: &mut String, kind: &str, body: impl FnOnce(&mut Self, &mut Json<'_>)) {
        let ts = self.tick();
        let esc = self.escapes();
        // The events array always has an element before this one (the system message) except the first.
        let has = out.ends_with('}');
        let mut j = JsonWriter::resume(out, true, esc, &[true, has]);
        j.obj().kv("type", kind).ts("timestamp", ts);
        body(self, &mut j);
        j.end_obj();
    }

    // -----------------------------------------------------------------------
    // Arena run output (RunResult, Go keys, MarshalIndent).

    fn arena(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let esc = self.go_escapes();
        let scenario = pick(&mut self.rng, SCENARIOS);
        let provider = pick(&mut self.rng, PROVIDERS);
        let start = self.tick();
        let run_id = format!("{start}_{provider}_default_{scenario}_{:08x}", self.rng.next() as u32);
        let system = self.text(400);
        let mut j = json_writer(&mut out, true, esc);
        j.obj().kv("RunID", &run_id).kv("PromptPack", "").kv("Region", "default");
        j.kv("ScenarioID", scenario).kv("ProviderID", provider);
        j.key("Params")
            .obj()
            .kl("temperature", 0.7)
            .kl("max_tokens", 1024)
            .kv("system_prompt", &system)
            .end_obj();
        j.key("Messages").arr();
        drop(j);
        let mut count = 0;
        self.arena_message(&mut out, "system", &system, &[], None, None);
        count += 1;
        let (mut input_tokens, mut output_tokens) = (0u64, 0u64);
        while out.len() < self.target {
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.arena_message(&mut out, "user", &text, &[], None, media.as_ref());
            count += 1;
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.arena_message(&mut out, "assistant", "", &calls, None, None);
                count += 1;
                for c in &calls {
                    let output = self.tool_output();
                    self.arena_message(&mut out, "tool", "", &[], Some((c, &output)), None);
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            input_tokens += text.len() as u64 / 4;
            output_tokens += answer.len() as u64 / 4;
            self.arena_message(&mut out, "assistant", &answer, &[], None, None);
            count += 1;
        }
        let end = self.tick();
        let mut j = JsonWriter::resume(&mut out, true, esc, &[true, true]);
        j.end_arr();
        j.key("Commit").lit("null");
        j.key("Cost").obj().kl("input_tokens", input_tokens).kl("output_tokens", output_tokens);
        j.kl("input_cost_usd", input_tokens as f64 * 1.5e-7)
            .kl("output_cost_usd", output_tokens as f64 * 6e-7);
        j.kl("total_cost_usd", input_tokens as f64 * 1.5e-7 + output_tokens as f64 * 6e-7).end_obj();
        j.key("ToolStats").obj().kl("total_calls", self.calls).key("by_tool").obj().end_obj().end_obj();
        j.key("Violations").lit("null").ts("StartTime", start).ts("EndTime", end);
        j.kl("Duration", end.nanos_since(&start)).kv("Error", "").kl("SelfPlay", false).kv("PersonaID", "");
        j.key("UserFeedback")
            .lit("null")
            .key("SessionTags")
            .arr()
            .str("nightly")
            .str(self.shape.as_str())
            .end_arr();
        j.key("AssistantRole").lit("null").key("UserRole").lit("null");
        j.key("conversation_assertions").obj().kl("failed", 0).kl("passed", true).key("results").arr();
        j.obj()
            .kl("passed", true)
            .kv("message", "all required tools were called")
            .end_obj()
            .end_arr()
            .end_obj();
        j.end_obj();
        out.push('\n');
        (out, count)
    }

    /// Appends one `types.Message` to the `Messages` array (depth 2), with
    /// the key order of Go's custom encoder.
    fn arena_message(
        &mut self,
        out: &mut String,
        role: &str,
        content: &str,
        calls: &[Call],
        result: Option<(&Call, &str)>,
        media: Option<&Media>,
    ) {
        let ts = self.tick();
        let esc = self.go_escapes();
        let has = out.ends_with('}');
        let latency = self.rng.range(80, 4000);
        let tokens = (self.rng.range(10, 900), self.rng.range(5, 400));
        let tiny = self.shape == Shape::TinyEvents;
        let mut j = JsonWriter::resume(out, true, esc, &[true, has]);
        j.obj().kv("role", role);
        if let Some(m) = media {
            j.key("parts").arr();
            j.obj().kv("type", "text").kv("text", content).end_obj();
            j.obj().kv("type", "image").key("media").obj().key("data").plain(&m.data);
            j.kv("mime_type", m.mime).kl("size_kb", m.bytes / 1024).kv("detail", "auto");
            j.kl("width", m.width).kl("height", m.height).end_obj().end_obj();
            j.end_arr();
        }
        if !calls.is_empty() {
            j.key("tool_calls").arr();
            for c in calls {
                j.obj().plain_kv("id", &c.id).kv("name", c.name).key("args").raw_text(&c.args).end_obj();
            }
            j.end_arr();
        }
        if let Some((c, text)) = result {
            j.key("tool_result").obj().plain_kv("id", &c.id).kv("name", c.name);
            j.key("parts").arr().obj().kv("type", "text").kv("text", text).end_obj().end_arr();
            j.kl("latency_ms", latency / 10).end_obj();
        }
        j.ts("timestamp", ts);
        if role == "assistant" && !tiny {
            j.kl("latency_ms", latency);
            j.key("cost_info").obj().kl("input_tokens", tokens.0).kl("output_tokens", tokens.1);
            j.kl("input_cost_usd", tokens.0 as f64 * 1.5e-7).kl("output_cost_usd", tokens.1 as f64 * 6e-7);
            j.kl("total_cost_usd", tokens.0 as f64 * 1.5e-7 + tokens.1 as f64 * 6e-7);
            j.kv("provider_name", "openai")
                .kv("capability", "inference")
                .kl("latency_ns", latency * 1_000_000);
            j.end_obj();
            j.kv("finish_reason", if calls.is_empty() { "stop" } else { "tool_use" });
        }
        if role == "user" && !tiny {
            j.key("meta").obj().key("_llm_trace").obj().kl("duration_ms", latency).kl("sequence", 1);
            j.key("tool_calls").arr().end_arr().end_obj().end_obj();
        }
        if let Some(m) = media {
            j.key("media_summary").obj().kl("total_parts", 2).kl("text_parts", 1).kl("image_parts", 1);
            j.kl("audio_parts", 0).kl("video_parts", 0).kl("document_parts", 0).key("media_items").arr();
            j.obj().kv("type", "image").kv("source", "inline data").kv("mime_type", m.mime);
            j.kl("size_bytes", m.bytes).kv("detail", "auto").kl("loaded", true).end_obj().end_arr().end_obj();
        }
        if result.is_none() && !content.is_empty() {
            j.kv("content", content);
        }
        j.end_obj();
    }

    // -----------------------------------------------------------------------
    // Transcript YAML (A3).

    fn transcript(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let ascii = self.shape == Shape::EscapeHeavy;
        let provider = pick(&mut self.rng, PROVIDERS);
        let _ = write!(
            out,
            "# Transcript generated for benchmarks ({shape})\nmetadata:\n  session_id: tr-{id:012x}\n  provider: {provider}\n  model: gpt-4o\n  tags: [benchmark, {shape}]\n  judge_targets:\n    quality:\n      type: openai\n      model: gpt-4o\n      id: judge-quality\nmessages:\n",
            shape = self.shape.as_str(),
            id = self.rng.next() & 0xffff_ffff_ffff,
        );
        let mut count = 0;
        let system = self.text(300);
        self.yaml_message(&mut out, "system", &system, ascii);
        count += 1;
        while out.len() < self.target {
            let text = self.user_text();
            self.yaml_message(&mut out, "user", &text, ascii);
            count += 1;
            if self.wants_media() {
                let kb = self.image_kb();
                let m = self.media(kb);
                let _ = write!(
                    out,
                    "    parts:\n      - type: text\n        text: \"See the attached image\"\n      - type: image\n        media:\n          mime_type: {}\n          data: {}\n          size: {}\n          width: {}\n          height: {}\n",
                    m.mime, m.data, m.bytes, m.width, m.height
                );
            }
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.yaml_message(&mut out, "assistant", "", ascii);
                count += 1;
                out.push_str("    tool_calls:\n");
                for c in &calls {
                    let _ = write!(out, "      - id: {}\n        type: function\n        function:\n          name: {}\n          arguments: ", c.id, c.name);
                    push_yaml_sq(&mut out, &c.args);
                    out.push('\n');
                }
                for c in &calls {
                    let output = self.tool_output();
                    self.yaml_message(&mut out, "tool", &output, ascii);
                    let _ = writeln!(out, "    tool_call_id: {}", c.id);
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            self.yaml_message(&mut out, "assistant", &answer, ascii);
            count += 1;
        }
        (out, count)
    }

    fn yaml_message(&mut self, out: &mut String, role: &str, content: &str, ascii: bool) {
        let ts = self.tick();
        let _ = write!(out, "  - role: {role}\n    timestamp: {ts}\n    content: ");
        let literal = !ascii
            && content.contains('\n')
            && !content.starts_with([' ', '\n'])
            && !content.ends_with(['\n', ' '])
            && !content.chars().any(|c| c.is_control() && c != '\n');
        if literal {
            out.push_str("|-\n");
            for line in content.split('\n') {
                if !line.is_empty() {
                    out.push_str("      ");
                    out.push_str(line);
                }
                out.push('\n');
            }
        } else {
            push_yaml_dq(out, content, ascii);
            out.push('\n');
        }
    }

    // -----------------------------------------------------------------------
    // Event-store JSONL (docs/formats.md#promptkit-recorder-output, event-store JSONL).

    fn event_store(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let session_id = format!("run-{:016x}", self.rng.next());
        let mut seq = 0usize;
        let mut count = 0;
        self.store_event(
            &mut out,
            &mut seq,
            &session_id,
            "conversation.started",
            "*events.ConversationStartedData",
            |_, j| {
                j.obj().kv("SystemPrompt", "You are a helpful assistant.").end_obj();
            },
        );
        let system = self.text(300);
        self.store_message(&mut out, &mut seq, &session_id, count, "system", &system, &[], None, None);
        count += 1;
        while out.len() < self.target {
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.store_message(
                &mut out,
                &mut seq,
                &session_id,
                count,
                "user",
                &text,
                &[],
                None,
                media.as_ref(),
            );
            count += 1;
            let provider = pick(&mut self.rng, PROVIDERS);
            self.store_event(
                &mut out,
                &mut seq,
                &session_id,
                "provider.call.started",
                "*events.ProviderCallStartedData",
                |_, j| {
                    j.obj()
                        .kv("Provider", provider)
                        .kv("Model", "gpt-4o")
                        .kl("MessageCount", count)
                        .kl("ToolCount", 2)
                        .end_obj();
                },
            );
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.store_message(
                    &mut out,
                    &mut seq,
                    &session_id,
                    count,
                    "assistant",
                    "",
                    &calls,
                    None,
                    None,
                );
                count += 1;
                for c in &calls {
                    self.store_event(
                        &mut out,
                        &mut seq,
                        &session_id,
                        "tool.call.started",
                        "*events.ToolCallEventData",
                        |_, j| {
                            j.obj()
                                .kv("ToolName", c.name)
                                .plain_kv("CallID", &c.id)
                                .key("Args")
                                .raw_text(&c.args);
                            j.kl("Duration", 0)
                                .kv("Status", "")
                                .key("Parts")
                                .lit("null")
                                .key("Error")
                                .lit("null");
                            j.key("Labels").lit("null").end_obj();
                        },
                    );
                    let output = self.tool_output();
                    self.store_message(
                        &mut out,
                        &mut seq,
                        &session_id,
                        count,
                        "tool",
                        "",
                        &[],
                        Some((c, &output)),
                        None,
                    );
                    count += 1;
                }
            }
            let latency = self.rng.range(80, 4000);
            self.store_event(
                &mut out,
                &mut seq,
                &session_id,
                "provider.call.completed",
                "*events.ProviderCallCompletedData",
                |_, j| {
                    j.obj()
                        .kv("Provider", provider)
                        .kl("Duration", latency * 1_000_000)
                        .kl("InputTokens", 512);
                    j.kl("OutputTokens", 128).kl("Cost", 0.000_153).kv("FinishReason", "stop").end_obj();
                },
            );
            if self.shape == Shape::TinyEvents {
                self.store_event(
                    &mut out,
                    &mut seq,
                    &session_id,
                    "stream.interrupted",
                    "*events.StreamInterruptedData",
                    |_, j| {
                        j.obj().kv("Reason", "client_cancel").end_obj();
                    },
                );
            }
            let answer = self.assistant_text();
            self.store_message(&mut out, &mut seq, &session_id, count, "assistant", &answer, &[], None, None);
            count += 1;
        }
        (out, count)
    }

    #[allow(clippy::too_many_arguments)]
    fn store_message(
        &mut self,
        out: &mut String,
        seq: &mut usize,
        session_id: &str,
        index: usize,
        role: &str,
        content: &str,
        calls: &[Call],
        result: Option<(&Call, &str)>,
        media: Option<&Media>,
    ) {
        self.store_event(out, seq, session_id, "message.created", "*events.MessageCreatedData", |_, j| {
            j.obj().kv("Role", role).kv("Content", content).kl("Index", index + 1).key("Parts");
            match media {
                None => {
                    j.lit("null");
                }
                Some(m) => {
                    j.arr().obj().kv("type", "text").kv("text", content).end_obj();
                    j.obj().kv("type", "image").key("media").obj().key("data").plain(&m.data);
                    j.kv("mime_type", m.mime).kl("size_kb", m.bytes / 1024).kl("width", m.width);
                    j.kl("height", m.height).end_obj().end_obj().end_arr();
                }
            }
            j.key("ToolCalls");
            if calls.is_empty() {
                j.lit("null");
            } else {
                j.arr();
                for c in calls {
                    j.obj().plain_kv("id", &c.id).kv("name", c.name).kv("args", &c.args).end_obj();
                }
                j.end_arr();
            }
            j.key("ToolResult");
            match result {
                None => {
                    j.lit("null");
                }
                Some((c, text)) => {
                    j.obj().plain_kv("id", &c.id).kv("name", c.name).key("parts").arr();
                    j.obj()
                        .kv("type", "text")
                        .kv("text", text)
                        .end_obj()
                        .end_arr()
                        .kl("latency_ms", 12)
                        .end_obj();
                }
            }
            j.end_obj();
        });
    }

    fn store_event(
        &mut self,
        out: &mut String,
        seq: &mut usize,
        session_id: &str,
        kind: &str,
        data_type: &str,
        data: impl FnOnce(&mut Self, &mut Json<'_>),
    ) {
        *seq += 1;
        let ts = self.tick();
        let esc = self.go_escapes();
        let mut j = json_writer(out, false, esc);
        j.obj().kl("seq", *seq).key("event").obj().kv("type", kind).ts("timestamp", ts);
        j.plain_kv("session_id", session_id).kv("data_type", data_type).key("data");
        data(self, &mut j);
        j.end_obj().end_obj();
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::new(7);
        let a: Vec<u64> = (0..3).map(|_| r.next()).collect();
        let mut r = Rng::new(7);
        let b: Vec<u64> = (0..3).map(|_| r.next()).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        let mut r = Rng::new(1);
        assert!((0..1000).all(|_| r.below(10) < 10));
        assert!((0..1000).map(|_| r.log_uniform(1024, 4096)).all(|v| (1024..=4096).contains(&v)));
    }
}
