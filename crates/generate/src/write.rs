//! Text writers: the core's JSON writer with the generator's helpers,
//! and YAML scalar quoting.

use std::fmt::Write as _;

use arena_recordings::write::{Escape, JsonWriter};
use arena_recordings::Timestamp;

// ---------------------------------------------------------------------------
// Text writers.

/// How JSON strings are escaped: by a plain encoder, by Go's (HTML-safe),
/// or ASCII-only (every other character as `\uXXXX`).
pub(crate) type Esc = Escape;

/// The core's JSON writer.
pub(crate) type Json<'o> = JsonWriter<'o>;

/// A writer, compact or indented like Go's `MarshalIndent(v, "", "  ")`.
pub(crate) fn json_writer(out: &mut String, pretty: bool, esc: Esc) -> Json<'_> {
    if pretty {
        JsonWriter::indented(out, esc)
    } else {
        JsonWriter::compact(out, esc)
    }
}

/// What the generator writes beyond the core writer's values.
pub(crate) trait JsonExt {
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
pub(crate) fn push_yaml_dq(out: &mut String, s: &str, ascii: bool) {
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
pub(crate) fn push_yaml_sq(out: &mut String, s: &str) {
    out.push('\'');
    out.push_str(&s.replace('\'', "''"));
    out.push('\'');
}
