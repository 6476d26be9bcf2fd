//! OpenAI chat messages (FORMATS-MORE.md section 2) and OpenAI Batch API
//! files (section 3, in [`batch`]).
//!
//! One chat object `{"messages": [...], ...}` is one recording. The decoder
//! walks the tape once: every source message becomes exactly one model
//! message, so the message list is one arena slice of the source's length,
//! and strings are borrowed from the tape. Keys are matched case-sensitively.

mod batch;
#[cfg(test)]
mod tests;

pub(crate) use batch::decode_batch;

use std::fmt;

use bumpalo::collections::{String as BString, Vec as BVec};

use crate::error::{Error, ErrorKind, Result};
use crate::formats::calls::Calls;
use crate::formats::convert::concat_text;
use crate::formats::sorted_extras;
use crate::json::Cx;
use crate::model::{Extra, Format, Media, Message, Metadata, Part, RawJson, Recording, ToolCall, ToolResult};

/// What one recording accumulates besides its messages: the tool calls seen
/// so far (for synthesized ids and result names) and the warnings.
struct State<'a> {
    calls: Calls<'a>,
    warnings: BVec<'a, &'a str>,
}

impl<'a> State<'a> {
    fn new(cx: &Cx<'_, 'a>) -> Self {
        State { calls: Calls::new(), warnings: BVec::new_in(cx.bump) }
    }

    #[cold]
    fn warn(&mut self, cx: &Cx<'_, 'a>, args: fmt::Arguments<'_>) {
        let s = bumpalo::format!(in cx.bump, "{}", args).into_bump_str();
        self.warnings.push(s);
    }
}

/// The two vocabularies of content parts: Chat Completions (`text`,
/// `image_url`, ...) and Responses (`input_text`, `input_image`, ...).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Vocab {
    Chat,
    Responses,
}

/// Decodes the OpenAI chat object at tape index `i` (one recording).
pub(crate) fn decode_chat<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    let Some(obj) = cx.obj(i, "the recording")? else {
        return Err(cx.type_err(i, "an object", "the recording"));
    };
    let mut st = State::new(cx);
    let mut messages_v = None;
    let mut session_id = "";
    let mut extras = BVec::new_in(cx.bump);
    for (k, v) in obj {
        match k {
            "messages" => messages_v = Some(v),
            "id" => session_id = id_text(cx, v),
            _ => extras.push((k, extra_of(cx, v))),
        }
    }
    let Some(mv) = messages_v else {
        return Err(Error::new(ErrorKind::Shape, "no \"messages\" key").at(cx.offset_of(i)));
    };
    let messages = decode_messages(cx, mv, "messages", &mut st)?;
    let metadata = Metadata { session_id, extras: sorted_extras(extras), ..Metadata::default() };
    Ok(Recording {
        format: Format::OpenAiChat,
        messages,
        metadata,
        warnings: st.warnings.into_bump_slice(),
        skipped_events: &[],
    })
}

/// A string id as is, an integer id in decimal, anything else empty.
fn id_text<'a>(cx: &Cx<'_, 'a>, v: usize) -> &'a str {
    if cx.is_null(v) {
        return "";
    }
    // The compact JSON tells the type without building an error (ids are short).
    let raw = cx.raw(v).0;
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if raw.starts_with('"') {
        cx.str(v, "id").ok().flatten().unwrap_or("")
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        raw
    } else {
        ""
    }
}

/// An extras value: a string as itself, anything else as compact JSON.
fn extra_of<'a>(cx: &Cx<'_, 'a>, v: usize) -> Extra<'a> {
    // Probing with `cx.str` would build (and locate) an error for every
    // non-string; the compact text is needed for those anyway.
    let raw = cx.raw(v);
    if raw.0.starts_with('"') {
        if let Ok(Some(s)) = cx.str(v, "") {
            return Extra::Str(s);
        }
    }
    Extra::Json(raw)
}

/// The string at `v`, or `None` for any other value.
///
/// `Cx` has no type probe, so a non-string goes through `cx.str`'s error
/// (which locates itself by walking the tape): only call this where a
/// string is the common case.
fn probe_str<'a>(cx: &Cx<'_, 'a>, v: usize) -> Option<&'a str> {
    if cx.is_str(v) {
        cx.str(v, "").ok().flatten()
    } else {
        None
    }
}

