//! An independent, straightforward reading of session recordings and Arena
//! output (docs/formats.md), for differential testing of the
//! zero-copy path.
//!
//! Nothing here shares code with the crate's decoders: the bytes are parsed
//! by serde_json into a plain tree that keeps every object entry in document
//! order (duplicates included), and the tree is walked into the owned model
//! ([`arena_recordings::owned::Message`], [`Metadata`]) following the specification
//! and the crate's documented deviations from Go. Only three leaf helpers
//! are borrowed from the crate: [`Timestamp::parse_rfc3339`] (tested on its
//! own), Go's float formatting ([`go_f64`]) and the owned model types.
//!
//! [`check`] runs both paths on the same bytes and reports any disagreement.
//! It is used by `tests/differential.rs` over `corpus/` and by the
//! `differential` fuzz target.
//!
//! # Known intentional differences, handled explicitly
//!
//! 1. **Key case.** serde_json (with derive) matches keys case-sensitively;
//!    the crate matches them ASCII case-insensitively, like Go's
//!    `encoding/json`. This walker compares keys with [`key_eq`]. Go also
//!    folds U+017F `ſ` onto `s` and U+212A (Kelvin) onto `k`; the crate does
//!    not (a measured speed trade-off, in COMPATIBILITY.md), and neither does
//!    [`key_eq`]: [`go_key_eq`] has Go's rule, for the record and its test.
//! 2. **Duplicate keys.** `serde_json::Value` keeps only the last entry; the
//!    tree here keeps all entries in order and the walker applies each one in
//!    turn, as Go does (scalars: last wins; objects: merged; arrays: replaced;
//!    `null`: leaves scalars, clears lists and pointers).
//! 3. **Number text.** serde_json reads `-0` as the float `-0.0`, while Go and
//!    simd-json read it as the integer 0. The tree keeps each number's source
//!    text (collected by a scan of the validated document), and integer
//!    fields use Go's rule: the literal must be an integer in the `i64` range.
//!    Floats are parsed from the text with Rust's correctly rounded parser.
//! 4. **Numbers beyond the float64 range** (`1e400`) are rejected by simd-json
//!    and serde_json alike, wherever they appear; Go only rejects them when
//!    decoded into a number field. Both sides must say [`ErrorKind::Value`].
//! 5. **Nesting.** serde_json stops at 128 levels by default; the reference
//!    lifts that limit and enforces [`MAX_DEPTH`] itself (Go's limit: 10,000
//!    levels accepted, 10,001 rejected). When the nesting limit is exceeded
//!    *and* the text has a syntax error after that point, either kind is
//!    accepted: simd-json finds some syntax errors (an unclosed string) in a
//!    first pass over the whole file, before it tracks depth.
//! 6. **Byte-order mark.** serde_json rejects a leading UTF-8 BOM; the crate
//!    treats it as whitespace (Go rejects it too: see COMPATIBILITY.md). The
//!    reference skips it explicitly.
//! 7. **Error kinds** are compared, positions are not (serde_json reports
//!    line and column of a different character for some errors).
//! 8. **Which error first.** Like Go, a syntax error anywhere in the text
//!    wins over a lone surrogate or an out-of-range number earlier in it;
//!    among those two, the first in the text wins.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use arena_recordings::owned::{Media, Message, Metadata, Part, ToolCall, ToolResult, WorkflowTransition};
use arena_recordings::{write::go::write_f64 as go_f64, MAX_JSON_DEPTH as MAX_DEPTH};
use arena_recordings::{ErrorKind, Format, Loader, Parser, Timestamp};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

// ---------------------------------------------------------------------------
// The tree

