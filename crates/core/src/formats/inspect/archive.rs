//! `.eval` logs: a zip archive (`log/_recorders/eval.py`) whose
//! `header.json` (or `_journal/start.json` for an unfinished run) holds
//! `eval`, and whose entries `samples/<id>_epoch_<n>.json` hold one sample
//! each.
//!
//! Each entry is inflated into the arena with simd-json's padding and
//! parsed in place there, so every recording borrows the arena for the
//! loader's lifetime like the strings of any other file. Inflated sizes are
//! capped (per member and in total) by `max_file_size`: a zip bomb fails
//! the member that would pass the cap, the other samples still load.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use bumpalo::Bump;
use simd_json::{Buffers, Tape};
use zip::ZipArchive;

use super::sample::{self, Eval};
use super::{empty, member_error, write_fragment};
use crate::error::{Error, ErrorKind, Result};
use crate::formats::{Piece, Sink};
use crate::input::{Input, PADDING};
use crate::json::{self, Cx, Scratch};
use crate::limits::Limits;
use crate::model::Format;

/// Where a `.eval` names the sample entries.
const SAMPLES: &str = "samples/";

/// A sample entry of the central directory (names copied: the archive
/// is borrowed mutably while members are inflated).
struct Entry {
    /// The member's index; `None` for a sample in the chunked layout
    /// (`samples/<id>_epoch_<n>/...`), listed once.
    index: Option<usize>,
    /// The member's name (`samples/<id>_epoch_<n>.json`), or the chunked
    /// sample's directory.
    name: String,
    /// `<id>` and `<n>` of the name.
    id: String,
    epoch: String,
}

/// Splits `<id>_epoch_<n>` (the last `_epoch_`, digits after it).
fn split_stem(stem: &str) -> Option<(&str, &str)> {
    let (id, epoch) = stem.rsplit_once("_epoch_")?;
    (!epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit())).then_some((id, epoch))
}

/// The sample entries, in central-directory order.
fn entries<R: Read + std::io::Seek>(zip: &ZipArchive<R>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut dirs = HashSet::new();
    let entry = |index, name: &str, (id, epoch): (&str, &str)| Entry {
        index,
        name: name.to_owned(),
        id: id.to_owned(),
        epoch: epoch.to_owned(),
    };
    for index in 0..zip.len() {
        let Some(name) = zip.name_for_index(index) else { continue };
        let Some(rest) = name.strip_prefix(SAMPLES) else { continue };
        if let Some((dir, _)) = rest.split_once('/') {
            if let Some(parts) = split_stem(dir) {
                if dirs.insert(dir) {
                    out.push(entry(None, dir, parts));
                }
            }
        } else if let Some(parts) = rest.strip_suffix(".json").and_then(split_stem) {
            out.push(entry(Some(index), name, parts));
        }
    }
    out
}

/// The archive and what inflating and parsing its members needs.
struct Reader<'l, 'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    buffers: &'l mut Buffers,
    bump: &'l Bump,
    limits: Limits,
    /// Inflated bytes the archive may still produce.
    left: u64,
}

