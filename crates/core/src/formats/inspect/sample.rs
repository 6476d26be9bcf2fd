//! One inspect_ai sample run (`EvalSample`, `log/_log.py`) mapped into a
//! recording (FORMATS-MORE.md section 5): its chat messages
//! (`model/_chat_message.py`), content parts (`_util/content.py`) and tool
//! calls (`tool/_tool_call.py`).

use bumpalo::collections::Vec as BVec;

use super::attach::{Attachments, Warnings};
use crate::error::{Error, ErrorKind, Result};
use crate::formats::calls::Calls;
use crate::formats::convert::concat_text;
use crate::formats::sorted_extras;
use crate::json::Cx;
use crate::model::{Extra, Format, Media, Message, Metadata, Part, RawJson, Recording, ToolCall, ToolResult};

/// What the log's `eval` object gives every sample.
#[derive(Clone, Copy, Default)]
pub(super) struct Eval<'a> {
    /// `eval.model` (`openai/gpt-4o`).
    pub(super) model: &'a str,
    /// `eval.tags`.
    pub(super) tags: &'a [&'a str],
    /// `eval.task`, `eval.run_id`, `eval.eval_id`, as extras.
    pub(super) task: Option<Extra<'a>>,
    pub(super) run_id: Option<Extra<'a>>,
    pub(super) eval_id: Option<Extra<'a>>,
    /// A warning every sample of the log carries (a `.eval` without header).
    pub(super) warning: Option<&'a str>,
}

/// Reads the `eval` object at `i`.
pub(super) fn eval_info<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Eval<'a>> {
    let mut eval = Eval::default();
    for (k, v) in cx.obj(i, "eval")?.into_iter().flatten() {
        match k {
            "model" => cx.set_str(v, "model", &mut eval.model)?,
            "tags" => eval.tags = cx.str_list(v, "tags")?,
            "task" => eval.task = extra(cx, v)?,
            "run_id" => eval.run_id = extra(cx, v)?,
            "eval_id" => eval.eval_id = extra(cx, v)?,
            _ => {}
        }
    }
    Ok(eval)
}

/// A sample's identity: `id` (its text: a string as is, an integer in
/// decimal) and `epoch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key<'a> {
    pub(super) id: &'a str,
    /// Whether `id` was a JSON integer.
    pub(super) int: bool,
    pub(super) epoch: i64,
}

/// Reads `id` and `epoch` of the sample at `i` (both required).
pub(super) fn sample_key<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Key<'a>> {
    let obj = cx.obj(i, "sample")?.ok_or_else(|| cx.type_err(i, "an object", "sample"))?;
    let (mut id, mut epoch) = (None, None);
    for (k, v) in obj {
        match k {
            "id" if !cx.is_null(v) => {
                // The compact text tells a string from an integer without
                // building an error (a failed typed read costs a tape walk).
                let raw = cx.raw(v).0;
                id = Some(if raw.starts_with('"') {
                    Key { id: cx.str(v, "id")?.unwrap_or_default(), int: false, epoch: 0 }
                } else if is_integer(raw) {
                    Key { id: raw, int: true, epoch: 0 }
                } else {
                    return Err(cx.type_err(v, "an integer or a string", "id"));
                });
            }
            "epoch" => epoch = cx.int(v, "epoch")?,
            _ => {}
        }
    }
    let at =
        |what: &str| Error::new(ErrorKind::Shape, format!("sample without \"{what}\"")).at(cx.offset_of(i));
    let mut key = id.ok_or_else(|| at("id"))?;
    key.epoch = epoch.ok_or_else(|| at("epoch"))?;
    Ok(key)
}

fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An extra value: a string as is, anything else as compact JSON; `None` for null.
fn extra<'a>(cx: &Cx<'_, 'a>, v: usize) -> Result<Option<Extra<'a>>> {
    if cx.is_null(v) {
        return Ok(None);
    }
    let raw = cx.raw(v);
    Ok(Some(if raw.0.starts_with('"') {
        Extra::Str(cx.str(v, "extra")?.unwrap_or_default())
    } else {
        Extra::Json(raw)
    }))
}

