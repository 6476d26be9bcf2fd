//! Handler, `when`, threshold and config tests on in-memory Arena runs.

use std::path::Path;

use arena_recordings::{Loader, Parser};

use crate::{AssertionResult, EvalOptions, Plan};

fn config(turn: &[&str], conv: &[&str]) -> String {
    let mut s = String::from(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Eval\nmetadata: {name: t}\nspec:\n  description: t\n  recording: {path: x.json}\n",
    );
    if !turn.is_empty() {
        s.push_str("  turns:\n    - all_turns:\n        assertions:\n");
        for a in turn {
            s.push_str(&format!("          - {a}\n"));
        }
    }
    if !conv.is_empty() {
        s.push_str("  conversation_assertions:\n");
        for a in conv {
            s.push_str(&format!("    - {a}\n"));
        }
    }
    s
}

fn run_plan(plan: &Plan, messages: &str, opts: EvalOptions) -> Vec<AssertionResult> {
    let doc = format!("{{\"RunID\":\"r\",\"Messages\":[{messages}]}}");
    let mut loader = Loader::new();
    let rec = loader.load_bytes(doc.as_bytes(), Parser::ArenaOutput).expect("test recording loads");
    plan.evaluate(&rec, &opts).results
}

/// One conversation assertion on `messages` (JSON message objects).
fn conv(assertion: &str, messages: &str) -> AssertionResult {
    let plan = Plan::parse(&config(&[], &[assertion]), Path::new("t.eval.yaml")).expect("config compiles");
    let mut r = run_plan(&plan, messages, EvalOptions::default());
    assert_eq!(r.len(), 1);
    r.remove(0)
}

fn turns(assertion: &str, messages: &str) -> Vec<AssertionResult> {
    let plan = Plan::parse(&config(&[assertion], &[]), Path::new("t.eval.yaml")).expect("config compiles");
    run_plan(&plan, messages, EvalOptions::default())
}

fn pass(assertion: &str, messages: &str) {
    let r = conv(assertion, messages);
    assert!(r.passed && !r.skipped && !r.not_run, "{assertion} should pass: {r:?}");
}

fn fail(assertion: &str, messages: &str) -> AssertionResult {
    let r = conv(assertion, messages);
    assert!(!r.passed && !r.skipped && !r.not_run, "{assertion} should fail: {r:?}");
    r
}

