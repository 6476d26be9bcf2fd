//! A small streaming JSON writer.

use std::fmt::{Display, Write as _};

use super::escape::{write_str, Escape};

/// Writes JSON into a `String`, compact or indented with two spaces (Go's
/// `MarshalIndent(v, "", "  ")` layout), keeping track of commas.
///
/// Values are written after a [`key`](Self::key) inside an object, or as
/// items of an array; [`raw`](Self::raw) hands out the string for a value
/// written by other code (such as the PromptKit writer's).
///
/// ```
/// use arena_recordings::write::{Escape, JsonWriter};
/// let mut out = String::new();
/// let mut w = JsonWriter::compact(&mut out, Escape::Go);
/// w.obj().kv("a", "<b>").key("n").lit(3).key("xs").arr().lit(1).lit(2).end_arr().end_obj();
/// assert_eq!(out, r#"{"a":"\u003cb\u003e","n":3,"xs":[1,2]}"#);
/// ```
pub struct JsonWriter<'o> {
    out: &'o mut String,
    pretty: bool,
    esc: Escape,
    /// Per open container, whether it has an item yet.
    stack: Open,
    after_key: bool,
}

impl<'o> JsonWriter<'o> {
    /// A writer of compact JSON (no whitespace).
    pub fn compact(out: &'o mut String, esc: Escape) -> Self {
        JsonWriter { out, pretty: false, esc, stack: Open::default(), after_key: false }
    }

    /// A writer of JSON indented with two spaces, `": "` after keys.
    pub fn indented(out: &'o mut String, esc: Escape) -> Self {
        JsonWriter { out, pretty: true, esc, stack: Open::default(), after_key: false }
    }

    /// A writer that continues a document another writer began: `open` has
    /// one entry per container still open (outermost first), true when that
    /// container already has an item.
    pub fn resume(out: &'o mut String, pretty: bool, esc: Escape, open: &[bool]) -> Self {
        JsonWriter { out, pretty, esc, stack: Open::from(open), after_key: false }
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.stack.depth {
                self.out.push_str("  ");
            }
        }
    }

    /// Separates a value from the one before it.
    fn pre(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(had) = self.stack.mark_item() {
            if had {
                self.out.push(',');
            }
            self.newline();
        }
    }

    /// Opens an object.
    pub fn obj(&mut self) -> &mut Self {
        self.pre();
        self.out.push('{');
        self.stack.push();
        self
    }

    /// Opens an array.
    pub fn arr(&mut self) -> &mut Self {
        self.pre();
        self.out.push('[');
        self.stack.push();
        self
    }

    fn end(&mut self, close: char) -> &mut Self {
        if self.stack.pop() == Some(true) {
            self.newline();
        }
        self.out.push(close);
        self
    }

    /// Closes the innermost object.
    pub fn end_obj(&mut self) -> &mut Self {
        self.end('}')
    }

    /// Closes the innermost array.
    pub fn end_arr(&mut self) -> &mut Self {
        self.end(']')
    }

    /// An object key; the next call writes its value.
    pub fn key(&mut self, k: &str) -> &mut Self {
        self.pre();
        write_str(self.out, k, self.esc);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
        self.after_key = true;
        self
    }

    /// A string value.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.pre();
        write_str(self.out, s, self.esc);
        self
    }

    /// A string value known to need no escaping (ids, base64), copied as is.
    pub fn plain(&mut self, s: &str) -> &mut Self {
        self.pre();
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
        self
    }

    /// A number, boolean or `null`, or any JSON text, written as displayed.
    pub fn lit(&mut self, v: impl Display) -> &mut Self {
        self.pre();
        let _ = write!(self.out, "{v}");
        self
    }

    /// A value written by the caller straight into the output.
    pub fn raw(&mut self) -> &mut String {
        self.pre();
        self.out
    }

    /// `key` then a string value.
    pub fn kv(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k).str(v)
    }

    /// `key` then a literal value.
    pub fn kl(&mut self, k: &str, v: impl Display) -> &mut Self {
        self.key(k).lit(v)
    }
}

/// The open containers: a bit each for the innermost 64, the rest in a list
/// (never used by this crate's own output, which nests far less), so that
/// writing allocates nothing.
#[derive(Default)]
struct Open {
    depth: usize,
    bits: u64,
    deeper: Vec<bool>,
}

impl Open {
    fn from(open: &[bool]) -> Self {
        let mut o = Open::default();
        for &has in open {
            o.push();
            if has {
                o.mark_item();
            }
        }
        o
    }

    fn push(&mut self) {
        if self.depth >= 64 {
            self.deeper.push(self.bits >> 63 == 1);
        }
        self.bits <<= 1;
        self.depth += 1;
    }

    /// Marks the innermost container as having an item; whether it had one.
    fn mark_item(&mut self) -> Option<bool> {
        if self.depth == 0 {
            return None;
        }
        let had = self.bits & 1 == 1;
        self.bits |= 1;
        Some(had)
    }

    fn pop(&mut self) -> Option<bool> {
        if self.depth == 0 {
            return None;
        }
        let had = self.bits & 1 == 1;
        self.bits >>= 1;
        self.depth -= 1;
        if self.depth >= 64 {
            if let Some(top) = self.deeper.pop() {
                self.bits |= u64::from(top) << 63;
            }
        }
        Some(had)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_indentation() {
        let mut out = String::new();
        let mut w = JsonWriter::compact(&mut out, Escape::Plain);
        for _ in 0..100 {
            w.arr().lit(1);
        }
        for _ in 0..100 {
            w.lit(2).end_arr();
        }
        let expected = "[1,".repeat(100) + &"2]".repeat(100).replace("]2", "],2");
        assert_eq!(out, expected);
        let mut out = String::new();
        JsonWriter::indented(&mut out, Escape::Go)
            .obj()
            .kv("a", "b")
            .key("c")
            .arr()
            .end_arr()
            .key("d")
            .arr()
            .lit(1)
            .end_arr()
            .end_obj();
        assert_eq!(out, "{\n  \"a\": \"b\",\n  \"c\": [],\n  \"d\": [\n    1\n  ]\n}");
    }
}
