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
pub(crate) mod calls;
pub mod convert;
pub(crate) mod detect;
pub(crate) mod inspect;
pub(crate) mod message;
pub(crate) mod openai;
pub(crate) mod otel;
pub mod recorder;
pub mod session;
pub(crate) mod sharegpt;
pub mod transcript;

use bumpalo::Bump;

use crate::error::{Error, ErrorKind, Result};
use crate::input::{Input, Shape};
use crate::json::Cx;
use crate::model::{Extra, Format, Recording};

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
    /// OpenAI chat (`{"messages": [...]}` per JSON Lines line or array element).
    OpenAiChat,
    /// OpenAI Batch API request or result lines.
    OpenAiBatch,
    /// ShareGPT (`{"conversations": [...]}` per line, element or file).
    ShareGpt,
    /// inspect_ai eval logs: a `.json` log or a `.eval` zip.
    Inspect,
    /// OpenTelemetry GenAI traces in OTLP JSON (one object, or one per line).
    OtelGenai,
}

impl Parser {
    /// Whether every file this parser reads is one recording (so listing
    /// its references needs no reading).
    pub fn holds_one(self) -> bool {
        matches!(self, Parser::ArenaOutput | Parser::Transcript)
    }

    /// The format this parser reads when it is one of the formats beyond
    /// PromptKit's (whose files hold many recordings).
    pub(crate) fn more_format(self) -> Option<Format> {
        Some(match self {
            Parser::OpenAiChat => Format::OpenAiChat,
            Parser::OpenAiBatch => Format::OpenAiBatch,
            Parser::ShareGpt => Format::ShareGpt,
            Parser::Inspect => Format::Inspect,
            Parser::OtelGenai => Format::OtelGenai,
            _ => return None,
        })
    }
}

/// Where one recording of a file is, and the format that read it.
///
/// A file holds one recording (PromptKit's formats, a single ShareGPT
/// object) or many (a JSON Lines file of OpenAI chat lines, a ShareGPT
/// array, an inspect_ai log's samples, an OTLP file's traces). Each of them
/// is one reference, whose id is the file's path followed by `#` and the
/// fragment (`L7`, `item=0`, `sample=12,epoch=2`, `trace=4bf9...`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Piece<'p> {
    /// The text after `#` in the reference id; `None` for a file's only
    /// recording and for a failure of the whole file.
    pub fragment: Option<&'p str>,
    /// The format that read it, when it is one of the formats beyond
    /// PromptKit's (its [`Format::type_hint`] names the reference's type).
    pub format: Option<Format>,
}

impl<'p> Piece<'p> {
    /// The piece of a file that is one recording (or failed as a whole).
    pub const WHOLE: Piece<'static> = Piece { fragment: None, format: None };
}

/// Receives a file's recordings in file order (one call per reference).
pub(crate) type Sink<'s, 'l> = dyn FnMut(Piece<'_>, Result<Recording<'l>>) + 's;

/// Decodes `input` with `parser` and hands every recording it holds to
/// `each`, in file order. An error returned here is a failure of the whole
/// file (its recordings cannot be told apart); errors of single recordings
/// go to `each`.
pub(crate) fn decode_each<'l>(input: Input<'l, '_>, parser: Parser, each: &mut Sink<'_, 'l>) -> Result<()> {
    let shape = input.shape();
    let lines = shape == Shape::JsonLines || (shape == Shape::JsonDocument && input.named_jsonl());
    let whole = |each: &mut Sink<'_, 'l>, r: Result<Recording<'l>>| {
        each(Piece::WHOLE, r);
        Ok(())
    };
    match parser {
        Parser::Session | Parser::Auto if lines => match sniff_line_keys(input.bytes()) {
            Some(p) => decode_lines(input, p, each),
            None if shape == Shape::JsonLines => whole(each, recorder::decode_lines(input)),
            None => whole(each, decode(input, parser)),
        },
        Parser::Auto if shape == Shape::JsonDocument => input.json_document(|cx| auto_document(cx, each)),
        Parser::Transcript | Parser::ArenaOutput | Parser::Session | Parser::Auto => {
            whole(each, decode(input, parser))
        }
        Parser::Inspect if input.bytes().starts_with(b"PK\x03\x04") => inspect::decode_zip(input, each),
        _ if lines => decode_lines(input, parser, each),
        _ if shape == Shape::Yaml => {
            let what = parser.more_format().map_or("", Format::as_str);
            Err(Error::new(ErrorKind::Syntax, format!("not JSON: a {what} file is JSON or JSON Lines")).at(0))
        }
        _ => input.json_document(|cx| hinted_document(cx, parser, each)),
    }
}

