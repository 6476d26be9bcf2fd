//! The zero-copy loading engine: one reusable set of buffers per thread.
//!
//! A [`Loader`] owns a padded input buffer, simd-json's scratch
//! [`simd_json::Buffers`] and tape, and a bump arena. Loading a file
//! reads its bytes once into the input buffer, simd-json parses them in place
//! (unescaped strings are written back inside the buffer, so they can be
//! borrowed), and the adapter builds a [`Recording`] whose strings and slices
//! borrow from the buffer and the arena. The next load resets everything and
//! reuses the memory: after the first few files a load performs no heap
//! allocation at all (see `tests/alloc.rs`).
//!
//! The recording borrows the loader, so it must be dropped before the next
//! load; that is what keeps the memory bounded in corpus-wide runs.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use bumpalo::Bump;
use simd_json::{Buffers, Tape};

use crate::error::{Error, ErrorKind, Result};
use crate::formats;
use crate::json::{self, Cx, Scratch};
pub use crate::limits::Limits;
use crate::model::Recording;
use crate::source;

/// Bytes of padding simd-json needs after the document.
const PADDING: usize = simd_json::INPUT_PADDING;

/// Which parser to run on a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Parser {
    /// Session recording: the adapter-native JSON shape or any shape
    /// PromptKit's recorder writes (event-store JSONL, JSON export, JSONL
    /// export), decided from the content.
    Session,
    /// Arena output JSON (run-result or turn-based shape).
    ArenaOutput,
    /// Detect the format from the content (hint `generic`, `.json` files no
    /// suffix claims): JSON Lines and `events`/`metadata` documents are
    /// session recordings, `RunID`/`Messages`/`turns` documents Arena output.
    Auto,
    /// Transcript YAML.
    Transcript,
}

/// Reusable buffers for loading recordings one after another.
pub struct Loader {
    buf: Vec<u8>,
    buffers: Buffers,
    tape: Tape<'static>,
    bump: Bump,
    scratch: Scratch,
    limits: Limits,
    mmap_threshold: u64,
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new()
    }
}

