//! Reading the spans of one OTLP document: which carry GenAI content, and
//! that content decoded into arena values ([`GenSpan`]).

use std::fmt;

use bumpalo::collections::Vec as BVec;
use bumpalo::Bump;

use super::value::{from_any, TextError, TextParser, J};
use crate::error::{Error, ErrorKind, Result};
use crate::json::Cx;
use crate::model::{Media, Part, RawJson};

/// The event that carries the content when the span's attributes do not.
const DETAILS_EVENT: &str = "gen_ai.client.inference.operation.details";

/// One span of the document: its trace, and its GenAI content (`None` for
/// a span without any) or the error that fails its trace.
pub(super) struct Found<'a> {
    /// The trace id, lowercase.
    pub(super) trace_id: &'a str,
    pub(super) span: Result<Option<GenSpan<'a>>>,
}

/// A span that carries GenAI content, decoded.
#[derive(Debug)]
pub(super) struct GenSpan<'a> {
    /// Position of the span in the file (set when it is committed).
    pub(super) seq: usize,
    pub(super) span_id: &'a str,
    /// `startTimeUnixNano` (None when absent or 0).
    pub(super) start: Option<u64>,
    /// `endTimeUnixNano` (None when absent or 0).
    pub(super) end: Option<u64>,
    /// The span's input: a `system` message of the system instructions,
    /// when present, then `gen_ai.input.messages`.
    pub(super) input: &'a [OMsg<'a>],
    /// `gen_ai.output.messages`.
    pub(super) output: &'a [OMsg<'a>],
    /// `gen_ai.conversation.id` (or "").
    pub(super) conversation_id: &'a str,
    /// `gen_ai.provider.name`, else `gen_ai.system` (or "").
    pub(super) provider: &'a str,
    /// `gen_ai.response.model`, else `gen_ai.request.model` (or "").
    pub(super) model: &'a str,
    pub(super) usage: Usage,
    /// What decoding the span noticed (a value that is not a JSON array).
    pub(super) warnings: &'a [&'a str],
}

/// Token counts of a span.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Usage {
    pub(super) input: Option<i64>,
    pub(super) output: Option<i64>,
    pub(super) cached: Option<i64>,
}

/// A GenAI message (input or output schema), decoded.
#[derive(Debug, Clone, Copy)]
pub(super) struct OMsg<'a> {
    pub(super) role: &'a str,
    /// The `parts` value as given (compared between spans).
    pub(super) parts: J<'a>,
    /// The parts, decoded.
    pub(super) items: &'a [OPart<'a>],
    pub(super) finish_reason: &'a str,
    pub(super) name: &'a str,
}

impl OMsg<'_> {
    /// Whether two messages are the same for the prefix rule: `role` and
    /// `parts` as JSON values (`finish_reason` and `name` do not count).
    pub(super) fn same(&self, other: &OMsg<'_>) -> bool {
        self.role == other.role && self.parts.same(&other.parts)
    }
}

