//! Adapters and their registry: the API of PromptKit's Go `adapters`
//! package (`RecordingAdapter`, `Registry`, `EnumerateFiles`,
//! `RecordingReference`), in Rust.
//!
//! A user adapter (say, one reading recordings from a database) implements
//! [`RecordingAdapter`] with the owned [`RecordingAdapter::load`]; the
//! registry routes to it exactly as to the built-ins. Built-in adapters also
//! implement the zero-copy [`RecordingAdapter::load_into`], which the corpus
//! engine uses; a user adapter gets a default that copies its owned result
//! into the loader's arena.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::RwLock;

use crate::error::{Error, ErrorKind, Result};
use crate::loader::{Loader, Parser, Piece};
use crate::model::Recording;
use crate::owned::{Message, Metadata};
use crate::walk;
pub use crate::walk::is_glob_pattern;

/// An opaque reference to one recording (PromptKit `RecordingReference`).
///
/// A file that holds many recordings (a JSON Lines file of OpenAI chat
/// lines, a ShareGPT array, an inspect_ai log) gives one reference per
/// recording: its `id` is the path followed by `#` and the
/// [`fragment`](Self::fragment) (`train.jsonl#L7`, `data.json#item=0`,
/// `x.eval#sample=12,epoch=2`, `traces.jsonl#trace=4bf9...`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordingReference {
    /// Unique id; for files, the path (plus `#` and the fragment, when the
    /// file holds many recordings).
    pub id: String,
    /// Where the recording is inside its file (the text after `#` in `id`),
    /// or `None` for a file's only recording.
    pub fragment: Option<String>,
    /// The source (path, glob pattern, query) that produced this reference.
    pub source: String,
    /// Format hint (`session`, `arena_output`, `transcript`, ...).
    pub type_hint: String,
    /// Adapter-specific metadata (the built-in adapters leave it empty).
    pub metadata: BTreeMap<String, serde_json::Value>,
}

impl RecordingReference {
    /// A reference to a file with a hint.
    pub fn file(path: impl Into<String>, type_hint: impl Into<String>) -> Self {
        let id = path.into();
        RecordingReference {
            source: id.clone(),
            id,
            fragment: None,
            type_hint: type_hint.into(),
            metadata: BTreeMap::new(),
        }
    }

    /// The path of the file that holds the recording: `id` without `#` and
    /// the fragment.
    pub fn path(&self) -> &str {
        match &self.fragment {
            Some(f) => self.id.strip_suffix(f.as_str()).and_then(|p| p.strip_suffix('#')).unwrap_or(&self.id),
            None => &self.id,
        }
    }

    /// The reference of one recording the file holds, as `load_each` gives
    /// it: this one when `piece` is the whole file read as a PromptKit
    /// format, else narrowed to it (`id` = `path#fragment`, `type_hint` =
    /// the format that read it).
    pub fn for_piece(&self, piece: Piece<'_>) -> std::borrow::Cow<'_, RecordingReference> {
        use std::borrow::Cow;
        let hint = piece.format.and_then(|f| f.type_hint());
        match (piece.fragment, hint) {
            (None, None) => Cow::Borrowed(self),
            (Some(f), hint) => Cow::Owned(self.with_fragment(f, hint)),
            (None, Some(hint)) => {
                let mut r = self.clone();
                r.type_hint = hint.to_owned();
                Cow::Owned(r)
            }
        }
    }

    /// This file reference narrowed to one recording of the file (`id`
    /// gets `#fragment`); `type_hint` becomes `hint` when given.
    pub fn with_fragment(&self, fragment: &str, hint: Option<&str>) -> RecordingReference {
        RecordingReference {
            id: format!("{}#{fragment}", self.path()),
            fragment: Some(fragment.to_owned()),
            source: self.source.clone(),
            type_hint: hint.unwrap_or(&self.type_hint).to_owned(),
            metadata: self.metadata.clone(),
        }
    }
}

/// Converts saved conversations from some format into messages
/// (PromptKit `RecordingAdapter`).
pub trait RecordingAdapter: Send + Sync {
    /// A short name for reports (`session`, `arena_output`, ...).
    fn name(&self) -> &str;

