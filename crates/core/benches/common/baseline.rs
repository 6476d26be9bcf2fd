//! The typed baselines (serde_json and sonic-rs structs with the fields a
//! loader of PromptKit recordings reads), shared by `benches/parse.rs` and
//! `examples/corpus_typed.rs`.

/// Defines the baseline types once per deserialiser, with `Raw<'a>` (a
/// borrowed raw JSON value) supplied by each module.
macro_rules! baseline_types {
    () => {
        use std::borrow::Cow;

        use serde::Deserialize;

        // Session recording (docs/formats.md#session-recordings).
        #[derive(Deserialize)]
        pub struct Session<'a> {
            #[serde(borrow)]
            pub metadata: Option<SessionMeta<'a>>,
            #[serde(borrow, default)]
            pub events: Option<Vec<Event<'a>>>,
        }

        #[derive(Deserialize)]
        pub struct SessionMeta<'a> {
            #[serde(borrow)]
            pub session_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub provider_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub model: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub tags: Option<Vec<Cow<'a, str>>>,
        }

        #[derive(Deserialize)]
        pub struct Event<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub message: Option<RecordedMsg<'a>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedMsg<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<RecordedPart<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<RecordedCall<'a>>>,
            #[serde(borrow)]
            pub tool_call_id: Option<Cow<'a, str>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedPart<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<MediaSource<'a>>,
        }

        #[derive(Deserialize)]
        pub struct MediaSource<'a> {
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub uri: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub path: Option<Cow<'a, str>>,
            pub size: Option<i64>,
            pub width: Option<i64>,
            pub height: Option<i64>,
            pub duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct RecordedCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub function: Option<Function<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Function<'a> {
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub arguments: Option<Cow<'a, str>>,
        }

        // Arena run output (engine.RunResult, Go keys) holding types.Message.
        #[derive(Deserialize)]
        #[allow(non_snake_case)]
        pub struct Run<'a> {
            #[serde(borrow)]
            pub RunID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Messages: Option<Vec<Message<'a>>>,
            #[serde(borrow)]
            pub ScenarioID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub PromptPack: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Region: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub ProviderID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Error: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Params: Option<Raw<'a>>,
            #[serde(borrow)]
            pub SessionTags: Option<Vec<Cow<'a, str>>>,
            #[serde(borrow)]
            pub StartTime: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub EndTime: Option<Cow<'a, str>>,
            pub Duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct Message<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<ToolCall<'a>>>,
            #[serde(borrow)]
            pub tool_result: Option<ToolResult<'a>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
            #[serde(borrow)]
            pub cost_info: Option<Raw<'a>>,
            #[serde(borrow)]
            pub finish_reason: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub meta: Option<Raw<'a>>,
            #[serde(borrow)]
            pub reasoning: Option<Raw<'a>>,
            #[serde(borrow)]
            pub validations: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Part<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<Media<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Media<'a> {
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub file_path: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub url: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            pub size_kb: Option<i64>,
            #[serde(borrow)]
            pub detail: Option<Cow<'a, str>>,
            pub width: Option<i64>,
            pub height: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct ToolCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub args: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct ToolResult<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub error: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
        }

        /// Messages a session document holds (`message` events).
        pub fn session_messages(s: &Session<'_>) -> usize {
            s.events.iter().flatten().filter(|e| e.kind.as_deref() == Some("message")).count()
        }

        /// Messages an Arena run document holds.
        pub fn run_messages(r: &Run<'_>) -> usize {
            r.Messages.as_ref().map_or(0, Vec::len)
        }
    };
}

// The fields are read by the deserialiser, which is what is measured.
#[allow(dead_code)]
pub mod sj {
    pub type Raw<'a> = &'a serde_json::value::RawValue;
    baseline_types!();
}

#[allow(dead_code)]
pub mod sonic {
    pub type Raw<'a> = sonic_rs::LazyValue<'a>;
    baseline_types!();
}
