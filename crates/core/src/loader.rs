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

use std::path::Path;

use bumpalo::Bump;
use simd_json::{Buffers, Tape};

use crate::error::Result;
use crate::formats;
pub use crate::formats::{Parser, Piece};
use crate::input::{self, Input, Origin};
use crate::json::Scratch;
pub use crate::limits::Limits;
use crate::model::Recording;

/// Reusable buffers for loading recordings one after another.
pub struct Loader {
    buf: Vec<u8>,
    skeleton: input::skeleton::Skeleton,
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

impl Loader {
    /// A loader with default [`Limits`].
    pub fn new() -> Loader {
        Loader::with_limits(Limits::default())
    }

    /// A loader with the given limits.
    pub fn with_limits(limits: Limits) -> Loader {
        Loader {
            buf: Vec::new(),
            skeleton: Default::default(),
            buffers: Buffers::with_max_depth(4096, limits.max_depth),
            tape: Tape(Vec::new()),
            bump: Bump::new(),
            scratch: Scratch::default(),
            limits,
            mmap_threshold: input::read::DEFAULT_MMAP_THRESHOLD,
        }
    }

    /// Reads files of at least `bytes` bytes through a read-only memory map
    /// instead of `read()` (`u64::MAX`, the default, never maps; see
    /// [`crate::read`] for the measurement and the mapping's safety contract).
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
        let len = input::read_file(path, &self.limits, self.mmap_threshold, &mut self.buf)?;
        self.parse_buffer(len, parser, Origin::File(path)).map_err(|e| e.with_path(path))
    }

    /// Parses `bytes` (copied once into the loader's padded buffer).
    pub fn load_bytes(&mut self, bytes: &[u8], parser: Parser) -> Result<Recording<'_>> {
        input::copy_bytes(bytes, &self.limits, &mut self.buf)?;
        self.parse_buffer(bytes.len(), parser, Origin::Bytes(bytes))
    }

    /// Reads `path`, parses it with `parser` and calls `each` with every
    /// recording the file holds, in file order, with where it is in the file
    /// ([`Piece`]). A file of PromptKit's formats gives one call; a JSON
    /// Lines file of OpenAI chat lines one per line, and so on. A failure of
    /// the whole file is one call with [`Piece::WHOLE`]'s fragment (`None`).
    ///
    /// All the file's recordings live in the loader's arena until the next
    /// load, so memory is bounded by the file (the arena is not reset
    /// between the recordings of one file).
    pub fn load_file_each<'l>(
        &'l mut self,
        path: &Path,
        parser: Parser,
        mut each: impl FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        let len = match input::read_file(path, &self.limits, self.mmap_threshold, &mut self.buf) {
            Ok(len) => len,
            Err(e) => return each(Piece::WHOLE, Err(e.with_path(path))),
        };
        self.parse_buffer_each(len, parser, Origin::File(path), &mut each);
    }

    /// [`load_file_each`](Self::load_file_each) on `bytes` (copied once into the loader's padded buffer).
    pub fn load_bytes_each<'l>(
        &'l mut self,
        bytes: &[u8],
        parser: Parser,
        mut each: impl FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        if let Err(e) = input::copy_bytes(bytes, &self.limits, &mut self.buf) {
            return each(Piece::WHOLE, Err(e));
        }
        self.parse_buffer_each(bytes.len(), parser, Origin::Bytes(bytes), &mut each);
    }

    fn parse_buffer_each<'l>(
        &'l mut self,
        len: usize,
        parser: Parser,
        origin: Origin<'_>,
        each: &mut dyn FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        self.recycle_arena();
        let Loader { buf, skeleton, buffers, tape, bump, scratch, limits, .. } = self;
        let bump: &'l Bump = bump;
        let input =
            Input { buf: &mut buf[..], len, buffers, tape, bump, scratch, limits: *limits, origin, skeleton };
        // Errors are located against the original bytes, read again once
        // (the buffer was changed by in-place parsing).
        let mut original: Option<std::borrow::Cow<'_, [u8]>> = None;
        let mut locate = move |e: crate::Error| {
            let e = if e.offset().is_some() && e.position().is_none() {
                e.locate(original.get_or_insert_with(|| origin.original()))
            } else {
                e
            };
            match origin {
                Origin::File(p) => e.with_path(p),
                Origin::Bytes(_) => e,
            }
        };
        let mut calls = 0usize;
        let r = formats::decode_each(input, parser, &mut |piece, r| {
            calls += 1;
            each(piece, r.map_err(&mut locate))
        });
        if let Err(e) = r {
            each(Piece::WHOLE, Err(locate(e)));
        } else if calls == 0 {
            // A readable file with no recording is still one reference (FORMATS-MORE.md 1.4).
            let warnings = bump.alloc_slice_copy(&["the file holds no recording"]);
            let format = parser.more_format().unwrap_or_default();
            each(
                Piece { fragment: None, format: parser.more_format() },
                Ok(Recording { format, warnings, ..Recording::default() }),
            );
        }
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
        let Loader { buf, skeleton, buffers, tape, bump, scratch, limits, .. } = self;
        let input =
            Input { buf: &mut buf[..], len, buffers, tape, bump, scratch, limits: *limits, origin, skeleton };
        formats::decode(input, parser).map_err(|e| e.locate(&origin.original()))
    }
}
