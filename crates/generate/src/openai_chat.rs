//! The OpenAI chat dataset writer: one JSON Lines line.

use arena_recordings::write::JsonWriter;

use crate::content::{Call, Gen};
use crate::dataset::{escapes, offered, tool_schema, Counts};
use crate::write::{json_writer, Esc, Json, JsonExt};

impl Gen {
    /// Appends the OpenAI chat line of recording `index` to `out` (compact
    /// JSON and a newline): `{"id"?, "messages": [...], "tools"?,
    /// "parallel_tool_calls"?}` as the fine-tuning format writes it, with
    /// `tool_calls` whose `arguments` are JSON strings, `tool` messages
    /// with `tool_call_id`, `weight`s, and image parts with data URIs.
    pub(crate) fn openai_chat_line(&mut self, out: &mut String, index: u64) -> Counts {
        let esc = escapes(self.shape);
        let start = out.len();
        let mut j = json_writer(out, false, esc);
        j.obj();
        if self.rng.chance(50) {
            let id = format!("ft-{index:08}-{:08x}", self.rng.next() as u32);
            j.kv("id", &id);
        }
        j.key("messages").arr();
        let mut counts = Counts { messages: 0, tool_calls: 0 };
        if self.rng.chance(70) {
            let role = if self.rng.chance(15) { "developer" } else { "system" };
            let n = self.rng.range(80, 600);
            let text = self.text(n);
            message(out, esc, &mut counts, |j| {
                j.kv("role", role).kv("content", &text);
            });
        }
        let mut called: Vec<&'static str> = Vec::new();
        loop {
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            message(out, esc, &mut counts, |j| {
                j.kv("role", "user");
                let Some(m) = &media else {
                    j.kv("content", &text);
                    return;
                };
                j.key("content").arr();
                j.obj().kv("type", "text").kv("text", &text).end_obj();
                j.obj().kv("type", "image_url").key("image_url").obj();
                let url = j.key("url").raw();
                url.push_str("\"data:");
                url.push_str(m.mime);
                url.push_str(";base64,");
                url.push_str(&m.data);
                url.push('"');
                j.kv("detail", "low").end_obj().end_obj().end_arr();
            });
            if self.wants_tools() {
                let n = if self.rng.chance(25) { self.rng.range(2, 3) } else { 1 };
                let calls: Vec<Call> = (0..n).map(|_| self.call()).collect();
                let preface = if self.rng.chance(20) { Some(self.user_text()) } else { None };
                message(out, esc, &mut counts, |j| {
                    j.kv("role", "assistant");
                    match &preface {
                        Some(t) => j.kv("content", t),
                        None => j.kl("content", "null"),
                    };
                    j.key("tool_calls").arr();
                    for c in &calls {
                        j.obj().plain_kv("id", &c.id).kv("type", "function").key("function").obj();
                        j.kv("name", c.name).kv("arguments", &c.args).end_obj().end_obj();
                    }
                    j.end_arr();
                });
                for c in &calls {
                    let output = self.tool_output();
                    message(out, esc, &mut counts, |j| {
                        j.kv("role", "tool").key("tool_call_id").plain(&c.id).kv("content", &output);
                    });
                    called.push(c.name);
                }
                counts.tool_calls += calls.len();
            }
            let answer = self.assistant_text();
            let weight = self.rng.chance(15).then(|| self.rng.below(2));
            message(out, esc, &mut counts, |j| {
                j.kv("role", "assistant").kv("content", &answer);
                if let Some(w) = weight {
                    j.kl("weight", w);
                }
            });
            if out.len() - start >= self.target {
                break;
            }
        }
        let mut j = JsonWriter::resume(out, false, esc, &[true, true]);
        j.end_arr();
        if !called.is_empty() || self.rng.chance(10) {
            let names = offered(&mut self.rng, &called);
            j.key("tools").arr();
            for n in &names {
                j.obj().kv("type", "function").key("function");
                tool_schema(&mut j, n);
                j.end_obj();
            }
            j.end_arr();
            if self.rng.chance(30) {
                j.kl("parallel_tool_calls", false);
            }
        }
        j.end_obj();
        out.push('\n');
        counts
    }
}

/// Appends one message object to the line's `messages` array (depth 2).
fn message(out: &mut String, esc: Esc, counts: &mut Counts, body: impl FnOnce(&mut Json<'_>)) {
    let mut j = JsonWriter::resume(out, false, esc, &[true, counts.messages > 0]);
    j.obj();
    body(&mut j);
    j.end_obj();
    counts.messages += 1;
}
