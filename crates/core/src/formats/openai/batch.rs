//! OpenAI Batch API lines (FORMATS-MORE.md section 3): request lines
//! (`{custom_id, method, url, body}`) and result lines (`{id, custom_id,
//! response: {status_code, request_id, body}, error}`), and the Responses
//! API items both may hold.

use bumpalo::collections::{String as BString, Vec as BVec};

use super::{
    decode_content, decode_message, decode_messages, extra_of, function_fields, probe_str, reasoning_text,
    role_of, tool_result, State, Vocab,
};
use crate::error::{Error, ErrorKind, Result};
use crate::formats::convert::concat_text;
use crate::formats::sorted_extras;
use crate::json::Cx;
use crate::model::{Extra, Format, Message, Metadata, RawJson, Recording, ToolCall};
use crate::time::Timestamp;

/// Decodes the OpenAI Batch request or result line at tape index `i`.
pub(crate) fn decode_batch<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    let Some(obj) = cx.obj(i, "the line")? else {
        return Err(cx.type_err(i, "an object", "the line"));
    };
    let (mut custom_id, mut body_v, mut response_v, mut error_v, mut url) = (None, None, None, None, "");
    let mut extras = BVec::new_in(cx.bump);
    for (k, v) in obj {
        match k {
            "custom_id" => custom_id = cx.str(v, "custom_id")?,
            "body" => body_v = Some(v),
            "response" => response_v = Some(v),
            "error" => error_v = Some(v),
            "url" => cx.set_str(v, "url", &mut url)?,
            _ => extras.push((k, extra_of(cx, v))),
        }
    }
    let Some(session_id) = custom_id else {
        return Err(Error::new(ErrorKind::Shape, "no \"custom_id\"").at(cx.offset_of(i)));
    };
    let mut st = State::new(cx);
    let mut out = Out { messages: &[], model: "", timestamp: Timestamp::ZERO };
    if let Some(b) = body_v {
        request(cx, b, url, &mut out, &mut extras, &mut st)?;
    } else if response_v.is_some() || error_v.is_some() {
        result(cx, i, response_v, error_v, &mut out, &mut extras, &mut st)?;
    } else {
        return Err(Error::new(ErrorKind::Shape, "neither \"body\" (a request) nor \"response\" (a result)")
            .at(cx.offset_of(i)));
    }
    let provider_info: &'a [(&'a str, &'a str)] =
        if out.model.is_empty() { &[] } else { cx.bump.alloc_slice_copy(&[("model", out.model)]) };
    let timestamps: &'a [Timestamp] = if out.timestamp.is_zero() {
        &[]
    } else {
        cx.bump.alloc_slice_fill_copy(out.messages.len(), out.timestamp)
    };
    let metadata = Metadata {
        session_id,
        provider_info,
        timestamps,
        extras: sorted_extras(extras),
        ..Metadata::default()
    };
    Ok(Recording {
        format: Format::OpenAiBatch,
        messages: out.messages,
        metadata,
        warnings: st.warnings.into_bump_slice(),
        skipped_events: &[],
    })
}

/// What a line's body gives the recording.
struct Out<'a> {
    messages: &'a [Message<'a>],
    model: &'a str,
    timestamp: Timestamp,
}

type Extras<'a> = BVec<'a, (&'a str, Extra<'a>)>;

