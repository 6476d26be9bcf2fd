//! What PromptKit's session recorder writes (docs/formats.md#promptkit-recorder-output):
//!
//! 1. **Event-store JSONL**, what Arena writes when recording is enabled: one
//!    `{"seq":N,"parent_id":M?,"event":{type,timestamp,session_id,data_type,data}}`
//!    per line.
//! 2. **JSON export** (`SessionRecording.SaveTo(.., FormatJSON)`):
//!    `{"metadata":{..,"version":"1.0"},"events":[{seq,type,timestamp,offset,session_id,data_type,data}]}`,
//!    recognised by a non-empty `metadata.version`.
//! 3. **JSONL export**: a `{"type":"metadata","metadata":{..}}` line, then
//!    `{"type":"event","event":{..}}` lines.
//!
//! Each `message.created` event becomes a message (its `data` uses Go field
//! names: `Role`, `Content`, `Parts`, `ToolCalls`, `ToolResult`, matched
//! case-insensitively), each `workflow.transitioned` event a workflow
//! transition; every other event type is skipped and counted
//! ([`Recording::skipped_events`]).
//!
//! JSON Lines are streamed: each line is parsed in place, inside the
//! loader's buffer, by its own simd-json run into the one reused tape, and
//! decoded into the arena before the next line is looked at. The file is
//! never parsed as one document, and a bad line is reported with its line
//! number and byte offset.

use std::fmt;

use bumpalo::collections::Vec as BVec;
use bumpalo::Bump;

use crate::error::{Error, ErrorKind, Result};
use crate::formats::convert::concat_text;
use crate::formats::message::{decode_parts, decode_tool_result};
use crate::formats::{provider_pair, sorted_extras};
use crate::input::Input;
use crate::json::{key_is, Cx};
use crate::model::{Extra, Format, Message, Metadata, Recording, ToolCall, WorkflowTransition};
use crate::time::{span_nanos, Timestamp};

/// Bytes of padding simd-json needs after a document (here: after a line).
/// The event type that carries a conversation message.
pub const MESSAGE_CREATED: &str = "message.created";

/// The event type that carries a workflow state change.
pub const WORKFLOW_TRANSITIONED: &str = "workflow.transitioned";

/// Which shape a single JSON document that the session adapter reads has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocShape {
    /// The adapter-native shape (`events[].type == "message"`).
    Native,
    /// The recorder's JSON export (`metadata.version` is non-empty).
    Export,
    /// One line of JSON Lines on its own (`seq`/`event`/`type` at the top).
    Line,
}

/// Decides the shape of the document whose root object is at `root`, as
/// PromptKit's `recording.Load` does: the export when `metadata.version` is
/// non-empty; otherwise the native shape, unless the document has only
/// JSON Lines keys (a one-line `.jsonl` file).
pub(crate) fn shape_of(cx: &Cx<'_, '_>, root: usize) -> DocShape {
    let Ok(Some(obj)) = cx.obj(root, "") else {
        return DocShape::Native;
    };
    let (mut native, mut line) = (false, false);
    for (k, v) in obj {
        if key_is(k, "metadata") {
            native = true;
            let has_version = match cx.obj(v, "metadata") {
                Ok(Some(meta)) => meta.into_iter().any(|(k, v)| {
                    key_is(k, "version") && matches!(cx.str(v, "version"), Ok(Some(s)) if !s.is_empty())
                }),
                _ => false,
            };
            if has_version {
                return DocShape::Export;
            }
        } else if key_is(k, "events") {
            native = true;
        } else if key_is(k, "seq") || key_is(k, "event") || key_is(k, "type") {
            line = true;
        }
    }
    if line && !native {
        DocShape::Line
    } else {
        DocShape::Native
    }
}

/// Counts skipped events by type.
pub(crate) struct Skipped<'a> {
    counts: BVec<'a, (&'a str, u32)>,
}

impl<'a> Skipped<'a> {
    /// An empty counter in `bump`.
    pub(crate) fn new(bump: &'a Bump) -> Self {
        Skipped { counts: BVec::new_in(bump) }
    }

