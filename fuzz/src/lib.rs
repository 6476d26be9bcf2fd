//! Shared checks for the fuzz targets. Each target is a three-line file that
//! calls one function here, so a new format needs one new target file, one
//! `[[bin]]` entry, and one line in [`PARSERS`]:
//!
//! * [`load_checked`]: arbitrary bytes through `Loader::load_bytes` for one
//!   [`Parser`]; never panics, and the outcome is determinate (a fresh loader
//!   and a loader reused across inputs agree; errors carry a position inside
//!   the input; a loaded recording writes valid PromptKit JSON).
//! * [`differential`]: the zero-copy path against the independent serde_json
//!   reference (`crates/reference`) (also run by `cargo test`);
//!   [`differential_structured`] does the same on documents generated from
//!   the input by a grammar of both formats.
//! * [`route_checked`]: arbitrary `(path, hint)` pairs through
//!   `Registry::find_adapter` and `Registry::enumerate`, against a model of
//!   the Go routing rules; globs are only expanded inside a private temp dir.
//! * [`eval::config_checked`] and [`eval::run_checked`]: eval configs
//!   through the config compiler, and a fixed plan over arbitrary
//!   recordings (`crates/eval`).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arena_recordings::{
    is_glob_pattern, promptkit, ErrorKind, Format, Limits, Loader, Parser, Recording, Registry,
};
use arena_recordings::{
    FileAdapter, ARENA_OUTPUT, GENERIC, INSPECT, OPENAI_BATCH, OPENAI_CHAT, OTEL_GENAI, SESSION, SHAREGPT,
    TRANSCRIPT,
};

pub use arena_recordings_reference as reference;

pub mod eval;

/// Every parser [`load_checked`] is run with by the `any_format`-style loops
/// (the per-format targets name theirs). Add new `Parser` variants here.
pub const PARSERS: &[Parser] = &[Parser::Session, Parser::ArenaOutput, Parser::Auto, Parser::Transcript];

/// The parsers of the formats beyond PromptKit's, whose files hold many
/// recordings ([`load_each_checked`]).
pub const MORE_PARSERS: &[Parser] =
    &[Parser::OpenAiChat, Parser::OpenAiBatch, Parser::ShareGpt, Parser::Inspect, Parser::OtelGenai];

/// The built-in file adapters in registration order, as `Registry::new()`
/// registers them. Add new built-ins here (the target checks the count).
pub const BUILTINS: &[FileAdapter] =
    &[SESSION, ARENA_OUTPUT, TRANSCRIPT, GENERIC, OPENAI_CHAT, OPENAI_BATCH, SHAREGPT, INSPECT, OTEL_GENAI];

thread_local! {
    static LOADER: RefCell<Loader> = RefCell::new(Loader::new());
    /// Tight limits, to reach the limit paths with small inputs.
    static SMALL: RefCell<Loader> =
        RefCell::new(Loader::with_limits(small_limits()));
}

// `..Limits::default()` keeps this compiling when limits are added.
#[allow(clippy::needless_update)]
fn small_limits() -> Limits {
    Limits { max_depth: 8, max_file_size: 2048, ..Limits::default() }
}

/// Whether `parser` reads JSON (error offsets then point at JSON tokens).
fn is_json(parser: Parser) -> bool {
    matches!(parser, Parser::Session | Parser::ArenaOutput)
}

/// What a load produced, reduced to comparable owned data.
#[derive(Debug, PartialEq)]
enum Summary {
    Loaded { format: Format, json: String, warnings: Vec<String> },
    Failed { kind: ErrorKind, offset: Option<usize>, text: String },
}