/// A request line: the body as the endpoint `url` defines it.
fn request<'a>(
    cx: &Cx<'_, 'a>,
    b: usize,
    url: &'a str,
    out: &mut Out<'a>,
    extras: &mut Extras<'a>,
    st: &mut State<'a>,
) -> Result<()> {
    let Some(body) = cx.obj(b, "body")? else {
        return Err(Error::new(ErrorKind::Shape, "a request with a null \"body\"").at(cx.offset_of(b)));
    };
    #[derive(PartialEq)]
    enum Endpoint {
        Chat,
        Responses,
        Completions,
        Other,
    }
    let endpoint = match url {
        "/v1/chat/completions" => Endpoint::Chat,
        "/v1/responses" => Endpoint::Responses,
        "/v1/completions" => Endpoint::Completions,
        _ => Endpoint::Other,
    };
    let (mut messages_v, mut instructions_v, mut input_v, mut prompt_v) = (None, None, None, None);
    for (k, v) in body {
        match (k, &endpoint) {
            ("model", _) => cx.set_str(v, "model", &mut out.model)?,
            ("messages", Endpoint::Chat) => messages_v = Some(v),
            ("instructions", Endpoint::Responses) => instructions_v = Some(v),
            ("input", Endpoint::Responses) => input_v = Some(v),
            ("prompt", Endpoint::Completions) => prompt_v = Some(v),
            _ => extras.push((k, extra_of(cx, v))),
        }
    }
    match endpoint {
        Endpoint::Chat => {
            let Some(mv) = messages_v else {
                return Err(Error::new(ErrorKind::Shape, "no \"body.messages\"").at(cx.offset_of(b)));
            };
            out.messages = decode_messages(cx, mv, "body.messages", st)?;
        }
        Endpoint::Responses => {
            let mut msgs = BVec::new_in(cx.bump);
            if let Some(v) = instructions_v {
                if let Some(text) = cx.str(v, "body.instructions")? {
                    msgs.push(Message { role: "system", content: text, ..Message::default() });
                }
            }
            if let Some(v) = input_v {
                if let Some(text) = probe_str(cx, v) {
                    msgs.push(Message { role: "user", content: text, ..Message::default() });
                } else if !cx.is_null(v) {
                    if cx.arr(v, "body.input")?.is_none() {
                        return Err(cx.type_err(v, "a string or an array of items", "body.input"));
                    }
                    items(cx, v, "body.input", &mut msgs, st)?;
                }
            }
            out.messages = msgs.into_bump_slice();
        }
        Endpoint::Completions => {
            if let Some(v) = prompt_v {
                if let Some(text) = cx.str(v, "body.prompt")? {
                    out.messages = cx.bump.alloc_slice_copy(&[Message {
                        role: "user",
                        content: text,
                        ..Message::default()
                    }]);
                }
            }
        }
        Endpoint::Other => st.warn(cx, format_args!("no conversation (endpoint {url:?})")),
    }
    Ok(())
}

/// A result line: an error, or the response body as its `object` defines it.
fn result<'a>(
    cx: &Cx<'_, 'a>,
    i: usize,
    response_v: Option<usize>,
    error_v: Option<usize>,
    out: &mut Out<'a>,
    extras: &mut Extras<'a>,
    st: &mut State<'a>,
) -> Result<()> {
    if let Some(e) = error_v.filter(|&e| !cx.is_null(e)) {
        return Err(failed(cx, e, None));
    }
    let Some(resp) = response_v.filter(|&r| !cx.is_null(r)) else {
        return Err(Error::new(
            ErrorKind::FailedRequest,
            "no_response: the result has no response and no error",
        )
        .at(cx.offset_of(i)));
    };
    let Some(obj) = cx.obj(resp, "response")? else {
        return Err(cx.type_err(resp, "an object", "response"));
    };
    let (mut status, mut body_v) = (None, None);
    for (k, v) in obj {
        match k {
            "status_code" => status = cx.int(v, "response.status_code")?,
            "request_id" => extras.push(("request_id", extra_of(cx, v))),
            "body" => body_v = Some(v).filter(|&v| !cx.is_null(v)),
            _ => {}
        }
    }
    if let Some(code) = status.filter(|&c| c != 200) {
        let err = body_v.and_then(|b| {
            let obj = cx.obj(b, "body").ok().flatten()?;
            obj.into_iter().find(|(k, _)| *k == "error").map(|(_, v)| v)
        });
        return Err(match err {
            Some(e) => failed(cx, e, Some(code)),
            None => {
                Error::new(ErrorKind::FailedRequest, format!("{code}: the request failed with status {code}"))
                    .at(cx.offset_of(resp))
            }
        });
    }
    let Some(b) = body_v else {
        return Err(Error::new(ErrorKind::Shape, "a response without \"body\"").at(cx.offset_of(resp)));
    };
    let Some(body) = cx.obj(b, "response.body")? else {
        return Err(cx.type_err(b, "an object", "response.body"));
    };
    let (mut object, mut choices_v, mut output_v, mut usage_v, mut body_id) = ("", None, None, None, None);
    for (k, v) in body {
        match k {
            "object" => cx.set_str(v, "object", &mut object)?,
            "model" => cx.set_str(v, "model", &mut out.model)?,
            "created" | "created_at" => out.timestamp = unix_time(cx, v, k)?,
            "choices" => choices_v = Some(v),
            "output" => output_v = Some(v),
            "usage" => usage_v = Some(v),
            "id" => body_id = Some(v),
            _ => {}
        }
    }
    // The line's own `id` wins; the body's is kept when the line has none.
    if let Some(v) = body_id {
        if !extras.iter().any(|(k, _)| *k == "id") {
            extras.push(("id", extra_of(cx, v)));
        }
    }
    let mut msgs = BVec::new_in(cx.bump);
    match object {
        "chat.completion" | "text_completion" => {
            if let Some(v) = first_choice(cx, choices_v, st)? {
                msgs.push(choice_message(cx, v, object == "text_completion", st)?);
            }
        }
        "response" => {
            if let Some(v) = output_v.filter(|&v| !cx.is_null(v)) {
                items(cx, v, "body.output", &mut msgs, st)?;
            }
        }
        other => st.warn(cx, format_args!("no conversation (response object {other:?})")),
    }
    for m in msgs.iter_mut() {
        m.timestamp = out.timestamp;
    }
    if let Some(u) = usage_v {
        if let Some(m) = msgs.iter_mut().rev().find(|m| m.role == "assistant") {
            m.cost_info = cost_info(cx, u)?;
        }
    }
    out.messages = msgs.into_bump_slice();
    Ok(())
}