/// A GenAI message part, decoded.
#[derive(Debug, Clone, Copy)]
pub(super) enum OPart<'a> {
    /// `text` {content}.
    Text(&'a str),
    /// `reasoning` {content}.
    Reasoning(&'a str),
    /// `blob`, `uri` or `file`, as a model part.
    Media(Part<'a>),
    /// `tool_call` or `server_tool_call`.
    Call { id: Option<&'a str>, name: &'a str, args: RawJson<'a> },
    /// `tool_call_response` or `server_tool_call_response`: the result text.
    Result { id: Option<&'a str>, name: &'a str, text: &'a str },
    /// Any other type (skipped with a warning).
    Unknown(&'a str),
}

/// Reads every span of an OTLP document. An error here is one of the
/// document's structure (no span can be told apart from the others).
pub(super) fn collect<'a>(cx: &Cx<'_, 'a>, text: &mut TextParser) -> Result<Vec<Found<'a>>> {
    let mut out = Vec::new();
    let root = cx.root();
    let Some(obj) = cx.obj(root, "the OTLP document")? else {
        return Err(cx.type_err(root, "an object", "the OTLP document"));
    };
    for (k, rs) in obj {
        if k != "resourceSpans" {
            continue;
        }
        for r in cx.arr(rs, "resourceSpans")?.into_iter().flatten() {
            for (k, ss) in cx.obj(r, "resourceSpans")?.into_iter().flatten() {
                if k != "scopeSpans" {
                    continue;
                }
                for s in cx.arr(ss, "scopeSpans")?.into_iter().flatten() {
                    for (k, spans) in cx.obj(s, "scopeSpans")?.into_iter().flatten() {
                        if k != "spans" {
                            continue;
                        }
                        for sp in cx.arr(spans, "spans")?.into_iter().flatten() {
                            let trace_id = trace_id(cx, sp)?;
                            out.push(Found { trace_id, span: decode_span(cx, sp, text) });
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The span's `traceId`, lowercase (required: without it the span belongs
/// to no recording).
fn trace_id<'a>(cx: &Cx<'_, 'a>, sp: usize) -> Result<&'a str> {
    let Some(obj) = cx.obj(sp, "spans")? else {
        return Err(cx.type_err(sp, "an object", "spans"));
    };
    let mut id = None;
    for (k, v) in obj {
        if k == "traceId" {
            id = cx.str(v, "traceId")?;
        }
    }
    let Some(id) = id else {
        return Err(Error::new(ErrorKind::Shape, "a span has no \"traceId\"").at(cx.offset_of(sp)));
    };
    Ok(if id.bytes().any(|b| b.is_ascii_uppercase()) {
        cx.bump.alloc_str(&id.to_ascii_lowercase())
    } else {
        id
    })
}

/// Tape indexes of the attribute values a span's conversation needs.
#[derive(Default)]
struct Attrs {
    input: Option<usize>,
    output: Option<usize>,
    system: Option<usize>,
    conversation: Option<usize>,
    provider: Option<usize>,
    old_system: Option<usize>,
    response_model: Option<usize>,
    request_model: Option<usize>,
    input_tokens: Option<usize>,
    output_tokens: Option<usize>,
    cached_tokens: Option<usize>,
}

impl Attrs {
    fn read(cx: &Cx<'_, '_>, i: usize) -> Result<Attrs> {
        let mut a = Attrs::default();
        for kv in cx.arr(i, "attributes")?.into_iter().flatten() {
            let (mut key, mut value) = ("", None);
            for (k, v) in cx.obj(kv, "attributes")?.into_iter().flatten() {
                match k {
                    "key" => cx.set_str(v, "key", &mut key)?,
                    "value" => value = Some(v),
                    _ => {}
                }
            }
            let slot = match key {
                "gen_ai.input.messages" => &mut a.input,
                "gen_ai.output.messages" => &mut a.output,
                "gen_ai.system_instructions" => &mut a.system,
                "gen_ai.conversation.id" => &mut a.conversation,
                "gen_ai.provider.name" => &mut a.provider,
                "gen_ai.system" => &mut a.old_system,
                "gen_ai.response.model" => &mut a.response_model,
                "gen_ai.request.model" => &mut a.request_model,
                "gen_ai.usage.input_tokens" => &mut a.input_tokens,
                "gen_ai.usage.output_tokens" => &mut a.output_tokens,
                "gen_ai.usage.cache_read.input_tokens" => &mut a.cached_tokens,
                _ => continue,
            };
            // A key without a value still names GenAI content: the attribute
            // object itself stands in, and reads as an empty (null) AnyValue.
            *slot = Some(value.unwrap_or(kv));
        }
        Ok(a)
    }

    fn has_content(&self) -> bool {
        self.input.is_some() || self.output.is_some() || self.system.is_some()
    }

    /// Takes the metadata attributes this one lacks from `other`.
    fn fill_from(&mut self, other: &Attrs) {
        let pairs = [
            (&mut self.conversation, other.conversation),
            (&mut self.provider, other.provider),
            (&mut self.old_system, other.old_system),
            (&mut self.response_model, other.response_model),
            (&mut self.request_model, other.request_model),
            (&mut self.input_tokens, other.input_tokens),
            (&mut self.output_tokens, other.output_tokens),
            (&mut self.cached_tokens, other.cached_tokens),
        ];
        for (slot, v) in pairs {
            if slot.is_none() {
                *slot = v;
            }
        }
    }
}

/// Decodes one span; `Ok(None)` when it carries no GenAI content.
fn decode_span<'a>(cx: &Cx<'_, 'a>, sp: usize, text: &mut TextParser) -> Result<Option<GenSpan<'a>>> {
    let (mut span_id, mut start, mut end, mut attributes, mut events) = ("", None, None, None, None);
    for (k, v) in cx.obj(sp, "spans")?.into_iter().flatten() {
        match k {
            "spanId" => cx.set_str(v, "spanId", &mut span_id)?,
            "startTimeUnixNano" => start = Some(v),
            "endTimeUnixNano" => end = Some(v),
            "attributes" => attributes = Some(v),
            "events" => events = Some(v),
            _ => {}
        }
    }
    let mut attrs = match attributes {
        Some(a) => Attrs::read(cx, a)?,
        None => Attrs::default(),
    };
    if !attrs.has_content() {
        let Some(event) = details_event(cx, events)? else {
            return Ok(None);
        };
        if !event.has_content() {
            return Ok(None);
        }
        let mut content = event;
        content.fill_from(&attrs);
        attrs = content;
    }
    let bump = cx.bump;
    let mut warnings = BVec::new_in(bump);
    let mut content = |v: Option<usize>, name: &'static str| -> Result<Option<&'a [J<'a>]>> {
        let Some(v) = v else { return Ok(None) };
        json_array(cx, v, name, span_id, text, &mut warnings)
    };
    let system = content(attrs.system, "gen_ai.system_instructions")?;
    let input = content(attrs.input, "gen_ai.input.messages")?;
    let output = content(attrs.output, "gen_ai.output.messages")?;
    let mut msgs = BVec::new_in(bump);
    if let Some(parts) = system {
        let at = |e: Error| at_value(cx, attrs.system, e);
        let items = decode_parts(parts, bump, Path::new("gen_ai.system_instructions", None)).map_err(at)?;
        msgs.push(OMsg { role: "system", parts: J::Arr(parts), items, finish_reason: "", name: "" });
    }
    if let Some(list) = input {
        decode_messages(list, bump, "gen_ai.input.messages", &mut msgs)
            .map_err(|e| at_value(cx, attrs.input, e))?;
    }
    let input = msgs.into_bump_slice();
    let mut msgs = BVec::new_in(bump);
    if let Some(list) = output {
        decode_messages(list, bump, "gen_ai.output.messages", &mut msgs)
            .map_err(|e| at_value(cx, attrs.output, e))?;
    }
    let output = msgs.into_bump_slice();
    let text_attr = |v: Option<usize>| -> Result<&'a str> {
        Ok(match v {
            None => "",
            Some(v) => match from_any(cx, v, 0)? {
                J::Str(s) | J::Num(s) => s,
                _ => "",
            },
        })
    };
    let first = |a: &'a str, b: &'a str| if a.is_empty() { b } else { a };
    let provider = first(text_attr(attrs.provider)?, text_attr(attrs.old_system)?);
    let model = first(text_attr(attrs.response_model)?, text_attr(attrs.request_model)?);
    let conversation_id = text_attr(attrs.conversation)?;
    let usage = Usage {
        input: int_attr(cx, attrs.input_tokens)?,
        output: int_attr(cx, attrs.output_tokens)?,
        cached: int_attr(cx, attrs.cached_tokens)?,
    };
    Ok(Some(GenSpan {
        seq: 0,
        span_id,
        start: nanos(cx, start, "startTimeUnixNano")?,
        end: nanos(cx, end, "endTimeUnixNano")?,
        input,
        output,
        conversation_id,
        provider,
        model,
        usage,
        warnings: warnings.into_bump_slice(),
    }))
}

/// The attributes of the span's first `gen_ai.client.inference.operation.details` event.
fn details_event(cx: &Cx<'_, '_>, events: Option<usize>) -> Result<Option<Attrs>> {
    let Some(events) = events else { return Ok(None) };
    for ev in cx.arr(events, "events")?.into_iter().flatten() {
        let (mut name, mut attributes) = ("", None);
        for (k, v) in cx.obj(ev, "events")?.into_iter().flatten() {
            match k {
                "name" => cx.set_str(v, "name", &mut name)?,
                "attributes" => attributes = Some(v),
                _ => {}
            }
        }
        if name == DETAILS_EVENT {
            return Ok(Some(match attributes {
                Some(a) => Attrs::read(cx, a)?,
                None => Attrs::default(),
            }));
        }
    }
    Ok(None)
}

/// A time in nanoseconds since the epoch: a decimal string or a number (0 is unset).
fn nanos(cx: &Cx<'_, '_>, v: Option<usize>, field: &str) -> Result<Option<u64>> {
    let Some(v) = v else { return Ok(None) };
    let n = match cx.str(v, field) {
        Ok(Some(s)) => match s.parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                let found = format!("{:?}", s.chars().take(40).collect::<String>());
                return Err(cx.value_err(v, "nanoseconds since the Unix epoch", found, field));
            }
        },
        Ok(None) => return Ok(None),
        Err(_) => match cx.int(v, field)? {
            Some(n) if n >= 0 => n as u64,
            Some(n) => return Err(cx.value_err(v, "nanoseconds since the Unix epoch", n.to_string(), field)),
            None => return Ok(None),
        },
    };
    Ok(Some(n).filter(|n| *n > 0))
}

/// A token count attribute (`intValue`, or a number or decimal string in
/// another value type); anything else is ignored.
fn int_attr(cx: &Cx<'_, '_>, v: Option<usize>) -> Result<Option<i64>> {
    let Some(v) = v else { return Ok(None) };
    Ok(match from_any(cx, v, 0)? {
        J::Num(s) | J::Str(s) => s.parse::<i64>().ok().or_else(|| {
            s.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9e18)
                .map(|f| f as i64)
        }),
        _ => None,
    })
}

/// Gives an error found inside an attribute value the value's position.
fn at_value(cx: &Cx<'_, '_>, v: Option<usize>, e: Error) -> Error {
    match v {
        Some(v) if e.offset().is_none() => e.at(cx.offset_of(v)),
        _ => e,
    }
}

/// One of the three content attributes as a JSON array: structured, or a
/// string holding JSON text. Anything else is ignored with a warning.
fn json_array<'a>(
    cx: &Cx<'_, 'a>,
    v: usize,
    name: &str,
    span_id: &str,
    text: &mut TextParser,
    warnings: &mut BVec<'a, &'a str>,
) -> Result<Option<&'a [J<'a>]>> {
    let bump = cx.bump;
    let value = match from_any(cx, v, 0)? {
        J::Str(s) => match text.parse(s, bump, |n| cx.check_arena(v, n)) {
            Ok(j) => j,
            Err(TextError::Fatal(e)) => return Err(at_value(cx, Some(v), e)),
            Err(TextError::Syntax(msg)) => {
                let w = bumpalo::format!(in bump, "span {}: {} is not valid JSON ({}); ignored", span_id, name, msg);
                warnings.push(w.into_bump_str());
                return Ok(None);
            }
        },
        j => j,
    };
    match value {
        J::Arr(items) => Ok(Some(items)),
        J::Null => Ok(None),
        other => {
            let w = bumpalo::format!(in bump, "span {}: {} is {}, not a JSON array; ignored", span_id, name, other.type_name());
            warnings.push(w.into_bump_str());
            Ok(None)
        }
    }
}

/// Where in an attribute value a decoding error is (for its message).
#[derive(Clone, Copy)]
struct Path {
    attr: &'static str,
    message: Option<usize>,
    part: Option<usize>,
}

impl Path {
    fn new(attr: &'static str, message: Option<usize>) -> Path {
        Path { attr, message, part: None }
    }

    fn part(self, i: usize) -> Path {
        Path { part: Some(i), ..self }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.attr)?;
        if let Some(m) = self.message {
            write!(f, "[{m}]")?;
        }
        if let Some(p) = self.part {
            if self.message.is_some() {
                f.write_str(".parts")?;
            }
            write!(f, "[{p}]")?;
        }
        Ok(())
    }
}

fn type_err(expected: &'static str, found: &J<'_>, what: impl fmt::Display) -> Error {
    let found = found.type_name();
    Error::expected(
        ErrorKind::Type,
        expected,
        found,
        format!("expected {expected} for {what}, found {found}"),
    )
}

/// A string member: `""` when absent or null, an error for another type.
fn str_member<'a>(obj: &J<'a>, key: &str, path: Path) -> Result<&'a str> {
    match obj.get(key) {
        None | Some(J::Null) => Ok(""),
        Some(J::Str(s)) => Ok(s),
        Some(other) => Err(type_err("a string", &other, format_args!("\"{key}\" of {path}"))),
    }
}

/// An id member: a string (or a number, as its text), `None` when absent or null.
fn id_member<'a>(obj: &J<'a>, path: Path) -> Result<Option<&'a str>> {
    match obj.get("id") {
        None | Some(J::Null) => Ok(None),
        Some(J::Str(s) | J::Num(s)) => Ok(Some(s)),
        Some(other) => Err(type_err("a string", &other, format_args!("\"id\" of {path}"))),
    }
}

fn decode_messages<'a>(
    list: &'a [J<'a>],
    bump: &'a Bump,
    attr: &'static str,
    out: &mut BVec<'a, OMsg<'a>>,
) -> Result<()> {
    for (i, m) in list.iter().enumerate() {
        let path = Path::new(attr, Some(i));
        if !matches!(m, J::Obj(_)) {
            return Err(type_err("an object", m, format_args!("{path}")));
        }
        let role = match m.get("role") {
            None | Some(J::Null) => {
                return Err(Error::new(ErrorKind::Shape, format!("{path} has no \"role\"")));
            }
            Some(J::Str(s)) => s,
            Some(other) => return Err(type_err("a string", &other, format_args!("\"role\" of {path}"))),
        };
        let parts = m.get("parts").unwrap_or(J::Null);
        let items = match parts {
            J::Null => &[][..],
            J::Arr(p) => decode_parts(p, bump, path)?,
            other => return Err(type_err("an array", &other, format_args!("\"parts\" of {path}"))),
        };
        let finish_reason = str_member(m, "finish_reason", path)?;
        let name = str_member(m, "name", path)?;
        out.push(OMsg { role, parts, items, finish_reason, name });
    }
    Ok(())
}

