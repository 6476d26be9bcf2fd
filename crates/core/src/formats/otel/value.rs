//! A small JSON value tree in the arena, for the three GenAI attributes.
//!
//! Their values arrive either as OTLP `AnyValue`s (`arrayValue`,
//! `kvlistValue`, ...) or as a `stringValue` holding JSON text; both become
//! the same [`J`] tree. The tree outlives the line (or document) it came
//! from, which the conversation needs: messages of earlier spans are
//! compared with later spans' inputs. Strings borrow the input buffer or the
//! arena; objects keep their keys in document order.

use bumpalo::Bump;
use simd_json::{Buffers, Node, StaticNode, Tape};

use crate::error::{Error, ErrorKind, Result};
use crate::input::PADDING;
use crate::json::Cx;

/// How deeply a value may nest (each array or object is one level). Deeper
/// values fail with a `limit` error: every walk over the tree recurses.
pub(super) const MAX_NESTING: usize = 256;

/// A JSON value whose strings and children live in the arena.
#[derive(Debug, Clone, Copy, Default)]
pub(super) enum J<'a> {
    /// `null` (also an absent or empty `AnyValue`).
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its JSON text.
    Num(&'a str),
    /// A string (unescaped).
    Str(&'a str),
    /// An array.
    Arr(&'a [J<'a>]),
    /// An object, keys in document order.
    Obj(&'a [(&'a str, J<'a>)]),
}

impl<'a> J<'a> {
    /// The value of `key` (the last one when the key repeats), if an object.
    pub(super) fn get(&self, key: &str) -> Option<J<'a>> {
        match self {
            J::Obj(items) => items.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v),
            _ => None,
        }
    }

    /// What kind of value this is, for error messages.
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            J::Null => "null",
            J::Bool(_) => "a boolean",
            J::Num(_) => "a number",
            J::Str(_) => "a string",
            J::Arr(_) => "an array",
            J::Obj(_) => "an object",
        }
    }

    /// The value as compact JSON text in the arena.
    pub(super) fn compact(&self, bump: &'a Bump) -> &'a str {
        let mut out = String::new();
        self.write_compact(&mut out);
        bump.alloc_str(&out)
    }

    /// A string as itself, anything else as compact JSON (tool arguments,
    /// tool results).
    pub(super) fn str_or_compact(&self, bump: &'a Bump) -> &'a str {
        match self {
            J::Str(s) => s,
            _ => self.compact(bump),
        }
    }

    /// Writes the value with no whitespace and only the escapes JSON needs.
    pub(super) fn write_compact(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => crate::write::write_str_plain(out, s),
            J::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_compact(out);
                }
                out.push(']');
            }
            J::Obj(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    crate::write::write_str_plain(out, k);
                    out.push(':');
                    v.write_compact(out);
                }
                out.push('}');
            }
        }
    }

    /// Equality as JSON values: objects compare by their members whatever
    /// the key order, numbers by value.
    pub(super) fn same(&self, other: &J<'_>) -> bool {
        match (self, other) {
            (J::Null, J::Null) => true,
            (J::Bool(a), J::Bool(b)) => a == b,
            (J::Num(a), J::Num(b)) => a == b || num_eq(a, b),
            (J::Str(a), J::Str(b)) => a == b,
            (J::Arr(a), J::Arr(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y)),
            (J::Obj(a), J::Obj(b)) => obj_eq(a, b),
            _ => false,
        }
    }
}

