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

use std::cell::RefCell;

use bumpalo::Bump;
use simd_json::{Buffers, Node, StaticNode, Tape};

use crate::error::{Error, ErrorKind, Result};
use crate::model::RawJson;
use crate::time::Timestamp;

/// Go's maximum JSON nesting depth; deeper input is a [`ErrorKind::Limit`] error.
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

/// Builds the user-facing error for input that simd-json rejected, using
/// `original` (the unmodified bytes) to find the exact position and wording.
/// `max_depth` is the nesting limit the parser ran with.
pub(crate) fn syntax_error(original: &[u8], simd: &simd_json::Error, max_depth: usize) -> Error {
    use simd_json::ErrorType as T;
    // A leading BOM is whitespace to the parser: look at the text after it,
    // but report offsets in the file.
    let skip = if original.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = &original[skip..];
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Error::new(ErrorKind::Syntax, "unexpected end of JSON input: the file is empty")
            .at(original.len());
    }
    if matches!(simd.error(), T::DepthLimitExceeded) {
        let msg = format!("JSON nesting deeper than the limit of {max_depth} levels");
        return Error::expected(
            ErrorKind::Limit,
            format!("at most {max_depth} levels"),
            "deeper nesting",
            msg,
        )
        .at(simd.index());
    }
    if let Err(e) = std::str::from_utf8(original) {
        return Error::expected(
            ErrorKind::Utf8,
            "UTF-8 text",
            "invalid UTF-8",
            "invalid UTF-8 in JSON input",
        )
        .at(e.valid_up_to());
    }
    // serde_json is an independent, careful scalar validator: it gives the
    // exact line and column and a clear message for what simd-json rejected.
    // It skips strings and numbers without decoding them, so, as in Go (which
    // checks the whole syntax before decoding), a syntax error anywhere wins
    // over a lone surrogate or an out-of-range number, which are left to
    // `simd_error`.
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Err(e) if !e.to_string().starts_with("recursion limit exceeded") => {
            let msg = e.to_string();
            let offset = if e.classify() == serde_json::error::Category::Eof {
                // The text stops in the middle of a value: the error is at its end.
                original.len()
            } else if msg.starts_with("invalid number") && number_runs_to_end(body, e.line(), e.column()) {
                // `1.` or `1e` cut off by the end of the text.
                original.len()
            } else if msg.starts_with("control character") || msg.starts_with("invalid escape") {
                // serde_json's column is one off for these: find the byte.
                first_string_error(original).unwrap_or(skip + offset_of_line_col(body, e.line(), e.column()))
            } else {
                skip + offset_of_line_col(body, e.line(), e.column())
            };
            let msg = match msg.rfind(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            let kind = if msg.contains("unicode") || msg.contains("surrogate") {
                ErrorKind::Utf8
            } else {
                ErrorKind::Syntax
            };
            Error::new(kind, format!("invalid JSON: {msg}")).at(offset)
        }
        _ => simd_error(original, simd),
    }
}

/// The error for what simd-json rejected and serde_json could not place
/// (lone surrogates, numbers beyond the float64 range, or anything in text
/// nested deeper than serde's limit).
#[cold]
fn simd_error(original: &[u8], simd: &simd_json::Error) -> Error {
    use simd_json::ErrorType as T;
    let at = simd.index().min(original.len());
    if matches!(simd.error(), T::InvalidUnicodeCodepoint) {
        if let Some(e) = bad_unicode_escape(original) {
            return e;
        }
    }
    if matches!(simd.error(), T::InvalidNumber | T::InvalidExponent) {
        let text = number_at(original, at);
        if text.parse::<f64>().is_ok_and(f64::is_infinite) {
            let text = truncate(text, 64).to_owned();
            let msg = format!("number {text} is out of the float64 range");
            return Error::expected(ErrorKind::Value, "a number within the float64 range", text, msg).at(at);
        }
    }
    Error::new(ErrorKind::Syntax, format!("invalid JSON: {}", describe(simd.error()))).at(at)
}