fn decode_parts<'a>(parts: &'a [J<'a>], bump: &'a Bump, path: Path) -> Result<&'a [OPart<'a>]> {
    let mut out = BVec::with_capacity_in(parts.len(), bump);
    for (i, p) in parts.iter().enumerate() {
        out.push(decode_part(p, bump, path.part(i))?);
    }
    Ok(out.into_bump_slice())
}

fn decode_part<'a>(p: &J<'a>, bump: &'a Bump, path: Path) -> Result<OPart<'a>> {
    if !matches!(p, J::Obj(_)) {
        return Err(type_err("an object", p, format_args!("{path}")));
    }
    let kind = str_member(p, "type", path)?;
    let s = |key: &str| str_member(p, key, path);
    // Arguments and results: a string as is, any other value as compact JSON.
    let raw = |key: &str| match p.get(key) {
        None | Some(J::Null) => "",
        Some(v) => v.str_or_compact(bump),
    };
    Ok(match kind {
        "text" => OPart::Text(s("content")?),
        "reasoning" => OPart::Reasoning(s("content")?),
        "blob" | "uri" | "file" => {
            let (modality, mut mime) = (s("modality")?, s("mime_type")?);
            let mut m = Media::default();
            match kind {
                "blob" => m.data = Some(s("content")?),
                "uri" => {
                    let uri = s("uri")?;
                    match data_uri(uri) {
                        Some((data_mime, data)) => {
                            m.data = Some(data);
                            mime = data_mime;
                        }
                        None => m.url = Some(uri),
                    }
                }
                _ => m.storage_reference = Some(s("file_id")?),
            }
            m.mime_type = mime;
            let media = &*bump.alloc(m);
            OPart::Media(Part { kind: media_kind(modality, mime), text: None, media: Some(media) })
        }
        "tool_call" | "server_tool_call" => {
            let args = if kind == "tool_call" { raw("arguments") } else { raw("server_tool_call") };
            OPart::Call { id: id_member(p, path)?, name: s("name")?, args: RawJson(args) }
        }
        "tool_call_response" | "server_tool_call_response" => {
            let key = if kind == "tool_call_response" { "response" } else { "server_tool_call_response" };
            OPart::Result { id: id_member(p, path)?, name: s("name")?, text: raw(key) }
        }
        other => OPart::Unknown(other),
    })
}

/// `data:<mime>;base64,<data>`: the MIME type and the base64 text.
fn data_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("data:")?;
    let (head, data) = rest.split_once(',')?;
    let mime = head.strip_suffix(";base64")?;
    Some((mime, data))
}

/// The media kind: from `modality`, else from the MIME type, else `document`.
fn media_kind(modality: &str, mime: &str) -> &'static str {
    match modality {
        "image" => return "image",
        "audio" => return "audio",
        "video" => return "video",
        "document" => return "document",
        _ => {}
    }
    let top = mime.split('/').next().unwrap_or("");
    match top.to_ascii_lowercase().as_str() {
        "image" => "image",
        "audio" => "audio",
        "video" => "video",
        _ => "document",
    }
}