fn summarize(result: arena_recordings::Result<Recording<'_>>, data: &[u8], parser: Parser) -> Summary {
    match result {
        Ok(rec) => {
            let n = rec.messages.len();
            let checks_timestamps = matches!(
                rec.format,
                Format::Session | Format::ArenaRun | Format::ArenaTurns | Format::Transcript
            );
            assert!(!checks_timestamps || rec.metadata.timestamps.len() == n, "one timestamp per message");
            assert!(rec.metadata.duration_ns >= 0, "negative duration");
            let mut json = String::new();
            promptkit::write_messages(&mut json, rec.messages);
            json.push('\n');
            promptkit::write_metadata(&mut json, &rec.metadata);
            for doc in json.split('\n') {
                assert_valid_json(doc);
            }
            Summary::Loaded {
                format: rec.format,
                json,
                warnings: rec.warnings.iter().map(|w| w.to_string()).collect(),
            }
        }
        Err(e) => {
            let kind = e.kind();
            assert!(
                matches!(
                    kind,
                    ErrorKind::Syntax
                        | ErrorKind::Type
                        | ErrorKind::Value
                        | ErrorKind::Utf8
                        | ErrorKind::Shape
                        | ErrorKind::Limit
                        | ErrorKind::FailedRequest
                ),
                "unexpected kind for bytes: {e:?}"
            );
            if is_json(parser) {
                if let Err(msg) = reference::check_error_position(data, &e) {
                    panic!("{msg}");
                }
            } else if let Some(off) = e.offset() {
                // inspect_ai errors inside a zip member are positioned in the member.
                if parser != Parser::Inspect {
                    assert!(off <= data.len(), "offset {off} past the end ({})", data.len());
                }
                assert_eq!(e.position().map(|p| p.offset), Some(off), "not located");
            }
            if let Some(pos) = e.position() {
                assert!(pos.line >= 1 && pos.column >= 1);
            }
            let text = e.to_string();
            assert!(!text.is_empty());
            assert!(e.path().is_none());
            Summary::Failed { kind, offset: e.offset(), text }
        }
    }
}

/// The PromptKit writer's output must be JSON (checked without serde's
/// recursion limit; deep `meta` values on a stack grown in place, never on a
/// spawned thread: see [`reference::with_deep_stack`]).
fn assert_valid_json(doc: &str) {
    let check = || {
        let mut de = serde_json::Deserializer::from_str(doc);
        de.disable_recursion_limit();
        let r = <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut de).and_then(|_| de.end());
        assert!(r.is_ok(), "PromptKit output is not JSON ({r:?}): {doc:.200}");
    };
    if doc.len() > 2_000 && doc.bytes().filter(|&b| b == b'[' || b == b'{').count() > 200 {
        reference::with_deep_stack(check);
    } else {
        check();
    }
}

/// Loads `data` with `parser` through a fresh loader and through a loader
/// reused across inputs, checks the invariants, and checks they agree.
///
/// Then loads it again under tight limits: the outcome must be the same, or
/// an [`ErrorKind::Limit`] error.
pub fn load_checked(data: &[u8], parser: Parser) {
    let fresh = summarize(Loader::new().load_bytes(data, parser), data, parser);
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        let reused = summarize(l.load_bytes(data, parser), data, parser);
        assert_eq!(fresh, reused, "a reused loader disagrees with a fresh one");
    });
    SMALL.with(|l| {
        let mut l = l.borrow_mut();
        let small = summarize(l.load_bytes(data, parser), data, parser);
        let limited = matches!(small, Summary::Failed { kind: ErrorKind::Limit, .. });
        assert!(small == fresh || limited, "tight limits changed the outcome: {small:?}, not {fresh:?}");
    });
}

/// Every recording `data` holds with `parser`, summarized with its fragment.
fn each_summary(loader: &mut Loader, data: &[u8], parser: Parser) -> Vec<(Option<String>, Summary)> {
    let mut out = Vec::new();
    loader.load_bytes_each(data, parser, |piece, result| {
        if let Some(f) = piece.fragment {
            assert!(!f.is_empty() && !f.contains('#'), "bad fragment {f:?}");
        }
        // Errors are checked as positioned errors, not against the PromptKit
        // reference, whose JSON rules the formats beyond PromptKit's do not
        // follow (the PromptKit files are checked that way by `load_checked`);
        // inspect_ai's may point inside a zip member.
        let checked_as = match (piece.format, parser) {
            (Some(Format::Inspect), _) | (_, Parser::Inspect) => Parser::Inspect,
            _ => Parser::OpenAiChat,
        };
        out.push((piece.fragment.map(str::to_owned), summarize(result, data, checked_as)));
    });
    assert!(!out.is_empty(), "no call at all");
    let frags: Vec<&str> = out.iter().filter_map(|(f, _)| f.as_deref()).collect();
    let mut unique = frags.clone();
    unique.sort_unstable();
    unique.dedup();
    // inspect_ai sample ids come from the file: duplicates are the file's.
    assert!(parser == Parser::Inspect || unique.len() == frags.len(), "duplicate fragments: {frags:?}");
    out
}

