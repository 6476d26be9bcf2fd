//! Tests of the OpenTelemetry GenAI decoder (FORMATS-MORE.md section 6).

use std::path::{Path, PathBuf};

use crate::owned::{self, Message};
use crate::{ErrorKind, Format, Loader, Parser};

use super::value::MAX_NESTING;

/// One reference as loaded, owned.
#[derive(Debug)]
struct Ref {
    fragment: Option<String>,
    format: Option<Format>,
    result: Result<Loaded, crate::Error>,
}

#[derive(Debug)]
struct Loaded {
    messages: Vec<Message>,
    meta: owned::Metadata,
    warnings: Vec<String>,
    export: String,
}

impl Ref {
    fn ok(&self) -> &Loaded {
        match &self.result {
            Ok(l) => l,
            Err(e) => panic!("{:?} failed: {e}", self.fragment),
        }
    }

    fn err(&self) -> &crate::Error {
        match &self.result {
            Ok(l) => panic!("{:?} loaded: {l:?}", self.fragment),
            Err(e) => e,
        }
    }
}

fn collect(
    mut run: impl FnMut(&mut dyn FnMut(crate::Piece<'_>, crate::Result<crate::Recording<'_>>)),
) -> Vec<Ref> {
    let mut out = Vec::new();
    run(&mut |piece, r| {
        let result = r.map(|rec| {
            let (messages, meta) = owned::to_owned(&rec);
            let mut export = String::new();
            crate::promptkit::write_messages(&mut export, rec.messages);
            Loaded { messages, meta, warnings: rec.warnings.iter().map(|w| w.to_string()).collect(), export }
        });
        out.push(Ref { fragment: piece.fragment.map(str::to_owned), format: piece.format, result });
    });
    out
}

fn load(bytes: &[u8], parser: Parser) -> Vec<Ref> {
    let mut loader = Loader::new();
    collect(|each| loader.load_bytes_each(bytes, parser, &mut *each))
}

fn load_file(path: &Path, parser: Parser) -> Vec<Ref> {
    let mut loader = Loader::new();
    collect(|each| loader.load_file_each(path, parser, &mut *each))
}

/// "The text of a message" (FORMATS-MORE.md 1.3).
fn text(m: &Message) -> String {
    if m.parts.is_empty() {
        m.content.clone()
    } else {
        m.parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text.clone()).collect()
    }
}

fn roles(l: &Loaded) -> Vec<&str> {
    l.messages.iter().map(|m| m.role.as_str()).collect()
}

fn fragments(refs: &[Ref]) -> Vec<Option<&str>> {
    refs.iter().map(|r| r.fragment.as_deref()).collect()
}

fn examples() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/spec/examples/formats/otel_genai"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

