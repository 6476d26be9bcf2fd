//! The evaluation context of EVAL.md §4.2, built over a borrowed recording.
//!
//! [`Prepared`] indexes one recording once (its tool calls in order, the
//! tool results by call id); a [`Ctx`] is a scope over it: the whole
//! conversation, or the prefix up to one assistant message. Nothing of the
//! recording is copied; arguments are parsed only when a handler asks.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

use arena_recordings::model::{Part, ToolResult};
use arena_recordings::{Message, Recording};
use serde_json::{Map, Value};

/// One tool call of an assistant message.
pub struct Call<'r, 'a> {
    /// Index of the message that made it.
    pub turn: usize,
    /// Tool name.
    pub name: &'a str,
    /// Arguments as JSON text.
    args_raw: &'a str,
    args: OnceCell<Option<Map<String, Value>>>,
    /// Messages (index, result, message) answering this call, in order.
    results: &'r [(usize, &'a ToolResult<'a>, &'a Message<'a>)],
}

impl<'a> Call<'_, 'a> {
    /// The arguments parsed as a JSON object (`None`: absent, empty, not an
    /// object or invalid).
    pub fn args(&self) -> Option<&Map<String, Value>> {
        self.args
            .get_or_init(|| {
                let t = self.args_raw.trim();
                if t.is_empty() {
                    return None;
                }
                match serde_json::from_str::<Value>(t) {
                    Ok(Value::Object(m)) => Some(m),
                    _ => None,
                }
            })
            .as_ref()
    }

    /// Whether it has arguments other than `{}`.
    pub fn has_args(&self) -> bool {
        self.args().is_some_and(|m| !m.is_empty())
    }
}

/// One recording, indexed for evaluation.
pub struct Prepared<'r, 'a> {
    /// The recording.
    pub rec: &'r Recording<'a>,
    /// Every tool call of every `assistant` message, in order.
    pub calls: Vec<Call<'r, 'a>>,
}

/// Result lists per call id, owned by the caller so that [`Prepared`] can
/// borrow them.
pub type ResultIndex<'a> = Vec<(usize, &'a ToolResult<'a>, &'a Message<'a>)>;

/// Builds the result storage for `rec`: the flat list of tool results
/// grouped by call id (a group per id, in message order).
pub fn index_results<'a>(rec: &Recording<'a>) -> (ResultIndex<'a>, HashMap<&'a str, (usize, usize)>) {
    let mut by_id: HashMap<&'a str, Vec<(usize, &'a ToolResult<'a>, &'a Message<'a>)>> = HashMap::new();
    let mut any_call = false;
    for m in rec.messages {
        if !m.tool_calls.is_empty() {
            any_call = true;
            break;
        }
    }
    if !any_call {
        return (Vec::new(), HashMap::new());
    }
    for (i, m) in rec.messages.iter().enumerate() {
        if m.role == "tool" {
            if let Some(r) = m.tool_result {
                by_id.entry(r.id).or_default().push((i, r, m));
            }
        }
    }
    let mut flat = Vec::new();
    let mut spans = HashMap::with_capacity(by_id.len());
    for (id, list) in by_id {
        spans.insert(id, (flat.len(), list.len()));
        flat.extend(list);
    }
    (flat, spans)
}

impl<'r, 'a> Prepared<'r, 'a> {
    /// Indexes `rec`, with results from [`index_results`].
    pub fn new(
        rec: &'r Recording<'a>,
        flat: &'r ResultIndex<'a>,
        spans: &HashMap<&'a str, (usize, usize)>,
    ) -> Prepared<'r, 'a> {
        let mut calls = Vec::new();
        for (i, m) in rec.messages.iter().enumerate() {
            if m.role != "assistant" {
                continue;
            }
            for c in m.tool_calls {
                let results = match spans.get(c.id) {
                    Some(&(start, len)) => &flat[start..start + len],
                    None => &[][..],
                };
                calls.push(Call {
                    turn: i,
                    name: c.name,
                    args_raw: c.args.0,
                    args: OnceCell::new(),
                    results,
                });
            }
        }
        Prepared { rec, calls }
    }

