//! ShareGPT conversations (FORMATS-MORE.md section 4): FastChat's
//! `{"id", "conversations": [{"from": "human", "value": ...}]}` and
//! LLaMA-Factory's variant with `function_call` / `observation` turns and
//! top-level `system` and `tools` keys, also with `role`/`content` tags.
//!
//! One object is one recording. A `function_call` turn's `value` is a JSON
//! string that holds JSON (`{name, arguments}` or an array of them): it is
//! copied into the arena with simd-json's padding and parsed there, so the
//! call names and argument texts live in the arena like every other string.

use bumpalo::collections::Vec as BVec;
use simd_json::{Buffers, Tape};

use crate::error::{Error, ErrorKind, Result};
use crate::formats::calls::Calls;
use crate::formats::convert::{text_tool_result, tool_call, tool_result_message};
use crate::formats::sorted_extras;
use crate::input::PADDING;
use crate::json::{Cx, Scratch};
use crate::model::{Extra, Format, Message, Metadata, RawJson, Recording, ToolCall};
use crate::time::Timestamp;

#[cfg(test)]
mod tests;

/// The speakers of section 4's table, for error messages.
const SPEAKERS: &str = "human, user, gpt, assistant, chatgpt, bard, bing, model, system, \
                        function_call, observation, tool, function_response";

/// What a turn's speaker maps to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Speaker {
    /// A plain text message with this model role.
    Text(&'static str),
    /// An assistant message whose `value` holds the tool calls as JSON.
    Call,
    /// A tool result (`observation`, `tool`, `function_response`).
    Result,
}

fn speaker(from: &str) -> Option<Speaker> {
    Some(match from {
        "human" | "user" => Speaker::Text("user"),
        "gpt" | "assistant" | "chatgpt" | "bard" | "bing" | "model" => Speaker::Text("assistant"),
        "system" => Speaker::Text("system"),
        "function_call" => Speaker::Call,
        "observation" | "tool" | "function_response" => Speaker::Result,
        _ => return None,
    })
}

/// Decodes the ShareGPT object at tape index `i` (one recording).
pub(crate) fn decode<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    const WHAT: &str = "the ShareGPT conversation";
    let Some(obj) = cx.obj(i, WHAT)? else {
        return Err(cx.type_err(i, "an object", WHAT));
    };
    let bump = cx.bump;
    let mut conversations = None;
    let mut system = None;
    let mut session_id = "";
    let mut extras = BVec::new_in(bump);
    for (k, v) in obj {
        // Keys of the new formats match case-sensitively (section 1.2).
        match k {
            "conversations" => conversations = Some(v),
            "system" => system = cx.str(v, "system")?,
            "id" => session_id = id_text(cx, v),
            _ => extras.push((k, extra(cx, v))),
        }
    }
    let Some(conv) = conversations else {
        return Err(Error::new(
            ErrorKind::Shape,
            "missing \"conversations\" (a ShareGPT object needs its list of turns)",
        )
        .at(cx.offset_of(i)));
    };
    let Some(turns) = cx.arr(conv, "conversations")? else {
        return Err(cx.type_err(conv, "an array", "conversations"));
    };
    let system = system.filter(|s| !s.is_empty());
    let n = turns.len() + usize::from(system.is_some());
    let messages = cx.alloc_items(conv, n, Message::default())?;
    let mut count = 0;
    if let Some(text) = system {
        messages[0] = Message { role: "system", content: text, ..Message::default() };
        count = 1;
    }
    let mut state = State { calls: Calls::new(), warnings: BVec::new_in(bump), embedded: None };
    for (t, tv) in turns.enumerate() {
        let m = decode_turn(cx, tv, t, &mut state)?;
        if let Some(slot) = messages.get_mut(count) {
            *slot = m;
            count += 1;
        }
    }
    let metadata = Metadata { session_id, extras: sorted_extras(extras), ..Metadata::default() };
    Ok(Recording {
        format: Format::ShareGpt,
        messages: &messages[..count],
        metadata,
        warnings: state.warnings.into_bump_slice(),
        skipped_events: &[],
    })
}

/// What one recording's turns share.
struct State<'a> {
    calls: Calls<'a>,
    warnings: BVec<'a, &'a str>,
    /// The parser for `function_call` values, made on first use.
    embedded: Option<Embedded>,
}

