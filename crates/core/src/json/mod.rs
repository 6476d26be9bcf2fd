//! JSON input: a decoder over simd-json's tape that behaves like Go's
//! `encoding/json` where users can see it.
//!
//! simd-json parses the padded input buffer in place (`parse`); the
//! adapters then walk its tape through a `Cx`. Keys are matched ASCII
//! case-insensitively (Go prefers the exact case, but no two fields of one
//! struct fold to the same name, so the preference never changes the result);
//! with duplicate keys the last one wins; `null` leaves a field at its
//! current value, except for lists and pointers, which it clears.
//!
//! Positions: the tape has none, so an error records the tape index and
//! `Cx::offset_of` maps it to a byte offset through simd-json's structural
//! indexes. That walk only happens when an error is built.

use simd_json::{Buffers, Tape};

mod cx;
mod error;
mod raw;
#[cfg(test)]
mod tests;

pub(crate) use cx::{key_is, Cx, Scratch};
pub(crate) use error::syntax_error;

/// Go's maximum JSON nesting depth; deeper input is a [`ErrorKind::Limit`](crate::ErrorKind::Limit) error.
pub const MAX_DEPTH: usize = 10_000;

/// Parses `buf[..len]` in place (the rest is padding) into `tape`.
///
/// On failure the error carries a byte offset when simd-json knows one; the
/// caller improves it against the original bytes with [`syntax_error`].
pub(crate) fn parse<'a>(
    buf: &'a mut [u8],
    len: usize,
    buffers: &mut Buffers,
    tape: &mut Tape<'a>,
) -> std::result::Result<(), simd_json::Error> {
    simd_json::fill_tape_padded(buf, len, buffers, tape)
}