/// The decoder of one JSON object that is one recording.
type OneDecoder = for<'t, 'a> fn(&Cx<'t, 'a>, usize) -> Result<Recording<'a>>;

fn one_decoder(parser: Parser) -> Option<OneDecoder> {
    match parser {
        Parser::OpenAiChat => Some(openai::decode_chat),
        Parser::OpenAiBatch => Some(openai::decode_batch),
        Parser::ShareGpt => Some(sharegpt::decode),
        _ => None,
    }
}

/// JSON Lines read as `parser`: one recording per non-blank line (`#L<n>`),
/// or the traces of an OTLP file.
fn decode_lines<'l>(input: Input<'l, '_>, parser: Parser, each: &mut Sink<'_, 'l>) -> Result<()> {
    if parser == Parser::OtelGenai {
        return otel::decode_lines(input, each);
    }
    let format = parser.more_format();
    let Some(one) = one_decoder(parser) else {
        return Err(Error::new(
            ErrorKind::Shape,
            "an inspect_ai log is one JSON document or a .eval zip archive, not JSON Lines",
        ));
    };
    let mut fragment = String::new();
    input.json_lines_each(|line, cx| {
        use std::fmt::Write;
        fragment.clear();
        let _ = write!(fragment, "L{}", line.number);
        let r = cx.and_then(|cx| one(cx, cx.root()).map_err(|e| line.fix(e)));
        each(Piece { fragment: Some(&fragment), format }, r);
    })
}

/// A JSON document read as `parser` (given by a type hint): a top-level
/// array holds one recording per element, an object is one recording (or,
/// for inspect_ai and OTLP, its samples or traces).
fn hinted_document<'a>(cx: &Cx<'_, 'a>, parser: Parser, each: &mut Sink<'_, 'a>) -> Result<()> {
    match parser {
        Parser::Inspect => return inspect::decode_log(cx, each),
        Parser::OtelGenai => return otel::decode_document(cx, each),
        _ => {}
    }
    let format = parser.more_format();
    let one = one_decoder(parser).ok_or_else(|| Error::new(ErrorKind::Internal, "no decoder"))?;
    let root = cx.root();
    if cx.is_arr(root) {
        items(cx, one, format, each)
    } else if cx.is_obj(root) {
        each(Piece { fragment: None, format }, one(cx, root));
        Ok(())
    } else {
        Err(cx.type_err(root, "a JSON object or array", "the file"))
    }
}

/// One recording per element of the top-level array (`#item=<i>`); an
/// empty array is one reference with no message and a warning.
fn items<'a>(
    cx: &Cx<'_, 'a>,
    one: OneDecoder,
    format: Option<Format>,
    each: &mut Sink<'_, 'a>,
) -> Result<()> {
    let root = cx.root();
    let elements = cx.arr(root, "the file")?.into_iter().flatten();
    let mut fragment = String::new();
    let mut any = false;
    for (i, v) in elements.enumerate() {
        use std::fmt::Write;
        any = true;
        fragment.clear();
        let _ = write!(fragment, "item={i}");
        each(Piece { fragment: Some(&fragment), format }, one(cx, v));
    }
    if !any {
        let warnings = cx.bump.alloc_slice_copy(&["the file holds no recording (an empty array)"]);
        let format_ = format.unwrap_or_default();
        each(
            Piece { fragment: None, format },
            Ok(Recording { format: format_, warnings, ..Recording::default() }),
        );
    }
    Ok(())
}