    /// The scope of messages `0..=end`.
    pub fn scope(&'r self, end: usize) -> Ctx<'r, 'a> {
        let msgs = &self.rec.messages[..(end + 1).min(self.rec.messages.len())];
        let ncalls = self.calls.partition_point(|c| c.turn <= end);
        let last_assistant = msgs.iter().rposition(|m| m.role == "assistant");
        Ctx {
            msgs,
            end,
            output: last_assistant.map_or("", |i| msgs[i].content),
            last_assistant,
            calls: &self.calls[..ncalls],
        }
    }

    /// The whole conversation.
    pub fn whole(&'r self) -> Ctx<'r, 'a> {
        self.scope(self.rec.messages.len().saturating_sub(1))
    }
}

/// A scope: what every handler sees.
pub struct Ctx<'r, 'a> {
    /// The messages in scope.
    pub msgs: &'r [Message<'a>],
    end: usize,
    /// `current_output`: the content of the last assistant message in scope.
    pub output: &'a str,
    /// Index of the last assistant message in scope.
    pub last_assistant: Option<usize>,
    /// The tool calls in scope.
    pub calls: &'r [Call<'r, 'a>],
}

impl<'a> Ctx<'_, 'a> {
    /// The tool result answering `c` within the scope (the last one).
    pub fn result(&self, c: &Call<'_, 'a>) -> Option<(&'a ToolResult<'a>, &'a Message<'a>)> {
        c.results.iter().rev().find(|(i, _, _)| *i <= self.end).map(|&(_, r, m)| (r, m))
    }

    /// The call's error text (`""` for none).
    pub fn error(&self, c: &Call<'_, 'a>) -> &'a str {
        self.result(c).map_or("", |(r, _)| r.error)
    }

    /// The call's error type.
    pub fn error_type(&self, c: &Call<'_, 'a>) -> &'a str {
        self.result(c).map_or("", |(r, _)| r.error_type)
    }

    /// The call's result parts (empty when the result is a plain string).
    pub fn result_parts(&self, c: &Call<'_, 'a>) -> &'a [Part<'a>] {
        self.result(c).map_or(&[][..], |(r, _)| r.parts)
    }

    /// The stringified result (§4.2): text of parts, `[type:mime]` for
    /// media without text, or the message content.
    pub fn result_text(&self, c: &Call<'_, 'a>) -> Cow<'a, str> {
        match self.result(c) {
            None => Cow::Borrowed(""),
            Some((r, m)) => {
                if r.parts.is_empty() {
                    return Cow::Borrowed(m.content);
                }
                if r.parts.len() == 1 {
                    if let Some(t) = r.parts[0].text {
                        return Cow::Borrowed(t);
                    }
                }
                let mut s = String::new();
                for p in r.parts {
                    match (p.text, p.media) {
                        (Some(t), _) => s.push_str(t),
                        (None, Some(media)) => {
                            s.push('[');
                            s.push_str(p.kind);
                            s.push(':');
                            s.push_str(media.mime_type);
                            s.push(']');
                        }
                        (None, None) => {}
                    }
                }
                Cow::Owned(s)
            }
        }
    }
}

/// The "content" of a message for transcript-scanning handlers (§4.2).
pub fn content_of<'a>(m: &Message<'a>) -> Cow<'a, str> {
    if m.role == "tool" {
        if let Some(r) = m.tool_result {
            return texts(r.parts);
        }
    }
    if !m.parts.is_empty() {
        return texts(m.parts);
    }
    Cow::Borrowed(m.content)
}

fn texts<'a>(parts: &'a [Part<'a>]) -> Cow<'a, str> {
    let mut it = parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text);
    match (it.next(), it.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(t), None) => Cow::Borrowed(t),
        (Some(a), Some(b)) => {
            let mut s = String::from(a);
            s.push_str(b);
            for t in it {
                s.push_str(t);
            }
            Cow::Owned(s)
        }
    }
}
