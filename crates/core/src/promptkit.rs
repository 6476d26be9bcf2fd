//! PromptKit JSON output: [`Message`] and [`Metadata`] written exactly as
//! PromptKit's Go encoder writes `types.Message` and `RecordingMetadata`
//! (docs/formats.md#output): key order, omission rules, HTML escaping, Go
//! float formatting, RFC 3339 times with the original offset, the content
//! summary and `media_summary` of messages with parts, and normalised tool
//! arguments. A PromptKit tool reading this output decodes the same messages.

use serde_json::Value;

use crate::model::{Extra, Media, Message, Metadata, Part, RawJson, ToolResult};
use crate::time::Timestamp;
use crate::write::go::{write_any, write_compact_raw, write_f64, write_str};
use crate::write::{Escape, JsonWriter};

/// One PromptKit object on the crate's JSON writer, with Go's string
/// escaping and its omission helpers.
struct Obj<'o>(JsonWriter<'o>);

impl<'o> Obj<'o> {
    fn new(out: &'o mut String) -> Self {
        let mut w = JsonWriter::compact(out, Escape::Go);
        w.obj();
        Obj(w)
    }
    /// A member whose value the caller writes into the returned string.
    fn key(&mut self, k: &str) -> &mut String {
        self.0.key(k).raw()
    }
    fn str(&mut self, k: &str, v: &str) {
        self.0.kv(k, v);
    }
    fn str_nonempty(&mut self, k: &str, v: &str) {
        if !v.is_empty() {
            self.str(k, v);
        }
    }
    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }
    fn int(&mut self, k: &str, v: i64) {
        self.0.kl(k, v);
    }
    fn opt_int(&mut self, k: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.int(k, v);
        }
    }
    fn time(&mut self, k: &str, t: Timestamp) {
        let out = self.key(k);
        out.push('"');
        t.write_rfc3339(out);
        out.push('"');
    }
    fn end(mut self) {
        self.0.end_obj();
    }
}

/// Writes a message as PromptKit's `types.Message` JSON.
pub fn write_message(out: &mut String, m: &Message<'_>) {
    let mut o = Obj::new(out);
    o.str("role", m.role);
    if !m.parts.is_empty() {
        write_parts(o.key("parts"), m.parts);
    }
    if !m.tool_calls.is_empty() {
        let out = o.key("tool_calls");
        out.push('[');
        for (i, c) in m.tool_calls.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut c_o = Obj::new(out);
            c_o.str("id", c.id);
            c_o.str("name", c.name);
            let out = c_o.key("args");
            if !write_compact_raw(out, c.args.0) {
                out.push_str("{}");
            }
            if let Some(pm) = c.provider_metadata.and_then(parse_nonempty_object) {
                write_any(c_o.key("provider_metadata"), &pm);
            }
            c_o.end();
        }
        out.push(']');
    }
    if let Some(r) = m.tool_result {
        write_tool_result(o.key("tool_result"), r);
    }
    o.time("timestamp", m.timestamp);
    if m.latency_ms != 0 {
        o.int("latency_ms", m.latency_ms);
    }
    if let Some(c) = m.cost_info.and_then(parse_raw) {
        write_cost_info(o.key("cost_info"), &c);
    }
    o.str_nonempty("finish_reason", m.finish_reason);
    if let Some(meta) = m.meta.and_then(parse_nonempty_object) {
        write_any(o.key("meta"), &meta);
    }
    if let Some(r) = m.reasoning.and_then(parse_raw) {
        write_reasoning(o.key("reasoning"), &r);
    }
    if let Some(Value::Array(v)) = m.validations.and_then(parse_raw) {
        if !v.is_empty() {
            write_validations(o.key("validations"), &v);
        }
    }
    if !m.parts.is_empty() {
        write_media_summary(o.key("media_summary"), m.parts);
    }
    if m.tool_result.is_none() {
        if !m.content.is_empty() {
            o.str("content", m.content);
        } else if !m.parts.is_empty() {
            o.str("content", &content_summary(m.parts));
        }
    }
    o.end();
}

fn parse_raw(r: RawJson<'_>) -> Option<Value> {
    serde_json::from_str(r.0).ok()
}

fn parse_nonempty_object(r: RawJson<'_>) -> Option<Value> {
    match parse_raw(r) {
        Some(Value::Object(m)) if !m.is_empty() => Some(Value::Object(m)),
        _ => None,
    }
}

