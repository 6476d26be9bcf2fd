//! One trace's conversation from its GenAI spans (FORMATS-MORE.md 6,
//! "Building the conversation" and the part mapping).

use bumpalo::collections::Vec as BVec;
use bumpalo::Bump;

use super::span::{GenSpan, OMsg, OPart, Usage};
use crate::formats::calls::Calls;
use crate::formats::convert::{concat_text, text_tool_result, tool_result_message};
use crate::model::{Format, Message, Metadata, Part, RawJson, Recording, ToolCall, ToolResult};
use crate::time::Timestamp;

/// A message of the conversation, with what its span says about it.
struct Entry<'s, 'a> {
    msg: &'s OMsg<'a>,
    at: Timestamp,
    /// The usage of the span whose output this message is.
    usage: Option<Usage>,
}

/// Builds the recording of trace `trace_id` from its GenAI spans (sorted here).
pub(super) fn recording<'a>(bump: &'a Bump, trace_id: &'a str, spans: &mut [GenSpan<'a>]) -> Recording<'a> {
    spans.sort_by_key(|s| (s.start.unwrap_or(0), s.end.unwrap_or(0), s.seq));
    let mut warnings = Warnings { list: BVec::new_in(bump), bump };
    let mut list: Vec<Entry<'_, 'a>> = Vec::new();
    for s in spans.iter() {
        for w in s.warnings {
            warnings.push(w);
        }
        let start = time(s.start);
        let continues = list.len() <= s.input.len() && list.iter().zip(s.input).all(|(e, m)| e.msg.same(m));
        let new = if continues {
            s.input.get(list.len()..).unwrap_or(&[])
        } else {
            warnings.push(bumpalo::format!(in bump,
                "span {}: its input does not continue the conversation so far; all {} input messages appended",
                s.span_id, s.input.len())
            .into_bump_str());
            s.input
        };
        list.extend(new.iter().map(|msg| Entry { msg, at: start, usage: None }));
        if let Some(first) = s.output.first() {
            list.push(Entry { msg: first, at: time(s.end), usage: Some(s.usage) });
            if s.output.len() > 1 {
                warnings.push(
                    bumpalo::format!(in bump,
                    "span {}: {} output messages (choices); the first is kept, {} dropped",
                    s.span_id, s.output.len(), s.output.len() - 1)
                    .into_bump_str(),
                );
            }
        }
    }
    let mut m = Mapper { bump, calls: Calls::new(), out: BVec::with_capacity_in(list.len(), bump) };
    for e in &list {
        m.message(e, &mut warnings);
    }
    let messages = m.out.into_bump_slice();
    let timestamps = bump.alloc_slice_fill_iter(messages.iter().map(|m| m.timestamp));
    let session_id = spans.iter().map(|s| s.conversation_id).find(|c| !c.is_empty()).unwrap_or(trace_id);
    let provider_info: &'a [(&'a str, &'a str)] = match spans.first() {
        Some(s) => {
            let pairs = [("model", s.model), ("provider", s.provider)];
            let mut v = BVec::with_capacity_in(2, bump);
            v.extend(pairs.into_iter().filter(|(_, v)| !v.is_empty()));
            v.into_bump_slice()
        }
        None => &[],
    };
    let first_start = spans.iter().filter_map(|s| s.start).min();
    let last_end = spans.iter().filter_map(|s| s.end).max();
    let duration_ns = match (first_start, last_end) {
        (Some(a), Some(b)) if b > a => i64::try_from(b - a).unwrap_or(i64::MAX),
        _ => 0,
    };
    let metadata = Metadata { provider_info, timestamps, session_id, duration_ns, ..Metadata::default() };
    Recording {
        format: Format::OtelGenai,
        messages,
        metadata,
        warnings: warnings.list.into_bump_slice(),
        skipped_events: &[],
    }
}

/// A time in nanoseconds since the epoch (the zero time when unknown).
fn time(nanos: Option<u64>) -> Timestamp {
    match nanos {
        Some(n) => Timestamp::from_parts((n / 1_000_000_000) as i64, (n % 1_000_000_000) as u32, 0),
        None => Timestamp::ZERO,
    }
}

/// The recording's warnings, each one once.
struct Warnings<'a> {
    list: BVec<'a, &'a str>,
    bump: &'a Bump,
}

impl<'a> Warnings<'a> {
    fn push(&mut self, w: &'a str) {
        if !self.list.contains(&w) {
            self.list.push(w);
        }
    }

    fn format(&mut self, args: std::fmt::Arguments<'_>) {
        let w = bumpalo::collections::String::from_str_in(&args.to_string(), self.bump).into_bump_str();
        self.push(w);
    }
}

/// The parts of one message between two tool results.
#[derive(Default)]
struct Segment<'a> {
    /// Parts seen (any type), to tell an empty segment from a skipped one.
    seen: usize,
    content: Vec<Part<'a>>,
    reasoning: Vec<&'a str>,
    calls: Vec<ToolCall<'a>>,
}

/// Maps GenAI messages to model messages, one recording's worth.
struct Mapper<'a> {
    bump: &'a Bump,
    calls: Calls<'a>,
    out: BVec<'a, Message<'a>>,
}

