//! Runs `arena-recordings eval`: the JSONL contract, exit codes 0/4/3/2,
//! not_run vs skipped, the config's recording path, thread-independent
//! output, the report formats, and PromptKit's real example config.

use std::path::{Path, PathBuf};
use std::sync::Once;

use serde_json::Value;

use crate::support::{lines, run};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().expect("object").keys().map(String::as_str).collect()
}

/// PromptKit's eval-test example, where it lies next to the repository.
fn example() -> Option<PathBuf> {
    static NOTE: Once = Once::new();
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples/eval-test");
    if p.is_dir() {
        Some(p)
    } else {
        NOTE.call_once(|| {
            eprintln!("note: ../shared/spec/examples is absent: the example eval tests were not run")
        });
        None
    }
}

const SAMPLE: &str = "corpus/eval/sample.eval.yaml";

#[test]
fn real_example_runs_as_written() {
    let Some(dir) = example() else { return };
    let cfg = dir.join("evals/basic-eval.eval.yaml");
    let cfg = cfg.to_str().unwrap();
    let o = run(&["eval", cfg, "--format", "jsonl"]);
    assert_eq!(o.code, 4, "the LLM judge is not run: {}", o.stderr);
    let recs = lines(&o.stdout);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert!(r["id"].as_str().unwrap().ends_with("recordings/customer-support.arena.json"));
    assert_eq!(r["eval_id"], "basic-eval-test");
    assert_eq!(r["passed"], false);
    let results = r["results"].as_array().unwrap();
    let turns: Vec<&Value> = results.iter().filter(|x| x["scope"] == "turn").collect();
    assert_eq!(
        turns.iter().map(|x| x["turn"].as_u64().unwrap()).collect::<Vec<_>>(),
        vec![2, 4, 6, 8, 10, 12, 14]
    );
    assert!(turns.iter().all(|x| x["type"] == "contains" && x["passed"] == true && x["score"] == 1));
    let conv: Vec<&Value> = results.iter().filter(|x| x["scope"] == "conversation").collect();
    assert_eq!(conv.len(), 2);
    assert_eq!(conv[0]["type"], "contains_any");
    assert_eq!(conv[0]["passed"], true);
    assert_eq!(conv[0]["turn"], Value::Null);
    assert_eq!(conv[1]["type"], "assertion");
    assert_eq!(conv[1]["canonical_type"], "assertion");
    assert_eq!(conv[1]["not_run"], true);
    assert_eq!(conv[1]["passed"], false);
    assert_eq!(conv[1]["skipped"], false);
    assert_eq!(conv[1]["score"], Value::Null);
    assert!(conv[1]["message"].as_str().unwrap().contains("llm_judge_session"));

    let o = run(&["eval", cfg, "--format", "jsonl", "--skip-judges"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = &lines(&o.stdout)[0];
    let last = r["results"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["skipped"].clone(), last["passed"].clone(), last["not_run"].clone()),
        (Value::Bool(true), Value::Bool(true), Value::Bool(false))
    );

    // The geography variant: the assistant never says "you".
    let geo = dir.join("evals/basic-eval-geography.eval.yaml");
    let o = run(&["eval", geo.to_str().unwrap(), "--skip-judges"]);
    assert_eq!(o.code, 4);
    assert!(
        o.stdout.contains("FAIL ") && o.stdout.contains("[turn 1] contains: missing patterns: you"),
        "{}",
        o.stdout
    );
}

#[test]
fn jsonl_contract_on_the_sample() {
    let o = run(&["eval", SAMPLE, "--format", "jsonl"]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    let recs = lines(&o.stdout);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec!["corpus/eval/recordings/orders.arena.json", "corpus/eval/recordings/weather.recording.json"]
    );
    for r in &recs {
        let mut k = keys(r);
        k.sort_unstable();
        assert_eq!(k, ["eval_id", "id", "passed", "results"]);
        assert_eq!(r["eval_id"], "sample-eval");
        let results = r["results"].as_array().unwrap();
        for x in results {
            let mut k = keys(x);
            k.sort_unstable();
            assert_eq!(
                k,
                [
                    "canonical_type",
                    "message",
                    "not_run",
                    "passed",
                    "scope",
                    "score",
                    "skipped",
                    "turn",
                    "type"
                ]
            );
        }
        // Turn results first, then conversation results in config order.
        let scopes: Vec<&str> = results.iter().map(|x| x["scope"].as_str().unwrap()).collect();
        let first_conv = scopes.iter().position(|s| *s == "conversation").unwrap();
        assert!(scopes[first_conv..].iter().all(|s| *s == "conversation"));
        assert_eq!(results.len() - first_conv, 6);
        let passed = results.iter().all(|x| x["passed"] == true);
        assert_eq!(r["passed"], passed);
    }
    let orders = &recs[0]["results"];
    let by_type = |t: &str| orders.as_array().unwrap().iter().find(|x| x["type"] == t).unwrap().clone();
    assert_eq!(by_type("no_tool_errors")["passed"], false);
    assert_eq!(by_type("no_tool_errors")["score"], 0.5);
    assert_eq!(by_type("json_valid")["passed"], true);
    assert_eq!(by_type("content_excludes")["message"], "No refusal boilerplate");
    let weather = &recs[1]["results"];
    let json = weather.as_array().unwrap().iter().find(|x| x["type"] == "json_valid").unwrap();
    assert_eq!(
        (json["skipped"].clone(), json["passed"].clone(), json["score"].clone()),
        (Value::Bool(true), Value::Bool(true), Value::Null)
    );
    assert_eq!(json["message"], "tool \"cancel_order\" not called");
}

#[test]
fn exit_codes() {
    let d = tempfile::tempdir().unwrap();
    let ok = d.path().join("ok.eval.yaml");
    std::fs::write(
        &ok,
        "apiVersion: v1\nkind: Eval\nmetadata: {name: ok}\nspec:\n  description: d\n  recording: {path: recs/*.json}\n  conversation_assertions:\n    - {type: contains_any, params: {patterns: [sunny]}}\n",
    )
    .unwrap();
    // No match for the config's path: usage error.
    let o = run(&["eval", ok.to_str().unwrap()]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    std::fs::create_dir_all(d.path().join("recs")).unwrap();
    std::fs::copy("corpus/eval/recordings/weather.recording.json", d.path().join("recs/w.recording.json"))
        .unwrap();
    let o = run(&["eval", ok.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("PASS ") && o.stdout.contains("1 recordings: 1 passed"), "{}", o.stdout);
    // A broken recording: exit 3, the others still evaluated, error as export writes it.
    let bad = d.path().join("recs/broken.recording.json");
    std::fs::write(&bad, "{\"events\": [\n  {\"type\": \"message\",\n").unwrap();
    let o = run(&["eval", ok.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    let recs = lines(&o.stdout);
    assert_eq!(recs.len(), 2);
    let err = recs.iter().find(|r| r.get("error").is_some()).expect("an error record");
    let mut k = keys(err);
    k.sort_unstable();
    assert_eq!(k, ["error", "eval_id", "id"]);
    let export = run(&["export", bad.to_str().unwrap()]);
    assert_eq!(export.code, 3);
    assert_eq!(lines(&export.stdout)[0]["error"], err["error"]);
    assert!(err["error"]["line"].is_number());
    assert!(recs.iter().any(|r| r["passed"] == true));
    // SOURCEs replace the config's path.
    let o = run(&["eval", ok.to_str().unwrap(), "corpus/eval/recordings", "--format", "jsonl"]);
    assert_eq!(o.code, 4);
    assert_eq!(lines(&o.stdout).len(), 2);
    // Usage errors.
    assert_eq!(run(&["eval", "no/such.eval.yaml"]).code, 2);
    assert_eq!(run(&["eval", SAMPLE, "--format", "xml"]).code, 2);
}

fn bad_config(body: &str, line: usize, want: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad.eval.yaml");
    let text = format!(
        "apiVersion: v1\nkind: Eval\nmetadata: {{name: b}}\nspec:\n  description: d\n  recording: {{path: x.json}}\n  conversation_assertions:\n{body}"
    );
    std::fs::write(&p, text).unwrap();
    let o = run(&["eval", p.to_str().unwrap(), "corpus/eval/recordings"]);
    assert_eq!(o.code, 2, "{body}: {}", o.stderr);
    assert!(o.stdout.is_empty());
    let prefix = format!("error: {}:{line}:", p.display());
    assert!(o.stderr.starts_with(&prefix), "{body}: {}", o.stderr);
    for w in want {
        assert!(o.stderr.contains(w), "{body}: {} lacks {w}", o.stderr);
    }
    assert!(!o.stderr.contains("panicked"));
}

#[test]
fn bad_configs_exit_2_with_a_position() {
    bad_config("    - type: tools_caled\n", 8, &["unknown assertion type", "did you mean \"tools_called\""]);
    bad_config("    - type: max_length\n      params: {max_tokens: 3}\n", 9, &["max_length", "'max'"]);
    bad_config("    - type: contains\n      params: [patterns]\n", 9, &["expected a mapping, found a list"]);
    bad_config("    - type: regex\n      params: {pattern: 'a(b'}\n", 9, &["invalid regex"]);
    bad_config(
        "    - type: json_schema\n      params: {schema: {type: nonsense}}\n",
        9,
        &["invalid JSON schema"],
    );
    bad_config("    - type: contains\n      when: {min_tool_calls: many}\n", 9, &["expected an integer"]);
}

#[test]
fn output_does_not_depend_on_threads() {
    let d = tempfile::tempdir().unwrap();
    let g = run(&["generate", d.path().to_str().unwrap(), "--files", "60", "--seed", "3", "--media-kb", "0"]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    let src = d.path().to_str().unwrap();
    let one = run(&["eval", SAMPLE, src, "--format", "jsonl", "-j", "1"]);
    let two = run(&["eval", SAMPLE, src, "--format", "jsonl", "-j", "2"]);
    assert_eq!(one.code, two.code);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(lines(&one.stdout).len(), 60);
    let out = d.path().join("out.jsonl");
    let o = run(&["eval", SAMPLE, src, "--format", "jsonl", "-o", out.to_str().unwrap()]);
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), one.stdout);
}

#[test]
fn junit_and_markdown_reports() {
    let o = run(&["eval", SAMPLE, "--format", "junit"]);
    assert_eq!(o.code, 4);
    let x = &o.stdout;
    assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"arena-recordings eval\" tests=\"2\" failures=\"2\" errors=\"0\""), "{x}");
    assert!(x.contains("<testsuite name=\"sample-eval\" tests=\"2\""));
    assert_eq!(x.matches("<testcase ").count(), 2);
    assert!(x.contains("classname=\"sample-eval\""));
    assert!(x.contains("<failure message=\"3 of 10 assertions failed\" type=\"AssertionFailure\">"), "{x}");
    assert!(x.contains("- [conversation] no_tool_errors: tool errors found: cancel_order: upstream timeout"));
    assert!(x.contains("<property name=\"assertions.total\" value=\"10\"/>"));
    assert!(x.contains("<property name=\"assertions.0.turn\" value=\"1\"/>"));
    assert!(x.contains("<property name=\"assertions.not_run\" value=\"1\"/>"));
    assert_eq!(x.matches("<testcase").count(), x.matches("</testcase>").count());
    assert!(x.trim_end().ends_with("</testsuites>"));

    let o = run(&["eval", SAMPLE, "--format", "markdown", "--skip-judges"]);
    assert_eq!(o.code, 4);
    let m = &o.stdout;
    for h in [
        "# 🧪 PromptArena Test Results",
        "## 📊 Overview",
        "## 🔍 Test Results",
        "## 🧩 Assertions",
        "## 🔍 Failed Tests",
    ] {
        assert!(m.contains(h), "{h} missing:\n{m}");
    }
    assert!(m.contains("| Success Rate | 50.0% |"));
    assert!(m.contains("| Passed | Scope | Turn | Type | Score | Message |"));
    assert!(m.contains("| ⊘ | conversation | - | assertion |"), "{m}");
}
