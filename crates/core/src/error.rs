//! One error type for every failure: I/O, syntax, wrong types, routing.
//!
//! Parsers record only a byte offset on the hot path; the line and column are
//! computed from the original bytes when the error is reported
//! ([`Error::locate`]), never while parsing succeeds.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong, broadly. Match on this, not on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be opened or read (missing, a directory, permissions).
    Io,
    /// The bytes are not well-formed JSON or YAML.
    Syntax,
    /// A well-formed value has the wrong type for its field (a number where a
    /// string belongs, an object where a list belongs).
    Type,
    /// A value of the right type is not valid for its field (a bad RFC 3339
    /// timestamp, an integer out of range).
    Value,
    /// The input is not UTF-8, or a string escape is not a valid code point.
    Utf8,
    /// The document parses but is not a recording of the expected format.
    Shape,
    /// No registered adapter claims the source or type hint.
    NoAdapter,
    /// A glob pattern is malformed.
    Glob,
    /// A source matched no file.
    NoMatch,
    /// A configured limit (file size, nesting depth, alias budget) was exceeded.
    Limit,
    /// A bug: an adapter panicked on this input (the corpus engine catches it).
    Internal,
    /// A recorded API request failed (an OpenAI Batch result line with an
    /// error, no response, or a status other than 200).
    FailedRequest,
}

impl ErrorKind {
    /// A short stable name, as written in JSON error reports (`"syntax"`, `"type"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Syntax => "syntax",
            ErrorKind::Type => "type",
            ErrorKind::Value => "value",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::Shape => "shape",
            ErrorKind::NoAdapter => "no_adapter",
            ErrorKind::Glob => "glob",
            ErrorKind::NoMatch => "no_match",
            ErrorKind::Limit => "limit",
            ErrorKind::Internal => "internal",
            ErrorKind::FailedRequest => "failed_request",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in a file an error is: byte offset plus 1-based line and column
/// (the column counts bytes, like most compilers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset from the start of the file.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
}

impl Position {
    /// Computes line and column of `offset` in `bytes` (clamped to its length).
    pub fn of_offset(bytes: &[u8], offset: usize) -> Position {
        let offset = offset.min(bytes.len());
        let head = &bytes[..offset];
        let line = memchr::memchr_iter(b'\n', head).count() + 1;
        let line_start = memchr::memrchr(b'\n', head).map_or(0, |i| i + 1);
        Position { offset, line, column: offset - line_start + 1 }
    }
}

/// The error type of the crate. It is one pointer wide so `Result`s stay small.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    path: Option<PathBuf>,
    offset: Option<usize>,
    position: Option<Position>,
    expected: Option<Cow<'static, str>>,
    found: Option<Cow<'static, str>>,
    message: Cow<'static, str>,
    source: Option<io::Error>,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a free-form message.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error(Box::new(Inner {
            kind,
            path: None,
            offset: None,
            position: None,
            expected: None,
            found: None,
            message: message.into(),
            source: None,
        }))
    }

    /// An error "expected `expected`, found `found`" (the message may name the field).
    pub(crate) fn expected(
        kind: ErrorKind,
        expected: impl Into<Cow<'static, str>>,
        found: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Error {
        let mut e = Error::new(kind, message);
        e.0.expected = Some(expected.into());
        e.0.found = Some(found.into());
        e
    }

    /// An I/O error about `path`.
    pub fn io(path: &Path, err: io::Error) -> Error {
        let message = format!("cannot read: {err}");
        let mut e = Error::new(ErrorKind::Io, message);
        e.0.path = Some(path.to_path_buf());
        e.0.source = Some(err);
        e
    }

    /// Attaches the byte offset at which the error was found.
    pub(crate) fn at(mut self, offset: usize) -> Error {
        self.0.offset = Some(offset);
        self
    }

    /// Moves a recorded offset by `base` bytes (for errors found in one line
    /// of a JSON Lines file, whose offsets are relative to the line).
    pub(crate) fn shift(mut self, base: usize) -> Error {
        if let Some(off) = self.0.offset.as_mut() {
            *off += base;
        }
        self
    }

    /// Prefixes the message with `context` (`"<context>: <message>"`).
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Error {
        self.0.message = Cow::Owned(format!("{context}: {}", self.0.message));
        self
    }

    /// Attaches the file the error belongs to (kept if one is already set).
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Error {
        if self.0.path.is_none() {
            self.0.path = Some(path.into());
        }
        self
    }

    /// Computes line and column of the recorded offset against the original
    /// bytes of the file. Cheap to call more than once; a no-op without an offset.
    pub fn locate(mut self, original: &[u8]) -> Error {
        if let (Some(off), None) = (self.0.offset, self.0.position) {
            self.0.position = Some(Position::of_offset(original, off));
        }
        self
    }

    /// Sets a position directly (for parsers that track lines themselves).
    pub fn at_position(mut self, position: Position) -> Error {
        self.0.offset = Some(position.offset);
        self.0.position = Some(position);
        self
    }

    /// The broad class of the error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Whether this is an I/O error.
    pub fn is_io(&self) -> bool {
        self.0.kind == ErrorKind::Io
    }

    /// The file the error is about, when known.
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// Byte offset in the file, when known.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }

    /// Line and column, when the error has been located.
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }

    /// What the parser expected at that point, when it says.
    pub fn expected_what(&self) -> Option<&str> {
        self.0.expected.as_deref()
    }

    /// What the parser found instead, when it says.
    pub fn found(&self) -> Option<&str> {
        self.0.found.as_deref()
    }

    /// The message without the path and position prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The underlying I/O error, for [`ErrorKind::Io`].
    pub fn io_error(&self) -> Option<&io::Error> {
        self.0.source.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.0.path {
            write!(f, "{}:", p.display())?;
            match (self.0.position, self.0.offset) {
                (Some(pos), _) => write!(f, "{}:{}:", pos.line, pos.column)?,
                (None, Some(off)) => write!(f, "byte {off}:")?,
                _ => {}
            }
            f.write_str(" ")?;
        } else if let Some(pos) = self.0.position {
            write!(f, "{}:{}: ", pos.line, pos.column)?;
        }
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("path", &self.0.path)
            .field("offset", &self.0.offset)
            .field("position", &self.0.position)
            .field("message", &self.0.message)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|e| e as _)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_line_column() {
        let src = b"{\n  \"role\": 12\n}";
        let e = Error::expected(
            ErrorKind::Type,
            "a string",
            "a number",
            "expected a string for \"role\", found a number",
        )
        .at(12)
        .with_path("conv.recording.json")
        .locate(src);
        assert_eq!(e.to_string(), "conv.recording.json:2:11: expected a string for \"role\", found a number");
        assert_eq!(e.position().unwrap().line, 2);
        assert_eq!(e.kind(), ErrorKind::Type);
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
