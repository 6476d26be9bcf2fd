//! Checks for the eval targets (`crates/eval`, lib `arena_eval`):
//!
//! * [`config_checked`]: arbitrary text through `Plan::parse`. Every outcome
//!   is a compiled plan or a [`ConfigError`] naming the file and a line and
//!   column inside the text (only an empty config has no position); a plan
//!   that compiles also runs over a fixed recording with the invariants of
//!   [`check_results`].
//! * [`run_checked`]: a fixed plan of many handler types, compiled once, run
//!   over arbitrary bytes loaded as a recording (every parser), with and
//!   without `skip_judges`.

use std::cell::RefCell;
use std::path::Path;
use std::sync::OnceLock;

use arena_eval::{ConfigError, EvalOptions, Plan, RecordResult, Scope, DETERMINISTIC, NEEDS_SERVICE};
use arena_recordings::{Loader, Parser, Recording};

use crate::PARSERS;

/// The name the fuzzed configs are parsed under.
const CONFIG: &str = "fuzz.eval.yaml";

/// Lines of `text` as YAML counts them (`\n`, `\r\n` and a lone `\r` end a
/// line), each as its number of characters.
fn line_lengths(text: &str) -> Vec<usize> {
    let mut lines = vec![0usize];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(0),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(0);
            }
            _ => *lines.last_mut().unwrap() += 1,
        }
    }
    lines
}

/// A config error must name the file and a position inside `text`.
fn check_error(text: &str, e: &ConfigError) {
    assert_eq!(e.file, Path::new(CONFIG), "error names another file: {e}");
    assert!(!e.message.trim().is_empty(), "error without a message: {e:?}");
    let shown = e.to_string();
    let Some(pos) = e.pos else {
        // Only a config with no document has no position.
        assert_eq!(e.message, "the config is empty", "error without a position: {e:?}");
        assert_eq!(shown, format!("{CONFIG}: the config is empty"));
        return;
    };
    assert!(pos.line >= 1 && pos.column >= 1, "position {pos:?} is not 1-based: {e}");
    let lines = line_lengths(text);
    assert!(pos.line <= lines.len(), "line {} past the end ({} lines): {e}", pos.line, lines.len());
    let len = lines[pos.line - 1];
    assert!(
        pos.column <= len + 1,
        "column {} past the end of line {} ({len} chars): {e}",
        pos.column,
        pos.line
    );
    let prefix = format!("{CONFIG}:{}:{}: ", pos.line, pos.column);
    assert!(shown.starts_with(&prefix), "{shown:?} does not start with {prefix:?}");
}

/// Invariants of a compiled plan.
fn check_plan(plan: &Plan) {
    assert_eq!(plan.config_path, Path::new(CONFIG));
    assert!(!plan.recording_path.trim().is_empty(), "empty recording path compiled");
    let mut seen_conversation = false;
    for a in &plan.assertions {
        assert!(!a.location.is_empty());
        // Turn assertions first, then conversation ones.
        match a.scope {
            Scope::Turn => assert!(!seen_conversation, "turn assertion after a conversation one"),
            Scope::Conversation => seen_conversation = true,
        }
        let service = NEEDS_SERVICE.iter().any(|(n, _)| *n == a.inner_type);
        assert!(
            service || DETERMINISTIC.contains(&a.inner_type.as_str()),
            "{}: inner type {:?} is no handler",
            a.location,
            a.inner_type
        );
        assert_eq!(a.needs_service(), service, "{}: needs_service", a.location);
    }
    assert_eq!(plan.needs_service(), plan.assertions.iter().any(|a| a.needs_service()));
}

/// Invariants of a plan's result on `rec`.
pub fn check_results(plan: &Plan, rec: &Recording<'_>, opts: &EvalOptions, r: &RecordResult) {
    let assistants: Vec<usize> =
        rec.messages.iter().enumerate().filter(|(_, m)| m.role == "assistant").map(|(i, _)| i).collect();
    let turn: Vec<usize> =
        (0..plan.assertions.len()).filter(|&i| plan.assertions[i].scope == Scope::Turn).collect();
    let conv: Vec<usize> =
        (0..plan.assertions.len()).filter(|&i| plan.assertions[i].scope == Scope::Conversation).collect();
    assert_eq!(
        r.results.len(),
        turn.len() * assistants.len() + conv.len(),
        "one result per turn assertion and assistant message, one per conversation assertion"
    );
    // The expected order: per turn assertion, per assistant message; then
    // the conversation assertions.
    let expected = turn
        .iter()
        .flat_map(|&a| assistants.iter().map(move |&m| (a, Some(m))))
        .chain(conv.iter().map(|&a| (a, None)));
    for (res, (a, m)) in r.results.iter().zip(expected) {
        let assertion = &plan.assertions[a];
        assert_eq!((res.assertion, res.turn), (a, m), "result order");
        assert_eq!(res.scope, assertion.scope);
        if let Some(s) = res.score {
            // The budgets score as Go does, `1 - spent/budget` and
            // `budget/latency` (EVAL.md §5): outside [0, 1] for a negative
            // budget or spend, which only the numbers given can cause.
            let budget = matches!(assertion.inner_type.as_str(), "cost_budget" | "latency_budget");
            assert!(
                budget || (0.0..=1.0).contains(&s),
                "{}: score {s} outside [0, 1]: {res:?}",
                assertion.location
            );
        }
        if res.skipped {
            assert!(res.passed, "skipped but failed: {res:?}");
            assert!(res.score.is_none() && !res.not_run, "skipped with a score or not run: {res:?}");
        }
        if res.not_run {
            assert!(!res.passed && res.score.is_none(), "not run but passed or scored: {res:?}");
            assert!(!opts.skip_judges, "not run with skip_judges: {res:?}");
        }
        if assertion.needs_service() {
            assert!(res.skipped || res.not_run, "a service handler ran: {res:?}");
        }
        if !res.skipped && !res.not_run && res.score.is_none() {
            assert!(!res.passed, "passed without a score: {res:?}");
        }
    }
    assert_eq!(r.passed, r.results.iter().all(|x| x.passed), "passed is not the conjunction");
}