    /// Whether this adapter supports the source (path, glob, query) with the
    /// optional type hint (empty for none).
    fn can_handle(&self, source: &str, type_hint: &str) -> bool;

    /// Expands a source into individual references (a glob into files).
    fn enumerate(&self, source: &str) -> Result<Vec<RecordingReference>>;

    /// Loads a recording as owned data.
    fn load(&self, reference: &RecordingReference) -> Result<(Vec<Message>, Metadata)>;

    /// Loads a recording into `loader`'s buffers, borrowing from them.
    ///
    /// The default calls [`load`](Self::load) and copies the result into the
    /// loader's arena; the built-in adapters parse straight into it.
    fn load_into<'l>(&self, reference: &RecordingReference, loader: &'l mut Loader) -> Result<Recording<'l>> {
        let (messages, metadata) = self.load(reference)?;
        Ok(crate::owned::copy_into_arena(loader.reset_arena(), &messages, &metadata))
    }

    /// Loads every recording a file reference holds, in file order, calling
    /// `each` with where each one is ([`Piece`]) and its result. The file is
    /// read and parsed once, however many recordings it holds.
    ///
    /// The default is one call with [`load_into`](Self::load_into)'s result;
    /// the built-in adapters split files that hold many recordings.
    fn load_each_into<'l>(
        &self,
        reference: &RecordingReference,
        loader: &'l mut Loader,
        each: &mut dyn FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        each(Piece::WHOLE, self.load_into(reference, loader));
    }

    /// [`load_each_into`](Self::load_each_into) on the file's bytes, read by
    /// the caller (from an object store, say) instead of from the path.
    ///
    /// The default is one error: an adapter that reads its sources some other
    /// way cannot take bytes. The built-in adapters parse them as they parse
    /// their files (copied once into the loader's padded buffer).
    fn load_bytes_each_into<'l>(
        &self,
        reference: &RecordingReference,
        bytes: &[u8],
        loader: &'l mut Loader,
        each: &mut dyn FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        let _ = (bytes, loader);
        let msg = format!("the {} adapter reads only from its sources, not from bytes", self.name());
        each(Piece::WHOLE, Err(Error::new(ErrorKind::NoAdapter, msg).with_path(&reference.id)));
    }

    /// Whether every reference this adapter gives is a whole file holding
    /// one recording, so that listing them needs no reading. The default,
    /// `true`, suits adapters whose references are single recordings.
    fn holds_one(&self) -> bool {
        true
    }
}

/// Whether `hint` (trimmed, case-insensitive) is one of `hints`. An empty hint never matches.
///
/// As Go's `strings.EqualFold(t, strings.ToLower(strings.TrimSpace(hint)))`:
/// `SESSİON` and `ſession` match `session` (exact for ASCII names).
pub fn matches_type_hint(hint: &str, hints: &[&str]) -> bool {
    let h = hint.trim();
    if h.is_empty() {
        return false;
    }
    hints.iter().any(|x| h.chars().map(|c| fold_char(go_lower(c))).eq(x.chars().map(fold_char)))
}

/// Whether `source` ends with one of `suffixes`, both lowercased as Go's
/// `strings.ToLower` does (so `X.RECORDİNG.JSON` matches `.recording.json`).
pub fn has_extension(source: &str, suffixes: &[&str]) -> bool {
    suffixes.iter().any(|x| {
        let n = x.chars().count();
        source.chars().rev().take(n).map(go_lower).eq(x.chars().rev().map(go_lower))
    })
}

/// Go's `unicode.ToLower` (a simple mapping): Rust's, except that U+0130
/// `İ` becomes `i` instead of `i` plus a combining dot.
fn go_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// One representative per case-folding class, as Go's `strings.EqualFold`
/// compares letters (exact for ASCII names): `ſ` ~ `s`, Kelvin sign ~ `k`;
/// the Turkish dotted and dotless I fold only to themselves.
fn fold_char(c: char) -> char {
    match c {
        '\u{17F}' => 's',
        '\u{130}' | '\u{131}' => c,
        c => go_lower(c),
    }
}

