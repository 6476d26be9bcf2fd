//! Safety limits, checked before and while parsing.

use crate::json::MAX_DEPTH;

/// Configurable safety limits, checked before and while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes (simd-json itself stops at 4 GiB).
    pub max_file_size: u64,
    /// Deepest JSON/YAML nesting accepted.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_size: 1 << 30, max_depth: MAX_DEPTH }
    }
}