/// The `failed_request` error of an error object: `<code>: <message>`.
#[cold]
fn failed(cx: &Cx<'_, '_>, e: usize, status: Option<i64>) -> Error {
    let (mut code, mut message) = (None, None);
    if let Ok(Some(s)) = cx.str(e, "error") {
        message = Some(s.to_owned());
    } else if let Ok(Some(obj)) = cx.obj(e, "error") {
        for (k, v) in obj {
            match k {
                "code" if !cx.is_null(v) => code = Some(cx.str_or_raw(v).0.to_owned()),
                "message" if !cx.is_null(v) => message = Some(cx.str_or_raw(v).0.to_owned()),
                _ => {}
            }
        }
    }
    let code = code.or_else(|| status.map(|s| s.to_string())).unwrap_or_else(|| "error".to_owned());
    let message = message.unwrap_or_else(|| "the request failed".to_owned());
    Error::new(ErrorKind::FailedRequest, format!("{code}: {message}")).at(cx.offset_of(e))
}

/// Unix seconds (an integer or a number) as a timestamp.
fn unix_time(cx: &Cx<'_, '_>, v: usize, field: &str) -> Result<Timestamp> {
    // Years 1 to 9999, the range RFC 3339 output can write.
    const MIN: f64 = -62_135_596_800.0;
    const MAX: f64 = 253_402_300_799.0;
    if let Ok(Some(s)) = cx.int(v, field) {
        if (MIN as i64..=MAX as i64).contains(&s) {
            return Ok(Timestamp::from_parts(s, 0, 0));
        }
    }
    match cx.float(v, field)? {
        None => Ok(Timestamp::ZERO),
        Some(f) if (MIN..=MAX).contains(&f) => {
            let secs = f.floor();
            let nanos = ((f - secs) * 1e9) as u32;
            Ok(Timestamp::from_parts(secs as i64, nanos, 0))
        }
        Some(f) => Err(cx.value_err(v, "Unix seconds between years 1 and 9999", f.to_string(), field)),
    }
}

/// `choices[0]`, with a warning for the choices dropped.
fn first_choice<'a>(cx: &Cx<'_, 'a>, choices_v: Option<usize>, st: &mut State<'a>) -> Result<Option<usize>> {
    let Some(v) = choices_v else { return Ok(None) };
    let Some(mut choices) = cx.arr(v, "choices")? else { return Ok(None) };
    let n = choices.len();
    if n > 1 {
        st.warn(cx, format_args!("{n} choices: the first is kept, {} dropped", n - 1));
    }
    Ok(choices.next())
}

