//! Long plain strings kept out of simd-json's stage 1 (issue 15).
//!
//! simd-json's first pass classifies every byte of a document; in a media-heavy
//! recording most bytes are base64 image data, which needs no unescaping and
//! only has to be found. Before parsing a large document, [`Skeleton::build`]
//! looks for strings of at least [`MIN_STRING`] bytes that hold nothing but
//! printable ASCII (no backslash, no quote, no control byte: their value is
//! their bytes, and they are valid UTF-8), with one `memchr2` search for quote
//! and backslash that tracks whether it is inside a string. When such strings
//! make up a quarter of the document or more, it writes a *skeleton*: the
//! document with those strings emptied (`"…"` becomes `""`), which simd-json
//! parses instead; [`patch`] then points the empty strings' tape
//! nodes back at the original bytes. The rest of the document is unchanged,
//! so the tape is the one the document would give.
//!
//! Positions: a decoder's error carries the offset of a structural byte of the
//! skeleton; [`Removed`] records let `Cx::offset_of` add back the bytes removed
//! before it. A syntax error in the skeleton is never reported: the document
//! is then parsed as it is, so the error is exactly the one it always was.
//!
//! The search gives up (the document is parsed as it is) on a backslash outside
//! a string (invalid JSON: simd-json reports it), on an unterminated string,
//! when the first 64 KiB hold less than a quarter of removable bytes (text-heavy
//! documents, whose long strings nearly all hold `\n`), and for documents under
//! [`MIN_DOCUMENT`] bytes.

use super::PADDING;

/// Documents shorter than this are parsed as they are.
pub(crate) const MIN_DOCUMENT: usize = 64 << 10;
/// Strings shorter than this stay in the skeleton.
pub(crate) const MIN_STRING: usize = 4 << 10;

/// One string emptied in the skeleton.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Removed {
    /// Offset of the string's content (after its opening quote) in the skeleton.
    pub(crate) at: u32,
    /// Bytes removed by this string and every one before it.
    pub(crate) shift: u32,
    /// The content's range in the document.
    start: u32,
    end: u32,
}

/// The skeleton buffer and its removed strings, reused across loads.
#[derive(Default)]
pub(crate) struct Skeleton {
    /// The skeleton, followed by [`PADDING`] zero bytes.
    pub(crate) buf: Vec<u8>,
    /// The strings removed, in document order.
    pub(crate) removed: Vec<Removed>,
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), 64 bytes at a time.
fn printable_ascii(s: &[u8]) -> bool {
    let mut chunks = s.chunks_exact(64);
    for c in &mut chunks {
        let mut bad = 0u8;
        for &b in c {
            bad |= u8::from(b.wrapping_sub(0x20) >= 0x5f);
        }
        if bad != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b.wrapping_sub(0x20) < 0x5f)
}

impl Skeleton {
    /// Builds the skeleton of `doc` when it pays (see the module doc);
    /// returns the skeleton's length, or `None` to parse `doc` as it is.
    pub(crate) fn build(&mut self, doc: &[u8]) -> Option<usize> {
        self.buf.clear();
        self.removed.clear();
        if doc.len() < MIN_DOCUMENT || doc.len() >= u32::MAX as usize {
            return None;
        }
        let (mut i, mut copied, mut removed) = (0usize, 0usize, 0usize);
        while let Some(j) = memchr::memchr2(b'"', b'\\', &doc[i..]) {
            let open = i + j;
            if doc[open] == b'\\' {
                return None;
            }
            let start = open + 1;
            let (mut k, mut plain) = (start, true);
            let end = loop {
                let p = k + memchr::memchr2(b'"', b'\\', doc.get(k..)?)?;
                if doc[p] == b'"' {
                    break p;
                }
                plain = false;
                k = p + 2;
            };
            if plain && end - start >= MIN_STRING && printable_ascii(&doc[start..end]) {
                self.buf.extend_from_slice(&doc[copied..start]);
                removed += end - start;
                self.removed.push(Removed {
                    at: self.buf.len() as u32,
                    shift: removed as u32,
                    start: start as u32,
                    end: end as u32,
                });
                copied = end;
            }
            i = end + 1;
            if i >= MIN_DOCUMENT && removed * 4 < i {
                return None;
            }
        }
        if removed * 4 < doc.len() {
            return None;
        }
        self.buf.extend_from_slice(&doc[copied..]);
        let len = self.buf.len();
        self.buf.resize(len + PADDING, 0);
        Some(len)
    }
}