/// Words for simd-json's error types (used when serde_json cannot say more).
fn describe(t: &simd_json::ErrorType) -> &'static str {
    use simd_json::ErrorType as T;
    match t {
        T::ExpectedArrayComma => "expected `,` or `]`",
        T::ExpectedMapComma => "expected `,` or `}`",
        T::ExpectedObjectColon => "expected `:`",
        T::ExpectedMapEnd => "expected `}`",
        T::KeyMustBeAString | T::ExpectedObjectKey => "key must be a string",
        T::InvalidNumber | T::InvalidExponent => "invalid number",
        T::InvalidEscape => "invalid escape",
        T::InvalidUnicodeEscape | T::InvalidUnicodeCodepoint => "invalid \\u escape",
        T::InvalidUtf8 => "invalid UTF-8",
        T::TrailingData => "trailing characters",
        T::UnterminatedString => "unterminated string",
        T::Eof => "unexpected end of JSON input",
        T::UnexpectedCharacter | T::ExpectedArrayContent | T::ExpectedObjectContent => "unexpected character",
        _ => "not valid JSON",
    }
}

/// The JSON number text starting at `at` (empty if there is none).
fn number_at(bytes: &[u8], at: usize) -> &str {
    let rest = &bytes[at..];
    let n = rest.iter().take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).count();
    std::str::from_utf8(&rest[..n]).unwrap_or("")
}