/// The assistant message of a choice: `message` (chat) or `text`
/// (completions), with its `finish_reason`.
fn choice_message<'a>(
    cx: &Cx<'_, 'a>,
    v: usize,
    text_completion: bool,
    st: &mut State<'a>,
) -> Result<Message<'a>> {
    let Some(obj) = cx.obj(v, "choices[0]")? else {
        return Err(cx.type_err(v, "an object", "choices[0]"));
    };
    let mut m = Message { role: "assistant", ..Message::default() };
    let mut finish = "";
    for (k, v) in obj {
        match k {
            "message" if !text_completion => {
                m = decode_message(cx, v, "choices", 0, Some("assistant"), st)
                    .map_err(|e| e.context("choices[0].message"))?;
            }
            "text" if text_completion => cx.set_str(v, "choices[0].text", &mut m.content)?,
            "finish_reason" => cx.set_str(v, "finish_reason", &mut finish)?,
            _ => {}
        }
    }
    m.finish_reason = finish;
    Ok(m)
}

/// `usage` as `types.CostInfo` JSON (token counts; costs 0).
fn cost_info<'a>(cx: &Cx<'_, 'a>, u: usize) -> Result<Option<RawJson<'a>>> {
    let Some(obj) = cx.obj(u, "usage")? else { return Ok(None) };
    let (mut input, mut output, mut cached) = (0i64, 0i64, 0i64);
    for (k, v) in obj {
        match k {
            "prompt_tokens" | "input_tokens" => cx.set_int(v, k, &mut input)?,
            "completion_tokens" | "output_tokens" => cx.set_int(v, k, &mut output)?,
            "prompt_tokens_details" | "input_tokens_details" => {
                for (k, v) in cx.obj(v, k)?.into_iter().flatten() {
                    if k == "cached_tokens" {
                        cx.set_int(v, "cached_tokens", &mut cached)?;
                    }
                }
            }
            _ => {}
        }
    }
    // Go's field order; `cached_tokens` is omitempty there.
    let s = if cached != 0 {
        bumpalo::format!(in cx.bump,
            "{{\"input_tokens\":{},\"output_tokens\":{},\"cached_tokens\":{},\"input_cost_usd\":0,\"output_cost_usd\":0,\"total_cost_usd\":0}}",
            input, output, cached)
    } else {
        bumpalo::format!(in cx.bump,
            "{{\"input_tokens\":{},\"output_tokens\":{},\"input_cost_usd\":0,\"output_cost_usd\":0,\"total_cost_usd\":0}}",
            input, output)
    };
    Ok(Some(RawJson(s.into_bump_str())))
}

