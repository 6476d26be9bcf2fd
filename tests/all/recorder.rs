//! PromptKit's recorder output (event-store JSONL, JSON export, JSONL
//! export), content sniffing, and honest empties (issue 4).

use std::path::PathBuf;

use arena_recordings::model::{Extra, WorkflowTransition};
use arena_recordings::owned;
use arena_recordings::{ErrorKind, Format, Loader, Parser, RecordingReference, Registry};

use crate::support::upstream;

const EVENTSTORE: &str = "corpus/sample/recorder/build-status-eventstore.jsonl";
const EXPORT_JSONL: &str = "corpus/sample/recorder/build-status-export.jsonl";
const EXPORT_JSON: &str = "corpus/sample/recorder/build-status-export.recording.json";
const HAND_SESSION: &str = "corpus/sample/session/code-review-session.recording.json";
const NATIVE: &str = "corpus/sample/session/travel-booking.recording.json";
const ARENA_RUN: &str = "corpus/sample/arena_output/hotel-concierge.arena.json";

/// A fresh directory under the system temp dir for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arena-recordings-recorder-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// What a load produced, as owned values.
#[derive(Debug)]
struct Loaded {
    format: Format,
    messages: Vec<owned::Message>,
    md: owned::Metadata,
    warnings: Vec<String>,
    skipped: Vec<(String, u32)>,
    transitions: Vec<(String, String, String, String, i64)>,
}

impl Loaded {
    fn of(rec: &arena_recordings::Recording<'_>) -> Loaded {
        Loaded {
            format: rec.format,
            messages: rec.messages.iter().map(owned::Message::from_borrowed).collect(),
            md: owned::Metadata::from_borrowed(&rec.metadata),
            warnings: rec.warnings.iter().map(|w| w.to_string()).collect(),
            skipped: rec.skipped_events.iter().map(|&(k, n)| (k.to_string(), n)).collect(),
            transitions: rec
                .metadata
                .workflow_transitions
                .iter()
                .map(|w: &WorkflowTransition<'_>| {
                    let s = |x: &str| x.to_string();
                    (s(w.from), s(w.to), s(w.event), s(w.prompt_task), w.message_index)
                })
                .collect(),
        }
    }
}

/// Loads a file through the default registry.
fn load_file(path: &str, hint: &str) -> arena_recordings::Result<Loaded> {
    let registry = Registry::new();
    let mut loader = Loader::new();
    let rec = registry.load_into(&RecordingReference::file(path, hint), &mut loader)?;
    Ok(Loaded::of(&rec))
}

