//! Dataset files: one large file of many recordings, written as a stream
//! (a ShareGPT JSON array, OpenAI chat JSON Lines), for the load benchmarks
//! of the formats beyond PromptKit's (FORMATS-MORE.md sections 2 and 4).
//!
//! Each recording is built in a reused buffer and written out before the
//! next one, so memory stays at one recording whatever the file's size.
//! Recording `k` depends only on the seed, the kind and `k`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::content::{Gen, TOOLS};
use crate::rng::{mix, Rng};
use crate::write::Esc;
use crate::Shape;

/// A format whose files hold many recordings, written by [`write_dataset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetKind {
    /// ShareGPT: one indented JSON array of `{"id", "system", "conversations",
    /// "tools"}` objects (as LLaMA-Factory and FastChat publish them), with
    /// `human`/`gpt`/`function_call`/`observation` turns.
    ShareGpt,
    /// OpenAI chat JSON Lines: one compact `{"messages": [...], "tools": [...]}`
    /// object per line (the fine-tuning format), with tool calls, tool
    /// results and, when [`DatasetOptions::media_kb`] is set, image parts.
    OpenAiChat,
}

impl DatasetKind {
    /// Every kind, in a fixed order.
    pub const ALL: [DatasetKind; 2] = [DatasetKind::ShareGpt, DatasetKind::OpenAiChat];

    /// The name, as the type hints spell it (`sharegpt`, `openai_chat`).
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetKind::ShareGpt => "sharegpt",
            DatasetKind::OpenAiChat => "openai_chat",
        }
    }

    /// Parses a name: `sharegpt`, `openai_chat` (also `openai-chat`,
    /// `openai`), ASCII case ignored.
    pub fn parse(s: &str) -> Option<DatasetKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sharegpt" => Some(DatasetKind::ShareGpt),
            "openai_chat" | "openai-chat" | "openai" => Some(DatasetKind::OpenAiChat),
            _ => None,
        }
    }

    /// The usual file name suffix (`.json`, `.jsonl`).
    pub fn extension(self) -> &'static str {
        match self {
            DatasetKind::ShareGpt => ".json",
            DatasetKind::OpenAiChat => ".jsonl",
        }
    }

    /// Keeps the recordings of the two kinds apart for one seed.
    fn salt(self) -> u64 {
        match self {
            DatasetKind::ShareGpt => 0x5348_4152_4547_5054,
            DatasetKind::OpenAiChat => 0x4f50_454e_4149_4348,
        }
    }
}

/// Options for [`write_dataset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetOptions {
    /// The format.
    pub kind: DatasetKind,
    /// Total size wanted, in bytes. Recordings are written until the file
    /// has at least this many bytes (at least one recording); the last one
    /// is sized to what is left, so the file overshoots by at most one
    /// exchange of turns (a few KiB, tens of KiB for long escaped texts).
    pub bytes: u64,
    /// Seed: the same options give the same bytes.
    pub seed: u64,
    /// Size of one inline image's base64 data in KiB, for the OpenAI chat
    /// image parts (0: no image; ShareGPT has no media).
    pub media_kb: usize,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions { kind: DatasetKind::ShareGpt, bytes: 64 << 20, seed: 1, media_kb: 0 }
    }
}

/// What [`write_dataset`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetReport {
    /// The format.
    pub kind: DatasetKind,
    /// Bytes written.
    pub bytes: u64,
    /// Recordings written (array elements or lines).
    pub recordings: u64,
    /// Messages they hold, as the crate's readers count them (a ShareGPT
    /// `system` key is one message more).
    pub messages: u64,
    /// Tool calls they hold.
    pub tool_calls: u64,
}

/// Writes a dataset file to `path` (its folder is created if needed),
/// through a buffered writer.
pub fn generate_dataset(path: &Path, opts: &DatasetOptions) -> io::Result<DatasetReport> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut out = io::BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let report = write_dataset(&mut out, opts)?;
    out.flush()?;
    Ok(report)
}