/// An object's entries with the number of tape nodes of each value, when
/// the next key tells it (not for the last entry): a value of more than one
/// node is a non-empty array or object, which lets [`probe`] try the right
/// typed read first.
fn sized<'a>(
    entries: impl Iterator<Item = (&'a str, usize)>,
) -> impl Iterator<Item = (&'a str, usize, Option<usize>)> {
    let mut it = entries.peekable();
    std::iter::from_fn(move || {
        let (k, v) = it.next()?;
        // The next key is the node before the next value.
        let size = it.peek().map(|&(_, next)| next.saturating_sub(v + 1));
        Some((k, v, size))
    })
}

/// A value that may be a string or an array.
enum Probe<'a> {
    Null,
    Str(&'a str),
    List,
}

/// Tells a string from an array at `v` (`size` as [`sized`] gives it). A
/// failed typed read builds an error, which walks the tape: the read tried
/// first is the one the size points to, so only odd values (`[]` where a
/// string could be) pay for it.
fn probe<'a>(cx: &Cx<'_, 'a>, v: usize, size: Option<usize>, field: &str) -> Result<Probe<'a>> {
    if cx.is_null(v) {
        return Ok(Probe::Null);
    }
    let list = |cx: &Cx<'_, 'a>| match cx.arr(v, field) {
        Ok(Some(_)) => Ok(true),
        Err(e) if e.kind() == ErrorKind::Limit => Err(e),
        _ => Ok(false),
    };
    if size.is_some_and(|n| n > 1) {
        if list(cx)? {
            return Ok(Probe::List);
        }
    } else {
        if let Ok(Some(s)) = cx.str(v, field) {
            return Ok(Probe::Str(s));
        }
        if list(cx)? {
            return Ok(Probe::List);
        }
    }
    Err(cx.type_err(v, "a string or an array", field))
}

/// What one content value maps to.
#[derive(Default)]
struct Content<'a> {
    text: &'a str,
    parts: &'a [Part<'a>],
}

/// Decodes one sample (the object at `i`, whose key was read) into a recording.
pub(super) fn decode<'a>(cx: &Cx<'_, 'a>, i: usize, eval: &Eval<'a>, key: Key<'a>) -> Result<Recording<'a>> {
    let bump = cx.bump;
    let obj = cx.obj(i, "sample")?.ok_or_else(|| cx.type_err(i, "an object", "sample"))?;
    let mut extras = BVec::new_in(bump);
    let mut warnings = Warnings::new(bump);
    if let Some(w) = eval.warning {
        warnings.push(w);
    }
    for (name, value) in [("task", eval.task), ("run_id", eval.run_id), ("eval_id", eval.eval_id)] {
        if let Some(value) = value {
            extras.push((name, value));
        }
    }
    extras.push(("sample_id", if key.int { Extra::Json(RawJson(key.id)) } else { Extra::Str(key.id) }));
    extras.push(("epoch", Extra::Json(RawJson(bumpalo::format!(in bump, "{}", key.epoch).into_bump_str()))));
    let (mut messages, mut input, mut output, mut attachments) = (None, None, None, None);
    for (k, v, size) in sized(obj) {
        match k {
            "messages" => messages = Some(v),
            "input" => input = Some((v, size)),
            "output" => output = Some(v),
            "attachments" => attachments = Some(v),
            "uuid" | "target" | "scores" | "error" => {
                if let Some(x) = extra(cx, v)? {
                    if k == "error" {
                        warnings.push(&sample_error(cx, v, x)?);
                    }
                    extras.push((k, x));
                }
            }
            _ => {}
        }
    }
    let mut entries = Vec::new();
    if let Some(v) = attachments {
        for (k, v) in cx.obj(v, "attachments")?.into_iter().flatten() {
            if let Some(s) = cx.str(v, "attachments")? {
                entries.push((k, s));
            }
        }
    }
    let attachments = Attachments::new(entries);
    let mut m = Mapper { cx, attachments, warnings, calls: Calls::new(), text: String::new() };
    let mut list: &'a [Message<'a>] = &[];
    if let Some(v) = messages {
        if cx.arr(v, "messages")?.is_some_and(|a| a.len() > 0) {
            list = m.messages(v, "messages")?;
        }
    }
    if list.is_empty() {
        if let Some((v, size)) = input {
            list = match probe(cx, v, size, "input")? {
                Probe::Null => &[],
                Probe::Str(s) => {
                    let content = m.attachments.resolve(s, &mut m.warnings);
                    bump.alloc_slice_copy(&[Message { role: "user", content, ..Message::default() }])
                }
                Probe::List => m.messages(v, "input")?,
            };
        }
    }
    if let Some(v) = output {
        if let Some(cost) = usage(cx, v)? {
            if let Some(last) = list.iter().rposition(|m| m.role == "assistant") {
                let copy = bump.alloc_slice_copy(list);
                if let Some(slot) = copy.get_mut(last) {
                    slot.cost_info = Some(cost);
                }
                list = copy;
            }
        }
    }
    let session_id = bumpalo::format!(in bump, "{}_epoch_{}", key.id, key.epoch).into_bump_str();
    let provider_info: &'a [(&'a str, &'a str)] =
        if eval.model.is_empty() { &[] } else { bump.alloc_slice_copy(&[("model", eval.model)]) };
    let metadata = Metadata {
        provider_info,
        tags: eval.tags,
        session_id,
        extras: sorted_extras(extras),
        ..Metadata::default()
    };
    Ok(Recording {
        format: Format::Inspect,
        messages: list,
        metadata,
        warnings: m.warnings.into_slice(),
        skipped_events: &[],
    })
}