/// Whether every removed string is on the tape as an empty string node at
/// the address of its content in the skeleton (`base` is the skeleton's
/// address), in document order (the tape's order): what [`patch`] needs.
pub(crate) fn all_on_tape(nodes: &[simd_json::Node<'_>], base: usize, removed: &[Removed]) -> bool {
    let mut found = 0usize;
    for node in nodes {
        let Some(r) = removed.get(found) else { break };
        if is_removed(node, base, r) {
            found += 1;
        }
    }
    found == removed.len()
}

fn is_removed(node: &simd_json::Node<'_>, base: usize, r: &Removed) -> bool {
    matches!(node, simd_json::Node::String(s)
        if s.is_empty() && (s.as_ptr() as usize).wrapping_sub(base) == r.at as usize)
}

/// Points the tape's emptied strings back at the document (after
/// [`all_on_tape`] said they are all there). Returns `false` only if a
/// removed string were not UTF-8, which `build` rules out (it checked them
/// as printable ASCII).
pub(crate) fn patch<'a>(
    nodes: &mut [simd_json::Node<'a>],
    base: usize,
    removed: &[Removed],
    doc: &'a [u8],
) -> bool {
    let mut next = 0usize;
    for node in nodes.iter_mut() {
        let Some(r) = removed.get(next) else { break };
        if is_removed(node, base, r) {
            let Ok(text) = std::str::from_utf8(&doc[r.start as usize..r.end as usize]) else { return false };
            *node = simd_json::Node::String(text);
            next += 1;
        }
    }
    true
}

/// The document offset of skeleton offset `at`: the bytes removed before it
/// added back.
pub(crate) fn unshift(removed: &[Removed], at: usize) -> usize {
    let n = removed.partition_point(|r| (r.at as usize) <= at);
    match n.checked_sub(1).and_then(|i| removed.get(i)) {
        Some(r) => at + r.shift as usize,
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Loader, Parser};

    /// A session with one image of `n` base64 bytes, then `tail` as the second event.
    fn session(n: usize, tail: &str) -> (String, String) {
        let b64: String = (0..n)
            .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64] as char)
            .collect();
        let doc = format!(
            r#"{{"metadata":{{"session_id":"s"}},"events":[{{"type":"message","timestamp":"2026-01-01T00:00:00Z","message":{{"role":"user","parts":[{{"type":"image","media":{{"mime_type":"image/png","data":"{b64}"}}}}]}}}},{tail}]}}"#
        );
        (doc, b64)
    }

    const OK: &str = r#"{"type":"message","timestamp":"2026-01-01T00:00:01Z","message":{"role":"assistant","content":"done"}}"#;
    const BAD: &str = r#"{"type":"message","timestamp":"2026-01-01T00:00:01Z","message":{"role":5}}"#;

    #[test]
    fn a_long_plain_string_is_emptied_in_the_skeleton_and_comes_back() {
        let (doc, b64) = session(200_000, OK);
        let mut sk = Skeleton::default();
        let len = sk.build(doc.as_bytes()).expect("a skeleton");
        assert_eq!(len, doc.len() - b64.len());
        assert_eq!(sk.removed.len(), 1);
        let mut loader = Loader::new();
        let rec = loader.load_bytes(doc.as_bytes(), Parser::Session).unwrap();
        assert_eq!(rec.messages.len(), 2);
        let data = rec.messages[0].parts[0].media.and_then(|m| m.data);
        assert_eq!(data, Some(b64.as_str()));
        assert_eq!(rec.messages[1].content, "done");
    }

    #[test]
    fn errors_after_a_removed_string_keep_their_document_positions() {
        // The same error with a short image (no skeleton) and a long one: the
        // offsets differ by exactly the extra image bytes, and line/column agree.
        let mut loader = Loader::new();
        let (short, _) = session(100, BAD);
        let (long, _) = session(200_100, BAD);
        assert!(Skeleton::default().build(long.as_bytes()).is_some());
        let e1 = loader.load_bytes(short.as_bytes(), Parser::Session).unwrap_err();
        let e2 = loader.load_bytes(long.as_bytes(), Parser::Session).unwrap_err();
        assert_eq!(e1.kind(), e2.kind());
        let (o1, o2) = (e1.offset().unwrap(), e2.offset().unwrap());
        assert_eq!(o2 - o1, 200_000, "{e1} / {e2}");
        assert_eq!(&long[o2..o2 + 1], &short[o1..o1 + 1]);
        // A syntax error: the document is parsed as it is, so the error is the usual one.
        let broken = long.replace(r#""role":5"#, r#""role":5,"#);
        let e3 = loader.load_bytes(broken.as_bytes(), Parser::Session).unwrap_err();
        assert_eq!(e3.kind(), crate::ErrorKind::Syntax, "{e3}");
    }

    #[test]
    fn the_search_gives_up_where_it_should() {
        let mut sk = Skeleton::default();
        // Small documents, escaped strings, non-ASCII, a backslash outside a
        // string, an unterminated string: no skeleton.
        assert!(sk.build(session(1000, OK).0.as_bytes()).is_none());
        let escaped = session(200_000, OK).0.replacen("ABCD", "AB\\nD", 1);
        assert!(sk.build(escaped.as_bytes()).is_none());
        let accented = session(200_000, OK).0.replacen("ABCD", "ABCé", 1);
        assert!(sk.build(accented.as_bytes()).is_none());
        let stray = format!("\\{}", session(200_000, OK).0);
        assert!(sk.build(stray.as_bytes()).is_none());
        let (doc, _) = session(200_000, OK);
        let cut = &doc.as_bytes()[..doc.len() / 2];
        assert!(sk.build(cut).is_none());
        // Text-heavy: many short strings first.
        let text: String = (0..20_000).map(|i| format!("\"s{i}\",")).collect();
        let doc = format!("[{text}\"{}\"]", "A".repeat(100_000));
        assert!(sk.build(doc.as_bytes()).is_none());
    }

    #[test]
    fn unshift_adds_back_the_bytes_removed_before() {
        let removed = [
            Removed { at: 10, shift: 100, start: 10, end: 110 },
            Removed { at: 20, shift: 300, start: 120, end: 320 },
        ];
        assert_eq!(unshift(&removed, 5), 5);
        assert_eq!(unshift(&removed, 10), 110);
        assert_eq!(unshift(&removed, 15), 115);
        assert_eq!(unshift(&removed, 25), 325);
    }
}
