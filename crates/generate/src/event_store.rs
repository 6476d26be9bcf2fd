//! The recorder's event-store JSONL writer (`*.jsonl`).

use crate::content::{Call, Gen, Media, PROVIDERS};
use crate::rng::pick;
use crate::write::{json_writer, Json, JsonExt};
use crate::Shape;

impl Gen {
    // -----------------------------------------------------------------------
    // Event-store JSONL (docs/formats.md#promptkit-recorder-output, event-store JSONL).

    pub(crate) fn event_store(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let session_id = format!("run-{:016x}", self.rng.next());
        let mut seq = 0usize;
        let mut count = 0;
        self.store_event(
            &mut out,
            &mut seq,
            &session_id,
            "conversation.started",
            "*events.ConversationStartedData",
            |_, j| {
                j.obj().kv("SystemPrompt", "You are a helpful assistant.").end_obj();
            },
        );
        let system = self.text(300);
        self.store_message(&mut out, &mut seq, &session_id, count, "system", &system, &[], None, None);
        count += 1;
        while out.len() < self.target {
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.store_message(
                &mut out,
                &mut seq,
                &session_id,
                count,
                "user",
                &text,
                &[],
                None,
                media.as_ref(),
            );
            count += 1;
            let provider = pick(&mut self.rng, PROVIDERS);
            self.store_event(
                &mut out,
                &mut seq,
                &session_id,
                "provider.call.started",
                "*events.ProviderCallStartedData",
                |_, j| {
                    j.obj()
                        .kv("Provider", provider)
                        .kv("Model", "gpt-4o")
                        .kl("MessageCount", count)
                        .kl("ToolCount", 2)
                        .end_obj();
                },
            );
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.store_message(
                    &mut out,
                    &mut seq,
                    &session_id,
                    count,
                    "assistant",
                    "",
                    &calls,
                    None,
                    None,
                );
                count += 1;
                for c in &calls {
                    self.store_event(
                        &mut out,
                        &mut seq,
                        &session_id,
                        "tool.call.started",
                        "*events.ToolCallEventData",
                        |_, j| {
                            j.obj()
                                .kv("ToolName", c.name)
                                .plain_kv("CallID", &c.id)
                                .key("Args")
                                .raw_text(&c.args);
                            j.kl("Duration", 0)
                                .kv("Status", "")
                                .key("Parts")
                                .lit("null")
                                .key("Error")
                                .lit("null");
                            j.key("Labels").lit("null").end_obj();
                        },
                    );
                    let output = self.tool_output();
                    self.store_message(
                        &mut out,
                        &mut seq,
                        &session_id,
                        count,
                        "tool",
                        "",
                        &[],
                        Some((c, &output)),
                        None,
                    );
                    count += 1;
                }
            }
            let latency = self.rng.range(80, 4000);
            self.store_event(
                &mut out,
                &mut seq,
                &session_id,
                "provider.call.completed",
                "*events.ProviderCallCompletedData",
                |_, j| {
                    j.obj()
                        .kv("Provider", provider)
                        .kl("Duration", latency * 1_000_000)
                        .kl("InputTokens", 512);
                    j.kl("OutputTokens", 128).kl("Cost", 0.000_153).kv("FinishReason", "stop").end_obj();
                },
            );
            if self.shape == Shape::TinyEvents {
                self.store_event(
                    &mut out,
                    &mut seq,
                    &session_id,
                    "stream.interrupted",
                    "*events.StreamInterruptedData",
                    |_, j| {
                        j.obj().kv("Reason", "client_cancel").end_obj();
                    },
                );
            }
            let answer = self.assistant_text();
            self.store_message(&mut out, &mut seq, &session_id, count, "assistant", &answer, &[], None, None);
            count += 1;
        }
        (out, count)
    }

    #[allow(clippy::too_many_arguments)]
    fn store_message(
        &mut self,
        out: &mut String,
        seq: &mut usize,
        session_id: &str,
        index: usize,
        role: &str,
        content: &str,
        calls: &[Call],
        result: Option<(&Call, &str)>,
        media: Option<&Media>,
    ) {
        self.store_event(out, seq, session_id, "message.created", "*events.MessageCreatedData", |_, j| {
            j.obj().kv("Role", role).kv("Content", content).kl("Index", index + 1).key("Parts");
            match media {
                None => {
                    j.lit("null");
                }
                Some(m) => {
                    j.arr().obj().kv("type", "text").kv("text", content).end_obj();
                    j.obj().kv("type", "image").key("media").obj().key("data").plain(&m.data);
                    j.kv("mime_type", m.mime).kl("size_kb", m.bytes / 1024).kl("width", m.width);
                    j.kl("height", m.height).end_obj().end_obj().end_arr();
                }
            }
            j.key("ToolCalls");
            if calls.is_empty() {
                j.lit("null");
            } else {
                j.arr();
                for c in calls {
                    j.obj().plain_kv("id", &c.id).kv("name", c.name).kv("args", &c.args).end_obj();
                }
                j.end_arr();
            }
            j.key("ToolResult");
            match result {
                None => {
                    j.lit("null");
                }
                Some((c, text)) => {
                    j.obj().plain_kv("id", &c.id).kv("name", c.name).key("parts").arr();
                    j.obj()
                        .kv("type", "text")
                        .kv("text", text)
                        .end_obj()
                        .end_arr()
                        .kl("latency_ms", 12)
                        .end_obj();
                }
            }
            j.end_obj();
        });
    }

    fn store_event(
        &mut self,
        out: &mut String,
        seq: &mut usize,
        session_id: &str,
        kind: &str,
        data_type: &str,
        data: impl FnOnce(&mut Self, &mut Json<'_>),
    ) {
        *seq += 1;
        let ts = self.tick();
        let esc = self.go_escapes();
        let mut j = json_writer(out, false, esc);
        j.obj().kl("seq", *seq).key("event").obj().kv("type", kind).ts("timestamp", ts);
        j.plain_kv("session_id", session_id).kv("data_type", data_type).key("data");
        data(self, &mut j);
        j.end_obj().end_obj();
        out.push('\n');
    }
}
