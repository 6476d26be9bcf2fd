//! Arena output (docs/formats.md#arena-output): the run-result shape that
//! `promptarena run` writes (`RunID`, `Messages`, ...) and the older
//! turn-based shape (`turns`).
//!
//! Unlike the reference, the shape is chosen by the keys present and then
//! decoded strictly, so a type error is reported instead of silently
//! falling back to zero messages.

use bumpalo::Bump;

use crate::error::Result;
use crate::formats::convert::{text_tool_result, tool_result_message};
use crate::formats::message::{decode_media, decode_message};
use crate::formats::{sorted_extras, warn_no_keys};
use crate::json::{key_is, Cx};
use crate::model::{Extra, Format, Media, Message, Metadata, Part, Recording};
use crate::time::{span_nanos, Timestamp};

/// Decodes an Arena output document, choosing the shape by its keys.
pub(crate) fn decode<'a>(cx: &Cx<'_, 'a>) -> Result<Recording<'a>> {
    let root = cx.root();
    let Some(obj) = cx.obj(root, "the arena output")? else {
        return Ok(Recording { format: Format::ArenaTurns, ..Recording::default() });
    };
    let (mut has_run, mut has_messages, mut has_turns) = (false, false, false);
    for (k, v) in obj {
        if key_is(k, "RunID") {
            has_run = true;
        } else if key_is(k, "Messages") {
            // `"Messages": []` or null with turns present falls through to the
            // turn shape, as in the reference.
            has_run = true;
            has_messages |= !(cx.is_null(v) || matches!(cx.arr(v, "Messages"), Ok(Some(a)) if a.len() == 0));
        } else if key_is(k, "turns") {
            has_turns = true;
        }
    }
    if has_messages || (has_run && !has_turns) {
        decode_run(cx, root)
    } else {
        let mut rec = decode_turns(cx, root)?;
        if !has_turns && !has_run && !has_known_turn_key(cx, root) {
            rec.warnings = warn_no_keys(cx.bump, "RunID, Messages, turns");
        }
        Ok(rec)
    }
}

fn has_known_turn_key(cx: &Cx<'_, '_>, root: usize) -> bool {
    let Ok(Some(obj)) = cx.obj(root, "") else { return false };
    obj.into_iter()
        .any(|(k, _)| ["scenario_id", "provider_id", "metadata", "summary"].iter().any(|n| key_is(k, n)))
}

/// The run-result shape (`engine.RunResult`).
fn decode_run<'a>(cx: &Cx<'_, 'a>, root: usize) -> Result<Recording<'a>> {
    let bump = cx.bump;
    let mut run_id = "";
    let mut scenario_id = "";
    let mut prompt_pack = "";
    let mut region = "";
    let mut provider_id = "";
    let mut error = "";
    let mut params = None;
    let mut tags: &'a [&'a str] = &[];
    let mut start = Timestamp::ZERO;
    let mut end = Timestamp::ZERO;
    let mut duration: i64 = 0;
    let mut messages: &'a [Message<'a>] = &[];
    let obj = cx.obj(root, "the arena output")?.into_iter().flatten();
    for (k, v) in obj {
        if key_is(k, "RunID") {
            cx.set_str(v, "RunID", &mut run_id)?;
        } else if key_is(k, "Messages") {
            messages = match cx.arr(v, "Messages")? {
                None => &[],
                Some(items) => {
                    let out = cx.alloc_items(v, items.len(), Message::default())?;
                    for (m, v) in out.iter_mut().zip(items) {
                        decode_message(cx, v, m)?;
                    }
                    out
                }
            };
        } else if key_is(k, "ScenarioID") {
            cx.set_str(v, "ScenarioID", &mut scenario_id)?;
        } else if key_is(k, "PromptPack") {
            cx.set_str(v, "PromptPack", &mut prompt_pack)?;
        } else if key_is(k, "Region") {
            cx.set_str(v, "Region", &mut region)?;
        } else if key_is(k, "ProviderID") {
            cx.set_str(v, "ProviderID", &mut provider_id)?;
        } else if key_is(k, "Error") {
            cx.set_str(v, "Error", &mut error)?;
        } else if key_is(k, "Params") {
            params = match cx.obj(v, "Params")? {
                Some(o) if o.len() > 0 => Some(cx.raw(v)),
                _ => None,
            };
        } else if key_is(k, "SessionTags") {
            tags = cx.str_list(v, "SessionTags")?;
        } else if key_is(k, "StartTime") {
            if let Some(t) = cx.time(v, "StartTime")? {
                start = t;
            }
        } else if key_is(k, "EndTime") {
            if let Some(t) = cx.time(v, "EndTime")? {
                end = t;
            }
        } else if key_is(k, "Duration") {
            cx.set_int(v, "Duration", &mut duration)?;
        }
    }
    let timestamps = bump.alloc_slice_fill_iter(messages.iter().map(|m| {
        if m.timestamp.is_zero() {
            start
        } else {
            m.timestamp
        }
    }));
    let duration_ns = if duration > 0 {
        duration
    } else if !start.is_zero() && !end.is_zero() {
        end.nanos_since(&start).max(0)
    } else {
        0
    };
    let provider_info: &'a [(&'a str, &'a str)] =
        if provider_id.is_empty() { &[] } else { bump.alloc_slice_copy(&[("provider_id", provider_id)]) };
    let mut extras = bumpalo::collections::Vec::with_capacity_in(5, bump);
    for (key, val) in
        [("scenario_id", scenario_id), ("prompt_pack", prompt_pack), ("region", region), ("error", error)]
    {
        if !val.is_empty() {
            extras.push((key, Extra::Str(val)));
        }
    }
    if let Some(p) = params {
        extras.push(("params", Extra::Json(p)));
    }
    let metadata = Metadata {
        provider_info,
        tags,
        timestamps,
        session_id: run_id,
        duration_ns,
        extras: sorted_extras(extras),
        ..Metadata::default()
    };
    Ok(Recording { format: Format::ArenaRun, messages, metadata, warnings: &[], skipped_events: &[] })
}

