//! The zero-copy path against the independent reference (tests/support/reference.rs)
//! on every corpus file, every truncation of the valid ones, and hand-made edge cases.

mod support;

use arena_recordings::Loader;
use support::reference::{check, PARSERS};

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
        .flat_map(|d| support::corpus_files(d))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn corpus_files_agree() {
    run(corpus(&["session", "arena_output", "invalid", "crash"]));
}

/// Every prefix that ends just before or after a structural character.
#[test]
fn truncations_agree() {
    let mut cases = Vec::new();
    for (name, bytes) in corpus(&["session", "arena_output"]) {
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"') {
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
    use support::reference::{go_key_eq, key_eq};
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