/// `session_id`: the `id` when it is a string or an integer, else empty.
fn id_text<'a>(cx: &Cx<'_, 'a>, v: usize) -> &'a str {
    if let Ok(Some(s)) = cx.str(v, "id") {
        return s;
    }
    match cx.int(v, "id") {
        Ok(Some(n)) => bumpalo::format!(in cx.bump, "{}", n).into_bump_str(),
        _ => "",
    }
}

/// A top-level key the mapping does not use, for `metadata.extras`.
fn extra<'a>(cx: &Cx<'_, 'a>, v: usize) -> Extra<'a> {
    match cx.str(v, "") {
        Ok(Some(s)) => Extra::Str(s),
        _ => Extra::Json(cx.raw(v)),
    }
}

/// Decodes turn `t` (at tape index `tv`) into one message.
fn decode_turn<'a>(cx: &Cx<'_, 'a>, tv: usize, t: usize, st: &mut State<'a>) -> Result<Message<'a>> {
    let Some(obj) = cx.obj(tv, "conversations")? else {
        return Err(cx.type_err(tv, "an object", &format!("conversations[{t}]")));
    };
    let bump = cx.bump;
    let (mut from, mut role) = (None, None);
    let (mut value, mut content) = (None, None);
    // Keys the mapping does not use (`weight`, ...), for `Message.meta`.
    let mut meta: Option<bumpalo::collections::String<'a>> = None;
    for (k, v) in obj {
        match k {
            "from" => from = Some(v),
            "role" => role = Some(v),
            "value" => value = Some(v),
            "content" => content = Some(v),
            _ => {
                let s = meta.get_or_insert_with(|| bumpalo::collections::String::from_str_in("{", bump));
                if s.len() > 1 {
                    s.push(',');
                }
                let mut key = String::new();
                crate::write::write_str_plain(&mut key, k);
                s.push_str(&key);
                s.push(':');
                s.push_str(cx.raw(v).as_str());
            }
        }
    }
    let meta = meta.map(|mut s| {
        s.push('}');
        RawJson(s.into_bump_str())
    });
    // `from`/`value` win over the Hugging Face `role`/`content` tags.
    let Some(who) = from.or(role) else {
        return Err(Error::new(
            ErrorKind::Shape,
            format!("conversations[{t}]: missing \"from\" (or \"role\")"),
        )
        .at(cx.offset_of(tv)));
    };
    let field = if from.is_some() { "from" } else { "role" };
    let Some(name) = cx.str(who, field)? else {
        return Err(cx.type_err(who, "a string", &format!("conversations[{t}].{field}")));
    };
    let Some(sp) = speaker(name) else {
        let found = format!("{:?}", truncate(name, 64));
        let msg = format!("unknown speaker {found} at conversations[{t}] (known: {SPEAKERS})");
        return Err(Error::expected(ErrorKind::Value, "a ShareGPT speaker", found, msg).at(cx.offset_of(who)));
    };
    let text = match value.or(content) {
        None => "",
        Some(v) => match cx.str(v, "value") {
            Ok(s) => s.unwrap_or(""),
            Err(_) => {
                let field = if value.is_some() { "value" } else { "content" };
                return Err(cx.type_err(v, "a string", &format!("conversations[{t}].{field}")));
            }
        },
    };
    let mut m = match sp {
        Speaker::Text(role) => Message { role, content: text, ..Message::default() },
        Speaker::Call => {
            let at = value.or(content).unwrap_or(tv);
            let tool_calls = decode_calls(cx, at, t, text, st)?;
            Message { role: "assistant", tool_calls, ..Message::default() }
        }
        Speaker::Result => {
            let id = match st.calls.answer() {
                Some(id) => id,
                None => {
                    let w = bumpalo::format!(in bump,
                        "conversations[{}]: the {} turn answers no pending tool call; its tool_result.id is \"\"",
                        t, name);
                    st.warnings.push(w.into_bump_str());
                    ""
                }
            };
            let r = text_tool_result(id, st.calls.name_of(id), text, bump);
            tool_result_message(r, Timestamp::ZERO, bump)
        }
    };
    m.meta = meta;
    Ok(m)
}