/// [`load_checked`] for files of many recordings: `data` through
/// `Loader::load_bytes_each` with `parser` (and with the session and
/// detecting parsers, which recognise these formats by content), a fresh
/// and a reused loader agreeing, and again under tight limits.
pub fn load_each_checked(data: &[u8], parser: Parser) {
    for parser in [parser, Parser::Session, Parser::Auto] {
        let fresh = each_summary(&mut Loader::new(), data, parser);
        LOADER.with(|l| {
            let reused = each_summary(&mut l.borrow_mut(), data, parser);
            assert_eq!(fresh, reused, "a reused loader disagrees with a fresh one");
        });
        SMALL.with(|l| {
            let small = each_summary(&mut l.borrow_mut(), data, parser);
            let limited =
                small.iter().any(|(_, s)| matches!(s, Summary::Failed { kind: ErrorKind::Limit, .. }));
            assert!(small == fresh || limited, "tight limits changed the outcome: {small:?}, not {fresh:?}");
        });
    }
}

/// Runs [`reference::check`] for every parser the reference knows and
/// panics on the first disagreement.
pub fn differential(data: &[u8]) {
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        for &parser in &reference::PARSERS {
            if let Err(e) = reference::check(&mut l, data, parser) {
                panic!("{parser:?}: {e}");
            }
        }
    });
}

// ---------------------------------------------------------------------------
// Routing

/// Go's `unicode.ToLower` for the letters that matter when comparing with
/// an ASCII name: ASCII, U+0130 `İ` -> `i`, U+212A Kelvin -> `k`.
fn go_lower(c: char) -> char {
    match c {
        '\u{130}' => 'i',
        '\u{212A}' => 'k',
        c => c.to_ascii_lowercase(),
    }
}

/// Go: `strings.EqualFold(t, strings.ToLower(strings.TrimSpace(hint)))`.
fn model_hint_matches(hint: &str, t: &str) -> bool {
    let h = hint.trim();
    if h.is_empty() {
        return false;
    }
    let mut hc = h.chars().map(go_lower);
    for tc in t.chars() {
        let ok = match hc.next() {
            Some('\u{17F}') => tc.eq_ignore_ascii_case(&'s'),
            Some(c) => c.eq_ignore_ascii_case(&tc),
            None => false,
        };
        if !ok {
            return false;
        }
    }
    hc.next().is_none()
}

/// Go: `strings.HasSuffix(strings.ToLower(path), strings.ToLower(ext))`.
fn model_has_suffix(path: &str, ext: &str) -> bool {
    let mut pc = path.chars().rev().map(go_lower);
    ext.chars().rev().all(|e| pc.next() == Some(e.to_ascii_lowercase()))
}

/// The adapter the crate should pick: an explicit hint that some adapter
/// accepts wins (our deviation #3 from Go); otherwise the first suffix match.
fn model_route(path: &str, hint: &str) -> Option<&'static FileAdapter> {
    BUILTINS
        .iter()
        .find(|a| a.hints().iter().any(|t| model_hint_matches(hint, t)))
        .or_else(|| BUILTINS.iter().find(|a| a.suffixes().iter().any(|s| model_has_suffix(path, s))))
}

/// A private directory with a few files, for expanding fuzzed globs.
fn glob_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("arena-recordings-fuzz-{}", std::process::id()));
        for dir in ["sub/deep", "dir.recording.json"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for f in [
            "a.recording.json",
            "B.ARENA.JSON",
            ".hidden.recording.json",
            "x.txt",
            "sub/c.recording.json",
            "sub/deep/d.arena-output.json",
            "[x].recording.json",
        ] {
            std::fs::write(root.join(f), b"{}").unwrap();
        }
        root
    })
}