impl<'a> Mapper<'a> {
    fn message(&mut self, e: &Entry<'_, 'a>, warnings: &mut Warnings<'a>) {
        let m = e.msg;
        if !matches!(m.role, "system" | "user" | "assistant" | "tool") {
            warnings.format(format_args!(
                "role {:?} is not one of system, user, assistant, tool (copied as is)",
                m.role
            ));
        }
        let first = self.out.len();
        let mut seg = Segment::default();
        for p in m.items {
            match *p {
                OPart::Text(t) => seg.content.push(Part { kind: "text", text: Some(t), media: None }),
                OPart::Reasoning(t) => seg.reasoning.push(t),
                OPart::Media(part) => seg.content.push(part),
                OPart::Call { id, name, args } => {
                    let id = self.calls.call(id, name, self.bump);
                    seg.calls.push(ToolCall { id, name, args, provider_metadata: None });
                }
                OPart::Result { id, name, text } => {
                    self.flush(m.role, std::mem::take(&mut seg), e.at, warnings);
                    let id = self.result_id(id, warnings);
                    let name = if name.is_empty() { self.calls.name_of(id) } else { name };
                    let r = text_tool_result(id, name, text, self.bump);
                    self.out.push(tool_result_message(r, e.at, self.bump));
                    continue;
                }
                OPart::Unknown(kind) => {
                    warnings.format(format_args!("unknown part type {kind:?} skipped"));
                }
            }
            seg.seen += 1;
        }
        self.flush(m.role, seg, e.at, warnings);
        if m.items.is_empty() {
            self.out.push(Message { role: m.role, timestamp: e.at, ..Message::default() });
        }
        let made = self.out.get_mut(first..).unwrap_or_default();
        if !m.name.is_empty() {
            let mut meta = String::from("{\"name\":");
            crate::write::write_str_plain(&mut meta, m.name);
            meta.push('}');
            let meta = RawJson(self.bump.alloc_str(&meta));
            for msg in made.iter_mut().filter(|x| x.role == m.role) {
                msg.meta = Some(meta);
            }
        }
        // The call's outcome goes to the last message of the output's own
        // role (the text after a server tool's result), else its last message.
        if let Some(usage) = e.usage {
            let target = made.iter().rposition(|x| x.role == m.role).or(made.len().checked_sub(1));
            if let Some(msg) = target.and_then(|i| made.get_mut(i)) {
                msg.finish_reason = m.finish_reason;
                msg.cost_info = cost_info(&usage, self.bump);
            }
        }
    }

    /// The id of a tool result: its own, else the oldest unanswered
    /// synthesized call id, else `""` (warning).
    fn result_id(&mut self, id: Option<&'a str>, warnings: &mut Warnings<'a>) -> &'a str {
        match id {
            Some(id) if !id.is_empty() => {
                self.calls.answered(id);
                id
            }
            _ => match self.calls.answer() {
                Some(id) => id,
                None => {
                    warnings.push(
                        "a tool result has no id and answers no earlier call without one; its id is \"\"",
                    );
                    ""
                }
            },
        }
    }

    /// Emits the parts gathered since the last tool result as one message.
    fn flush(&mut self, role: &'a str, seg: Segment<'a>, at: Timestamp, warnings: &mut Warnings<'a>) {
        if seg.seen == 0 {
            return;
        }
        let bump = self.bump;
        let reasoning = if seg.reasoning.is_empty() {
            None
        } else {
            let mut s = String::from("{\"text\":");
            crate::write::write_str_plain(&mut s, &seg.reasoning.join("\n"));
            s.push('}');
            Some(RawJson(bump.alloc_str(&s)))
        };
        let tool_calls = bump.alloc_slice_copy(&seg.calls);
        let mut msg = Message { role, tool_calls, reasoning, timestamp: at, ..Message::default() };
        if role == "tool" {
            // A tool message's other parts: a result of their own.
            let id = self.result_id(None, warnings);
            warnings.push(
                "a tool message has parts that are not tool results; they form a tool result of their own",
            );
            let parts: &'a [Part<'a>] = if seg.content.is_empty() {
                bump.alloc_slice_copy(&[Part { kind: "text", text: Some(""), media: None }])
            } else {
                bump.alloc_slice_copy(&seg.content)
            };
            let r = ToolResult { id, name: self.calls.name_of(id), parts, ..ToolResult::default() };
            msg.content = concat_text(parts, bump);
            msg.tool_result = Some(&*bump.alloc(r));
        } else {
            match seg.content.as_slice() {
                [Part { kind: "text", text: Some(t), .. }] => msg.content = t,
                parts => msg.parts = bump.alloc_slice_copy(parts),
            }
        }
        self.out.push(msg);
    }
}

/// `{"input_tokens", "output_tokens", "cached_tokens"}` when the span has usage.
fn cost_info<'a>(u: &Usage, bump: &'a Bump) -> Option<RawJson<'a>> {
    if u.input.is_none() && u.output.is_none() && u.cached.is_none() {
        return None;
    }
    let s = bumpalo::format!(in bump,
        "{{\"input_tokens\":{},\"output_tokens\":{},\"cached_tokens\":{}}}",
        u.input.unwrap_or(0), u.output.unwrap_or(0), u.cached.unwrap_or(0));
    Some(RawJson(s.into_bump_str()))
}