    /// Counts one event of type `kind`.
    pub(crate) fn add(&mut self, kind: &'a str) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => self.counts.push((kind, 1)),
        }
    }

    /// The counts sorted by type, and the warning that reports them (if any).
    pub(crate) fn finish(mut self, bump: &'a Bump) -> (&'a [(&'a str, u32)], Option<&'a str>) {
        if self.counts.is_empty() {
            return (&[], None);
        }
        self.counts.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let counts = self.counts.into_bump_slice();
        let total: u64 = counts.iter().map(|&(_, n)| u64::from(n)).sum();
        let mut msg = bumpalo::collections::String::new_in(bump);
        let plural = if total == 1 { "" } else { "s" };
        let _ = fmt::write(&mut msg, format_args!("skipped {total} non-message event{plural} ("));
        for (i, (kind, n)) in counts.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let kind = if kind.is_empty() { "(no type)" } else { kind };
            let _ = fmt::write(&mut msg, format_args!("{sep}{kind}: {n}"));
        }
        msg.push(')');
        (counts, Some(msg.into_bump_str()))
    }
}

/// The export's `metadata` object (`recording.Metadata`), as far as it is used.
#[derive(Debug, Clone, Copy, Default)]
struct ExportMeta<'a> {
    session_id: &'a str,
    conversation_id: &'a str,
    duration: i64,
    provider_name: &'a str,
    model: &'a str,
    version: &'a str,
    /// `custom`, except `tags`, as extras (sorted later).
    custom: &'a [(&'a str, Extra<'a>)],
    /// `custom.tags`: its string items.
    tags: &'a [&'a str],
}

fn decode_meta<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<ExportMeta<'a>> {
    let mut m = ExportMeta::default();
    let Some(obj) = cx.obj(i, "metadata")? else {
        return Ok(m);
    };
    for (k, v) in obj {
        if key_is(k, "session_id") {
            cx.set_str(v, "session_id", &mut m.session_id)?;
        } else if key_is(k, "conversation_id") {
            cx.set_str(v, "conversation_id", &mut m.conversation_id)?;
        } else if key_is(k, "duration") {
            cx.set_int(v, "duration", &mut m.duration)?;
        } else if key_is(k, "provider_name") {
            cx.set_str(v, "provider_name", &mut m.provider_name)?;
        } else if key_is(k, "model") {
            cx.set_str(v, "model", &mut m.model)?;
        } else if key_is(k, "version") {
            cx.set_str(v, "version", &mut m.version)?;
        } else if key_is(k, "start_time") || key_is(k, "end_time") || key_is(k, "created_at") {
            // Validated as Go does (a bad time fails the file); not used.
            cx.time(v, k)?;
        } else if key_is(k, "event_count") {
            cx.int(v, "event_count")?;
        } else if key_is(k, "custom") {
            // A Go map: null clears it, keys are exact, the last duplicate wins.
            m.custom = &[];
            m.tags = &[];
            let Some(custom) = cx.obj(v, "custom")? else { continue };
            let mut extras = BVec::with_capacity_in(custom.len(), cx.bump);
            for (k, v) in custom {
                if k == "tags" {
                    m.tags = string_items(cx, v);
                } else {
                    let value = match cx.str(v, k) {
                        Ok(Some(s)) => Extra::Str(s),
                        _ => Extra::Json(cx.raw(v)),
                    };
                    extras.push((k, value));
                }
            }
            m.custom = extras.into_bump_slice();
        }
    }
    Ok(m)
}

/// The string items of a list (upstream's `stringSlice`): other items are
/// dropped, and anything but a list gives no items.
fn string_items<'a>(cx: &Cx<'_, 'a>, i: usize) -> &'a [&'a str] {
    let Ok(Some(items)) = cx.arr(i, "tags") else {
        return &[];
    };
    let mut out = BVec::with_capacity_in(items.len(), cx.bump);
    for v in items {
        if let Ok(Some(s)) = cx.str(v, "tags") {
            out.push(s);
        }
    }
    out.into_bump_slice()
}

/// One recorded event's envelope (`RecordedEvent` or the event store's event).
#[derive(Debug, Clone, Copy, Default)]
struct Event<'a> {
    kind: &'a str,
    timestamp: Timestamp,
    session_id: &'a str,
    conversation_id: &'a str,
    seq: Option<i64>,
    /// Tape index of `data`, when present.
    data: Option<usize>,
    /// Tape index of the event object itself (for error positions).
    at: usize,
}