/// Decodes a `messages` array (section 2), one model message per element.
fn decode_messages<'a>(
    cx: &Cx<'_, 'a>,
    v: usize,
    field: &'static str,
    st: &mut State<'a>,
) -> Result<&'a [Message<'a>]> {
    let Some(items) = cx.arr(v, field)? else {
        return Err(cx.type_err(v, "an array", field));
    };
    let out = cx.alloc_items(v, items.len(), Message::default())?;
    for (j, (m, mv)) in out.iter_mut().zip(items).enumerate() {
        *m = decode_message(cx, mv, field, j, None, st)
            .map_err(|e| e.context(format_args!("{field}[{j}]")))?;
    }
    Ok(out)
}

/// The model role of a source role (section 2's table).
fn map_role(role: &str) -> Option<&'static str> {
    Some(match role {
        "system" | "developer" => "system",
        "user" => "user",
        "assistant" => "assistant",
        "tool" | "function" => "tool",
        _ => return None,
    })
}

/// The role of the message at `i`: required, and one of the table's.
fn role_of(cx: &Cx<'_, '_>, i: usize, v: Option<usize>) -> Result<&'static str> {
    let role = match v {
        Some(v) => cx.str(v, "role")?,
        None => None,
    };
    let Some(role) = role else {
        return Err(Error::new(ErrorKind::Shape, "a message without a \"role\"").at(cx.offset_of(i)));
    };
    match map_role(role) {
        Some(r) => Ok(r),
        None => Err(unknown_role(cx, v.unwrap_or(i), role)),
    }
}

#[cold]
fn unknown_role(cx: &Cx<'_, '_>, v: usize, role: &str) -> Error {
    let found = format!("{:?}", truncate(role, 64));
    let msg = format!("unknown role {found} (expected system, developer, user, assistant, tool or function)");
    Error::expected(ErrorKind::Value, "system, developer, user, assistant, tool or function", found, msg)
        .at(cx.offset_of(v))
}

/// Decodes one Chat Completions message object (`j` is its index in
/// `field`, for warnings). `default_role` is used when the object has no
/// role (a Batch result's `choices[0].message`).
fn decode_message<'a>(
    cx: &Cx<'_, 'a>,
    i: usize,
    field: &'static str,
    j: usize,
    default_role: Option<&'static str>,
    st: &mut State<'a>,
) -> Result<Message<'a>> {
    let Some(obj) = cx.obj(i, "message")? else {
        return Err(cx.type_err(i, "an object", "message"));
    };
    // Keys come in any order and the role decides what the others mean:
    // note where each value is first (no allocation), then map.
    let (mut role_v, mut content_v, mut tool_calls_v, mut function_call_v) = (None, None, None, None);
    let (mut refusal_v, mut tool_call_id_v, mut name_v, mut weight_v, mut reasoning_v) =
        (None, None, None, None, None);
    for (k, v) in obj {
        match k {
            "role" => role_v = Some(v),
            "content" => content_v = Some(v),
            "tool_calls" => tool_calls_v = Some(v),
            "function_call" => function_call_v = Some(v),
            "refusal" => refusal_v = Some(v),
            "tool_call_id" => tool_call_id_v = Some(v),
            "name" => name_v = Some(v),
            "weight" => weight_v = Some(v),
            // Reasoning as open-weight chat templates write it (not text).
            "reasoning_content" | "reasoning" => reasoning_v = Some(v),
            _ => {}
        }
    }
    let role = match (role_v, default_role) {
        (None, Some(r)) => r,
        _ => role_of(cx, i, role_v)?,
    };
    let (mut content, parts) = match content_v {
        Some(v) => decode_content(cx, v, Vocab::Chat, field, j, st)?,
        None => ("", &[][..]),
    };
    let mut m = Message { role, ..Message::default() };
    if role == "assistant" && content.is_empty() && parts.is_empty() {
        if let Some(r) = refusal_v.and_then(|v| probe_str(cx, v)) {
            content = r;
        }
    }
    m.tool_calls = decode_tool_calls(cx, tool_calls_v, function_call_v, st)?;
    if let Some(v) = reasoning_v {
        m.reasoning = reasoning_json(cx, v)?;
    }
    if role == "tool" {
        let id = match tool_call_id_v {
            Some(v) => cx.str(v, "tool_call_id")?,
            None => None,
        };
        let name = match name_v {
            Some(v) => cx.str(v, "name")?,
            None => None,
        };
        let r = tool_result(cx, id, name, content, parts, field, j, st);
        m.content = concat_text(r.parts, cx.bump);
        m.tool_result = Some(&*cx.bump.alloc(r));
        m.meta = meta_json(cx, None, weight_v);
    } else {
        m.content = content;
        m.parts = parts;
        m.meta = meta_json(cx, name_v, weight_v);
    }
    Ok(m)
}

