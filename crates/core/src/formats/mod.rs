//! The built-in recording formats and what they share.
//!
//! Each format module decodes a schema: it turns a parsed document (a
//! [`Cx`](crate::json::Cx) over simd-json's tape, or YAML events) into a
//! borrowed [`Recording`]. None of them reads files or splits lines: the
//! input layer ([`crate::input`]) does, and [`decode`] below is the one
//! place where a [`Parser`] and the input's [`Shape`] pick the decoder.
//! [`convert`] holds the conversion rules the formats have in common and
//! `message` decodes PromptKit's own `types.Message` JSON. The rules are
//! described in `docs/formats.md`.

pub mod arena;
pub mod convert;
pub(crate) mod detect;
pub(crate) mod message;
pub mod recorder;
pub mod session;
pub mod transcript;

use bumpalo::Bump;

use crate::error::Result;
use crate::input::{Input, Shape};
use crate::model::{Extra, Recording};

/// Which decoder to run on a file's bytes.
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
    /// suffix claims): YAML is a transcript, JSON Lines and
    /// `events`/`metadata` documents are session recordings,
    /// `RunID`/`Messages`/`turns` documents Arena output.
    Auto,
    /// Transcript YAML.
    Transcript,
}

/// The format dispatch: decodes `input` with `parser`, asking the input
/// layer for the one parse the decoder needs (JSON Lines streamed line by
/// line, one JSON document, or YAML).
pub(crate) fn decode<'l>(input: Input<'l, '_>, parser: Parser) -> Result<Recording<'l>> {
    match (parser, input.shape()) {
        (Parser::Transcript, _) | (Parser::Auto, Shape::Yaml) => transcript::decode(input),
        (Parser::ArenaOutput, _) => input.json_document(arena::decode),
        (Parser::Session | Parser::Auto, Shape::JsonLines) => recorder::decode_lines(input),
        (Parser::Session, _) => input.json_document(session::decode),
        (Parser::Auto, _) => input.json_document(detect::decode),
    }
}

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