/// A built-in file adapter: its hints, suffixes and parser.
#[derive(Debug, Clone, Copy)]
pub struct FileAdapter {
    name: &'static str,
    hints: &'static [&'static str],
    suffixes: &'static [&'static str],
    parser: Parser,
}

/// The session recording adapter (`*.recording.json`, `*.jsonl`; hints
/// `session`, `recording`, `session_recording`). It reads the adapter-native
/// shape and every shape PromptKit's recorder writes.
pub const SESSION: FileAdapter = FileAdapter {
    name: "session",
    hints: &["session", "recording", "session_recording"],
    suffixes: &[".recording.json", ".jsonl"],
    parser: Parser::Session,
};

/// The Arena output adapter (`*.arena-output.json`, `*.arena.json`; hints `arena`, `arena_output`, `scenario_output`).
pub const ARENA_OUTPUT: FileAdapter = FileAdapter {
    name: "arena_output",
    hints: &["arena", "arena_output", "scenario_output"],
    suffixes: &[".arena-output.json", ".arena.json"],
    parser: Parser::ArenaOutput,
};

/// The transcript YAML adapter (`*.transcript.yaml`, `*.transcript.yml`; hints `transcript`, `yaml`).
pub const TRANSCRIPT: FileAdapter = FileAdapter {
    name: "transcript",
    hints: &["transcript", "yaml"],
    suffixes: &[".transcript.yaml", ".transcript.yml"],
    parser: Parser::Transcript,
};

/// The content-sniffing adapter (hint `generic`; any `*.json` that an earlier
/// adapter's suffix does not claim, such as `promptarena run`'s
/// `<RunID>.json`). It detects the format from the file's content; register
/// it after the adapters whose suffixes it would otherwise shadow.
pub const GENERIC: FileAdapter =
    FileAdapter { name: "generic", hints: &["generic"], suffixes: &[".json"], parser: Parser::Auto };

/// OpenAI chat files (hints `openai_chat`, `openai`, `chat`; no suffix:
/// `.jsonl` and `.json` files are recognised by content, FORMATS-MORE.md 1.2).
pub const OPENAI_CHAT: FileAdapter = FileAdapter {
    name: "openai_chat",
    hints: &["openai_chat", "openai", "chat"],
    suffixes: &[],
    parser: Parser::OpenAiChat,
};

/// OpenAI Batch API request and result files (hints `openai_batch`, `batch`; found by content).
pub const OPENAI_BATCH: FileAdapter = FileAdapter {
    name: "openai_batch",
    hints: &["openai_batch", "batch"],
    suffixes: &[],
    parser: Parser::OpenAiBatch,
};

/// ShareGPT datasets (hint `sharegpt`; found by content).
pub const SHAREGPT: FileAdapter =
    FileAdapter { name: "sharegpt", hints: &["sharegpt"], suffixes: &[], parser: Parser::ShareGpt };

/// inspect_ai eval logs (`*.eval` zip archives; hints `inspect`, `inspect_ai`;
/// `.json` logs are found by content).
pub const INSPECT: FileAdapter = FileAdapter {
    name: "inspect",
    hints: &["inspect", "inspect_ai"],
    suffixes: &[".eval"],
    parser: Parser::Inspect,
};

/// OpenTelemetry GenAI traces in OTLP JSON (hints `otel_genai`, `otel`,
/// `otlp`; found by content).
pub const OTEL_GENAI: FileAdapter = FileAdapter {
    name: "otel_genai",
    hints: &["otel_genai", "otel", "otlp"],
    suffixes: &[],
    parser: Parser::OtelGenai,
};

impl FileAdapter {
    /// The hints this adapter accepts.
    pub fn hints(&self) -> &'static [&'static str] {
        self.hints
    }

    /// The file suffixes this adapter claims.
    pub fn suffixes(&self) -> &'static [&'static str] {
        self.suffixes
    }

    /// The hint stamped on enumerated references.
    pub fn canonical_hint(&self) -> &'static str {
        self.name
    }

    /// The parser for this adapter's files.
    pub fn parser(&self) -> Parser {
        self.parser
    }
}

impl RecordingAdapter for FileAdapter {
    fn name(&self) -> &str {
        self.name
    }

