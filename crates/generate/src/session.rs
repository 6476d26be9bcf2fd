//! The session recording writer (`*.recording.json`).

use arena_recordings::write::JsonWriter;

use crate::content::{Call, Gen, PROVIDERS};
use crate::rng::pick;
use crate::write::{json_writer, Json, JsonExt};
use crate::Shape;

impl Gen {
    // -----------------------------------------------------------------------
    // Session recording (A1).

    pub(crate) fn session(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let esc = self.escapes();
        let session_id = format!("sess-{:016x}", self.rng.next());
        let provider = pick(&mut self.rng, PROVIDERS);
        let mut j = json_writer(&mut out, true, esc);
        j.obj().key("metadata").obj();
        j.kv("session_id", &session_id).kv("provider_id", provider).kv("model", "gpt-4o");
        j.key("tags").arr().str("benchmark").str(self.shape.as_str()).end_arr().end_obj();
        j.key("events").arr();
        drop(j);
        let mut count = 0;
        let system = self.text(300);
        self.session_event(&mut out, "message", |_, j| {
            j.key("message").obj().kv("role", "system").kv("content", &system).end_obj();
        });
        count += 1;
        while out.len() < self.target {
            if self.shape == Shape::TinyEvents || self.rng.chance(10) {
                let kind = pick(&mut self.rng, &["annotation", "state_change", "Message", "tool_call"]);
                let note = self.tiny();
                self.session_event(&mut out, kind, |_, j| {
                    j.key("event").obj().kv("note", note).kl("level", 2).end_obj();
                });
            }
            let text = self.user_text();
            let media = if self.wants_media() {
                let kb = self.image_kb();
                Some(self.media(kb))
            } else {
                None
            };
            self.session_event(&mut out, "message", |_, j| {
                j.key("message").obj().kv("role", "user").kv("content", &text);
                if let Some(m) = &media {
                    j.key("parts").arr();
                    j.obj().kv("type", "text").kv("text", &text).end_obj();
                    j.obj().kv("type", "image").key("media").obj();
                    j.kv("mime_type", m.mime).key("data").plain(&m.data);
                    j.kl("size", m.bytes).kl("width", m.width).kl("height", m.height).end_obj().end_obj();
                    j.end_arr();
                }
                j.end_obj();
            });
            count += 1;
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.session_event(&mut out, "message", |_, j| {
                    j.key("message").obj().kv("role", "assistant").kv("content", "").key("tool_calls").arr();
                    for c in &calls {
                        j.obj().plain_kv("id", &c.id).kv("type", "function").key("function").obj();
                        j.kv("name", c.name).kv("arguments", &c.args).end_obj().end_obj();
                    }
                    j.end_arr().end_obj();
                });
                count += 1;
                for c in &calls {
                    let output = self.tool_output();
                    self.session_event(&mut out, "message", |_, j| {
                        j.key("message").obj().kv("role", "tool").kv("name", c.name).kv("content", &output);
                        j.plain_kv("tool_call_id", &c.id).end_obj();
                    });
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            self.session_event(&mut out, "message", |_, j| {
                j.key("message").obj().kv("role", "assistant").kv("content", &answer).end_obj();
            });
            count += 1;
        }
        let mut j = JsonWriter::resume(&mut out, true, esc, &[true, true]);
        j.end_arr().end_obj();
        out.push('\n');
        (out, count)
    }

    /// Appends one element to the session's `events` array (depth 2).
    fn session_event(&mut self, out: &mut String, kind: &str, body: impl FnOnce(&mut Self, &mut Json<'_>)) {
        let ts = self.tick();
        let esc = self.escapes();
        // The events array always has an element before this one (the system message) except the first.
        let has = out.ends_with('}');
        let mut j = JsonWriter::resume(out, true, esc, &[true, has]);
        j.obj().kv("type", kind).ts("timestamp", ts);
        body(self, &mut j);
        j.end_obj();
    }
}