/// Writes a dataset to `out`, one recording at a time.
pub fn write_dataset(out: &mut impl Write, opts: &DatasetOptions) -> io::Result<DatasetReport> {
    let mut report = DatasetReport { kind: opts.kind, bytes: 0, recordings: 0, messages: 0, tool_calls: 0 };
    let mut buf = String::with_capacity(256 << 10);
    let (head, tail) = match opts.kind {
        DatasetKind::ShareGpt => ("[", "\n]\n"),
        DatasetKind::OpenAiChat => ("", ""),
    };
    out.write_all(head.as_bytes())?;
    report.bytes += head.len() as u64;
    let want = opts.bytes.saturating_sub(tail.len() as u64);
    let mut index = 0u64;
    while index == 0 || report.bytes < want {
        let mut rng = Rng::new(mix(opts.seed ^ opts.kind.salt(), index));
        let shape = pick_shape(&mut rng, opts.media_kb);
        // Mostly a few KiB, some tens of KiB; never much past the end.
        let left = usize::try_from(want - report.bytes.min(want)).unwrap_or(usize::MAX);
        let size = rng.log_uniform(800, 48 << 10).min(left.max(400));
        let mut g = Gen::with(shape, size, opts.media_kb, rng.next());
        buf.clear();
        let counts = match opts.kind {
            DatasetKind::ShareGpt => g.sharegpt_item(&mut buf, index),
            DatasetKind::OpenAiChat => g.openai_chat_line(&mut buf, index),
        };
        out.write_all(buf.as_bytes())?;
        report.bytes += buf.len() as u64;
        report.recordings += 1;
        report.messages += counts.messages as u64;
        report.tool_calls += counts.tool_calls as u64;
        index += 1;
    }
    out.write_all(tail.as_bytes())?;
    report.bytes += tail.len() as u64;
    Ok(report)
}

/// Parses a size: digits with an optional suffix, case ignored: decimal `K`,
/// `M`, `G`, `T` (also `KB`, ...: `1G` is 10^9 bytes) or binary `KiB`, `MiB`,
/// `GiB`, `TiB` (`1GiB` is 2^30 bytes).
pub fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(digits);
    let n: u64 = n.parse().ok()?;
    // Decimal units as disks and `ls -h --si` count (1G = 10^9 bytes, so a
    // "1 GB" file stays under the loader's 1 GiB default limit); binary ones
    // with `i`.
    let unit: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// What one recording holds.
pub(crate) struct Counts {
    pub(crate) messages: usize,
    pub(crate) tool_calls: usize,
}

fn pick_shape(rng: &mut Rng, media_kb: usize) -> Shape {
    match rng.below(100) {
        0..=59 => Shape::Mixed,
        60..=74 => Shape::TextHeavy,
        75..=84 if media_kb > 0 => Shape::MediaHeavy,
        75..=84 => Shape::Mixed,
        85..=94 => Shape::EscapeHeavy,
        _ => Shape::TinyEvents,
    }
}

/// A short description of each tool [`Gen::call`] may name.
fn describe(name: &str) -> &'static str {
    match name {
        "search" => "Search the knowledge base",
        "calculate" => "Evaluate an arithmetic expression",
        "get_weather" => "Current weather for a city",
        "list_devices" => "List the devices of a site",
        "get_sensor_data" => "Read a device's sensor history",
        "book_engineer" => "Book a field engineer visit",
        "lookup_order" => "Look up an order by number",
        _ => "A tool",
    }
}

/// The tools a recording offers: the ones it calls, plus one or two more.
pub(crate) fn offered(rng: &mut Rng, called: &[&'static str]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for &n in called {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    for _ in 0..rng.range(1, 2) {
        let n = TOOLS[rng.below(TOOLS.len())];
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// One tool definition (`{name, description, parameters}`), the JSON
/// schema matching the arguments [`Gen::call`] writes.
pub(crate) fn tool_schema(j: &mut crate::write::Json<'_>, name: &str) {
    j.obj().kv("name", name).kv("description", describe(name)).key("parameters").obj();
    j.kv("type", "object").key("properties").obj();
    j.key("query").obj().kv("type", "string").kv("description", "What to look for").end_obj();
    j.key("filters").obj().kv("type", "object").end_obj();
    j.key("options").obj().kv("type", "object").end_obj();
    j.end_obj().key("required").arr().str("query").end_arr().end_obj().end_obj();
}

/// How the strings of a recording are escaped: ASCII-only (Python's
/// `ensure_ascii`) for the escape-heavy shape, else plain UTF-8.
pub(crate) fn escapes(shape: Shape) -> Esc {
    if shape == Shape::EscapeHeavy {
        Esc::Ascii
    } else {
        Esc::Plain
    }
}

#[cfg(test)]
mod tests;
