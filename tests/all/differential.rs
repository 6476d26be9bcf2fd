//! The zero-copy path against the independent reference (tests/support/reference.rs)
//! on every corpus file, every truncation of the valid ones, and hand-made edge cases.

use arena_recordings::Loader;
use arena_recordings_reference::{check, PARSERS};

fn run(cases: impl IntoIterator<Item = (String, Vec<u8>)>) {
    let mut loader = Loader::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for (name, bytes) in cases {
        for parser in PARSERS {
            n += 1;
            if let Err(e) = check(&mut loader, &bytes, parser) {
                failures.push(format!("{name} as {parser:?}: {e}"));
            }
        }
    }
    assert!(n > 0, "no cases");
    assert!(failures.is_empty(), "{} of {n} disagree:\n{}", failures.len(), failures.join("\n"));
}

fn corpus(dirs: &[&str]) -> Vec<(String, Vec<u8>)> {
    dirs.iter()
        .flat_map(|d| crate::support::corpus_files(d))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn corpus_files_agree() {
    run(corpus(&[
        "sample/session",
        "sample/arena_output",
        "sample/recorder",
        "sample/transcript",
        "invalid",
        "crash",
    ]));
}

/// The upstream real recordings (and upstream's synthesized recorder files),
/// read where they lie in `../shared/spec/examples/`.
#[test]
fn upstream_files_agree() {
    let names = [
        "pk_eval-test_geography.recording.json",
        "pk_session-replay_geography-session.recording.json",
        "pk_eval-test_customer-support.arena.json",
        "pk_templates-testdata_hardware-faults.run.json",
        "pk_templates-testdata_redteam-selfplay.run.json",
        "pa_adapters-testdata_tool-usage.run.json",
        "synthesized/synth-eventstore.jsonl",
        "synthesized/synth-export.jsonl",
        "synthesized/synth-export.recording.json",
    ];
    let mut cases = Vec::new();
    for name in names {
        let Some(path) = crate::support::upstream(name) else { return };
        cases.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    run(cases);
}

/// Every prefix that ends just before or after a structural character.
#[test]
fn truncations_agree() {
    let mut cases = Vec::new();
    for (name, bytes) in corpus(&["sample/session", "sample/arena_output", "sample/recorder"]) {
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"' | b'\n') {
                cases.push((format!("{name}[..{i}]"), bytes[..i].to_vec()));
                cases.push((format!("{name}[..{}]", i + 1), bytes[..i + 1].to_vec()));
            }
        }
    }
    run(cases);
}

