//! JSON string escaping: one escaper, three modes.

use std::fmt::Write as _;

/// How a JSON string is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Escape {
    /// The minimal standard escaping: `"`, `\\`, and control characters
    /// (`\n`, `\r`, `\t`, else `\u00XX`); everything else as UTF-8.
    #[default]
    Plain,
    /// Go's `encoding/json`: as `Plain`, plus `\b` and `\f`, the HTML
    /// characters `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`, and U+2028,
    /// U+2029 as `\u2028`, `\u2029`.
    Go,
    /// ASCII only: as `Plain`, and every non-ASCII character as `\uXXXX`
    /// (UTF-16 surrogate pairs above U+FFFF), as Python's `json.dumps`.
    Ascii,
}

/// Writes `s` as a JSON string (with its quotes), escaped as `esc` says.
#[inline]
pub fn write_str(out: &mut String, s: &str, esc: Escape) {
    match esc {
        Escape::Plain => write_str_plain(out, s),
        Escape::Go => write_str_go(out, s),
        Escape::Ascii => write_str_ascii(out, s),
    }
}

/// [`Escape::Plain`]: skips eight bytes at a time while none needs escaping.
pub(crate) fn write_str_plain(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip eight bytes at a time while none of them needs escaping.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !needs_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            let esc = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.push_str(&s[start..i]);
            if esc.is_empty() {
                let _ = write!(out, "\\u{b:04x}");
            } else {
                out.push_str(esc);
            }
            i += 1;
            start = i;
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether any of the eight bytes in `x` is a quote, a backslash or a
/// control character (the classic "has zero byte" / "has less than" tests,
/// exact as booleans).
#[inline(always)]
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q & HIGH;
    let bs = x ^ (ONES * u64::from(b'\\'));
    let backslash = bs.wrapping_sub(ONES) & !bs & HIGH;
    (control | quote | backslash) != 0
}

/// [`Escape::Go`].
pub(crate) fn write_str_go(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: &str = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(esc);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// [`Escape::Ascii`].
fn write_str_ascii(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str, e: Escape) -> String {
        let mut out = String::new();
        write_str(&mut out, s, e);
        out
    }

    #[test]
    fn modes() {
        let s = "a\"b\\c\nd<e>&f\u{2028}é😀\u{1}\u{8}";
        assert_eq!(esc(s, Escape::Plain), "\"a\\\"b\\\\c\\nd<e>&f\u{2028}é😀\\u0001\\u0008\"");
        assert_eq!(esc(s, Escape::Go), "\"a\\\"b\\\\c\\nd\\u003ce\\u003e\\u0026f\\u2028é😀\\u0001\\b\"");
        assert_eq!(esc("é😀<", Escape::Ascii), "\"\\u00e9\\ud83d\\ude00<\"");
        // The plain fast path agrees with the others on long ASCII runs.
        let long = "x".repeat(37) + "\"" + &"y".repeat(9);
        assert_eq!(esc(&long, Escape::Plain), esc(&long, Escape::Ascii));
    }
}