/// A JSON value that keeps object entries in order, duplicates included,
/// and numbers as their source text.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written in the file.
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<J>),
    /// An object: every entry in document order.
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<J, E> {
                Ok(J::Bool(b))
            }
            // Number text is filled in afterwards by `fill_numbers`.
            fn visit_i64<E>(self, _: i64) -> Result<J, E> {
                Ok(J::Num(String::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<J, E> {
                Ok(J::Num(String::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<J, E> {
                Ok(J::Num(String::new()))
            }
            fn visit_str<E>(self, s: &str) -> Result<J, E> {
                Ok(J::Str(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<J, E> {
                Ok(J::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(J::Arr(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, J>()? {
                    v.push((k, x));
                }
                Ok(J::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The number literals of a valid JSON text, in document order.
fn number_texts(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let n = text[i..]
                    .iter()
                    .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .count();
                out.push(String::from_utf8_lossy(&text[i..i + n]).into_owned());
                i += n;
            }
            _ => i += 1,
        }
    }
    out
}

fn fill_numbers(j: &mut J, texts: &mut std::vec::IntoIter<String>) {
    match j {
        J::Num(t) => *t = texts.next().expect("one literal per number"),
        J::Arr(items) => items.iter_mut().for_each(|x| fill_numbers(x, texts)),
        J::Obj(items) => items.iter_mut().for_each(|(_, x)| fill_numbers(x, texts)),
        _ => {}
    }
}

/// Where nesting first goes deeper than `limit` (outside strings), if it does.
fn depth_exceeded_at(text: &[u8], limit: usize) -> (usize, Option<usize>) {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if depth > limit {
                    return (max, Some(i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    (max, None)
}

// ---------------------------------------------------------------------------
// Errors and outcome

/// What the reference expects instead of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    /// The error kind.
    pub kind: ErrorKind,
    /// Another kind the crate may report instead (difference 5 above).
    pub alt: Option<ErrorKind>,
    /// What went wrong, for messages.
    pub detail: String,
}

type R<T> = Result<T, RefError>;

fn err(kind: ErrorKind, detail: impl Into<String>) -> RefError {
    RefError { kind, alt: None, detail: detail.into() }
}

fn type_err(field: &str, expected: &str, v: &J) -> RefError {
    let found = match v {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Num(_) => "a number",
        J::Str(_) => "a string",
        J::Arr(_) => "an array",
        J::Obj(_) => "an object",
    };
    err(ErrorKind::Type, format!("{field}: expected {expected}, found {found}"))
}

/// A loaded recording, in the owned model.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The format the document was read as.
    pub format: Format,
    /// The messages.
    pub messages: Vec<Message>,
    /// The metadata.
    pub metadata: Metadata,
    /// Whether any warning is expected (no recognised keys, skipped events,
    /// no messages in a recorder file, ignored JSON Lines records).
    pub warned: bool,
}

impl Outcome {
    fn empty(format: Format) -> Outcome {
        Outcome { format, messages: Vec::new(), metadata: Metadata::default(), warned: false }
    }
}

/// Parses `bytes` as JSON into the order-keeping tree.
pub fn parse(bytes: &[u8]) -> R<J> {
    // Difference 6: a leading byte-order mark is whitespace.
    parse_text(bytes.strip_prefix(BOM).unwrap_or(bytes))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses one JSON text (no byte-order mark handling).
fn parse_text(body: &[u8]) -> R<J> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err(err(ErrorKind::Utf8, format!("invalid UTF-8 at byte {}", e.valid_up_to())));
    }
    let (max_depth, deep_at) = depth_exceeded_at(body, MAX_DEPTH);
    if deep_at.is_some() {
        // Difference 5: past the limit only the kind is checked.
        return Err(RefError {
            kind: ErrorKind::Limit,
            alt: Some(ErrorKind::Syntax),
            detail: format!("nesting deeper than {MAX_DEPTH}"),
        });
    }
    let parse = move || -> R<J> {
        // Go checks the whole syntax before it decodes anything, so a syntax
        // error anywhere wins over a lone surrogate or a number out of range
        // (which IgnoredAny does not look at).
        let mut de = serde_json::Deserializer::from_slice(body);
        de.disable_recursion_limit();
        if let Err(e) = serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end()) {
            return Err(classify(body, &e));
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        de.disable_recursion_limit();
        let j = J::deserialize(&mut de).and_then(|j| de.end().map(|()| j));
        match j {
            Ok(mut j) => {
                let mut texts = number_texts(body).into_iter();
                fill_numbers(&mut j, &mut texts);
                assert!(texts.next().is_none(), "every number literal is used");
                Ok(j)
            }
            Err(e) => Err(classify(body, &e)),
        }
    };
    if max_depth > DEEP {
        // serde recursion per level is large; give deep documents room.
        with_deep_stack(parse)
    } else {
        parse()
    }
}

/// Nesting beyond which the recursive steps (serde's parse, the tree walk,
/// the comparison) run on a grown stack.
const DEEP: usize = 100;

/// Runs `f` with room for [`MAX_DEPTH`] levels of serde recursion: when less
/// than 128 MiB of stack is left, a 256 MiB segment is mapped and `f` runs on
/// it, on the current thread (`stacker`; the pages are only touched as used,
/// and unmapped on return). No thread is spawned, so nothing is left for a
/// leak checker to report (short-lived threads' thread-local destructor
/// records are a known LeakSanitizer false positive), and nested calls reuse
/// the grown segment.
pub fn with_deep_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(128 << 20, 256 << 20, f)
}

/// Whether `bytes` nests deeper than [`DEEP`] (outside strings).
fn is_deep(bytes: &[u8]) -> bool {
    depth_exceeded_at(bytes, DEEP).1.is_some()
}

/// The error kind for a serde_json syntax error.
fn classify(body: &[u8], e: &serde_json::Error) -> RefError {
    let msg = e.to_string();
    let kind = if msg.starts_with("number out of range") {
        ErrorKind::Value
    } else if msg.contains("surrogate") || msg.contains("unicode code point") {
        ErrorKind::Utf8
    } else if msg.starts_with("unexpected end of hex escape") && follows_high_surrogate(body, e) {
        // `"\ud800"` or `"\ud800x"`: a lone high surrogate.
        ErrorKind::Utf8
    } else {
        ErrorKind::Syntax
    };
    err(kind, msg)
}

/// Whether the error position is right after a `\uD800`-`\uDBFF` escape.
fn follows_high_surrogate(body: &[u8], e: &serde_json::Error) -> bool {
    let mut start = 0;
    for _ in 1..e.line() {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let at = (start + e.column()).min(body.len());
    let head = &body[..at];
    let Some(u) = head.windows(2).rposition(|w| w == b"\\u") else { return false };
    let hex = &head[u + 2..];
    hex.len() >= 4
        && std::str::from_utf8(&hex[..4])
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .is_some_and(|cp| (0xD800..0xDC00).contains(&cp))
}

// ---------------------------------------------------------------------------
// Field access with Go's semantics

/// The crate's key match: ASCII case-insensitive.
pub fn key_eq(key: &str, name: &str) -> bool {
    key.len() == name.len() && key.chars().zip(name.chars()).all(|(k, n)| k.eq_ignore_ascii_case(&n))
}

/// Go's `encoding/json` key match for an ASCII field name (`foldName`):
/// ASCII case folding, plus `ſ` (U+017F) ~ `s` and the Kelvin sign
/// (U+212A) ~ `k`, the only non-ASCII letters whose fold set holds an ASCII
/// letter. Not used by the walker (difference 1).
pub fn go_key_eq(key: &str, name: &str) -> bool {
    let mut k = key.chars();
    for n in name.chars() {
        let Some(c) = k.next() else { return false };
        let ok = match c {
            '\u{17F}' => n.eq_ignore_ascii_case(&'s'),
            '\u{212A}' => n.eq_ignore_ascii_case(&'k'),
            c => c.eq_ignore_ascii_case(&n),
        };
        if !ok {
            return false;
        }
    }
    k.next().is_none()
}

fn obj<'j>(v: &'j J, field: &str) -> R<Option<&'j [(String, J)]>> {
    match v {
        J::Obj(o) => Ok(Some(o)),
        J::Null => Ok(None),
        _ => Err(type_err(field, "an object", v)),
    }
}

fn arr<'j>(v: &'j J, field: &str) -> R<Option<&'j [J]>> {
    match v {
        J::Arr(a) => Ok(Some(a)),
        J::Null => Ok(None),
        _ => Err(type_err(field, "an array", v)),
    }
}

fn string<'j>(v: &'j J, field: &str) -> R<Option<&'j str>> {
    match v {
        J::Str(s) => Ok(Some(s)),
        J::Null => Ok(None),
        _ => Err(type_err(field, "a string", v)),
    }
}

fn set_string(v: &J, field: &str, slot: &mut String) -> R<()> {
    if let Some(s) = string(v, field)? {
        *slot = s.to_owned();
    }
    Ok(())
}

fn opt_string(v: &J, field: &str) -> R<Option<String>> {
    Ok(string(v, field)?.map(str::to_owned))
}

fn is_int_literal(t: &str) -> bool {
    !t.contains(['.', 'e', 'E'])
}

/// Go `int`/`int64`: an integer literal in range (`strconv.ParseInt`).
fn int(v: &J, field: &str) -> R<Option<i64>> {
    match v {
        J::Num(t) if is_int_literal(t) => match t.parse::<i64>() {
            Ok(i) => Ok(Some(i)),
            Err(_) => Err(err(ErrorKind::Value, format!("{field}: {t} is out of the int64 range"))),
        },
        J::Num(t) => Err(err(ErrorKind::Value, format!("{field}: {t} is not an integer"))),
        J::Null => Ok(None),
        _ => Err(type_err(field, "an integer", v)),
    }
}

fn set_int(v: &J, field: &str, slot: &mut i64) -> R<()> {
    if let Some(i) = int(v, field)? {
        *slot = i;
    }
    Ok(())
}

fn float(v: &J, field: &str) -> R<Option<f64>> {
    match v {
        J::Num(t) => Ok(Some(t.parse::<f64>().expect("validated number"))),
        J::Null => Ok(None),
        _ => Err(type_err(field, "a number", v)),
    }
}

fn boolean(v: &J, field: &str) -> R<Option<bool>> {
    match v {
        J::Bool(b) => Ok(Some(*b)),
        J::Null => Ok(None),
        _ => Err(type_err(field, "a boolean", v)),
    }
}

fn time(v: &J, field: &str) -> R<Option<Timestamp>> {
    match v {
        J::Str(s) => Timestamp::parse_rfc3339(s)
            .map(Some)
            .ok_or_else(|| err(ErrorKind::Value, format!("{field}: {s:?} is not RFC 3339"))),
        J::Null => Ok(None),
        _ => Err(type_err(field, "an RFC 3339 string", v)),
    }
}

fn str_list(v: &J, field: &str) -> R<Vec<String>> {
    let Some(items) = arr(v, field)? else { return Ok(Vec::new()) };
    items.iter().map(|x| Ok(string(x, field)?.unwrap_or("").to_owned())).collect()
}

/// Compact JSON text: minimal string escaping, integers in decimal, floats
/// in Go's shortest form, entries in document order.
pub fn raw(v: &J) -> String {
    let mut out = String::new();
    write_raw(v, &mut out);
    out
}

fn write_raw(v: &J, out: &mut String) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(t) => out.push_str(&number_text(t)),
        J::Str(s) => write_str(s, out),
        J::Arr(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_raw(x, out);
            }
            out.push(']');
        }
        J::Obj(items) => {
            out.push('{');
            for (i, (k, x)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_raw(x, out);
            }
            out.push('}');
        }
    }
}

fn number_text(t: &str) -> String {
    if is_int_literal(t) {
        if let Ok(i) = t.parse::<i64>() {
            return i.to_string();
        }
        if let Ok(u) = t.parse::<u64>() {
            return u.to_string();
        }
    }
    let mut s = String::new();
    go_f64(&mut s, t.parse::<f64>().expect("validated number"));
    s
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The span between the earliest and latest non-zero time, never negative.
fn span(times: &[Timestamp]) -> Duration {
    let ns: Vec<i128> = times.iter().filter(|t| !t.is_zero()).map(|t| t.unix_nanos()).collect();
    match (ns.iter().min(), ns.iter().max()) {
        (Some(lo), Some(hi)) => Duration::from_nanos((hi - lo).min(i128::from(i64::MAX)) as u64),
        _ => Duration::ZERO,
    }
}

fn text_part(text: &str) -> Part {
    Part { kind: "text".into(), text: Some(text.into()), media: None }
}

fn text_tool_result(id: &str, text: &str) -> ToolResult {
    ToolResult { id: id.into(), parts: vec![text_part(text)], ..ToolResult::default() }
}

fn concat_text(parts: &[Part]) -> String {
    parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text.as_deref()).collect()
}

// ---------------------------------------------------------------------------
// A1/C1: session recordings

/// Loads a session recording document.
///
/// The crate decides the shape per document (COMPATIBILITY.md, "PromptKit
/// recorder output"): the recorder's JSON export when some `metadata`
/// object has a non-empty string `version`; a lone JSON Lines record when
/// the document has `seq`, `event` or `type` but neither `metadata` nor
/// `events`; the adapter-native shape otherwise. A `null` document loads
/// empty, with a warning.
pub fn session(root: &J) -> R<Outcome> {
    let Some(entries) = obj(root, "the session recording")? else {
        return Ok(Outcome { warned: true, ..Outcome::empty(Format::Session) });
    };
    let (mut native, mut line) = (false, false);
    for (k, v) in entries {
        if key_eq(k, "metadata") {
            native = true;
            let versioned =
                |(k, v): &(String, J)| key_eq(k, "version") && matches!(v, J::Str(s) if !s.is_empty());
            if let J::Obj(meta) = v {
                if meta.iter().any(versioned) {
                    return recorder::export(entries);
                }
            }
        } else if key_eq(k, "events") {
            native = true;
        } else if ["seq", "event", "type"].iter().any(|n| key_eq(k, n)) {
            line = true;
        }
    }
    if line && !native {
        let mut lines = recorder::Lines::default();
        lines.line(root)?;
        return lines.finish();
    }
    native_session(entries)
}

/// The adapter-native shape. Events whose type is not exactly `message`
/// (including a missing type) are skipped and counted, which gives a
/// warning; the count carries over duplicate `events` keys (the crate's
/// choice: a skipped event was read, whichever list wins).
fn native_session(entries: &[(String, J)]) -> R<Outcome> {
    let mut skipped = 0usize;
    let (mut session_id, mut provider_id, mut model) = (String::new(), String::new(), String::new());
    let mut tags = Vec::new();
    let mut messages = Vec::new();
    let mut timestamps = Vec::new();
    let mut recognised = false;
    for (k, v) in entries {
        if key_eq(k, "metadata") {
            recognised = true;
            for (k, v) in obj(v, "metadata")?.unwrap_or_default() {
                if key_eq(k, "session_id") {
                    set_string(v, "session_id", &mut session_id)?;
                } else if key_eq(k, "provider_id") {
                    set_string(v, "provider_id", &mut provider_id)?;
                } else if key_eq(k, "model") {
                    set_string(v, "model", &mut model)?;
                } else if key_eq(k, "tags") {
                    tags = str_list(v, "tags")?;
                }
            }
        } else if key_eq(k, "events") {
            recognised = true;
            messages.clear();
            timestamps.clear();
            for ev in arr(v, "events")?.unwrap_or_default() {
                let Some(ev) = obj(ev, "events")? else { continue };
                let mut kind = String::new();
                let mut ts = Timestamp::ZERO;
                let mut m = RecordedMsg::default();
                for (k, v) in ev {
                    if key_eq(k, "type") {
                        set_string(v, "type", &mut kind)?;
                    } else if key_eq(k, "timestamp") {
                        ts = time(v, "timestamp")?.unwrap_or(ts);
                    } else if key_eq(k, "message") {
                        m.merge(v)?;
                    }
                }
                if kind == "message" {
                    messages.push(m.into_message(ts));
                    timestamps.push(ts);
                } else {
                    skipped += 1;
                }
            }
        }
    }
    let mut provider_info = BTreeMap::new();
    if !provider_id.is_empty() || !model.is_empty() {
        provider_info.insert("provider_id".to_owned(), Value::String(provider_id));
        provider_info.insert("model".to_owned(), Value::String(model));
    }
    let metadata = Metadata {
        provider_info,
        tags,
        duration: span(&timestamps),
        timestamps,
        session_id,
        ..Metadata::default()
    };
    Ok(Outcome { format: Format::Session, messages, metadata, warned: !recognised || skipped > 0 })
}

/// PromptKit's recorder output (docs/formats.md#promptkit-recorder-output; COMPATIBILITY.md
/// "PromptKit recorder output"): event-store JSONL, the JSON export and the
/// JSONL export, walked from the tree like everything else here.
mod recorder {
    use super::*;

    /// The non-blank lines of `bytes` when the file is JSON Lines: its first
    /// non-blank line (after a byte-order mark) is an object that closes at
    /// the end of that line, and another non-blank line follows. (One JSON
    /// document cannot look like that: text after a complete value is a
    /// syntax error.) "Blank" and "closes" follow the crate's definition:
    /// ASCII whitespace (form feed included), and bracket matching that skips
    /// strings but validates nothing, so a broken first line still makes the
    /// file JSON Lines and is reported as that line's error.
    pub fn json_lines(bytes: &[u8]) -> Option<Vec<&[u8]>> {
        let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
        let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace));
        let first = lines.next()?;
        let t = first.trim_ascii();
        if !t.starts_with(b"{") || closes_at(t) != Some(t.len()) {
            return None;
        }
        let mut out = vec![first];
        out.extend(lines);
        (out.len() > 1).then_some(out)
    }

    /// Where the bracket opened by `t[0]` closes (either kind closes either).
    fn closes_at(t: &[u8]) -> Option<usize> {
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        for (i, &b) in t.iter().enumerate() {
            match (in_str, esc, b) {
                (true, true, _) => esc = false,
                (true, false, b'\\') => esc = true,
                (true, false, b'"') => in_str = false,
                (true, ..) => {}
                (false, _, b'"') => in_str = true,
                (false, _, b'{' | b'[') => depth += 1,
                (false, _, b'}' | b']') => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Parses and decodes each line in turn: the first error wins, whether
    /// it is a syntax error or a decoding error of an earlier line.
    pub fn load_lines(lines: &[&[u8]]) -> R<Outcome> {
        let mut l = Lines::default();
        for line in lines {
            // Only the file's first bytes may be a byte-order mark.
            let tree = parse_text(line)?;
            let r = l.line(&tree);
            drop_tree(tree);
            r?;
        }
        l.finish()
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Shape {
        EventStore,
        Export,
    }

    /// A JSON Lines file (or a one-line document) read record by record.
    #[derive(Default)]
    pub struct Lines {
        acc: Acc,
        shape: Option<Shape>,
        ignored: usize,
    }

    impl Lines {
        pub fn line(&mut self, root: &J) -> R<()> {
            let entries = obj(root, "a JSON Lines record")?;
            // The first record decides: a top-level `type` means the export;
            // otherwise `seq` or `event` means the event store; otherwise
            // the export (whose missing metadata then fails the file).
            let shape = *self.shape.get_or_insert_with(|| {
                let has = |n: &str| entries.unwrap_or_default().iter().any(|(k, _)| key_eq(k, n));
                if !has("type") && (has("seq") || has("event")) {
                    Shape::EventStore
                } else {
                    Shape::Export
                }
            });
            // A `null` record: an untyped event in the event store, an
            // ignored record in the export.
            let Some(entries) = entries else {
                match shape {
                    Shape::EventStore => self.acc.event(&Event::default())?,
                    Shape::Export => self.ignored += 1,
                }
                return Ok(());
            };
            match shape {
                Shape::EventStore => {
                    let mut event = Event::default();
                    for (k, v) in entries {
                        if key_eq(k, "seq") {
                            int(v, "seq")?;
                        } else if key_eq(k, "parent_id") {
                            int(v, "parent_id")?;
                        } else if key_eq(k, "event") {
                            event = read_event(v)?;
                        }
                    }
                    self.acc.event(&event)
                }
                Shape::Export => {
                    let (mut kind, mut meta, mut event) = (String::new(), None, None);
                    for (k, v) in entries {
                        if key_eq(k, "type") {
                            set_string(v, "type", &mut kind)?;
                        } else if key_eq(k, "metadata") {
                            meta = Some(v);
                        } else if key_eq(k, "event") {
                            event = Some(v);
                        }
                    }
                    match kind.as_str() {
                        "metadata" => {
                            self.acc.meta = Some(meta.map(export_meta).transpose()?.unwrap_or_default())
                        }
                        "event" => {
                            let e = event.map(read_event).transpose()?.unwrap_or_default();
                            self.acc.event(&e)?;
                        }
                        _ => self.ignored += 1,
                    }
                    Ok(())
                }
            }
        }

        pub fn finish(self) -> R<Outcome> {
            match self.shape {
                None => Err(err(ErrorKind::Syntax, "no records")),
                Some(Shape::EventStore) => Ok(self.acc.finish(false, 0)),
                Some(Shape::Export) => {
                    if self.acc.meta.as_ref().is_none_or(|m| m.version.is_empty()) {
                        return Err(err(ErrorKind::Shape, "invalid recording: missing metadata"));
                    }
                    Ok(self.acc.finish(true, self.ignored))
                }
            }
        }
    }

    /// The JSON export (some `metadata` has a non-empty `version`).
    pub fn export(entries: &[(String, J)]) -> R<Outcome> {
        let mut acc = Acc::default();
        for (k, v) in entries {
            if key_eq(k, "metadata") {
                // Each `metadata` replaces the last one whole (not merged):
                // the crate's choice; real files have one.
                acc.meta = Some(export_meta(v)?);
            } else if key_eq(k, "events") {
                // A duplicate `events` appends (the crate's choice, documented
                // in recorder.rs; Go would replace the list).
                for ev in arr(v, "events")?.unwrap_or_default() {
                    acc.event(&read_event(ev)?)?;
                }
            }
        }
        Ok(acc.finish(true, 0))
    }

    /// `recording.Metadata`, as far as it is used or validated.
    #[derive(Default)]
    struct Meta {
        session_id: String,
        conversation_id: String,
        duration: i64,
        provider_name: String,
        model: String,
        version: String,
        custom: Vec<(String, Value)>,
        tags: Vec<String>,
    }

    fn export_meta(v: &J) -> R<Meta> {
        let mut m = Meta::default();
        for (k, v) in obj(v, "metadata")?.unwrap_or_default() {
            match () {
                _ if key_eq(k, "session_id") => set_string(v, "session_id", &mut m.session_id)?,
                _ if key_eq(k, "conversation_id") => {
                    set_string(v, "conversation_id", &mut m.conversation_id)?
                }
                _ if key_eq(k, "duration") => set_int(v, "duration", &mut m.duration)?,
                _ if key_eq(k, "provider_name") => set_string(v, "provider_name", &mut m.provider_name)?,
                _ if key_eq(k, "model") => set_string(v, "model", &mut m.model)?,
                _ if key_eq(k, "version") => set_string(v, "version", &mut m.version)?,
                _ if ["start_time", "end_time", "created_at"].iter().any(|n| key_eq(k, n)) => {
                    time(v, k)?;
                }
                _ if key_eq(k, "event_count") => {
                    int(v, "event_count")?;
                }
                _ if key_eq(k, "custom") => {
                    // A Go map: exact keys, null clears it, a duplicate replaces it.
                    m.custom.clear();
                    m.tags.clear();
                    for (k, v) in obj(v, "custom")?.unwrap_or_default() {
                        if k == "tags" {
                            // Upstream's stringSlice: string items only; not a list, no tags.
                            m.tags = match v {
                                J::Arr(items) => items
                                    .iter()
                                    .filter_map(|x| if let J::Str(s) = x { Some(s.clone()) } else { None })
                                    .collect(),
                                _ => Vec::new(),
                            };
                        } else {
                            // Strings stay strings; anything else is kept as JSON,
                            // which the owned model reads back with serde_json.
                            let value = match v {
                                J::Str(s) => Value::String(s.clone()),
                                other => serde_json::from_str(&raw(other)).unwrap_or(Value::Null),
                            };
                            m.custom.push((k.clone(), value));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// A recorded event's envelope.
    #[derive(Default)]
    struct Event<'j> {
        kind: String,
        ts: Timestamp,
        session_id: String,
        conversation_id: String,
        data: Option<&'j J>,
    }

    fn read_event(v: &J) -> R<Event<'_>> {
        let mut e = Event::default();
        for (k, v) in obj(v, "event")?.unwrap_or_default() {
            match () {
                _ if key_eq(k, "type") => set_string(v, "type", &mut e.kind)?,
                _ if key_eq(k, "timestamp") => e.ts = time(v, "timestamp")?.unwrap_or(e.ts),
                _ if key_eq(k, "session_id") => set_string(v, "session_id", &mut e.session_id)?,
                _ if key_eq(k, "conversation_id") => {
                    set_string(v, "conversation_id", &mut e.conversation_id)?
                }
                // `data: null` is present (an empty payload), unlike a missing `data`.
                _ if key_eq(k, "data") => e.data = Some(v),
                _ if ["seq", "offset", "parent_seq"].iter().any(|n| key_eq(k, n)) => {
                    int(v, k)?;
                }
                _ if key_eq(k, "run_id") || key_eq(k, "data_type") => {
                    string(v, k)?;
                }
                _ => {}
            }
        }
        Ok(e)
    }

    #[derive(Default)]
    struct Acc {
        messages: Vec<Message>,
        transitions: Vec<WorkflowTransition>,
        skipped: usize,
        /// Every event's time (the event store's duration spans them all).
        times: Vec<Timestamp>,
        /// The first non-empty ids on events (the event store's metadata).
        session_id: String,
        conversation_id: String,
        meta: Option<Meta>,
    }

    impl Acc {
        fn event(&mut self, e: &Event<'_>) -> R<()> {
            self.times.push(e.ts);
            if self.session_id.is_empty() {
                self.session_id = e.session_id.clone();
            }
            if self.conversation_id.is_empty() {
                self.conversation_id = e.conversation_id.clone();
            }
            let data =
                || e.data.ok_or_else(|| err(ErrorKind::Shape, format!("{} event has no data", e.kind)));
            match e.kind.as_str() {
                "message.created" => self.messages.push(created(data()?, e.ts)?),
                "workflow.transitioned" => {
                    let index = self.messages.len() as i64 - 1;
                    self.transitions.push(transition(data()?, index)?);
                }
                _ => self.skipped += 1,
            }
            Ok(())
        }

        fn finish(self, export: bool, ignored: usize) -> Outcome {
            let timestamps: Vec<Timestamp> = self.messages.iter().map(|m| m.timestamp).collect();
            let mut metadata = Metadata { workflow_transitions: self.transitions, ..Default::default() };
            let conversation_id;
            if export {
                let m = self.meta.unwrap_or_default();
                if !m.provider_name.is_empty() || !m.model.is_empty() {
                    metadata.provider_info.insert("model".into(), Value::String(m.model));
                    metadata.provider_info.insert("provider_id".into(), Value::String(m.provider_name));
                }
                conversation_id = m.conversation_id;
                metadata.duration =
                    if m.duration > 0 { Duration::from_nanos(m.duration as u64) } else { span(&timestamps) };
                metadata.session_id = m.session_id;
                metadata.tags = m.tags;
                // `custom` wins over conversation_id; a later duplicate wins.
                metadata.extras.extend(m.custom);
            } else {
                conversation_id = self.conversation_id;
                metadata.duration = span(&self.times);
                metadata.session_id = self.session_id;
            }
            if !conversation_id.is_empty() {
                metadata.extras.entry("conversation_id".into()).or_insert(Value::String(conversation_id));
            }
            metadata.timestamps = timestamps;
            let warned = self.skipped > 0 || self.messages.is_empty() || ignored > 0;
            Outcome { format: Format::Recorder, messages: self.messages, metadata, warned }
        }
    }

    /// `events.MessageCreatedData` (Go field names, any case).
    fn created(v: &J, ts: Timestamp) -> R<Message> {
        let mut m = Message { timestamp: ts, ..Message::default() };
        for (k, v) in obj(v, "data")?.unwrap_or_default() {
            match () {
                _ if key_eq(k, "Role") => set_string(v, "Role", &mut m.role)?,
                _ if key_eq(k, "Content") => set_string(v, "Content", &mut m.content)?,
                _ if key_eq(k, "Parts") => m.parts = output_parts(v)?,
                _ if key_eq(k, "ToolCalls") => {
                    m.tool_calls = Vec::new();
                    for item in arr(v, "ToolCalls")?.unwrap_or_default() {
                        let mut c = ToolCall::default();
                        for (k, v) in obj(item, "ToolCalls")?.unwrap_or_default() {
                            match () {
                                _ if key_eq(k, "id") => set_string(v, "id", &mut c.id)?,
                                _ if key_eq(k, "name") => set_string(v, "name", &mut c.name)?,
                                // A string of JSON text (kept as is), or any other value's text.
                                _ if key_eq(k, "args") => match v {
                                    J::Null => {}
                                    J::Str(s) => c.args = s.clone(),
                                    other => c.args = raw(other),
                                },
                                _ => {}
                            }
                        }
                        m.tool_calls.push(c);
                    }
                }
                _ if key_eq(k, "ToolResult") => {
                    m.tool_result = match obj(v, "ToolResult")? {
                        None => None,
                        Some(fields) => {
                            let mut r = m.tool_result.take().unwrap_or_default();
                            tool_result(fields, &mut r)?;
                            Some(r)
                        }
                    };
                }
                _ if key_eq(k, "Index") => {
                    int(v, "Index")?;
                }
                _ => {}
            }
        }
        // A tool message without content takes its result's parts (when it
        // has none) and text.
        if let Some(r) = &m.tool_result {
            if m.content.is_empty() && m.parts.is_empty() {
                m.parts = r.parts.clone();
            }
            if m.content.is_empty() {
                m.content = concat_text(&r.parts);
            }
        }
        Ok(m)
    }

    fn transition(v: &J, message_index: i64) -> R<WorkflowTransition> {
        let mut w = WorkflowTransition { message_index, ..WorkflowTransition::default() };
        for (k, v) in obj(v, "data")?.unwrap_or_default() {
            match () {
                _ if key_eq(k, "from_state") => set_string(v, "from_state", &mut w.from)?,
                _ if key_eq(k, "to_state") => set_string(v, "to_state", &mut w.to)?,
                _ if key_eq(k, "event") => set_string(v, "event", &mut w.event)?,
                _ if key_eq(k, "prompt_task") => set_string(v, "prompt_task", &mut w.prompt_task)?,
                _ => {}
            }
        }
        Ok(w)
    }
}

#[derive(Default)]
struct RecordedMsg {
    role: String,
    content: String,
    parts: Vec<Part>,
    tool_calls: Vec<ToolCall>,
    tool_call_id: String,
}

#[derive(Default)]
struct MediaSrc {
    mime_type: String,
    data: String,
    uri: String,
    path: String,
    size: i64,
    width: i64,
    height: i64,
    duration: i64,
}

impl RecordedMsg {
    fn merge(&mut self, v: &J) -> R<()> {
        for (k, v) in obj(v, "message")?.unwrap_or_default() {
            if key_eq(k, "role") {
                set_string(v, "role", &mut self.role)?;
            } else if key_eq(k, "content") {
                set_string(v, "content", &mut self.content)?;
            } else if key_eq(k, "name") {
                string(v, "name")?;
            } else if key_eq(k, "parts") {
                self.parts = recorded_parts(v)?;
            } else if key_eq(k, "tool_calls") {
                self.tool_calls = recorded_tool_calls(v)?;
            } else if key_eq(k, "tool_call_id") {
                set_string(v, "tool_call_id", &mut self.tool_call_id)?;
            }
        }
        Ok(())
    }

    fn into_message(self, ts: Timestamp) -> Message {
        let tool_result =
            (!self.tool_call_id.is_empty()).then(|| text_tool_result(&self.tool_call_id, &self.content));
        Message {
            role: self.role,
            content: self.content,
            parts: self.parts,
            tool_calls: self.tool_calls,
            tool_result,
            timestamp: ts,
            ..Message::default()
        }
    }
}

fn recorded_parts(v: &J) -> R<Vec<Part>> {
    let mut out = Vec::new();
    for item in arr(v, "parts")?.unwrap_or_default() {
        let (mut kind, mut text, mut media) = (String::new(), None::<String>, None::<MediaSrc>);
        for (k, v) in obj(item, "parts")?.unwrap_or_default() {
            if key_eq(k, "type") {
                set_string(v, "type", &mut kind)?;
            } else if key_eq(k, "text") {
                text = opt_string(v, "text")?;
            } else if key_eq(k, "media") {
                media = match obj(v, "media")? {
                    None => None,
                    Some(fields) => {
                        let mut m = media.take().unwrap_or_default();
                        media_source(fields, &mut m)?;
                        Some(m)
                    }
                };
            }
        }
        // Shared part conversion (docs/formats.md#shared-conversion-rules).
        let mut p = Part { kind, ..Part::default() };
        match p.kind.as_str() {
            "text" => p.text = text.filter(|t| !t.is_empty()),
            "image" | "audio" | "video" | "document" => p.media = media.map(convert_media),
            _ => {}
        }
        out.push(p);
    }
    Ok(out)
}

fn media_source(fields: &[(String, J)], m: &mut MediaSrc) -> R<()> {
    for (k, v) in fields {
        match () {
            _ if key_eq(k, "mime_type") => set_string(v, "mime_type", &mut m.mime_type)?,
            _ if key_eq(k, "data") => set_string(v, "data", &mut m.data)?,
            _ if key_eq(k, "uri") => set_string(v, "uri", &mut m.uri)?,
            _ if key_eq(k, "path") => set_string(v, "path", &mut m.path)?,
            _ if key_eq(k, "size") => set_int(v, "size", &mut m.size)?,
            _ if key_eq(k, "width") => set_int(v, "width", &mut m.width)?,
            _ if key_eq(k, "height") => set_int(v, "height", &mut m.height)?,
            _ if key_eq(k, "duration") => set_int(v, "duration", &mut m.duration)?,
            _ => {}
        }
    }
    Ok(())
}

fn convert_media(m: MediaSrc) -> Media {
    let positive = |x: i64| (x > 0).then_some(x);
    let mut out = Media { mime_type: m.mime_type, ..Media::default() };
    if !m.data.is_empty() {
        out.data = Some(m.data);
    } else if !m.uri.is_empty() {
        out.url = Some(m.uri);
    } else if !m.path.is_empty() {
        out.file_path = Some(m.path);
    }
    out.size_kb = positive(m.size).map(|b| b / 1024);
    out.width = positive(m.width);
    out.height = positive(m.height);
    out.duration = positive(m.duration).map(|ms| ms / 1000);
    out
}

fn recorded_tool_calls(v: &J) -> R<Vec<ToolCall>> {
    let mut out = Vec::new();
    for item in arr(v, "tool_calls")?.unwrap_or_default() {
        let mut c = ToolCall::default();
        for (k, v) in obj(item, "tool_calls")?.unwrap_or_default() {
            if key_eq(k, "id") {
                set_string(v, "id", &mut c.id)?;
            } else if key_eq(k, "type") {
                string(v, "type")?;
            } else if key_eq(k, "function") {
                for (k, v) in obj(v, "function")?.unwrap_or_default() {
                    if key_eq(k, "name") {
                        set_string(v, "name", &mut c.name)?;
                    } else if key_eq(k, "arguments") {
                        // A string of JSON text, or (our extension) any value.
                        match v {
                            J::Null => {}
                            J::Str(s) => c.args = s.clone(),
                            other => c.args = raw(other),
                        }
                    }
                }
            }
        }
        out.push(c);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// A2/C2: Arena output

/// Loads an Arena output document, choosing the shape by its keys.
pub fn arena(root: &J) -> R<Outcome> {
    let Some(entries) = obj(root, "the arena output")? else {
        return Ok(Outcome::empty(Format::ArenaTurns));
    };
    let (mut has_run, mut has_messages, mut has_turns) = (false, false, false);
    for (k, v) in entries {
        if key_eq(k, "RunID") {
            has_run = true;
        } else if key_eq(k, "Messages") {
            has_run = true;
            let empty = match v {
                J::Null => true,
                J::Arr(a) => a.is_empty(),
                _ => false,
            };
            has_messages |= !empty;
        } else if key_eq(k, "turns") {
            has_turns = true;
        }
    }
    if has_messages || (has_run && !has_turns) {
        return run(entries);
    }
    let mut out = turns(entries)?;
    let known = ["scenario_id", "provider_id", "metadata", "summary"];
    out.warned = !has_turns && !has_run && !entries.iter().any(|(k, _)| known.iter().any(|n| key_eq(k, n)));
    Ok(out)
}

fn run(entries: &[(String, J)]) -> R<Outcome> {
    let mut strs: BTreeMap<&str, String> = BTreeMap::new();
    let mut params = None;
    let mut tags = Vec::new();
    let (mut start, mut end) = (Timestamp::ZERO, Timestamp::ZERO);
    let mut duration = 0i64;
    let mut messages = Vec::new();
    let names = [
        ("RunID", "run_id"),
        ("ScenarioID", "scenario_id"),
        ("PromptPack", "prompt_pack"),
        ("Region", "region"),
        ("ProviderID", "provider_id"),
        ("Error", "error"),
    ];
    for (k, v) in entries {
        if let Some((field, key)) = names.iter().find(|(n, _)| key_eq(k, n)) {
            set_string(v, field, strs.entry(key).or_default())?;
        } else if key_eq(k, "Messages") {
            messages = Vec::new();
            for item in arr(v, "Messages")?.unwrap_or_default() {
                let mut m = Message::default();
                message(item, &mut m)?;
                messages.push(m);
            }
        } else if key_eq(k, "Params") {
            params = obj(v, "Params")?.filter(|o| !o.is_empty()).map(|_| raw(v));
        } else if key_eq(k, "SessionTags") {
            tags = str_list(v, "SessionTags")?;
        } else if key_eq(k, "StartTime") {
            start = time(v, "StartTime")?.unwrap_or(start);
        } else if key_eq(k, "EndTime") {
            end = time(v, "EndTime")?.unwrap_or(end);
        } else if key_eq(k, "Duration") {
            set_int(v, "Duration", &mut duration)?;
        }
    }
    let get = |k: &str| strs.get(k).cloned().unwrap_or_default();
    let timestamps =
        messages.iter().map(|m| if m.timestamp.is_zero() { start } else { m.timestamp }).collect();
    let duration_ns: i128 = if duration > 0 {
        i128::from(duration)
    } else if !start.is_zero() && !end.is_zero() {
        (end.unix_nanos() - start.unix_nanos()).clamp(0, i128::from(i64::MAX))
    } else {
        0
    };
    let mut provider_info = BTreeMap::new();
    if !get("provider_id").is_empty() {
        provider_info.insert("provider_id".to_owned(), Value::String(get("provider_id")));
    }
    let mut extras = BTreeMap::new();
    for key in ["scenario_id", "prompt_pack", "region", "error"] {
        if !get(key).is_empty() {
            extras.insert(key.to_owned(), Value::String(get(key)));
        }
    }
    if let Some(p) = params {
        extras.insert("params".to_owned(), serde_json::from_str(&p).unwrap_or(Value::Null));
    }
    let metadata = Metadata {
        provider_info,
        tags,
        timestamps,
        session_id: get("run_id"),
        duration: Duration::from_nanos(duration_ns as u64),
        extras,
        ..Metadata::default()
    };
    Ok(Outcome { format: Format::ArenaRun, messages, metadata, warned: false })
}

/// PromptKit `types.Message` (output schema), merged into `m` as Go does.
fn message(v: &J, m: &mut Message) -> R<()> {
    let Some(fields) = obj(v, "message")? else { return Ok(()) };
    for (k, v) in fields {
        match () {
            _ if key_eq(k, "role") => set_string(v, "role", &mut m.role)?,
            _ if key_eq(k, "content") => set_string(v, "content", &mut m.content)?,
            _ if key_eq(k, "parts") => m.parts = output_parts(v)?,
            _ if key_eq(k, "tool_calls") => {
                m.tool_calls = Vec::new();
                for item in arr(v, "tool_calls")?.unwrap_or_default() {
                    let mut c = ToolCall::default();
                    for (k, v) in obj(item, "tool_calls")?.unwrap_or_default() {
                        match () {
                            _ if key_eq(k, "id") => set_string(v, "id", &mut c.id)?,
                            _ if key_eq(k, "name") => set_string(v, "name", &mut c.name)?,
                            // json.RawMessage: any value, null included.
                            _ if key_eq(k, "args") => c.args = raw(v),
                            _ if key_eq(k, "provider_metadata") => {
                                c.provider_metadata = obj(v, "provider_metadata")?.map(|_| raw(v));
                            }
                            _ => {}
                        }
                    }
                    m.tool_calls.push(c);
                }
            }
            _ if key_eq(k, "tool_result") => {
                m.tool_result = match obj(v, "tool_result")? {
                    None => None,
                    Some(fields) => {
                        let mut r = m.tool_result.take().unwrap_or_default();
                        tool_result(fields, &mut r)?;
                        Some(r)
                    }
                };
            }
            _ if key_eq(k, "timestamp") => m.timestamp = time(v, "timestamp")?.unwrap_or(m.timestamp),
            _ if key_eq(k, "latency_ms") => set_int(v, "latency_ms", &mut m.latency_ms)?,
            _ if key_eq(k, "cost_info") => m.cost_info = obj(v, "cost_info")?.map(|_| raw(v)),
            _ if key_eq(k, "finish_reason") => set_string(v, "finish_reason", &mut m.finish_reason)?,
            _ if key_eq(k, "meta") => m.meta = obj(v, "meta")?.map(|_| raw(v)),
            _ if key_eq(k, "reasoning") => m.reasoning = obj(v, "reasoning")?.map(|_| raw(v)),
            _ if key_eq(k, "validations") => m.validations = arr(v, "validations")?.map(|_| raw(v)),
            _ => {}
        }
    }
    // Message's custom decoder: a tool message takes its result's text.
    if let Some(r) = &m.tool_result {
        if m.content.is_empty() {
            m.content = concat_text(&r.parts);
        }
    }
    Ok(())
}

fn tool_result(fields: &[(String, J)], r: &mut ToolResult) -> R<()> {
    let mut legacy: Option<String> = None;
    for (k, v) in fields {
        match () {
            _ if key_eq(k, "id") => set_string(v, "id", &mut r.id)?,
            _ if key_eq(k, "name") => set_string(v, "name", &mut r.name)?,
            _ if key_eq(k, "parts") => r.parts = output_parts(v)?,
            _ if key_eq(k, "error") => set_string(v, "error", &mut r.error)?,
            _ if key_eq(k, "error_type") => set_string(v, "error_type", &mut r.error_type)?,
            _ if key_eq(k, "latency_ms") => set_int(v, "latency_ms", &mut r.latency_ms)?,
            _ if key_eq(k, "content") => {
                if let Some(s) = opt_string(v, "content")? {
                    legacy = Some(s);
                }
            }
            _ => {}
        }
    }
    // Legacy run outputs (before PromptKit #617): `content` becomes a text part.
    if let Some(text) = legacy.filter(|t| !t.is_empty()) {
        if r.parts.is_empty() {
            r.parts = vec![text_part(&text)];
        }
    }
    Ok(())
}

/// `[]types.ContentPart` (output schema).
fn output_parts(v: &J) -> R<Vec<Part>> {
    let mut out = Vec::new();
    for item in arr(v, "parts")?.unwrap_or_default() {
        let mut p = Part::default();
        for (k, v) in obj(item, "parts")?.unwrap_or_default() {
            if key_eq(k, "type") {
                set_string(v, "type", &mut p.kind)?;
            } else if key_eq(k, "text") {
                p.text = opt_string(v, "text")?;
            } else if key_eq(k, "media") {
                p.media = media_content(v, p.media.take())?;
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// `*types.MediaContent`: null clears it, an object merges into it.
fn media_content(v: &J, current: Option<Media>) -> R<Option<Media>> {
    let Some(fields) = obj(v, "media")? else { return Ok(None) };
    let mut m = current.unwrap_or_default();
    for (k, v) in fields {
        let strs: [(&str, &mut Option<String>); 8] = [
            ("data", &mut m.data),
            ("file_path", &mut m.file_path),
            ("url", &mut m.url),
            ("storage_reference", &mut m.storage_reference),
            ("format", &mut m.format),
            ("detail", &mut m.detail),
            ("caption", &mut m.caption),
            ("policy_name", &mut m.policy_name),
        ];
        let mut done = false;
        for (name, slot) in strs {
            if key_eq(k, name) {
                *slot = opt_string(v, name)?;
                done = true;
            }
        }
        let ints: [(&str, &mut Option<i64>); 7] = [
            ("size_kb", &mut m.size_kb),
            ("duration", &mut m.duration),
            ("bit_rate", &mut m.bit_rate),
            ("channels", &mut m.channels),
            ("width", &mut m.width),
            ("height", &mut m.height),
            ("fps", &mut m.fps),
        ];
        for (name, slot) in ints {
            if key_eq(k, name) {
                *slot = int(v, name)?;
                done = true;
            }
        }
        if !done && key_eq(k, "mime_type") {
            set_string(v, "mime_type", &mut m.mime_type)?;
        }
    }
    Ok(Some(m))
}

struct Turn {
    ts: Timestamp,
    user_content: String,
    user_parts: Vec<Part>,
    response: Message,
    tool_results: Vec<(String, String)>,
}

fn turns(entries: &[(String, J)]) -> R<Outcome> {
    let (mut scenario_id, mut provider_id) = (String::new(), String::new());
    let mut tags = Vec::new();
    let mut messages = Vec::new();
    // The turn's time for each message (the reference's metadata.timestamps).
    let mut timestamps: Vec<Timestamp> = Vec::new();
    for (k, v) in entries {
        if key_eq(k, "scenario_id") {
            set_string(v, "scenario_id", &mut scenario_id)?;
        } else if key_eq(k, "provider_id") {
            set_string(v, "provider_id", &mut provider_id)?;
        } else if key_eq(k, "metadata") {
            for (k, v) in obj(v, "metadata")?.unwrap_or_default() {
                if key_eq(k, "tags") {
                    tags = str_list(v, "tags")?;
                } else if key_eq(k, "extras") {
                    obj(v, "extras")?;
                }
            }
        } else if key_eq(k, "turns") {
            messages = Vec::new();
            timestamps = Vec::new();
            for item in arr(v, "turns")?.unwrap_or_default() {
                let t = turn(item)?;
                if !t.user_content.is_empty() || !t.user_parts.is_empty() {
                    messages.push(Message {
                        role: "user".into(),
                        content: t.user_content,
                        parts: t.user_parts,
                        timestamp: t.ts,
                        ..Message::default()
                    });
                }
                let mut r = t.response;
                if !r.content.is_empty() || !r.parts.is_empty() || !r.tool_calls.is_empty() {
                    if r.timestamp.is_zero() {
                        r.timestamp = t.ts;
                    }
                    messages.push(r);
                }
                for (id, content) in t.tool_results {
                    let result = text_tool_result(&id, &content);
                    messages.push(Message {
                        role: "tool".into(),
                        content: concat_text(&result.parts),
                        tool_result: Some(result),
                        timestamp: t.ts,
                        ..Message::default()
                    });
                }
                timestamps.resize(messages.len(), t.ts);
            }
        } else if key_eq(k, "summary") {
            for (k, v) in obj(v, "summary")?.unwrap_or_default() {
                for f in ["total_turns", "passed_turns", "failed_turns"] {
                    if key_eq(k, f) {
                        int(v, f)?;
                    }
                }
                if key_eq(k, "total_cost") {
                    float(v, "total_cost")?;
                }
            }
        }
    }
    let mut provider_info = BTreeMap::new();
    if !provider_id.is_empty() {
        provider_info.insert("provider_id".to_owned(), Value::String(provider_id));
    }
    let mut extras = BTreeMap::new();
    if !scenario_id.is_empty() {
        extras.insert("scenario_id".to_owned(), Value::String(scenario_id));
    }
    let metadata = Metadata {
        provider_info,
        tags,
        duration: span(&timestamps),
        timestamps,
        extras,
        ..Metadata::default()
    };
    Ok(Outcome { format: Format::ArenaTurns, messages, metadata, warned: false })
}

fn turn(v: &J) -> R<Turn> {
    let mut t = Turn {
        ts: Timestamp::ZERO,
        user_content: String::new(),
        user_parts: Vec::new(),
        response: Message::default(),
        tool_results: Vec::new(),
    };
    for (k, v) in obj(v, "turns")?.unwrap_or_default() {
        if key_eq(k, "timestamp") {
            t.ts = time(v, "timestamp")?.unwrap_or(t.ts);
        } else if key_eq(k, "turn_index") {
            int(v, "turn_index")?;
        } else if key_eq(k, "user_message") {
            for (k, v) in obj(v, "user_message")?.unwrap_or_default() {
                if key_eq(k, "content") {
                    set_string(v, "content", &mut t.user_content)?;
                } else if key_eq(k, "parts") {
                    t.user_parts = arena_parts(v)?;
                }
            }
        } else if key_eq(k, "response") {
            for (k, v) in obj(v, "response")?.unwrap_or_default() {
                if key_eq(k, "message") {
                    message(v, &mut t.response)?;
                } else if key_eq(k, "cost") {
                    for (k, v) in obj(v, "cost")?.unwrap_or_default() {
                        if key_eq(k, "input_tokens") || key_eq(k, "output_tokens") {
                            int(v, k)?;
                        } else if key_eq(k, "total_cost") {
                            float(v, "total_cost")?;
                        }
                    }
                }
            }
        } else if key_eq(k, "tool_results") {
            t.tool_results = Vec::new();
            for item in arr(v, "tool_results")?.unwrap_or_default() {
                let (mut id, mut content) = (String::new(), String::new());
                for (k, v) in obj(item, "tool_results")?.unwrap_or_default() {
                    if key_eq(k, "tool_call_id") {
                        set_string(v, "tool_call_id", &mut id)?;
                    } else if key_eq(k, "content") {
                        set_string(v, "content", &mut content)?;
                    }
                }
                t.tool_results.push((id, content));
            }
        } else if key_eq(k, "assertions") {
            for item in arr(v, "assertions")?.unwrap_or_default() {
                for (k, v) in obj(item, "assertions")?.unwrap_or_default() {
                    if key_eq(k, "type") || key_eq(k, "message") {
                        string(v, k)?;
                    } else if key_eq(k, "passed") {
                        boolean(v, "passed")?;
                    }
                }
            }
        }
    }
    Ok(t)
}

/// Arena part conversion: type copied, non-empty text kept and media copied
/// verbatim, whatever the type.
fn arena_parts(v: &J) -> R<Vec<Part>> {
    let mut out = Vec::new();
    for item in arr(v, "parts")?.unwrap_or_default() {
        let mut p = Part::default();
        for (k, v) in obj(item, "parts")?.unwrap_or_default() {
            if key_eq(k, "type") {
                set_string(v, "type", &mut p.kind)?;
            } else if key_eq(k, "text") {
                p.text = opt_string(v, "text")?.filter(|t| !t.is_empty());
            } else if key_eq(k, "media") {
                p.media = media_content(v, p.media.take())?;
            }
        }
        out.push(p);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The comparison

/// The formats the reference knows.
pub const PARSERS: [Parser; 2] = [Parser::Session, Parser::ArenaOutput];

/// Loads `bytes` with the reference.
pub fn load(bytes: &[u8], parser: Parser) -> R<Outcome> {
    if parser == Parser::Session {
        if let Some(lines) = recorder::json_lines(bytes) {
            return recorder::load_lines(&lines);
        }
    }
    let tree = parse(bytes)?;
    let result = if parser == Parser::Session { session(&tree) } else { arena(&tree) };
    drop_tree(tree);
    result
}

/// Drops a tree without recursion (the derived drop recurses once per level):
/// each node's children are moved out onto a work list before it is dropped.
fn drop_tree(tree: J) {
    let mut stack = vec![tree];
    while let Some(j) = stack.pop() {
        match j {
            J::Arr(items) => stack.extend(items),
            J::Obj(items) => stack.extend(items.into_iter().map(|(_, x)| x)),
            _ => {}
        }
    }
}

/// Checks that the byte an error points at is the kind of byte its kind
/// names: the start of a value for type and value errors, an opening bracket
/// for the nesting limit, the first bad byte or a `\u` escape for UTF-8.
pub fn check_error_position(bytes: &[u8], e: &arena_recordings::Error) -> Result<(), String> {
    let Some(off) = e.offset() else {
        return match e.kind() {
            ErrorKind::Limit | ErrorKind::Io => Ok(()),
            _ => Err(format!("no offset: {e:?}")),
        };
    };
    if off > bytes.len() {
        return Err(format!("offset {off} past the end ({}): {e:?}", bytes.len()));
    }
    if e.position().map(|p| p.offset) != Some(off) {
        return Err(format!("not located: {e:?}"));
    }
    let at = bytes.get(off).copied();
    let ok = match e.kind() {
        ErrorKind::Type | ErrorKind::Value => {
            matches!(at, Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'))
        }
        ErrorKind::Limit => matches!(at, Some(b'[' | b'{')),
        ErrorKind::Utf8 => {
            // JSON Lines are checked line by line (an earlier line's lone
            // surrogate is reported before a later line's invalid bytes), so
            // the rule applies within the error's line; to the whole text
            // otherwise.
            let (lo, hi) = match recorder::json_lines(bytes) {
                Some(_) => {
                    let lo = bytes[..off].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                    let hi = bytes[off..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| off + i);
                    (lo, hi)
                }
                None => (0, bytes.len()),
            };
            match std::str::from_utf8(&bytes[lo..hi]) {
                Err(u) => lo + u.valid_up_to() == off,
                Ok(_) => bytes[off..].starts_with(b"\\u"),
            }
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        let near = String::from_utf8_lossy(&bytes[off.saturating_sub(10)..(off + 10).min(bytes.len())]);
        Err(format!("{:?} error points at {at:?} (near {near:?}): {e}", e.kind()))
    }
}

/// Runs the crate (with `loader`) and the reference on `bytes` and returns a
/// description of the first disagreement, if any.
///
/// A deeply nested input is checked on a grown stack ([`with_deep_stack`]):
/// the reference's walk and the comparison of the results recurse.
pub fn check(loader: &mut Loader, bytes: &[u8], parser: Parser) -> Result<(), String> {
    if is_deep(bytes) {
        with_deep_stack(|| check_on_this_stack(loader, bytes, parser))
    } else {
        check_on_this_stack(loader, bytes, parser)
    }
}

fn check_on_this_stack(loader: &mut Loader, bytes: &[u8], parser: Parser) -> Result<(), String> {
    let expected = load(bytes, parser);
    let actual = loader.load_bytes(bytes, parser);
    if let Err(e) = &actual {
        check_error_position(bytes, e)?;
    }
    let actual = actual.map(|rec| {
        let (messages, metadata) = arena_recordings::to_owned(&rec);
        Outcome { format: rec.format, messages, metadata, warned: !rec.warnings.is_empty() }
    });
    match (actual, expected) {
        (Ok(a), Ok(e)) if a == e => Ok(()),
        (Ok(a), Ok(e)) => Err(describe_difference(&a, &e)),
        (Err(a), Err(e)) if a.kind() == e.kind || Some(a.kind()) == e.alt => Ok(()),
        (Err(a), Err(e)) => {
            Err(format!("both reject, but the crate says {:?} ({a}), the reference {e:?}", a.kind()))
        }
        (Ok(a), Err(e)) => {
            Err(format!("the crate accepts ({} messages), the reference rejects: {e:?}", a.messages.len()))
        }
        (Err(a), Ok(e)) => Err(format!(
            "the crate rejects with {:?} ({a}), the reference accepts ({} messages)",
            a.kind(),
            e.messages.len()
        )),
    }
}

fn describe_difference(a: &Outcome, e: &Outcome) -> String {
    if a.format != e.format {
        return format!("format: crate {:?}, reference {:?}", a.format, e.format);
    }
    if a.warned != e.warned {
        return format!("warning: crate {}, reference {}", a.warned, e.warned);
    }
    if a.messages.len() != e.messages.len() {
        return format!("message count: crate {}, reference {}", a.messages.len(), e.messages.len());
    }
    for (i, (x, y)) in a.messages.iter().zip(&e.messages).enumerate() {
        if x != y {
            return format!("message {i}:\n  crate:     {x:?}\n  reference: {y:?}");
        }
    }
    format!("metadata:\n  crate:     {:?}\n  reference: {:?}", a.metadata, e.metadata)
}
