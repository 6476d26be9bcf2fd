//! Times loading PromptKit recorder output: builds 60,000 events (45,000 of
//! them `message.created`) as event-store JSONL and as a pretty-printed JSON
//! export, then reports the best of 7 warm loads of each, beside a
//! `serde_json::Value` parse of the same bytes.
//!
//! `cargo run --release --example recorder_throughput`
use std::time::Instant;

use arena_recordings::{Loader, Parser};
use serde_json::json;

fn main() {
    let mut lines = String::new();
    let mut events = Vec::new();
    for i in 0..60_000usize {
        let kind = if i % 4 == 0 { "tool.call.started" } else { "message.created" };
        let calls = (i % 8 == 1)
            .then(|| json!([{"id": format!("c{i}"), "name": "get_weather", "args": "{\"city\":\"Paris\"}"}]));
        let data = json!({
            "Role": if i % 2 == 1 { "user" } else { "assistant" },
            "Content": "Paris is the capital of France. \"quoted\" é\n".repeat(1 + i % 7),
            "Index": i, "Parts": null, "ToolCalls": calls, "ToolResult": null,
        });
        let ts = format!("2026-01-01T10:00:{:02}.{:03}Z", i % 60, i % 1000);
        let event = json!({"type": kind, "timestamp": ts, "session_id": "run-demo",
                           "data_type": "*events.MessageCreatedData", "data": data});
        lines.push_str(&json!({"seq": i + 1, "event": event}).to_string());
        lines.push('\n');
        let mut e = event;
        e["seq"] = json!(i + 1);
        e["offset"] = json!(i * 1000);
        events.push(e);
    }
    let export = json!({"metadata": {"session_id": "run-demo", "version": "1.0", "provider_name": "openai", "model": "gpt-4o"},
                        "events": events});
    let export = serde_json::to_string_pretty(&export).unwrap();

    let mut loader = Loader::new();
    for (name, bytes) in [("event-store JSONL", lines.as_bytes()), ("JSON export", export.as_bytes())] {
        let mut best = f64::MAX;
        let mut messages = 0;
        for _ in 0..7 {
            let t = Instant::now();
            messages = loader.load_bytes(bytes, Parser::Session).unwrap().messages.len();
            best = best.min(t.elapsed().as_secs_f64());
        }
        assert_eq!(messages, 45_000);
        let t = Instant::now();
        if name.ends_with("JSONL") {
            for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                std::hint::black_box(serde_json::from_slice::<serde_json::Value>(line).unwrap());
            }
        } else {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(bytes).unwrap());
        }
        let baseline = t.elapsed().as_secs_f64();
        let mb = bytes.len() as f64 / 1e6;
        println!(
            "{name}: {mb:.1} MB, {messages} messages: {:.1} ms ({:.0} MB/s); serde_json::Value: {:.1} ms ({:.0} MB/s)",
            best * 1e3,
            mb / best,
            baseline * 1e3,
            mb / baseline
        );
    }
}
