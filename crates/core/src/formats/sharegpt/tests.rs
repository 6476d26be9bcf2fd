//! ShareGPT: every rule of FORMATS-MORE.md section 4 on small fixtures,
//! hostile input, and the public example files.

use std::path::Path;

use crate::owned::{Message, Metadata};
use crate::{ErrorKind, Format, Loader, Parser};

/// One reference: its fragment and what loading it gave.
struct Loaded {
    fragment: Option<String>,
    result: Result<Rec, crate::Error>,
}

/// A loaded recording, owned.
#[derive(Debug)]
struct Rec {
    messages: Vec<Message>,
    metadata: Metadata,
    warnings: Vec<String>,
    format: Format,
    /// The messages in PromptKit JSON, as `export` writes them.
    export: String,
}

fn collect(
    loader: &mut Loader,
    run: impl FnOnce(&mut Loader, &mut dyn FnMut(crate::Piece<'_>, crate::Result<crate::Recording<'_>>)),
) -> Vec<Loaded> {
    let mut out = Vec::new();
    run(loader, &mut |piece, r| {
        let result = r.map(|r| {
            let (messages, metadata) = crate::to_owned(&r);
            let mut export = String::new();
            crate::promptkit::write_messages(&mut export, r.messages);
            Rec {
                messages,
                metadata,
                warnings: r.warnings.iter().map(|w| w.to_string()).collect(),
                format: r.format,
                export,
            }
        });
        out.push(Loaded { fragment: piece.fragment.map(str::to_owned), result });
    });
    out
}

fn load(bytes: &[u8], parser: Parser) -> Vec<Loaded> {
    let mut loader = Loader::new();
    collect(&mut loader, |l, each| l.load_bytes_each(bytes, parser, each))
}

fn load_file(path: &Path, parser: Parser) -> Vec<Loaded> {
    let mut loader = Loader::new();
    collect(&mut loader, |l, each| l.load_file_each(path, parser, each))
}

