//! The config's YAML as a small tree whose every node knows its line and
//! column, so that config errors can point at the offending key or value.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Pos {
    fn of(m: Marker) -> Pos {
        Pos { line: m.line().max(1), column: m.col() + 1 }
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What it is.
    pub kind: Kind,
}

/// The shape of a node.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A scalar: its text and whether it is plain (unquoted, untagged), so
    /// that `10` is an integer and `"10"` a string.
    Scalar {
        /// The text.
        text: String,
        /// Plain (type resolved from the text) or quoted / `!!str`.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What a node is, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Scalar { .. } => match self.to_value() {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                _ => "a string",
            },
        }
    }

    /// The entries of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The text of a scalar that is a string (quoted, or plain and not
    /// null, bool or number).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, plain } => {
                if !*plain || matches!(self.to_value(), Value::String(_)) {
                    Some(text)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// The text of a scalar key (any scalar).
    pub fn key_text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The node as a JSON value with YAML's types (integers stay integers).
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar { text, plain } => {
                if *plain {
                    resolve_plain(text)
                } else {
                    Value::String(text.clone())
                }
            }
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    let key = match &k.kind {
                        Kind::Scalar { text, .. } => text.clone(),
                        _ => continue,
                    };
                    m.insert(key, v.to_value());
                }
                Value::Object(m)
            }
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar (what yaml.v3 does).
fn resolve_plain(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan"
        | ".NaN" | ".NAN" => return Value::String(t.to_owned()),
        _ => {}
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let neg = t.starts_with('-');
    let radix = |digits: &str, radix: u32| -> Option<Value> {
        let d = digits.replace('_', "");
        let v = i64::from_str_radix(&d, radix).ok()?;
        Some(Value::Number(Number::from(if neg { -v } else { v })))
    };
    if let Some(h) = body.strip_prefix("0x") {
        if let Some(v) = radix(h, 16) {
            return v;
        }
    } else if let Some(o) = body.strip_prefix("0o") {
        if let Some(v) = radix(o, 8) {
            return v;
        }
    } else if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        if let Ok(v) = t.replace('_', "").parse::<i64>() {
            return Value::Number(Number::from(v));
        }
        if let Ok(v) = t.replace('_', "").parse::<f64>() {
            if let Some(n) = Number::from_f64(v) {
                return Value::Number(n);
            }
        }
    }
    let looks_float = !body.is_empty()
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'));
    if looks_float {
        if let Ok(v) = t.replace('_', "").parse::<f64>() {
            if let Some(n) = Number::from_f64(v) {
                return Value::Number(n);
            }
        }
    }
    Value::String(t.to_owned())
}

/// A YAML syntax error: message and position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Where.
    pub pos: Pos,
    /// What.
    pub message: String,
}

/// Parses the first document of `text` (an empty document gives `None`).
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut b = Builder::default();
    let mut p = Parser::new_from_str(text);
    if let Err(e) = p.load(&mut b, false) {
        let m = e.marker();
        return Err(SyntaxError { pos: Pos::of(*m), message: e.info().to_owned() });
    }
    if let Some(e) = b.error {
        return Err(e);
    }
    Ok(b.root)
}

/// `pos`, or the end of the last line when the scanner reports a position
/// past the end of `text` (it does at the end of input without a final
/// line break: the line after the last one, for errors and for the nodes
/// that end there).
pub fn clamp(pos: Pos, text: &str) -> Pos {
    // Lines as YAML ends them: `\n`, `\r\n` or a lone `\r`.
    let mut lines = 1;
    let mut last = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => (lines, last) = (lines + 1, 0),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                (lines, last) = (lines + 1, 0);
            }
            _ => last += 1,
        }
    }
    if pos.line > lines {
        Pos { line: lines, column: last + 1 }
    } else {
        pos
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<(Node, usize, Option<Node>)>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    done: bool,
    error: Option<SyntaxError>,
    /// Nodes built so far, aliases counted by their expanded size.
    nodes: usize,
}

/// Most nodes a config may expand to (aliases included): a guard against
/// "billion laughs" alias bombs.
const MAX_NODES: usize = 1_000_000;

fn size(n: &Node) -> usize {
    match &n.kind {
        Kind::Scalar { .. } => 1,
        Kind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Kind::Map(entries) => 1 + entries.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
    }
}

fn is_str_tag(tag: &Option<Tag>) -> bool {
    tag.as_ref().is_some_and(|t| t.suffix == "str" || t.suffix == "tag:yaml.org,2002:str")
}

impl Builder {
    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
                self.done = true;
            }
            Some((parent, _, pending)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(entries) => match pending.take() {
                    None => *pending = Some(node),
                    Some(k) => entries.push((k, node)),
                },
                Kind::Scalar { .. } => {}
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done || self.error.is_some() {
            return;
        }
        let pos = Pos::of(mark);
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.error = Some(SyntaxError { pos, message: "too many nodes".into() });
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == TScalarStyle::Plain && !is_str_tag(&tag);
                self.push_value(Node { pos, kind: Kind::Scalar { text, plain } }, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push((Node { pos, kind: Kind::Seq(Vec::new()) }, anchor, None));
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push((Node { pos, kind: Kind::Map(Vec::new()) }, anchor, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, anchor, _)) = self.stack.pop() {
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(n) if self.nodes.saturating_add(size(n)) > MAX_NODES => {
                    self.error =
                        Some(SyntaxError { pos, message: "too many nodes after expanding aliases".into() });
                }
                Some(n) => {
                    self.nodes += size(n);
                    let mut n = n.clone();
                    n.pos = pos;
                    self.push_value(n, 0);
                }
                None => self.error = Some(SyntaxError { pos, message: "unknown alias".into() }),
            },
            _ => {}
        }
    }
}