/// The tool calls of a `function_call` turn: `text` (the turn's value, at
/// tape index `at`) parsed as JSON, an object `{name, arguments}` or an
/// array of them; ids synthesized.
fn decode_calls<'a>(
    cx: &Cx<'_, 'a>,
    at: usize,
    t: usize,
    text: &'a str,
    st: &mut State<'a>,
) -> Result<&'a [ToolCall<'a>]> {
    let bad = |why: &str| {
        let found = format!("{why}: {:?}", truncate(text, 64));
        cx.value_err(
            at,
            "a JSON object {name, arguments} or an array of them",
            found,
            &format!("conversations[{t}].value"),
        )
    };
    // Room for the copy and for the compact argument texts (no longer than the text).
    cx.check_arena(at, text.len().saturating_mul(2).saturating_add(PADDING))?;
    let embedded = st.embedded.get_or_insert_with(Embedded::new);
    let parsed = embedded.parse(cx.bump, text, |inner| {
        let root = inner.root();
        let mut out = BVec::new_in(cx.bump);
        if let Ok(Some(items)) = inner.arr(root, "") {
            for item in items {
                out.push(one_call(inner, item)?);
            }
        } else {
            out.push(one_call(inner, root)?);
        }
        Ok(out)
    });
    let calls = match parsed {
        Ok(calls) => calls,
        Err(why) => return Err(bad(why)),
    };
    let out = cx.alloc_items(at, calls.len(), ToolCall::default())?;
    for (slot, (name, args)) in out.iter_mut().zip(calls) {
        let id = st.calls.call(None, name, cx.bump);
        *slot = tool_call(id, name, args);
    }
    Ok(out)
}

/// One `{name, arguments}` object: the name, and the arguments as given
/// (a string) or as compact JSON (anything else).
fn one_call<'a>(inner: &Cx<'_, 'a>, i: usize) -> std::result::Result<(&'a str, RawJson<'a>), &'static str> {
    let Ok(Some(obj)) = inner.obj(i, "") else {
        return Err("not a JSON object");
    };
    let (mut name, mut args) = (None, None);
    for (k, v) in obj {
        match k {
            "name" => name = Some(v),
            "arguments" => args = Some(v),
            _ => {}
        }
    }
    let name = match name.map(|v| inner.str(v, "name")) {
        Some(Ok(Some(s))) => s,
        Some(_) => return Err("a call whose \"name\" is not a string"),
        None => return Err("a call without \"name\""),
    };
    match args {
        Some(v) if !inner.is_null(v) => Ok((name, inner.str_or_raw(v))),
        _ => Err("a call without \"arguments\""),
    }
}

/// A reusable simd-json parser for JSON held in strings.
struct Embedded {
    buffers: Buffers,
    tape: Tape<'static>,
    scratch: Scratch,
}

impl Embedded {
    fn new() -> Self {
        Embedded { buffers: Buffers::new(0), tape: Tape(Vec::new()), scratch: Scratch::default() }
    }

    /// Copies `text` into the arena with simd-json's padding, parses it
    /// there and runs `f` on the document (its strings live in the arena).
    /// Invalid JSON gives `Err` with the reason.
    fn parse<'a, T>(
        &mut self,
        bump: &'a bumpalo::Bump,
        text: &str,
        f: impl for<'t> FnOnce(&Cx<'t, 'a>) -> std::result::Result<T, &'static str>,
    ) -> std::result::Result<T, &'static str> {
        let len = text.len();
        let buf: &'a mut [u8] = bump.alloc_slice_fill_copy(len.saturating_add(PADDING), b' ');
        if let Some(dst) = buf.get_mut(..len) {
            dst.copy_from_slice(text.as_bytes());
        }
        let mut tape: Tape<'a> = std::mem::replace(&mut self.tape, Tape(Vec::new())).reset();
        let result = if crate::json::parse(buf, len, &mut self.buffers, &mut tape).is_err() {
            Err("not valid JSON")
        } else {
            // The caller checked the arena budget for this value.
            let inner = Cx::new(&tape, &self.buffers, bump, std::mem::take(&mut self.scratch), usize::MAX);
            let r = f(&inner);
            self.scratch = inner.into_scratch();
            r
        };
        self.tape = tape.reset();
        result
    }
}

/// `s` cut to at most `max` bytes at a character boundary (for messages).
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}