/// The conversation all three recorder-shape files hold.
fn check_build_status_conversation(messages: &[owned::Message]) {
    assert_eq!(messages.len(), 4);
    let roles: Vec<&str> = messages.iter().map(|m| m.role.as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "tool", "assistant"]);
    assert_eq!(messages[0].content, "Did last night's build of the payments service pass?");
    assert_eq!(messages[0].timestamp.to_string(), "2026-02-17T03:00:00Z");
    let call = &messages[1].tool_calls[0];
    assert_eq!((call.id.as_str(), call.name.as_str()), ("toolu_01", "get_build_status"));
    // `args` is a JSON string in the file: its text is the arguments.
    assert_eq!(call.args, r#"{"pipeline":"payments-nightly"}"#);
    assert_eq!(messages[1].timestamp.to_string(), "2026-02-17T03:00:01.2Z");
    let result = messages[2].tool_result.as_ref().expect("tool result");
    assert_eq!(
        (result.id.as_str(), result.name.as_str(), result.latency_ms),
        ("toolu_01", "get_build_status", 37)
    );
    assert_eq!(result.parts[0].text.as_deref(), Some(r#"{"failed_tests":2,"status":"failed"}"#));
    // A tool message with no content and no parts takes the result's parts (upstream),
    // and its content is the result text.
    assert_eq!(messages[2].parts, result.parts);
    assert_eq!(messages[2].content, r#"{"failed_tests":2,"status":"failed"}"#);
    assert_eq!(messages[3].content, "No: the nightly build failed — 2 tests in ledger_test.go timed out.");
    assert_eq!(messages[3].timestamp.to_string(), "2026-02-17T03:00:02.6Z");
}

#[test]
fn event_store_jsonl() {
    let Loaded { format, messages, md, warnings, skipped, .. } = load_file(EVENTSTORE, "").unwrap();
    assert_eq!(format, Format::Recorder);
    check_build_status_conversation(&messages);
    assert_eq!(md.session_id, "run-2026-02-17T03-00Z_ci-helper");
    // No metadata in the event store: duration spans all events, no provider.
    assert_eq!(md.duration.as_nanos(), 2_600_000_000);
    assert!(md.provider_info.is_empty());
    assert_eq!(md.timestamps.len(), 4);
    assert_eq!(skipped, [("tool.call.started".to_string(), 1)]);
    assert_eq!(warnings, ["skipped 1 non-message event (tool.call.started: 1)"]);
}

#[test]
fn session_recording_exports() {
    for path in [EXPORT_JSONL, EXPORT_JSON] {
        let Loaded { format, messages, md, skipped, .. } = load_file(path, "").unwrap();
        assert_eq!(format, Format::Recorder, "{path}");
        check_build_status_conversation(&messages);
        assert_eq!(md.session_id, "run-2026-02-17T03-00Z_ci-helper");
        assert_eq!(md.duration.as_nanos(), 2_600_000_000);
        assert_eq!(md.provider_info.get("provider_id").and_then(|v| v.as_str()), Some("anthropic"));
        assert_eq!(md.provider_info.get("model").and_then(|v| v.as_str()), Some("claude-3-5-haiku"));
        assert_eq!(skipped, [("tool.call.started".to_string(), 1)]);
    }
    // The three shapes hold the same conversation.
    let a = load_file(EVENTSTORE, "").unwrap().messages;
    let b = load_file(EXPORT_JSONL, "").unwrap().messages;
    let c = load_file(EXPORT_JSON, "").unwrap().messages;
    assert_eq!(a, b);
    assert_eq!(b, c);
}

/// A hand-made approximation of the recorder's JSON export (`message.created`
/// events, lowercase `data` keys, `sequence` instead of `seq`).
#[test]
fn hand_written_recorder_style_session() {
    let Loaded { format, messages, md, warnings, skipped, .. } = load_file(HAND_SESSION, "").unwrap();
    assert_eq!(format, Format::Recorder);
    assert_eq!(messages.len(), 6);
    assert_eq!(md.duration.as_secs(), 90);
    assert_eq!(md.session_id, "review-bot-0423");
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(m.role, if i % 2 == 0 { "user" } else { "assistant" });
        assert_eq!(m.timestamp, md.timestamps[i]);
    }
    assert_eq!(messages[4].content, "Anything else before I merge?");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(skipped.is_empty());
}

/// The upstream file of that shape (PromptKit's session-replay example).
#[test]
fn upstream_hand_written_geography_session() {
    let Some(path) = upstream("pk_session-replay_geography-session.recording.json") else { return };
    let Loaded { format, messages, md, warnings, skipped, .. } =
        load_file(path.to_str().unwrap(), "").unwrap();
    assert_eq!(format, Format::Recorder);
    assert_eq!(messages.len(), 6);
    assert_eq!(md.duration.as_secs(), 90);
    assert_eq!(md.session_id, "geo-session-001");
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(m.role, if i % 2 == 0 { "user" } else { "assistant" });
        assert_eq!(m.timestamp, md.timestamps[i]);
    }
    assert_eq!(messages[4].content, "What river flows through Paris?");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(skipped.is_empty());
}

/// Loads bytes with the session parser.
fn load(bytes: &[u8]) -> arena_recordings::Result<Loaded> {
    let mut loader = Loader::new();
    let rec = loader.load_bytes(bytes, Parser::Session)?;
    Ok(Loaded::of(&rec))
}

#[test]
fn export_metadata_custom_tags_conversation_and_transitions() {
    let doc = br#"{
      "metadata": {"session_id": "s1", "conversation_id": "c1", "version": "1.0", "duration": 0,
                   "provider_name": "anthropic", "start_time": "2026-01-01T00:00:00Z",
                   "custom": {"tags": ["a", 3, "b"], "team": "x", "n": 2, "conversation_id": "override"}},
      "events": [
        {"seq": 1, "type": "workflow.transitioned", "timestamp": "2026-01-01T00:00:00Z",
         "data": {"from_state": "start", "to_state": "intake", "event": "begin", "prompt_task": "triage"}},
        {"seq": 2, "type": "message.created", "timestamp": "2026-01-01T00:00:01Z", "data": {"Role": "user", "Content": "hi"}},
        {"seq": 3, "type": "provider.call.started", "timestamp": "2026-01-01T00:00:02Z", "data": {}},
        {"seq": 4, "type": "message.created", "timestamp": "2026-01-01T00:00:04Z",
         "data": {"Role": "assistant", "Content": "", "Parts": [{"type": "text", "text": "hello"}],
                  "ToolCalls": [{"id": "t", "name": "f", "args": {"x": [1, 2]}}]}},
        {"seq": 5, "type": "workflow.transitioned", "timestamp": "2026-01-01T00:00:05Z",
         "data": {"from_state": "intake", "to_state": "done"}},
        {"seq": 6, "type": "provider.call.started", "timestamp": "2026-01-01T00:00:06Z"},
        {"seq": 7, "type": "audio.input", "timestamp": "2026-01-01T00:00:07Z"}
      ]
    }"#;
    let Loaded { format, messages, md, warnings, skipped, transitions, .. } = load(doc).unwrap();
    assert_eq!(format, Format::Recorder);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].parts[0].text.as_deref(), Some("hello"));
    // Any JSON value is accepted as tool arguments (upstream needs a string).
    assert_eq!(messages[1].tool_calls[0].args, r#"{"x":[1,2]}"#);
    // Duration 0 in the metadata: the span of the message timestamps.
    assert_eq!(md.duration.as_secs(), 3);
    assert_eq!(md.session_id, "s1");
    assert_eq!(md.tags, ["a", "b"]);
    assert_eq!(md.provider_info.get("provider_id").and_then(|v| v.as_str()), Some("anthropic"));
    assert_eq!(md.provider_info.get("model").and_then(|v| v.as_str()), Some(""));
    assert_eq!(md.extras.get("team"), Some(&serde_json::json!("x")));
    assert_eq!(md.extras.get("n"), Some(&serde_json::json!(2)));
    // custom is merged after conversation_id, so it wins (as upstream's map writes).
    assert_eq!(md.extras.get("conversation_id"), Some(&serde_json::json!("override")));
    assert!(!md.extras.contains_key("tags"));
    assert_eq!(
        transitions,
        [
            ("start".into(), "intake".into(), "begin".into(), "triage".into(), -1),
            ("intake".into(), "done".into(), "".into(), "".into(), 1),
        ]
    );
    assert_eq!(skipped, [("audio.input".to_string(), 1), ("provider.call.started".to_string(), 2)]);
    assert_eq!(warnings, ["skipped 3 non-message events (audio.input: 1, provider.call.started: 2)"]);
}