/// `path \0 hint` (lossy UTF-8) through the registry.
pub fn route_checked(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (path, hint) = text.split_once('\0').unwrap_or((&text, ""));
    let registry = Registry::new();
    assert_eq!(registry.len(), BUILTINS.len(), "BUILTINS is out of date");

    let found = registry.find_adapter(path, hint).map(|a| a.name().to_owned());
    let expected = model_route(path, hint);
    assert_eq!(
        found.as_deref(),
        expected.map(|a| a.canonical_hint()),
        "route of {path:?} with hint {hint:?}"
    );

    // Enumerating a literal path never touches the file system.
    if !is_glob_pattern(path) {
        match (registry.enumerate(path, hint), expected) {
            (Ok(refs), Some(a)) => {
                assert_eq!(refs.len(), 1);
                assert_eq!((refs[0].id.as_str(), refs[0].source.as_str()), (path, path));
                assert_eq!(refs[0].type_hint, a.canonical_hint());
            }
            (Err(e), None) => {
                assert_eq!(e.kind(), ErrorKind::NoAdapter);
                let expected = if hint.is_empty() {
                    let base = path.rsplit('/').next().unwrap_or(path);
                    let ext = base.rfind('.').map_or("", |i| &base[i..]);
                    format!("no adapter found for file extension '{ext}' (source: {path})")
                } else {
                    format!("no adapter found for type hint '{hint}' (source: {path})")
                };
                assert_eq!(e.message(), expected);
            }
            (r, _) => panic!("enumerate({path:?}, {hint:?}) = {r:?}, expected adapter {expected:?}"),
        }
        return;
    }

    // A glob: expand it only inside the private directory.
    if path.split('/').any(|seg| seg == "..") || path.len() > 256 {
        return;
    }
    let root = glob_root();
    let pattern = format!("{}/{}", root.display(), path.trim_start_matches('/'));
    let expected = model_route(&pattern, hint);
    match registry.enumerate(&pattern, hint) {
        Ok(refs) => {
            let a = expected.expect("enumerated without an adapter");
            assert!(!refs.is_empty());
            for w in refs.windows(2) {
                assert!(w[0].id < w[1].id, "sorted and unique");
            }
            for r in &refs {
                assert!(Path::new(&r.id).is_file(), "{} is a file", r.id);
                assert!(Path::new(&r.id).starts_with(root));
                assert_eq!(r.source, pattern);
                assert_eq!(r.type_hint, a.canonical_hint());
            }
        }
        Err(e) => {
            let ok = match e.kind() {
                ErrorKind::NoAdapter => expected.is_none(),
                ErrorKind::Glob | ErrorKind::NoMatch => expected.is_some(),
                _ => false,
            };
            assert!(ok, "enumerate({pattern:?}, {hint:?}): {e:?}, expected adapter {expected:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Structured JSON for the differential target

/// An object shape of the formats (docs/formats.md: session recordings, Arena output and the output schema).
#[derive(Clone, Copy, Debug)]
enum Node {
    SessionRoot,
    Meta,
    Event,
    RecMsg,
    RecPart,
    MediaSrc,
    RecToolCall,
    Function,
    ArenaRoot,
    Msg,
    OutPart,
    Media,
    ToolCall,
    ToolResult,
    TurnMeta,
    Turn,
    UserMsg,
    Response,
    Cost,
    ToolRes,
    Assertion,
    Summary,
}

/// What a field holds.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Obj(Node),
    List(Node),
    Str,
    Strs,
    EventType,
    PartType,
    Int,
    Float,
    Bool,
    Time,
    Any,
    FreeObj,
}

fn fields(n: Node) -> &'static [(&'static str, Kind)] {
    use Kind::*;
    match n {
        Node::SessionRoot => &[("metadata", Obj(Node::Meta)), ("events", List(Node::Event))],
        Node::Meta => &[("session_id", Str), ("provider_id", Str), ("model", Str), ("tags", Strs)],
        Node::Event => {
            &[("type", EventType), ("timestamp", Time), ("message", Obj(Node::RecMsg)), ("event", Any)]
        }
        Node::RecMsg => &[
            ("role", Str),
            ("content", Str),
            ("name", Str),
            ("parts", List(Node::RecPart)),
            ("tool_calls", List(Node::RecToolCall)),
            ("tool_call_id", Str),
        ],
        Node::RecPart => &[("type", PartType), ("text", Str), ("media", Obj(Node::MediaSrc))],
        Node::MediaSrc => &[
            ("mime_type", Str),
            ("data", Str),
            ("uri", Str),
            ("path", Str),
            ("size", Int),
            ("width", Int),
            ("height", Int),
            ("duration", Int),
        ],
        Node::RecToolCall => &[("id", Str), ("type", Str), ("function", Obj(Node::Function))],
        Node::Function => &[("name", Str), ("arguments", Any)],
        Node::ArenaRoot => &[
            ("RunID", Str),
            ("Messages", List(Node::Msg)),
            ("ScenarioID", Str),
            ("PromptPack", Str),
            ("Region", Str),
            ("ProviderID", Str),
            ("Error", Str),
            ("Params", FreeObj),
            ("SessionTags", Strs),
            ("StartTime", Time),
            ("EndTime", Time),
            ("Duration", Int),
            ("turns", List(Node::Turn)),
            ("scenario_id", Str),
            ("provider_id", Str),
            ("metadata", Obj(Node::TurnMeta)),
            ("summary", Obj(Node::Summary)),
        ],
        Node::Msg => &[
            ("role", Str),
            ("content", Str),
            ("parts", List(Node::OutPart)),
            ("tool_calls", List(Node::ToolCall)),
            ("tool_result", Obj(Node::ToolResult)),
            ("timestamp", Time),
            ("latency_ms", Int),
            ("cost_info", FreeObj),
            ("finish_reason", Str),
            ("meta", FreeObj),
            ("reasoning", FreeObj),
            ("validations", Any),
        ],
        Node::OutPart => &[("type", PartType), ("text", Str), ("media", Obj(Node::Media))],
        Node::Media => &[
            ("data", Str),
            ("file_path", Str),
            ("url", Str),
            ("storage_reference", Str),
            ("mime_type", Str),
            ("format", Str),
            ("size_kb", Int),
            ("detail", Str),
            ("caption", Str),
            ("duration", Int),
            ("bit_rate", Int),
            ("channels", Int),
            ("width", Int),
            ("height", Int),
            ("fps", Int),
            ("policy_name", Str),
        ],
        Node::ToolCall => &[("id", Str), ("name", Str), ("args", Any), ("provider_metadata", FreeObj)],
        Node::ToolResult => &[
            ("id", Str),
            ("name", Str),
            ("parts", List(Node::OutPart)),
            ("error", Str),
            ("error_type", Str),
            ("latency_ms", Int),
            ("content", Str),
        ],
        Node::TurnMeta => &[("tags", Strs), ("extras", FreeObj)],
        Node::Turn => &[
            ("timestamp", Time),
            ("turn_index", Int),
            ("user_message", Obj(Node::UserMsg)),
            ("response", Obj(Node::Response)),
            ("tool_results", List(Node::ToolRes)),
            ("assertions", List(Node::Assertion)),
        ],
        Node::UserMsg => &[("content", Str), ("parts", List(Node::OutPart))],
        Node::Response => &[("message", Obj(Node::Msg)), ("cost", Obj(Node::Cost))],
        Node::Cost => &[("input_tokens", Int), ("output_tokens", Int), ("total_cost", Float)],
        Node::ToolRes => &[("tool_call_id", Str), ("content", Str)],
        Node::Assertion => &[("type", Str), ("passed", Bool), ("message", Str)],
        Node::Summary => {
            &[("total_turns", Int), ("passed_turns", Int), ("failed_turns", Int), ("total_cost", Float)]
        }
    }
}

const STRINGS: &[&str] = &[
    "",
    "x",
    "user",
    "assistant",
    "tool",
    "call_1",
    "{\"a\":1}",
    "[1, 2.50]",
    "not json",
    "<&>",
    "\u{e9}\u{1F600}",
    "\u{2028}",
    "image/png",
    "http://x/y.png",
    "/tmp/a.wav",
    "aGVsbG8=",
];
const TIMES: &[&str] = &[
    "2024-01-15T10:00:00Z",
    "2024-01-15T10:00:30.5+01:00",
    "2024-01-15T09:59:59.999999999-00:30",
    "0001-01-01T00:00:00Z",
    "2024-01-15 10:00:00",
    "2024-02-30T00:00:00Z",
    "1700000000",
    "",
];
const INTS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "7",
    "999",
    "1023",
    "1024",
    "1999",
    "2048",
    "30000",
    "-5",
    "9223372036854775807",
    "-9223372036854775808",
];
const BAD_NUMBERS: &[&str] = &[
    "1.5",
    "-0.0",
    "1e2",
    "1E-2",
    "0.1",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "2.2250738585072011e-308",
    "5e-324",
    "1e308",
    "1e400",
];