// ---- fixtures -------------------------------------------------------------

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// An attribute whose value is a `stringValue`.
fn s_attr(key: &str, value: &str) -> String {
    format!(r#"{{"key":{},"value":{{"stringValue":{}}}}}"#, q(key), q(value))
}

/// An attribute whose value is an `intValue` (as OTLP JSON writes it, a string).
fn i_attr(key: &str, n: i64) -> String {
    format!(r#"{{"key":{},"value":{{"intValue":"{n}"}}}}"#, q(key))
}

/// An attribute with a raw `AnyValue`.
fn any_attr(key: &str, any: &str) -> String {
    format!(r#"{{"key":{},"value":{any}}}"#, q(key))
}

fn input(json: &str) -> String {
    s_attr("gen_ai.input.messages", json)
}

fn output(json: &str) -> String {
    s_attr("gen_ai.output.messages", json)
}

fn span(trace: &str, id: &str, start: u64, end: u64, attrs: &[String]) -> String {
    format!(
        r#"{{"traceId":"{trace}","spanId":"{id}","name":"chat","startTimeUnixNano":"{start}","endTimeUnixNano":"{end}","attributes":[{}]}}"#,
        attrs.join(",")
    )
}

fn doc(spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[]}},"scopeSpans":[{{"scope":{{"name":"t"}},"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

fn user(text: &str) -> String {
    format!(r#"{{"role":"user","parts":[{{"type":"text","content":{}}}]}}"#, q(text))
}

fn assistant(text: &str) -> String {
    format!(
        r#"{{"role":"assistant","parts":[{{"type":"text","content":{}}}],"finish_reason":"stop"}}"#,
        q(text)
    )
}

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn one(json: &str) -> Loaded {
    let refs = load(json.as_bytes(), Parser::OtelGenai);
    assert_eq!(refs.len(), 1, "{refs:?}");
    let r = refs.into_iter().next().unwrap();
    match r.result {
        Ok(l) => l,
        Err(e) => panic!("failed: {e}"),
    }
}

// ---- the conversation -----------------------------------------------------

/// The semantic conventions' tool-call flow, as FORMATS-MORE.md 6 works it out.
#[test]
fn worked_example_tool_call_flow() {
    let call = r#"{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris"}}]}"#;
    let result =
        r#"{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"rainy"}]}"#;
    let json = doc(&[
        span(
            T,
            "s1",
            100,
            200,
            &[input(&format!("[{}]", user("Weather in Paris?"))), output(&format!("[{call}]"))],
        ),
        span(
            T,
            "s2",
            300,
            400,
            &[
                input(&format!("[{},{call},{result}]", user("Weather in Paris?"))),
                output(&format!("[{}]", assistant("It is rainy."))),
            ],
        ),
    ]);
    let refs = load(json.as_bytes(), Parser::OtelGenai);
    assert_eq!(fragments(&refs), [Some("trace=4bf92f3577b34da6a3ce929d0e0e4736")]);
    assert_eq!(refs[0].format, Some(Format::OtelGenai));
    let l = refs[0].ok();
    assert_eq!(roles(l), ["user", "assistant", "tool", "assistant"]);
    assert_eq!(text(&l.messages[0]), "Weather in Paris?");
    let calls = &l.messages[1].tool_calls;
    assert_eq!((calls.len(), calls[0].name.as_str(), calls[0].id.as_str()), (1, "get_weather", "call_1"));
    assert_eq!(calls[0].args, r#"{"location":"Paris"}"#);
    let r = l.messages[2].tool_result.as_ref().unwrap();
    assert_eq!((r.id.as_str(), r.name.as_str()), ("call_1", "get_weather"));
    assert_eq!(r.parts[0].text.as_deref(), Some("rainy"));
    assert_eq!(text(&l.messages[3]), "It is rainy.");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.meta.session_id, T);
    assert!(l.export.contains(r#""tool_result":{"id":"call_1""#), "{}", l.export);
}

#[test]
fn spans_are_sorted_by_start_then_end_then_file_order() {
    // File order: c (start 300), b (start 100, end 250), a (start 100, end 200).
    let json = doc(&[
        span(
            T,
            "c",
            300,
            400,
            &[input(&format!("[{}]", user("3"))), output(&format!("[{}]", assistant("r3")))],
        ),
        span(
            T,
            "b",
            100,
            250,
            &[input(&format!("[{}]", user("2"))), output(&format!("[{}]", assistant("r2")))],
        ),
        span(
            T,
            "a",
            100,
            200,
            &[input(&format!("[{}]", user("1"))), output(&format!("[{}]", assistant("r1")))],
        ),
        // Same start and end as `a`, after it in the file: comes after it.
        span(T, "d", 100, 200, &[output(&format!("[{}]", assistant("r1b")))]),
    ]);
    let l = one(&json);
    let texts: Vec<String> = l.messages.iter().map(text).collect();
    assert_eq!(texts, ["1", "r1", "r1b", "2", "r2", "3", "r3"]);
    // Every span after the first restarts the conversation.
    for id in ["d", "b", "c"] {
        assert!(l.warnings.iter().any(|w| w.contains(&format!("span {id}:"))), "{id}: {:?}", l.warnings);
    }
    assert!(!l.warnings.iter().any(|w| w.contains("span a:")));
}

#[test]
fn a_span_that_does_not_continue_appends_its_whole_input_with_a_warning() {
    let json = doc(&[
        span(
            T,
            "aa01",
            1,
            2,
            &[input(&format!("[{}]", user("q1"))), output(&format!("[{}]", assistant("a1")))],
        ),
        span(
            T,
            "aa02",
            3,
            4,
            &[
                input(&format!("[{},{}]", user("other"), user("q2"))),
                output(&format!("[{}]", assistant("a2"))),
            ],
        ),
    ]);
    let l = one(&json);
    let texts: Vec<String> = l.messages.iter().map(text).collect();
    assert_eq!(texts, ["q1", "a1", "other", "q2", "a2"]);
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert!(l.warnings[0].contains("aa02"), "{:?}", l.warnings);
}

#[test]
fn prefix_comparison_ignores_finish_reason_name_and_key_order() {
    let first_out =
        r#"[{"role":"assistant","parts":[{"type":"text","content":"a1"}],"finish_reason":"stop"}]"#;
    // The same message, keys reordered, with a name and no finish_reason.
    let again = r#"{"parts":[{"content":"a1","type":"text"}],"name":"bot","role":"assistant"}"#;
    let json = doc(&[
        span(T, "s1", 1, 2, &[input(&format!("[{}]", user("q1"))), output(first_out)]),
        span(
            T,
            "s2",
            3,
            4,
            &[
                input(&format!("[{},{again},{}]", user("q1"), user("q2"))),
                output(&format!("[{}]", assistant("a2"))),
            ],
        ),
    ]);
    let l = one(&json);
    assert_eq!(roles(&l), ["user", "assistant", "user", "assistant"]);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    // A different text is a different message.
    let json = doc(&[
        span(T, "s1", 1, 2, &[input(&format!("[{}]", user("q1"))), output(first_out)]),
        span(T, "s2", 3, 4, &[input(&format!("[{},{},{}]", user("q1"), assistant("A1"), user("q2")))]),
    ]);
    let l = one(&json);
    assert_eq!(l.messages.len(), 2 + 3);
    assert!(l.warnings[0].contains("span s2"), "{:?}", l.warnings);
}

#[test]
fn first_output_message_is_kept_and_the_others_are_counted() {
    let outs = format!("[{},{},{}]", assistant("one"), assistant("two"), assistant("three"));
    let l = one(&doc(&[span(T, "5a", 1, 2, &[input(&format!("[{}]", user("q"))), output(&outs)])]));
    assert_eq!(l.messages.iter().map(text).collect::<Vec<_>>(), ["q", "one"]);
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("span 5a") && l.warnings[0].contains("2 dropped"), "{:?}", l.warnings);
}

#[test]
fn system_instructions_come_first_and_count_in_the_prefix() {
    let sys = s_attr("gen_ai.system_instructions", r#"[{"type":"text","content":"Be brief."}]"#);
    let json = doc(&[
        span(
            T,
            "s1",
            1,
            2,
            &[sys.clone(), input(&format!("[{}]", user("q1"))), output(&format!("[{}]", assistant("a1")))],
        ),
        span(
            T,
            "s2",
            3,
            4,
            &[
                sys,
                input(&format!("[{},{},{}]", user("q1"), assistant("a1"), user("q2"))),
                output(&format!("[{}]", assistant("a2"))),
            ],
        ),
    ]);
    let l = one(&json);
    assert_eq!(roles(&l), ["system", "user", "assistant", "user", "assistant"]);
    assert_eq!(text(&l.messages[0]), "Be brief.");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    // Only system instructions: a span with content.
    let only = s_attr("gen_ai.system_instructions", r#"[{"type":"text","content":"S"}]"#);
    let l = one(&doc(&[span(T, "s", 1, 2, &[only])]));
    assert_eq!(roles(&l), ["system"]);
}

// ---- parts ----------------------------------------------------------------

#[test]
fn text_parts_reasoning_and_empty_messages() {
    let msgs = r#"[
        {"role":"user","parts":[{"type":"text","content":"a "},{"type":"text","content":" b"}]},
        {"role":"user","parts":[]},
        {"role":"user"},
        {"role":"user","parts":[{"type":"text","content":null}]}
    ]"#;
    let outs = r#"[{"role":"assistant","parts":[
        {"type":"reasoning","content":"think 1"},{"type":"text","content":"answer"},{"type":"reasoning","content":"think 2"}
    ],"finish_reason":"length"}]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(msgs), output(outs)])]));
    assert_eq!(roles(&l), ["user", "user", "user", "user", "assistant"]);
    // Two text parts stay parts; whitespace is kept.
    assert_eq!(l.messages[0].parts.len(), 2);
    assert_eq!(text(&l.messages[0]), "a  b");
    assert_eq!((text(&l.messages[1]), l.messages[1].parts.len()), (String::new(), 0));
    assert_eq!(text(&l.messages[2]), "");
    assert_eq!(text(&l.messages[3]), "");
    let a = &l.messages[4];
    assert_eq!(a.content, "answer");
    assert_eq!(a.reasoning.as_deref(), Some(r#"{"text":"think 1\nthink 2"}"#));
    assert_eq!(a.finish_reason, "length");
    assert!(!l.export.contains("think 1\\nthink 2\",\"content"), "reasoning is not text");
}

#[test]
fn media_parts() {
    let parts = r#"[{"role":"user","parts":[
        {"type":"blob","modality":"audio","mime_type":"audio/wav","content":"UklGRg=="},
        {"type":"uri","modality":"image","mime_type":"image/png","uri":"https://x/y.png"},
        {"type":"uri","mime_type":"video/mp4","uri":"s3://b/v.mp4"},
        {"type":"uri","uri":"data:image/gif;base64,R0lGOD=="},
        {"type":"file","file_id":"file-123"},
        {"type":"file","mime_type":"application/pdf","file_id":"file-9"},
        {"type":"blob","content":"AAAA"}
    ]}]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(parts)])]));
    let p = &l.messages[0].parts;
    let kinds: Vec<&str> = p.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["audio", "image", "video", "image", "document", "document", "document"]);
    let m = |i: usize| p[i].media.as_ref().unwrap();
    assert_eq!((m(0).data.as_deref(), m(0).mime_type.as_str()), (Some("UklGRg=="), "audio/wav"));
    assert_eq!((m(1).url.as_deref(), m(1).mime_type.as_str()), (Some("https://x/y.png"), "image/png"));
    assert_eq!(m(2).url.as_deref(), Some("s3://b/v.mp4"));
    assert_eq!(
        (m(3).data.as_deref(), m(3).mime_type.as_str(), m(3).url.as_deref()),
        (Some("R0lGOD=="), "image/gif", None)
    );
    assert_eq!((m(4).storage_reference.as_deref(), m(4).mime_type.as_str()), (Some("file-123"), ""));
    assert_eq!(m(5).storage_reference.as_deref(), Some("file-9"));
    assert!(l.export.contains(r#""mime_type":"""#), "mime_type is written even when empty");
}

#[test]
fn unknown_part_types_are_skipped_with_a_warning() {
    let parts = r#"[{"role":"user","parts":[{"type":"text","content":"hi"},{"type":"hologram","x":1},{"content":"no type"}]}]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(parts)])]));
    assert_eq!(text(&l.messages[0]), "hi");
    assert!(l.warnings.iter().any(|w| w.contains("\"hologram\"")), "{:?}", l.warnings);
    assert!(l.warnings.iter().any(|w| w.contains("\"\"")), "{:?}", l.warnings);
}

// ---- tool calls and results -----------------------------------------------

#[test]
fn tool_call_arguments_and_synthesized_ids() {
    let msgs = r#"[
        {"role":"assistant","parts":[
            {"type":"text","content":"Let me check."},
            {"type":"tool_call","id":null,"name":"a","arguments":"{not json"},
            {"type":"tool_call","id":"real","name":"b","arguments":{"z":1,"a":[true,null,2.5,"\u00e9"]}},
            {"type":"tool_call","name":"c","arguments":"\"{\\\"x\\\":1}\""},
            {"type":"tool_call","id":"","name":"d"}
        ]},
        {"role":"tool","parts":[{"type":"tool_call_response","response":"ra"}]},
        {"role":"tool","parts":[{"type":"tool_call_response","id":"real","response":{"ok":true}}]},
        {"role":"tool","parts":[{"type":"tool_call_response","id":null,"response":[1,2]}]},
        {"role":"tool","parts":[{"type":"tool_call_response","response":"rd"}]},
        {"role":"tool","parts":[{"type":"tool_call_response","response":"orphan"}]}
    ]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(msgs)])]));
    let a = &l.messages[0];
    assert_eq!(a.content, "Let me check.");
    let ids: Vec<&str> = a.tool_calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["call_0", "real", "call_2", "call_3"]);
    let names: Vec<&str> = a.tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert_eq!(a.tool_calls[0].args, "{not json");
    assert_eq!(a.tool_calls[1].args, r#"{"z":1,"a":[true,null,2.5,"é"]}"#);
    assert_eq!(a.tool_calls[2].args, r#""{\"x\":1}""#);
    let results: Vec<(&str, &str, String)> = l.messages[1..]
        .iter()
        .map(|m| {
            let r = m.tool_result.as_ref().unwrap();
            (r.id.as_str(), r.name.as_str(), r.parts[0].text.clone().unwrap())
        })
        .collect();
    assert_eq!(
        results,
        [
            ("call_0", "a", "ra".to_string()),
            ("real", "b", r#"{"ok":true}"#.to_string()),
            ("call_2", "c", "[1,2]".to_string()),
            ("call_3", "d", "rd".to_string()),
            ("", "", "orphan".to_string()),
        ]
    );
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert!(l.warnings[0].contains("no id"), "{:?}", l.warnings);
}

#[test]
fn a_message_is_split_at_each_tool_result() {
    let outs = r#"[{"role":"assistant","parts":[
        {"type":"text","content":"Running."},
        {"type":"server_tool_call","id":"st1","name":"code_interpreter","server_tool_call":{"type":"code_interpreter","code":"1+1"}},
        {"type":"server_tool_call_response","id":"st1","server_tool_call_response":{"type":"code_interpreter","outputs":[{"logs":"2"}]}},
        {"type":"text","content":"It is 2."}
    ],"finish_reason":"stop"}]"#;
    let usage = [i_attr("gen_ai.usage.input_tokens", 10), i_attr("gen_ai.usage.output_tokens", 5)];
    let mut attrs = vec![input(&format!("[{}]", user("1+1?"))), output(outs)];
    attrs.extend(usage);
    let l = one(&doc(&[span(T, "s", 1_000_000_000, 3_000_000_000, &attrs)]));
    assert_eq!(roles(&l), ["user", "assistant", "tool", "assistant"]);
    let call = &l.messages[1].tool_calls[0];
    assert_eq!((call.id.as_str(), call.name.as_str()), ("st1", "code_interpreter"));
    assert_eq!(call.args, r#"{"type":"code_interpreter","code":"1+1"}"#);
    assert_eq!(l.messages[1].content, "Running.");
    let r = l.messages[2].tool_result.as_ref().unwrap();
    assert_eq!((r.id.as_str(), r.name.as_str()), ("st1", "code_interpreter"));
    assert_eq!(r.parts[0].text.as_deref(), Some(r#"{"type":"code_interpreter","outputs":[{"logs":"2"}]}"#));
    assert_eq!(text(&l.messages[3]), "It is 2.");
    // The call's outcome is on the last assistant piece; every piece has the end time.
    assert_eq!(l.messages[3].finish_reason, "stop");
    assert!(l.messages[3].cost_info.as_deref().unwrap().contains(r#""input_tokens":10"#));
    assert!(l.messages[1].cost_info.is_none() && l.messages[1].finish_reason.is_empty());
    for m in &l.messages[1..] {
        assert_eq!(m.timestamp.unix_seconds(), 3);
    }
    assert_eq!(l.messages[0].timestamp.unix_seconds(), 1);
}

#[test]
fn other_parts_of_a_tool_message_form_a_tool_message_of_their_own() {
    let msgs = r#"[
        {"role":"assistant","parts":[{"type":"tool_call","name":"lookup","arguments":{}}]},
        {"role":"tool","parts":[{"type":"text","content":"found it"}]},
        {"role":"tool","parts":[{"type":"text","content":"again"}]}
    ]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(msgs)])]));
    assert_eq!(roles(&l), ["assistant", "tool", "tool"]);
    let r = l.messages[1].tool_result.as_ref().unwrap();
    assert_eq!(
        (r.id.as_str(), r.name.as_str(), r.parts[0].text.as_deref()),
        ("call_0", "lookup", Some("found it"))
    );
    assert_eq!(l.messages[2].tool_result.as_ref().unwrap().id, "");
    assert!(l.warnings.iter().any(|w| w.contains("not tool results")), "{:?}", l.warnings);
    assert!(l.warnings.iter().any(|w| w.contains("no id")), "{:?}", l.warnings);
}