/// The warning for a sample's `error` (`EvalError`: `message`, `traceback`).
fn sample_error(cx: &Cx<'_, '_>, v: usize, x: Extra<'_>) -> Result<String> {
    let mut message = "";
    if let Extra::Str(s) = x {
        message = s;
    } else if let Ok(Some(obj)) = cx.obj(v, "error") {
        for (k, v) in obj {
            if k == "message" {
                cx.set_str(v, "message", &mut message)?;
            }
        }
    }
    Ok(format!("the sample ended with an error: {}", super::clip(message, 200)))
}

/// `output.usage` (`ModelUsage`) as `cost_info` JSON, when present.
fn usage<'a>(cx: &Cx<'_, 'a>, output: usize) -> Result<Option<RawJson<'a>>> {
    let Some(obj) = cx.obj(output, "output")? else { return Ok(None) };
    // With duplicate keys the last one wins, as everywhere.
    let Some(u) = obj.into_iter().filter(|(k, _)| *k == "usage").map(|(_, v)| v).last() else {
        return Ok(None);
    };
    let Some(fields) = cx.obj(u, "usage")? else { return Ok(None) };
    let (mut input, mut output, mut cached) = (0i64, 0i64, 0i64);
    for (k, v) in fields {
        match k {
            "input_tokens" => cx.set_int(v, "input_tokens", &mut input)?,
            "output_tokens" => cx.set_int(v, "output_tokens", &mut output)?,
            "input_tokens_cache_read" => cx.set_int(v, "input_tokens_cache_read", &mut cached)?,
            _ => {}
        }
    }
    let json = if cached != 0 {
        bumpalo::format!(in cx.bump, "{{\"input_tokens\":{},\"output_tokens\":{},\"cached_tokens\":{}}}", input, output, cached)
    } else {
        bumpalo::format!(in cx.bump, "{{\"input_tokens\":{},\"output_tokens\":{}}}", input, output)
    };
    Ok(Some(RawJson(json.into_bump_str())))
}

/// The state of one sample's mapping.
struct Mapper<'c, 't, 'a> {
    cx: &'c Cx<'t, 'a>,
    attachments: Attachments<'a>,
    warnings: Warnings<'a>,
    calls: Calls<'a>,
    /// Scratch text for JSON built here (meta, reasoning).
    text: String,
}

impl<'a> Mapper<'_, '_, 'a> {
    fn resolve(&mut self, s: &'a str) -> &'a str {
        self.attachments.resolve(s, &mut self.warnings)
    }

    /// The chat messages of the array at `v` (`messages` or `input`).
    fn messages(&mut self, v: usize, field: &str) -> Result<&'a [Message<'a>]> {
        let cx = self.cx;
        let Some(items) = cx.arr(v, field)? else { return Ok(&[]) };
        let out = cx.alloc_items(v, items.len(), Message::default())?;
        for (idx, (slot, m)) in out.iter_mut().zip(items).enumerate() {
            *slot = self.message(m).map_err(|e| e.context(format_args!("{field}[{idx}]")))?;
        }
        Ok(out)
    }