type U<'a> = libfuzzer_sys::arbitrary::Unstructured<'a>;
type G<T> = libfuzzer_sys::arbitrary::Result<T>;

fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key(u: &mut U<'_>, name: &str, out: &mut String) -> G<()> {
    let k: String = match u.int_in_range(0..=19)? {
        0 => name.to_uppercase(),
        1 => name.replace('s', "\u{17F}").replace('k', "\u{212A}"),
        2 => name.to_lowercase(),
        3 => format!("{name}_"),
        _ => name.to_owned(),
    };
    push_str(out, &k);
    Ok(())
}

fn number(u: &mut U<'_>, out: &mut String) -> G<()> {
    // Out-of-range numbers reject the whole file: keep them rare.
    let n = if u.ratio(1, 6)? { *u.choose(BAD_NUMBERS)? } else { *u.choose(INTS)? };
    out.push_str(if n == "1e400" && !u.ratio(1, 8)? { "1" } else { n });
    Ok(())
}

fn string(u: &mut U<'_>, out: &mut String) -> G<()> {
    match u.int_in_range(0..=99)? {
        0 => out.push_str("\"\\ud83d\\ude00\""),
        1 => out.push_str("\"a\\n\\u0000\\\"b\""),
        2 => out.push_str("\"\\ud800\""),
        _ => push_str(out, u.choose(STRINGS)?),
    }
    Ok(())
}

