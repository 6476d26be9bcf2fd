//! The built-in recording formats and what they share.
//!
//! Each format module turns a parsed document into a borrowed
//! [`Recording`](crate::model::Recording); [`convert`] holds the conversion
//! rules they have in common and `message` decodes PromptKit's own
//! `types.Message` JSON.

pub mod arena;
pub mod convert;
pub(crate) mod detect;
pub(crate) mod message;
pub mod recorder;
pub mod session;
pub mod transcript;

use bumpalo::Bump;

use crate::model::Extra;

/// A two-entry provider_info map (keys given in sorted order).
pub(crate) fn provider_pair<'a>(
    bump: &'a Bump,
    k1: &'a str,
    v1: &'a str,
    k2: &'a str,
    v2: &'a str,
) -> &'a [(&'a str, &'a str)] {
    debug_assert!(k1 < k2);
    bump.alloc_slice_copy(&[(k1, v1), (k2, v2)])
}

/// Sorts extras by key (later duplicates win) and moves them into the arena.
pub(crate) fn sorted_extras<'a>(
    mut items: bumpalo::collections::Vec<'a, (&'a str, Extra<'a>)>,
) -> &'a [(&'a str, Extra<'a>)] {
    items.reverse();
    items.sort_by(|a, b| a.0.cmp(b.0));
    items.dedup_by(|a, b| a.0 == b.0);
    items.into_bump_slice()
}

/// The warning for a document that parsed but has none of its format's keys.
pub(crate) fn warn_no_keys<'a>(bump: &'a Bump, expected: &str) -> &'a [&'a str] {
    let msg =
        bumpalo::format!(in bump, "no recognised keys (expected one of: {}); 0 messages loaded", expected);
    bump.alloc_slice_copy(&[msg.into_bump_str()])
}
