//! Transcript YAML (docs/formats.md#transcripts): `*.transcript.yaml` and
//! `*.transcript.yml`, decoded from yaml-rust2's event stream straight into
//! the borrowed model.
//!
//! There is no intermediate YAML tree: the decoder pulls one event at a
//! time ([`yaml_rust2::parser::Parser::next_token`]) and writes each known
//! field into the [`Message`] or [`Metadata`] being built; unknown keys are
//! skipped by counting nesting, so memory is the recording itself plus the
//! parser's small state.
//!
//! # Why YAML strings are copied, not borrowed
//!
//! The JSON adapters borrow most strings from the input buffer. YAML
//! scalars cannot be borrowed in general: a quoted scalar has escapes, a
//! block scalar (`|`, `>`) drops its indentation and may fold its lines, a
//! plain scalar spanning lines is folded to one, and an alias repeats text
//! that lives elsewhere. yaml-rust2 therefore hands every scalar over as a
//! fresh `String`; each string the recording keeps is copied once into the
//! loader's bump arena ([`Bump::alloc_str`]) and the parser's copy is
//! dropped at once. Keys and skipped values never reach the arena.
//!
//! So unlike the JSON paths, a transcript load is not allocation-free:
//! yaml-rust2 allocates each scalar and key (and some scratch per scalar in
//! its scanner). Each allocation is freed as soon as its value is copied or
//! skipped, so memory stays bounded by the recording plus the parser state
//! (plus the events of anchored nodes, kept for their aliases).
//!
//! # Semantics (gopkg.in/yaml.v3 as the reference uses it)
//!
//! * Keys are matched exactly (case-sensitive); unknown keys are ignored; a
//!   known key given twice in one mapping is an error, as in yaml.v3.
//! * A scalar going into a string field keeps its source text (`123` and
//!   `true` stay text); a plain `null`, `~` or empty value leaves the field
//!   empty. A mapping or sequence there is a type error.
//! * Integer fields accept what yaml.v3 resolves to a number: `2048`,
//!   `0x800`, `2_048`, and floats (`2048.0`, truncated like Go's
//!   `int64(f)`). A string there (quoted, or text such as `big`) is a type
//!   error with its line and column.
//! * Only the first document is read (as the reference); unlike the
//!   reference, a second document is reported in [`Recording::warnings`].
//! * Merge keys (`<<: *base`) fill in fields the mapping does not set itself.
//! * Tool-call `arguments`: a scalar is kept as its text (the reference);
//!   as an extension a mapping or sequence is accepted and kept as compact
//!   JSON text (the reference fails the whole file).
//! * `Message::timestamp` is set from the message's `timestamp` (the
//!   reference leaves it zero; docs/formats.md#where-the-reference-misbehaves, quirk 9).
//!
//! # Hostile input
//!
//! * Aliases are expanded by replaying the recorded events of their anchor,
//!   against a budget proportional to the file size ([`Limits::alias_budget`]); a
//!   "billion laughs" file stops with an [`ErrorKind::Limit`] error instead
//!   of exhausting memory or time. An alias to a node that contains it is
//!   an error.
//! * Nesting deeper than [`Limits::max_depth`] is an [`ErrorKind::Limit`]
//!   error, and so are flow collections (`[`, `{`) nested more than 255
//!   deep, yaml-rust2's own limit. yaml-rust2's parser keeps its states on a heap stack and this
//!   decoder recurses only along the fixed transcript schema, so depth never
//!   reaches the machine stack.
//! * Invalid UTF-8 and NUL bytes (which yaml-rust2 would take for the end of
//!   the input) are rejected with their offset before parsing; a UTF-8
//!   byte-order mark is skipped.

use bumpalo::Bump;

use crate::error::{Error, ErrorKind, Result};
use crate::input::Input;
use crate::limits::Limits;
use crate::model::Recording;

mod decode;
mod events;
mod json;
#[cfg(test)]
mod tests;

use decode::decode_text;

/// Decodes the transcript in `input` (the loader's entry point).
pub(crate) fn decode<'l>(input: Input<'l, '_>) -> Result<Recording<'l>> {
    let Input { buf, len, bump, limits, .. } = input;
    decode_bytes(&buf[..len], bump, limits)
}

/// Decodes a transcript from `bytes` into `bump`.
///
/// Errors carry a byte offset into `bytes` (the loader adds line and column).
pub(crate) fn decode_bytes<'a>(bytes: &[u8], bump: &'a Bump, limits: Limits) -> Result<Recording<'a>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let found = format!("byte 0x{:02x}", bytes[at]);
        let msg = match e.error_len() {
            Some(_) => format!("invalid UTF-8: {found} does not begin a valid character"),
            None => format!("invalid UTF-8: the file ends inside a character ({found})"),
        };
        Error::expected(ErrorKind::Utf8, "UTF-8 text", found, msg).at(at)
    })?;
    // The BOM is skipped; offsets stay those of the file.
    let (base, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    if let Some(i) = memchr::memchr(0, text.as_bytes()) {
        return Err(Error::expected(
            ErrorKind::Syntax,
            "YAML text",
            "a NUL byte",
            "a NUL byte is not allowed in YAML",
        )
        .at(base + i));
    }
    let first = decode_text(text, text, base, &[], bump, limits, bytes.len());
    if !text.contains("\\'") {
        return first.map_err(|(e, _)| e);
    }
    // yaml.v3 (the reference) reads `\'` in a double-quoted scalar as `'`;
    // YAML 1.2 and yaml-rust2 reject it. The scanner names the scalar that
    // holds it, so those escapes (and only those) are rewritten and the text
    // parsed again. Error offsets stay those of the original text.
    let mut removed: Vec<usize> = Vec::new();
    let mut result = first;
    for _ in 0..MAX_ESCAPE_RETRIES {
        let Err((err, Some(scalar))) = result else { return result.map_err(|(e, _)| e) };
        let Some(found) = quote_escapes(text, &removed, scalar) else { return Err(err) };
        removed.extend(found);
        removed.sort_unstable();
        let fixed = without_chars(text, &removed);
        result = decode_text(&fixed, text, base, &removed, bump, limits, bytes.len());
    }
    result.map_err(|(e, _)| e)
}

/// Most double-quoted scalars with `\'` escapes that one transcript may hold
/// (each costs one more parse).
const MAX_ESCAPE_RETRIES: usize = 256;

/// The char indices (in `src`) of the backslashes of the `\'` escapes in the
/// double-quoted scalar that starts at char `scalar` of the text parsed
/// (`src` without the `removed` chars); `None` if it has none.
fn quote_escapes(src: &str, removed: &[usize], scalar: usize) -> Option<Vec<usize>> {
    let start = original_index(removed, scalar);
    let mut chars = src.chars().enumerate().skip(start).filter(|(i, _)| removed.binary_search(i).is_err());
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut found = Vec::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, '\'')) => found.push(i),
                Some(_) => {}
                None => break,
            },
            _ => {}
        }
    }
    (!found.is_empty()).then_some(found)
}

/// `src` without the chars at the (sorted) char indices `removed`.
fn without_chars(src: &str, removed: &[usize]) -> String {
    src.chars().enumerate().filter(|(i, _)| removed.binary_search(i).is_err()).map(|(_, c)| c).collect()
}

/// The char index in the original text of char `i` of the text parsed
/// (the original without the chars at the sorted indices `removed`).
pub(super) fn original_index(removed: &[usize], i: usize) -> usize {
    let mut o = i;
    for &r in removed {
        if r <= o {
            o += 1;
        } else {
            break;
        }
    }
    o
}
