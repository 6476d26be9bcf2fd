//! The borrowed message model every adapter produces.
//!
//! Every type here is `Copy`-able data made of `&'a str`, `&'a [T]` and
//! integers: strings point into the loader's input buffer (JSON strings
//! without escapes) or into its bump arena (unescaped strings, YAML scalars,
//! built values). Nothing here owns heap memory, so nothing needs `Drop`;
//! resetting the arena frees a whole recording at once.
//!
//! The shape mirrors PromptKit's `types.Message` so that [`crate::promptkit`]
//! can write it back exactly as the Go encoder does.

use crate::time::Timestamp;

/// Compact JSON text of a free-form value (`meta`, `params`, tool arguments).
///
/// It is kept as text, not as a value tree: most consumers never look inside.
/// Parse it with any JSON library when needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawJson<'a>(pub &'a str);

impl<'a> RawJson<'a> {
    /// The JSON text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Which built-in format a recording was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// Session recording in the adapter-native shape (`events[].type == "message"`).
    #[default]
    Session,
    /// PromptKit recorder output: event-store JSONL, JSON export or JSONL export.
    Recorder,
    /// Arena output, run-result shape (`RunID`, `Messages`).
    ArenaRun,
    /// Arena output, turn-based shape (`turns`).
    ArenaTurns,
    /// Transcript YAML.
    Transcript,
    /// A format provided by a user adapter.
    Custom,
    /// OpenAI chat messages (fine-tuning JSONL, arrays of `{"messages"}`).
    OpenAiChat,
    /// OpenAI Batch API request or result lines.
    OpenAiBatch,
    /// ShareGPT conversations (`{"conversations": [{"from", "value"}]}`).
    ShareGpt,
    /// inspect_ai eval logs (`.json` logs and `.eval` zip archives).
    Inspect,
    /// OpenTelemetry GenAI traces (OTLP JSON).
    OtelGenai,
}

impl Format {
    /// A short stable name (`"session"`, `"arena_run"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Session => "session",
            Format::Recorder => "recorder",
            Format::ArenaRun => "arena_run",
            Format::ArenaTurns => "arena_turns",
            Format::Transcript => "transcript",
            Format::Custom => "custom",
            Format::OpenAiChat => "openai_chat",
            Format::OpenAiBatch => "openai_batch",
            Format::ShareGpt => "sharegpt",
            Format::Inspect => "inspect",
            Format::OtelGenai => "otel_genai",
        }
    }

    /// The type hint that names this format when it is not PromptKit's own
    /// (`openai_chat`, `openai_batch`, `sharegpt`, `inspect`, `otel_genai`):
    /// references read as one of these carry it, whatever adapter claimed the file.
    pub fn type_hint(self) -> Option<&'static str> {
        match self {
            Format::OpenAiChat
            | Format::OpenAiBatch
            | Format::ShareGpt
            | Format::Inspect
            | Format::OtelGenai => Some(self.as_str()),
            _ => None,
        }
    }
}

/// One loaded recording: its messages, its metadata, and what was noticed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording<'a> {
    /// The format the bytes were read as.
    pub format: Format,
    /// The conversation, in order.
    pub messages: &'a [Message<'a>],
    /// Metadata for the evaluation context.
    pub metadata: Metadata<'a>,
    /// Things that loaded but deserve attention (no recognised keys, a second
    /// YAML document, skipped events...). Empty for a clean file.
    pub warnings: &'a [&'a str],
    /// Events that were read but are not messages (`tool.call.started`,
    /// `audio.input`, ...), counted by event type and sorted by type. Empty
    /// for formats without events.
    pub skipped_events: &'a [(&'a str, u32)],
}

/// A conversation message (PromptKit `types.Message`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Message<'a> {
    /// `system`, `user`, `assistant`, `tool`, or whatever the file says.
    pub role: &'a str,
    /// Text content. For tool messages it is the result text.
    pub content: &'a str,
    /// Multimodal parts.
    pub parts: &'a [Part<'a>],
    /// Tool calls made by this message.
    pub tool_calls: &'a [ToolCall<'a>],
    /// Tool result carried by this message.
    pub tool_result: Option<&'a ToolResult<'a>>,
    /// When the message was produced (zero time when unknown).
    pub timestamp: Timestamp,
    /// Provider latency in milliseconds.
    pub latency_ms: i64,
    /// Cost information, as JSON text (`types.CostInfo`).
    pub cost_info: Option<RawJson<'a>>,
    /// Why generation stopped (`stop`, `tool_use`, ...).
    pub finish_reason: &'a str,
    /// Free-form metadata object, as JSON text.
    pub meta: Option<RawJson<'a>>,
    /// Reasoning trace, as JSON text (`types.ReasoningTrace`).
    pub reasoning: Option<RawJson<'a>>,
    /// Validation results, as a JSON array text (`[]types.ValidationResult`).
    pub validations: Option<RawJson<'a>>,
}

impl<'a> Message<'a> {
    /// The text of all `text` parts of the tool result, concatenated.
    pub fn tool_result_text(&self) -> Option<&'a str> {
        self.tool_result.and_then(|r| r.single_text())
    }
}