impl<'l> Reader<'l, '_> {
    /// Inflates member `index` into the arena, followed by simd-json's padding.
    fn inflate(&mut self, index: usize, name: &str) -> Result<(&'l mut [u8], usize)> {
        let max = self.limits.max_file_size;
        let left = self.left;
        let mut f = self
            .zip
            .by_index(index)
            .map_err(|e| member_error(ErrorKind::Syntax, name, format_args!("cannot read: {e}")))?;
        let size = f.size();
        if size > max {
            let what = format!("inflates to {size} bytes, over the limit of {max} bytes (max_file_size)");
            return Err(member_error(ErrorKind::Limit, name, what));
        }
        if size > left {
            let what = format!("inflates to {size} bytes: the archive's members would pass the limit of {max} bytes in all (max_file_size)");
            return Err(member_error(ErrorKind::Limit, name, what));
        }
        // Deflate expands at most 1032:1 (stored: 1:1): a larger declared
        // size is a lie, refused before its memory is reserved.
        let most = f.compressed_size().saturating_mul(1032).saturating_add(64);
        if size > most {
            let what = format!(
                "declares {size} inflated bytes, more than its {} compressed bytes can hold",
                f.compressed_size()
            );
            return Err(member_error(ErrorKind::Syntax, name, what));
        }
        // The declared size counts against the total whatever follows, so
        // failing members cannot reserve more than the limit between them.
        self.left -= size;
        let n = usize::try_from(size).ok().filter(|n| *n < u32::MAX as usize).ok_or_else(|| {
            member_error(
                ErrorKind::Limit,
                name,
                format_args!("inflates to {size} bytes, more than simd-json can parse"),
            )
        })?;
        let max_arena = self.limits.max_arena_bytes;
        if crate::limits::arena_used(self.bump).saturating_add(n + PADDING) > max_arena {
            let what =
                format!("needs more than {max_arena} bytes of arena memory (the max_arena_bytes limit)");
            return Err(member_error(ErrorKind::Limit, name, what));
        }
        let mem: &'l mut [u8] = self.bump.alloc_slice_fill_copy(n + PADDING, 0u8);
        let inflate_err =
            |e: std::io::Error| member_error(ErrorKind::Syntax, name, format_args!("cannot inflate: {e}"));
        f.read_exact(mem.get_mut(..n).unwrap_or_default()).map_err(inflate_err)?;
        // The declared size may lie: one byte more is a bomb, and reading to
        // the end checks the CRC.
        let mut more = [0u8; 1];
        if f.read(&mut more).map_err(inflate_err)? != 0 {
            let what = format!("inflates past its declared size of {size} bytes");
            return Err(member_error(ErrorKind::Limit, name, what));
        }
        Ok((mem, n))
    }

    /// The bytes of member `index` again (error path only: parsing in place
    /// changed the arena copy), for line and column of an error.
    fn original(&mut self, index: usize) -> Vec<u8> {
        let mut out = Vec::new();
        if let Ok(f) = self.zip.by_index(index) {
            let _ = f.take(self.limits.max_file_size).read_to_end(&mut out);
        }
        out
    }

    /// Positions `e` (found in member `index`) inside that member and names it.
    fn locate(&mut self, index: usize, name: &str, e: Error) -> Error {
        let e =
            if e.offset().is_some() && e.position().is_none() { e.locate(&self.original(index)) } else { e };
        e.context(name)
    }

    /// Inflates and parses member `index` and runs `decode` on it. An error
    /// here (unreadable, over a limit, not JSON) is already positioned and
    /// names the member; errors `decode` returns are the caller's to
    /// [`locate`](Self::locate).
    fn parse<T>(
        &mut self,
        tape: &mut Tape<'static>,
        scratch: &mut Scratch,
        index: usize,
        name: &str,
        decode: impl for<'t> FnOnce(&Cx<'t, 'l>) -> T,
    ) -> Result<T> {
        let (mem, n) = self.inflate(index, name)?;
        let mut t: Tape<'l> = std::mem::replace(tape, Tape(Vec::new())).reset();
        if let Err(e) = json::parse(mem, n, self.buffers, &mut t) {
            *tape = t.reset();
            let original = self.original(index);
            return Err(json::syntax_error(&original, &e, self.limits.max_depth)
                .locate(&original)
                .context(name));
        }
        let cx = Cx::new(&t, self.buffers, self.bump, std::mem::take(scratch), self.limits.max_arena_bytes);
        let out = decode(&cx);
        *scratch = cx.into_scratch();
        *tape = t.reset();
        Ok(out)
    }
}

/// `eval` of a header document (`header.json`, `_journal/start.json`).
fn header_eval<'a>(cx: &Cx<'_, 'a>) -> Result<Eval<'a>> {
    let root = cx.root();
    let obj = cx.obj(root, "the header")?.ok_or_else(|| cx.type_err(root, "an object", "the header"))?;
    match obj.into_iter().filter(|(k, _)| *k == "eval").map(|(_, v)| v).last() {
        Some(v) => sample::eval_info(cx, v),
        None => Ok(Eval::default()),
    }
}

/// Decodes a `.eval` archive: one recording per sample entry.
pub(super) fn decode<'l>(input: Input<'l, '_>, each: &mut Sink<'_, 'l>) -> Result<()> {
    let Input { buf, len, buffers, tape, bump, scratch, limits, .. } = input;
    let bytes: &[u8] = buf.get(..len).unwrap_or_default();
    let zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::new(ErrorKind::Syntax, format!("not a readable .eval zip archive: {e}")))?;
    let mut r = Reader { zip, buffers, bump, limits, left: limits.max_file_size };
    let header = ["header.json", "_journal/start.json"]
        .into_iter()
        .find_map(|name| r.zip.index_for_name(name).map(|i| (i, name)));
    let eval = match header {
        Some((index, name)) => match r.parse(tape, scratch, index, name, header_eval)? {
            Ok(eval) => eval,
            Err(e) => return Err(r.locate(index, name, e)),
        },
        None => Eval {
            warning: Some("the archive has no header.json (nor _journal/start.json): model and tags unknown"),
            ..Eval::default()
        },
    };
    let names = entries(&r.zip);
    if names.is_empty() {
        each(Piece { fragment: None, format: Some(Format::Inspect) }, Ok(empty(bump)));
        return Ok(());
    }
    let mut fragment = String::new();
    for entry in &names {
        fragment.clear();
        write_fragment(&mut fragment, &entry.id, &entry.epoch);
        let piece = |f| Piece { fragment: Some(f), format: Some(Format::Inspect) };
        let Some(index) = entry.index else {
            let e = Error::new(
                ErrorKind::Shape,
                format!("{SAMPLES}{}/: chunked sample layout not supported", entry.name),
            );
            each(piece(&fragment), Err(e));
            continue;
        };
        let decoded = r.parse(tape, scratch, index, &entry.name, |cx| {
            let root = cx.root();
            match sample::sample_key(cx, root) {
                Ok(key) => (Some(key), sample::decode(cx, root, &eval, key)),
                Err(e) => (None, Err(e)),
            }
        });
        match decoded {
            Err(e) => each(piece(&fragment), Err(e)),
            Ok((key, result)) => {
                if let Some(key) = key {
                    fragment.clear();
                    write_fragment(&mut fragment, key.id, key.epoch);
                }
                let result = result.map_err(|e| r.locate(index, &entry.name, e));
                each(piece(&fragment), result);
            }
        }
    }
    Ok(())
}
