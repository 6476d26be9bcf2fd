//! The decoding context over the tape and its typed accessors.

use std::cell::RefCell;

use bumpalo::Bump;
use simd_json::{Buffers, Node, StaticNode, Tape};

use super::error::structural_of;
use super::raw::{write_compact, Frame};
use crate::error::{Error, ErrorKind, Result};
use crate::model::RawJson;
use crate::time::Timestamp;

/// Decoding context: the tape, the structural indexes, and the arena.
pub(crate) struct Cx<'t, 'a> {
    nodes: &'t [Node<'a>],
    structurals: &'t [u32],
    /// Strings emptied in the skeleton that was parsed instead of the
    /// document (see `input::skeleton`); empty when the document itself was.
    removed: &'t [crate::input::skeleton::Removed],
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
pub(super) fn next_index(nodes: &[Node<'_>], i: usize) -> usize {
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
            removed: &[],
            bump,
            scratch: RefCell::new(scratch),
            max_arena,
        }
    }

    /// This context over a tape parsed from a skeleton: offsets are mapped
    /// back through `removed` to the document's.
    pub(crate) fn with_removed(mut self, removed: &'t [crate::input::skeleton::Removed]) -> Self {
        self.removed = removed;
        self
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

    /// Whether the value at `i` is an array.
    #[inline]
    pub(crate) fn is_arr(&self, i: usize) -> bool {
        matches!(self.node(i), Some(Node::Array { .. }))
    }

    /// Whether the value at `i` is a string.
    #[inline]
    pub(crate) fn is_str(&self, i: usize) -> bool {
        matches!(self.node(i), Some(Node::String(_)))
    }

    /// Whether the value at `i` is an object.
    #[inline]
    pub(crate) fn is_obj(&self, i: usize) -> bool {
        matches!(self.node(i), Some(Node::Object { .. }))
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
        let at =
            structural_of(self.nodes, i).and_then(|s| self.structurals.get(s)).map_or(0, |&o| o as usize);
        crate::input::skeleton::unshift(self.removed, at)
    }
}

pub(super) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