/// The turn-based shape (`ArenaOutputFile`).
fn decode_turns<'a>(cx: &Cx<'_, 'a>, root: usize) -> Result<Recording<'a>> {
    let bump = cx.bump;
    let mut scenario_id = "";
    let mut provider_id = "";
    let mut tags: &'a [&'a str] = &[];
    let mut messages: &'a [Message<'a>] = &[];
    let mut turn_times: &'a [Timestamp] = &[];
    let obj = cx.obj(root, "the arena output")?.into_iter().flatten();
    for (k, v) in obj {
        if key_is(k, "scenario_id") {
            cx.set_str(v, "scenario_id", &mut scenario_id)?;
        } else if key_is(k, "provider_id") {
            cx.set_str(v, "provider_id", &mut provider_id)?;
        } else if key_is(k, "metadata") {
            let Some(meta) = cx.obj(v, "metadata")? else { continue };
            for (k, v) in meta {
                if key_is(k, "tags") {
                    tags = cx.str_list(v, "tags")?;
                } else if key_is(k, "extras") {
                    cx.obj(v, "extras")?;
                }
            }
        } else if key_is(k, "turns") {
            (messages, turn_times) = decode_turn_list(cx, v)?;
        } else if key_is(k, "summary") {
            if let Some(s) = cx.obj(v, "summary")? {
                for (k, v) in s {
                    for f in ["total_turns", "passed_turns", "failed_turns"] {
                        if key_is(k, f) {
                            cx.int(v, f)?;
                        }
                    }
                    if key_is(k, "total_cost") {
                        cx.float(v, "total_cost")?;
                    }
                }
            }
        }
    }
    // As the reference: every message of a turn is stamped with the turn's
    // `timestamp` in the metadata, whatever the message's own time says
    // (`Message.timestamp` keeps the message's own time; see COMPATIBILITY.md).
    let timestamps = turn_times;
    let provider_info: &'a [(&'a str, &'a str)] =
        if provider_id.is_empty() { &[] } else { bump.alloc_slice_copy(&[("provider_id", provider_id)]) };
    let extras: &'a [(&'a str, Extra<'a>)] = if scenario_id.is_empty() {
        &[]
    } else {
        bump.alloc_slice_copy(&[("scenario_id", Extra::Str(scenario_id))])
    };
    let metadata = Metadata {
        provider_info,
        tags,
        timestamps,
        duration_ns: span_nanos(timestamps.iter().copied()),
        extras,
        ..Metadata::default()
    };
    Ok(Recording { format: Format::ArenaTurns, messages, metadata, warnings: &[], skipped_events: &[] })
}

struct Turn<'a> {
    ts: Timestamp,
    user_content: &'a str,
    user_parts: &'a [Part<'a>],
    response: Message<'a>,
    tool_results: &'a [(&'a str, &'a str)],
}

/// The turns' messages, and for each message the time of the turn it came from.
type TurnMessages<'a> = (&'a [Message<'a>], &'a [Timestamp]);