/// The tool result of a `tool` / `function` message or a Responses
/// `function_call_output`: `id` by the synthesized-id rule when absent.
#[allow(clippy::too_many_arguments)]
fn tool_result<'a>(
    cx: &Cx<'_, 'a>,
    id: Option<&'a str>,
    name: Option<&'a str>,
    text: &'a str,
    parts: &'a [Part<'a>],
    field: &str,
    j: usize,
    st: &mut State<'a>,
) -> ToolResult<'a> {
    let id = match id.filter(|id| !id.is_empty()) {
        Some(id) => {
            st.calls.answered(id);
            id
        }
        None => {
            match st.calls.answer() {
                Some(id) => id,
                None => {
                    st.warn(cx, format_args!("{field}[{j}]: a tool result without an id answers no earlier call; its id is \"\""));
                    ""
                }
            }
        }
    };
    let name = match name {
        Some(n) if !n.is_empty() => n,
        _ => st.calls.name_of(id),
    };
    let parts = if parts.is_empty() {
        cx.bump.alloc_slice_copy(&[Part { kind: "text", text: Some(text), media: None }])
    } else {
        parts
    };
    ToolResult { id, name, parts, ..ToolResult::default() }
}

/// `Message.meta` from `name` and `weight`, in document order.
fn meta_json<'a>(cx: &Cx<'_, 'a>, name_v: Option<usize>, weight_v: Option<usize>) -> Option<RawJson<'a>> {
    let mut keys = [("name", name_v), ("weight", weight_v)];
    if keys.iter().all(|(_, v)| v.is_none()) {
        return None;
    }
    keys.sort_by_key(|(_, v)| *v);
    let mut s = BString::new_in(cx.bump);
    for (k, v) in keys {
        let Some(v) = v else { continue };
        s.push(if s.is_empty() { '{' } else { ',' });
        s.push('"');
        s.push_str(k);
        s.push_str("\":");
        s.push_str(cx.raw(v).0);
    }
    s.push('}');
    Some(RawJson(s.into_bump_str()))
}

/// `Message.reasoning` (`{"text": ...}`) from a reasoning string.
fn reasoning_json<'a>(cx: &Cx<'_, 'a>, v: usize) -> Result<Option<RawJson<'a>>> {
    match cx.str(v, "reasoning")? {
        Some(t) if !t.is_empty() => Ok(Some(reasoning_text(cx, v))),
        _ => Ok(None),
    }
}

/// `{"text": <the string at v>}` (the string node's JSON text is its escape).
fn reasoning_text<'a>(cx: &Cx<'_, 'a>, v: usize) -> RawJson<'a> {
    let mut s = BString::from_str_in("{\"text\":", cx.bump);
    s.push_str(cx.raw(v).0);
    s.push('}');
    RawJson(s.into_bump_str())
}