fn config_error(text: &str) -> String {
    match Plan::parse(text, Path::new("bad.eval.yaml")) {
        Ok(_) => panic!("config should be rejected:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn a(text: &str) -> String {
    format!("{{\"role\":\"assistant\",\"content\":{}}}", serde_json::to_string(text).unwrap())
}

fn u(text: &str) -> String {
    format!("{{\"role\":\"user\",\"content\":{}}}", serde_json::to_string(text).unwrap())
}

/// An assistant message calling `name` with `args` (JSON object text) as id `id`.
fn call(id: &str, name: &str, args: &str) -> String {
    format!("{{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{{\"id\":\"{id}\",\"name\":\"{name}\",\"args\":{args}}}]}}")
}

fn result(id: &str, text: &str) -> String {
    format!(
        "{{\"role\":\"tool\",\"content\":\"\",\"tool_result\":{{\"id\":\"{id}\",\"name\":\"x\",\"parts\":[{{\"type\":\"text\",\"text\":{}}}]}}}}",
        serde_json::to_string(text).unwrap()
    )
}

fn error(id: &str, err: &str, ty: &str) -> String {
    format!("{{\"role\":\"tool\",\"content\":\"\",\"tool_result\":{{\"id\":\"{id}\",\"name\":\"x\",\"error\":\"{err}\",\"error_type\":\"{ty}\"}}}}")
}

fn msgs(parts: &[String]) -> String {
    parts.join(",")
}

// ---- content of the output -------------------------------------------------

#[test]
fn contains_is_case_insensitive_on_the_last_assistant_message() {
    let m = msgs(&[u("hi"), a("Hello WORLD"), u("more"), a("Goodbye")]);
    pass("{type: contains, params: {patterns: [good]}}", &m);
    let r = fail("{type: contains, params: {patterns: [world, bye]}}", &m);
    assert_eq!(r.score, Some(0.5));
    assert!(r.message.contains("missing patterns: world"), "{}", r.message);
    fail("{type: content_includes, params: {patterns: []}}", &m);
    // A scalar where a list is expected is no list.
    fail("{type: contains, params: {patterns: bye}}", &m);
    // Unicode lowercase.
    pass("{type: contains, params: {patterns: [ÉTÉ]}}", &a("un été chaud"));
}

#[test]
fn contains_with_min_score() {
    let m = a("alpha beta");
    pass("{type: contains, params: {patterns: [alpha, gamma], min_score: 0.5}}", &m);
    fail("{type: contains, params: {patterns: [alpha, gamma], min_score: 0.6}}", &m);
}

#[test]
fn regex_expect_match_and_flags() {
    let m = a("Order #1234 shipped");
    pass(r##"{type: regex, params: {pattern: "#[0-9]+"}}"##, &m);
    fail(r#"{type: regex, params: {pattern: "order"}}"#, &m);
    pass(r#"{type: content_matches, params: {pattern: "(?i)order"}}"#, &m);
    pass(r#"{type: regex, params: {pattern: "refund", expect_match: false}}"#, &m);
    let r = fail("{type: regex, params: {}}", &m);
    assert!(r.message.contains("no pattern"));
}

#[test]
fn field_presence_ratio() {
    let m = a(r#"{"name": "Ann", "email": "a@b.c"}"#);
    pass("{type: field_presence, params: {fields: [name, EMAIL]}}", &m);
    let r = fail("{type: required_fields, params: {required_fields: [name, email, phone]}}", &m);
    assert!((r.score.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert!(r.message.contains("missing phone"), "{}", r.message);
    pass("{type: field_presence, params: {}}", &m);
}

#[test]
fn lengths_in_bytes() {
    pass("{type: max_length, params: {max: 6}}", &a("héllo"));
    let r = fail("{type: max_length, params: {max: 5}}", &a("héllo"));
    assert!((r.score.unwrap() - 5.0 / 6.0).abs() < 1e-9);
    pass("{type: length, params: {max_characters: 10}}", &a("short"));
    pass("{type: max_length, params: {max: 3}}", &a(""));
    fail("{type: max_length, params: {max: 100, max_tokens: 1}}", &a("twelve bytes"));
    pass("{type: min_length, params: {min: 5}}", &a("exact"));
    fail("{type: min_length, params: {min_chars: 6}}", &a("exact"));
}

#[test]
fn sentence_count_always_passes() {
    let r = conv("{type: max_sentences, params: {max: 1}}", &a("One. Two! Three?"));
    assert!(r.passed);
    assert!(r.message.starts_with("3 sentence"), "{}", r.message);
}

#[test]
fn outcome_equivalent_and_directional() {
    let m = msgs(&[
        call("1", "search", "{}"),
        result("1", "ok"),
        call("2", "fetch", "{}"),
        call("3", "search", "{}"),
        a("done"),
    ]);
    pass("{type: outcome_equivalent, params: {metric: tool_calls, expected_tools: [fetch, search]}}", &m);
    fail("{type: outcome_equivalent, params: {metric: tool_calls, expected_tools: [search]}}", &m);
    pass("{type: outcome_equivalent, params: {metric: content_hash, expected_content: done}}", &m);
    fail("{type: outcome_equivalent, params: {metric: content_hash, expected_content: Done}}", &m);
    fail("{type: outcome_equivalent, params: {}}", &m);
    fail("{type: outcome_equivalent, params: {metric: nope}}", &m);
    pass("{type: outcome_equivalent, params: {metric: final_state}}", &m);
    fail("{type: outcome_equivalent, params: {metric: final_state, expected_state: done}}", &m);
    let s = a("the quick brown fox");
    let r = fail("{type: directional, params: {check: similar_content, baseline_content: the quick red fox, threshold: 0.5}}", &s);
    assert!((r.score.unwrap() - 0.6).abs() < 1e-9);
    pass("{type: directional, params: {check: similar_content, baseline_content: the quick red fox, min_score: 0.6}}", &s);
    pass("{type: directional, params: {check: same_tool_calls}}", &s);
    fail("{type: directional, params: {}}", &s);
}

// ---- content across the conversation ----------------------------------------

#[test]
fn contains_any_ignores_users() {
    let m = msgs(&[u("refund please"), a("I can help you"), a("ok")]);
    pass("{type: contains_any, params: {patterns: [nothing, HELP YOU]}}", &m);
    let r = fail("{type: contains_any, params: {patterns: [refund]}}", &m);
    assert!(r.message.contains("no assistant message"));
    fail("{type: content_includes_any, params: {}}", &m);
}

#[test]
fn content_excludes_modes() {
    let m = msgs(&[u("forbidden"), a("this is unforbidden text")]);
    let r = fail("{type: content_excludes, params: {patterns: [FORBIDDEN]}}", &m);
    assert!(r.message.contains("turn 1 contains \"FORBIDDEN\""), "{}", r.message);
    pass("{type: content_excludes, params: {patterns: [forbidden], match_mode: word_boundary}}", &m);
    // banned_words: legacy `words`, word_boundary by default.
    pass("{type: banned_words, params: {words: [forbidden]}}", &m);
    fail("{type: banned_words, params: {words: [Unforbidden]}}", &m);
    fail("{type: content_not_includes, params: {words: [forbidden]}}", &m);
    pass("{type: content_excludes, params: {}}", &m);
}

#[test]
fn pii_leakage_regex_pre_pass_or_not_run() {
    fail("{type: pii_leakage}", &a("mail me at ann@example.com"));
    fail("{type: pii_leakage}", &a("ssn 123-45-6789"));
    fail("{type: pii_leakage}", &a("card 4111 1111 1111 1111"));
    let r = conv("{type: pii_leakage}", &a("nothing personal"));
    assert!(r.not_run && !r.passed && r.score.is_none());
}

// ---- JSON ---------------------------------------------------------------------

#[test]
fn json_valid_with_extraction() {
    pass("{type: json_valid}", &a(r#" {"a": [1, 2]} "#));
    pass("{type: is_valid_json}", &a("[1, 2]"));
    pass("{type: valid_json}", &a("\"just a string\""));
    fail("{type: json_valid}", &a(""));
    let fenced = a("Here:\n```json\n{\"a\": 1}\n```\nbye");
    fail("{type: json_valid}", &fenced);
    pass("{type: json_valid, params: {allow_wrapped: true}}", &fenced);
    let prose = a("The answer is {\"a\": \"}\"} as requested");
    fail("{type: json_valid}", &prose);
    pass("{type: json_valid, params: {extract_json: true}}", &prose);
    pass("{type: json_valid, params: {extract_json: true}}", &a("list: [1, [2]] end"));
}

#[test]
fn json_schema_checks() {
    let schema = "{type: object, required: [name], properties: {age: {type: integer}}}";
    pass(&format!("{{type: json_schema, params: {{schema: {schema}}}}}"), &a(r#"{"name": "x", "age": 3}"#));
    let r = fail(&format!("{{type: json_schema, params: {{schema: {schema}}}}}"), &a(r#"{"age": "3"}"#));
    assert!(r.message.starts_with("schema violations"), "{}", r.message);
    let r = fail(&format!("{{type: json_schema, params: {{schema: {schema}}}}}"), &a("not json"));
    assert!(r.message.starts_with("output is not valid JSON"));
    fail("{type: json_schema, params: {}}", &a("{}"));
}

#[test]
fn json_path_checks() {
    let m = a(r#"{"items": [{"id": 1}, {"id": 2}], "total": 7.0, "name": null}"#);
    pass("{type: json_path, params: {expression: total, expected: 7}}", &m);
    fail("{type: json_path, params: {expression: total, expected: 8}}", &m);
    pass("{type: json_path, params: {expression: missing, expected: null}}", &m);
    pass("{type: json_path, params: {expression: 'items[].id', contains: [2]}}", &m);
    fail("{type: json_path, params: {expression: 'items[].id', contains: [3]}}", &m);
    pass("{type: json_path, params: {expression: 'length(items)', min: 1, max: 2}}", &m);
    fail("{type: json_path, params: {expression: total, max: 5}}", &m);
    pass("{type: json_path, params: {expression: items, min_results: 2, max_results: 2}}", &m);
    fail("{type: json_path, params: {expression: items, min_results: 3}}", &m);
    pass("{type: json_path, params: {jmespath_expression: name}}", &m);
    fail("{type: json_path, params: {}}", &m);
    fail("{type: json_path, params: {expression: total}}", &a("oops"));
}

// ---- tools ----------------------------------------------------------------------

#[test]
fn tools_called_counts_successful_calls() {
    let m = msgs(&[
        call("1", "fetch", r#"{"url":"a"}"#),
        error("1", "boom", "execution"),
        call("2", "fetch", "{}"),
        result("2", "ok"),
        call("3", "check", "{}"),
        error("3", "bad input", "validation"),
        a("done"),
    ]);
    pass("{type: tools_called, params: {tool_names: [fetch]}}", &m);
    fail("{type: tool_called, params: {tools: [fetch], min_calls: 2}}", &m);
    fail("{type: tools_called, params: {tool_names: [check]}}", &m);
    pass("{type: tools_called, params: {tool_names: [check], ignore_validation: true}}", &m);
    fail("{type: tools_called, params: {tool_names: [fetch], require_args: true}}", &m);
    let r = fail("{type: tools_called, params: {tool_names: [fetch], max_calls: 0}}", &m);
    assert_eq!(r.score, Some(0.0));
    fail("{type: tools_called, params: {}}", &m);
    // Session variant: every call counts, no names passes.
    pass("{type: tools_called_session, params: {tool_names: [check]}}", &m);
    pass("{type: tools_called_session}", &m);
    fail("{type: tools_called_session, params: {tool_names: [gone]}}", &m);
}

#[test]
fn tools_not_called_variants() {
    let m = msgs(&[call("1", "delete", "{}"), error("1", "no", "execution"), a("ok")]);
    let r = fail("{type: tools_not_called, params: {tool_names: [delete]}}", &m);
    assert!(r.message.contains("delete"));
    pass("{type: tools_not_called, params: {tool_names: [drop]}}", &m);
    fail("{type: tools_not_called, params: {}}", &m);
    let r = fail("{type: tools_not_called_session, params: {tools: [delete]}}", &m);
    assert!(r.message.contains("at turn 0"), "{}", r.message);
    pass("{type: tools_not_called_session}", &m);
}

#[test]
fn tool_args_as_text() {
    let m = msgs(&[
        call("1", "search", r#"{"q":"python","n":10,"big":1000000}"#),
        call("2", "search", r#"{"q":"golang","n":10}"#),
        a("ok"),
    ]);
    pass("{type: tool_args, params: {tool_name: search, expected_args: {q: golang, n: 10}}}", &m);
    pass("{type: tool_args, params: {tool_name: search, expected_args: {n: '10'}}}", &m);
    // JSON numbers are floats in Go: 1000000 prints as 1e+06.
    fail("{type: tool_args, params: {tool_name: search, expected_args: {big: 1000000}}}", &m);
    pass("{type: tool_args, params: {tool_name: search, expected_args: {big: 1e+06}}}", &m);
    let r = fail("{type: tool_args, params: {tool_name: search, expected_args: {q: rust}}}", &m);
    assert!(r.message.contains("got golang, want rust"), "{}", r.message);
    fail("{type: tool_args, params: {tool_name: search}}", &m);
    pass("{type: tool_args_session, params: {tool_name: search}}", &m);
    fail("{type: tool_args_session, params: {expected_args: {q: x}}}", &m);
    fail("{type: tool_args, params: {tool_name: other, expected_args: {q: x}}}", &m);
}

#[test]
fn tool_args_excluded() {
    let m = msgs(&[call("1", "run", r#"{"mode":"debug"}"#), a("ok")]);
    let r = fail(
        "{type: tools_not_called_with_args, params: {tool_name: run, excluded_args: {mode: debug}}}",
        &m,
    );
    assert!(r.message.contains("turn 0: mode=debug"), "{}", r.message);
    fail(
        "{type: tool_args_excluded_session, params: {tool_name: run, forbidden_args: {mode: [prod, debug]}}}",
        &m,
    );
    pass("{type: tool_args_excluded_session, params: {tool_name: run, excluded_args: {mode: prod}}}", &m);
    pass("{type: tool_args_excluded_session, params: {tool_name: run}}", &m);
    fail("{type: tool_args_excluded_session, params: {}}", &m);
}

#[test]
fn tool_calls_with_args_constraints() {
    let m = msgs(&[call("1", "get", r#"{"id":"A-12","x":null}"#), result("1", "Status: OK"), a("ok")]);
    pass("{type: tool_calls_with_args, params: {tool_name: get, expected_args: {id: A-12}, args_match: {id: '^A-[0-9]+$'}, result_includes: [status], result_matches: OK, no_error: true}}", &m);
    pass("{type: tool_calls_with_args, params: {tool_name: get, expected_args: {x: null}}}", &m);
    fail("{type: tool_calls_with_args, params: {tool_name: get, expected_args: {y: null}}}", &m);
    fail("{type: tool_calls_with_args, params: {tool_name: get, args_match: {id: '^B'}}}", &m);
    fail("{type: tool_calls_with_args, params: {tool_name: get, result_includes: [error]}}", &m);
    fail("{type: tool_calls_with_args, params: {tool_name: nope}}", &m);
    pass("{type: tool_calls_with_args}", &a("no calls at all"));
}

#[test]
fn counts_sequences_chains() {
    let m = msgs(&[
        call("1", "search", "{}"),
        result("1", "found 3"),
        call("2", "fetch", r#"{"url":"http://x"}"#),
        result("2", "page body"),
        call("3", "search", "{}"),
        a("done"),
    ]);
    pass("{type: tool_call_count, params: {tool: search, min: 2, max: 2}}", &m);
    let r = fail("{type: tool_call_count, params: {min: 5}}", &m);
    assert!(r.message.contains("at least 5"), "{}", r.message);
    fail("{type: tool_call_count, params: {max: 2}}", &m);
    pass("{type: tool_call_sequence, params: {sequence: [search, fetch]}}", &m);
    let r = fail("{type: tool_call_sequence, params: {sequence: [fetch, process]}}", &m);
    assert_eq!(r.score, Some(0.5));
    pass("{type: tool_call_sequence, params: {sequence: []}}", &m);
    pass("{type: tool_call_chain, params: {steps: [{tool: search, result_includes: [FOUND]}, {tool: fetch, args_match: {url: '^http'}}]}}", &m);
    let r = fail(
        "{type: tool_call_chain, params: {steps: [{tool: search}, {tool: fetch, result_matches: '^nope'}]}}",
        &m,
    );
    assert_eq!(r.score, Some(0.5));
    fail("{type: tool_call_chain, params: {steps: [{tool: fetch}, {tool: missing}]}}", &m);
    pass("{type: tool_call_chain, params: {steps: []}}", &m);
    let r = fail(
        "{type: tool_anti_pattern, params: {patterns: [{sequence: [search, search], message: no repeats}]}}",
        &m,
    );
    assert!(r.message.contains("no repeats"));
    pass("{type: tool_anti_pattern, params: {patterns: [{sequence: [fetch, fetch], message: x}]}}", &m);
    pass("{type: tool_no_repeat}", &m);
    fail("{type: tool_no_repeat}", &msgs(&[call("1", "a", "{}"), call("2", "a", "{}"), a("x")]));
    pass(
        "{type: tool_no_repeat, params: {tools: [b]}}",
        &msgs(&[call("1", "a", "{}"), call("2", "a", "{}"), a("x")]),
    );
}

#[test]
fn efficiency_and_errors() {
    let m = msgs(&[
        call("1", "f", "{}"),
        error("1", "timeout", "execution"),
        call("2", "g", "{}"),
        result("2", "ok"),
        a("x"),
    ]);
    let r = fail("{type: tool_efficiency, params: {max_calls: 5}}", &m);
    assert!((r.score.unwrap() - 0.6).abs() < 1e-9);
    pass("{type: tool_efficiency, params: {max_calls: 5, min_score: 0.5}}", &m);
    fail("{type: tool_efficiency, params: {max_errors: 0}}", &m);
    fail("{type: tool_efficiency, params: {max_error_rate: 0.4}}", &m);
    pass("{type: tool_efficiency, params: {max_error_rate: 0.5}}", &m);
    fail("{type: tool_efficiency}", &m);
    let r = fail("{type: no_tool_errors}", &m);
    assert_eq!(r.score, Some(0.5));
    assert!(r.message.contains("f: timeout"), "{}", r.message);
    pass("{type: no_tool_errors, params: {tools: [g]}}", &m);
}

#[test]
fn tool_results() {
    let m = msgs(&[
        call("1", "get", "{}"),
        result("1", "Alpha Beta"),
        call("2", "get", "{}"),
        result("2", "alpha"),
        a("x"),
    ]);
    pass("{type: tool_result_includes, params: {tool: get, patterns: [ALPHA], occurrence: 2}}", &m);
    fail("{type: tool_result_includes, params: {patterns: [alpha, beta], occurrence: 2}}", &m);
    fail("{type: tool_result_includes, params: {}}", &m);
    pass("{type: tool_result_matches, params: {pattern: '^Alpha'}}", &m);
    fail("{type: tool_result_matches, params: {pattern: '^alpha', occurrence: 2}}", &m);
    fail("{type: tool_result_matches, params: {}}", &m);
    let media = msgs(&[
        call("1", "render", "{}"),
        r#"{"role":"tool","content":"","tool_result":{"id":"1","name":"render","parts":[{"type":"image","media":{"mime_type":"image/PNG","data":"AA=="}}]}}"#.to_owned(),
        a("x"),
    ]);
    pass("{type: tool_result_has_media, params: {media_type: IMAGE}}", &media);
    fail("{type: tool_result_has_media, params: {media_type: audio}}", &media);
    pass("{type: tool_result_media_type, params: {tool: render, mime_type: image/png}}", &media);
    fail("{type: tool_result_media_type, params: {mime_type: image/jpeg}}", &media);
    pass("{type: tool_result_matches, params: {pattern: 'image:image/PNG'}}", &media);
}

#[test]
fn invariants_agents_skills() {
    let m = msgs(&[call("1", "upd", r#"{"id":1,"v":2}"#), call("2", "upd", r#"{"v":3,"w":1}"#), a("x")]);
    let r = fail("{type: invariant_fields_preserved, params: {tool: upd, fields: [id, v, w]}}", &m);
    assert!((r.score.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert!(r.message.contains("field \"id\" lost at call 1"), "{}", r.message);
    pass("{type: invariant_fields_preserved, params: {tool: upd, fields: [v, w]}}", &m);
    fail("{type: invariant_fields_preserved, params: {tool: upd}}", &m);
    pass("{type: agent_invoked, params: {agents: [upd]}}", &m);
    fail("{type: agent_invoked, params: {agents: [upd, other]}}", &m);
    fail("{type: agent_not_invoked, params: {agents: [upd]}}", &m);
    pass("{type: agent_not_invoked}", &m);
    let ag = msgs(&[call("1", "planner", "{}"), result("1", "Plan: step 1"), a("x")]);
    pass("{type: agent_response_contains, params: {agent: planner, contains: 'step 1'}}", &ag);
    fail("{type: agent_response_contains, params: {agent: planner, contains: 'STEP 1'}}", &ag);
    let sk = msgs(&[
        call("1", "skill__activate", r#"{"name":"search"}"#),
        call("2", "skill__activate", r#"{"name":"write"}"#),
        error("2", "denied", "execution"),
        a("x"),
    ]);
    pass("{type: skill_activated, params: {skill_names: [search]}}", &sk);
    fail("{type: skill_activated, params: {skill_names: [write]}}", &sk);
    fail("{type: skill_not_activated, params: {skill_names: [search]}}", &sk);
    pass("{type: skill_not_activated, params: {skill_names: [write]}}", &sk);
    pass("{type: skill_activation_order, params: {sequence: [search, write]}}", &sk);
    fail("{type: skill_activation_order, params: {sequence: [write, search]}}", &sk);
    fail("{type: skill_activation_order, params: {sequence: [a]}}", &a("none"));
}

#[test]
fn budgets() {
    let m = msgs(&[
        u("q"),
        r#"{"role":"assistant","content":"a","latency_ms":500,"cost_info":{"input_tokens":100,"output_tokens":50,"total_cost_usd":0.05}}"#.to_owned(),
    ]);
    let r = fail("{type: latency_budget, params: {max_ms: 400}}", &m);
    assert!((r.score.unwrap() - 0.8).abs() < 1e-9);
    pass("{type: latency_budget, params: {max_ms: 600}}", &m);
    pass("{type: latency_budget, params: {max_ms: 1}}", &a("no latency recorded"));
    fail("{type: latency_budget, params: {max_ms: 1}}", &u("no assistant"));
    let r = fail("{type: cost_budget, params: {max_cost_usd: 0.10}}", &m);
    assert!((r.score.unwrap() - 0.5).abs() < 1e-9);
    pass("{type: cost_budget, params: {max_cost_usd: 0.10, min_score: 0.5}}", &m);
    let r = fail("{type: cost_budget, params: {max_cost_usd: 0.04}}", &m);
    assert!(r.message.contains("exceeds budget"), "{}", r.message);
    fail("{type: cost_budget, params: {max_total_tokens: 149}}", &m);
    pass("{type: cost_budget, params: {max_total_tokens: 150}}", &m);
    fail("{type: cost_budget}", &m);
}

#[test]
fn guardrails_and_workflow() {
    let v = r#"{"role":"assistant","content":"a","validations":[{"validator_type":"banned_words","passed":false,"details":{"direction":"output"}}]}"#;
    pass("{type: guardrail_triggered, params: {validator_type: banned_words}}", v);
    pass("{type: guardrail_triggered, params: {validator: banned_words, direction: output}}", v);
    fail("{type: guardrail_triggered, params: {validator_type: banned_words, direction: input}}", v);
    fail("{type: guardrail_triggered, params: {validator_type: banned_words, should_trigger: false}}", v);
    pass("{type: guardrail_triggered, params: {validator_type: other, should_trigger: false}}", v);
    let w = msgs(&[
        r#"{"role":"assistant","content":"hi","meta":{"current_workflow_state":{"current_state":"intake"}}}"#.to_owned(),
        call("1", "lookup", "{}"),
        r#"{"role":"assistant","content":"bye","meta":{"_workflow_current_state":"done","_workflow_complete":true,"_workflow_state":"done","_workflow_transitions":[{"from":"intake","to":"search","turn_index":1},{"from":"search","to":"done","turn_index":2}]}}"#.to_owned(),
    ]);
    pass("{type: workflow_complete}", &w);
    fail("{type: workflow_complete}", &a("x"));
    pass("{type: state_is, params: {state: done}}", &w);
    fail("{type: state_is, params: {state: intake}}", &w);
    pass("{type: transitioned_to, params: {state: search}}", &w);
    fail("{type: transitioned_to, params: {state: nowhere}}", &w);
    pass("{type: workflow_transition_order, params: {sequence: [search, done]}}", &w);
    fail("{type: workflow_transition_order, params: {sequence: [done, search]}}", &w);
    pass("{type: spoke_in_state, params: {state: intake}}", &w);
    fail("{type: spoke_in_state, params: {state: done}}", &w);
    pass("{type: workflow_tool_access, params: {rules: [{state: search, allowed: [lookup]}]}}", &w);
    fail("{type: workflow_tool_access, params: {rules: [{state: search, allowed: [other]}]}}", &w);
    fail("{type: workflow_tool_access, params: {rules: [{state: search, allowed: []}]}}", &a("no workflow"));
    pass("{type: outcome_equivalent, params: {metric: final_state, expected_state: done}}", &w);
}

#[test]
fn media_handlers() {
    let m = r#"{"role":"assistant","content":"see","parts":[{"type":"image","media":{"mime_type":"image/jpeg","url":"u","width":640,"height":480}},{"type":"video","media":{"mime_type":"video/mp4","url":"v","width":1280,"height":720,"duration":12}},{"type":"audio","media":{"mime_type":"audio/mpeg","url":"w","duration":3}}]}"#;
    pass("{type: image_format, params: {formats: [JPEG, png]}}", m);
    fail("{type: image_format, params: {formats: [png]}}", m);
    fail("{type: image_format}", m);
    pass("{type: audio_format, params: {formats: [mp3]}}", m);
    pass("{type: image_dimensions, params: {min_width: 600, max_height: 480}}", m);
    fail("{type: image_dimensions, params: {width: 641}}", m);
    pass("{type: video_duration, params: {min_seconds: 10, max_seconds: 20}}", m);
    fail("{type: audio_duration, params: {min_seconds: 5}}", m);
    pass("{type: video_resolution, params: {presets: [HD]}}", m);
    fail("{type: video_resolution, params: {presets: [4k]}}", m);
    fail("{type: image_format, params: {formats: [jpeg]}}", &a("no media"));
    fail("{type: composition_output}", &a("x"));
}

// ---- applying assertions ------------------------------------------------------

#[test]
fn turn_assertions_see_their_prefix() {
    let m = msgs(&[
        u("hi"),
        a("first answer"),
        u("again"),
        a("second"),
        call("1", "f", "{}"),
        result("1", "ok"),
        a("third"),
    ]);
    let r = turns("{type: contains, params: {patterns: [answer]}}", &m);
    assert_eq!(r.iter().map(|x| x.turn).collect::<Vec<_>>(), vec![Some(1), Some(3), Some(4), Some(6)]);
    assert_eq!(r.iter().map(|x| x.passed).collect::<Vec<_>>(), vec![true, false, false, false]);
    // A tool call without its result at its own turn, with it afterwards.
    let r = turns("{type: tool_result_includes, params: {patterns: [ok]}}", &m);
    assert_eq!(r.iter().map(|x| x.passed).collect::<Vec<_>>(), vec![false, false, false, true]);
    // Empty content (the tool-call-only turn) is a turn too.
    let r = turns("{type: max_length, params: {max: 1}}", &m);
    assert!(r[2].passed && !r[0].passed);
}

#[test]
fn no_assistant_turn_gives_no_turn_results() {
    let plan = Plan::parse(
        &config(
            &["{type: contains, params: {patterns: [x]}}"],
            &["{type: contains, params: {patterns: [x]}}"],
        ),
        Path::new("t.eval.yaml"),
    )
    .unwrap();
    let r = run_plan(&plan, &u("only a user"), EvalOptions::default());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].scope, crate::Scope::Conversation);
    assert!(!r[0].passed);
    assert!(run_plan(&plan, "", EvalOptions::default()).len() == 1);
}

#[test]
fn when_conditions_skip_and_pass() {
    let m = msgs(&[call("1", "search_web", "{}"), error("1", "x", "execution"), a("ok")]);
    let r = conv("{type: contains, when: {tool_called: fetch}, params: {patterns: [zzz]}}", &m);
    assert!(r.passed && r.skipped && r.score.is_none());
    assert_eq!(r.message, "tool \"fetch\" not called");
    let r = conv("{type: contains, when: {tool_called_pattern: '^search_'}, params: {patterns: [zzz]}}", &m);
    assert!(!r.passed && !r.skipped);
    let r = conv("{type: contains, when: {min_tool_calls: 2}, params: {patterns: [ok]}}", &m);
    assert!(r.skipped && r.message == "only 1 tool call(s), need 2");
    let r = conv("{type: contains, when: {any_tool_called: true}, params: {patterns: [ok]}}", &a("ok"));
    assert!(r.skipped && r.message == "no tool calls in turn");
    let r = conv("{type: contains, when: {}, params: {patterns: [ok]}}", &a("ok"));
    assert!(r.passed && !r.skipped);
    // An unmet when skips even a judge.
    let r = conv("{type: llm_judge, when: {any_tool_called: true}}", &a("ok"));
    assert!(r.skipped && !r.not_run && r.passed);
}

#[test]
fn judges_not_run_or_skipped() {
    let cfg = config(&[], &["{type: assertion, params: {eval_type: llm_judge_conversation, eval_params: {criteria: x}, min_score: 0.8}}", "{type: text_toxicity}"]);
    let plan = Plan::parse(&cfg, Path::new("t.eval.yaml")).unwrap();
    assert_eq!(plan.assertions[0].canonical_type, "assertion");
    assert_eq!(plan.assertions[0].inner_type, "llm_judge_session");
    let r = run_plan(&plan, &a("x"), EvalOptions::default());
    assert!(r.iter().all(|x| x.not_run && !x.passed && x.score.is_none() && !x.skipped));
    let r = run_plan(&plan, &a("x"), EvalOptions { skip_judges: true });
    assert!(r.iter().all(|x| x.skipped && x.passed && !x.not_run));
}

#[test]
fn wrapper_thresholds() {
    let m = a("alpha");
    pass("{type: assertion, params: {eval_type: contains, eval_params: {patterns: [alpha, beta]}, min_score: 0.5}}", &m);
    fail("{type: assertion, params: {eval_type: contains, eval_params: {patterns: [alpha, beta]}}}", &m);
    pass("{type: guardrail, params: {eval_type: content_includes, eval_params: {patterns: [alpha]}}}", &m);
    // max_score inverts: the text must not be long.
    fail("{type: contains, params: {patterns: [alpha], max_score: 0.5}}", &m);
    pass("{type: contains, params: {patterns: [zzz], min_score: 0}}", &m);
    // pass_threshold has no effect in eval mode; message replaces the explanation.
    let r = fail("{type: contains, message: label, pass_threshold: 0.1, params: {patterns: [zzz]}}", &m);
    assert_eq!(r.message, "label");
    assert!(r.explanation.contains("missing patterns"));
}

// ---- bad configs ------------------------------------------------------------------

#[test]
fn bad_configs_are_positioned() {
    let e = config_error(&config(&[], &["{type: contians, params: {patterns: [x]}}"]));
    assert!(e.starts_with("bad.eval.yaml:8:"), "{e}");
    assert!(e.contains("conversation_assertions[0]") && e.contains("did you mean \"contains\""), "{e}");
    let e = config_error(&config(&["{type: max_length, params: {}}"], &[]));
    assert!(e.contains("turns[0].all_turns.assertions[0]") && e.contains("max"), "{e}");
    let e = config_error(&config(&[], &["{type: regex, params: {pattern: '(unclosed'}}"]));
    assert!(e.starts_with("bad.eval.yaml:8:") && e.contains("invalid regex"), "{e}");
    let e = config_error(&config(&[], &[r"{type: regex, params: {pattern: '(\w{1000}){1000}'}}"]));
    assert!(e.starts_with("bad.eval.yaml:8:") && e.contains("compiles to more than 4 MiB"), "{e}");
    let e =
        config_error(&config(&[], &[r"{type: contains, when: {tool_called_pattern: '(\w{1000}){1000}'}}"]));
    assert!(e.contains("tool_called_pattern: invalid regex") && e.contains("MiB"), "{e}");
    let e = config_error(&config(&[], &["{type: json_schema, params: {schema: {type: 12}}}"]));
    assert!(e.contains("invalid JSON schema"), "{e}");
    let e = config_error(&config(&[], &["{type: contains, params: [x]}"]));
    assert!(e.contains("params: expected a mapping, found a list"), "{e}");
    let e = config_error(&config(&[], &["{type: contains, when: {tool_called_pattern: '['}}"]));
    assert!(e.contains("tool_called_pattern: invalid regex"), "{e}");
    let e = config_error(&config(&[], &["{type: contains, when: {any_tool_called: yes}}"]));
    assert!(e.contains("expected a boolean"), "{e}");
    let e = config_error(&config(&[], &["{type: contains, paramz: {}}"]));
    assert!(e.contains("unknown key \"paramz\"") && e.contains("did you mean \"params\""), "{e}");
    let e = config_error(&config(&[], &["{type: assertion, params: {}}"]));
    assert!(e.contains("eval_type"), "{e}");
    let e = config_error(&config(&[], &["{type: assertion, params: {eval_type: llm_jugde}}"]));
    assert!(e.contains("did you mean \"llm_judge\""), "{e}");
    let e = config_error(&config(&[], &["{type: state_is}"]));
    assert!(e.contains("state"), "{e}");
    let e =
        config_error(&config(&[], &["{type: guardrail_triggered, params: {validator: x, direction: up}}"]));
    assert!(e.contains("direction"), "{e}");
    let e = config_error(&config(&[], &["{type: [contains]}"]));
    assert!(e.contains("type: expected a string"), "{e}");
    let e = config_error("apiVersion: v1\nkind: Eval\nspec:\n  description: d\n");
    assert!(e.contains("recording"), "{e}");
    let e = config_error("apiVersion: v1\nkind: Scenario\nspec: {}\n");
    assert!(e.starts_with("bad.eval.yaml:2:7:"), "{e}");
    let e = config_error(
        "apiVersion: v1\nkind: Eval\nspec:\n  description: d\n  recording: {path: x}\n  turn: []\n",
    );
    assert!(e.starts_with("bad.eval.yaml:6:3:") && e.contains("did you mean \"turns\""), "{e}");
    let e = config_error("kind: [unclosed\n");
    assert!(e.contains("invalid YAML"), "{e}");
    config_error("");
}

#[test]
fn eval_id_and_paths() {
    let plan = Plan::parse(&config(&[], &[]), Path::new("dir/sub/t.eval.yaml")).unwrap();
    assert_eq!(plan.eval_id, "t");
    assert_eq!(plan.resolved_recording_path(), "dir/sub/x.json");
    let text = config(&[], &[]).replace("description: t", "id: the-id\n  description: t");
    assert_eq!(Plan::parse(&text, Path::new("t.yaml")).unwrap().eval_id, "the-id");
}

#[test]
fn suggestions_follow_promptkit_rule() {
    assert_eq!(crate::suggest("tool_caled", ["tools_called", "regex"]), Some("tools_called"));
    assert_eq!(crate::suggest("zzzzzzzzzzzz", ["regex"]), None);
}

#[test]
fn overlapping_patterns_are_all_found() {
    pass("{type: contains, params: {patterns: [abc, bcd, c]}}", &a("xxABCDxx"));
    pass("{type: contains, params: {patterns: [straße, STRASSE]}}", &a("Straße / strasse"));
    // KELVIN SIGN lowercases to ASCII k.
    pass("{type: contains, params: {patterns: [kilo]}}", &a("\u{212A}ILO"));
}

#[test]
fn overlap_detection() {
    use crate::handlers::disjoint;
    assert!(disjoint(&["the".into(), "and".into()]));
    assert!(!disjoint(&["abc".into(), "bcd".into()]));
    assert!(!disjoint(&["abc".into(), "b".into()]));
    assert!(!disjoint(&["ab".into(), "ba".into()]));
    assert!(disjoint(&["aa".into(), "b".into()]));
    pass("{type: contains, params: {patterns: [ab, ba]}}", &a("xaba"));
}

#[test]
fn packed_searcher_builds_for_short_words() {
    let p = crate::handlers::Patterns::new(vec!["the".into(), "and".into()]);
    assert!(p.has_packed());
}

#[test]
fn alias_bombs_are_config_errors() {
    let mut y = String::from("apiVersion: v1\nkind: Eval\nspec:\n  description: d\n  recording: {path: x}\n  tags: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        y.push_str(&format!("  t{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let e = config_error(&y);
    assert!(e.contains("too many nodes"), "{e}");
    // Plain anchors and aliases work.
    let ok = config(&[], &["&c {type: contains, params: {patterns: [x]}}", "*c"]);
    let plan = Plan::parse(&ok, Path::new("t.eval.yaml")).unwrap();
    assert_eq!(plan.assertions.len(), 2);
}

#[test]
fn a_syntax_error_at_the_end_of_input_is_inside_the_text() {
    // No final line break: the scanner reports the line after the last.
    for text in
        ["# c\napiVersion: promptkit.altairalabs.ai/v1alpha1\nkinAitemse", "# c\r\nkind: Eval\r\nkinAitemse"]
    {
        let Err(e) = Plan::parse(text, Path::new("end.eval.yaml")) else { panic!("{text:?} compiled") };
        let pos = e.pos.expect("a position");
        assert_eq!(pos.line, 3, "{e}");
        assert!(pos.column <= "kinAitemse".len() + 1, "{e}");
    }
    // A document that is one node ending the input (a null with an anchor
    // and a tag): the node's position is the line after the last.
    let Err(e) = Plan::parse(" &itn!!", Path::new("end.eval.yaml")) else { panic!("compiled") };
    let pos = e.pos.expect("a position");
    assert_eq!((pos.line, e.message.contains("expected a mapping")), (1, true), "{e}");
    assert!(pos.column <= 8, "{e}");
}
