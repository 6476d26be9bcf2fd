//! Session recordings: the adapter-native shape (docs/formats.md#session-recordings),
//! `{"metadata": {...}, "events": [{"type": "message", "timestamp", "message"}]}`,
//! and the dispatch to the shapes PromptKit's recorder writes
//! ([`recorder`]: event-store JSONL, JSON export,
//! JSONL export), decided per file from its content.

use crate::error::Result;
use crate::formats::convert::{tool_call, MediaSource, RecordedMessage, RecordedPart};
use crate::formats::recorder::{self, DocShape, Skipped};
use crate::formats::{provider_pair, warn_no_keys};
use crate::json::{key_is, Cx};
use crate::model::{Format, Message, Metadata, Part, RawJson, Recording, ToolCall};
use crate::time::{span_nanos, Timestamp};

/// Decodes a session recording document of any shape.
pub(crate) fn decode<'a>(cx: &Cx<'_, 'a>) -> Result<Recording<'a>> {
    let root = cx.root();
    if cx.obj(root, "the session recording")?.is_none() {
        let warnings = warn_no_keys(cx.bump, "metadata, events");
        return Ok(Recording { format: Format::Session, warnings, ..Recording::default() });
    }
    match recorder::shape_of(cx, root) {
        DocShape::Export => recorder::decode_export(cx, root),
        DocShape::Line => recorder::decode_line_document(cx),
        DocShape::Native => decode_native(cx, root),
    }
}

/// Decodes the adapter-native shape.
fn decode_native<'a>(cx: &Cx<'_, 'a>, root: usize) -> Result<Recording<'a>> {
    let obj = cx.obj(root, "the session recording")?.into_iter().flatten();
    let bump = cx.bump;
    let mut session_id = "";
    let mut provider_id = "";
    let mut model = "";
    let mut tags: &'a [&'a str] = &[];
    let mut messages: &'a [Message<'a>] = &[];
    let mut timestamps: &'a [Timestamp] = &[];
    let mut skipped = Skipped::new(bump);
    let mut recognised = false;
    for (k, v) in obj {
        if key_is(k, "metadata") {
            recognised = true;
            let Some(meta) = cx.obj(v, "metadata")? else { continue };
            for (k, v) in meta {
                if key_is(k, "session_id") {
                    cx.set_str(v, "session_id", &mut session_id)?;
                } else if key_is(k, "provider_id") {
                    cx.set_str(v, "provider_id", &mut provider_id)?;
                } else if key_is(k, "model") {
                    cx.set_str(v, "model", &mut model)?;
                } else if key_is(k, "tags") {
                    tags = cx.str_list(v, "tags")?;
                }
            }
        } else if key_is(k, "events") {
            recognised = true;
            (messages, timestamps) = decode_events(cx, v, &mut skipped)?;
        }
    }
    let provider_info = if provider_id.is_empty() && model.is_empty() {
        &[][..]
    } else {
        provider_pair(bump, "model", model, "provider_id", provider_id)
    };
    let metadata = Metadata {
        provider_info,
        tags,
        timestamps,
        session_id,
        duration_ns: span_nanos(timestamps.iter().copied()),
        ..Metadata::default()
    };
    let (skipped_events, skipped_warning) = skipped.finish(bump);
    let warnings = if !recognised {
        warn_no_keys(bump, "metadata, events")
    } else if let Some(w) = skipped_warning {
        &*bump.alloc_slice_copy(&[w])
    } else {
        &[]
    };
    Ok(Recording { format: Format::Session, messages, metadata, warnings, skipped_events })
}

type Events<'a> = (&'a [Message<'a>], &'a [Timestamp]);

fn decode_events<'a>(cx: &Cx<'_, 'a>, i: usize, skipped: &mut Skipped<'a>) -> Result<Events<'a>> {
    let Some(items) = cx.arr(i, "events")? else {
        return Ok((&[], &[]));
    };
    let n = items.len();
    let messages = cx.alloc_items(i, n, Message::default())?;
    let times = cx.alloc_items(i, n, Timestamp::ZERO)?;
    let mut count = 0;
    for ev in items {
        let Some(obj) = cx.obj(ev, "events")? else { continue };
        let mut kind = "";
        let mut ts = Timestamp::ZERO;
        let mut msg = RecordedMessage::default();
        for (k, v) in obj {
            if key_is(k, "type") {
                cx.set_str(v, "type", &mut kind)?;
            } else if key_is(k, "timestamp") {
                if let Some(t) = cx.time(v, "timestamp")? {
                    ts = t;
                }
            } else if key_is(k, "message") {
                decode_recorded_msg(cx, v, &mut msg)?;
            }
        }
        // Only the exact type "message" is a message (case-sensitive, as the reference).
        if kind == "message" {
            messages[count] = msg.into_message(ts, cx.bump);
            times[count] = ts;
            count += 1;
        } else {
            skipped.add(kind);
        }
    }
    Ok((&messages[..count], &times[..count]))
}