    fn can_handle(&self, source: &str, type_hint: &str) -> bool {
        matches_type_hint(type_hint, self.hints) || has_extension(source, self.suffixes)
    }

    /// Expands the source into files, and files that hold many recordings
    /// into one reference per recording (which reads them).
    fn enumerate(&self, source: &str) -> Result<Vec<RecordingReference>> {
        let files = enumerate_files(source, self.name)?;
        let mut loader = Loader::new();
        let mut refs = Vec::with_capacity(files.len());
        for file in files {
            expand_into(self, &file, &mut loader, &mut refs);
        }
        Ok(refs)
    }

    fn load(&self, reference: &RecordingReference) -> Result<(Vec<Message>, Metadata)> {
        let mut loader = Loader::new();
        let rec = self.load_into(reference, &mut loader)?;
        Ok(crate::owned::to_owned(&rec))
    }

    /// Loads the recording the reference names: the file's only one, or the
    /// one its fragment names (the file is parsed, the others are dropped).
    fn load_into<'l>(&self, reference: &RecordingReference, loader: &'l mut Loader) -> Result<Recording<'l>> {
        let path = Path::new(reference.path());
        let Some(wanted) = reference.fragment.as_deref() else {
            if self.parser.holds_one() {
                return loader.load_file(path, self.parser);
            }
            return only_recording(loader, path, self.parser);
        };
        let mut found = None;
        let mut whole_error = None;
        loader.load_file_each(path, self.parser, |piece, r| match piece.fragment {
            Some(f) if f == wanted && found.is_none() => found = Some(r),
            None => {
                if let Err(e) = r {
                    whole_error.get_or_insert(e);
                }
            }
            _ => {}
        });
        match (found, whole_error) {
            (Some(r), _) => r,
            (None, Some(e)) => Err(e),
            (None, None) => Err(Error::new(
                ErrorKind::NoMatch,
                format!("{}: the file holds no recording #{wanted}", path.display()),
            )
            .with_path(path)),
        }
    }

    fn load_each_into<'l>(
        &self,
        reference: &RecordingReference,
        loader: &'l mut Loader,
        each: &mut dyn FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        loader.load_file_each(Path::new(reference.path()), self.parser, each);
    }

    fn load_bytes_each_into<'l>(
        &self,
        _reference: &RecordingReference,
        bytes: &[u8],
        loader: &'l mut Loader,
        each: &mut dyn FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        loader.load_bytes_each(bytes, self.parser, each);
    }

    fn holds_one(&self) -> bool {
        self.parser.holds_one()
    }
}

/// The one recording of a file (for a reference without a fragment to a
/// file that may hold many): an error naming the count when it holds more.
fn only_recording<'l>(loader: &'l mut Loader, path: &Path, parser: Parser) -> Result<Recording<'l>> {
    let mut first = None;
    let mut more = 0usize;
    loader.load_file_each(path, parser, |piece, r| {
        if first.is_none() {
            first = Some((piece.fragment.is_some(), r));
        } else {
            more += 1;
        }
    });
    match first {
        Some((false, r)) if more == 0 => r,
        Some((_, _)) => Err(Error::new(
            ErrorKind::Shape,
            format!(
                "the file holds {} recordings: name one with a fragment (path#L<n>, path#item=<i>, ...)",
                more + 1
            ),
        )
        .with_path(path)),
        None => Err(Error::new(ErrorKind::Internal, "no result").with_path(path)),
    }
}

/// Appends the references of the recordings `file` holds: itself when it
/// holds one (or fails as a whole), else one per recording.
pub(crate) fn expand_into(
    adapter: &dyn RecordingAdapter,
    file: &RecordingReference,
    loader: &mut Loader,
    out: &mut Vec<RecordingReference>,
) {
    adapter.load_each_into(file, loader, &mut |piece, _| match piece.fragment {
        Some(f) => out.push(file.with_fragment(f, piece.format.and_then(|f| f.type_hint()))),
        None => {
            let mut r = file.clone();
            if let Some(h) = piece.format.and_then(|f| f.type_hint()) {
                r.type_hint = h.to_owned();
            }
            out.push(r);
        }
    });
}