fn read_event<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Event<'a>> {
    let mut e = Event { at: i, ..Event::default() };
    let Some(obj) = cx.obj(i, "event")? else {
        return Ok(e);
    };
    let mut sequence = None;
    for (k, v) in obj {
        if key_is(k, "type") {
            cx.set_str(v, "type", &mut e.kind)?;
        } else if key_is(k, "timestamp") {
            if let Some(t) = cx.time(v, "timestamp")? {
                e.timestamp = t;
            }
        } else if key_is(k, "session_id") {
            cx.set_str(v, "session_id", &mut e.session_id)?;
        } else if key_is(k, "conversation_id") {
            cx.set_str(v, "conversation_id", &mut e.conversation_id)?;
        } else if key_is(k, "seq") {
            if let Some(n) = cx.int(v, "seq")? {
                e.seq = Some(n);
            }
        } else if key_is(k, "sequence") {
            // Not a recorder key (the hand-written example uses it): only
            // used to name the event in errors.
            sequence = cx.int(v, "sequence").ok().flatten();
        } else if key_is(k, "data") {
            e.data = Some(v);
        } else if key_is(k, "offset") || key_is(k, "parent_seq") {
            cx.int(v, k)?;
        } else if key_is(k, "run_id") || key_is(k, "data_type") {
            cx.str(v, k)?;
        }
    }
    if e.seq.is_none() {
        e.seq = sequence;
    }
    Ok(e)
}

/// Where an event is, for error messages.
#[derive(Debug, Clone, Copy)]
struct Loc {
    seq: Option<i64>,
    /// 1-based position among the file's events.
    nth: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            Some(s) => write!(f, "event {s}"),
            None => write!(f, "event #{} of the file", self.nth),
        }
    }
}

/// How the recording's metadata is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The export's `metadata` (JSON or JSONL export).
    Export,
    /// The events themselves (event-store JSONL has no metadata).
    EventStore,
}

/// The recording built event by event.
struct Acc<'a> {
    bump: &'a Bump,
    messages: BVec<'a, Message<'a>>,
    timestamps: BVec<'a, Timestamp>,
    transitions: BVec<'a, WorkflowTransition<'a>>,
    skipped: Skipped<'a>,
    /// Earliest and latest non-zero event times, over all events.
    first: Timestamp,
    last: Timestamp,
    /// First non-empty ids seen on events (event-store metadata).
    session_id: &'a str,
    conversation_id: &'a str,
    meta: Option<ExportMeta<'a>>,
    events: u32,
    warnings: BVec<'a, &'a str>,
}

impl<'a> Acc<'a> {
    fn new(bump: &'a Bump) -> Self {
        Acc {
            bump,
            messages: BVec::new_in(bump),
            timestamps: BVec::new_in(bump),
            transitions: BVec::new_in(bump),
            skipped: Skipped::new(bump),
            first: Timestamp::ZERO,
            last: Timestamp::ZERO,
            session_id: "",
            conversation_id: "",
            meta: None,
            events: 0,
            warnings: BVec::new_in(bump),
        }
    }

    /// Takes one event: a message, a transition, or a skipped event.
    fn event(&mut self, cx: &Cx<'_, 'a>, e: Event<'a>) -> Result<()> {
        self.events = self.events.saturating_add(1);
        // The lists below may double as they grow.
        cx.check_arena(0, 2 * (self.messages.len() + 1) * std::mem::size_of::<(Message, Timestamp)>())?;
        let loc = Loc { seq: e.seq, nth: self.events };
        let t = e.timestamp;
        if !t.is_zero() {
            if self.first.is_zero() || t.unix_nanos() < self.first.unix_nanos() {
                self.first = t;
            }
            if self.last.is_zero() || t.unix_nanos() > self.last.unix_nanos() {
                self.last = t;
            }
        }
        if self.session_id.is_empty() {
            self.session_id = e.session_id;
        }
        if self.conversation_id.is_empty() {
            self.conversation_id = e.conversation_id;
        }
        match e.kind {
            MESSAGE_CREATED => {
                let Some(data) = e.data else {
                    return Err(no_data(cx, &e, loc));
                };
                let m = decode_created(cx, data, t)
                    .map_err(|err| err.context(format_args!("{loc}: decoding {MESSAGE_CREATED}")))?;
                self.messages.push(m);
                self.timestamps.push(t);
            }
            WORKFLOW_TRANSITIONED => {
                let Some(data) = e.data else {
                    return Err(no_data(cx, &e, loc));
                };
                let index = i64::try_from(self.messages.len()).unwrap_or(i64::MAX) - 1;
                let w = decode_transition(cx, data, index)
                    .map_err(|err| err.context(format_args!("{loc}: decoding {WORKFLOW_TRANSITIONED}")))?;
                self.transitions.push(w);
            }
            other => self.skipped.add(other),
        }
        Ok(())
    }