/// Content: a string, null, or a list of parts. A list with exactly one
/// text part is returned as text (1.3 allows it; export then writes the text).
fn decode_content<'a>(
    cx: &Cx<'_, 'a>,
    v: usize,
    vocab: Vocab,
    field: &str,
    j: usize,
    st: &mut State<'a>,
) -> Result<(&'a str, &'a [Part<'a>])> {
    if let Some(s) = probe_str(cx, v) {
        return Ok((s, &[]));
    }
    if cx.is_null(v) {
        return Ok(("", &[]));
    }
    let Ok(Some(items)) = cx.arr(v, "content") else {
        // An arena-limit error on a huge array keeps its kind.
        cx.arr(v, "content")?;
        return Err(cx.type_err(v, "a string, null or an array of content parts", "content"));
    };
    let out = cx.alloc_items(v, items.len(), Part::default())?;
    let mut n = 0;
    for (p, pv) in items.enumerate() {
        if let Some(part) = decode_part(cx, pv, vocab, field, j, p, st)? {
            if let Some(slot) = out.get_mut(n) {
                *slot = part;
                n += 1;
            }
        }
    }
    let parts = &out[..n];
    match parts {
        [Part { kind: "text", text: Some(t), media: None }] => Ok((t, &[])),
        _ => Ok(("", parts)),
    }
}

/// The value indexes of a content part's keys (any order in the file).
#[derive(Default)]
struct PartKeys {
    kind: Option<usize>,
    text: Option<usize>,
    refusal: Option<usize>,
    image_url: Option<usize>,
    input_audio: Option<usize>,
    file: Option<usize>,
    file_id: Option<usize>,
    file_data: Option<usize>,
    file_url: Option<usize>,
    filename: Option<usize>,
    detail: Option<usize>,
    data: Option<usize>,
    format: Option<usize>,
}

fn part_keys(cx: &Cx<'_, '_>, i: usize, what: &str) -> Result<PartKeys> {
    let Some(obj) = cx.obj(i, what)? else {
        return Err(cx.type_err(i, "an object", what));
    };
    let mut k = PartKeys::default();
    for (key, v) in obj {
        let slot = match key {
            "type" => &mut k.kind,
            "text" => &mut k.text,
            "refusal" => &mut k.refusal,
            "image_url" => &mut k.image_url,
            "input_audio" => &mut k.input_audio,
            "file" => &mut k.file,
            "file_id" => &mut k.file_id,
            "file_data" => &mut k.file_data,
            "file_url" => &mut k.file_url,
            "filename" => &mut k.filename,
            "detail" => &mut k.detail,
            "data" => &mut k.data,
            "format" => &mut k.format,
            _ => continue,
        };
        *slot = Some(v);
    }
    Ok(k)
}

/// An optional string field by value index.
fn opt_str<'a>(cx: &Cx<'_, 'a>, v: Option<usize>, field: &str) -> Result<Option<&'a str>> {
    match v {
        Some(v) => cx.str(v, field),
        None => Ok(None),
    }
}

/// One content part; `None` (with a warning) for a type this adapter does
/// not map.
fn decode_part<'a>(
    cx: &Cx<'_, 'a>,
    i: usize,
    vocab: Vocab,
    field: &str,
    j: usize,
    p: usize,
    st: &mut State<'a>,
) -> Result<Option<Part<'a>>> {
    let k = part_keys(cx, i, "content part")?;
    let kind = opt_str(cx, k.kind, "type")?.unwrap_or("");
    let text_part =
        |t: Option<&'a str>| Some(Part { kind: "text", text: Some(t.unwrap_or("")), media: None });
    let media_part =
        |kind: &'static str, m: Media<'a>| Some(Part { kind, text: None, media: Some(&*cx.bump.alloc(m)) });
    let part = match (vocab, kind) {
        (Vocab::Chat, "text") | (Vocab::Responses, "input_text" | "output_text" | "text") => {
            text_part(opt_str(cx, k.text, "text")?)
        }
        (_, "refusal") => text_part(opt_str(cx, k.refusal, "refusal")?),
        (Vocab::Chat, "image_url") => {
            let mut m = Media::default();
            if let Some(v) = k.image_url {
                // `{url, detail}`; a bare URL string is accepted too.
                match probe_str(cx, v) {
                    Some(url) => m = media_of_uri(url),
                    None => {
                        if let Some(obj) = cx.obj(v, "image_url")? {
                            let (mut url, mut detail) = (None, None);
                            for (key, v) in obj {
                                match key {
                                    "url" => url = cx.str(v, "url")?,
                                    "detail" => detail = cx.str(v, "detail")?,
                                    _ => {}
                                }
                            }
                            m = url.map(media_of_uri).unwrap_or_default();
                            m.detail = detail;
                        }
                    }
                }
            }
            media_part("image", m)
        }
        (Vocab::Responses, "input_image") => {
            let mut m = match opt_str(cx, k.image_url, "image_url")? {
                Some(url) => media_of_uri(url),
                None => Media { storage_reference: opt_str(cx, k.file_id, "file_id")?, ..Media::default() },
            };
            m.detail = opt_str(cx, k.detail, "detail")?;
            media_part("image", m)
        }
        (_, "input_audio") => {
            // Chat: `{input_audio: {data, format}}`; flat `{data, format}` too.
            let (mut data, mut format) = (opt_str(cx, k.data, "data")?, opt_str(cx, k.format, "format")?);
            if let Some(v) = k.input_audio {
                if let Some(obj) = cx.obj(v, "input_audio")? {
                    for (key, v) in obj {
                        match key {
                            "data" => data = cx.str(v, "data")?,
                            "format" => format = cx.str(v, "format")?,
                            _ => {}
                        }
                    }
                }
            }
            let m =
                Media { data, mime_type: audio_mime(cx, format.unwrap_or("")), format, ..Media::default() };
            media_part("audio", m)
        }
        (Vocab::Chat, "file") => {
            let (mut data, mut id, mut name) = (None, None, None);
            if let Some(v) = k.file {
                if let Some(obj) = cx.obj(v, "file")? {
                    for (key, v) in obj {
                        match key {
                            "file_data" => data = cx.str(v, "file_data")?,
                            "file_id" => id = cx.str(v, "file_id")?,
                            "filename" => name = cx.str(v, "filename")?,
                            _ => {}
                        }
                    }
                }
            }
            media_part("document", file_media(data, id, None, name))
        }
        (Vocab::Responses, "input_file") => {
            let data = opt_str(cx, k.file_data, "file_data")?;
            let id = opt_str(cx, k.file_id, "file_id")?;
            let url = opt_str(cx, k.file_url, "file_url")?;
            let name = opt_str(cx, k.filename, "filename")?;
            media_part("document", file_media(data, id, url, name))
        }
        _ => {
            st.warn(
                cx,
                format_args!("{field}[{j}].content[{p}]: unknown content part type {kind:?}; skipped"),
            );
            None
        }
    };
    Ok(part)
}