/// Expands a source into file references (PromptKit `EnumerateFiles`).
///
/// A literal path gives one reference without checking that it exists (a
/// missing file is reported by the load). A glob is expanded by the crate's
/// one glob implementation (see the `walk` module: `**` is recursive, only
/// files are returned, never directories, `.` and `..` are never matched,
/// hidden files match, a broken link is returned so its load reports it,
/// results are sorted); no match is an error. Like Go's `filepath.Glob`,
/// directories that cannot be read are passed over here; the corpus engine
/// ([`crate::Corpus`]) reports them.
pub fn enumerate_files(source: &str, type_hint: &str) -> Result<Vec<RecordingReference>> {
    let reference = |id: String| RecordingReference {
        id,
        fragment: None,
        source: source.to_owned(),
        type_hint: type_hint.to_owned(),
        metadata: BTreeMap::new(),
    };
    if !is_glob_pattern(source) {
        return Ok(vec![reference(source.to_owned())]);
    }
    let mut found = Vec::new();
    walk::glob(source, &mut found, &mut Vec::new())?;
    if found.is_empty() {
        return Err(Error::new(ErrorKind::NoMatch, format!("no files matched glob pattern: {source}")));
    }
    let mut refs: Vec<RecordingReference> =
        found.into_iter().map(|f| reference(f.path.to_string_lossy().into_owned())).collect();
    refs.sort_by(|a, b| a.id.cmp(&b.id));
    refs.dedup_by(|a, b| a.id == b.id);
    Ok(refs)
}

/// The extension the reference names in "no adapter" errors: everything from
/// the last `.` of the last path element (empty when there is none).
fn ext_of(source: &str) -> &str {
    let base = source.rsplit('/').next().unwrap_or(source);
    base.rfind('.').map_or("", |i| &base[i..])
}

/// An ordered set of adapters (PromptKit `Registry`).
pub struct Registry {
    adapters: RwLock<Vec<std::sync::Arc<dyn RecordingAdapter>>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    /// A registry with the built-in adapters, in order: session, Arena
    /// output, transcript, then the content-sniffing [`GENERIC`] adapter, after
    /// them so that its `.json` suffix only takes files no other suffix
    /// claims; then the formats beyond PromptKit's ([`OPENAI_CHAT`],
    /// [`OPENAI_BATCH`], [`SHAREGPT`], [`INSPECT`], [`OTEL_GENAI`]), which
    /// claim files by hint (and `.eval`); without a hint their `.jsonl` and
    /// `.json` files are recognised by content through the session and
    /// generic adapters.
    pub fn new() -> Registry {
        let r = Registry::new_empty();
        r.register(SESSION);
        r.register(ARENA_OUTPUT);
        r.register(TRANSCRIPT);
        r.register(GENERIC);
        r.register(OPENAI_CHAT);
        r.register(OPENAI_BATCH);
        r.register(SHAREGPT);
        r.register(INSPECT);
        r.register(OTEL_GENAI);
        r
    }

    /// A registry with no adapters.
    pub fn new_empty() -> Registry {
        Registry { adapters: RwLock::new(Vec::new()) }
    }

    /// Appends an adapter; adapters are tried in registration order.
    pub fn register(&self, adapter: impl RecordingAdapter + 'static) {
        self.adapters.write().unwrap_or_else(|e| e.into_inner()).push(std::sync::Arc::new(adapter));
    }