/// Any JSON value (used for free-form fields and for wrong types).
fn any(u: &mut U<'_>, depth: usize, out: &mut String) -> G<()> {
    let leaf = depth >= 8 || u.is_empty();
    match u.int_in_range(0..=if leaf { 4 } else { 6 })? {
        0 => out.push_str("null"),
        1 => out.push_str(if u.arbitrary()? { "true" } else { "false" }),
        2 => number(u, out)?,
        3 | 4 => string(u, out)?,
        5 => {
            out.push('[');
            for i in 0..u.int_in_range(0..=3)? {
                if i > 0 {
                    out.push(',');
                }
                any(u, depth + 1, out)?;
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..u.int_in_range(0..=3)? {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, u.choose(&["a", "k", "role", "passed"])?);
                out.push(':');
                any(u, depth + 1, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn field(u: &mut U<'_>, kind: Kind, depth: usize, out: &mut String) -> G<()> {
    // Now and then a null or a value of the wrong type.
    match u.int_in_range(0..=24)? {
        0 | 1 => {
            out.push_str("null");
            return Ok(());
        }
        2 => return any(u, depth, out),
        _ => {}
    }
    if depth >= 10 {
        out.push_str("null");
        return Ok(());
    }
    match kind {
        Kind::Obj(n) => object(u, n, depth + 1, out)?,
        Kind::List(n) => {
            out.push('[');
            for i in 0..u.int_in_range(0..=3)? {
                if i > 0 {
                    out.push(',');
                }
                if u.ratio(1, 12)? {
                    out.push_str("null");
                } else {
                    object(u, n, depth + 1, out)?;
                }
            }
            out.push(']');
        }
        Kind::Str => string(u, out)?,
        Kind::Strs => {
            out.push('[');
            for i in 0..u.int_in_range(0..=3)? {
                if i > 0 {
                    out.push(',');
                }
                string(u, out)?;
            }
            out.push(']');
        }
        Kind::EventType => {
            push_str(out, u.choose(&["message", "message", "message", "Message", "tool.call"])?)
        }
        Kind::PartType => {
            push_str(out, u.choose(&["text", "image", "audio", "video", "document", "IMAGE", "x"])?)
        }
        Kind::Int | Kind::Float => number(u, out)?,
        Kind::Bool => out.push_str(if u.arbitrary()? { "true" } else { "false" }),
        Kind::Time => push_str(out, u.choose(TIMES)?),
        Kind::Any | Kind::FreeObj => any(u, depth, out)?,
    }
    Ok(())
}

fn object(u: &mut U<'_>, node: Node, depth: usize, out: &mut String) -> G<()> {
    let fs = fields(node);
    out.push('{');
    for i in 0..u.int_in_range(0..=fs.len().min(7))? {
        if i > 0 {
            out.push(',');
        }
        if u.ratio(1, 15)? {
            push_str(out, "unknown");
            out.push(':');
            any(u, depth + 1, out)?;
            continue;
        }
        let (name, kind) = *u.choose(fs)?;
        key(u, name, out)?;
        out.push(':');
        if u.ratio(1, 5)? {
            out.push(' ');
        }
        field(u, kind, depth, out)?;
    }
    out.push('}');
    Ok(())
}

/// Builds a document of one of the formats from `data` (its own keys, in
/// varied case, now and then null, unknown or of the wrong type) and runs
/// the differential check on it: reaches the decoders' semantics far more
/// often than byte mutation does.
pub fn differential_structured(data: &[u8]) {
    let mut u = U::new(data);
    let root = if u.arbitrary::<bool>().unwrap_or(false) { Node::ArenaRoot } else { Node::SessionRoot };
    let mut doc = String::new();
    if object(&mut u, root, 0, &mut doc).is_err() {
        return;
    }
    differential(doc.as_bytes());
}