#[test]
fn edge_cases_agree() {
    let cases: &[&str] = &[
        "",
        " ",
        "null",
        "1",
        "\"x\"",
        "[]",
        "{}",
        "\u{feff}{}",
        r#"{"EVENTS":[{"Type":"message","MESSAGE":{"ROLE":"user","Content":"hi"}}]}"#,
        r#"{"events":[{"type":"Message","message":{"role":"user"}}]}"#,
        r#"{"ſession_id":1}"#,
        r#"{"metadata":{"ſession_id":"s"},"events":[]}"#,
        r#"{"metadata":{"session_id":"a"},"metadata":{"model":"m"},"metadata":null}"#,
        r#"{"events":[{"type":"message","message":{"role":"a"},"message":{"content":"b"}}],"events":null}"#,
        r#"{"events":[{"type":"message","message":{"parts":[{"type":"image","media":{"size":-0,"width":1.0}}]}}]}"#,
        r#"{"events":[{"type":"message","message":{"parts":[{"type":"video","media":{"duration":1999,"size":1023}}]}}]}"#,
        r#"{"events":[{"type":"message","message":{"tool_calls":[{"function":{"arguments":{"b":[1,2.50,-0,1e2]}}}]}}]}"#,
        r#"{"events":[{"type":"message","message":{"tool_calls":[null,{"function":null}]}}]}"#,
        r#"{"events":[{"type":"message","timestamp":"2024-01-01 00:00:00"}]}"#,
        r#"{"events":[{"type":"message","timestamp":5}]}"#,
        r#"{"RunID":"r","Messages":[{"role":"tool","tool_result":{"content":"legacy"}}]}"#,
        r#"{"RunID":7}"#,
        r#"{"Messages":"oops"}"#,
        r#"{"Messages":[],"turns":[{"user_message":{"content":"hi"}}]}"#,
        r#"{"runid":"r","messages":[{"role":"a","meta":{"k":"\u0001<>&"},"latency_ms":9223372036854775808}]}"#,
        r#"{"Messages":[{"role":"a","tool_calls":[{"args":null},{"args":" [1 , 2] "}]}],"Params":{"a":1,"a":2}}"#,
        r#"{"turns":[{"tool_results":[null,{}]},null],"summary":{"total_cost":1e308,"total_turns":1.5}}"#,
        r#"{"turns":[{"response":{"message":{"role":"","parts":[{"type":"x","media":{"fps":"1"}}]}}}]}"#,
        r#"{"scenario_id":"s","turns":[{"timestamp":"2024-01-01T00:00:00Z","user_message":{"parts":[{"text":""}]}}]}"#,
        "{\"turns\":[{\"response\":{\"cost\":{\"input_to\u{212A}ens\":\"x\"}}}]}",
        "{\"turns\":[{\"response\":{\"cost\":{\"input_to\u{212A}ens\":1}}}],\"\u{17F}cenario_id\":\"s\"}",
        "{\"Me\u{17F}\u{17F}age\u{17F}\":[{\"role\":\"a\"}]}",
        r#"{"x":1e400}"#,
        r#"{"x":-1e400}"#,
        r#"{"x":1e-400}"#,
        r#"{"x":2.2250738585072011e-308}"#,
        r#"{"x":"\ud800"}"#,
        r#"{"x":"\udc00"}"#,
        r#"{"x":"\ud800\u0041"}"#,
        r#"{"x":"\u12"}"#,
        "{\"x\":\"a\u{1}\"}",
        "{\"x\":1}\u{0}",
        "{\"x\":1} x",
    ];
    run(cases.iter().enumerate().map(|(i, s)| (format!("case {i}: {s:?}"), s.as_bytes().to_vec())));
}

