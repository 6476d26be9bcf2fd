//! The Arena run output writer (`*.arena.json`).

use arena_recordings::write::JsonWriter;

use crate::content::{Call, Gen, Media, PROVIDERS, SCENARIOS};
use crate::rng::pick;
use crate::write::{json_writer, JsonExt};
use crate::Shape;

impl Gen {
    // -----------------------------------------------------------------------
    // Arena run output (RunResult, Go keys, MarshalIndent).

    pub(crate) fn arena(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let esc = self.go_escapes();
        let scenario = pick(&mut self.rng, SCENARIOS);
        let provider = pick(&mut self.rng, PROVIDERS);
        let start = self.tick();
        let run_id = format!("{start}_{provider}_default_{scenario}_{:08x}", self.rng.next() as u32);
        let system = self.text(400);
        let mut j = json_writer(&mut out, true, esc);
        j.obj().kv("RunID", &run_id).kv("PromptPack", "").kv("Region", "default");
        j.kv("ScenarioID", scenario).kv("ProviderID", provider);
        j.key("Params")
            .obj()
            .kl("temperature", 0.7)
            .kl("max_tokens", 1024)
            .kv("system_prompt", &system)
            .end_obj();
        j.key("Messages").arr();
        drop(j);
        let mut count = 0;
        self.arena_message(&mut out, "system", &system, &[], None, None);
        count += 1;
        let (mut input_tokens, mut output_tokens) = (0u64, 0u64);
        while out.len() < self.target {
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.arena_message(&mut out, "user", &text, &[], None, media.as_ref());
            count += 1;
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.arena_message(&mut out, "assistant", "", &calls, None, None);
                count += 1;
                for c in &calls {
                    let output = self.tool_output();
                    self.arena_message(&mut out, "tool", "", &[], Some((c, &output)), None);
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            input_tokens += text.len() as u64 / 4;
            output_tokens += answer.len() as u64 / 4;
            self.arena_message(&mut out, "assistant", &answer, &[], None, None);
            count += 1;
        }
        let end = self.tick();
        let mut j = JsonWriter::resume(&mut out, true, esc, &[true, true]);
        j.end_arr();
        j.key("Commit").lit("null");
        j.key("Cost").obj().kl("input_tokens", input_tokens).kl("output_tokens", output_tokens);
        j.kl("input_cost_usd", input_tokens as f64 * 1.5e-7)
            .kl("output_cost_usd", output_tokens as f64 * 6e-7);
        j.kl("total_cost_usd", input_tokens as f64 * 1.5e-7 + output_tokens as f64 * 6e-7).end_obj();
        j.key("ToolStats").obj().kl("total_calls", self.calls).key("by_tool").obj().end_obj().end_obj();
        j.key("Violations").lit("null").ts("StartTime", start).ts("EndTime", end);
        j.kl("Duration", end.nanos_since(&start)).kv("Error", "").kl("SelfPlay", false).kv("PersonaID", "");
        j.key("UserFeedback")
            .lit("null")
            .key("SessionTags")
            .arr()
            .str("nightly")
            .str(self.shape.as_str())
            .end_arr();
        j.key("AssistantRole").lit("null").key("UserRole").lit("null");
        j.key("conversation_assertions").obj().kl("failed", 0).kl("passed", true).key("results").arr();
        j.obj()
            .kl("passed", true)
            .kv("message", "all required tools were called")
            .end_obj()
            .end_arr()
            .end_obj();
        j.end_obj();
        out.push('\n');
        (out, count)
    }

    /// Appends one `types.Message` to the `Messages` array (depth 2), with
    /// the key order of Go's custom encoder.
    fn arena_message(
        &mut self,
        out: &mut String,
        role: &str,
        content: &str,
        calls: &[Call],
        result: Option<(&Call, &str)>,
        media: Option<&Media>,
    ) {
        let ts = self.tick();
        let esc = self.go_escapes();
        let has = out.ends_with('}');
        let latency = self.rng.range(80, 4000);
        let tokens = (self.rng.range(10, 900), self.rng.range(5, 400));
        let tiny = self.shape == Shape::TinyEvents;
        let mut j = JsonWriter::resume(out, true, esc, &[true, has]);
        j.obj().kv("role", role);
        if let Some(m) = media {
            j.key("parts").arr();
            j.obj().kv("type", "text").kv("text", content).end_obj();
            j.obj().kv("type", "image").key("media").obj().key("data").plain(&m.data);
            j.kv("mime_type", m.mime).kl("size_kb", m.bytes / 1024).kv("detail", "auto");
            j.kl("width", m.width).kl("height", m.height).end_obj().end_obj();
            j.end_arr();
        }
        if !calls.is_empty() {
            j.key("tool_calls").arr();
            for c in calls {
                j.obj().plain_kv("id", &c.id).kv("name", c.name).key("args").raw_text(&c.args).end_obj();
            }
            j.end_arr();
        }
        if let Some((c, text)) = result {
            j.key("tool_result").obj().plain_kv("id", &c.id).kv("name", c.name);
            j.key("parts").arr().obj().kv("type", "text").kv("text", text).end_obj().end_arr();
            j.kl("latency_ms", latency / 10).end_obj();
        }
        j.ts("timestamp", ts);
        if role == "assistant" && !tiny {
            j.kl("latency_ms", latency);
            j.key("cost_info").obj().kl("input_tokens", tokens.0).kl("output_tokens", tokens.1);
            j.kl("input_cost_usd", tokens.0 as f64 * 1.5e-7).kl("output_cost_usd", tokens.1 as f64 * 6e-7);
            j.kl("total_cost_usd", tokens.0 as f64 * 1.5e-7 + tokens.1 as f64 * 6e-7);
            j.kv("provider_name", "openai")
                .kv("capability", "inference")
                .kl("latency_ns", latency * 1_000_000);
            j.end_obj();
            j.kv("finish_reason", if calls.is_empty() { "stop" } else { "tool_use" });
        }
        if role == "user" && !tiny {
            j.key("meta").obj().key("_llm_trace").obj().kl("duration_ms", latency).kl("sequence", 1);
            j.key("tool_calls").arr().end_arr().end_obj().end_obj();
        }
        if let Some(m) = media {
            j.key("media_summary").obj().kl("total_parts", 2).kl("text_parts", 1).kl("image_parts", 1);
            j.kl("audio_parts", 0).kl("video_parts", 0).kl("document_parts", 0).key("media_items").arr();
            j.obj().kv("type", "image").kv("source", "inline data").kv("mime_type", m.mime);
            j.kl("size_bytes", m.bytes).kv("detail", "auto").kl("loaded", true).end_obj().end_arr().end_obj();
        }
        if result.is_none() && !content.is_empty() {
            j.kv("content", content);
        }
        j.end_obj();
    }
}