/// The only recording of `json` (one object), read with the hint. It is
/// given as the only element of an array, the container every format
/// path hands element by element to the decoder.
fn one(json: &str) -> Rec {
    let mut all = load(format!("[{json}]").as_bytes(), Parser::ShareGpt);
    assert_eq!(all.len(), 1);
    match all.remove(0).result {
        Ok(r) => r,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn one_err(json: &str) -> crate::Error {
    let mut all = load(format!("[{json}]").as_bytes(), Parser::ShareGpt);
    assert_eq!(all.len(), 1);
    match all.remove(0).result {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

fn roles(r: &Rec) -> Vec<&str> {
    r.messages.iter().map(|m| m.role.as_str()).collect()
}

fn call_names(m: &Message) -> Vec<&str> {
    m.tool_calls.iter().map(|c| c.name.as_str()).collect()
}

fn result_id(m: &Message) -> &str {
    m.tool_result.as_ref().map_or("<none>", |r| r.id.as_str())
}

fn result_text(m: &Message) -> String {
    let r = m.tool_result.as_ref().expect("a tool result");
    r.parts.iter().filter_map(|p| p.text.clone()).collect()
}

#[test]
fn every_speaker_of_the_table() {
    let r = one(r#"{"conversations": [
        {"from": "system", "value": "s"},
        {"from": "human", "value": "h"}, {"from": "user", "value": "u"},
        {"from": "gpt", "value": "g"}, {"from": "assistant", "value": "a"},
        {"from": "chatgpt", "value": "c"}, {"from": "bard", "value": "b"},
        {"from": "bing", "value": "bi"}, {"from": "model", "value": "m"},
        {"from": "function_call", "value": "{\"name\": \"f\", \"arguments\": {}}"},
        {"from": "observation", "value": "o"},
        {"from": "function_call", "value": "{\"name\": \"g\", \"arguments\": {}}"},
        {"from": "tool", "value": "t"},
        {"from": "function_call", "value": "{\"name\": \"h\", \"arguments\": {}}"},
        {"from": "function_response", "value": "fr"}]}"#);
    assert_eq!(r.format, Format::ShareGpt);
    assert_eq!(
        roles(&r),
        [
            "system",
            "user",
            "user",
            "assistant",
            "assistant",
            "assistant",
            "assistant",
            "assistant",
            "assistant",
            "assistant",
            "tool",
            "assistant",
            "tool",
            "assistant",
            "tool"
        ]
    );
    let texts: Vec<&str> = r.messages[..9].iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["s", "h", "u", "g", "a", "c", "b", "bi", "m"]);
    assert_eq!(result_id(&r.messages[10]), "call_0");
    assert_eq!(result_id(&r.messages[12]), "call_1");
    assert_eq!(result_id(&r.messages[14]), "call_2");
    assert_eq!(r.messages[14].tool_result.as_ref().map(|t| t.name.as_str()), Some("h"));
    assert_eq!(result_text(&r.messages[14]), "fr");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn the_spec_example_search_recipes() {
    let r = one(r#"{"conversations": [
        {"from": "human", "value": "I have chicken."},
        {"from": "function_call", "value": "{\"name\": \"search_recipes\", \"arguments\": {\"ingredients\": [\"chicken\"]}}"},
        {"from": "observation", "value": "{\"recipes\": [\"stir fry\"]}"},
        {"from": "gpt", "value": "Try a stir fry."}]}"#);
    assert_eq!(roles(&r), ["user", "assistant", "tool", "assistant"]);
    let call = &r.messages[1];
    assert_eq!(call.content, "");
    assert!(call.parts.is_empty());
    assert_eq!(call_names(call), ["search_recipes"]);
    assert_eq!(call.tool_calls[0].id, "call_0");
    assert_eq!(call.tool_calls[0].args, r#"{"ingredients":["chicken"]}"#);
    let tool = &r.messages[2];
    assert_eq!(result_id(tool), "call_0");
    assert_eq!(tool.tool_result.as_ref().map(|t| t.name.as_str()), Some("search_recipes"));
    assert_eq!(result_text(tool), r#"{"recipes": ["stir fry"]}"#);
    assert_eq!(r.messages[3].content, "Try a stir fry.");
    // Export: the tool message has a tool_result and no content.
    assert!(r.export.contains(r#""tool_result":{"id":"call_0""#), "{}", r.export);
    assert!(r.export.contains(r#""name":"search_recipes""#), "{}", r.export);
}

#[test]
fn role_and_content_tags_are_accepted() {
    let r =
        one(r#"{"conversations": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
        {"role": "function_call", "content": "{\"name\": \"x\", \"arguments\": \"{}\"}"},
        {"role": "tool", "content": "done"}]}"#);
    assert_eq!(roles(&r), ["user", "assistant", "assistant", "tool"]);
    assert_eq!(r.messages[0].content, "hi");
    assert_eq!(call_names(&r.messages[2]), ["x"]);
    assert_eq!(result_id(&r.messages[3]), "call_0");
    // `from`/`value` win when both tags are present.
    let r = one(r#"{"conversations": [{"from": "gpt", "role": "user", "value": "v", "content": "c"}]}"#);
    assert_eq!((r.messages[0].role.as_str(), r.messages[0].content.as_str()), ("assistant", "v"));
}

#[test]
fn keys_are_case_sensitive() {
    let e = one_err(r#"{"Conversations": []}"#);
    assert_eq!(e.kind(), ErrorKind::Shape);
    let e = one_err(r#"{"conversations": [{"From": "human", "value": "x"}]}"#);
    assert_eq!(e.kind(), ErrorKind::Shape);
    let e = one_err(r#"{"conversations": [{"from": "Human", "value": "x"}]}"#);
    assert_eq!(e.kind(), ErrorKind::Value);
}

#[test]
fn unknown_speaker_is_a_value_error_naming_it_and_its_index() {
    let e = one_err(
        r#"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "narrator", "value": "x"}]}"#,
    );
    assert_eq!(e.kind(), ErrorKind::Value);
    assert!(e.message().contains("\"narrator\""), "{}", e.message());
    assert!(e.message().contains("conversations[1]"), "{}", e.message());
    assert!(e.offset().is_some());
}

#[test]
fn value_text_rules() {
    // Null or absent value is empty text; whitespace is kept.
    let r = one(
        r#"{"conversations": [{"from": "human", "value": null}, {"from": "gpt"}, {"from": "human", "value": "  x \n"}]}"#,
    );
    assert_eq!(r.messages[0].content, "");
    assert_eq!(r.messages[1].content, "");
    assert_eq!(r.messages[2].content, "  x \n");
    assert!(r.messages.iter().all(|m| m.parts.is_empty()));
    // Escapes and non-ASCII text.
    let r = one(r#"{"conversations": [{"from": "human", "value": "caf\u00e9 \"q\" \\ 日本"}]}"#);
    assert_eq!(r.messages[0].content, "café \"q\" \\ 日本");
    // A value that is not a string is a type error.
    for bad in [r#"1"#, r#"["a"]"#, r#"{"a": 1}"#, "true"] {
        let e = one_err(&format!(r#"{{"conversations": [{{"from": "human", "value": {bad}}}]}}"#));
        assert_eq!(e.kind(), ErrorKind::Type, "{bad}");
    }
    let e = one_err(r#"{"conversations": [{"from": 3, "value": "x"}]}"#);
    assert_eq!(e.kind(), ErrorKind::Type);
}

#[test]
fn system_key_becomes_the_first_message() {
    let r = one(r#"{"system": "Be brief.", "conversations": [{"from": "human", "value": "Hi"}]}"#);
    assert_eq!(roles(&r), ["system", "user"]);
    assert_eq!(r.messages[0].content, "Be brief.");
    // The key order does not matter; an empty system adds nothing.
    let r = one(r#"{"conversations": [{"from": "human", "value": "Hi"}], "system": "S"}"#);
    assert_eq!(roles(&r), ["system", "user"]);
    let r = one(r#"{"system": "", "conversations": [{"from": "human", "value": "Hi"}]}"#);
    assert_eq!(roles(&r), ["user"]);
    assert!(r.metadata.extras.is_empty());
    let r = one(r#"{"system": null, "conversations": []}"#);
    assert!(r.messages.is_empty());
    assert_eq!(one_err(r#"{"system": 1, "conversations": []}"#).kind(), ErrorKind::Type);
}

#[test]
fn parallel_calls_and_argument_forms() {
    let r = one(r#"{"conversations": [{"from": "human", "value": "Convert."},
        {"from": "function_call", "value": "[{\"name\": \"convert\", \"arguments\": {\"amount\": 10, \"to\": \"EUR\", \"note\": \"é\\n\"}}, {\"name\": \"convert\", \"arguments\": \"{\\\"amount\\\": 10}\"}, {\"name\": \"lookup\", \"arguments\": [1, 2.5]}]"},
        {"from": "observation", "value": "a"}, {"from": "observation", "value": "b"},
        {"from": "observation", "value": "c"}, {"from": "observation", "value": "d"},
        {"from": "gpt", "value": "ok"}]}"#);
    let calls = &r.messages[1].tool_calls;
    assert_eq!(call_names(&r.messages[1]), ["convert", "convert", "lookup"]);
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["call_0", "call_1", "call_2"]);
    // Object arguments as compact JSON (non-ASCII as is, only required escapes).
    assert_eq!(calls[0].args, "{\"amount\":10,\"to\":\"EUR\",\"note\":\"é\\n\"}");
    // String arguments exactly as given.
    assert_eq!(calls[1].args, r#"{"amount": 10}"#);
    assert_eq!(calls[2].args, "[1,2.5]");
    // Results pair first in, first out; the fourth has no call left.
    let got: Vec<&str> = r.messages[2..6].iter().map(result_id).collect();
    assert_eq!(got, ["call_0", "call_1", "call_2", ""]);
    assert_eq!(r.messages[3].tool_result.as_ref().map(|t| t.name.as_str()), Some("convert"));
    assert_eq!(r.messages[5].tool_result.as_ref().map(|t| t.name.as_str()), Some(""));
    assert_eq!(result_text(&r.messages[5]), "d");
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("conversations[5]"), "{:?}", r.warnings);
}

#[test]
fn ids_count_every_call_of_the_recording() {
    let r = one(r#"{"conversations": [
        {"from": "function_call", "value": "{\"name\": \"a\", \"arguments\": {}}"},
        {"from": "function_call", "value": "[{\"name\": \"b\", \"arguments\": {}}, {\"name\": \"c\", \"arguments\": {}}]"},
        {"from": "observation", "value": "1"}, {"from": "observation", "value": "2"},
        {"from": "function_call", "value": "{\"name\": \"d\", \"arguments\": {}}"},
        {"from": "observation", "value": "3"}, {"from": "observation", "value": "4"}]}"#);
    assert_eq!(r.messages[1].tool_calls[1].id, "call_2");
    assert_eq!(r.messages[4].tool_calls[0].id, "call_3");
    let got: Vec<&str> = [2, 3, 5, 6].iter().map(|&k| result_id(&r.messages[k])).collect();
    assert_eq!(got, ["call_0", "call_1", "call_2", "call_3"]);
    assert!(r.warnings.is_empty());
}

#[test]
fn orphan_observation_is_a_warning_not_an_error() {
    let r = one(
        r#"{"conversations": [{"from": "human", "value": "Discount?"}, {"from": "gpt", "value": "Computing."},
        {"from": "observation", "value": "{\"discounted_price\": 160}"}, {"from": "gpt", "value": "160."}]}"#,
    );
    assert_eq!(roles(&r), ["user", "assistant", "tool", "assistant"]);
    assert_eq!(result_id(&r.messages[2]), "");
    assert_eq!(result_text(&r.messages[2]), r#"{"discounted_price": 160}"#);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.export.contains(r#""tool_result":{"id":"""#), "{}", r.export);
}

#[test]
fn function_call_that_is_not_calls_is_a_value_error() {
    for bad in [
        "get_weather(city=Paris)",
        "",
        "{\\\"name\\\": \\\"x\\\"",
        "\\\"text\\\"",
        "42",
        "[1]",
        "{\\\"arguments\\\": {}}",
        "{\\\"name\\\": 5, \\\"arguments\\\": {}}",
        "{\\\"name\\\": \\\"x\\\"}",
        "{\\\"name\\\": \\\"x\\\", \\\"arguments\\\": null}",
        "[{\\\"name\\\": \\\"x\\\", \\\"arguments\\\": {}}, 3]",
    ] {
        let e = one_err(&format!(
            r#"{{"conversations": [{{"from": "human", "value": "q"}}, {{"from": "function_call", "value": "{bad}"}}]}}"#
        ));
        assert_eq!(e.kind(), ErrorKind::Value, "{bad}: {e}");
        assert!(e.message().contains("conversations[1]"), "{}", e.message());
        assert!(e.offset().is_some());
    }
    let e = one_err(r#"{"conversations": [{"from": "function_call", "value": null}]}"#);
    assert_eq!(e.kind(), ErrorKind::Value);
    // An empty array is an array of calls: an assistant message with none.
    let r = one(r#"{"conversations": [{"from": "function_call", "value": " [ ] "}]}"#);
    assert_eq!(roles(&r), ["assistant"]);
    assert!(r.messages[0].tool_calls.is_empty());
}

#[test]
fn metadata_session_id_extras_and_weight() {
    let r = one(r#"{"id": "conv-1", "tools": "[{\"name\": \"f\"}]", "source": {"name": "x", "n": [1, "é"]},
        "lang": "fr", "conversations": [{"from": "human", "value": "a", "weight": 0.0},
        {"from": "gpt", "value": "b", "weight": 1, "mask": true}, {"from": "human", "value": "c"}]}"#);
    assert_eq!(r.metadata.session_id, "conv-1");
    let extras: Vec<(&str, String)> =
        r.metadata.extras.iter().map(|(k, v)| (k.as_str(), v.to_string())).collect();
    assert_eq!(
        extras,
        [
            ("lang", "\"fr\"".to_owned()),
            ("source", r#"{"n":[1,"é"],"name":"x"}"#.to_owned()),
            ("tools", r#""[{\"name\": \"f\"}]""#.to_owned())
        ]
    );
    assert_eq!(r.metadata.extras.get("tools").and_then(|v| v.as_str()), Some(r#"[{"name": "f"}]"#));
    assert_eq!(r.messages[0].meta.as_deref(), Some(r#"{"weight":0}"#));
    assert_eq!(r.messages[1].meta.as_deref(), Some(r#"{"weight":1,"mask":true}"#));
    assert_eq!(r.messages[2].meta, None);
    assert!(r.metadata.provider_info.is_empty());
    assert!(r.messages.iter().all(|m| m.timestamp == crate::Timestamp::ZERO));
    // Integer ids are written in decimal; other ids give no session id (and no extra).
    assert_eq!(one(r#"{"id": 17, "conversations": []}"#).metadata.session_id, "17");
    assert_eq!(one(r#"{"id": -3, "conversations": []}"#).metadata.session_id, "-3");
    for id in ["1.5", "null", "true", "[1]", "{}"] {
        let r = one(&format!(r#"{{"id": {id}, "conversations": []}}"#));
        assert_eq!(r.metadata.session_id, "", "{id}");
        assert!(r.metadata.extras.is_empty(), "{id}");
    }
}

#[test]
fn shape_and_type_errors() {
    assert_eq!(one_err(r#"{"id": "broken", "dialog": []}"#).kind(), ErrorKind::Shape);
    assert_eq!(one_err(r#"{"conversations": null}"#).kind(), ErrorKind::Type);
    assert_eq!(one_err(r#"{"conversations": "hi"}"#).kind(), ErrorKind::Type);
    assert_eq!(one_err(r#"{"conversations": ["hi"]}"#).kind(), ErrorKind::Type);
    assert_eq!(one_err(r#"{"conversations": [{"value": "x"}]}"#).kind(), ErrorKind::Shape);
    // An empty conversation loads with no message and no warning.
    let r = one(r#"{"conversations": []}"#);
    assert!(r.messages.is_empty() && r.warnings.is_empty());
}

#[test]
fn non_object_recordings_are_type_errors() {
    let all = load(b"{\"conversations\": []}\n[1]\n\"x\"\n", Parser::ShareGpt);
    assert_eq!(all.len(), 3);
    assert!(all[0].result.is_ok());
    for l in &all[1..] {
        assert_eq!(l.result.as_ref().err().map(|e| e.kind()), Some(ErrorKind::Type));
    }
    let all = load(br#"[{"conversations": []}, 3, null]"#, Parser::ShareGpt);
    let kinds: Vec<Option<ErrorKind>> =
        all.iter().map(|l| l.result.as_ref().err().map(|e| e.kind())).collect();
    assert_eq!(kinds, [None, Some(ErrorKind::Type), Some(ErrorKind::Type)]);
    assert_eq!(all[2].fragment.as_deref(), Some("item=2"));
}

#[test]
fn containers_and_fragments() {
    // JSON Lines, recognised without a hint; blank lines count.
    let text = b"{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]}\n\n{\"conversations\": [{\"from\": \"x\", \"value\": \"b\"}]}\n{\"conversations\": []}\n";
    let all = load(text, Parser::Session);
    let frags: Vec<Option<&str>> = all.iter().map(|l| l.fragment.as_deref()).collect();
    assert_eq!(frags, [Some("L1"), Some("L3"), Some("L4")]);
    assert!(all[0].result.as_ref().is_ok_and(|r| r.format == Format::ShareGpt));
    assert_eq!(all[1].result.as_ref().err().map(|e| e.kind()), Some(ErrorKind::Value));
    assert!(all[2].result.is_ok());
    // An array, without a hint.
    let all = load(
        br#"[{"conversations": [{"from": "human", "value": "a"}]}, {"conversations": []}]"#,
        Parser::Auto,
    );
    let frags: Vec<Option<&str>> = all.iter().map(|l| l.fragment.as_deref()).collect();
    assert_eq!(frags, [Some("item=0"), Some("item=1")]);
}

// Needs `formats::mod` to tell an object root from an array without an
// error (`cx.arr(root, ..)?` fails on an object): un-ignore once fixed.
#[test]
fn a_single_object_is_one_recording_without_fragment() {
    for parser in [Parser::Auto, Parser::ShareGpt] {
        let all = load(br#"{"id": 4, "conversations": [{"from": "human", "value": "a"}]}"#, parser);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].fragment, None);
        let got = all[0].result.as_ref().map(|r| r.metadata.session_id.as_str()).map_err(|e| e.to_string());
        assert_eq!(got, Ok("4"));
    }
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let deep_value = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_obj = format!(r#"{{"name": "x", "arguments": {}1{}}}"#, "[".repeat(3000), "]".repeat(3000));
    let cases: Vec<String> = vec![
        r#"{"conversations": [{"from": "human", "value": "x"}"#.to_owned(),
        r#"{"conversations": [{"from": "function_call", "value": "{\"name\": \"x\", \"arguments\": {\"a\": \"\ud800\"}}"}]}"#.to_owned(),
        format!(r#"{{"conversations": [{{"from": "function_call", "value": {:?}}}]}}"#, deep_value),
        format!(r#"{{"conversations": [{{"from": "function_call", "value": {:?}}}]}}"#, deep_obj),
        format!(r#"{{"conversations": [{{"from": "function_call", "value": "{}"}}]}}"#, "{".repeat(10_000)),
        format!(r#"{{"conversations": [{{"from": "function_call", "value": "{}"}}]}}"#, "\\\"".repeat(10_000)),
        "[".repeat(20_000),
        String::new(),
        "\u{feff}".to_owned(),
        "null".to_owned(),
    ];
    for c in &cases {
        for parser in [Parser::ShareGpt, Parser::Auto] {
            let all = load(c.as_bytes(), parser);
            assert!(!all.is_empty());
        }
    }
    // Many calls and results: ids stay consistent.
    let mut turns = String::new();
    for k in 0..500 {
        turns.push_str(&format!(
            r#"{{"from": "function_call", "value": "{{\"name\": \"f{k}\", \"arguments\": {{}}}}"}},"#
        ));
    }
    for _ in 0..500 {
        turns.push_str(r#"{"from": "observation", "value": "r"},"#);
    }
    turns.pop();
    let r = one(&format!(r#"{{"conversations": [{turns}]}}"#));
    assert_eq!(result_id(&r.messages[999]), "call_499");
    assert_eq!(r.messages[999].tool_result.as_ref().map(|t| t.name.as_str()), Some("f499"));
}

// --- the public examples -------------------------------------------------

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/examples/formats/sharegpt");

fn example(name: &str) -> Option<std::path::PathBuf> {
    let p = Path::new(EXAMPLES).join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn ok(l: &Loaded) -> &Rec {
    match &l.result {
        Ok(r) => r,
        Err(e) => panic!("{:?}: {e}", l.fragment),
    }
}

#[test]
fn example_dummy_conversation() {
    let Some(p) = example("dummy_conversation.json") else { return };
    let all = load_file(&p, Parser::Auto);
    assert_eq!(all.len(), 500);
    assert_eq!(all[0].fragment.as_deref(), Some("item=0"));
    assert_eq!(all[499].fragment.as_deref(), Some("item=499"));
    let r = ok(&all[0]);
    assert_eq!(r.format, Format::ShareGpt);
    assert_eq!(r.metadata.session_id, "identity_0");
    assert_eq!(roles(r), ["user", "assistant", "user", "assistant"]);
    assert_eq!(r.messages[0].content, "Who are you?");
    assert_eq!(r.messages[3].content, "You too!");
    let r = ok(&all[2]);
    assert_eq!(r.metadata.session_id, "identity_2");
    assert_eq!(r.messages.len(), 6);
    assert_eq!(
        r.messages[5].content,
        "Goodbye! If you have any more questions in the future, don't hesitate to ask."
    );
    assert!(all.iter().all(|l| l.result.as_ref().is_ok_and(|r| r.warnings.is_empty())));
}

#[test]
fn example_glaive_en() {
    let Some(p) = example("glaive_toolcall_en_demo.json") else { return };
    let all = load_file(&p, Parser::Auto);
    assert_eq!(all.len(), 300);
    assert!(all.iter().all(|l| l.result.as_ref().is_ok_and(|r| r.warnings.is_empty())));
    let r = ok(&all[0]);
    assert_eq!(r.metadata.session_id, "");
    assert_eq!(
        roles(r),
        ["user", "assistant", "user", "assistant", "tool", "assistant", "user", "assistant"]
    );
    let call = &r.messages[3];
    assert_eq!((call.content.as_str(), call_names(call)), ("", vec!["search_recipes"]));
    assert_eq!(call.tool_calls[0].id, "call_0");
    assert_eq!(call.tool_calls[0].args, r#"{"ingredients":["chicken","bell peppers","rice"]}"#);
    assert_eq!(result_id(&r.messages[4]), "call_0");
    assert!(result_text(&r.messages[4])
        .starts_with(r#"{"recipes": [{"name": "Chicken and Bell Pepper Stir Fry""#));
    let tools = r.metadata.extras.get("tools").and_then(|v| v.as_str()).unwrap_or_default();
    assert!(tools.contains("\"search_recipes\""), "{tools}");
    // 211 function_call turns in the file, each with one call.
    let calls: usize =
        all.iter().map(|l| ok(l).messages.iter().map(|m| m.tool_calls.len()).sum::<usize>()).sum();
    assert_eq!(calls, 211);
}

#[test]
fn example_glaive_zh_orphans_warn() {
    let Some(p) = example("glaive_toolcall_zh_demo.json") else { return };
    let all = load_file(&p, Parser::Auto);
    assert_eq!(all.len(), 300);
    let warned: Vec<usize> =
        all.iter().enumerate().filter(|(_, l)| !ok(l).warnings.is_empty()).map(|(k, _)| k).collect();
    assert_eq!(warned, [197, 293]);
    for k in [197, 293] {
        let r = ok(&all[k]);
        assert_eq!(r.messages[2].role, "tool");
        assert_eq!(result_id(&r.messages[2]), "");
    }
    let calls: usize =
        all.iter().map(|l| ok(l).messages.iter().map(|m| m.tool_calls.len()).sum::<usize>()).sum();
    assert_eq!(calls, 216);
}

#[test]
fn example_synthetic_jsonl() {
    let Some(p) = example("synthetic-sharegpt.jsonl") else { return };
    let all = load_file(&p, Parser::Session);
    let frags: Vec<&str> = all.iter().map(|l| l.fragment.as_deref().unwrap_or("-")).collect();
    assert_eq!(frags, ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]);
    // L1: integer id, system key, weights.
    let r = ok(&all[0]);
    assert_eq!(r.metadata.session_id, "17");
    assert_eq!(roles(r), ["system", "user", "assistant"]);
    assert_eq!(r.messages[0].content, "You are terse.");
    assert_eq!(r.messages[2].content, "Lima.");
    assert!(r.messages[2].meta.as_deref().is_some_and(|m| m.contains("weight")));
    // L2: parallel calls, string and object arguments, tools extra.
    let r = ok(&all[1]);
    assert_eq!(roles(r), ["user", "assistant", "tool", "tool", "assistant"]);
    assert_eq!(call_names(&r.messages[1]), ["convert", "convert"]);
    assert_eq!(r.messages[1].tool_calls[0].args, r#"{"amount":10,"to":"EUR"}"#);
    assert_eq!(r.messages[1].tool_calls[1].args, r#"{"amount": 10, "to": "JPY"}"#);
    assert_eq!((result_id(&r.messages[2]), result_id(&r.messages[3])), ("call_0", "call_1"));
    assert_eq!(result_text(&r.messages[3]), r#"{"JPY": 1490}"#);
    assert!(r.metadata.extras.contains_key("tools"));
    // L3: aliases.
    let r = ok(&all[2]);
    assert_eq!(r.metadata.session_id, "alias-1");
    assert_eq!(
        roles(r),
        ["system", "user", "assistant", "user", "assistant", "tool", "assistant", "user", "assistant"]
    );
    assert_eq!(call_names(&r.messages[4]), ["roll"]);
    assert_eq!(result_id(&r.messages[5]), "call_0");
    // L4: unknown speaker; L5: non-JSON function_call.
    let e = all[3].result.as_ref().expect_err("L4 fails");
    assert_eq!(e.kind(), ErrorKind::Value);
    assert!(e.message().contains("narrator"));
    assert_eq!(all[4].result.as_ref().err().map(|e| e.kind()), Some(ErrorKind::Value));
    // L6: orphan observation.
    let r = ok(&all[5]);
    assert_eq!(result_id(&r.messages[2]), "");
    assert_eq!(r.warnings.len(), 1);
    // L7: no conversations.
    assert_eq!(all[6].result.as_ref().err().map(|e| e.kind()), Some(ErrorKind::Shape));
}

#[test]
fn example_empty_and_truncated() {
    if let Some(p) = example("synthetic-empty.json") {
        let all = load_file(&p, Parser::Auto);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].fragment, None);
        let r = ok(&all[0]);
        assert!(r.messages.is_empty());
        assert_eq!(r.warnings.len(), 1);
    }
    if let Some(p) = example("synthetic-truncated.json") {
        let all = load_file(&p, Parser::Auto);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].fragment, None);
        assert_eq!(all[0].result.as_ref().err().map(|e| e.kind()), Some(ErrorKind::Syntax));
    }
}

#[test]
fn the_sample_corpus_loads_cleanly() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/sample/sharegpt"));
    let json = load_file(&dir.join("trip-tools.sharegpt.json"), Parser::Auto);
    let jsonl = load_file(&dir.join("faq-chat.jsonl"), Parser::Session);
    assert_eq!((json.len(), jsonl.len()), (3, 3));
    for l in json.iter().chain(&jsonl) {
        assert!(ok(l).warnings.is_empty(), "{:?}", l.fragment);
        assert_eq!(ok(l).format, Format::ShareGpt);
    }
    let r = ok(&json[0]);
    assert_eq!(roles(r), ["system", "user", "assistant", "tool", "tool", "assistant", "user", "assistant"]);
    assert_eq!(call_names(&r.messages[2]), ["find_trains", "get_weather"]);
    assert_eq!(r.messages[2].tool_calls[1].args, r#"{"city": "Milano"}"#);
    assert_eq!((result_id(&r.messages[3]), result_id(&r.messages[4])), ("call_0", "call_1"));
    assert_eq!(ok(&jsonl[0]).metadata.session_id, "101");
    assert_eq!(jsonl[2].fragment.as_deref(), Some("L3"));
    assert_eq!(roles(ok(&jsonl[2])), ["user", "assistant", "tool", "assistant"]);
}
