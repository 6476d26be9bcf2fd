//! Content sniffing for files no suffix or hint assigns to a format (the
//! `generic` hint, and `.json` files such as `promptarena run`'s
//! `<RunID>.json`).
//!
//! A file that does not start with `{` or `[` is YAML, so a transcript.
//! JSON Lines go to the session adapter's streaming reader. Anything else
//! is parsed once as a JSON document, and its top-level keys pick the
//! decoder that then runs on the same tape: `RunID`, `Messages`, `turns`
//! (and the turn shape's `scenario_id`, `summary`) mean Arena output;
//! `events`, `metadata` (or a lone JSON Lines record's `seq`, `event`,
//! `type`) mean a session recording. The parse is the one the decoder needs
//! anyway, so sniffing costs one walk over the root object's keys.

use crate::error::Result;
use crate::formats::{arena, session, warn_no_keys, Parser};
use crate::json::{key_is, Cx};
use crate::model::{Format, Recording};

/// Top-level keys that mean Arena output (run-result or turn shape).
const ARENA_KEYS: &[&str] = &["RunID", "Messages", "turns", "scenario_id", "summary"];

/// Top-level keys that mean a session recording (any shape).
const SESSION_KEYS: &[&str] = &["events", "metadata", "seq", "event", "type"];

/// The parser a document's top-level keys name, or `None`. Arena keys win:
/// the turn shape also has a `metadata` key.
pub(crate) fn sniff(cx: &Cx<'_, '_>) -> Result<Option<Parser>> {
    let Some(obj) = cx.obj(cx.root(), "the recording")? else {
        return Ok(None);
    };
    let mut found = None;
    for (k, _) in obj {
        if ARENA_KEYS.iter().any(|n| key_is(k, n)) {
            return Ok(Some(Parser::ArenaOutput));
        }
        if SESSION_KEYS.iter().any(|n| key_is(k, n)) {
            found = Some(Parser::Session);
        }
    }
    Ok(found)
}

/// Decodes a JSON document whose format its top-level keys name.
pub(crate) fn decode<'a>(cx: &Cx<'_, 'a>) -> Result<Recording<'a>> {
    match sniff(cx)? {
        Some(Parser::ArenaOutput) => arena::decode(cx),
        Some(_) => session::decode(cx),
        None => {
            let warnings = warn_no_keys(cx.bump, "RunID, Messages, turns, metadata, events");
            Ok(Recording { format: Format::Session, warnings, ..Recording::default() })
        }
    }
}
