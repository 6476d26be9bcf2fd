//! Decoding PromptKit's own `types.Message` JSON (the output schema), as
//! Arena run results and the recorder's `message.created` events contain it.

use crate::error::Result;
use crate::formats::convert::concat_text;
use crate::json::{key_is, Cx};
use crate::model::{Media, Message, Part, ToolCall, ToolResult};

/// Decodes a `types.Message` object at `i` into `m` (fields present
/// overwrite, as Go decodes into an existing value). After decoding, a tool
/// message with no content takes the text of its result (Go's custom decoder).
pub(crate) fn decode_message<'a>(cx: &Cx<'_, 'a>, i: usize, m: &mut Message<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "message")? else {
        return Ok(());
    };
    for (k, v) in obj {
        if key_is(k, "role") {
            cx.set_str(v, "role", &mut m.role)?;
        } else if key_is(k, "content") {
            cx.set_str(v, "content", &mut m.content)?;
        } else if key_is(k, "parts") {
            m.parts = decode_parts(cx, v, "parts")?;
        } else if key_is(k, "tool_calls") {
            m.tool_calls = decode_tool_calls(cx, v)?;
        } else if key_is(k, "tool_result") {
            m.tool_result = match cx.obj(v, "tool_result")? {
                None => None,
                Some(_) => {
                    let mut r = m.tool_result.copied().unwrap_or_default();
                    decode_tool_result(cx, v, &mut r)?;
                    Some(&*cx.bump.alloc(r))
                }
            };
        } else if key_is(k, "timestamp") {
            if let Some(t) = cx.time(v, "timestamp")? {
                m.timestamp = t;
            }
        } else if key_is(k, "latency_ms") {
            cx.set_int(v, "latency_ms", &mut m.latency_ms)?;
        } else if key_is(k, "cost_info") {
            m.cost_info = cx.obj(v, "cost_info")?.map(|_| cx.raw(v));
        } else if key_is(k, "finish_reason") {
            cx.set_str(v, "finish_reason", &mut m.finish_reason)?;
        } else if key_is(k, "meta") {
            m.meta = cx.obj(v, "meta")?.map(|_| cx.raw(v));
        } else if key_is(k, "reasoning") {
            m.reasoning = cx.obj(v, "reasoning")?.map(|_| cx.raw(v));
        } else if key_is(k, "validations") {
            m.validations = cx.arr(v, "validations")?.map(|_| cx.raw(v));
        }
    }
    if let Some(r) = m.tool_result {
        if m.content.is_empty() {
            m.content = concat_text(r.parts, cx.bump);
        }
    }
    Ok(())
}

/// Decodes a `[]types.ContentPart` (output schema) list.
pub(crate) fn decode_parts<'a>(cx: &Cx<'_, 'a>, i: usize, field: &str) -> Result<&'a [Part<'a>]> {
    let Some(items) = cx.arr(i, field)? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), Part::default())?;
    for (p, v) in out.iter_mut().zip(items) {
        decode_part(cx, v, p)?;
    }
    Ok(out)
}

fn decode_part<'a>(cx: &Cx<'_, 'a>, i: usize, p: &mut Part<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "parts")? else {
        return Ok(());
    };
    for (k, v) in obj {
        if key_is(k, "type") {
            cx.set_str(v, "type", &mut p.kind)?;
        } else if key_is(k, "text") {
            p.text = cx.str(v, "text")?;
        } else if key_is(k, "media") {
            p.media = match cx.obj(v, "media")? {
                None => None,
                Some(_) => {
                    let mut m = p.media.copied().unwrap_or_default();
                    decode_media(cx, v, &mut m)?;
                    Some(&*cx.bump.alloc(m))
                }
            };
        }
    }
    Ok(())
}

