//! The input layer: a file's bytes in a padded, writable buffer, and the
//! two ways JSON is read from them.
//!
//! Everything below the format decoders that depends on *how* bytes arrive
//! lives here, so that a decoder only ever sees a parsed document:
//!
//! * [`read`]: getting a file into the buffer (`read()` or a memory map, the
//!   mapping's safety contract, the size limit);
//! * [`classify`]: JSON document, JSON Lines or YAML, decided once from the
//!   first bytes (the one place that question is answered);
//! * [`Input::json_document`]: the whole buffer parsed in place by simd-json
//!   (a byte-order mark becomes whitespace, syntax errors are positioned);
//! * [`Input::json_lines`]: each non-blank line parsed in place, one after
//!   the other, inside the same buffer (the `unsafe` line splitting is here
//!   and nowhere else).
//!
//! The layer knows nothing of recordings: it hands a decoder a [`Cx`] over
//! a parsed document (or one per line) and passes the decoder's result back.

pub mod read;
pub(crate) mod skeleton;

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use bumpalo::Bump;
use simd_json::{Buffers, Tape};

use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, Cx, Scratch};
use crate::limits::Limits;

/// Bytes of padding simd-json needs after the document.
pub(crate) const PADDING: usize = simd_json::INPUT_PADDING;

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a file's bytes hold, judged from their start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One JSON document (or nothing but blanks: JSON's error for that).
    JsonDocument,
    /// JSON Lines: the first non-blank line is a complete object by itself
    /// and more non-blank text follows.
    JsonLines,
    /// Anything whose first non-blank byte opens no JSON value
    /// (`metadata:`, `---`, `#`, `%YAML`): YAML.
    Yaml,
}

/// Decides the [`Shape`] of `bytes` (a leading byte-order mark is skipped).
///
/// Cheap: the first line is scanned only when a second non-blank line
/// exists, so a one-line document and a pretty-printed one (whose first
/// line is `{`) cost a `memchr` or two. A single JSON document can never
/// look like JSON Lines: text after a complete top-level value is a syntax
/// error.
pub(crate) fn classify(bytes: &[u8]) -> Shape {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Shape::JsonDocument;
    };
    match bytes[start] {
        b'{' => {}
        b'[' => return Shape::JsonDocument,
        _ => return Shape::Yaml,
    }
    let Some(nl) = memchr::memchr(b'\n', &bytes[start..]) else {
        return Shape::JsonDocument;
    };
    let line_end = start + nl;
    if bytes[line_end..].iter().all(|b| b.is_ascii_whitespace()) {
        return Shape::JsonDocument;
    }
    let line = &bytes[start..line_end];
    match object_end(line) {
        Some(end) if line[end..].iter().all(|b| b.is_ascii_whitespace()) => Shape::JsonLines,
        _ => Shape::JsonDocument,
    }
}