/// Where the original bytes can be found again if an error needs a position
/// (the input buffer is modified by in-place parsing).
#[derive(Clone, Copy)]
pub(crate) enum Origin<'o> {
    Bytes(&'o [u8]),
    File(&'o Path),
}

impl Origin<'_> {
    pub(crate) fn original(&self) -> Cow<'_, [u8]> {
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

impl Loader {
    /// A loader with default [`Limits`].
    pub fn new() -> Loader {
        Loader::with_limits(Limits::default())
    }

    /// A loader with the given limits.
    pub fn with_limits(limits: Limits) -> Loader {
        Loader {
            buf: Vec::new(),
            buffers: Buffers::with_max_depth(4096, limits.max_depth),
            tape: Tape(Vec::new()),
            bump: Bump::new(),
            scratch: Scratch::default(),
            limits,
            mmap_threshold: crate::source::DEFAULT_MMAP_THRESHOLD,
        }
    }

    /// Reads files of at least `bytes` bytes through a read-only memory map
    /// instead of `read()` (`u64::MAX`, the default, never maps; see
    /// [`crate::source`] for the measurement and the mapping's safety contract).
    pub fn set_mmap_threshold(&mut self, bytes: u64) {
        self.mmap_threshold = bytes;
    }

    /// The size from which files are memory-mapped.
    pub fn mmap_threshold(&self) -> u64 {
        self.mmap_threshold
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The arena recordings are allocated in (valid until the next load).
    pub fn arena(&self) -> &Bump {
        &self.bump
    }

    /// Resets the arena and returns it, for adapters that build a recording
    /// themselves (the previous recording must be gone, which the borrow ensures).
    pub fn reset_arena(&mut self) -> &Bump {
        self.recycle_arena();
        &self.bump
    }

    /// Bytes currently reserved by the arena (for memory accounting).
    pub fn arena_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }

    /// Reads `path` and parses it with `parser`.
    pub fn load_file(&mut self, path: &Path, parser: Parser) -> Result<Recording<'_>> {
        self.read_file(path)?;
        let len = self.buf.len() - PADDING;
        self.parse_buffer(len, parser, Origin::File(path)).map_err(|e| e.with_path(path))
    }

    /// Parses `bytes` (copied once into the loader's padded buffer).
    pub fn load_bytes(&mut self, bytes: &[u8], parser: Parser) -> Result<Recording<'_>> {
        self.check_size(bytes.len() as u64)?;
        self.buf.clear();
        self.buf.reserve(bytes.len() + PADDING);
        self.buf.extend_from_slice(bytes);
        self.buf.resize(bytes.len() + PADDING, 0);
        self.parse_buffer(bytes.len(), parser, Origin::Bytes(bytes))
    }

    fn check_size(&self, len: u64) -> Result<()> {
        if len > self.limits.max_file_size || len >= u64::from(u32::MAX) {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("file is {len} bytes, over the limit of {} bytes", self.limits.max_file_size),
            ));
        }
        Ok(())
    }

    /// Reads a regular file into the padded buffer (one `read` loop, or a
    /// copy from a read-only mapping for files over the mmap threshold).
    fn read_file(&mut self, path: &Path) -> Result<()> {
        self.buf.clear();
        // Check the type before opening: opening a FIFO would block.
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            let what = if meta.is_dir() { "a directory" } else { "not a regular file" };
            return Err(Error::new(ErrorKind::Io, format!("cannot read: {what}")).with_path(path));
        }
        self.check_size(meta.len()).map_err(|e| e.with_path(path))?;
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        // The length of the open file: the path may have been replaced since.
        let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
        self.check_size(size).map_err(|e| e.with_path(path))?;
        self.buf.reserve(size as usize + PADDING);
        if size >= self.mmap_threshold {
            source::map_into(&file, size, &mut self.buf)
        } else {
            source::read_into(&mut file, size, &mut self.buf)
        }
        .map_err(|e| Error::io(path, e))?;
        let len = self.buf.len();
        self.buf.resize(len + PADDING, 0);
        Ok(())
    }

    /// Resets the arena for the next recording. When the last recording
    /// needed more than one chunk, the arena is replaced by one chunk of that
    /// size, so a steady stream of similar files stops allocating.
    fn recycle_arena(&mut self) {
        let used = self.bump.allocated_bytes();
        self.bump.reset();
        if self.bump.chunk_capacity() < used {
            self.bump = Bump::with_capacity(used);
        }
    }

    fn parse_buffer(&mut self, len: usize, parser: Parser, origin: Origin<'_>) -> Result<Recording<'_>> {
        self.recycle_arena();
        let Loader { buf, buffers, tape, bump, scratch, limits, .. } = self;
        let input = Input { buf: &mut buf[..], len, buffers, tape, bump, scratch, limits: *limits, origin };
        let result = match parser {
            Parser::Session => formats::session::load(input),
            Parser::ArenaOutput => input.json_document(formats::arena::decode),
            Parser::Auto => formats::detect::load(input),
            Parser::Transcript => formats::transcript::decode(input),
        };
        result.map_err(|e| e.locate(&origin.original()))
    }
}

/// One file's bytes and the loader's scratch memory, lent to a format's parser.
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
}

impl<'l> Input<'l, '_> {
    /// Parses the whole buffer as one JSON document in place and decodes it.
    pub(crate) fn json_document(
        self,
        decode: impl for<'t> FnOnce(&Cx<'t, 'l>) -> Result<Recording<'l>>,
    ) -> Result<Recording<'l>> {
        let Input { buf, len, buffers, tape, bump, scratch, origin, limits } = self;
        // A UTF-8 byte-order mark becomes whitespace: offsets stay those of the file.
        if buf[..len].starts_with(b"\xEF\xBB\xBF") {
            buf[..3].fill(b' ');
        }
        let mut t: Tape<'l> = std::mem::replace(tape, Tape(Vec::new())).reset();
        if let Err(e) = json::parse(buf, len, buffers, &mut t) {
            *tape = t.reset();
            let original = origin.original();
            return Err(json::syntax_error(&original, &e, limits.max_depth));
        }
        let cx = Cx::new(&t, buffers, bump, std::mem::take(scratch));
        let result = decode(&cx);
        *scratch = cx.into_scratch();
        *tape = t.reset();
        result
    }
}