fn write_parts(out: &mut String, parts: &[Part<'_>]) {
    out.push('[');
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Obj::new(out);
        o.str("type", p.kind);
        o.opt_str("text", p.text);
        if let Some(m) = p.media {
            write_media(o.key("media"), m);
        }
        o.end();
    }
    out.push(']');
}

fn write_media(out: &mut String, m: &Media<'_>) {
    let mut o = Obj::new(out);
    o.opt_str("data", m.data);
    o.opt_str("file_path", m.file_path);
    o.opt_str("url", m.url);
    o.opt_str("storage_reference", m.storage_reference);
    o.str("mime_type", m.mime_type);
    o.opt_str("format", m.format);
    o.opt_int("size_kb", m.size_kb);
    o.opt_str("detail", m.detail);
    o.opt_str("caption", m.caption);
    o.opt_int("duration", m.duration);
    o.opt_int("bit_rate", m.bit_rate);
    o.opt_int("channels", m.channels);
    o.opt_int("width", m.width);
    o.opt_int("height", m.height);
    o.opt_int("fps", m.fps);
    o.opt_str("policy_name", m.policy_name);
    o.end();
}

fn write_tool_result(out: &mut String, r: &ToolResult<'_>) {
    let mut o = Obj::new(out);
    o.str("id", r.id);
    o.str("name", r.name);
    if !r.parts.is_empty() {
        write_parts(o.key("parts"), r.parts);
    }
    o.str_nonempty("error", r.error);
    o.str_nonempty("error_type", r.error_type);
    o.int("latency_ms", r.latency_ms);
    o.end();
}

fn num(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

fn int(v: &Value, k: &str) -> i64 {
    v.get(k).and_then(|x| x.as_i64().or_else(|| x.as_f64().map(|f| f as i64))).unwrap_or(0)
}

fn string<'v>(v: &'v Value, k: &str) -> &'v str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn nonempty<'v>(v: &'v Value, k: &str) -> Option<&'v Value> {
    v.get(k).filter(|x| match x {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => true,
    })
}

/// `types.CostInfo`, field by field in Go's declaration order.
fn write_cost_info(out: &mut String, c: &Value) {
    let mut o = Obj::new(out);
    o.int("input_tokens", int(c, "input_tokens"));
    o.int("output_tokens", int(c, "output_tokens"));
    let cached = int(c, "cached_tokens");
    if cached != 0 {
        o.int("cached_tokens", cached);
    }
    write_f64(o.key("input_cost_usd"), num(c, "input_cost_usd"));
    write_f64(o.key("output_cost_usd"), num(c, "output_cost_usd"));
    let cached_cost = num(c, "cached_cost_usd");
    if cached_cost != 0.0 {
        write_f64(o.key("cached_cost_usd"), cached_cost);
    }
    write_f64(o.key("total_cost_usd"), num(c, "total_cost_usd"));
    for k in ["quantities", "dimension_match"] {
        if let Some(v) = nonempty(c, k) {
            write_any(o.key(k), v);
        }
    }
    o.str_nonempty("provider_name", string(c, "provider_name"));
    o.str_nonempty("capability", string(c, "capability"));
    let lat = int(c, "latency_ns");
    if lat != 0 {
        o.int("latency_ns", lat);
    }
    if let Some(Value::Array(items)) = nonempty(c, "breakdown") {
        let out = o.key("breakdown");
        out.push('[');
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut b = Obj::new(out);
            b.str_nonempty("provider", string(it, "provider"));
            b.str_nonempty("capability", string(it, "capability"));
            b.str("unit", string(it, "unit"));
            write_f64(b.key("quantity"), num(it, "quantity"));
            write_f64(b.key("usd"), num(it, "usd"));
            if let Some(d) = nonempty(it, "dimensions") {
                write_any(b.key("dimensions"), d);
            }
            b.end();
        }
        out.push(']');
    }
    o.end();
}