/// Evaluates `plan` on `rec` with and without `skip_judges`, checking each
/// result, that it is deterministic, and how the two options differ.
fn evaluate_checked(plan: &Plan, rec: &Recording<'_>) {
    let run = EvalOptions { skip_judges: false };
    let skip = EvalOptions { skip_judges: true };
    let a = plan.evaluate(rec, &run);
    check_results(plan, rec, &run, &a);
    let b = plan.evaluate(rec, &skip);
    check_results(plan, rec, &skip, &b);
    for (x, y) in a.results.iter().zip(&b.results) {
        if x.not_run {
            assert!(y.skipped && y.passed, "skip_judges does not skip {x:?}: {y:?}");
        } else {
            assert_eq!(x, y, "skip_judges changed a deterministic result");
        }
    }
    assert_eq!(plan.evaluate(rec, &run), a, "evaluate is not deterministic");
}

/// A small session recording the compiled configs run on (tool call,
/// tool result, two assistant messages).
const RECORDING: &[u8] = br#"{
  "metadata": {"session_id": "fuzz", "provider_id": "openai", "model": "m", "tags": ["t"]},
  "events": [
    {"type": "message", "timestamp": "2025-05-02T08:00:00Z",
     "message": {"role": "user", "content": "What's the weather in Paris?"}},
    {"type": "message", "timestamp": "2025-05-02T08:00:01Z",
     "message": {"role": "assistant", "content": "Checking.",
                 "tool_calls": [{"id": "c1", "type": "function",
                   "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}},
    {"type": "message", "timestamp": "2025-05-02T08:00:02Z",
     "message": {"role": "tool", "tool_call_id": "c1", "name": "get_weather",
                 "content": "{\"condition\":\"sunny\",\"high_c\":21}"}},
    {"type": "message", "timestamp": "2025-05-02T08:00:03Z",
     "message": {"role": "assistant", "content": "```json\n{\"answer\": \"sunny\", \"n\": [1, 2]}\n```"}}
  ]
}"#;

thread_local! {
    static LOADER: RefCell<Loader> = RefCell::new(Loader::new());
}

/// Arbitrary text (lossy UTF-8) through the config parser and compiler.
pub fn config_checked(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let first = Plan::parse(&text, Path::new(CONFIG));
    let again = Plan::parse(&text, Path::new(CONFIG));
    match (&first, &again) {
        (Err(e), Err(f)) => {
            check_error(&text, e);
            assert_eq!((e.pos, &e.message), (f.pos, &f.message), "parse is not deterministic");
        }
        (Ok(plan), Ok(other)) => {
            check_plan(plan);
            assert_eq!(plan.assertions.len(), other.assertions.len(), "parse is not deterministic");
            let mut loader = Loader::new();
            let rec = loader.load_bytes(RECORDING, Parser::Session).expect("the fixed recording loads");
            evaluate_checked(plan, &rec);
        }
        _ => panic!("parse is not deterministic"),
    }
}

/// The fixed plan of [`run_checked`]: most deterministic handlers, turn
/// and conversation scope, `when` preconditions, thresholds, a wrapper and
/// a handler that needs a judge.
const PLAN: &str = include_str!("../seeds/eval_config/every-handler.eval.yaml");

fn plan() -> &'static Plan {
    static PLAN_: OnceLock<Plan> = OnceLock::new();
    PLAN_.get_or_init(|| {
        let plan = Plan::parse(PLAN, Path::new(CONFIG)).unwrap_or_else(|e| panic!("the fixed plan: {e}"));
        check_plan(&plan);
        plan
    })
}

/// Arbitrary bytes loaded as a recording (every parser that accepts them)
/// through the fixed plan.
pub fn run_checked(data: &[u8]) {
    let plan = plan();
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        for &parser in PARSERS {
            if let Ok(rec) = l.load_bytes(data, parser) {
                evaluate_checked(plan, &rec);
            }
        }
    });
}