    /// One `ChatMessage`.
    fn message(&mut self, i: usize) -> Result<Message<'a>> {
        let cx = self.cx;
        let obj = cx.obj(i, "message")?.ok_or_else(|| cx.type_err(i, "an object", "message"))?;
        let mut role = None;
        let (mut content, mut tool_calls, mut error) = (None, None, None);
        let (mut call_id, mut function): (Option<&'a str>, Option<&'a str>) = (None, None);
        let (mut source, mut model) = (None, None);
        for (k, v, size) in sized(obj) {
            match k {
                "role" => role = cx.str(v, "role")?.map(|r| (r, v)),
                "content" => content = Some((v, size)),
                "tool_calls" => tool_calls = Some(v),
                "tool_call_id" => call_id = cx.str(v, "tool_call_id")?,
                "function" => function = cx.str(v, "function")?,
                "error" => error = Some(v),
                "source" => source = cx.str(v, "source")?,
                "model" => model = cx.str(v, "model")?,
                _ => {}
            }
        }
        let Some((role, role_at)) = role else {
            return Err(Error::new(ErrorKind::Shape, "message without \"role\"").at(cx.offset_of(i)));
        };
        let role = match role {
            "system" => "system",
            "user" => "user",
            "assistant" => "assistant",
            "tool" => "tool",
            other => {
                let found = format!("{:?}", super::clip(other, 64));
                let msg = format!("unknown role {found} (expected system, user, assistant or tool)");
                return Err(Error::expected(ErrorKind::Value, "system, user, assistant or tool", found, msg)
                    .at(cx.offset_of(role_at)));
            }
        };
        let mut reasoning = Reasoning::default();
        let c = match content {
            Some((v, size)) => self.content(v, size, &mut reasoning)?,
            None => Content::default(),
        };
        let mut m = Message { role, ..Message::default() };
        m.reasoning = reasoning.finish(self);
        m.meta = self.meta(source, model);
        if let Some(v) = tool_calls {
            m.tool_calls = self.tool_calls(v)?;
        }
        if role == "tool" {
            let result = self.tool_result(call_id, function, error, &c)?;
            m.content = concat_text(result.parts, cx.bump);
            m.tool_result = Some(cx.bump.alloc(result));
        } else {
            m.content = c.text;
            m.parts = c.parts;
        }
        Ok(m)
    }

    /// `content`: a string, or a list of content parts.
    fn content(&mut self, v: usize, size: Option<usize>, reasoning: &mut Reasoning) -> Result<Content<'a>> {
        let cx = self.cx;
        let items = match probe(cx, v, size, "content")? {
            Probe::Null => return Ok(Content::default()),
            Probe::Str(s) => return Ok(Content { text: self.resolve(s), parts: &[] }),
            Probe::List => cx.arr(v, "content")?.into_iter().flatten(),
        };
        let mut parts = BVec::new_in(cx.bump);
        for (idx, p) in items.enumerate() {
            if let Some(part) =
                self.part(p, reasoning).map_err(|e| e.context(format_args!("content[{idx}]")))?
            {
                parts.push(part);
            }
        }
        // A list that gives exactly one text part is stored as `content`
        // (section 1.3 allows it; export then writes the text itself).
        if let [Part { kind: "text", text: Some(t), media: None }] = parts.as_slice() {
            return Ok(Content { text: t, parts: &[] });
        }
        Ok(Content { text: "", parts: parts.into_bump_slice() })
    }

    /// One content part; `None` for a reasoning part (kept in `reasoning`)
    /// and for the types that are skipped with a warning.
    fn part(&mut self, i: usize, reasoning: &mut Reasoning) -> Result<Option<Part<'a>>> {
        let cx = self.cx;
        let obj = cx.obj(i, "content part")?.ok_or_else(|| cx.type_err(i, "an object", "content part"))?;
        let mut kind = None;
        let (mut text, mut source, mut detail, mut format, mut mime, mut redacted) =
            (None, None, None, None, None, false);
        for (k, v) in obj {
            match k {
                "type" => kind = cx.str(v, "type")?,
                "text" => text = Some(v),
                "reasoning" | "image" | "audio" | "video" | "document" => source = Some((k, v)),
                "detail" => detail = cx.str(v, "detail")?,
                "format" => format = cx.str(v, "format")?,
                "mime_type" => mime = cx.str(v, "mime_type")?,
                "redacted" => redacted = cx.bool(v, "redacted")?.unwrap_or(false),
                _ => {}
            }
        }
        let kind = kind.unwrap_or("");
        let field_of = |name: &str| source.filter(|(k, _)| *k == name).map(|(_, v)| v);
        match kind {
            "text" => {
                let t = match text {
                    Some(v) => cx.str(v, "text")?.unwrap_or(""),
                    None => "",
                };
                Ok(Some(Part { kind: "text", text: Some(self.resolve(t)), media: None }))
            }
            "reasoning" => {
                if let Some(v) = field_of("reasoning") {
                    if let Some(t) = cx.str(v, "reasoning")? {
                        let t = self.resolve(t);
                        reasoning.add(t, redacted);
                    }
                }
                Ok(None)
            }
            "image" | "audio" | "video" | "document" => {
                let kind = match kind {
                    "image" => "image",
                    "audio" => "audio",
                    "video" => "video",
                    _ => "document",
                };
                let src = match field_of(kind) {
                    Some(v) => cx.str(v, kind)?.unwrap_or(""),
                    None => "",
                };
                let src = self.resolve(src);
                let mut media = media_of(src);
                if kind == "image" {
                    media.detail = detail;
                } else if kind == "document" {
                    if let Some(m) = mime.filter(|m| !m.is_empty()) {
                        media.mime_type = m;
                    }
                } else {
                    media.format = format;
                }
                Ok(Some(Part { kind, text: None, media: Some(cx.bump.alloc(media)) }))
            }
            other => {
                let shown = if other.is_empty() {
                    "(none)".to_owned()
                } else {
                    format!("{:?}", super::clip(other, 64))
                };
                self.warnings.push(&format!("content part of type {shown} skipped"));
                Ok(None)
            }
        }
    }

    /// `source` and `model` of a message as its `meta` object.
    fn meta(&mut self, source: Option<&str>, model: Option<&str>) -> Option<RawJson<'a>> {
        if source.is_none() && model.is_none() {
            return None;
        }
        let out = &mut self.text;
        out.clear();
        out.push('{');
        for (k, v) in [("source", source), ("model", model)] {
            if let Some(v) = v {
                if out.len() > 1 {
                    out.push(',');
                }
                crate::write::write_str_plain(out, k);
                out.push(':');
                crate::write::write_str_plain(out, v);
            }
        }
        out.push('}');
        Some(RawJson(self.cx.bump.alloc_str(out)))
    }

    /// `tool_calls[]`: `{id, function, arguments, ...}`, `function` being the name.
    fn tool_calls(&mut self, v: usize) -> Result<&'a [ToolCall<'a>]> {
        let cx = self.cx;
        let Some(items) = cx.arr(v, "tool_calls")? else { return Ok(&[]) };
        let out = cx.alloc_items(v, items.len(), ToolCall::default())?;
        for (idx, (slot, c)) in out.iter_mut().zip(items).enumerate() {
            *slot = self.tool_call(c).map_err(|e| e.context(format_args!("tool_calls[{idx}]")))?;
        }
        Ok(out)
    }

    fn tool_call(&mut self, i: usize) -> Result<ToolCall<'a>> {
        let cx = self.cx;
        let obj = cx.obj(i, "tool call")?.ok_or_else(|| cx.type_err(i, "an object", "tool call"))?;
        let (mut id, mut name, mut args) = (None, "", RawJson("{}"));
        for (k, v, size) in sized(obj) {
            match k {
                "id" => id = cx.str(v, "id")?,
                "function" => cx.set_str(v, "function", &mut name)?,
                "arguments" if !cx.is_null(v) => args = self.arguments(v, size)?,
                _ => {}
            }
        }
        let id = self.calls.call(id, name, cx.bump);
        Ok(ToolCall { id, name, args, provider_metadata: None })
    }

    /// `arguments`: a string exactly as given, anything else as compact
    /// JSON; references are replaced in both.
    fn arguments(&mut self, v: usize, size: Option<usize>) -> Result<RawJson<'a>> {
        let cx = self.cx;
        match size {
            // One node: a string, a scalar or an empty container, whose
            // compact text never starts with the prefix unless it is a string.
            Some(1) => Ok(RawJson(self.resolve(cx.str_or_raw(v).0))),
            Some(_) => Ok(self.attachments.substitute(cx.raw(v), cx.bump, &mut self.warnings)),
            None => match cx.str(v, "arguments") {
                Ok(Some(s)) => Ok(RawJson(self.resolve(s))),
                _ => Ok(self.attachments.substitute(cx.raw(v), cx.bump, &mut self.warnings)),
            },
        }
    }

    /// The result a `tool` message carries.
    fn tool_result(
        &mut self,
        call_id: Option<&'a str>,
        function: Option<&'a str>,
        error: Option<usize>,
        c: &Content<'a>,
    ) -> Result<ToolResult<'a>> {
        let cx = self.cx;
        let id = match call_id.filter(|id| !id.is_empty()) {
            Some(id) => {
                self.calls.answered(id);
                id
            }
            None => self.calls.answer().unwrap_or_else(|| {
                self.warnings
                    .push("tool message without tool_call_id and no call left to answer: its id is \"\"");
                ""
            }),
        };
        let name = match function.filter(|f| !f.is_empty()) {
            Some(f) => f,
            None => self.calls.name_of(id),
        };
        let parts: &'a [Part<'a>] = if c.parts.is_empty() {
            cx.bump.alloc_slice_copy(&[Part { kind: "text", text: Some(c.text), media: None }])
        } else {
            c.parts
        };
        let mut r = ToolResult { id, name, parts, ..ToolResult::default() };
        if let Some(v) = error {
            if let Some(obj) = cx.obj(v, "error")? {
                let (mut kind, mut message) = ("", "");
                for (k, v) in obj {
                    match k {
                        "type" => cx.set_str(v, "type", &mut kind)?,
                        "message" => cx.set_str(v, "message", &mut message)?,
                        _ => {}
                    }
                }
                r.error = self.resolve(message);
                r.error_type = match kind {
                    "approval" => "approval",
                    "parsing" => "validation",
                    _ => "execution",
                };
            }
        }
        Ok(r)
    }
}

