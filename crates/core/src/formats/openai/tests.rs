//! Tests of the OpenAI chat and Batch decoders (FORMATS-MORE.md sections 2, 3).

use std::path::Path;

use crate::error::ErrorKind;
use crate::model::Format;
use crate::owned::{Message, Metadata};
use crate::{Loader, Parser};

/// One reference as loaded: fragment, and messages/metadata/warnings or the
/// error (kind, message).
struct Ref {
    fragment: Option<String>,
    format: Option<Format>,
    loaded: Result<Loaded, (ErrorKind, String)>,
}

struct Loaded {
    messages: Vec<Message>,
    metadata: Metadata,
    warnings: Vec<String>,
    format: Format,
}

impl Ref {
    fn ok(&self) -> &Loaded {
        match &self.loaded {
            Ok(l) => l,
            Err(e) => panic!("{:?} failed: {e:?}", self.fragment),
        }
    }
    fn err(&self) -> (ErrorKind, &str) {
        match &self.loaded {
            Ok(_) => panic!("{:?} loaded", self.fragment),
            Err((k, m)) => (*k, m),
        }
    }
}

fn collect(out: &mut Vec<Ref>, piece: crate::Piece<'_>, r: crate::Result<crate::Recording<'_>>) {
    let loaded = match r {
        Ok(rec) => {
            let (messages, metadata) = crate::owned::to_owned(&rec);
            let warnings = rec.warnings.iter().map(|w| w.to_string()).collect();
            Ok(Loaded { messages, metadata, warnings, format: rec.format })
        }
        Err(e) => Err((e.kind(), e.to_string())),
    };
    out.push(Ref { fragment: piece.fragment.map(str::to_owned), format: piece.format, loaded });
}

fn load(bytes: &[u8], parser: Parser) -> Vec<Ref> {
    let mut loader = Loader::new();
    let mut out = Vec::new();
    loader.load_bytes_each(bytes, parser, |p, r| collect(&mut out, p, r));
    out
}

/// Loads `line` as line 1 of a JSON Lines file (a second copy on line 2
/// makes the bytes JSON Lines whatever the line holds).
fn line1(line: &str, parser: Parser) -> Ref {
    let line = line.replace('\n', " ");
    let mut refs = load(format!("{line}\n{line}\n").as_bytes(), parser);
    assert_eq!(refs.len(), 2);
    refs.remove(0)
}

/// Loads `line` as line 2 of a JSON Lines file (after a valid line).
fn line2(line: &str, parser: Parser) -> Ref {
    let mut refs =
        load(format!("{{\"messages\":[],\"custom_id\":\"x\",\"body\":{{}}}}\n{line}\n").as_bytes(), parser);
    assert_eq!(refs.len(), 2);
    refs.remove(1)
}

fn chat(line: &str) -> Ref {
    line1(line, Parser::OpenAiChat)
}

fn batch(line: &str) -> Ref {
    line1(line, Parser::OpenAiBatch)
}

/// The text of a message (1.3): its content without parts, else its text parts joined.
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

fn result_id(m: &Message) -> &str {
    m.tool_result.as_ref().map(|r| r.id.as_str()).expect("a tool result")
}

fn result_text(m: &Message) -> String {
    let r = m.tool_result.as_ref().expect("a tool result");
    r.parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text.clone()).collect()
}

fn extra(l: &Loaded, k: &str) -> Option<serde_json::Value> {
    l.metadata.extras.get(k).cloned()
}

// ---- OpenAI chat -------------------------------------------------------

#[test]
fn roles_table() {
    let r = chat(
        r#"{"messages":[{"role":"system","content":"s"},{"role":"developer","content":"d"},{"role":"user","content":"u"},{"role":"assistant","content":"a"},{"role":"tool","tool_call_id":"x","content":"t"}]}"#,
    );
    let l = r.ok();
    assert_eq!(roles(l), ["system", "system", "user", "assistant", "tool"]);
    assert_eq!(l.format, Format::OpenAiChat);
    assert_eq!(r.fragment.as_deref(), Some("L1"));
    assert_eq!(r.format, Some(Format::OpenAiChat));
}

