//! Positions and wording of syntax errors: simd-json's errors mapped back
//! to the original bytes (line and column, byte offsets), and tape indexes
//! mapped to byte offsets through the structural indexes.

use simd_json::Node;

use super::cx::truncate;
use super::raw::Frame;
use crate::error::{Error, ErrorKind};

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

/// Index into the structural list of the first structural of tape node `target`.
///
/// Every node starts at one structural; objects add a `:` per value, a `,`
/// between entries and a closing brace; arrays add commas and a bracket.
pub(super) fn structural_of(nodes: &[Node<'_>], target: usize) -> Option<usize> {
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