/// The offset of the first byte that cannot appear where it is inside a
/// string: a control character, the character after a `\` that is not an
/// escape, or a non-hex digit of a `\u` escape (where Go points too).
fn first_string_error(original: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut in_string = false;
    while i < original.len() {
        let b = original[i];
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = false,
            0..=0x1f => return Some(i),
            b'\\' => {
                match original.get(i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = original.get(i + 2..).unwrap_or_default();
                        if let Some(j) = hex.iter().take(4).position(|c| !c.is_ascii_hexdigit()) {
                            return Some(i + 2 + j);
                        }
                        i += 4;
                    }
                    _ => return Some(i + 1),
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Finds the first `\u` escape in a string of `original` that is not a
/// Unicode scalar value: a lone high or low surrogate. Go substitutes U+FFFD
/// for it; we report it, since the text cannot be represented exactly.
fn bad_unicode_escape(original: &[u8]) -> Option<Error> {
    fn hex4(b: &[u8]) -> Option<u32> {
        let s = std::str::from_utf8(b.get(..4)?).ok()?;
        u32::from_str_radix(s, 16).ok().filter(|_| s.bytes().all(|c| c.is_ascii_hexdigit()))
    }
    let mut i = 0;
    let mut in_string = false;
    while i < original.len() {
        match original[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if original.get(i + 1) == Some(&b'u') {
                    let cp = hex4(&original[i + 2..])?;
                    let paired = (0xD800..0xDC00).contains(&cp)
                        && original.get(i + 6..i + 8) == Some(b"\\u")
                        && hex4(&original[i + 8..]).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
                    if paired {
                        i += 12;
                        continue;
                    }
                    if (0xD800..0xE000).contains(&cp) {
                        let found = format!("\\u{cp:04x}");
                        let msg = format!("invalid JSON: lone UTF-16 surrogate {found} in a string escape");
                        return Some(
                            Error::expected(ErrorKind::Utf8, "a Unicode scalar value", found, msg).at(i),
                        );
                    }
                    i += 6;
                    continue;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the number serde_json stopped in runs to the end of the text.
fn number_runs_to_end(original: &[u8], line: usize, column: usize) -> bool {
    let at = offset_of_line_col(original, line, column);
    let start = original[..at].iter().rposition(|b| !is_number_byte(*b)).map_or(0, |i| i + 1);
    start < original.len() && original[start..].iter().all(|b| is_number_byte(*b))
}

fn is_number_byte(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
}

fn offset_of_line_col(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

/// Decoding context: the tape, the structural indexes, and the arena.
pub(crate) struct Cx<'t, 'a> {
    nodes: &'t [Node<'a>],
    structurals: &'t [u32],
    pub(crate) bump: &'a Bump,
    scratch: RefCell<Scratch>,
    /// [`Limits::max_arena_bytes`](crate::Limits::max_arena_bytes).
    max_arena: usize,
}

/// Reusable memory for building raw JSON text; kept by the loader across
/// files so that steady-state loads allocate nothing outside the arena.
#[derive(Default)]
pub(crate) struct Scratch {
    text: String,
    frames: Vec<Frame>,
}

/// ASCII case-insensitive key match, as Go's decoder does for struct fields.
///
/// Go also folds two non-ASCII letters onto ASCII ones (U+017F `ſ` ~ `s`,
/// U+212A `K` ~ `k`); we do not: checking for them cost about 4% of load
/// throughput on the corpus, for keys no encoder writes (COMPATIBILITY.md).
///
/// Files almost always use the exact case, so an exact comparison (a few
/// instructions once `name` is a constant) runs first and the folding loop
/// only when the bytes differ.
#[inline(always)]
pub(crate) fn key_is(key: &str, name: &str) -> bool {
    let (k, n) = (key.as_bytes(), name.as_bytes());
    k.len() == n.len()
        && (k == n
            // Keys of one length mostly differ in their first letter: reject
            // those before the folding loop.
            || (k.first().map(|b| b | 0x20) == n.first().map(|b| b | 0x20) && fold_eq(k, n)))
}

#[cold]
#[inline(never)]
fn fold_eq(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Iterator over an object's `(key, value index)` pairs.
pub(crate) struct Obj<'t, 'a> {
    nodes: &'t [Node<'a>],
    i: usize,
    remaining: usize,
}

impl Obj<'_, '_> {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.remaining
    }
}

impl<'a> Iterator for Obj<'_, 'a> {
    type Item = (&'a str, usize);
    #[inline]
    fn next(&mut self) -> Option<(&'a str, usize)> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let key = match self.nodes.get(self.i) {
            Some(Node::String(s)) => *s,
            _ => "",
        };
        let v = self.i + 1;
        self.i = next_index(self.nodes, v);
        Some((key, v))
    }
}

/// Iterator over an array's value indexes.
pub(crate) struct Arr<'t, 'a> {
    nodes: &'t [Node<'a>],
    i: usize,
    remaining: usize,
}

impl Arr<'_, '_> {
    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.remaining
    }
}

impl Iterator for Arr<'_, '_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let v = self.i;
        self.i = next_index(self.nodes, v);
        Some(v)
    }
}

#[inline]
fn next_index(nodes: &[Node<'_>], i: usize) -> usize {
    match nodes.get(i) {
        Some(Node::Object { count, .. } | Node::Array { count, .. }) => i + count + 1,
        _ => i + 1,
    }
}

fn type_name(n: Option<&Node<'_>>) -> &'static str {
    match n {
        Some(Node::String(_)) => "a string",
        Some(Node::Object { .. }) => "an object",
        Some(Node::Array { .. }) => "an array",
        Some(Node::Static(StaticNode::Bool(_))) => "a boolean",
        Some(Node::Static(StaticNode::Null)) | None => "null",
        Some(Node::Static(_)) => "a number",
    }
}

impl<'t, 'a> Cx<'t, 'a> {
    pub(crate) fn new(
        tape: &'t Tape<'a>,
        buffers: &'t Buffers,
        bump: &'a Bump,
        scratch: Scratch,
        max_arena: usize,
    ) -> Self {
        Cx {
            nodes: &tape.0,
            structurals: buffers.structural_indexes(),
            bump,
            scratch: RefCell::new(scratch),
            max_arena,
        }
    }

    /// Fails with a `limit` error at node `i` when the arena, with `bytes`
    /// more, would pass [`Limits::max_arena_bytes`](crate::Limits::max_arena_bytes).
    #[inline]
    pub(crate) fn check_arena(&self, i: usize, bytes: usize) -> Result<()> {
        if crate::limits::arena_used(self.bump).saturating_add(bytes) > self.max_arena {
            return Err(self.arena_limit(i));
        }
        Ok(())
    }

    /// `n` copies of `value` in the arena, within the arena budget (the
    /// array at node `i` is blamed when the budget is exceeded).
    pub(crate) fn alloc_items<T: Copy>(&self, i: usize, n: usize, value: T) -> Result<&'a mut [T]> {
        self.check_arena(i, n.saturating_mul(std::mem::size_of::<T>()))?;
        Ok(self.bump.alloc_slice_fill_copy(n, value))
    }

    #[cold]
    fn arena_limit(&self, i: usize) -> Error {
        let msg = format!(
            "the recording needs more than {} bytes of arena memory (the max_arena_bytes limit)",
            self.max_arena
        );
        Error::new(ErrorKind::Limit, msg).at(self.offset_of(i))
    }

    /// Gives the scratch memory back for the next document.
    pub(crate) fn into_scratch(self) -> Scratch {
        self.scratch.into_inner()
    }

    /// Index of the root value.
    pub(crate) fn root(&self) -> usize {
        0
    }

    #[inline]
    fn node(&self, i: usize) -> Option<&Node<'a>> {
        self.nodes.get(i)
    }

    /// Whether the value at `i` is `null`.
    #[inline]
    pub(crate) fn is_null(&self, i: usize) -> bool {
        matches!(self.node(i), Some(Node::Static(StaticNode::Null)))
    }

    /// Builds a "wrong type" error for the value at `i`.
    #[cold]
    pub(crate) fn type_err(&self, i: usize, expected: &'static str, field: &str) -> Error {
        let found = type_name(self.node(i));
        Error::expected(
            ErrorKind::Type,
            expected,
            found,
            format!("expected {expected} for \"{field}\", found {found}"),
        )
        .at(self.offset_of(i))
    }

    /// Builds a "bad value" error for the value at `i`.
    #[cold]
    pub(crate) fn value_err(&self, i: usize, expected: &'static str, found: String, field: &str) -> Error {
        let msg = format!("expected {expected} for \"{field}\", found {found}");
        Error::expected(ErrorKind::Value, expected, found, msg).at(self.offset_of(i))
    }

    /// A string field: `Some` for a string, `None` for null, an error otherwise.
    #[inline]
    pub(crate) fn str(&self, i: usize, field: &str) -> Result<Option<&'a str>> {
        match self.node(i) {
            Some(Node::String(s)) => Ok(Some(*s)),
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "a string", field)),
        }
    }

    /// Sets `*slot` from a string field (null leaves it unchanged, as Go does).
    #[inline]
    pub(crate) fn set_str(&self, i: usize, field: &str, slot: &mut &'a str) -> Result<()> {
        if let Some(s) = self.str(i, field)? {
            *slot = s;
        }
        Ok(())
    }

    /// An integer field (Go `int`/`int64`): rejects fractions and exponents.
    pub(crate) fn int(&self, i: usize, field: &str) -> Result<Option<i64>> {
        match self.node(i) {
            Some(Node::Static(StaticNode::I64(v))) => Ok(Some(*v)),
            Some(Node::Static(StaticNode::U64(v))) => match i64::try_from(*v) {
                Ok(v) => Ok(Some(v)),
                Err(_) => Err(self.value_err(i, "an integer in the int64 range", v.to_string(), field)),
            },
            Some(Node::Static(StaticNode::F64(v))) => {
                Err(self.value_err(i, "an integer", format!("the number {v}"), field))
            }
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "an integer", field)),
        }
    }

    /// Sets `*slot` from an integer field (null leaves it unchanged).
    pub(crate) fn set_int(&self, i: usize, field: &str, slot: &mut i64) -> Result<()> {
        if let Some(v) = self.int(i, field)? {
            *slot = v;
        }
        Ok(())
    }

    /// A number field (Go `float64`).
    pub(crate) fn float(&self, i: usize, field: &str) -> Result<Option<f64>> {
        match self.node(i) {
            Some(Node::Static(StaticNode::I64(v))) => Ok(Some(*v as f64)),
            Some(Node::Static(StaticNode::U64(v))) => Ok(Some(*v as f64)),
            Some(Node::Static(StaticNode::F64(v))) => Ok(Some(*v)),
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "a number", field)),
        }
    }

    /// A boolean field.
    pub(crate) fn bool(&self, i: usize, field: &str) -> Result<Option<bool>> {
        match self.node(i) {
            Some(Node::Static(StaticNode::Bool(b))) => Ok(Some(*b)),
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "a boolean", field)),
        }
    }

    /// An object field: its entries, `None` for null, an error otherwise.
    #[inline]
    pub(crate) fn obj(&self, i: usize, field: &str) -> Result<Option<Obj<'t, 'a>>> {
        match self.node(i) {
            Some(Node::Object { len, .. }) => Ok(Some(Obj { nodes: self.nodes, i: i + 1, remaining: *len })),
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "an object", field)),
        }
    }

    /// An array field: its elements, `None` for null, an error otherwise.
    #[inline]
    pub(crate) fn arr(&self, i: usize, field: &str) -> Result<Option<Arr<'t, 'a>>> {
        match self.node(i) {
            Some(Node::Array { len, .. }) => {
                // No decoded list entry takes less than this many bytes of arena.
                const MIN_ITEM_BYTES: usize = 16;
                self.check_arena(i, len.saturating_mul(MIN_ITEM_BYTES))?;
                Ok(Some(Arr { nodes: self.nodes, i: i + 1, remaining: *len }))
            }
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "an array", field)),
        }
    }

    /// A list of strings (Go `[]string`): null clears it.
    pub(crate) fn str_list(&self, i: usize, field: &str) -> Result<&'a [&'a str]> {
        let Some(items) = self.arr(i, field)? else {
            return Ok(&[]);
        };
        let out = self.bump.alloc_slice_fill_copy(items.len(), "");
        for (slot, v) in out.iter_mut().zip(items) {
            self.set_str(v, field, slot)?;
        }
        Ok(out)
    }

    /// A `time.Time` field: RFC 3339 string, null leaves the zero time.
    pub(crate) fn time(&self, i: usize, field: &str) -> Result<Option<Timestamp>> {
        match self.node(i) {
            Some(Node::String(s)) => match Timestamp::parse_rfc3339(s) {
                Some(t) => Ok(Some(t)),
                None => {
                    Err(self.value_err(i, "an RFC 3339 timestamp", format!("{:?}", truncate(s, 64)), field))
                }
            },
            Some(Node::Static(StaticNode::Null)) => Ok(None),
            _ => Err(self.type_err(i, "an RFC 3339 timestamp string", field)),
        }
    }

    /// A string when the value is a string, otherwise its compact JSON text
    /// (tool arguments accept both).
    pub(crate) fn str_or_raw(&self, i: usize) -> RawJson<'a> {
        match self.node(i) {
            Some(Node::String(s)) => RawJson(s),
            _ => self.raw(i),
        }
    }

    /// The value at `i` as compact JSON text in the arena.
    pub(crate) fn raw(&self, i: usize) -> RawJson<'a> {
        let mut scratch = self.scratch.borrow_mut();
        let Scratch { text, frames } = &mut *scratch;
        text.clear();
        frames.clear();
        write_compact(self.nodes, i, text, frames);
        RawJson(self.bump.alloc_str(text))
    }

    /// Byte offset of the value at tape index `i` (error path only).
    #[cold]
    pub(crate) fn offset_of(&self, i: usize) -> usize {
        structural_of(self.nodes, i).and_then(|s| self.structurals.get(s)).map_or(0, |&o| o as usize)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

struct Frame {
    is_obj: bool,
    slots: usize,
    pos: usize,
}

/// Index into the structural list of the first structural of tape node `target`.
///
/// Every node starts at one structural; objects add a `:` per value, a `,`
/// between entries and a closing brace; arrays add commas and a bracket.
fn structural_of(nodes: &[Node<'_>], target: usize) -> Option<usize> {
    let mut s = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    for (j, node) in nodes.iter().enumerate().take(target + 1) {
        if let Some(top) = stack.last_mut() {
            // ':' before an object value, ',' before every later key or item.
            if top.pos > 0 {
                s += 1;
            }
            top.pos += 1;
        }
        if j == target {
            return Some(s);
        }
        s += 1;
        match node {
            Node::Object { len, .. } if *len > 0 => {
                stack.push(Frame { is_obj: true, slots: len * 2, pos: 0 });
                continue;
            }
            Node::Array { len, .. } if *len > 0 => {
                stack.push(Frame { is_obj: false, slots: *len, pos: 0 });
                continue;
            }
            Node::Object { .. } | Node::Array { .. } => s += 1,
            _ => {}
        }
        while stack.last().is_some_and(|f| f.pos == f.slots) {
            stack.pop();
            s += 1;
        }
    }
    None
}

/// Writes the subtree at `i` as compact JSON (standard escaping).
fn write_compact(nodes: &[Node<'_>], i: usize, out: &mut String, stack: &mut Vec<Frame>) {
    let end = next_index(nodes, i);
    for node in nodes.get(i..end).unwrap_or(&[]) {
        if let Some(top) = stack.last_mut() {
            if top.is_obj {
                if top.pos % 2 == 1 {
                    out.push(':');
                } else if top.pos > 0 {
                    out.push(',');
                }
            } else if top.pos > 0 {
                out.push(',');
            }
            top.pos += 1;
        }
        match node {
            Node::String(s) => crate::write::write_str_plain(out, s),
            Node::Static(StaticNode::Null) => out.push_str("null"),
            Node::Static(StaticNode::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Node::Static(StaticNode::I64(v)) => {
                if *v < 0 {
                    out.push('-');
                }
                push_u64(out, v.unsigned_abs());
            }
            Node::Static(StaticNode::U64(v)) => push_u64(out, *v),
            Node::Static(StaticNode::F64(v)) => crate::write::go::write_f64(out, *v),
            #[allow(unreachable_patterns)]
            Node::Static(_) => out.push_str("null"),
            Node::Object { len, .. } => {
                out.push('{');
                if *len > 0 {
                    stack.push(Frame { is_obj: true, slots: len * 2, pos: 0 });
                    continue;
                }
                out.push('}');
            }
            Node::Array { len, .. } => {
                out.push('[');
                if *len > 0 {
                    stack.push(Frame { is_obj: false, slots: *len, pos: 0 });
                    continue;
                }
                out.push(']');
            }
        }
        while let Some(top) = stack.last() {
            if top.pos != top.slots {
                break;
            }
            out.push(if top.is_obj { '}' } else { ']' });
            stack.pop();
        }
    }
}

/// Appends the decimal digits of `v` (the common integer case of
/// [`write_compact`], without the formatting machinery).
fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_tape<R>(src: &str, f: impl FnOnce(&Cx<'_, '_>) -> R) -> R {
        let mut buf = src.as_bytes().to_vec();
        let len = buf.len();
        buf.resize(len + simd_json::INPUT_PADDING, 0);
        let mut buffers = Buffers::new(len);
        let mut tape = Tape::null();
        parse(&mut buf, len, &mut buffers, &mut tape).unwrap();
        let bump = Bump::new();
        let cx = Cx::new(&tape, &buffers, &bump, Scratch::default(), usize::MAX);
        f(&cx)
    }

    #[test]
    fn offsets_map_through_structurals() {
        let src = r#"{"a":1,"b":[2,3.5,{}],"c":"x\ny"}"#;
        with_tape(src, |cx| {
            let offs: Vec<usize> = (0..10).map(|i| cx.offset_of(i)).collect();
            assert_eq!(offs, vec![0, 1, 5, 7, 11, 12, 14, 18, 22, 26]);
        });
    }

    #[test]
    fn compact_round_trip() {
        let src = "{ \"a\" : [1, -2, 3.5, true, null, {}, [], \"x\\n\\u0001\"], \"b\": {\"c\": 1e300} }";
        with_tape(src, |cx| {
            assert_eq!(cx.raw(0).0, r#"{"a":[1,-2,3.5,true,null,{},[],"x\n\u0001"],"b":{"c":1e+300}}"#);
        });
    }

    /// The byte-at-a-time escaping the fast path must reproduce.
    fn escape_reference(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn fast_escaping_matches_the_reference() {
        let alphabet =
            ['a', 'Z', ' ', '"', '\\', '\n', '\t', '\u{1}', '\u{1f}', '~', 'é', '日', '😀', '\u{7f}'];
        let mut state = 0x1234_5678_9abc_def0u64;
        for len in 0..200 {
            let s: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Mostly plain letters, so that long clean runs occur.
                    let r = (state % 64) as usize;
                    if r < alphabet.len() {
                        alphabet[r]
                    } else {
                        'x'
                    }
                })
                .collect();
            let mut out = String::new();
            crate::write::write_str_plain(&mut out, &s);
            assert_eq!(out, escape_reference(&s), "{s:?}");
        }
        let mut out = String::new();
        for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            out.clear();
            push_u64(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    #[test]
    fn keys_fold_ascii_case() {
        assert!(key_is("Messages", "messages"));
        assert!(key_is("RUNID", "RunID"));
        assert!(!key_is("role_", "role"));
        // Go would match these two; we do not (see `key_is`).
        assert!(!key_is("\u{17F}ession_id", "session_id"));
        assert!(!key_is("\u{212A}ind", "kind"));
    }
}