#[test]
fn event_store_conversation_id_and_span_over_all_events() {
    let jsonl = concat!(
        r#"{"seq":1,"event":{"type":"conversation.started","timestamp":"2026-01-01T00:00:00Z","session_id":"","conversation_id":"conv-9","data":{}}}"#,
        "\n",
        r#"{"seq":2,"parent_id":1,"event":{"type":"message.created","timestamp":"2026-01-01T00:00:10Z","session_id":"s-7","data":{"Role":"user","Content":"q"}}}"#,
        "\n",
        r#"{"seq":3,"event":{"type":"message.updated","timestamp":"2026-01-01T00:00:30Z","session_id":"s-7","data":{}}}"#,
        "\n"
    );
    let Loaded { messages, md, skipped, .. } = load(jsonl.as_bytes()).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(md.session_id, "s-7");
    assert_eq!(md.extras.get("conversation_id"), Some(&serde_json::json!("conv-9")));
    // The event store has no duration: it is the span of all events (as recording.Load).
    assert_eq!(md.duration.as_secs(), 30);
    assert_eq!(skipped, [("conversation.started".to_string(), 1), ("message.updated".to_string(), 1)]);
}

#[test]
fn keys_are_case_insensitive() {
    // Lowercase data keys (as the hand-written example), upper-case envelope keys.
    let doc = br#"{"METADATA": {"Version": "1.0", "Session_ID": "ci"},
      "Events": [{"SEQ": 1, "Type": "message.created", "TimeStamp": "2026-01-01T00:00:00Z",
                  "DATA": {"role": "user", "content": "lower", "toolcalls": [{"ID": "1", "NAME": "g", "ARGS": "{}"}]}}]}"#;
    let Loaded { format, messages, md, .. } = load(doc).unwrap();
    assert_eq!(format, Format::Recorder);
    assert_eq!(md.session_id, "ci");
    assert_eq!(messages.len(), 1);
    assert_eq!((messages[0].role.as_str(), messages[0].content.as_str()), ("user", "lower"));
    assert_eq!(messages[0].tool_calls[0].args, "{}");
    assert_eq!(messages[0].timestamp.to_string(), "2026-01-01T00:00:00Z");
    // Event type values are compared exactly, as upstream.
    let doc =
        br#"{"metadata":{"version":"1.0"},"events":[{"type":"Message.Created","data":{"Role":"user"}}]}"#;
    let Loaded { messages, warnings, skipped, .. } = load(doc).unwrap();
    assert!(messages.is_empty());
    assert_eq!(skipped, [("Message.Created".to_string(), 1)]);
    assert!(warnings.iter().any(|w| w == "no message.created events: 0 messages loaded"), "{warnings:?}");
}