/// A JSON document of a file no suffix or hint assigns (section 1.2 of
/// FORMATS-MORE.md): arrays of ShareGPT or OpenAI chat objects, OTLP,
/// inspect_ai logs and single ShareGPT objects; anything else is detected
/// among PromptKit's formats as before.
fn auto_document<'a>(cx: &Cx<'_, 'a>, each: &mut Sink<'_, 'a>) -> Result<()> {
    let root = cx.root();
    if !cx.is_obj(root) && !cx.is_arr(root) {
        each(Piece::WHOLE, detect::decode(cx));
        return Ok(());
    }
    if let Some(mut elements) = cx.arr(root, "the file").ok().flatten() {
        let first = elements.next();
        let keys = first.filter(|&i| cx.is_obj(i)).and_then(|i| cx.obj(i, "item").ok().flatten());
        let mut pick = None;
        for (k, _) in keys.into_iter().flatten() {
            if k == "conversations" {
                pick = Some(Parser::ShareGpt);
            } else if k == "messages" && pick.is_none() {
                pick = Some(Parser::OpenAiChat);
            }
        }
        return match (first, pick) {
            (None, _) => items(cx, sharegpt::decode, None, each),
            (Some(_), Some(p)) => {
                items(cx, one_decoder(p).unwrap_or(sharegpt::decode), p.more_format(), each)
            }
            (Some(_), None) => {
                each(Piece::WHOLE, detect::decode(cx));
                Ok(())
            }
        };
    }
    let (mut spans, mut version, mut eval, mut conversations) = (false, false, false, false);
    for (k, _) in cx.obj(root, "the file")?.into_iter().flatten() {
        match k {
            "resourceSpans" => spans = true,
            "version" => version = true,
            "eval" => eval = true,
            "conversations" => conversations = true,
            _ => {}
        }
    }
    if spans {
        otel::decode_document(cx, each)
    } else if version && eval {
        inspect::decode_log(cx, each)
    } else if conversations {
        each(Piece { fragment: None, format: Some(Format::ShareGpt) }, sharegpt::decode(cx, root));
        Ok(())
    } else {
        each(Piece::WHOLE, detect::decode(cx));
        Ok(())
    }
}

/// The format the first non-blank line of a JSON Lines file names by its
/// top-level keys (section 1.2: `resourceSpans`, `custom_id`,
/// `conversations`, `messages`, first match wins), or `None` for
/// PromptKit's recorder lines. Keys are compared as raw bytes (a key
/// written with escapes is not one of these).
pub(crate) fn sniff_line_keys(bytes: &[u8]) -> Option<Parser> {
    let bytes = bytes.strip_prefix(crate::input::BOM).unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &bytes[start..];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let mut found = [false; 4];
    const KEYS: [(&[u8], Parser); 4] = [
        (b"resourceSpans", Parser::OtelGenai),
        (b"custom_id", Parser::OpenAiBatch),
        (b"conversations", Parser::ShareGpt),
        (b"messages", Parser::OpenAiChat),
    ];
    top_level_keys(line, |key| {
        if let Some(k) = KEYS.iter().position(|(name, _)| *name == key) {
            found[k] = true;
        }
    });
    found.iter().position(|f| *f).map(|k| KEYS[k].1)
}

/// Calls `key` with the raw bytes of every key of the object `line` starts
/// with (depth 1 only; nothing is validated).
fn top_level_keys(line: &[u8], mut key: impl FnMut(&[u8])) {
    if line.first() != Some(&b'{') {
        return;
    }
    let mut depth = 0usize;
    let mut i = 0;
    // At depth 1, whether the next string is a key (after `{` or `,`).
    let mut want_key = false;
    while i < line.len() {
        match line[i] {
            b'"' => {
                let s = i + 1;
                let mut j = s;
                while j < line.len() && line[j] != b'"' {
                    j += if line[j] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && want_key {
                    key(&line[s..j.min(line.len())]);
                    want_key = false;
                }
                i = j;
            }
            b'{' | b'[' => {
                depth += 1;
                want_key = depth == 1 && line[i] == b'{';
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            b',' if depth == 1 => want_key = true,
            _ => {}
        }
        i += 1;
    }
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
        (p, _) => Err(Error::new(
            ErrorKind::Shape,
            format!(
                "a {} file may hold many recordings: load it with the corpus engine",
                p.more_format().map_or("", Format::as_str)
            ),
        )),
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