    /// Number of registered adapters.
    pub fn len(&self) -> usize {
        self.adapters.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no adapter is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The adapter for `path` and `type_hint`, or `None`.
    ///
    /// An explicit hint is authoritative: the first adapter that accepts the
    /// hint by itself wins, before any suffix is looked at (the reference let
    /// an earlier adapter's suffix override a later adapter's hint). A hint no
    /// adapter knows falls back to suffix routing, as in the reference.
    pub fn find_adapter(&self, path: &str, type_hint: &str) -> Option<std::sync::Arc<dyn RecordingAdapter>> {
        let adapters = self.adapters.read().unwrap_or_else(|e| e.into_inner());
        if !type_hint.trim().is_empty() {
            if let Some(a) = adapters.iter().find(|a| a.can_handle("", type_hint)) {
                return Some(a.clone());
            }
        }
        adapters.iter().find(|a| a.can_handle(path, type_hint)).cloned()
    }

    fn route(
        &self,
        source: &str,
        type_hint: &str,
        what: &str,
    ) -> Result<std::sync::Arc<dyn RecordingAdapter>> {
        self.find_adapter(source, type_hint).ok_or_else(|| {
            let msg = if type_hint.is_empty() {
                format!("no adapter found for file extension '{}' ({what}: {source})", ext_of(source))
            } else {
                format!("no adapter found for type hint '{type_hint}' ({what}: {source})")
            };
            Error::new(ErrorKind::NoAdapter, msg)
        })
    }

    /// Expands a source with the adapter that handles it.
    pub fn enumerate(&self, source: &str, type_hint: &str) -> Result<Vec<RecordingReference>> {
        self.route(source, type_hint, "source")?.enumerate(source)
    }

    /// Loads a reference as owned data (the Go signature).
    pub fn load(&self, reference: &RecordingReference) -> Result<(Vec<Message>, Metadata)> {
        self.route(reference.path(), &reference.type_hint, "ref")?.load(reference)
    }

    /// Loads a reference into `loader`, borrowing from it (the zero-copy path).
    pub fn load_into<'l>(
        &self,
        reference: &RecordingReference,
        loader: &'l mut Loader,
    ) -> Result<Recording<'l>> {
        self.route(reference.path(), &reference.type_hint, "ref")?.load_into(reference, loader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Go: strings.EqualFold(t, strings.ToLower(strings.TrimSpace(hint))).
    #[test]
    fn hints_fold_like_go() {
        let h = SESSION.hints();
        for yes in
            ["session", " SESSION\t", "\u{a0}Session\u{3000}", "SESS\u{130}ON", "\u{17F}ession", "recording"]
        {
            assert!(matches_type_hint(yes, h), "{yes:?}");
        }
        for no in ["", "  ", "sess\u{131}on", "sessions", "sessi\u{307}on", "json"] {
            assert!(!matches_type_hint(no, h), "{no:?}");
        }
    }

    // Go's filepath.Glob lists names with ReadDir: never `.` or `..`.
    #[test]
    fn globs_never_match_dot_entries() {
        let root = std::env::temp_dir().join(format!("arena-recordings-dotglob-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("d/.hh")).unwrap();
        for f in ["top.recording.json", "d/a.recording.json", "d/.x.recording.json", "d/.hh/b.recording.json"]
        {
            std::fs::write(root.join(f), b"{}").unwrap();
        }
        let r = root.display();
        let ids = |pattern: &str| -> Result<Vec<String>> {
            let refs = enumerate_files(pattern, "session")?;
            Ok(refs
                .into_iter()
                .map(|r| r.id.trim_start_matches(&root.display().to_string()).to_owned())
                .collect())
        };
        assert_eq!(ids(&format!("{r}/d/.*")).unwrap(), ["/d/.x.recording.json"]);
        assert_eq!(ids(&format!("{r}/d/.*/*.recording.json")).unwrap(), ["/d/.hh/b.recording.json"]);
        assert_eq!(ids(&format!("{r}/d/.?/*.recording.json")).unwrap_err().kind(), ErrorKind::NoMatch);
        assert_eq!(ids(&format!("{r}/d/.?/.?/*.recording.json")).unwrap_err().kind(), ErrorKind::NoMatch);
        // A literal `..` is a path like any other.
        assert_eq!(ids(&format!("{r}/d/../*.recording.json")).unwrap(), ["/d/../top.recording.json"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    // Go: strings.HasSuffix(strings.ToLower(path), strings.ToLower(ext)).
    #[test]
    fn suffixes_fold_like_go() {
        let s = SESSION.suffixes();
        for yes in ["x.recording.json", "X.RECORDING.JSON", "x.RECORD\u{130}NG.json", "dir/*.recording.json"]
        {
            assert!(has_extension(yes, s), "{yes:?}");
        }
        for no in ["x.json", "x.recording.json?x", "x.record\u{131}ng.json", ".recording.jso", ""] {
            assert!(!has_extension(no, s), "{no:?}");
        }
    }
}