/// `types.ReasoningTrace`: text, opaque, redacted, each omitted when empty.
fn write_reasoning(out: &mut String, r: &Value) {
    let mut o = Obj::new(out);
    o.str_nonempty("text", string(r, "text"));
    if let Some(Value::Array(items)) = nonempty(r, "opaque") {
        let out = o.key("opaque");
        out.push('[');
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut q = Obj::new(out);
            q.str("provider", string(it, "provider"));
            q.str("kind", string(it, "kind"));
            write_any(q.key("data"), it.get("data").unwrap_or(&Value::String(String::new())));
            q.str_nonempty("ref", string(it, "ref"));
            q.end();
        }
        out.push(']');
    }
    if r.get("redacted").and_then(Value::as_bool) == Some(true) {
        o.key("redacted").push_str("true");
    }
    o.end();
}

/// `[]types.ValidationResult`.
fn write_validations(out: &mut String, items: &[Value]) {
    out.push('[');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Obj::new(out);
        o.str("validator_type", string(v, "validator_type"));
        let passed = v.get("passed").and_then(Value::as_bool).unwrap_or(false);
        o.key("passed").push_str(if passed { "true" } else { "false" });
        if let Some(d) = nonempty(v, "details") {
            write_any(o.key("details"), d);
        }
        let ts = v
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(Timestamp::parse_rfc3339)
            .unwrap_or(Timestamp::ZERO);
        o.time("timestamp", ts);
        o.end();
    }
    out.push(']');
}

/// The content PromptKit writes for a message with parts and no content.
pub fn content_summary(parts: &[Part<'_>]) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let (mut other, mut images, mut audio, mut video) = (0usize, 0usize, 0usize, 0usize);
    for p in parts {
        if p.kind == "text" {
            if let Some(t) = p.text {
                pieces.push(t.to_owned());
            }
            continue;
        }
        other += 1;
        match p.kind {
            "image" => images += 1,
            "audio" => audio += 1,
            "video" => video += 1,
            _ => {}
        }
    }
    if other > 0 {
        let mut desc: Vec<String> = Vec::new();
        if images > 0 {
            desc.push(format!("{images} image(s)"));
        }
        if audio > 0 {
            desc.push(format!("{audio} audio file(s)"));
        }
        if video > 0 {
            desc.push(format!("{video} video(s)"));
        }
        pieces.push(format!("[{}]", desc.join(", ")));
    }
    pieces.join(" ")
}

fn write_media_summary(out: &mut String, parts: &[Part<'_>]) {
    let count = |k: &str| parts.iter().filter(|p| p.kind == k).count() as i64;
    let mut o = Obj::new(out);
    o.int("total_parts", parts.len() as i64);
    o.int("text_parts", count("text"));
    o.int("image_parts", count("image"));
    o.int("audio_parts", count("audio"));
    o.int("video_parts", count("video"));
    o.int("document_parts", count("document"));
    let media: Vec<&Part<'_>> =
        parts.iter().filter(|p| matches!(p.kind, "image" | "audio" | "video" | "document")).collect();
    if !media.is_empty() {
        let out = o.key("media_items");
        out.push('[');
        for (i, p) in media.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_media_item(out, p);
        }
        out.push(']');
    }
    o.end();
}

fn write_media_item(out: &mut String, p: &Part<'_>) {
    let mut o = Obj::new(out);
    o.str("type", p.kind);
    let Some(m) = p.media else {
        o.str("source", "");
        o.str("mime_type", "");
        o.int("size_bytes", 0);
        o.key("loaded").push_str("false");
        o.str("error", "no media content");
        o.end();
        return;
    };
    let data_len = m.data.map_or(0, str::len) as i64;
    let (source, loaded, mut size, error) = if let Some(fp) = m.file_path {
        (fp, data_len > 0, if data_len > 0 { data_len * 3 / 4 } else { 0 }, "")
    } else if let Some(u) = m.url {
        (u, data_len > 0, 0, "")
    } else if let Some(r) = m.storage_reference {
        (r, false, 0, "")
    } else if data_len > 0 {
        ("inline data", true, data_len * 3 / 4, "")
    } else {
        ("unknown", false, 0, "no data source")
    };
    if let Some(kb) = m.size_kb {
        size = kb * 1024;
    }
    o.str("source", source);
    o.str("mime_type", m.mime_type);
    o.int("size_bytes", size);
    if p.kind == "image" {
        o.opt_str("detail", m.detail.filter(|d| !d.is_empty()));
    }
    o.key("loaded").push_str(if loaded { "true" } else { "false" });
    o.str_nonempty("error", error);
    o.end();
}

/// Writes recording metadata as PromptKit's `RecordingMetadata` JSON (every
/// field omitted when empty, so empty metadata is `{}`).
pub fn write_metadata(out: &mut String, m: &Metadata<'_>) {
    let mut o = Obj::new(out);
    if !m.judge_targets.is_empty() {
        let mut jt = Obj::new(o.key("judge_targets"));
        for (name, p) in m.judge_targets {
            let mut spec = Obj::new(jt.key(name));
            spec.str("type", p.kind);
            spec.str("model", p.model);
            spec.str("id", p.id);
            spec.end();
        }
        jt.end();
    }
    if !m.provider_info.is_empty() {
        let mut pi = Obj::new(o.key("provider_info"));
        for (k, v) in m.provider_info {
            pi.str(k, v);
        }
        pi.end();
    }
    if !m.tags.is_empty() {
        let out = o.key("tags");
        out.push('[');
        for (i, t) in m.tags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(out, t);
        }
        out.push(']');
    }
    if !m.timestamps.is_empty() {
        let out = o.key("timestamps");
        out.push('[');
        for (i, t) in m.timestamps.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            t.write_rfc3339(out);
            out.push('"');
        }
        out.push(']');
    }
    o.str_nonempty("session_id", m.session_id);
    if m.duration_ns != 0 {
        o.int("duration", m.duration_ns);
    }
    if !m.extras.is_empty() {
        let mut ex = Obj::new(o.key("extras"));
        for (k, v) in m.extras {
            match v {
                Extra::Str(s) => ex.str(k, s),
                Extra::Json(r) => match parse_raw(*r) {
                    Some(val) => write_any(ex.key(k), &val),
                    None => ex.key(k).push_str("null"),
                },
            }
        }
        ex.end();
    }
    if !m.workflow_transitions.is_empty() {
        let out = o.key("workflow_transitions");
        out.push('[');
        for (i, w) in m.workflow_transitions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut t = Obj::new(out);
            t.str("from", w.from);
            t.str("to", w.to);
            t.str_nonempty("event", w.event);
            t.str_nonempty("prompt_task", w.prompt_task);
            t.int("message_index", w.message_index);
            t.end();
        }
        out.push(']');
    }
    o.end();
}

