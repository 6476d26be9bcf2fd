//! inspect_ai eval logs (FORMATS-MORE.md section 5): `.json` logs and
//! `.eval` zip archives.
//!
//! One recording per sample run, with the fragment `sample=<id>,epoch=<n>`.
//! [`sample`] maps one `EvalSample` (the same JSON in both containers),
//! [`attach`] replaces `attachment://` references, [`archive`] reads the
//! zip: each sample entry is inflated into the arena and parsed in place
//! there, so recordings borrow it like any other input.

mod archive;
mod attach;
mod sample;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::formats::{Piece, Sink};
use crate::input::Input;
use crate::json::Cx;
use crate::model::{Format, Recording};

/// The warning of a log that holds no sample (one empty reference).
const NO_SAMPLES: &str = "the log holds no sample: 0 messages loaded";

/// Decodes a `.json` log (the document's root object): one recording per sample.
pub(crate) fn decode_log<'a>(cx: &Cx<'_, 'a>, each: &mut Sink<'_, 'a>) -> Result<()> {
    let root = cx.root();
    let obj =
        cx.obj(root, "the inspect log")?.ok_or_else(|| cx.type_err(root, "an object", "the inspect log"))?;
    let (mut eval, mut samples) = (None, None);
    for (k, v) in obj {
        match k {
            "eval" => eval = Some(v),
            "samples" => samples = Some(v),
            _ => {}
        }
    }
    // The eval header applies to every sample: a bad one fails the file.
    let eval = match eval {
        Some(v) => sample::eval_info(cx, v)?,
        None => sample::Eval::default(),
    };
    let items = match samples {
        Some(v) => cx.arr(v, "samples")?,
        None => None,
    };
    let mut fragment = String::new();
    let mut any = false;
    for (index, v) in items.into_iter().flatten().enumerate() {
        any = true;
        let r = sample::sample_key(cx, v);
        fragment.clear();
        match &r {
            Ok(key) => write_fragment(&mut fragment, key.id, key.epoch),
            // Without its id the sample can only be told by its place.
            Err(_) => {
                use std::fmt::Write;
                let _ = write!(fragment, "item={index}");
            }
        }
        let r = r.and_then(|key| sample::decode(cx, v, &eval, key));
        let r = r.map_err(|e| e.context(format_args!("samples[{index}]")));
        each(Piece { fragment: Some(&fragment), format: Some(Format::Inspect) }, r);
    }
    if !any {
        each(Piece { fragment: None, format: Some(Format::Inspect) }, Ok(empty(cx.bump)));
    }
    Ok(())
}

/// Decodes a `.eval` zip archive (the input's bytes): one recording per sample entry.
pub(crate) fn decode_zip<'l>(input: Input<'l, '_>, each: &mut Sink<'_, 'l>) -> Result<()> {
    archive::decode(input, each)
}

/// The reference of a log without samples.
fn empty(bump: &bumpalo::Bump) -> Recording<'_> {
    let warnings = bump.alloc_slice_copy(&[NO_SAMPLES]);
    Recording { format: Format::Inspect, warnings, ..Recording::default() }
}

/// Writes `sample=<id>,epoch=<n>`, the id's bytes outside
/// `A-Z a-z 0-9 - . _ ~` written `%XX` (section 1.1).
pub(super) fn write_fragment(out: &mut String, id: &str, epoch: impl std::fmt::Display) {
    use std::fmt::Write;
    out.push_str("sample=");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    let _ = write!(out, ",epoch={epoch}");
}

/// At most `max` bytes of `s`, cut at a character boundary (for messages).
pub(super) fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// An error about one member of a `.eval` archive.
fn member_error(kind: crate::error::ErrorKind, name: &str, what: impl std::fmt::Display) -> Error {
    Error::new(kind, format!("{name}: {what}"))
}