    fn finish(mut self, source: Source) -> Recording<'a> {
        let bump = self.bump;
        let timestamps = self.timestamps.into_bump_slice();
        let mut extras = BVec::new_in(bump);
        let mut tags: &'a [&'a str] = &[];
        let mut provider_info: &'a [(&'a str, &'a str)] = &[];
        let (session_id, duration_ns) = match source {
            Source::EventStore => {
                if !self.conversation_id.is_empty() {
                    extras.push(("conversation_id", Extra::Str(self.conversation_id)));
                }
                (self.session_id, span_nanos([self.first, self.last]))
            }
            Source::Export => {
                let m = self.meta.unwrap_or_default();
                if !m.provider_name.is_empty() || !m.model.is_empty() {
                    provider_info = provider_pair(bump, "model", m.model, "provider_id", m.provider_name);
                }
                if !m.conversation_id.is_empty() {
                    extras.push(("conversation_id", Extra::Str(m.conversation_id)));
                }
                // Custom entries come after, so they win over conversation_id.
                extras.extend_from_slice(m.custom);
                tags = m.tags;
                let duration =
                    if m.duration > 0 { m.duration } else { span_nanos(timestamps.iter().copied()) };
                (m.session_id, duration)
            }
        };
        let (skipped_events, skipped_warning) = self.skipped.finish(bump);
        if let Some(w) = skipped_warning {
            self.warnings.push(w);
        }
        if self.messages.is_empty() {
            let w = bumpalo::format!(in bump, "no {} events: 0 messages loaded", MESSAGE_CREATED);
            self.warnings.push(w.into_bump_str());
        }
        let metadata = Metadata {
            provider_info,
            tags,
            timestamps,
            session_id,
            duration_ns,
            extras: sorted_extras(extras),
            workflow_transitions: self.transitions.into_bump_slice(),
            ..Metadata::default()
        };
        Recording {
            format: Format::Recorder,
            messages: self.messages.into_bump_slice(),
            metadata,
            warnings: self.warnings.into_bump_slice(),
            skipped_events,
        }
    }
}

#[cold]
fn no_data(cx: &Cx<'_, '_>, e: &Event<'_>, loc: Loc) -> Error {
    Error::expected(
        ErrorKind::Shape,
        "a \"data\" payload",
        "none",
        format!("{loc}: {} event has no \"data\" payload", e.kind),
    )
    .at(cx.offset_of(e.at))
}

/// Decodes a `message.created` payload (`events.MessageCreatedData`, Go field
/// names) into a message stamped with the event time. A tool message with
/// no content and no parts takes the parts of its result (as upstream), and
/// its content is the result's text (as for every tool message here).
fn decode_created<'a>(cx: &Cx<'_, 'a>, i: usize, timestamp: Timestamp) -> Result<Message<'a>> {
    let mut m = Message { timestamp, ..Message::default() };
    let Some(obj) = cx.obj(i, "data")? else {
        return Ok(m);
    };
    for (k, v) in obj {
        if key_is(k, "Role") {
            cx.set_str(v, "Role", &mut m.role)?;
        } else if key_is(k, "Content") {
            cx.set_str(v, "Content", &mut m.content)?;
        } else if key_is(k, "Parts") {
            m.parts = decode_parts(cx, v, "Parts")?;
        } else if key_is(k, "ToolCalls") {
            m.tool_calls = decode_calls(cx, v)?;
        } else if key_is(k, "ToolResult") {
            m.tool_result = match cx.obj(v, "ToolResult")? {
                None => None,
                Some(_) => {
                    let mut r = m.tool_result.copied().unwrap_or_default();
                    decode_tool_result(cx, v, &mut r)?;
                    Some(&*cx.bump.alloc(r))
                }
            };
        } else if key_is(k, "Index") {
            cx.int(v, "Index")?;
        }
    }
    if let Some(r) = m.tool_result {
        if m.content.is_empty() && m.parts.is_empty() {
            m.parts = r.parts;
        }
        if m.content.is_empty() {
            m.content = concat_text(r.parts, cx.bump);
        }
    }
    Ok(m)
}