/// Media of a URI: a `data:<mime>;base64,<data>` URI gives data and MIME
/// type, any other URI a URL.
fn media_of_uri(uri: &str) -> Media<'_> {
    if let Some(rest) = uri.strip_prefix("data:") {
        if let Some((head, data)) = rest.split_once(',') {
            if let Some(mime) = head.strip_suffix(";base64") {
                return Media { data: Some(data), mime_type: mime, ..Media::default() };
            }
        }
    }
    Media { url: Some(uri), ..Media::default() }
}

/// A document: inline data (a data URI or bare base64), a URL, or a
/// provider file id; the file name is kept as the caption.
fn file_media<'a>(
    data: Option<&'a str>,
    id: Option<&'a str>,
    url: Option<&'a str>,
    name: Option<&'a str>,
) -> Media<'a> {
    let mut m = match (data.filter(|d| !d.is_empty()), url.filter(|u| !u.is_empty())) {
        (Some(d), _) if d.starts_with("data:") => media_of_uri(d),
        (Some(d), _) => Media { data: Some(d), ..Media::default() },
        (None, Some(u)) => media_of_uri(u),
        (None, None) => Media { storage_reference: id, ..Media::default() },
    };
    m.caption = name;
    m
}

/// `audio/<format>`, with `mp3` as `audio/mpeg`.
fn audio_mime<'a>(cx: &Cx<'_, 'a>, format: &str) -> &'a str {
    match format {
        "" => "",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        f => bumpalo::format!(in cx.bump, "audio/{}", f).into_bump_str(),
    }
}