fn num_eq(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn obj_eq(a: &[(&str, J<'_>)], b: &[(&str, J<'_>)]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Same key order is the common case (the same serializer wrote both).
    if a.iter().zip(b).all(|((ka, _), (kb, _))| ka == kb) {
        return a.iter().zip(b).all(|((_, va), (_, vb))| va.same(vb));
    }
    let mut ia: Vec<usize> = (0..a.len()).collect();
    let mut ib: Vec<usize> = (0..b.len()).collect();
    ia.sort_by(|x, y| a[*x].0.cmp(a[*y].0));
    ib.sort_by(|x, y| b[*x].0.cmp(b[*y].0));
    ia.iter().zip(&ib).all(|(x, y)| a[*x].0 == b[*y].0 && a[*x].1.same(&b[*y].1))
}

fn too_deep() -> Error {
    Error::new(ErrorKind::Limit, format!("a GenAI attribute value nests deeper than {MAX_NESTING} levels"))
}

/// Converts an OTLP `AnyValue` object at tape index `i` into a [`J`]:
/// `stringValue`/`bytesValue` become strings, `intValue` (string or number)
/// and `doubleValue` numbers, `arrayValue.values` arrays and
/// `kvlistValue.values` objects. An empty or null value is `null`.
pub(super) fn from_any<'a>(cx: &Cx<'_, 'a>, i: usize, depth: usize) -> Result<J<'a>> {
    if depth > MAX_NESTING {
        return Err(too_deep().at(cx.offset_of(i)));
    }
    let mut out = J::Null;
    for (k, v) in cx.obj(i, "value")?.into_iter().flatten() {
        out = match k {
            "stringValue" => cx.str(v, k)?.map_or(J::Null, J::Str),
            "bytesValue" => cx.str(v, k)?.map_or(J::Null, J::Str),
            "boolValue" => cx.bool(v, k)?.map_or(J::Null, J::Bool),
            "intValue" => match cx.str(v, k) {
                Ok(Some(s)) if is_integer(s) => J::Num(s),
                Ok(Some(s)) => {
                    return Err(cx.value_err(v, "an integer", format!("{:?}", truncate(s, 64)), k));
                }
                Ok(None) => J::Null,
                Err(_) => match cx.int(v, k)? {
                    Some(_) => J::Num(cx.raw(v).0),
                    None => J::Null,
                },
            },
            "doubleValue" => match cx.str(v, k) {
                // Proto3 JSON writes NaN and the infinities as strings.
                Ok(Some(s)) if s.parse::<f64>().is_ok_and(f64::is_finite) => J::Num(s),
                Ok(Some(s)) => J::Str(s),
                Ok(None) => J::Null,
                Err(_) => match cx.float(v, k)? {
                    Some(_) => J::Num(cx.raw(v).0),
                    None => J::Null,
                },
            },
            "arrayValue" => {
                let mut items = bumpalo::collections::Vec::new_in(cx.bump);
                for (k2, vs) in cx.obj(v, k)?.into_iter().flatten() {
                    if k2 != "values" {
                        continue;
                    }
                    items.clear();
                    for e in cx.arr(vs, "arrayValue.values")?.into_iter().flatten() {
                        items.push(from_any(cx, e, depth + 1)?);
                    }
                }
                J::Arr(items.into_bump_slice())
            }
            "kvlistValue" => {
                let mut items = bumpalo::collections::Vec::new_in(cx.bump);
                for (k2, vs) in cx.obj(v, k)?.into_iter().flatten() {
                    if k2 != "values" {
                        continue;
                    }
                    items.clear();
                    for e in cx.arr(vs, "kvlistValue.values")?.into_iter().flatten() {
                        let (mut key, mut value) = ("", J::Null);
                        for (k3, x) in cx.obj(e, "kvlistValue.values")?.into_iter().flatten() {
                            match k3 {
                                "key" => cx.set_str(x, "key", &mut key)?,
                                "value" => value = from_any(cx, x, depth + 1)?,
                                _ => {}
                            }
                        }
                        items.push((key, value));
                    }
                }
                J::Obj(items.into_bump_slice())
            }
            _ => continue,
        };
    }
    Ok(out)
}

fn is_integer(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Parses JSON text that an attribute's `stringValue` holds.
///
/// The text is copied into a padded buffer in the arena and parsed there by
/// simd-json, so the tree's strings borrow the arena. Simd-json's scratch
/// buffers and tape are kept for the next value.
pub(super) struct TextParser {
    buffers: Buffers,
    tape: Tape<'static>,
}

/// Why JSON text was not turned into a value.
pub(super) enum TextError {
    /// Not valid JSON: the caller ignores the value with a warning.
    Syntax(String),
    /// Too deep, or over the arena budget: fails the recording.
    Fatal(Error),
}

impl TextParser {
    pub(super) fn new() -> Self {
        TextParser { buffers: Buffers::new(256), tape: Tape(Vec::new()) }
    }

    /// Parses `text` into a tree in `bump`. `budget` fails the parse with a
    /// `limit` error when the copy would pass the arena limit.
    pub(super) fn parse<'a>(
        &mut self,
        text: &str,
        bump: &'a Bump,
        budget: impl FnOnce(usize) -> Result<()>,
    ) -> std::result::Result<J<'a>, TextError> {
        let len = text.len();
        budget(len.saturating_mul(3).saturating_add(PADDING)).map_err(TextError::Fatal)?;
        let buf: &'a mut [u8] = bump.alloc_slice_fill_copy(len + PADDING, 0u8);
        buf[..len].copy_from_slice(text.as_bytes());
        let mut tape: Tape<'a> = std::mem::replace(&mut self.tape, Tape(Vec::new())).reset();
        let result = match simd_json::fill_tape_padded(buf, len, &mut self.buffers, &mut tape) {
            Err(e) if matches!(e.error(), simd_json::ErrorType::DepthLimitExceeded) => {
                Err(TextError::Fatal(too_deep()))
            }
            Err(e) => Err(TextError::Syntax(e.to_string())),
            Ok(()) => {
                let mut i = 0;
                from_tape(&tape.0, &mut i, bump, 0).map_err(TextError::Fatal)
            }
        };
        self.tape = tape.reset();
        result
    }
}