/// Decodes a `RecordedMsg` object into `m` (merging, as Go does).
fn decode_recorded_msg<'a>(cx: &Cx<'_, 'a>, i: usize, m: &mut RecordedMessage<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "message")? else {
        return Ok(());
    };
    for (k, v) in obj {
        if key_is(k, "role") {
            cx.set_str(v, "role", &mut m.role)?;
        } else if key_is(k, "content") {
            cx.set_str(v, "content", &mut m.content)?;
        } else if key_is(k, "name") {
            // Parsed and dropped, as the reference does.
            cx.str(v, "name")?;
        } else if key_is(k, "parts") {
            m.parts = decode_recorded_parts(cx, v)?;
        } else if key_is(k, "tool_calls") {
            m.tool_calls = decode_recorded_tool_calls(cx, v)?;
        } else if key_is(k, "tool_call_id") {
            cx.set_str(v, "tool_call_id", &mut m.tool_call_id)?;
        }
    }
    Ok(())
}

fn decode_recorded_parts<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<&'a [Part<'a>]> {
    let Some(items) = cx.arr(i, "parts")? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), Part::default())?;
    for (slot, v) in out.iter_mut().zip(items) {
        let mut p = RecordedPart::default();
        if let Some(obj) = cx.obj(v, "parts")? {
            for (k, v) in obj {
                if key_is(k, "type") {
                    cx.set_str(v, "type", &mut p.kind)?;
                } else if key_is(k, "text") {
                    p.text = cx.str(v, "text")?;
                } else if key_is(k, "media") {
                    p.media = match cx.obj(v, "media")? {
                        None => None,
                        Some(_) => {
                            let mut m = p.media.unwrap_or_default();
                            decode_media_source(cx, v, &mut m)?;
                            Some(m)
                        }
                    };
                }
            }
        }
        *slot = p.into_part(cx.bump);
    }
    Ok(out)
}

fn decode_media_source<'a>(cx: &Cx<'_, 'a>, i: usize, m: &mut MediaSource<'a>) -> Result<()> {
    let Some(obj) = cx.obj(i, "media")? else {
        return Ok(());
    };
    for (k, v) in obj {
        if key_is(k, "mime_type") {
            cx.set_str(v, "mime_type", &mut m.mime_type)?;
        } else if key_is(k, "data") {
            cx.set_str(v, "data", &mut m.data)?;
        } else if key_is(k, "uri") {
            cx.set_str(v, "uri", &mut m.uri)?;
        } else if key_is(k, "path") {
            cx.set_str(v, "path", &mut m.path)?;
        } else if key_is(k, "size") {
            cx.set_int(v, "size", &mut m.size)?;
        } else if key_is(k, "width") {
            cx.set_int(v, "width", &mut m.width)?;
        } else if key_is(k, "height") {
            cx.set_int(v, "height", &mut m.height)?;
        } else if key_is(k, "duration") {
            cx.set_int(v, "duration", &mut m.duration)?;
        }
    }
    Ok(())
}

fn decode_recorded_tool_calls<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<&'a [ToolCall<'a>]> {
    let Some(items) = cx.arr(i, "tool_calls")? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), ToolCall::default())?;
    for (slot, v) in out.iter_mut().zip(items) {
        let Some(obj) = cx.obj(v, "tool_calls")? else { continue };
        let mut id = "";
        let mut name = "";
        let mut args = RawJson("");
        for (k, v) in obj {
            if key_is(k, "id") {
                cx.set_str(v, "id", &mut id)?;
            } else if key_is(k, "type") {
                cx.str(v, "type")?;
            } else if key_is(k, "function") {
                let Some(f) = cx.obj(v, "function")? else { continue };
                for (k, v) in f {
                    if key_is(k, "name") {
                        cx.set_str(v, "name", &mut name)?;
                    } else if key_is(k, "arguments") {
                        // The reference takes a string of JSON text; we also
                        // accept the JSON value itself (null leaves it unset).
                        if !cx.is_null(v) {
                            args = cx.str_or_raw(v);
                        }
                    }
                }
            }
        }
        *slot = tool_call(id, name, args);
    }
    Ok(out)
}