/// Length of the JSON object or array at the start of `line` when it closes
/// within `line` (strings and escapes are skipped; nothing is validated).
fn object_end(line: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (i, &b) in line.iter().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the original bytes can be found again if an error needs a position
/// (the input buffer is modified by in-place parsing).
#[derive(Clone, Copy)]
pub(crate) enum Origin<'o> {
    /// The caller's bytes.
    Bytes(&'o [u8]),
    /// A file, read again on the error path.
    File(&'o Path),
}

impl<'o> Origin<'o> {
    /// The bytes as they were before parsing.
    pub(crate) fn original(&self) -> Cow<'o, [u8]> {
        match self {
            Origin::Bytes(b) => Cow::Borrowed(b),
            // Error path only. The file is read again (the buffer was changed
            // by in-place parsing), as carefully as the first time: only a
            // regular file, only as many bytes as it has now.
            Origin::File(p) => Cow::Owned(reread(p).unwrap_or_default()),
        }
    }
}

fn reread(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    File::open(path)?.take(meta.len()).read_to_end(&mut out)?;
    Ok(out)
}

/// One file's bytes and the loader's scratch memory, lent to a format's
/// decoder for one load.
pub(crate) struct Input<'l, 'o> {
    /// The file's bytes, followed by [`PADDING`] bytes of padding.
    pub(crate) buf: &'l mut [u8],
    /// Length of the file's bytes.
    pub(crate) len: usize,
    /// simd-json's scratch buffers.
    pub(crate) buffers: &'l mut Buffers,
    /// simd-json's tape allocation, kept across loads.
    pub(crate) tape: &'l mut Tape<'static>,
    /// The arena the recording is built in.
    pub(crate) bump: &'l Bump,
    /// Reusable memory for the decoder.
    pub(crate) scratch: &'l mut Scratch,
    /// Limits in force.
    pub(crate) limits: Limits,
    /// Where to find the original bytes again (for error positions).
    pub(crate) origin: Origin<'o>,
    /// The skeleton buffer (see [`skeleton`]), reused across loads.
    pub(crate) skeleton: &'l mut skeleton::Skeleton,
}

impl<'l> Input<'l, '_> {
    /// The file's bytes (unmodified until a parse starts).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The [`Shape`] of the file's bytes.
    pub(crate) fn shape(&self) -> Shape {
        classify(self.bytes())
    }

    /// Whether the input is a file named `*.jsonl` (JSON Lines whatever its
    /// content looks like, even a single line).
    pub(crate) fn named_jsonl(&self) -> bool {
        match self.origin {
            Origin::File(p) => {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
            }
            Origin::Bytes(_) => false,
        }
    }

    /// Reads the buffer as JSON Lines and hands every non-blank line to
    /// `line`, parsed (or with its positioned syntax error), whatever the
    /// earlier lines gave: each line is one recording. Strings of every line
    /// stay borrowed for `'l`. Errors of a line's decoder are made file
    /// relative with [`Line::fix`].
    pub(crate) fn json_lines_each(
        self,
        mut line: impl for<'t> FnMut(Line, Result<&Cx<'t, 'l>>),
    ) -> Result<()> {
        let Input { buf, len, buffers, tape, bump, scratch, origin, limits, .. } = self;
        if len > buf.len() || buf.len() - len < PADDING {
            return Err(Error::new(ErrorKind::Limit, "internal error: the input buffer is not padded"));
        }
        if buf[..len].starts_with(BOM) {
            buf[..BOM.len()].fill(b' ');
        }
        // See `json_lines` for why the buffer is reached through a pointer.
        let base: *mut u8 = buf.as_mut_ptr();
        let mut taken: Tape<'static> = std::mem::replace(tape, Tape(Vec::new()));
        let mut original: Option<Cow<'_, [u8]>> = None;
        let mut pos = 0usize;
        let mut number = 0usize;
        while pos < len {
            number += 1;
            let start = pos;
            let (end, blank) = {
                // SAFETY: as in `json_lines`: [pos, len) is inside the buffer and
                // no mutable reference to these bytes is live while this slice is.
                let rest: &[u8] = unsafe { std::slice::from_raw_parts(base.add(pos), len - pos) };
                let end = memchr::memchr(b'\n', rest).map_or(len, |i| pos + i);
                (end, rest[..end - pos].iter().all(u8::is_ascii_whitespace))
            };
            pos = end + 1;
            if blank {
                continue;
            }
            let n = end - start;
            let here = Line { number, start };
            // SAFETY: as in `json_lines`: [start, end + PADDING) is inside the
            // buffer (end <= len, buf.len() >= len + PADDING), it overlaps no
            // live borrow (earlier lines' strings lie before `start`), and the
            // bytes after `end` are only read as padding (the terminator byte is
            // restored by simd-json), so later lines stay intact.
            let bytes: &'l mut [u8] = unsafe { std::slice::from_raw_parts_mut(base.add(start), n + PADDING) };
            let mut t: Tape<'l> = taken.reset();
            if let Err(e) = json::parse(bytes, n, buffers, &mut t) {
                taken = t.reset();
                let original = original.get_or_insert_with(|| origin.original());
                let bytes = original.get(start..end).unwrap_or_default();
                let e = json::syntax_error(bytes, &e, limits.max_depth).shift(start);
                line(here, Err(e.context(format_args!("line {number}"))));
                continue;
            }
            let cx = Cx::new(&t, buffers, bump, std::mem::take(scratch), limits.max_arena_bytes);
            line(here, Ok(&cx));
            *scratch = cx.into_scratch();
            taken = t.reset();
        }
        *tape = taken;
        Ok(())
    }

    /// Parses the whole buffer as one JSON document in place and decodes it.
    pub(crate) fn json_document<T>(self, decode: impl for<'t> FnOnce(&Cx<'t, 'l>) -> Result<T>) -> Result<T> {
        let Input { buf, len, buffers, tape, bump, scratch, origin, limits, skeleton } = self;
        // A UTF-8 byte-order mark becomes whitespace: offsets stay those of the file.
        if buf[..len].starts_with(BOM) {
            buf[..BOM.len()].fill(b' ');
        }
        // Long plain strings (base64 media) kept out of simd-json's stage 1:
        // the skeleton is parsed, its emptied strings pointed back at `buf`.
        // Any failure parses the document as it is (so errors are unchanged).
        if let Some(slen) = skeleton.build(&buf[..len]) {
            let skeleton::Skeleton { buf: sbuf, removed } = skeleton;
            let base = sbuf.as_ptr() as usize;
            let mut t: Tape<'l> = std::mem::replace(tape, Tape(Vec::new())).reset();
            if json::parse(&mut sbuf[..], slen, buffers, &mut t).is_ok()
                && skeleton::all_on_tape(&t.0, base, removed)
            {
                let doc: &'l [u8] = buf;
                if !skeleton::patch(&mut t.0, base, removed, doc) {
                    // Not reached: the removed strings were checked as ASCII.
                    *tape = t.reset();
                    return Err(Error::new(
                        ErrorKind::Internal,
                        "internal error: a skeleton string is not UTF-8",
                    ));
                }
                let cx = Cx::new(&t, buffers, bump, std::mem::take(scratch), limits.max_arena_bytes)
                    .with_removed(removed);
                let result = decode(&cx);
                *scratch = cx.into_scratch();
                *tape = t.reset();
                return result;
            }
            *tape = t.reset();
        }
        let mut t: Tape<'l> = std::mem::replace(tape, Tape(Vec::new())).reset();
        if let Err(e) = json::parse(buf, len, buffers, &mut t) {
            *tape = t.reset();
            let original = origin.original();
            return Err(json::syntax_error(&original, &e, limits.max_depth));
        }
        let cx = Cx::new(&t, buffers, bump, std::mem::take(scratch), limits.max_arena_bytes);
        let result = decode(&cx);
        *scratch = cx.into_scratch();
        *tape = t.reset();
        result
    }

    /// Reads the buffer as JSON Lines: each non-blank line is parsed in
    /// place inside the buffer and handed to `line` (with its 1-based line
    /// number) before the next one is looked at. Strings of every line stay
    /// borrowed for `'l`.
    ///
    /// A syntax error is positioned in the file and says which line; an
    /// error returned by `line` is shifted from the line's offsets to the
    /// file's. The first error stops the walk.
    pub(crate) fn json_lines(
        self,
        mut line: impl for<'t> FnMut(&Cx<'t, 'l>, usize) -> Result<()>,
    ) -> Result<()> {
        let Input { buf, len, buffers, tape, bump, scratch, origin, limits, .. } = self;
        if len > buf.len() || buf.len() - len < PADDING {
            return Err(Error::new(ErrorKind::Limit, "internal error: the input buffer is not padded"));
        }
        // A UTF-8 byte-order mark becomes whitespace: offsets stay those of the file.
        if buf[..len].starts_with(BOM) {
            buf[..BOM.len()].fill(b' ');
        }
        // From here on `buf` is only reached through `base`: each line needs its
        // own `&'l mut` slice (its strings are borrowed for 'l), and those slices
        // are not disjoint (a line's padding is the start of the next lines),
        // which safe slicing cannot express. See the SAFETY notes below.
        let base: *mut u8 = buf.as_mut_ptr();
        let mut taken: Tape<'static> = std::mem::replace(tape, Tape(Vec::new()));
        let mut pos = 0usize;
        let mut line_no = 0usize;
        let result: Result<()> = loop {
            if pos >= len {
                break Ok(());
            }
            line_no += 1;
            let start = pos;
            let (end, blank) = {
                // SAFETY: `pos < len <= buf.len()`, so [pos, len) is inside the
                // buffer. No mutable reference to these bytes is in use while this
                // shared slice lives: earlier lines' slices are dead (their only
                // live descendants are strings before `pos`), and the next
                // mutable slice is created after this block ends.
                let rest: &[u8] = unsafe { std::slice::from_raw_parts(base.add(pos), len - pos) };
                let end = memchr::memchr(b'\n', rest).map_or(len, |i| pos + i);
                (end, rest[..end - pos].iter().all(u8::is_ascii_whitespace))
            };
            pos = end + 1;
            if blank {
                continue;
            }
            let n = end - start;
            // SAFETY: [start, end + PADDING) is inside the buffer, since
            // end <= len and buf.len() >= len + PADDING (checked above). The
            // slice does not overlap any live borrow: strings of earlier lines lie
            // in [start_k, end_k) with end_k < start (fill_tape_padded writes only
            // inside s[..n], where unescaped strings stay, and the tape borrows
            // only bytes before n); the earlier lines' own slices are never used
            // again after their parse returned. The bytes after `end` (the
            // newline and the following lines) serve as padding: simd-json only
            // reads them, apart from the terminator byte at `end`, which it
            // overwrites and restores before returning, so later lines are intact.
            let bytes: &'l mut [u8] = unsafe { std::slice::from_raw_parts_mut(base.add(start), n + PADDING) };
            let mut t: Tape<'l> = taken.reset();
            if let Err(e) = json::parse(bytes, n, buffers, &mut t) {
                taken = t.reset();
                let original = origin.original();
                let bytes = original.get(start..end).unwrap_or_default();
                break Err(json::syntax_error(bytes, &e, limits.max_depth)
                    .shift(start)
                    .context(format_args!("line {line_no}")));
            }
            let cx = Cx::new(&t, buffers, bump, std::mem::take(scratch), limits.max_arena_bytes);
            let r = line(&cx, line_no);
            *scratch = cx.into_scratch();
            taken = t.reset();
            if let Err(e) = r {
                break Err(e.shift(start));
            }
        };
        *tape = taken;
        result
    }
}