/// `ToolCalls`: `{id, name, args}` where `args` is a string of JSON text (its
/// text is kept); any other JSON value is accepted as its compact text.
fn decode_calls<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<&'a [ToolCall<'a>]> {
    let Some(items) = cx.arr(i, "ToolCalls")? else {
        return Ok(&[]);
    };
    let out = cx.alloc_items(i, items.len(), ToolCall::default())?;
    for (c, v) in out.iter_mut().zip(items) {
        let Some(obj) = cx.obj(v, "ToolCalls")? else { continue };
        for (k, v) in obj {
            if key_is(k, "id") {
                cx.set_str(v, "id", &mut c.id)?;
            } else if key_is(k, "name") {
                cx.set_str(v, "name", &mut c.name)?;
            } else if key_is(k, "args") && !cx.is_null(v) {
                c.args = cx.str_or_raw(v);
            }
        }
    }
    Ok(out)
}

/// A `workflow.transitioned` payload (`from_state`, `to_state`, `event`, `prompt_task`).
fn decode_transition<'a>(cx: &Cx<'_, 'a>, i: usize, message_index: i64) -> Result<WorkflowTransition<'a>> {
    let mut w = WorkflowTransition { message_index, ..WorkflowTransition::default() };
    let Some(obj) = cx.obj(i, "data")? else {
        return Ok(w);
    };
    for (k, v) in obj {
        if key_is(k, "from_state") {
            cx.set_str(v, "from_state", &mut w.from)?;
        } else if key_is(k, "to_state") {
            cx.set_str(v, "to_state", &mut w.to)?;
        } else if key_is(k, "event") {
            cx.set_str(v, "event", &mut w.event)?;
        } else if key_is(k, "prompt_task") {
            cx.set_str(v, "prompt_task", &mut w.prompt_task)?;
        }
    }
    Ok(w)
}

/// Decodes the JSON export (`metadata.version` non-empty) at `root`.
pub(crate) fn decode_export<'a>(cx: &Cx<'_, 'a>, root: usize) -> Result<Recording<'a>> {
    let mut acc = Acc::new(cx.bump);
    let obj = cx.obj(root, "the session recording")?.into_iter().flatten();
    for (k, v) in obj {
        if key_is(k, "metadata") {
            acc.meta = Some(decode_meta(cx, v)?);
        } else if key_is(k, "events") {
            // null or absent: no events. Go's decoder replaces the list on a
            // duplicate key; no real file has one, so later events append.
            let Some(items) = cx.arr(v, "events")? else { continue };
            for ev in items {
                let e = read_event(cx, ev)?;
                acc.event(cx, e)?;
            }
        }
    }
    Ok(acc.finish(Source::Export))
}

/// The JSON Lines shapes, decided by the first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinesShape {
    /// `{"seq":N,"parent_id":M?,"event":{..}}` per line.
    EventStore,
    /// `{"type":"metadata",..}` then `{"type":"event",..}` lines.
    Export,
}

