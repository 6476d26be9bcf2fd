//! Safety limits, checked before and while parsing.

use crate::json::MAX_DEPTH;

/// Configurable safety limits, checked before and while parsing.
///
/// Every limit that is hit fails that one file with an error of kind
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit) naming the limit; a corpus
/// run goes on with the other files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes (simd-json itself stops at 4 GiB).
    /// Default 1 GiB.
    pub max_file_size: u64,
    /// Deepest JSON/YAML nesting accepted. Default 10,000.
    pub max_depth: usize,
    /// Most memory one file's recording may take in the loader's arena, in
    /// bytes. Strings are borrowed from the file's buffer, so real files need
    /// a fraction of their size; a crafted file can need hundreds of times
    /// its size (a million empty tool results in 3 MB). Checked as arrays
    /// are entered and as messages are added, so the arena stops within one
    /// message of the limit. Default 4 GiB.
    pub max_arena_bytes: usize,
    /// YAML alias expansion allowed for one transcript: one unit per replayed
    /// event plus one per replayed scalar byte. `None` (the default) allows
    /// four times the file's size plus 1 MiB: real transcripts use aliases to
    /// share a judge spec or a media block and stay far below it, while a
    /// "billion laughs" file needs orders of magnitude more.
    pub max_alias_expansion: Option<usize>,
}

impl Limits {
    /// The alias expansion budget for a YAML document of `len` bytes.
    pub fn alias_budget(&self, len: usize) -> usize {
        self.max_alias_expansion.unwrap_or_else(|| len.saturating_mul(4).saturating_add(1 << 20))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 1 << 30,
            max_depth: MAX_DEPTH,
            max_arena_bytes: 4 << 30,
            max_alias_expansion: None,
        }
    }
}

/// Bytes in use in `bump`: what its chunks hold, less the room left in the
/// current one (a reset arena keeps its largest chunk, which is not in use).
#[inline]
pub(crate) fn arena_used(bump: &bumpalo::Bump) -> usize {
    bump.allocated_bytes().saturating_sub(bump.chunk_capacity())
}