/// Writes a message list as a JSON array.
pub fn write_messages(out: &mut String, messages: &[Message<'_>]) {
    out.push('[');
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_message(out, m);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ToolCall;

    #[test]
    fn summary_like_promptkit() {
        let t = Part { kind: "text", text: Some("hello"), media: None };
        let i = Part { kind: "image", ..Part::default() };
        let a = Part { kind: "audio", ..Part::default() };
        let v = Part { kind: "video", ..Part::default() };
        let d = Part { kind: "document", ..Part::default() };
        assert_eq!(content_summary(&[t, i, i, a, v]), "hello [2 image(s), 1 audio file(s), 1 video(s)]");
        assert_eq!(content_summary(&[d]), "[]");
    }

    #[test]
    fn message_key_order_and_rules() {
        let r = ToolResult {
            id: "c1",
            parts: &[Part { kind: "text", text: Some("42"), media: None }],
            ..ToolResult::default()
        };
        let m = Message { role: "tool", content: "42", tool_result: Some(&r), ..Message::default() };
        let mut s = String::new();
        write_message(&mut s, &m);
        assert_eq!(
            s,
            r#"{"role":"tool","tool_result":{"id":"c1","name":"","parts":[{"type":"text","text":"42"}],"latency_ms":0},"timestamp":"0001-01-01T00:00:00Z"}"#
        );
        let calls = [ToolCall { id: "a", name: "f", args: RawJson("not json"), provider_metadata: None }];
        let m = Message { role: "assistant", content: "<x>", tool_calls: &calls, ..Message::default() };
        let mut s = String::new();
        write_message(&mut s, &m);
        assert_eq!(
            s,
            r#"{"role":"assistant","tool_calls":[{"id":"a","name":"f","args":{}}],"timestamp":"0001-01-01T00:00:00Z","content":"\u003cx\u003e"}"#
        );
    }

    #[test]
    fn empty_metadata_is_braces() {
        let mut s = String::new();
        write_metadata(&mut s, &Metadata::default());
        assert_eq!(s, "{}");
    }
}