/// A content part (PromptKit `types.ContentPart`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Part<'a> {
    /// `text`, `image`, `audio`, `video`, `document`, `thinking`, ...
    pub kind: &'a str,
    /// The text, when present (an empty string is kept as `Some("")`).
    pub text: Option<&'a str>,
    /// The media, when present.
    pub media: Option<&'a Media<'a>>,
}

/// Media content (PromptKit `types.MediaContent`, the output schema).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Media<'a> {
    /// Base64 data.
    pub data: Option<&'a str>,
    /// A local file path.
    pub file_path: Option<&'a str>,
    /// A URL.
    pub url: Option<&'a str>,
    /// A storage backend reference.
    pub storage_reference: Option<&'a str>,
    /// MIME type (always written, even empty).
    pub mime_type: &'a str,
    /// Container format.
    pub format: Option<&'a str>,
    /// Size in KiB (floor of bytes / 1024 when converted).
    pub size_kb: Option<i64>,
    /// Image detail level.
    pub detail: Option<&'a str>,
    /// Caption.
    pub caption: Option<&'a str>,
    /// Duration in whole seconds.
    pub duration: Option<i64>,
    /// Bit rate.
    pub bit_rate: Option<i64>,
    /// Audio channels.
    pub channels: Option<i64>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// Frames per second.
    pub fps: Option<i64>,
    /// Media policy name.
    pub policy_name: Option<&'a str>,
}

/// A tool call (PromptKit `types.MessageToolCall`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ToolCall<'a> {
    /// Call id, referenced by the tool result.
    pub id: &'a str,
    /// Tool name.
    pub name: &'a str,
    /// Arguments as JSON text, exactly as given when they were a string
    /// (not validated: PromptKit writes `{}` for invalid text on output).
    pub args: RawJson<'a>,
    /// Provider metadata (string map), as JSON object text.
    pub provider_metadata: Option<RawJson<'a>>,
}

/// A tool result (PromptKit `types.MessageToolResult`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ToolResult<'a> {
    /// The id of the tool call this answers.
    pub id: &'a str,
    /// Tool name.
    pub name: &'a str,
    /// Result parts (text and media).
    pub parts: &'a [Part<'a>],
    /// Error text, when the tool failed.
    pub error: &'a str,
    /// `validation`, `execution` or `approval`.
    pub error_type: &'a str,
    /// Tool latency in milliseconds.
    pub latency_ms: i64,
}

impl<'a> ToolResult<'a> {
    /// The text of the result when it is a single text part (the common case),
    /// `Some("")` when there is no text part.
    pub fn single_text(&self) -> Option<&'a str> {
        let mut texts = self.parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text);
        match (texts.next(), texts.next()) {
            (None, _) => Some(""),
            (Some(t), None) => Some(t),
            _ => None,
        }
    }
}

/// A judge target (PromptKit `adapters.ProviderSpec`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderSpec<'a> {
    /// Provider type.
    pub kind: &'a str,
    /// Model name.
    pub model: &'a str,
    /// Provider id.
    pub id: &'a str,
}

/// A value in `metadata.extras`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra<'a> {
    /// A string value.
    Str(&'a str),
    /// Any other JSON value, as compact text.
    Json(RawJson<'a>),
}

/// A workflow state change recorded by PromptKit's recorder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkflowTransition<'a> {
    /// State left.
    pub from: &'a str,
    /// State entered.
    pub to: &'a str,
    /// Triggering event, when recorded.
    pub event: &'a str,
    /// Prompt task of the new state, when recorded.
    pub prompt_task: &'a str,
    /// Index of the last message before the transition, or -1.
    pub message_index: i64,
}

/// Recording metadata (PromptKit `adapters.RecordingMetadata`), borrowed.
///
/// Maps are slices of pairs sorted by key, so output is deterministic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Metadata<'a> {
    /// Judge name to provider, sorted by name.
    pub judge_targets: &'a [(&'a str, ProviderSpec<'a>)],
    /// Original provider info (`provider_id`, `model`, ...), sorted by key.
    pub provider_info: &'a [(&'a str, &'a str)],
    /// Tags.
    pub tags: &'a [&'a str],
    /// One timestamp per message (as the format defines it).
    pub timestamps: &'a [Timestamp],
    /// Session id.
    pub session_id: &'a str,
    /// Duration in nanoseconds (0 when unknown; never negative).
    pub duration_ns: i64,
    /// Extra metadata, sorted by key.
    pub extras: &'a [(&'a str, Extra<'a>)],
    /// Workflow transitions (recorder shapes only).
    pub workflow_transitions: &'a [WorkflowTransition<'a>],
}

impl<'a> Metadata<'a> {
    /// Looks up `provider_info[key]`.
    pub fn provider_info(&self, key: &str) -> Option<&'a str> {
        self.provider_info.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Looks up `extras[key]`.
    pub fn extra(&self, key: &str) -> Option<Extra<'a>> {
        self.extras.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

// The arena never runs destructors: prove no model type needs one.
const _: () = {
    assert!(!std::mem::needs_drop::<Recording<'static>>());
    assert!(!std::mem::needs_drop::<Message<'static>>());
    assert!(!std::mem::needs_drop::<Part<'static>>());
    assert!(!std::mem::needs_drop::<Media<'static>>());
    assert!(!std::mem::needs_drop::<ToolCall<'static>>());
    assert!(!std::mem::needs_drop::<ToolResult<'static>>());
    assert!(!std::mem::needs_drop::<Metadata<'static>>());
};