/// The reasoning texts of one message, joined with `\n`.
#[derive(Default)]
struct Reasoning {
    text: String,
    any: bool,
    redacted: bool,
}

impl Reasoning {
    fn add(&mut self, t: &str, redacted: bool) {
        if self.any {
            self.text.push('\n');
        }
        self.text.push_str(t);
        self.any = true;
        self.redacted |= redacted;
    }

    /// `{"text": ...}` (`types.ReasoningTrace`), with `"redacted": true` when
    /// a part said so.
    fn finish<'a>(self, m: &mut Mapper<'_, '_, 'a>) -> Option<RawJson<'a>> {
        if !self.any {
            return None;
        }
        let out = &mut m.text;
        out.clear();
        out.push_str("{\"text\":");
        crate::write::write_str_plain(out, &self.text);
        if self.redacted {
            out.push_str(",\"redacted\":true");
        }
        out.push('}');
        Some(RawJson(m.cx.bump.alloc_str(out)))
    }
}

/// The media of a source string: a `data:<mime>;base64,<data>` URI gives
/// data and MIME type, a URI (`scheme:...`, `http(s)://`, `s3://`...) the
/// URL, anything else (a local path) the file path.
fn media_of(src: &str) -> Media<'_> {
    let mut m = Media::default();
    if let Some(rest) = src.strip_prefix("data:") {
        if let Some((mime, data)) = rest.split_once(";base64,") {
            m.mime_type = mime;
            m.data = Some(data);
            return m;
        }
        m.url = Some(src);
        return m;
    }
    if has_scheme(src) {
        m.url = Some(src);
    } else if !src.is_empty() {
        m.file_path = Some(src);
    }
    m
}

/// Whether `s` starts with `<scheme>://` (RFC 3986 scheme characters).
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once("://") else { return false };
    let mut b = scheme.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}