/// Converts the tape value at `*i` (moving `*i` past it).
fn from_tape<'a>(nodes: &[Node<'a>], i: &mut usize, bump: &'a Bump, depth: usize) -> Result<J<'a>> {
    let node = nodes.get(*i).ok_or_else(|| Error::new(ErrorKind::Internal, "truncated tape"))?;
    *i += 1;
    Ok(match node {
        Node::String(s) => J::Str(s),
        Node::Static(StaticNode::Null) => J::Null,
        Node::Static(StaticNode::Bool(b)) => J::Bool(*b),
        Node::Static(StaticNode::I64(v)) => J::Num(bumpalo::format!(in bump, "{}", v).into_bump_str()),
        Node::Static(StaticNode::U64(v)) => J::Num(bumpalo::format!(in bump, "{}", v).into_bump_str()),
        Node::Static(StaticNode::F64(v)) => {
            let mut s = String::new();
            crate::write::go::write_f64(&mut s, *v);
            J::Num(bump.alloc_str(&s))
        }
        #[allow(unreachable_patterns)]
        Node::Static(_) => J::Null,
        Node::Array { len, .. } => {
            if depth >= MAX_NESTING {
                return Err(too_deep());
            }
            let mut items = bumpalo::collections::Vec::with_capacity_in(*len, bump);
            for _ in 0..*len {
                items.push(from_tape(nodes, i, bump, depth + 1)?);
            }
            J::Arr(items.into_bump_slice())
        }
        Node::Object { len, .. } => {
            if depth >= MAX_NESTING {
                return Err(too_deep());
            }
            let mut items = bumpalo::collections::Vec::with_capacity_in(*len, bump);
            for _ in 0..*len {
                let key = match nodes.get(*i) {
                    Some(Node::String(k)) => *k,
                    _ => "",
                };
                *i += 1;
                items.push((key, from_tape(nodes, i, bump, depth + 1)?));
            }
            J::Obj(items.into_bump_slice())
        }
    })
}