#[test]
fn unknown_role_is_a_value_error_naming_role_and_index() {
    let r = chat(r#"{"messages":[{"role":"user","content":"Hi"},{"role":"critic","content":"no"}]}"#);
    let (kind, msg) = r.err();
    assert_eq!(kind, ErrorKind::Value);
    assert!(msg.contains("critic") && msg.contains("messages[1]"), "{msg}");
}

#[test]
fn missing_or_null_role_is_a_shape_error() {
    assert_eq!(chat(r#"{"messages":[{"content":"Hi"}]}"#).err().0, ErrorKind::Shape);
    assert_eq!(chat(r#"{"messages":[{"role":null,"content":"Hi"}]}"#).err().0, ErrorKind::Shape);
    assert_eq!(chat(r#"{"messages":[{"role":3,"content":"Hi"}]}"#).err().0, ErrorKind::Type);
}

#[test]
fn content_string_null_absent_and_whitespace() {
    let r = chat(
        r#"{"messages":[{"role":"user","content":"  a\nb  "},{"role":"assistant","content":null},{"role":"assistant"},{"role":"user","content":""}]}"#,
    );
    let l = r.ok();
    let texts: Vec<String> = l.messages.iter().map(text).collect();
    assert_eq!(texts, ["  a\nb  ", "", "", ""]);
    assert!(l.warnings.is_empty());
}

#[test]
fn content_parts_in_order_and_never_joined() {
    let r = chat(
        r#"{"messages":[{"role":"user","content":[{"type":"text","text":"A "},{"type":"image_url","image_url":{"url":"https://x/cat.png","detail":"low"}},{"type":"text","text":"B"}]}]}"#,
    );
    let m = &r.ok().messages[0];
    assert_eq!(m.content, "");
    let kinds: Vec<&str> = m.parts.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "image", "text"]);
    assert_eq!(text(m), "A B");
    let media = m.parts[1].media.as_ref().unwrap();
    assert_eq!(
        (media.url.as_deref(), media.detail.as_deref(), media.mime_type.as_str()),
        (Some("https://x/cat.png"), Some("low"), "")
    );
}

#[test]
fn one_text_part_may_be_content() {
    let r = chat(r#"{"messages":[{"role":"user","content":[{"type":"text","text":"only"}]}]}"#);
    assert_eq!(text(&r.ok().messages[0]), "only");
}

#[test]
fn refusal_part_is_text_and_unknown_part_warns() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","content":[{"type":"text","text":"Checking. "},{"type":"video_url","video_url":{"url":"v"}},{"type":"refusal","refusal":"(no)"}]}]}"#,
    );
    let l = r.ok();
    assert_eq!(text(&l.messages[0]), "Checking. (no)");
    assert_eq!(l.messages[0].parts.len(), 2);
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("video_url"), "{:?}", l.warnings);
}

#[test]
fn media_parts() {
    let r = chat(
        r#"{"messages":[{"role":"user","content":[
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}},
        {"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}},
        {"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}},
        {"type":"input_audio","input_audio":{"data":"T2dn","format":"ogg"}},
        {"type":"file","file":{"file_id":"file-abc","filename":"r.pdf"}},
        {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"s.pdf"}}]}]}"#,
    );
    let m = &r.ok().messages[0];
    let kinds: Vec<&str> = m.parts.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["image", "audio", "audio", "audio", "document", "document"]);
    let media: Vec<_> = m.parts.iter().map(|p| p.media.clone().unwrap()).collect();
    assert_eq!(
        (media[0].data.as_deref(), media[0].mime_type.as_str(), media[0].url.as_deref()),
        (Some("iVBO"), "image/png", None)
    );
    assert_eq!((media[1].data.as_deref(), media[1].mime_type.as_str()), (Some("UklG"), "audio/wav"));
    assert_eq!(media[2].mime_type, "audio/mpeg");
    assert_eq!(media[3].mime_type, "audio/ogg");
    assert_eq!((media[4].storage_reference.as_deref(), media[4].data.as_deref()), (Some("file-abc"), None));
    assert_eq!((media[5].data.as_deref(), media[5].mime_type.as_str()), (Some("JVBE"), "application/pdf"));
}

#[test]
fn wrong_content_types_are_type_errors() {
    assert_eq!(chat(r#"{"messages":[{"role":"user","content":5}]}"#).err().0, ErrorKind::Type);
    assert_eq!(chat(r#"{"messages":[{"role":"user","content":{"a":1}}]}"#).err().0, ErrorKind::Type);
    assert_eq!(chat(r#"{"messages":[{"role":"user","content":["x"]}]}"#).err().0, ErrorKind::Type);
    assert_eq!(
        chat(r#"{"messages":[{"role":"user","content":[{"type":"text","text":1}]}]}"#).err().0,
        ErrorKind::Type
    );
    assert_eq!(chat(r#"{"messages":["hi"]}"#).err().0, ErrorKind::Type);
}

#[test]
fn refusal_becomes_content_of_an_empty_assistant_message() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","content":null,"refusal":"No."},{"role":"assistant","content":"","refusal":"No2."},{"role":"assistant","refusal":"No3."},{"role":"assistant","content":"Yes","refusal":"x"},{"role":"user","refusal":"u"}]}"#,
    );
    let texts: Vec<String> = r.ok().messages.iter().map(text).collect();
    assert_eq!(texts, ["No.", "No2.", "No3.", "Yes", ""]);
}

#[test]
fn tool_calls_function_and_custom() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","content":"Let me check.","tool_calls":[
        {"id":"c1","type":"function","function":{"name":"get","arguments":"{\"city\": \"Paris\"}"}},
        {"id":"c2","type":"function","function":{"name":"obj","arguments":{"a": [1, 2.5], "b": "é\n"}}},
        {"id":"c3","type":"function","function":{"name":"bad","arguments":"not json"}},
        {"id":"c4","type":"custom","custom":{"name":"grammar","input":"me and \"him\""}}]},
        {"role":"tool","tool_call_id":"c2","content":"ok"}]}"#,
    );
    let l = r.ok();
    let m = &l.messages[0];
    assert_eq!(m.content, "Let me check.");
    let calls: Vec<(&str, &str, &str)> =
        m.tool_calls.iter().map(|c| (c.id.as_str(), c.name.as_str(), c.args.as_str())).collect();
    assert_eq!(
        calls,
        [
            ("c1", "get", r#"{"city": "Paris"}"#),
            ("c2", "obj", r#"{"a":[1,2.5],"b":"é\n"}"#),
            ("c3", "bad", "not json"),
            ("c4", "grammar", r#""me and \"him\"""#),
        ]
    );
    let t = &l.messages[1];
    assert_eq!(
        (result_id(t), t.tool_result.as_ref().unwrap().name.as_str(), result_text(t).as_str()),
        ("c2", "obj", "ok")
    );
    assert!(l.warnings.is_empty());
}

#[test]
fn tool_call_without_name_is_a_shape_error() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}]}"#,
    );
    assert_eq!(r.err().0, ErrorKind::Shape);
    let r = chat(r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function"}]}]}"#);
    assert_eq!(r.err().0, ErrorKind::Shape);
    let r = chat(r#"{"messages":[{"role":"assistant","function_call":{"arguments":"{}"}}]}"#);
    assert_eq!(r.err().0, ErrorKind::Shape);
}

#[test]
fn legacy_function_call_and_function_result() {
    let r = chat(
        r#"{"messages":[{"role":"user","content":"time?"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"real","type":"function","function":{"name":"a","arguments":"{}"}}],"function_call":{"name":"get_time","arguments":"{\"tz\": \"Lima\"}"}},
        {"role":"function","name":"get_time","content":"09:41"},
        {"role":"tool","tool_call_id":"real","content":"A"}]}"#,
    );
    let l = r.ok();
    assert_eq!(roles(l), ["user", "assistant", "tool", "tool"]);
    let calls: Vec<(&str, &str)> =
        l.messages[1].tool_calls.iter().map(|c| (c.id.as_str(), c.name.as_str())).collect();
    assert_eq!(calls, [("real", "a"), ("call_1", "get_time")]);
    let fr = l.messages[2].tool_result.as_ref().unwrap();
    assert_eq!((fr.id.as_str(), fr.name.as_str()), ("call_1", "get_time"));
    assert_eq!(result_text(&l.messages[2]), "09:41");
    assert_eq!(l.messages[3].tool_result.as_ref().unwrap().name, "a");
    assert!(l.warnings.is_empty());
}