/// One line of a JSON Lines file: its 1-based number and where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// 1-based physical line number (blank lines count).
    pub(crate) number: usize,
    /// Byte offset of the line in the file.
    pub(crate) start: usize,
}

impl Line {
    /// Makes an error found by a line's decoder relative to the file and
    /// names the line.
    pub(crate) fn fix(self, e: Error) -> Error {
        e.shift(self.start).context(format_args!("line {}", self.number))
    }
}

/// Fails with a `limit` error when a file of `len` bytes is over the limit
/// (or over simd-json's own 4 GiB limit).
pub(crate) fn check_size(len: u64, limits: &Limits) -> Result<()> {
    if len > limits.max_file_size || len >= u64::from(u32::MAX) {
        return Err(Error::new(
            ErrorKind::Limit,
            format!("file is {len} bytes, over the limit of {} bytes", limits.max_file_size),
        ));
    }
    Ok(())
}

/// Reads a regular file into `buf[..len]` followed by [`PADDING`] zero
/// bytes and returns `len`: one `read()` (or a copy from a read-only mapping
/// for files of at least `mmap_threshold` bytes; see [`read`]). `buf` is
/// reused and only grows: it may be longer than `len + PADDING`, and it is
/// not zeroed first.
///
/// System calls per file: `open` (non-blocking, so a FIFO cannot hang it),
/// `fstat`, one `read` of the length `fstat` gave (more only if the kernel
/// returns less), `close`.
pub(crate) fn read_file(
    path: &Path,
    limits: &Limits,
    mmap_threshold: u64,
    buf: &mut Vec<u8>,
) -> Result<usize> {
    let mut file = open_regular(path)?;
    // The length of the open file: the path may have been replaced since a walk saw it.
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(not_a_file(&meta).with_path(path));
    }
    let size = meta.len();
    check_size(size, limits).map_err(|e| e.with_path(path))?;
    if size >= mmap_threshold {
        buf.clear();
        buf.reserve(size as usize + PADDING);
        read::map_into(&file, size, buf).map_err(|e| Error::io(path, e))?;
        let len = buf.len();
        buf.resize(len + PADDING, 0);
        return Ok(len);
    }
    let size = size as usize;
    if buf.len() < size + PADDING {
        buf.resize(size + PADDING, 0);
    }
    let len = read::read_exact_or_eof(&mut file, &mut buf[..size]).map_err(|e| Error::io(path, e))?;
    buf[len..len + PADDING].fill(0);
    Ok(len)
}