#[test]
fn jsonl_export_requires_metadata() {
    let jsonl = concat!(
        r#"{"type":"event","event":{"seq":1,"type":"message.created","data":{"Role":"user","Content":"x"}}}"#,
        "\n",
        r#"{"type":"event","event":{"seq":2,"type":"message.created","data":{"Role":"assistant","Content":"y"}}}"#,
        "\n"
    );
    let e = load(jsonl.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert!(e.message().starts_with("invalid recording: missing metadata"), "{e}");
    // Neither shape's marker at all: the same clear error.
    let e = load(b"{\"a\":1}\n{\"b\":2}\n").unwrap_err();
    assert!(e.message().starts_with("invalid recording: missing metadata"), "{e}");
    // With a metadata line (anywhere) it loads; unknown record types are ignored with a warning.
    let with_meta = format!(
        "{jsonl}{}\n{}\n",
        r#"{"type":"metadata","metadata":{"version":"1.0","session_id":"m"}}"#, r#"{"type":"marker"}"#
    );
    let Loaded { messages, md, warnings, .. } = load(with_meta.as_bytes()).unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(md.session_id, "m");
    assert_eq!(warnings, ["ignored 1 JSON Lines record(s) whose type is neither \"metadata\" nor \"event\""]);
}

/// Byte offset of the start of 1-based line `n`.
fn line_start(text: &str, n: usize) -> usize {
    text.split_inclusive('\n').take(n - 1).map(str::len).sum()
}

#[test]
fn bad_line_in_the_middle_names_its_line() {
    let good = std::fs::read_to_string(EVENTSTORE).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines[2] = r#"{"seq":3,"event":{"type":"tool.call.started","data":{"ToolName": }}}"#;
    let text = lines.join("\n");
    let e = load(text.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.message().starts_with("line 3: invalid JSON"), "{e}");
    let pos = e.position().expect("located");
    assert_eq!(pos.line, 3);
    let col = lines[2].find('}').unwrap() + 1;
    assert_eq!(pos.column, col, "{e}");
    assert_eq!(e.offset(), Some(line_start(&text, 3) + col - 1));

    // A well-formed line with a bad payload: the event and line are named,
    // and the position is that of the bad value.
    let bad = r#"{"seq":4,"event":{"type":"message.created","timestamp":"2026-01-01T10:00:01Z","data":{"Role":7}}}"#;
    lines[2] = bad;
    let text = lines.join("\n");
    let e = load(text.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(
        e.message(),
        "line 3: event 4: decoding message.created: expected a string for \"Role\", found a number"
    );
    let pos = e.position().unwrap();
    assert_eq!((pos.line, pos.column), (3, bad.find('7').unwrap() + 1));

    // A wrong type in the line's envelope.
    lines[2] = r#"{"seq":"three","event":{}}"#;
    let e = load(lines.join("\n").as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert!(e.message().starts_with("line 3: expected an integer for \"seq\""), "{e}");
    assert_eq!(e.position().unwrap().line, 3);

    // Through the registry the path is named too.
    let dir = temp_dir("badline");
    let p = write(&dir, "run.jsonl", lines.join("\n").as_bytes());
    let e = load_file(&p, "").unwrap_err();
    assert!(e.to_string().starts_with(&format!("{p}:3:")), "{e}");
}

#[test]
fn message_created_without_data_is_an_error() {
    let doc = br#"{"metadata":{"version":"1.0"},"events":[{"seq":9,"type":"message.created"}]}"#;
    let e = load(doc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert_eq!(e.message(), "event 9: message.created event has no \"data\" payload");
    // null data: an empty message, as upstream.
    let doc = br#"{"metadata":{"version":"1.0"},"events":[{"type":"message.created","data":null}]}"#;
    let Loaded { messages, .. } = load(doc).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].role, "");
}

#[test]
fn empty_jsonl_file_is_an_error() {
    let dir = temp_dir("empty");
    for (name, bytes) in [("empty.jsonl", &b""[..]), ("blank.jsonl", &b"\n  \r\n\n"[..])] {
        let p = write(&dir, name, bytes);
        let e = load_file(&p, "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax, "{name}");
        assert!(e.message().contains("the file is empty"), "{e}");
    }
}

#[test]
fn blank_lines_crlf_and_one_line_files() {
    let good = std::fs::read_to_string(EVENTSTORE).unwrap();
    let crlf = format!("\n\r\n{}\r\n\r\n", good.lines().collect::<Vec<_>>().join("\r\n\n"));
    let Loaded { messages, md, .. } = load(crlf.as_bytes()).unwrap();
    check_build_status_conversation(&messages);
    assert_eq!(md.session_id, "run-2026-02-17T03-00Z_ci-helper");
    // A one-line event-store file parses as one document and is still read as a line.
    let first = good.lines().next().unwrap();
    let Loaded { format, messages, .. } = load(first.as_bytes()).unwrap();
    assert_eq!(format, Format::Recorder);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].content, "Did last night's build of the payments service pass?");
}

#[test]
fn streamed_lines_keep_their_unescaped_strings() {
    // Many lines with escapes, so in-place unescaping of each line happens
    // while earlier lines' strings are borrowed: every string must survive.
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..500 {
        let content = format!("line {i}: \"quoted\" \\ tab\t é \u{1F600} {}", "x".repeat(i % 97));
        let line = serde_json::json!({
            "seq": i + 1,
            "event": {"type": if i % 5 == 0 { "tool.call.started" } else { "message.created" },
                      "timestamp": "2026-01-01T00:00:00Z",
                      "data": {"Role": "user", "Content": content}}
        });
        // serde_json escapes the non-ASCII too when asked: mix both forms.
        let mut s = line.to_string();
        if i % 2 == 0 {
            s = s.replace('é', "\\u00e9");
        }
        text.push_str(&s);
        text.push('\n');
        if i % 5 != 0 {
            expected.push(content);
        }
    }
    let mut loader = Loader::new();
    for _ in 0..2 {
        let rec = loader.load_bytes(text.as_bytes(), Parser::Session).unwrap();
        let got: Vec<&str> = rec.messages.iter().map(|m| m.content).collect();
        assert_eq!(got, expected);
        assert_eq!(rec.skipped_events, &[("tool.call.started", 100)]);
    }
    // The same loader then reads a plain JSON document and a JSONL file again.
    let rec = loader.load_file(HAND_SESSION.as_ref(), Parser::Session).unwrap();
    assert_eq!(rec.messages.len(), 6);
    let rec = loader.load_file(EVENTSTORE.as_ref(), Parser::Session).unwrap();
    assert_eq!(rec.messages.len(), 4);
}

#[test]
fn sniffing_routes_unclaimed_json() {
    let dir = temp_dir("sniff");
    // `promptarena run` writes `<RunID>.json`: no suffix claims it.
    let run = write(
        &dir,
        "2025-12-09T09-41Z_claude-3-5-haiku_default_hotel-concierge_5d02c1e7.json",
        &std::fs::read(ARENA_RUN).unwrap(),
    );
    let Loaded { format, messages, md, warnings, .. } = load_file(&run, "").unwrap();
    assert_eq!(format, Format::ArenaRun);
    assert_eq!(messages.len(), 15);
    assert!(!md.session_id.is_empty());
    assert!(warnings.is_empty());
    // An `events` document named `.json`: a session recording (either shape).
    let export = write(&dir, "session.json", &std::fs::read(HAND_SESSION).unwrap());
    let Loaded { format, messages, .. } = load_file(&export, "").unwrap();
    assert_eq!((format, messages.len()), (Format::Recorder, 6));
    let native = write(&dir, "native.json", &std::fs::read(NATIVE).unwrap());
    let Loaded { format, messages, .. } = load_file(&native, "").unwrap();
    assert_eq!((format, messages.len()), (Format::Session, 4));
    // `.jsonl` is a session recording without a hint.
    let Loaded { format, messages, .. } = load_file(EVENTSTORE, "").unwrap();
    assert_eq!((format, messages.len()), (Format::Recorder, 4));
    let registry = Registry::new();
    assert_eq!(registry.find_adapter("out/run-123.jsonl", "").unwrap().name(), "session");
    assert_eq!(registry.find_adapter("out/run-123.json", "").unwrap().name(), "generic");
    assert_eq!(registry.find_adapter("x.recording.json", "").unwrap().name(), "session");
    assert_eq!(registry.find_adapter("x.arena.json", "").unwrap().name(), "arena_output");
    let e = registry.load(&RecordingReference::file("x.txt", "")).unwrap_err();
    assert_eq!(e.message(), "no adapter found for file extension '.txt' (ref: x.txt)");
    let e = registry.load(&RecordingReference::file("x.json", "mock")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "an unknown hint falls back to suffix routing: {e}");
}

#[test]
fn generic_hint_detects_and_explicit_hints_win() {
    let dir = temp_dir("generic");
    let registry = Registry::new();
    assert_eq!(registry.find_adapter("x.recording.json", "generic").unwrap().name(), "generic");
    let odd = write(&dir, "recording.txt", &std::fs::read(EXPORT_JSONL).unwrap());
    let Loaded { format, messages, .. } = load_file(&odd, "generic").unwrap();
    assert_eq!((format, messages.len()), (Format::Recorder, 4));
    let odd = write(&dir, "run.data", &std::fs::read(ARENA_RUN).unwrap());
    let Loaded { format, messages, .. } = load_file(&odd, "  GENERIC ").unwrap();
    assert_eq!((format, messages.len()), (Format::ArenaRun, 15));
    // An explicit hint beats sniffing: run output read as a session recording
    // has none of its keys, and says so.
    let run = write(&dir, "run-1.json", &std::fs::read(ARENA_RUN).unwrap());
    let Loaded { format, messages, warnings, .. } = load_file(&run, "session").unwrap();
    assert_eq!((format, messages.len()), (Format::Session, 0));
    assert!(warnings[0].starts_with("no recognised keys"), "{warnings:?}");
    // ... and JSON Lines read as Arena output fail to parse.
    let e = load_file(EVENTSTORE, "arena").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
}

#[test]
fn documents_without_recognised_keys_warn() {
    let mut loader = Loader::new();
    for (bytes, parser) in [
        (&b"{}"[..], Parser::Session),
        (&b"{\"sessionId\":\"x\",\"eventList\":[]}"[..], Parser::Session),
        (&b"null"[..], Parser::Session),
        (&b"{}"[..], Parser::ArenaOutput),
        (&b"{}"[..], Parser::Auto),
        (&b"{\"run_id\":\"snake\",\"messageList\":[]}"[..], Parser::Auto),
    ] {
        let rec = loader.load_bytes(bytes, parser).unwrap();
        assert!(rec.messages.is_empty());
        assert_eq!(rec.warnings.len(), 1, "{parser:?} {:?}", String::from_utf8_lossy(bytes));
        assert!(rec.warnings[0].starts_with("no recognised keys"), "{:?}", rec.warnings);
    }
    // A top-level array is not a recording of any format.
    let e = loader.load_bytes(b"[]", Parser::Auto).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
}

#[test]
fn extras_are_typed() {
    let doc = br#"{"metadata":{"version":"1.0","custom":{"s":"str","o":{"k":[true,null]}}},"events":[]}"#;
    let mut loader = Loader::new();
    let rec = loader.load_bytes(doc, Parser::Session).unwrap();
    assert_eq!(rec.metadata.extra("s"), Some(Extra::Str("str")));
    assert_eq!(
        rec.metadata.extra("o").map(|e| matches!(e, Extra::Json(j) if j.0 == r#"{"k":[true,null]}"#)),
        Some(true)
    );
    let keys: Vec<&str> = rec.metadata.extras.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["o", "s"]);
}

#[test]
fn generic_hint_detects_a_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("conversation.txt");
    std::fs::write(&path, "metadata:\n  session_id: s-1\nmessages:\n  - role: user\n    content: hi\n")
        .unwrap();
    let reg = arena_recordings::Registry::new();
    let r = arena_recordings::RecordingReference::file(path.to_str().unwrap(), "generic");
    let (msgs, md) = reg.load(&r).unwrap();
    assert_eq!((msgs.len(), msgs[0].content.as_str(), md.session_id.as_str()), (1, "hi", "s-1"));
}