/// `tool_calls[]` and a legacy `function_call` (one more call, after them,
/// with a synthesized id).
fn decode_tool_calls<'a>(
    cx: &Cx<'_, 'a>,
    tool_calls_v: Option<usize>,
    function_call_v: Option<usize>,
    st: &mut State<'a>,
) -> Result<&'a [ToolCall<'a>]> {
    let items = match tool_calls_v {
        Some(v) => cx.arr(v, "tool_calls")?,
        None => None,
    };
    let legacy = match function_call_v {
        Some(v) => cx.obj(v, "function_call")?.map(|_| v),
        None => None,
    };
    let n = items.as_ref().map_or(0, |a| a.len()) + usize::from(legacy.is_some());
    if n == 0 {
        return Ok(&[]);
    }
    let out = cx.alloc_items(tool_calls_v.or(legacy).unwrap_or(0), n, ToolCall::default())?;
    let mut slots = out.iter_mut();
    for (v, c) in items.into_iter().flatten().zip(&mut slots) {
        *c = chat_tool_call(cx, v, st)?;
    }
    if let (Some(v), Some(c)) = (legacy, slots.next()) {
        let (name, args) = function_fields(cx, v, "function_call")?;
        *c = ToolCall { id: st.calls.call(None, name, cx.bump), name, args, provider_metadata: None };
    }
    Ok(out)
}

/// `{id, type: "function", function: {name, arguments}}` or
/// `{id, type: "custom", custom: {name, input}}`.
fn chat_tool_call<'a>(cx: &Cx<'_, 'a>, i: usize, st: &mut State<'a>) -> Result<ToolCall<'a>> {
    let Some(obj) = cx.obj(i, "tool_calls")? else {
        return Err(cx.type_err(i, "an object", "tool_calls"));
    };
    let (mut id, mut kind, mut function_v, mut custom_v) = (None, None, None, None);
    for (k, v) in obj {
        match k {
            "id" => id = cx.str(v, "id")?,
            "type" => kind = cx.str(v, "type")?,
            "function" => function_v = Some(v),
            "custom" => custom_v = Some(v),
            _ => {}
        }
    }
    let custom = kind == Some("custom") || (function_v.is_none() && custom_v.is_some());
    let (name, args) = match (custom, custom_v, function_v) {
        (true, Some(v), _) => custom_fields(cx, v)?,
        (false, _, Some(v)) => function_fields(cx, v, "function")?,
        _ => return Err(no_name(cx, i)),
    };
    Ok(ToolCall { id: st.calls.call(id, name, cx.bump), name, args, provider_metadata: None })
}

/// `{name, arguments}`: arguments as given (a string) or compact JSON.
fn function_fields<'a>(cx: &Cx<'_, 'a>, i: usize, field: &str) -> Result<(&'a str, RawJson<'a>)> {
    let Some(obj) = cx.obj(i, field)? else {
        return Err(cx.type_err(i, "an object", field));
    };
    let (mut name, mut args) = (None, None);
    for (k, v) in obj {
        match k {
            "name" => name = cx.str(v, "name")?,
            "arguments" if !cx.is_null(v) => args = Some(cx.str_or_raw(v)),
            _ => {}
        }
    }
    match name.filter(|n| !n.is_empty()) {
        Some(n) => Ok((n, args.unwrap_or(RawJson("{}")))),
        None => Err(no_name(cx, i)),
    }
}

/// `{name, input}`: `args` is the JSON string of `input`.
fn custom_fields<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<(&'a str, RawJson<'a>)> {
    let Some(obj) = cx.obj(i, "custom")? else {
        return Err(cx.type_err(i, "an object", "custom"));
    };
    let (mut name, mut args) = (None, RawJson("\"\""));
    for (k, v) in obj {
        match k {
            "name" => name = cx.str(v, "name")?,
            "input" if !cx.is_null(v) => args = cx.raw(v),
            _ => {}
        }
    }
    match name.filter(|n| !n.is_empty()) {
        Some(n) => Ok((n, args)),
        None => Err(no_name(cx, i)),
    }
}

#[cold]
fn no_name(cx: &Cx<'_, '_>, i: usize) -> Error {
    Error::new(ErrorKind::Shape, "a tool call without a name").at(cx.offset_of(i))
}

/// At most `max` bytes of `s`, cut at a character boundary (error messages).
fn truncate(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}