/// Opens `path` for reading, refusing what is not a regular file with the
/// error a `stat` would give. On Unix the open is non-blocking (a FIFO
/// opens at once instead of waiting for a writer; reads of regular files
/// are unaffected) and does not make a terminal the controlling one; the
/// caller checks the type on the open file.
fn open_regular(path: &Path) -> Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    #[cfg(not(unix))]
    {
        // Check the type before opening: opening a FIFO would block.
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(not_a_file(&meta).with_path(path));
        }
    }
    opts.open(path).map_err(|e| match std::fs::metadata(path) {
        // A socket cannot be opened at all: say what it is, as for a FIFO.
        Ok(meta) if !meta.is_file() => not_a_file(&meta).with_path(path),
        _ => Error::io(path, e),
    })
}

fn not_a_file(meta: &std::fs::Metadata) -> Error {
    let what = if meta.is_dir() { "a directory" } else { "not a regular file" };
    Error::new(ErrorKind::Io, format!("cannot read: {what}"))
}

/// Copies `bytes` into `buf` followed by [`PADDING`] zero bytes.
pub(crate) fn copy_bytes(bytes: &[u8], limits: &Limits, buf: &mut Vec<u8>) -> Result<()> {
    check_size(bytes.len() as u64, limits)?;
    buf.clear();
    buf.reserve(bytes.len() + PADDING);
    buf.extend_from_slice(bytes);
    buf.resize(bytes.len() + PADDING, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reused_buffer_holds_each_file_and_zeroed_padding() {
        let dir = tempfile::tempdir().unwrap();
        let (big, small) = (dir.path().join("big.json"), dir.path().join("small.json"));
        std::fs::write(&big, vec![b'x'; 100_000]).unwrap();
        std::fs::write(&small, b"{\"a\":1}").unwrap();
        let limits = Limits::default();
        let mut buf = Vec::new();
        assert_eq!(read_file(&big, &limits, u64::MAX, &mut buf).unwrap(), 100_000);
        assert_eq!(buf.len(), 100_000 + PADDING);
        // A smaller file after it: the buffer keeps its size, the padding after
        // the new length is zero (the bytes beyond are the old file's).
        assert_eq!(read_file(&small, &limits, u64::MAX, &mut buf).unwrap(), 7);
        assert_eq!(&buf[..7], b"{\"a\":1}");
        assert!(buf[7..7 + PADDING].iter().all(|&b| b == 0));
        assert_eq!(buf.len(), 100_000 + PADDING);
        // The mapped path gives the same bytes and padding.
        assert_eq!(read_file(&small, &limits, 0, &mut buf).unwrap(), 7);
        assert_eq!(&buf[..7 + PADDING], &[&b"{\"a\":1}"[..], &[0; PADDING]].concat()[..]);
        // An empty file.
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(read_file(&empty, &limits, u64::MAX, &mut buf).unwrap(), 0);
        assert!(buf[..PADDING].iter().all(|&b| b == 0));
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let e = read_file(&path, &Limits::default(), u64::MAX, &mut Vec::new()).unwrap_err();
        assert!(e.message().contains("not a regular file"), "{e}");
        let missing =
            read_file(&dir.path().join("missing.json"), &Limits::default(), u64::MAX, &mut Vec::new());
        assert_eq!(missing.unwrap_err().kind(), ErrorKind::Io);
    }

    #[test]
    fn shapes() {
        assert_eq!(classify(b"{\"seq\":1}\n{\"seq\":2}\n"), Shape::JsonLines);
        assert_eq!(classify(b"\xEF\xBB\xBF {\"a\":\"}\\\"{\"}\r\n\n{}"), Shape::JsonLines);
        // One line, or a pretty-printed document: not JSON Lines.
        assert_eq!(classify(b"{\"seq\":1}\n  \n"), Shape::JsonDocument);
        assert_eq!(classify(b"{\n  \"events\": []\n}\n"), Shape::JsonDocument);
        assert_eq!(classify(b"{\"metadata\":{}\n,\"events\":[]}"), Shape::JsonDocument);
        assert_eq!(classify(b""), Shape::JsonDocument);
        assert_eq!(classify(b"  \n\t"), Shape::JsonDocument);
        assert_eq!(classify(b"[1]\n[2]"), Shape::JsonDocument);
        // A complete object followed by more text on its line is not a JSONL line.
        assert_eq!(classify(b"{} x\n{}"), Shape::JsonDocument);
        // YAML: whatever opens no JSON value.
        assert_eq!(classify(b"metadata:\n  a: 1\n"), Shape::Yaml);
        assert_eq!(classify(b"\xEF\xBB\xBF---\n"), Shape::Yaml);
        assert_eq!(classify(b"# comment\n{}"), Shape::Yaml);
    }
}