/// Decodes a `types.MediaContent` object (output schema: `file_path`, `url`,
/// `size_kb`, duration in seconds).
pub(crate) fn decode_media<'a>(cx: &Cx<'_, 'a>, i: usize, m: &mut Media<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "media")? else {
        return Ok(());
    };
    for (k, v) in obj {
        let s = |slot: &mut Option<&'a str>, f: &str| -> Result<()> {
            *slot = cx.str(v, f)?;
            Ok(())
        };
        let n = |slot: &mut Option<i64>, f: &str| -> Result<()> {
            *slot = cx.int(v, f)?;
            Ok(())
        };
        if key_is(k, "data") {
            s(&mut m.data, "data")?;
        } else if key_is(k, "file_path") {
            s(&mut m.file_path, "file_path")?;
        } else if key_is(k, "url") {
            s(&mut m.url, "url")?;
        } else if key_is(k, "storage_reference") {
            s(&mut m.storage_reference, "storage_reference")?;
        } else if key_is(k, "mime_type") {
            cx.set_str(v, "mime_type", &mut m.mime_type)?;
        } else if key_is(k, "format") {
            s(&mut m.format, "format")?;
        } else if key_is(k, "size_kb") {
            n(&mut m.size_kb, "size_kb")?;
        } else if key_is(k, "detail") {
            s(&mut m.detail, "detail")?;
        } else if key_is(k, "caption") {
            s(&mut m.caption, "caption")?;
        } else if key_is(k, "duration") {
            n(&mut m.duration, "duration")?;
        } else if key_is(k, "bit_rate") {
            n(&mut m.bit_rate, "bit_rate")?;
        } else if key_is(k, "channels") {
            n(&mut m.channels, "channels")?;
        } else if key_is(k, "width") {
            n(&mut m.width, "width")?;
        } else if key_is(k, "height") {
            n(&mut m.height, "height")?;
        } else if key_is(k, "fps") {
            n(&mut m.fps, "fps")?;
        } else if key_is(k, "policy_name") {
            s(&mut m.policy_name, "policy_name")?;
        }
    }
    Ok(())
}

fn decode_tool_calls<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<&'a [ToolCall<'a>]> {
    let Some(items) = cx.arr(i, "tool_calls")? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), ToolCall::default())?;
    for (c, v) in out.iter_mut().zip(items) {
        let Some(obj) = cx.obj(v, "tool_calls")? else {
            continue;
        };
        for (k, v) in obj {
            if key_is(k, "id") {
                cx.set_str(v, "id", &mut c.id)?;
            } else if key_is(k, "name") {
                cx.set_str(v, "name", &mut c.name)?;
            } else if key_is(k, "args") {
                // json.RawMessage: the JSON text of whatever value is there.
                c.args = cx.raw(v);
            } else if key_is(k, "provider_metadata") {
                c.provider_metadata = cx.obj(v, "provider_metadata")?.map(|_| cx.raw(v));
            }
        }
    }
    Ok(out)
}

/// Decodes a `types.MessageToolResult`. A legacy `content` string (run
/// outputs before PromptKit #617) becomes a text part when there are no parts.
pub(crate) fn decode_tool_result<'a>(cx: &Cx<'_, 'a>, i: usize, r: &mut ToolResult<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "tool_result")? else {
        return Ok(());
    };
    let mut legacy: Option<&'a str> = None;
    for (k, v) in obj {
        if key_is(k, "id") {
            cx.set_str(v, "id", &mut r.id)?;
        } else if key_is(k, "name") {
            cx.set_str(v, "name", &mut r.name)?;
        } else if key_is(k, "parts") {
            r.parts = decode_parts(cx, v, "parts")?;
        } else if key_is(k, "error") {
            cx.set_str(v, "error", &mut r.error)?;
        } else if key_is(k, "error_type") {
            cx.set_str(v, "error_type", &mut r.error_type)?;
        } else if key_is(k, "latency_ms") {
            cx.set_int(v, "latency_ms", &mut r.latency_ms)?;
        } else if key_is(k, "content") {
            if let Some(s) = cx.str(v, "content")? {
                legacy = Some(s);
            }
        }
    }
    if let Some(text) = legacy.filter(|t| !t.is_empty()) {
        if r.parts.is_empty() {
            r.parts = cx.bump.alloc_slice_copy(&[Part { kind: "text", text: Some(text), media: None }]);
        }
    }
    Ok(())
}
