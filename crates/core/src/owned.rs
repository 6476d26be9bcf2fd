//! Plain owned data, for users who want the Go signature
//! `Load(ref) -> ([]Message, *Metadata, error)` and no lifetimes.
//!
//! Every copy between the models lives here: the owned values are built
//! from the borrowed model ([`crate::model`]) by [`Message::from_borrowed`],
//! [`Metadata::from_borrowed`] and [`to_owned`], lent back as
//! borrowed values ([`Message::as_borrowed`]) to use the PromptKit JSON
//! writer, and copied into a loader's arena for user adapters that only
//! implement the owned `load`.

use std::collections::BTreeMap;
use std::time::Duration;

use bumpalo::Bump;

use crate::model::{self, Extra, Format, RawJson, Recording};
use crate::time::Timestamp;

/// Owned media content (PromptKit `types.MediaContent`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Media {
    pub data: Option<String>,
    pub file_path: Option<String>,
    pub url: Option<String>,
    pub storage_reference: Option<String>,
    pub mime_type: String,
    pub format: Option<String>,
    pub size_kb: Option<i64>,
    pub detail: Option<String>,
    pub caption: Option<String>,
    pub duration: Option<i64>,
    pub bit_rate: Option<i64>,
    pub channels: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub fps: Option<i64>,
    pub policy_name: Option<String>,
}

/// Owned content part (PromptKit `types.ContentPart`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// Part type (`text`, `image`, ...).
    pub kind: String,
    /// Text, when present.
    pub text: Option<String>,
    /// Media, when present.
    pub media: Option<Media>,
}

/// Owned tool call (PromptKit `types.MessageToolCall`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as JSON text.
    pub args: String,
    /// Provider metadata object as JSON text, when present.
    pub provider_metadata: Option<String>,
}

/// Owned tool result (PromptKit `types.MessageToolResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ToolResult {
    pub id: String,
    pub name: String,
    pub parts: Vec<Part>,
    pub error: String,
    pub error_type: String,
    pub latency_ms: i64,
}

/// Owned message (PromptKit `types.Message`). Free-form fields are JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Message {
    pub role: String,
    pub content: String,
    pub parts: Vec<Part>,
    pub tool_calls: Vec<ToolCall>,
    pub tool_result: Option<ToolResult>,
    pub timestamp: Timestamp,
    pub latency_ms: i64,
    pub cost_info: Option<String>,
    pub finish_reason: String,
    pub meta: Option<String>,
    pub reasoning: Option<String>,
    pub validations: Option<String>,
}

/// A judge target (PromptKit `adapters.ProviderSpec`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSpec {
    /// Provider type.
    pub kind: String,
    /// Model.
    pub model: String,
    /// Provider id.
    pub id: String,
}

/// An owned workflow transition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct WorkflowTransition {
    pub from: String,
    pub to: String,
    pub event: String,
    pub prompt_task: String,
    pub message_index: i64,
}

/// Owned recording metadata (PromptKit `adapters.RecordingMetadata`).
/// Maps are `BTreeMap`s, so iteration and output are deterministic.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Metadata {
    pub judge_targets: BTreeMap<String, ProviderSpec>,
    pub provider_info: BTreeMap<String, serde_json::Value>,
    pub tags: Vec<String>,
    pub timestamps: Vec<Timestamp>,
    pub session_id: String,
    pub duration: Duration,
    pub extras: BTreeMap<String, serde_json::Value>,
    pub workflow_transitions: Vec<WorkflowTransition>,
}

fn s(x: &str) -> String {
    x.to_owned()
}

fn os(x: Option<&str>) -> Option<String> {
    x.map(str::to_owned)
}

fn oraw(x: Option<RawJson<'_>>) -> Option<String> {
    x.map(|r| r.0.to_owned())
}

impl Media {
    fn from_borrowed(m: &model::Media<'_>) -> Self {
        Media {
            data: os(m.data),
            file_path: os(m.file_path),
            url: os(m.url),
            storage_reference: os(m.storage_reference),
            mime_type: s(m.mime_type),
            format: os(m.format),
            size_kb: m.size_kb,
            detail: os(m.detail),
            caption: os(m.caption),
            duration: m.duration,
            bit_rate: m.bit_rate,
            channels: m.channels,
            width: m.width,
            height: m.height,
            fps: m.fps,
            policy_name: os(m.policy_name),
        }
    }