// ---- roles ----------------------------------------------------------------

#[test]
fn roles_are_copied_and_non_standard_ones_warned_about() {
    let msgs =
        r#"[{"role":"developer","parts":[{"type":"text","content":"d"}]},{"role":"Model","parts":[]}]"#;
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(msgs)])]));
    assert_eq!(roles(&l), ["developer", "Model"]);
    assert!(l.warnings.iter().any(|w| w.contains("\"developer\"")), "{:?}", l.warnings);
    assert!(l.warnings.iter().any(|w| w.contains("\"Model\"")), "{:?}", l.warnings);
}

#[test]
fn a_message_without_a_role_or_with_wrong_types_fails_its_trace() {
    let other = span("ab", "x", 1, 2, &[input(&format!("[{}]", user("fine")))]);
    let cases = [
        (r#"[{"parts":[]}]"#, ErrorKind::Shape),
        (r#"[{"role":7,"parts":[]}]"#, ErrorKind::Type),
        (r#"[{"role":"user","parts":"hi"}]"#, ErrorKind::Type),
        (r#"[{"role":"user","parts":[{"type":"text","content":5}]}]"#, ErrorKind::Type),
        (r#"[{"role":"user","parts":[7]}]"#, ErrorKind::Type),
        (r#"["user"]"#, ErrorKind::Type),
        (r#"[{"role":"user","parts":[{"type":"tool_call","id":{},"name":"x"}]}]"#, ErrorKind::Type),
    ];
    for (msgs, kind) in cases {
        let json = doc(&[span(T, "s", 1, 2, &[input(msgs)]), other.clone()]);
        let refs = load(json.as_bytes(), Parser::OtelGenai);
        assert_eq!(fragments(&refs), [Some(format!("trace={T}").as_str()), Some("trace=ab")], "{msgs}");
        let e = refs[0].err();
        assert_eq!(e.kind(), kind, "{msgs}: {e}");
        assert!(e.message().contains("gen_ai.input.messages[0]"), "{e}");
        assert!(e.position().is_some(), "{e}");
        assert_eq!(roles(refs[1].ok()), ["user"]);
    }
}

// ---- metadata -------------------------------------------------------------

#[test]
fn metadata_session_provider_model_times_usage() {
    let a = span(
        T,
        "s1",
        1_730_000_000_000_000_000,
        1_730_000_000_500_000_000,
        &[
            s_attr("gen_ai.system", "legacy"),
            s_attr("gen_ai.request.model", "req-model"),
            s_attr("gen_ai.conversation.id", ""),
            i_attr("gen_ai.usage.input_tokens", 52),
            any_attr("gen_ai.usage.output_tokens", r#"{"intValue":47}"#),
            i_attr("gen_ai.usage.cache_read.input_tokens", 12),
            input(&format!("[{}]", user("q1"))),
            output(&format!("[{}]", assistant("a1"))),
        ],
    );
    // Numbers instead of decimal strings for the times.
    let b = format!(
        r#"{{"traceId":"{T}","spanId":"s2","startTimeUnixNano":1730000001000000000,"endTimeUnixNano":1730000002250000000,"attributes":[{},{},{},{}]}}"#,
        s_attr("gen_ai.provider.name", "other"),
        s_attr("gen_ai.conversation.id", "conv-1"),
        input(&format!("[{},{},{}]", user("q1"), assistant("a1"), user("q2"))),
        output(&format!("[{}]", assistant("a2")))
    );
    let l = one(&doc(&[b, a]));
    assert_eq!(l.meta.session_id, "conv-1");
    assert_eq!(l.meta.provider_info.get("provider").and_then(|v| v.as_str()), Some("legacy"));
    assert_eq!(l.meta.provider_info.get("model").and_then(|v| v.as_str()), Some("req-model"));
    assert_eq!(l.meta.duration, std::time::Duration::from_millis(2250));
    let ts: Vec<String> = l.messages.iter().map(|m| m.timestamp.to_string()).collect();
    assert_eq!(
        ts,
        ["2024-10-27T03:33:20Z", "2024-10-27T03:33:20.5Z", "2024-10-27T03:33:21Z", "2024-10-27T03:33:22.25Z"]
    );
    assert_eq!(l.meta.timestamps.len(), 4);
    assert_eq!(
        l.messages[1].cost_info.as_deref(),
        Some(r#"{"input_tokens":52,"output_tokens":47,"cached_tokens":12}"#)
    );
    assert!(l.messages[3].cost_info.is_none());
    assert!(
        l.export.contains(r#""cost_info":{"input_tokens":52,"output_tokens":47,"cached_tokens":12"#),
        "{}",
        l.export
    );
    assert_eq!(l.messages[1].finish_reason, "stop");
    // Response model wins over the request model; no conversation id: the trace id.
    let c = span(
        "ABCDEF",
        "s",
        5,
        6,
        &[
            s_attr("gen_ai.request.model", "m-req"),
            s_attr("gen_ai.response.model", "m-resp"),
            input(&format!("[{}]", user("q"))),
        ],
    );
    let refs = load(doc(&[c]).as_bytes(), Parser::OtelGenai);
    assert_eq!(fragments(&refs), [Some("trace=abcdef")]);
    let l = refs[0].ok();
    assert_eq!(l.meta.session_id, "abcdef");
    assert_eq!(l.meta.provider_info.get("model").and_then(|v| v.as_str()), Some("m-resp"));
    assert!(!l.meta.provider_info.contains_key("provider"));
    assert_eq!(l.meta.duration, std::time::Duration::from_nanos(1));
}

#[test]
fn a_bad_time_fails_its_trace() {
    let s = r#"{"traceId":"aa","spanId":"s","startTimeUnixNano":"soon","attributes":[ATTR]}"#
        .replace("ATTR", &input("[]"));
    let refs = load(doc(&[s]).as_bytes(), Parser::OtelGenai);
    assert_eq!(refs[0].err().kind(), ErrorKind::Value);
}

// ---- where the content is -------------------------------------------------

#[test]
fn content_on_the_details_event_when_the_attributes_have_none() {
    let ev = |name: &str, text: &str| {
        format!(
            r#"{{"name":"{name}","timeUnixNano":"5","attributes":[{}]}}"#,
            input(&format!("[{}]", user(text)))
        )
    };
    let s = format!(
        r#"{{"traceId":"aa","spanId":"s","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{}],"events":[{},{},{}]}}"#,
        s_attr("gen_ai.conversation.id", "c-9"),
        ev("other", "not this"),
        ev("gen_ai.client.inference.operation.details", "this one"),
        ev("gen_ai.client.inference.operation.details", "not the second")
    );
    let l = one(&doc(&[s]));
    assert_eq!(l.messages.iter().map(text).collect::<Vec<_>>(), ["this one"]);
    assert_eq!(l.meta.session_id, "c-9");
    // Attributes with content win over the event.
    let s = format!(
        r#"{{"traceId":"aa","spanId":"s","attributes":[{}],"events":[{}]}}"#,
        input(&format!("[{}]", user("attrs"))),
        ev("gen_ai.client.inference.operation.details", "event")
    );
    assert_eq!(one(&doc(&[s])).messages.iter().map(text).collect::<Vec<_>>(), ["attrs"]);
}

#[test]
fn structured_any_values_decode_to_the_same_json() {
    let kv = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{v}}}"#);
    let sv = |s: &str| format!(r#"{{"stringValue":{}}}"#, q(s));
    let kvlist = |items: &[String]| format!(r#"{{"kvlistValue":{{"values":[{}]}}}}"#, items.join(","));
    let array = |items: &[String]| format!(r#"{{"arrayValue":{{"values":[{}]}}}}"#, items.join(","));
    let call = kvlist(&[
        kv("type", &sv("tool_call")),
        kv("id", &sv("c1")),
        kv("name", &sv("f")),
        kv(
            "arguments",
            &kvlist(&[
                kv("n", r#"{"intValue":"-12"}"#),
                kv("x", r#"{"doubleValue":2.5}"#),
                kv("b", r#"{"boolValue":false}"#),
                kv("l", &array(&[sv("a"), r#"{}"#.to_string()])),
                kv("bytes", r#"{"bytesValue":"AAE="}"#),
            ]),
        ),
    ]);
    let msg = kvlist(&[kv("role", &sv("assistant")), kv("parts", &array(&[call]))]);
    let l = one(&doc(&[span(T, "s", 1, 2, &[any_attr("gen_ai.output.messages", &array(&[msg]))])]));
    assert_eq!(
        l.messages[0].tool_calls[0].args,
        r#"{"n":-12,"x":2.5,"b":false,"l":["a",null],"bytes":"AAE="}"#
    );
}

#[test]
fn a_value_that_is_not_a_json_array_is_ignored_with_a_warning() {
    let l = one(&doc(&[span(
        T,
        "sp9",
        1,
        2,
        &[
            input("not json at all"),
            s_attr("gen_ai.system_instructions", r#"{"type":"text"}"#),
            output(&format!("[{}]", assistant("a"))),
        ],
    )]));
    assert_eq!(roles(&l), ["assistant"]);
    assert_eq!(l.warnings.len(), 2, "{:?}", l.warnings);
    assert!(l.warnings.iter().all(|w| w.contains("span sp9")), "{:?}", l.warnings);
    assert!(l.warnings.iter().any(|w| w.contains("gen_ai.input.messages")), "{:?}", l.warnings);
    assert!(l.warnings.iter().any(|w| w.contains("gen_ai.system_instructions")), "{:?}", l.warnings);
}

// ---- files, lines and errors ----------------------------------------------

#[test]
fn json_lines_merge_a_trace_over_lines_in_order_of_first_appearance() {
    let l1 = doc(&[
        span("bb", "b1", 10, 20, &[input(&format!("[{}]", user("b")))]),
        span("aa", "a2", 30, 40, &[input(&format!("[{},{}]", user("a1"), user("a2")))]),
    ]);
    let bad = r#"{"resourceSpans": [}"#;
    let not_obj = "[1, 2]";
    let l4 =
        doc(&[span("aa", "a1", 1, 2, &[input(&format!("[{}]", user("a1")))]), span("cc", "c", 1, 2, &[])]);
    let l5 = doc(&[span("dd", "d", 1, 2, &[input(&format!("[{}]", user("d")))])]);
    let file = format!("{l1}\n\n{bad}\n{not_obj}\n{l4}\n{l5}\n");
    let refs = load(file.as_bytes(), Parser::Session);
    // Line 2 is blank; trace cc has no GenAI content.
    assert_eq!(
        fragments(&refs),
        [Some("trace=bb"), Some("trace=aa"), Some("L3"), Some("L4"), Some("trace=dd")]
    );
    assert!(refs.iter().all(|r| r.format == Some(Format::OtelGenai)));
    let a = refs[1].ok();
    assert_eq!(a.messages.iter().map(text).collect::<Vec<_>>(), ["a1", "a2"]);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    let e3 = refs[2].err();
    assert_eq!(e3.kind(), ErrorKind::Syntax);
    assert_eq!(e3.position().map(|p| p.line), Some(3), "{e3}");
    let e4 = refs[3].err();
    assert_eq!(e4.kind(), ErrorKind::Type, "{e4}");
    assert_eq!(e4.position().map(|p| p.line), Some(4), "{e4}");
}

#[test]
fn an_error_in_a_span_of_a_line_is_positioned_in_the_file() {
    let good = doc(&[span("aa", "a", 1, 2, &[input(&format!("[{}]", user("x")))])]);
    let bad = doc(&[span("bb", "b", 1, 2, &[input(r#"[{"role":1}]"#)])]);
    let refs = load(format!("{good}\n{bad}\n").as_bytes(), Parser::Session);
    assert_eq!(fragments(&refs), [Some("trace=aa"), Some("trace=bb")]);
    let e = refs[1].err();
    assert_eq!((e.kind(), e.position().map(|p| p.line)), (ErrorKind::Type, Some(2)), "{e}");
}

#[test]
fn no_genai_content_is_one_empty_reference_with_a_warning() {
    let plain = doc(&[span("aa", "a", 1, 2, &[s_attr("http.method", "GET")])]);
    for (bytes, parser) in [
        (plain.clone(), Parser::OtelGenai),
        (format!("{plain}\n{plain}\n"), Parser::Session),
        (r#"{"resourceSpans":[]}"#.to_string(), Parser::OtelGenai),
    ] {
        let refs = load(bytes.as_bytes(), parser);
        assert_eq!(fragments(&refs), [None], "{bytes}");
        let l = refs[0].ok();
        assert!(l.messages.is_empty());
        assert_eq!(l.warnings.len(), 1);
        assert!(l.warnings[0].contains("no GenAI content"), "{:?}", l.warnings);
    }
}

#[test]
fn a_document_with_a_broken_structure_fails_as_a_whole() {
    for bad in [
        "[]",
        r#""text""#,
        r#"{"resourceSpans":{}}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"x"}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[3]}]}]}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"aa""#,
    ] {
        let refs = load(bad.as_bytes(), Parser::OtelGenai);
        assert_eq!(fragments(&refs), [None], "{bad}");
        let _ = refs[0].err();
    }
}

#[test]
fn deep_values_fail_with_a_limit_error() {
    let n = MAX_NESTING + 10;
    let deep_text = format!("[{}{}]", "[".repeat(n), "]".repeat(n));
    let mut deep_any = String::from(r#"{"stringValue":"x"}"#);
    for _ in 0..n {
        deep_any = format!(r#"{{"arrayValue":{{"values":[{deep_any}]}}}}"#);
    }
    for attr in [input(&deep_text), any_attr("gen_ai.input.messages", &deep_any)] {
        let json = doc(&[span(T, "s", 1, 2, &[attr]), span("ab", "x", 1, 2, &[input("[]"), output("[]")])]);
        let refs = load(json.as_bytes(), Parser::OtelGenai);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].err().kind(), ErrorKind::Limit);
        let _ = refs[1].ok();
    }
    // Deep but within the bound: loads.
    let ok = format!(
        "[{{\"role\":\"user\",\"parts\":[{{\"type\":\"tool_call\",\"name\":\"f\",\"arguments\":{}1{}}}]}}]",
        "[".repeat(MAX_NESTING - 5),
        "]".repeat(MAX_NESTING - 5)
    );
    let l = one(&doc(&[span(T, "s", 1, 2, &[input(&ok)])]));
    assert_eq!(l.messages[0].tool_calls[0].args.len(), 2 * (MAX_NESTING - 5) + 1);
}

#[test]
fn hostile_input_never_panics() {
    let call = r#"[{"role":"assistant","parts":[{"type":"tool_call","name":"f","arguments":{"a":[1,{"b":null}]}},{"type":"tool_call_response","response":{"x":"\u00e9"}}]}]"#;
    let json = doc(&[
        span(T, "s1", 1, 2, &[input(&format!("[{}]", user("q"))), output(call)]),
        span(
            T,
            "s2",
            3,
            4,
            &[any_attr(
                "gen_ai.input.messages",
                r#"{"arrayValue":{"values":[{"kvlistValue":{"values":[{"key":"role","value":{"intValue":"1"}}]}}]}}"#,
            )],
        ),
    ]);
    let bytes = json.as_bytes();
    for end in 0..bytes.len() {
        let _ = load(&bytes[..end], Parser::OtelGenai);
    }
    // Every value replaced by the wrong type, one at a time.
    for (i, _) in json.match_indices(':') {
        for junk in ["1", "null", "[]", "{}", "\"s\""] {
            let mutated = format!("{}:{junk},\"zz\":{}", &json[..i], &json[i + 1..]);
            let _ = load(mutated.as_bytes(), Parser::OtelGenai);
            let two = format!("{mutated}\n{json}\n");
            let _ = load(two.as_bytes(), Parser::Session);
        }
    }
}

// ---- the public examples --------------------------------------------------

#[test]
fn example_semconv_document() {
    let Some(dir) = examples() else { return };
    let refs = load_file(&dir.join("synthetic-semconv-examples.json"), Parser::OtelGenai);
    check_semconv(&refs);
}

/// What the semantic conventions' examples give (read from the file).
fn check_semconv(refs: &[Ref]) {
    assert_eq!(
        fragments(refs),
        [
            Some("trace=4bf92f3577b34da6a3ce929d0e0e4736"),
            Some("trace=a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"),
            Some("trace=c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"),
            Some("trace=d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"),
            Some("trace=e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"),
            Some("trace=f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"),
            Some("trace=0a0b0c0d0e0f00010203040506070809"),
        ]
    );
    // Simple chat.
    let chat = refs[0].ok();
    assert_eq!(roles(chat), ["system", "user", "assistant"]);
    assert_eq!(chat.meta.provider_info.get("model").and_then(|v| v.as_str()), Some("gpt-4-0613"));
    assert_eq!(chat.meta.provider_info.get("provider").and_then(|v| v.as_str()), Some("openai"));
    assert_eq!(chat.messages[2].cost_info.as_deref().map(|c| c.contains(r#""input_tokens":52"#)), Some(true));
    // The tool-call flow: the agent and execute_tool spans carry no content.
    let flow = refs[1].ok();
    assert_eq!(roles(flow), ["user", "assistant", "tool", "assistant"]);
    assert_eq!(flow.messages[1].tool_calls[0].name, "get_weather");
    assert_eq!(flow.messages[1].tool_calls[0].args, r#"{"location":"Paris"}"#);
    let r = flow.messages[2].tool_result.as_ref().unwrap();
    assert_eq!(r.id, "call_VSPygqKTWdrhaFErNvMV18Yl");
    assert_eq!(r.parts[0].text.as_deref(), Some("rainy, 57°F"));
    assert_eq!(
        text(&flow.messages[3]),
        "The weather in Paris is currently rainy with a temperature of 57°F."
    );
    assert_eq!(flow.meta.session_id, "a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8");
    assert!(flow.warnings.is_empty(), "{:?}", flow.warnings);
    // System instructions, then the input's own system message.
    let sys = refs[2].ok();
    assert_eq!(roles(sys), ["system", "system", "user", "assistant"]);
    assert_eq!(text(&sys.messages[0]), "You must never tell jokes");
    // Reasoning.
    let reasoning = refs[3].ok();
    let a = &reasoning.messages[2];
    assert!(a.reasoning.as_deref().unwrap().contains("maybe a pun on \\\"trace\\\""), "{:?}", a.reasoning);
    assert!(!text(a).contains("Alright"));
    // Multimodal.
    let mm = refs[4].ok();
    let kinds: Vec<&str> = mm.messages[0].parts.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "image", "video", "document", "image", "image", "audio"]);
    assert_eq!(
        mm.messages[0].parts[2].media.as_ref().unwrap().url.as_deref(),
        Some("gs://my-bucket/my-video.mp4")
    );
    assert_eq!(
        mm.messages[0].parts[3].media.as_ref().unwrap().storage_reference.as_deref(),
        Some("provider_fileid_123")
    );
    assert_eq!(mm.messages[1].parts[0].media.as_ref().unwrap().mime_type, "image/jpg");
    // The server tool call split in three.
    let server = refs[5].ok();
    assert_eq!(roles(server), ["system", "user", "assistant", "tool", "assistant"]);
    assert_eq!(server.messages[2].tool_calls[0].name, "code_interpreter");
    assert_eq!(server.messages[3].tool_result.as_ref().unwrap().id, "call_VSPygqKTWdrhaFErNvMV18Yl");
    assert!(text(&server.messages[4]).starts_with("The generated random number is **89**"));
    // Two choices: the first is kept.
    let choices = refs[6].ok();
    assert_eq!(roles(choices), ["system", "user", "assistant"]);
    assert!(text(&choices.messages[2]).contains("trace the fun"));
    assert_eq!(choices.warnings.len(), 1, "{:?}", choices.warnings);
}

#[test]
fn example_collector_export() {
    let Some(dir) = examples() else { return };
    let refs = load_file(&dir.join("synthetic-collector-export.jsonl"), Parser::Session);
    assert_eq!(
        fragments(&refs),
        [
            Some("trace=5b8efff798038103d269b633813fc60c"),
            Some("trace=0af7651916cd43dd8448eb211c80319c"),
            Some("trace=ab000000000000000000000000000001"),
            Some("trace=ab000000000000000000000000000002"),
        ]
    );
    // Spread over both lines, out of order in the file.
    let conv = refs[0].ok();
    assert_eq!(roles(conv), ["user", "assistant", "user", "assistant", "tool", "assistant"]);
    assert_eq!(conv.meta.session_id, "conv_5j66UpCpwteGg4YSxUnt7lPY");
    assert_eq!(conv.messages[3].tool_calls[0].name, "calculator");
    assert_eq!(conv.messages[3].tool_calls[0].args, r#"{"expr":"2+2"}"#);
    let r = conv.messages[4].tool_result.as_ref().unwrap();
    assert_eq!((r.id.as_str(), r.parts[0].text.as_deref()), ("call_calc", Some(r#"{"value":4}"#)));
    assert_eq!(text(&conv.messages[5]), "2+2 = 4.");
    assert!(conv.warnings.is_empty(), "{:?}", conv.warnings);
    // The second span restarts the conversation.
    let restart = refs[1].ok();
    assert_eq!(restart.messages.iter().map(text).collect::<Vec<_>>(), ["A", "q1", "a1", "B", "q2", "a2"]);
    assert_eq!(restart.warnings.len(), 1);
    assert!(restart.warnings[0].contains("00000000000000a2"), "{:?}", restart.warnings);
    assert_eq!(restart.meta.session_id, "0af7651916cd43dd8448eb211c80319c");
    // Calls and results without ids.
    let clock = refs[2].ok();
    assert_eq!(roles(clock), ["user", "assistant", "tool", "assistant"]);
    assert_eq!(clock.messages[1].tool_calls[0].id, "call_0");
    assert_eq!(clock.messages[2].tool_result.as_ref().unwrap().id, "call_0");
    assert_eq!(clock.messages[2].tool_result.as_ref().unwrap().name, "clock");
    // Content on the span event.
    let ev = refs[3].ok();
    assert_eq!(roles(ev), ["system", "user", "assistant"]);
    assert_eq!(ev.messages[2].cost_info.as_deref().map(|c| c.contains(r#""output_tokens":47"#)), Some(true));
}

#[test]
fn example_without_genai_spans() {
    let Some(dir) = examples() else { return };
    let refs = load_file(&dir.join("synthetic-no-genai-spans.json"), Parser::OtelGenai);
    assert_eq!(fragments(&refs), [None]);
    let l = refs[0].ok();
    assert!(l.messages.is_empty());
    assert_eq!(l.warnings.len(), 1);
}

/// The same examples read without a hint, as the registry reads `*.json`.
#[test]
fn examples_are_recognised_without_a_hint() {
    let Some(dir) = examples() else { return };
    check_semconv(&load_file(&dir.join("synthetic-semconv-examples.json"), Parser::Auto));
    let refs = load_file(&dir.join("synthetic-no-genai-spans.json"), Parser::Auto);
    assert_eq!(fragments(&refs), [None]);
    assert_eq!(refs[0].format, Some(Format::OtelGenai));
    assert_eq!(refs[0].ok().warnings.len(), 1);
}

/// The README's demo corpus loads without an error.
#[test]
fn sample_corpus_loads() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/sample/otel"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let parser =
            if path.extension().is_some_and(|e| e == "jsonl") { Parser::Session } else { Parser::OtelGenai };
        for r in load_file(&path, parser) {
            let l = r.ok();
            assert!(!l.messages.is_empty(), "{}: {:?}", path.display(), r.fragment);
            assert!(l.warnings.is_empty(), "{}: {:?}", path.display(), l.warnings);
            n += 1;
        }
    }
    assert_eq!(n, 3, "traces in the sample corpus");
}