#[test]
fn synthesized_ids_pair_first_in_first_out() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","function_call":{"name":"f","arguments":"{}"}},
        {"role":"assistant","function_call":{"name":"g","arguments":"{}"}},
        {"role":"function","content":"1"},{"role":"function","content":"2"},{"role":"function","content":"3"}]}"#,
    );
    let l = r.ok();
    let ids: Vec<&str> = l.messages[2..].iter().map(result_id).collect();
    assert_eq!(ids, ["call_0", "call_1", ""]);
    let names: Vec<&str> =
        l.messages[2..].iter().map(|m| m.tool_result.as_ref().unwrap().name.as_str()).collect();
    assert_eq!(names, ["f", "g", ""]);
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
}

#[test]
fn tool_message_without_id_gets_empty_id_and_a_warning() {
    let r = chat(
        r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c3","type":"custom","custom":{"name":"g","input":"x"}}]},{"role":"tool","content":"2 errors"}]}"#,
    );
    let l = r.ok();
    assert_eq!(result_id(&l.messages[1]), "");
    assert_eq!(result_text(&l.messages[1]), "2 errors");
    assert_eq!(l.warnings.len(), 1);
}

#[test]
fn tool_result_as_parts_and_null() {
    let r = chat(
        r#"{"messages":[{"role":"tool","tool_call_id":"a","content":[{"type":"text","text":"sunny, "},{"type":"text","text":"24°C"}]},{"role":"tool","tool_call_id":"b","content":null}]}"#,
    );
    let l = r.ok();
    assert_eq!(result_text(&l.messages[0]), "sunny, 24°C");
    assert_eq!(l.messages[0].tool_result.as_ref().unwrap().parts.len(), 2);
    let nul = l.messages[1].tool_result.as_ref().unwrap();
    assert_eq!((nul.parts.len(), nul.parts[0].text.as_deref()), (1, Some("")));
}