/// Responses API items (a request's `input` list, a result's `output`),
/// appended to `msgs` in order.
fn items<'a>(
    cx: &Cx<'_, 'a>,
    v: usize,
    field: &'static str,
    msgs: &mut BVec<'a, Message<'a>>,
    st: &mut State<'a>,
) -> Result<()> {
    let Some(list) = cx.arr(v, field)? else {
        return Err(cx.type_err(v, "an array", field));
    };
    let bump = cx.bump;
    // Tool calls of the last message while it is an assistant message that
    // `function_call` items may still extend (one slice when it is closed).
    let mut open_calls: BVec<'a, ToolCall<'a>> = BVec::new_in(bump);
    // Reasoning summary waiting for the next assistant message.
    let mut reasoning: Option<RawJson<'a>> = None;
    let close = |msgs: &mut BVec<'a, Message<'a>>, open: &mut BVec<'a, ToolCall<'a>>| {
        if !open.is_empty() {
            if let Some(last) = msgs.last_mut() {
                last.tool_calls = std::mem::replace(open, BVec::new_in(bump)).into_bump_slice();
            }
        }
    };
    for (j, iv) in list.enumerate() {
        let r: Result<()> = (|| {
            let Some(obj) = cx.obj(iv, "item")? else {
                return Err(cx.type_err(iv, "an object", "item"));
            };
            let (mut kind, mut role_v, mut content_v) = (None, None, None);
            let (mut call_id, mut output_v, mut summary_v) = (None, None, None);
            for (k, v) in obj {
                match k {
                    "type" => kind = cx.str(v, "type")?,
                    "role" => role_v = Some(v),
                    "content" => content_v = Some(v),
                    "call_id" => call_id = cx.str(v, "call_id")?,
                    "output" => output_v = Some(v),
                    "summary" => summary_v = Some(v),
                    _ => {}
                }
            }
            match kind {
                None | Some("message") if role_v.is_some() || kind.is_some() => {
                    let role = role_of(cx, iv, role_v)?;
                    let (text, parts) = match content_v {
                        Some(c) => decode_content(cx, c, Vocab::Responses, field, j, st)?,
                        None => ("", &[][..]),
                    };
                    close(msgs, &mut open_calls);
                    let mut m = Message { role, content: text, parts, ..Message::default() };
                    if role == "tool" {
                        let r = tool_result(cx, None, None, text, parts, field, j, st);
                        m = Message { role, content: concat_text(r.parts, bump), ..Message::default() };
                        m.tool_result = Some(&*bump.alloc(r));
                    } else if role == "assistant" {
                        m.reasoning = reasoning.take();
                    }
                    msgs.push(m);
                }
                Some("function_call") => {
                    let (name, args) = function_fields(cx, iv, "item")?;
                    let id = st.calls.call(call_id, name, bump);
                    if msgs.last().is_none_or(|m| m.role != "assistant") {
                        close(msgs, &mut open_calls);
                        msgs.push(Message {
                            role: "assistant",
                            reasoning: reasoning.take(),
                            ..Message::default()
                        });
                    } else if open_calls.is_empty() {
                        // The assistant message may already have calls (never
                        // from Responses items, but keep them if so).
                        if let Some(last) = msgs.last() {
                            open_calls.extend_from_slice(last.tool_calls);
                        }
                    }
                    open_calls.push(ToolCall { id, name, args, provider_metadata: None });
                }
                Some("function_call_output") => {
                    let (text, parts) = match output_v {
                        Some(o) => match probe_str(cx, o) {
                            Some(s) => (s, &[][..]),
                            None if cx.is_null(o) => ("", &[][..]),
                            None => match cx.arr(o, "output") {
                                Ok(Some(_)) => decode_content(cx, o, Vocab::Responses, field, j, st)?,
                                // A non-string, non-list output: its compact JSON as text.
                                _ => (cx.raw(o).0, &[][..]),
                            },
                        },
                        None => ("", &[][..]),
                    };
                    close(msgs, &mut open_calls);
                    let r = tool_result(cx, call_id, None, text, parts, field, j, st);
                    let m = Message {
                        role: "tool",
                        content: concat_text(r.parts, bump),
                        tool_result: Some(&*bump.alloc(r)),
                        ..Message::default()
                    };
                    msgs.push(m);
                }
                Some("reasoning") => {
                    if let Some(text) = summary_text(cx, summary_v, content_v)? {
                        reasoning = Some(text);
                    }
                }
                other => {
                    let what = other.unwrap_or("");
                    st.warn(cx, format_args!("{field}[{j}]: unknown Responses item type {what:?}; skipped"));
                }
            }
            Ok(())
        })();
        r.map_err(|e| e.context(format_args!("{field}[{j}]")))?;
    }
    close(msgs, &mut open_calls);
    Ok(())
}

/// The text of a `reasoning` item: its `summary` texts (or, without them,
/// its `content` texts), joined with `\n`, as `{"text": ...}`.
fn summary_text<'a>(
    cx: &Cx<'_, 'a>,
    summary_v: Option<usize>,
    content_v: Option<usize>,
) -> Result<Option<RawJson<'a>>> {
    for v in [summary_v, content_v].into_iter().flatten() {
        let Some(list) = cx.arr(v, "summary")? else { continue };
        let mut texts: BVec<'a, usize> = BVec::new_in(cx.bump);
        for p in list {
            for (k, tv) in cx.obj(p, "summary")?.into_iter().flatten() {
                if k == "text" && cx.str(tv, "text")?.is_some() {
                    texts.push(tv);
                }
            }
        }
        match texts.as_slice() {
            [] => continue,
            [one] => return Ok(Some(reasoning_text(cx, *one))),
            many => {
                // Join the unescaped texts, then write them as one JSON string.
                let mut joined = BString::new_in(cx.bump);
                for (n, &tv) in many.iter().enumerate() {
                    if n > 0 {
                        joined.push('\n');
                    }
                    joined.push_str(cx.str(tv, "text")?.unwrap_or(""));
                }
                let mut s = BString::from_str_in("{\"text\":", cx.bump);
                push_json_string(&mut s, &joined);
                s.push('}');
                return Ok(Some(RawJson(s.into_bump_str())));
            }
        }
    }
    Ok(None)
}

/// Writes `text` as a JSON string (only the escapes JSON requires).
fn push_json_string(out: &mut BString<'_>, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