/// The state of a JSON Lines file being read line by line.
pub(crate) struct Lines<'a> {
    acc: Acc<'a>,
    shape: Option<LinesShape>,
    /// Export lines whose `type` is neither `metadata` nor `event`.
    ignored: u32,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bump: &'a Bump) -> Self {
        Lines { acc: Acc::new(bump), shape: None, ignored: 0 }
    }

    /// Decodes the parsed line `line_no` (1-based). Offsets in errors are
    /// relative to the line.
    pub(crate) fn line(&mut self, cx: &Cx<'_, 'a>, line_no: usize) -> Result<()> {
        self.decode_line(cx).map_err(|e| e.context(format_args!("line {line_no}")))
    }

    fn decode_line(&mut self, cx: &Cx<'_, 'a>) -> Result<()> {
        let root = cx.root();
        let obj = cx.obj(root, "a JSON Lines record")?;
        let shape = match self.shape {
            Some(s) => s,
            None => {
                // The event store's lines have no `type` at the top level;
                // the export's always do.
                let mut shape = LinesShape::Export;
                for (k, _) in obj.into_iter().flatten() {
                    if key_is(k, "type") {
                        shape = LinesShape::Export;
                        break;
                    } else if key_is(k, "seq") || key_is(k, "event") {
                        shape = LinesShape::EventStore;
                    }
                }
                *self.shape.insert(shape)
            }
        };
        let Some(obj) = cx.obj(root, "a JSON Lines record")? else {
            if shape == LinesShape::Export {
                self.ignored += 1;
                return Ok(());
            }
            return self.acc.event(cx, Event { at: root, ..Event::default() });
        };
        match shape {
            LinesShape::EventStore => {
                let mut seq = None;
                let mut event = Event { at: root, ..Event::default() };
                for (k, v) in obj {
                    if key_is(k, "seq") {
                        seq = cx.int(v, "seq")?;
                    } else if key_is(k, "parent_id") {
                        cx.int(v, "parent_id")?;
                    } else if key_is(k, "event") {
                        event = read_event(cx, v)?;
                    }
                }
                if seq.is_some() {
                    event.seq = seq;
                }
                self.acc.event(cx, event)
            }
            LinesShape::Export => {
                let mut kind = "";
                let mut meta = None;
                let mut event = None;
                for (k, v) in obj {
                    if key_is(k, "type") {
                        cx.set_str(v, "type", &mut kind)?;
                    } else if key_is(k, "metadata") {
                        meta = Some(v);
                    } else if key_is(k, "event") {
                        event = Some(v);
                    }
                }
                match kind {
                    "metadata" => {
                        self.acc.meta = Some(match meta {
                            Some(v) => decode_meta(cx, v)?,
                            None => ExportMeta::default(),
                        });
                    }
                    "event" => {
                        let e = match event {
                            Some(v) => read_event(cx, v)?,
                            None => Event { at: root, ..Event::default() },
                        };
                        self.acc.event(cx, e)?;
                    }
                    _ => self.ignored += 1,
                }
                Ok(())
            }
        }
    }

    /// The recording, once every line was read.
    pub(crate) fn finish(mut self) -> Result<Recording<'a>> {
        match self.shape {
            None => Err(Error::new(ErrorKind::Syntax, "unexpected end of JSON input: the file is empty")),
            Some(LinesShape::EventStore) => Ok(self.acc.finish(Source::EventStore)),
            Some(LinesShape::Export) => {
                if self.acc.meta.is_none_or(|m| m.version.is_empty()) {
                    return Err(Error::new(
                        ErrorKind::Shape,
                        "invalid recording: missing metadata (expected a {\"type\":\"metadata\"} line with a \
                         version, or event-store lines {\"seq\":N,\"event\":{..}})",
                    )
                    // A whole-file problem: point at the start of the file.
                    .at(0));
                }
                if self.ignored > 0 {
                    let w = bumpalo::format!(in self.acc.bump,
                        "ignored {} JSON Lines record(s) whose type is neither \"metadata\" nor \"event\"",
                        self.ignored);
                    self.acc.warnings.push(w.into_bump_str());
                }
                Ok(self.acc.finish(Source::Export))
            }
        }
    }
}

/// Decodes a one-line JSON Lines file that was parsed as a single document.
pub(crate) fn decode_line_document<'a>(cx: &Cx<'_, 'a>) -> Result<Recording<'a>> {
    let mut lines = Lines::new(cx.bump);
    lines.line(cx, 1)?;
    lines.finish()
}

/// Reads a JSON Lines file (event-store lines or the JSONL export), one
/// line at a time, each parsed in place by the input layer.
pub(crate) fn decode_lines<'l>(input: Input<'l, '_>) -> Result<Recording<'l>> {
    let mut lines = Lines::new(input.bump);
    input.json_lines(|cx, line_no| lines.line(cx, line_no))?;
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_counts_sorted_with_warning() {
        let bump = Bump::new();
        let mut s = Skipped::new(&bump);
        for k in ["tool.call.started", "audio.input", "tool.call.started", ""] {
            s.add(k);
        }
        let (counts, warning) = s.finish(&bump);
        assert_eq!(counts, &[("", 1), ("audio.input", 1), ("tool.call.started", 2)]);
        assert_eq!(
            warning,
            Some("skipped 4 non-message events ((no type): 1, audio.input: 1, tool.call.started: 2)")
        );
        let (counts, warning) = Skipped::new(&bump).finish(&bump);
        assert!(counts.is_empty() && warning.is_none());
    }
}