#[test]
fn name_and_weight_go_to_meta_and_reasoning_to_reasoning() {
    let r = chat(
        r#"{"messages":[{"weight":0,"role":"user","name":"al\"ice","content":"hi"},{"role":"assistant","content":"x","reasoning_content":"think\nhard"}]}"#,
    );
    let l = r.ok();
    assert_eq!(l.messages[0].meta.as_deref(), Some(r#"{"weight":0,"name":"al\"ice"}"#));
    assert_eq!(l.messages[1].meta, None);
    let reasoning: serde_json::Value =
        serde_json::from_str(l.messages[1].reasoning.as_deref().unwrap()).unwrap();
    assert_eq!(reasoning["text"], "think\nhard");
    assert_eq!(text(&l.messages[1]), "x");
}

#[test]
fn session_id_and_extras() {
    let r = chat(
        r#"{"id":"conv-1","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":true,"note":"n"}"#,
    );
    let l = r.ok();
    assert_eq!(l.metadata.session_id, "conv-1");
    assert_eq!(extra(l, "tools").unwrap(), serde_json::json!([{"type":"function","function":{"name":"f"}}]));
    assert_eq!(extra(l, "parallel_tool_calls").unwrap(), serde_json::json!(true));
    assert_eq!(extra(l, "note").unwrap(), serde_json::json!("n"));
    assert!(extra(l, "id").is_none() && extra(l, "messages").is_none());
    assert!(l.messages.is_empty() && l.warnings.is_empty());
    assert_eq!(chat(r#"{"id":42,"messages":[]}"#).ok().metadata.session_id, "42");
    assert_eq!(chat(r#"{"id":-7,"messages":[]}"#).ok().metadata.session_id, "-7");
    assert_eq!(
        chat(r#"{"id":18446744073709551615,"messages":[]}"#).ok().metadata.session_id,
        "18446744073709551615"
    );
    assert_eq!(chat(r#"{"id":4.5,"messages":[]}"#).ok().metadata.session_id, "");
    assert_eq!(chat(r#"{"id":null,"messages":[]}"#).ok().metadata.session_id, "");
    assert_eq!(chat(r#"{"id":{"a":1},"messages":[]}"#).ok().metadata.session_id, "");
}

#[test]
fn recording_shape_errors() {
    assert_eq!(chat(r#"{"conversation":[]}"#).err().0, ErrorKind::Shape);
    assert_eq!(chat(r#"{"messages":"Hello"}"#).err().0, ErrorKind::Type);
    assert_eq!(chat(r#"{"messages":null}"#).err().0, ErrorKind::Type);
    assert_eq!(line2("[1]", Parser::OpenAiChat).err().0, ErrorKind::Type);
    assert_eq!(line2("null", Parser::OpenAiChat).err().0, ErrorKind::Type);
}

#[test]
fn json_lines_fragments_and_failures() {
    let refs = load(
        b"{\"messages\":[]}\n\n{\"messages\":[{\"role\":\"user\",\"content\":\"x}]}\n7\r\n{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}\r\n",
        Parser::OpenAiChat,
    );
    let frags: Vec<&str> = refs.iter().map(|r| r.fragment.as_deref().unwrap()).collect();
    assert_eq!(frags, ["L1", "L3", "L4", "L5"]);
    assert_eq!(refs[1].err().0, ErrorKind::Syntax);
    assert!(refs[1].err().1.contains("line 3"), "{}", refs[1].err().1);
    assert_eq!(refs[2].err().0, ErrorKind::Type);
    assert_eq!(text(&refs[3].ok().messages[0]), "ok");
}

#[test]
fn a_single_object_with_the_hint_has_no_fragment() {
    let refs = load(br#"{"messages":[{"role":"user","content":"x"}]}"#, Parser::OpenAiChat);
    assert_eq!((refs.len(), refs[0].fragment.as_deref()), (1, None));
    assert_eq!(text(&refs[0].ok().messages[0]), "x");
}

#[test]
fn arrays_are_items() {
    let refs = load(br#"[{"messages":[]},{"messages":[{"role":"bot"}]}]"#, Parser::Auto);
    let frags: Vec<&str> = refs.iter().map(|r| r.fragment.as_deref().unwrap()).collect();
    assert_eq!(frags, ["item=0", "item=1"]);
    assert_eq!(refs[1].err().0, ErrorKind::Value);
}

#[test]
fn export_shows_role_text_tool_names_and_result_ids() {
    let mut loader = Loader::new();
    let mut out = Vec::new();
    loader.load_bytes_each(
        concat!(
            r#"{"messages":[{"role":"developer","content":"sys"},{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"tool_calls":[{"id":"k","type":"function","function":{"name":"t","arguments":{"x":1}}}]},{"role":"tool","tool_call_id":"k","content":"r"}]}"#,
            "\n{\"messages\":[]}\n"
        )
        .as_bytes(),
        Parser::OpenAiChat,
        |_, r| {
            let rec = r.unwrap();
            for m in rec.messages {
                let mut s = String::new();
                crate::promptkit::write_message(&mut s, m);
                out.push(serde_json::from_str::<serde_json::Value>(&s).unwrap());
            }
        },
    );
    assert_eq!(out[0]["role"], "system");
    assert_eq!(out[0]["content"], "sys");
    assert_eq!(out[1]["content"], "a b");
    assert_eq!(out[1]["tool_calls"][0]["name"], "t");
    assert_eq!(out[1]["tool_calls"][0]["args"], serde_json::json!({"x":1}));
    assert_eq!(out[2]["tool_result"]["id"], "k");
    assert!(out[2].get("content").is_none());
}

/// Every prefix of some valid input, and some hostile documents, load
/// without panicking (errors are fine).
#[test]
fn hostile_input_never_panics() {
    let chat_line = r#"{"id":1,"messages":[{"role":"user","name":"a","weight":1,"content":[{"type":"text","text":"é"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}},{"type":"input_audio","input_audio":{"data":"x","format":"mp3"}},{"type":"file","file":{"file_data":"x","filename":"f"}}]},{"role":"assistant","refusal":"r","tool_calls":[{"id":"c","type":"custom","custom":{"name":"n","input":"i"}}],"function_call":{"name":"f","arguments":{"a":1}}},{"role":"function","content":"x"},{"role":"tool","content":[{"type":"text","text":"t"}]}],"tools":[]}"#;
    for end in 0..chat_line.len() {
        if let Some(prefix) = chat_line.get(..end) {
            let _ = load(prefix.as_bytes(), Parser::OpenAiChat);
        }
    }
    for bad in [
        "null",
        "true",
        "\"s\"",
        "[]",
        "[[]]",
        "{}",
        "{\"messages\":[null]}",
        "{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":5}]}",
        "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":{}}]}",
        "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[null]}]}",
        "{\"messages\":[{\"role\":\"assistant\",\"function_call\":\"f\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":5}]}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
        "\u{feff}{\"messages\":[]}",
        "\0\0",
    ] {
        let _ = load(bad.as_bytes(), Parser::OpenAiChat);
        let _ = load(bad.as_bytes(), Parser::OpenAiBatch);
    }
    let deep = format!(
        "{{\"messages\":[{{\"role\":\"user\",\"content\":\"x\",\"extra\":{}{}}}]}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let _ = load(deep.as_bytes(), Parser::OpenAiChat);
    let many =
        format!("{{\"messages\":[{}]}}", vec![r#"{"role":"function","content":"x"}"#; 20000].join(","));
    let r = chat(&many);
    assert_eq!(r.ok().messages.len(), 20000);
}

// ---- OpenAI Batch ------------------------------------------------------

#[test]
fn batch_chat_request() {
    let r = batch(
        r#"{"custom_id":"request-3","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","tools":[{"type":"function"}],"messages":[{"role":"user","content":"Where?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"lookup_order","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_9","content":"in transit"}],"max_tokens":10}}"#,
    );
    let l = r.ok();
    assert_eq!(l.format, Format::OpenAiBatch);
    assert_eq!(r.format, Some(Format::OpenAiBatch));
    assert_eq!(l.metadata.session_id, "request-3");
    assert_eq!(roles(l), ["user", "assistant", "tool"]);
    assert_eq!(l.messages[1].tool_calls[0].name, "lookup_order");
    assert_eq!(l.messages[2].tool_result.as_ref().unwrap().name, "lookup_order");
    assert_eq!(l.metadata.provider_info.get("model"), Some(&serde_json::json!("gpt-4o-mini")));
    assert_eq!(extra(l, "tools").unwrap(), serde_json::json!([{"type":"function"}]));
    assert_eq!(extra(l, "method").unwrap(), serde_json::json!("POST"));
    assert!(l.warnings.is_empty());
}

#[test]
fn batch_responses_request_items() {
    let r = batch(
        r#"{"custom_id":"r4","method":"POST","url":"/v1/responses","body":{"model":"m","instructions":"Be brief.","input":[
        {"role":"user","content":[{"type":"input_text","text":"What? "},{"type":"input_image","image_url":"https://x/dog.jpg"}]},
        {"type":"function_call","call_id":"fc_1","name":"describe","arguments":"{\"u\":1}"},
        {"type":"function_call","name":"second","arguments":"{}"},
        {"type":"function_call_output","call_id":"fc_1","output":"a dog"},
        {"type":"function_call_output","output":[{"type":"input_text","text":"p1"},{"type":"input_text","text":"p2"}]},
        {"type":"reasoning","summary":[{"type":"summary_text","text":"s1"},{"type":"summary_text","text":"s2"}]},
        {"type":"message","role":"assistant","content":[{"type":"output_text","text":"A dog."}]},
        {"type":"web_search_call","id":"ws"},
        {"role":"developer","content":"Which breed?"}]}}"#,
    );
    let l = r.ok();
    assert_eq!(roles(l), ["system", "user", "assistant", "tool", "tool", "assistant", "system"]);
    assert_eq!(text(&l.messages[0]), "Be brief.");
    assert_eq!(text(&l.messages[1]), "What? ");
    assert_eq!(l.messages[1].parts[1].media.as_ref().unwrap().url.as_deref(), Some("https://x/dog.jpg"));
    let calls: Vec<(&str, &str)> =
        l.messages[2].tool_calls.iter().map(|c| (c.id.as_str(), c.name.as_str())).collect();
    assert_eq!(calls, [("fc_1", "describe"), ("call_1", "second")]);
    assert_eq!(text(&l.messages[2]), "");
    assert_eq!((result_id(&l.messages[3]), result_text(&l.messages[3]).as_str()), ("fc_1", "a dog"));
    assert_eq!(l.messages[3].tool_result.as_ref().unwrap().name, "describe");
    assert_eq!((result_id(&l.messages[4]), result_text(&l.messages[4]).as_str()), ("call_1", "p1p2"));
    let reasoning: serde_json::Value =
        serde_json::from_str(l.messages[5].reasoning.as_deref().unwrap()).unwrap();
    assert_eq!(reasoning["text"], "s1\ns2");
    assert_eq!(text(&l.messages[5]), "A dog.");
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("web_search_call"));
}

#[test]
fn batch_responses_string_input_completions_and_other_endpoints() {
    let l = batch(r#"{"custom_id":"a","url":"/v1/responses","body":{"model":"m","input":"hi"}}"#);
    assert_eq!(roles(l.ok()), ["user"]);
    assert_eq!(
        batch(r#"{"custom_id":"a","url":"/v1/responses","body":{"input":5}}"#).err().0,
        ErrorKind::Type
    );
    let l = batch(r#"{"custom_id":"b","url":"/v1/completions","body":{"model":"i","prompt":"Say this"}}"#);
    assert_eq!(text(&l.ok().messages[0]), "Say this");
    assert_eq!(l.ok().messages[0].role, "user");
    assert_eq!(
        batch(r#"{"custom_id":"b","url":"/v1/completions","body":{"prompt":["a"]}}"#).err().0,
        ErrorKind::Type
    );
    let r = batch(r#"{"custom_id":"c","url":"/v1/embeddings","body":{"model":"e","input":"x"}}"#);
    let l = r.ok();
    assert!(l.messages.is_empty());
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("no conversation"));
    assert_eq!(l.metadata.provider_info.get("model"), Some(&serde_json::json!("e")));
}

#[test]
fn batch_shape_errors() {
    assert_eq!(
        batch(r#"{"custom_id":"r7","method":"POST","url":"/v1/chat/completions"}"#).err().0,
        ErrorKind::Shape
    );
    assert_eq!(batch(r#"{"url":"/v1/chat/completions","body":{"messages":[]}}"#).err().0, ErrorKind::Shape);
    assert_eq!(batch(r#"{"custom_id":1,"body":{}}"#).err().0, ErrorKind::Type);
    assert_eq!(
        batch(r#"{"custom_id":"x","url":"/v1/chat/completions","body":{}}"#).err().0,
        ErrorKind::Shape
    );
    assert_eq!(batch(r#"{"custom_id":"x","response":{"status_code":200}}"#).err().0, ErrorKind::Shape);
    assert_eq!(line2("[]", Parser::OpenAiBatch).err().0, ErrorKind::Type);
}

#[test]
fn batch_chat_completion_result() {
    let r = batch(
        r#"{"id":"batch_req_123","custom_id":"request-2","response":{"status_code":200,"request_id":"req_123","body":{"id":"chatcmpl-123","object":"chat.completion","created":1711652795,"model":"gpt-3.5-turbo-0125","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":22,"completion_tokens":2,"total_tokens":24,"prompt_tokens_details":{"cached_tokens":3}}}},"error":null}"#,
    );
    let l = r.ok();
    assert_eq!(l.metadata.session_id, "request-2");
    assert_eq!(roles(l), ["assistant"]);
    let m = &l.messages[0];
    assert_eq!((text(m).as_str(), m.finish_reason.as_str()), ("Hello.", "stop"));
    assert_eq!(m.timestamp.unix_seconds(), 1711652795);
    assert_eq!(l.metadata.timestamps.len(), 1);
    let cost: serde_json::Value = serde_json::from_str(m.cost_info.as_deref().unwrap()).unwrap();
    assert_eq!(
        (cost["input_tokens"].as_i64(), cost["output_tokens"].as_i64(), cost["cached_tokens"].as_i64()),
        (Some(22), Some(2), Some(3))
    );
    assert_eq!(cost["total_cost_usd"].as_f64(), Some(0.0));
    assert_eq!(l.metadata.provider_info.get("model"), Some(&serde_json::json!("gpt-3.5-turbo-0125")));
    assert_eq!(extra(l, "id").unwrap(), serde_json::json!("batch_req_123"));
    assert_eq!(extra(l, "request_id").unwrap(), serde_json::json!("req_123"));
    assert!(l.warnings.is_empty());
}

#[test]
fn batch_more_choices_warn_and_tool_calls_are_kept() {
    let r = batch(
        r#"{"custom_id":"c","response":{"status_code":200,"body":{"object":"chat.completion","choices":[{"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"x1","type":"function","function":{"name":"a","arguments":"{}"}},{"id":"x2","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":"tool_calls"},{"message":{"role":"assistant","content":"T"}},{"message":{"role":"assistant","content":"U"}}]}}}"#,
    );
    let l = r.ok();
    assert_eq!(l.messages.len(), 1);
    let names: Vec<&str> = l.messages[0].tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(l.messages[0].finish_reason, "tool_calls");
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("2 dropped"), "{:?}", l.warnings);
}

#[test]
fn batch_failed_requests() {
    let r = batch(
        r#"{"id":"b","custom_id":"request-8","response":null,"error":{"code":"batch_expired","message":"This request could not be executed."}}"#,
    );
    assert_eq!(r.err().0, ErrorKind::FailedRequest);
    assert!(
        r.err().1.ends_with("line 1: batch_expired: This request could not be executed."),
        "{}",
        r.err().1
    );
    let r = batch(
        r#"{"custom_id":"r9","response":{"status_code":400,"request_id":"q","body":{"error":{"message":"Invalid role.","type":"invalid_request_error","code":"invalid_value"}}},"error":null}"#,
    );
    let (kind, msg) = r.err();
    assert_eq!(kind, ErrorKind::FailedRequest);
    assert!(msg.ends_with("invalid_value: Invalid role."), "{msg}");
    let r = batch(
        r#"{"custom_id":"r","response":{"status_code":500,"body":{"error":{"message":"boom","code":null}}}}"#,
    );
    assert!(r.err().1.ends_with("500: boom"), "{}", r.err().1);
    let r = batch(r#"{"custom_id":"r","response":{"status_code":503}}"#);
    assert_eq!(r.err().0, ErrorKind::FailedRequest);
    let r = batch(r#"{"custom_id":"r","response":null,"error":null}"#);
    assert_eq!(r.err().0, ErrorKind::FailedRequest);
}

#[test]
fn batch_response_object_and_text_completion_and_other_objects() {
    let r = batch(
        r#"{"id":"b","custom_id":"request-4","response":{"status_code":200,"body":{"object":"response","created_at":1741476542,"model":"gpt-4.1-mini","output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Golden.","annotations":[]}]},{"type":"function_call","call_id":"call_r2","name":"breed_lookup","arguments":"{}"}],"usage":{"input_tokens":120,"input_tokens_details":{"cached_tokens":64},"output_tokens":30}}}}"#,
    );
    let l = r.ok();
    assert_eq!(roles(l), ["assistant"]);
    let m = &l.messages[0];
    assert_eq!(text(m), "Golden.");
    assert_eq!(m.tool_calls[0].id, "call_r2");
    assert_eq!(m.tool_calls[0].name, "breed_lookup");
    assert!(m.reasoning.as_deref().unwrap().contains("Think."));
    assert_eq!(m.timestamp.unix_seconds(), 1741476542);
    let cost: serde_json::Value = serde_json::from_str(m.cost_info.as_deref().unwrap()).unwrap();
    assert_eq!(
        (cost["input_tokens"].as_i64(), cost["output_tokens"].as_i64(), cost["cached_tokens"].as_i64()),
        (Some(120), Some(30), Some(64))
    );

    let r = batch(
        r#"{"custom_id":"t","response":{"status_code":200,"body":{"object":"text_completion","created":1711652901,"choices":[{"text":"\n\nThis is a test","finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7}}}}"#,
    );
    let m = &r.ok().messages[0];
    assert_eq!(
        (m.role.as_str(), text(m).as_str(), m.finish_reason.as_str()),
        ("assistant", "\n\nThis is a test", "length")
    );

    let r = batch(
        r#"{"custom_id":"e","response":{"status_code":200,"body":{"object":"list","data":[],"model":"emb"}}}"#,
    );
    let l = r.ok();
    assert!(l.messages.is_empty());
    assert_eq!(l.warnings.len(), 1);
}

#[test]
fn batch_hostile_prefixes_never_panic() {
    let lines = [
        r#"{"custom_id":"r4","url":"/v1/responses","body":{"instructions":"i","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]},{"type":"function_call","name":"n","arguments":{"a":1}},{"type":"function_call_output","output":{"k":1}},{"type":"reasoning","content":[{"type":"reasoning_text","text":"x"}]}]}}"#,
        r#"{"custom_id":"c","response":{"status_code":200,"body":{"object":"chat.completion","created":1.5e300,"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1}}},"error":null}"#,
    ];
    for line in lines {
        for end in 0..line.len() {
            if let Some(prefix) = line.get(..end) {
                let _ = load(prefix.as_bytes(), Parser::OpenAiBatch);
            }
        }
    }
    // A time out of range is a value error, not a panic.
    assert_eq!(batch(lines[1]).err().0, ErrorKind::Value);
}

// ---- public examples ---------------------------------------------------

fn examples(fmt: &str) -> Option<std::path::PathBuf> {
    let dir =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/examples/formats")).join(fmt);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn load_path(path: &Path, parser: Parser) -> Vec<Ref> {
    let mut loader = Loader::new();
    let mut out = Vec::new();
    loader.load_file_each(path, parser, |p, r| collect(&mut out, p, r));
    out
}

#[test]
fn example_toy_chat_fine_tuning() {
    let Some(dir) = examples("openai_chat") else { return };
    let refs = load_path(&dir.join("toy_chat_fine_tuning.jsonl"), Parser::Session);
    assert_eq!(refs.len(), 5);
    assert!(refs.iter().all(|r| r.format == Some(Format::OpenAiChat)));
    assert_eq!(roles(refs[1].ok()).len(), 9);
    assert_eq!(roles(refs[2].ok()), ["user", "assistant"]);
    assert_eq!(roles(refs[3].ok()), ["system", "assistant"]);
    assert_eq!(text(&refs[3].ok().messages[1]), "You're great!");
    let banana = text(&refs[4].ok().messages[2]);
    assert_eq!(banana, "Eat a banana!".repeat(2000));
}

#[test]
fn example_drone_training() {
    let Some(dir) = examples("openai_chat") else { return };
    let refs = load_path(&dir.join("drone_training.jsonl"), Parser::Session);
    assert_eq!(refs.len(), 3);
    for r in &refs {
        let l = r.ok();
        assert_eq!(roles(l), ["system", "user", "assistant"]);
        assert!(extra(l, "tools").is_some() && extra(l, "parallel_tool_calls").is_some());
    }
    let c = &refs[0].ok().messages[2].tool_calls[0];
    assert_eq!((c.name.as_str(), c.args.as_str()), ("takeoff_drone", r#"{"altitude": 100}"#));
    // Line 3: the arguments are a JSON string that holds JSON, kept as given.
    let c = &refs[2].ok().messages[2].tool_calls[0];
    assert_eq!((c.name.as_str(), c.args.as_str()), ("land_drone", r#""{\"location\": \"current\"}""#));
}

#[test]
fn example_mllm_demo_array() {
    let Some(dir) = examples("openai_chat") else { return };
    let refs = load_path(&dir.join("mllm_demo.json"), Parser::Auto);
    assert_eq!(refs.len(), 6);
    assert_eq!(refs[5].fragment.as_deref(), Some("item=5"));
    let l = refs[0].ok();
    assert_eq!(roles(l), ["user", "assistant", "user", "assistant"]);
    assert_eq!(text(&l.messages[0]), "<image>Who are they?");
    assert_eq!(
        extra(l, "images").unwrap(),
        serde_json::json!(["mllm_demo_data/1.jpg", "mllm_demo_data/1.jpg"])
    );
}

#[test]
fn example_synthetic_chat_edge_cases() {
    let Some(dir) = examples("openai_chat") else { return };
    let refs = load_path(&dir.join("synthetic-chat-edge-cases.jsonl"), Parser::Session);
    let frags: Vec<&str> = refs.iter().map(|r| r.fragment.as_deref().unwrap()).collect();
    assert_eq!(frags, ["L1", "L2", "L4", "L5", "L6", "L7", "L8", "L9", "L10", "L11"]);
    let l = refs[0].ok();
    assert_eq!(l.metadata.session_id, "conv-001");
    assert_eq!(roles(l), ["system", "user", "assistant", "tool", "tool", "assistant"]);
    assert_eq!(result_id(&l.messages[4]), "call_B2");
    assert_eq!(result_text(&l.messages[4]), "sunny, 24°C");
    assert_eq!(l.messages[3].tool_result.as_ref().unwrap().name, "get_weather");
    let l = refs[1].ok();
    assert_eq!(text(&l.messages[0]), "Compare these: and say which is larger.");
    assert_eq!(l.messages[0].parts.len(), 6);
    assert!(l.messages[0].meta.as_deref().unwrap().contains("alice"));
    let l = refs[2].ok();
    assert_eq!(roles(l), ["system", "user", "assistant"]);
    assert_eq!(text(&l.messages[2]), "Je ne peux pas aider avec cela.");
    let l = refs[3].ok();
    assert_eq!(l.messages[1].tool_calls[0].id, "call_0");
    assert_eq!(result_id(&l.messages[2]), "call_0");
    let l = refs[4].ok();
    assert_eq!(text(&l.messages[1]), "Checking. (no style advice)");
    assert_eq!(l.messages[1].tool_calls[0].args, "\"me and him goes\"");
    assert_eq!(result_id(&l.messages[2]), "");
    assert_eq!(l.warnings.len(), 1);
    assert_eq!(refs[5].err().0, ErrorKind::Value);
    assert_eq!(refs[6].err().0, ErrorKind::Syntax);
    assert_eq!(refs[7].err().0, ErrorKind::Type);
    assert!(refs[8].ok().messages.is_empty() && refs[8].ok().warnings.is_empty());
    assert_eq!(refs[9].ok().metadata.session_id, "42");
}

#[test]
fn example_batch_files() {
    let Some(dir) = examples("openai_batch") else { return };
    let refs = load_path(&dir.join("nightly_support_qa_batch.jsonl"), Parser::Session);
    assert_eq!(refs.len(), 10);
    let l = refs[0].ok();
    assert_eq!(l.metadata.session_id, "qa-T-001");
    assert_eq!(roles(l), ["system", "user"]);
    assert_eq!(text(&l.messages[0]), "Return concise internal support QA tags and a one-sentence summary.");
    assert_eq!(l.metadata.provider_info.get("model"), Some(&serde_json::json!("gpt-5.4-nano")));

    let refs = load_path(&dir.join("synthetic-batch-input.jsonl"), Parser::Session);
    assert_eq!(refs.len(), 7);
    assert_eq!(roles(refs[0].ok()), ["system", "user"]);
    assert_eq!(refs[2].ok().messages[2].tool_result.as_ref().unwrap().id, "call_9");
    let l = refs[3].ok();
    assert_eq!(roles(l), ["system", "user", "assistant", "tool", "assistant", "user"]);
    assert_eq!(l.messages[2].tool_calls[0].name, "describe_image");
    assert_eq!(result_id(&l.messages[3]), "fc_1");
    assert!(refs[4].ok().messages.is_empty() && refs[4].ok().warnings[0].contains("no conversation"));
    assert_eq!(text(&refs[5].ok().messages[0]), "Say this is a test");
    assert_eq!(refs[6].err().0, ErrorKind::Shape);

    let refs = load_path(&dir.join("synthetic-batch-output.jsonl"), Parser::Session);
    assert_eq!(refs.len(), 9);
    assert_eq!(refs[0].ok().metadata.session_id, "request-2");
    assert_eq!(text(&refs[0].ok().messages[0]), "Hello.");
    let names: Vec<&str> = refs[2].ok().messages[0].tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["lookup_order", "lookup_policy"]);
    assert_eq!(refs[3].err().0, ErrorKind::FailedRequest);
    assert!(refs[3]
        .err()
        .1
        .contains("batch_expired: This request could not be executed before the completion window expired."));
    assert_eq!(refs[4].err().0, ErrorKind::FailedRequest);
    assert!(refs[4].err().1.contains("invalid_value: Invalid 'messages[0].role': 'critic'."));
    let l = refs[5].ok();
    assert_eq!(text(&l.messages[0]), "Looks like a golden retriever.");
    assert_eq!(l.messages[0].tool_calls[0].name, "breed_lookup");
    assert!(refs[6].ok().messages.is_empty() && refs[6].ok().warnings.len() == 1);
    assert_eq!(text(&refs[7].ok().messages[0]), "Heads.");
    assert_eq!(refs[7].ok().warnings.len(), 1);
    assert_eq!(text(&refs[8].ok().messages[0]), "\n\nThis is indeed a test");
}

#[test]
fn sample_corpus_loads_without_error() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/sample/openai"));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut n = 0;
    for e in entries.flatten() {
        for r in load_path(&e.path(), Parser::Session) {
            n += 1;
            match &r.loaded {
                Err(err) => panic!("{} {:?}: {err:?}", e.path().display(), r.fragment),
                Ok(l) => assert!(
                    l.warnings.is_empty(),
                    "{} {:?}: {:?}",
                    e.path().display(),
                    r.fragment,
                    l.warnings
                ),
            }
        }
    }
    assert_eq!(n, 9);
}