fn decode_turn_list<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<TurnMessages<'a>> {
    let bump = cx.bump;
    let Some(items) = cx.arr(i, "turns")? else {
        return Ok((&[], &[]));
    };
    const PER_MESSAGE: usize = std::mem::size_of::<(Message, Timestamp)>();
    cx.check_arena(i, items.len().saturating_mul(2 * PER_MESSAGE))?;
    let mut out = bumpalo::collections::Vec::with_capacity_in(items.len() * 2, bump);
    let mut times = bumpalo::collections::Vec::with_capacity_in(items.len() * 2, bump);
    for v in items {
        let t = decode_turn(cx, v)?;
        // A turn adds up to two messages plus one per tool result; a growing
        // list may double.
        cx.check_arena(v, (out.len() + 2 + t.tool_results.len()).saturating_mul(2 * PER_MESSAGE))?;
        if !t.user_content.is_empty() || !t.user_parts.is_empty() {
            out.push(Message {
                role: "user",
                content: t.user_content,
                parts: t.user_parts,
                timestamp: t.ts,
                ..Message::default()
            });
        }
        let r = t.response;
        if !r.content.is_empty() || !r.parts.is_empty() || !r.tool_calls.is_empty() {
            let mut r = r;
            if r.timestamp.is_zero() {
                r.timestamp = t.ts;
            }
            out.push(r);
        }
        for &(id, content) in t.tool_results {
            let res = text_tool_result(id, "", content, bump);
            out.push(tool_result_message(res, t.ts, bump));
        }
        times.resize(out.len(), t.ts);
    }
    Ok((out.into_bump_slice(), times.into_bump_slice()))
}

fn decode_turn<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Turn<'a>> {
    let mut t = Turn {
        ts: Timestamp::ZERO,
        user_content: "",
        user_parts: &[],
        response: Message::default(),
        tool_results: &[],
    };
    let Some(obj) = cx.obj(i, "turns")? else {
        return Ok(t);
    };
    for (k, v) in obj {
        if key_is(k, "timestamp") {
            if let Some(ts) = cx.time(v, "timestamp")? {
                t.ts = ts;
            }
        } else if key_is(k, "turn_index") {
            cx.int(v, "turn_index")?;
        } else if key_is(k, "user_message") {
            let Some(um) = cx.obj(v, "user_message")? else { continue };
            for (k, v) in um {
                if key_is(k, "content") {
                    cx.set_str(v, "content", &mut t.user_content)?;
                } else if key_is(k, "parts") {
                    t.user_parts = decode_arena_parts(cx, v, cx.bump)?;
                }
            }
        } else if key_is(k, "response") {
            let Some(resp) = cx.obj(v, "response")? else { continue };
            for (k, v) in resp {
                if key_is(k, "message") {
                    decode_message(cx, v, &mut t.response)?;
                } else if key_is(k, "cost") {
                    if let Some(c) = cx.obj(v, "cost")? {
                        for (k, v) in c {
                            if key_is(k, "input_tokens") || key_is(k, "output_tokens") {
                                cx.int(v, k)?;
                            } else if key_is(k, "total_cost") {
                                cx.float(v, "total_cost")?;
                            }
                        }
                    }
                }
            }
        } else if key_is(k, "tool_results") {
            t.tool_results = match cx.arr(v, "tool_results")? {
                None => &[],
                Some(items) => {
                    let out = cx.alloc_items(v, items.len(), ("", ""))?;
                    for (slot, v) in out.iter_mut().zip(items) {
                        let Some(o) = cx.obj(v, "tool_results")? else { continue };
                        for (k, v) in o {
                            if key_is(k, "tool_call_id") {
                                cx.set_str(v, "tool_call_id", &mut slot.0)?;
                            } else if key_is(k, "content") {
                                cx.set_str(v, "content", &mut slot.1)?;
                            }
                        }
                    }
                    out
                }
            };
        } else if key_is(k, "assertions") {
            if let Some(items) = cx.arr(v, "assertions")? {
                for a in items {
                    let Some(o) = cx.obj(a, "assertions")? else { continue };
                    for (k, v) in o {
                        if key_is(k, "type") || key_is(k, "message") {
                            cx.str(v, k)?;
                        } else if key_is(k, "passed") {
                            cx.bool(v, "passed")?;
                        }
                    }
                }
            }
        }
    }
    Ok(t)
}

/// Arena part conversion: type copied, non-empty text kept and media copied
/// verbatim, for any type (already in the output schema).
fn decode_arena_parts<'a>(cx: &Cx<'_, 'a>, i: usize, bump: &'a Bump) -> Result<&'a [Part<'a>]> {
    let Some(items) = cx.arr(i, "parts")? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), Part::default())?;
    for (p, v) in out.iter_mut().zip(items) {
        let Some(o) = cx.obj(v, "parts")? else { continue };
        for (k, v) in o {
            if key_is(k, "type") {
                cx.set_str(v, "type", &mut p.kind)?;
            } else if key_is(k, "text") {
                p.text = cx.str(v, "text")?.filter(|t| !t.is_empty());
            } else if key_is(k, "media") {
                p.media = match cx.obj(v, "media")? {
                    None => None,
                    Some(_) => {
                        let mut m: Media<'a> = p.media.copied().unwrap_or_default();
                        decode_media(cx, v, &mut m)?;
                        Some(&*bump.alloc(m))
                    }
                };
            }
        }
    }
    Ok(out)
}