    fn as_borrowed<'b>(&'b self) -> model::Media<'b> {
        model::Media {
            data: self.data.as_deref(),
            file_path: self.file_path.as_deref(),
            url: self.url.as_deref(),
            storage_reference: self.storage_reference.as_deref(),
            mime_type: &self.mime_type,
            format: self.format.as_deref(),
            size_kb: self.size_kb,
            detail: self.detail.as_deref(),
            caption: self.caption.as_deref(),
            duration: self.duration,
            bit_rate: self.bit_rate,
            channels: self.channels,
            width: self.width,
            height: self.height,
            fps: self.fps,
            policy_name: self.policy_name.as_deref(),
        }
    }
}

impl Part {
    fn from_borrowed(p: &model::Part<'_>) -> Self {
        Part { kind: s(p.kind), text: os(p.text), media: p.media.map(Media::from_borrowed) }
    }
}

fn parts_as_borrowed<'b>(parts: &'b [Part], bump: &'b Bump) -> &'b [model::Part<'b>] {
    bump.alloc_slice_fill_iter(parts.iter().map(|p| model::Part {
        kind: &p.kind,
        text: p.text.as_deref(),
        media: p.media.as_ref().map(|m| &*bump.alloc(m.as_borrowed())),
    }))
}

impl Message {
    /// Copies a borrowed message into owned data.
    pub fn from_borrowed(m: &model::Message<'_>) -> Message {
        Message {
            role: s(m.role),
            content: s(m.content),
            parts: m.parts.iter().map(Part::from_borrowed).collect(),
            tool_calls: m
                .tool_calls
                .iter()
                .map(|c| ToolCall {
                    id: s(c.id),
                    name: s(c.name),
                    args: s(c.args.0),
                    provider_metadata: oraw(c.provider_metadata),
                })
                .collect(),
            tool_result: m.tool_result.map(|r| ToolResult {
                id: s(r.id),
                name: s(r.name),
                parts: r.parts.iter().map(Part::from_borrowed).collect(),
                error: s(r.error),
                error_type: s(r.error_type),
                latency_ms: r.latency_ms,
            }),
            timestamp: m.timestamp,
            latency_ms: m.latency_ms,
            cost_info: oraw(m.cost_info),
            finish_reason: s(m.finish_reason),
            meta: oraw(m.meta),
            reasoning: oraw(m.reasoning),
            validations: oraw(m.validations),
        }
    }

    /// Lends this message as a borrowed one (slices are built in `bump`).
    pub fn as_borrowed<'b>(&'b self, bump: &'b Bump) -> model::Message<'b> {
        let raw = |x: &'b Option<String>| x.as_deref().map(RawJson);
        model::Message {
            role: &self.role,
            content: &self.content,
            parts: parts_as_borrowed(&self.parts, bump),
            tool_calls: bump.alloc_slice_fill_iter(self.tool_calls.iter().map(|c| model::ToolCall {
                id: &c.id,
                name: &c.name,
                args: RawJson(&c.args),
                provider_metadata: c.provider_metadata.as_deref().map(RawJson),
            })),
            tool_result: self.tool_result.as_ref().map(|r| {
                &*bump.alloc(model::ToolResult {
                    id: &r.id,
                    name: &r.name,
                    parts: parts_as_borrowed(&r.parts, bump),
                    error: &r.error,
                    error_type: &r.error_type,
                    latency_ms: r.latency_ms,
                })
            }),
            timestamp: self.timestamp,
            latency_ms: self.latency_ms,
            cost_info: raw(&self.cost_info),
            finish_reason: &self.finish_reason,
            meta: raw(&self.meta),
            reasoning: raw(&self.reasoning),
            validations: raw(&self.validations),
        }
    }
}

fn extra_value(e: &Extra<'_>) -> serde_json::Value {
    match e {
        Extra::Str(s) => serde_json::Value::String((*s).to_owned()),
        Extra::Json(r) => serde_json::from_str(r.0).unwrap_or(serde_json::Value::Null),
    }
}