/// The recorder shapes (COMPATIBILITY.md "PromptKit recorder output"):
/// dispatch, JSON Lines detection, metadata rules, skipped events, errors.
#[test]
fn recorder_cases_agree() {
    let ev = |seq: u32, kind: &str, ts: &str, data: &str| {
        format!(
            r#"{{"seq":{seq},"event":{{"type":"{kind}","timestamp":"{ts}","session_id":"s{seq}","data":{data}}}}}"#
        )
    };
    let user = r#"{"Role":"user","Content":"hi"}"#;
    let meta = r#"{"type":"metadata","metadata":{"version":"1.0","session_id":"x","provider_name":"p","model":"m","duration":0,"conversation_id":"c","custom":{"tags":["a",1,null,"b"],"conversation_id":"d","n":[1.50,{"k":null}],"s":"t"}}}"#;
    let cases: Vec<String> = vec![
        // JSON Lines detection.
        "{}\n{}".into(),
        "{}\n\n{}\n".into(),
        "{\"seq\":1}\n".into(),
        "\u{feff}{\"seq\":1}\n{\"seq\":2}".into(),
        "\u{feff}\n{\"seq\":1}\n{\"seq\":2}".into(),
        "  {\"seq\":1}  \r\n{\"seq\":2}\r\n".into(),
        "{\"seq\":1} x\n{\"seq\":2}".into(),
        "{\"a\":\"}\\\"{\"}\n{\"seq\":2}".into(),
        "{\"seq\":1,\"event\":{\"type\":\"x\",\"data\":1e400}}\n{}".into(),
        "{\"seq\":x}\n{\"seq\":2}".into(),
        "{]}\n{}".into(),
        "{\"seq\":1}\n\u{feff}{\"seq\":2}".into(),
        "{\"seq\":1}\n\u{c}\n{\"seq\":2}".into(),
        "{\"seq\":1}\n[1]".into(),
        "{\"seq\":1}\nnull\n".into(),
        "{\"seq\":1}\n{\"seq\":\"2\"}".into(),
        "{\"seq\":1}\n{\"parent_id\":1.5}".into(),
        "{\"seq\":1}\n{\"a\":\"\\ud800\"}\n{\"x\"}".into(),
        "{\"seq\":1}\n{\"a\":\"\u{0}\"}".into(),
        format!("{}\n{}", ev(1, "message.created", "2026-01-01T00:00:00Z", user), "{\"event\":null}"),
        // Event store.
        format!(
            "{}\n{}\n{}\n{}",
            ev(1, "message.created", "2026-01-01T00:00:01Z", user),
            ev(2, "tool.call.started", "2026-01-01T00:00:09Z", "{}"),
            ev(3, "workflow.transitioned", "2026-01-01T00:00:00Z", r#"{"from_state":"a","to_state":"b","event":"e","prompt_task":"p","extra":1}"#),
            ev(4, "message.created", "2026-01-01T00:00:02Z", r#"{"role":"assistant","TOOLCALLS":[{"id":"1","name":"f","args":{"x":[1,2.50]}},null,{"args":null},{"args":"[1, 2]"}],"index":3}"#),
        ),
        format!("{}\n{}", ev(1, "workflow.transitioned", "2026-01-01T00:00:00Z", "null"), ev(2, "other", "", "{}")),
        format!("{}\n{}", ev(1, "message.created", "bad", user), ev(2, "x", "2026-01-01T00:00:00Z", "{}")),
        format!("{}\n{}", ev(1, "x", "2026-01-01T00:00:00Z", "{}"), r#"{"seq":2,"event":{"type":"message.created"}}"#),
        format!("{}\n{}", ev(1, "x", "2026-01-01T00:00:00Z", "{}"), r#"{"seq":2,"event":{"type":"message.created","data":{"Role":1}}}"#),
        format!("{}\n{}", ev(1, "message.created", "2026-01-01T00:00:00Z", r#"{"Role":"tool","ToolResult":{"id":"t","parts":[{"type":"text","text":"r"},{"type":"image","media":{"url":"u"}}]}}"#), ev(2, "message.created", "2026-01-01T00:00:00Z", r#"{"Role":"tool","Content":"c","ToolResult":{"content":"legacy"},"ToolResult":{"name":"n"}}"#)),
        format!("{}\n{}", ev(1, "message.created", "2026-01-01T00:00:00Z", r#"{"Parts":[{"type":"text","text":"p"}],"ToolResult":{"content":"r"}}"#), r#"{"seq":2,"event":{"type":"x","conversation_id":"conv","offset":"1"}}"#),
        format!("{}\n{}", r#"{"seq":1,"event":{"type":"x","conversation_id":"conv","session_id":""}}"#, ev(2, "message.created", "2026-01-01T00:00:00Z", "null")),
        // JSONL export.
        format!("{meta}\n{}", r#"{"type":"event","event":{"type":"message.created","timestamp":"2026-01-01T00:00:00Z","data":{"Role":"user"}}}"#),
        format!("{meta}\n{}\n{}\nnull", r#"{"type":"event","event":{"type":"message.created","timestamp":"2026-01-01T00:00:00Z","data":{"Role":"user"}}}"#, r#"{"type":"note"}"#),
        format!("{}\n{meta}", r#"{"type":"event","event":{"type":"message.created","data":{}}}"#),
        format!("{meta}\n{}", r#"{"type":"metadata","metadata":{"version":""}}"#),
        format!("{meta}\n{}", r#"{"type":"metadata"}"#),
        format!("{meta}\n{}", r#"{"type":"event"}"#),
        format!("{meta}\n{}", r#"{"type":"metadata","metadata":{"version":"2","custom":{"tags":"x"},"custom":null,"created_at":"2026-02-30T00:00:00Z"}}"#),
        format!("{meta}\n{}", r#"{"type":"metadata","metadata":{"version":"2","event_count":1.5}}"#),
        "{\"type\":\"event\"}\n{\"type\":\"event\"}".into(),
        "null\n{}".into(),
        "{\"seq\":1,\"type\":\"x\"}\n{\"seq\":2}".into(),
        // Lone JSON Lines records and the JSON export.
        r#"{"seq":1,"event":{"type":"message.created","data":{"Role":"user"}}}"#.into(),
        r#"{"type":"message"}"#.into(),
        r#"{"type":"metadata","metadata":{"version":"1"}}"#.into(),
        r#"{"event":null}"#.into(),
        r#"{"metadata":{"version":"1"},"events":[{"type":"message.created","timestamp":"2026-01-01T00:00:00Z","data":{"Role":"user"}},{"type":"message.created","timestamp":"2026-01-01T00:00:03Z","data":{"Role":"assistant"}}]}"#.into(),
        r#"{"metadata":{"version":"1","duration":5},"events":[{"type":"message.created","data":{}}],"events":[null,{"type":"y"}]}"#.into(),
        r#"{"metadata":{"version":"1","duration":5},"metadata":{"model":"m"},"events":[]}"#.into(),
        r#"{"metadata":{"version":""},"events":[{"type":"message.created","data":{}}]}"#.into(),
        r#"{"metadata":{"version":1},"events":[]}"#.into(),
        r#"{"metadata":{"version":"1","version":""},"metadata":[]}"#.into(),
        r#"{"metadata":{"VERSION":"1","Custom":{"Tags":["a"],"tags":["b"],"tags":["c"],"k":null}},"seq":1}"#.into(),
        r#"{"metadata":{"version":"1"},"events":[{"type":"message.created","data":{},"sequence":"x","run_id":"r","data_type":"d"}]}"#.into(),
        r#"{"metadata":{"version":"1"},"events":[{"type":"message.created","data":{},"run_id":1}]}"#.into(),
        r#"{"metadata":{"version":"1"},"events":{}}"#.into(),
        r#"{"metadata":{"version":"1","start_time":5},"events":[]}"#.into(),
        // The native shape's skipped events.
        r#"{"events":[null,{"type":"message"},{}],"events":[]}"#.into(),
        r#"{"events":[{"type":"message.created","message":{"role":"user"}}]}"#.into(),
    ];
    run(cases.into_iter().enumerate().map(|(i, s)| (format!("recorder case {i}: {s:?}"), s.into_bytes())));
}

#[test]
fn nesting_limits_agree() {
    let mut cases = Vec::new();
    for depth in [127usize, 128, 129, 1000, 9_999, 10_000, 10_001, 20_000] {
        let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        cases.push((format!("{depth} arrays"), doc.into_bytes()));
        let doc = format!("{{\"meta\":{}1{}}}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        cases.push((format!("{depth} levels under a key"), doc.into_bytes()));
    }
    cases.push(("deep, then unterminated".into(), format!("{}\"", "[".repeat(20_000)).into_bytes()));
    run(cases);
}

/// Difference 1: Go folds `ſ` and the Kelvin sign onto ASCII letters, we do not.
#[test]
fn non_ascii_key_folding_is_a_documented_difference() {
    use arena_recordings_reference::{go_key_eq, key_eq};
    assert!(go_key_eq("\u{17F}ession_id", "session_id") && !key_eq("\u{17F}ession_id", "session_id"));
    assert!(
        go_key_eq("input_to\u{212A}ens", "input_tokens") && !key_eq("input_to\u{212A}ens", "input_tokens")
    );
    assert!(!go_key_eq("\u{131}d", "id") && !go_key_eq("\u{130}d", "id"));
    assert!(go_key_eq("SESSION_ID", "session_id") && key_eq("SESSION_ID", "session_id"));
    let mut loader = Loader::new();
    let rec =
        loader.load_bytes(r#"{"metadata":{"ſession_id":"s"}}"#.as_bytes(), arena_recordings::Parser::Session);
    assert_eq!(rec.unwrap().metadata.session_id, "");
}