impl Metadata {
    /// Copies borrowed metadata into owned data.
    pub fn from_borrowed(m: &model::Metadata<'_>) -> Metadata {
        Metadata {
            judge_targets: m
                .judge_targets
                .iter()
                .map(|(k, p)| (s(k), ProviderSpec { kind: s(p.kind), model: s(p.model), id: s(p.id) }))
                .collect(),
            provider_info: m
                .provider_info
                .iter()
                .map(|(k, v)| (s(k), serde_json::Value::String(s(v))))
                .collect(),
            tags: m.tags.iter().map(|t| s(t)).collect(),
            timestamps: m.timestamps.to_vec(),
            session_id: s(m.session_id),
            duration: Duration::from_nanos(m.duration_ns.max(0) as u64),
            extras: m.extras.iter().map(|(k, v)| (s(k), extra_value(v))).collect(),
            workflow_transitions: m
                .workflow_transitions
                .iter()
                .map(|w| WorkflowTransition {
                    from: s(w.from),
                    to: s(w.to),
                    event: s(w.event),
                    prompt_task: s(w.prompt_task),
                    message_index: w.message_index,
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------
// Copies between the owned model, the borrowed model and an arena.

/// Copies owned data into an arena as a borrowed recording.
pub(crate) fn copy_into_arena<'l>(bump: &'l Bump, messages: &[Message], md: &Metadata) -> Recording<'l> {
    let s = |x: &str| &*bump.alloc_str(x);
    // Lend each owned message, then re-home every string in the arena.
    let msgs =
        bump.alloc_slice_fill_iter(messages.iter().map(|m| deep_copy_message(&m.as_borrowed(bump), bump)));
    let metadata = model::Metadata {
        judge_targets: bump.alloc_slice_fill_iter(md.judge_targets.iter().map(|(k, p)| {
            (s(k), model::ProviderSpec { kind: s(&p.kind), model: s(&p.model), id: s(&p.id) })
        })),
        provider_info: bump.alloc_slice_fill_iter(md.provider_info.iter().map(|(k, v)| {
            (
                s(k),
                match v {
                    serde_json::Value::String(x) => s(x),
                    other => s(&other.to_string()),
                },
            )
        })),
        tags: bump.alloc_slice_fill_iter(md.tags.iter().map(|t| s(t))),
        timestamps: bump.alloc_slice_copy(&md.timestamps),
        session_id: s(&md.session_id),
        duration_ns: i64::try_from(md.duration.as_nanos()).unwrap_or(i64::MAX),
        extras: bump.alloc_slice_fill_iter(md.extras.iter().map(|(k, v)| {
            (
                s(k),
                match v {
                    serde_json::Value::String(x) => Extra::Str(s(x)),
                    other => Extra::Json(RawJson(s(&other.to_string()))),
                },
            )
        })),
        workflow_transitions: bump.alloc_slice_fill_iter(md.workflow_transitions.iter().map(|w| {
            model::WorkflowTransition {
                from: s(&w.from),
                to: s(&w.to),
                event: s(&w.event),
                prompt_task: s(&w.prompt_task),
                message_index: w.message_index,
            }
        })),
    };
    Recording { format: Format::Custom, messages: msgs, metadata, warnings: &[], skipped_events: &[] }
}

fn deep_copy_message<'l>(m: &model::Message<'_>, bump: &'l Bump) -> model::Message<'l> {
    let s = |x: &str| &*bump.alloc_str(x);
    let os = |x: Option<&str>| x.map(|v| &*bump.alloc_str(v));
    let raw = |x: Option<RawJson<'_>>| x.map(|r| RawJson(bump.alloc_str(r.0)));
    let parts = |ps: &[model::Part<'_>]| -> &'l [model::Part<'l>] {
        bump.alloc_slice_fill_iter(ps.iter().map(|p| model::Part {
            kind: s(p.kind),
            text: os(p.text),
            media: p.media.map(|m| {
                &*bump.alloc(model::Media {
                    data: os(m.data),
                    file_path: os(m.file_path),
                    url: os(m.url),
                    storage_reference: os(m.storage_reference),
                    mime_type: s(m.mime_type),
                    format: os(m.format),
                    detail: os(m.detail),
                    caption: os(m.caption),
                    policy_name: os(m.policy_name),
                    size_kb: m.size_kb,
                    duration: m.duration,
                    bit_rate: m.bit_rate,
                    channels: m.channels,
                    width: m.width,
                    height: m.height,
                    fps: m.fps,
                })
            }),
        }))
    };
    model::Message {
        role: s(m.role),
        content: s(m.content),
        parts: parts(m.parts),
        tool_calls: bump.alloc_slice_fill_iter(m.tool_calls.iter().map(|c| model::ToolCall {
            id: s(c.id),
            name: s(c.name),
            args: RawJson(s(c.args.0)),
            provider_metadata: raw(c.provider_metadata),
        })),
        tool_result: m.tool_result.map(|r| {
            &*bump.alloc(model::ToolResult {
                id: s(r.id),
                name: s(r.name),
                parts: parts(r.parts),
                error: s(r.error),
                error_type: s(r.error_type),
                latency_ms: r.latency_ms,
            })
        }),
        timestamp: m.timestamp,
        latency_ms: m.latency_ms,
        cost_info: raw(m.cost_info),
        finish_reason: s(m.finish_reason),
        meta: raw(m.meta),
        reasoning: raw(m.reasoning),
        validations: raw(m.validations),
    }
}

/// Converts a borrowed recording into the owned Go-shaped result.
pub fn to_owned(rec: &Recording<'_>) -> (Vec<Message>, Metadata) {
    (rec.messages.iter().map(Message::from_borrowed).collect(), Metadata::from_borrowed(&rec.metadata))
}
