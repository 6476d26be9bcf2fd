//! The core issue's behaviour: docs/formats.md#the-references-test-checklist (the reference's own
//! test checklist), the real corpus files, bad input, PromptKit JSON output
//! and the registry API.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use arena_recordings::model::Extra;
use arena_recordings::owned::{Message, Metadata};
use arena_recordings::{
    enumerate_files, is_glob_pattern, promptkit, ErrorKind, Loader, Parser, RecordingAdapter,
    RecordingReference, Registry, Timestamp,
};
use arena_recordings::{has_extension, matches_type_hint, ARENA_OUTPUT, SESSION};

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, body).unwrap();
    p
}

fn load_str(parser: Parser, body: &str) -> arena_recordings::Result<(Vec<Message>, Metadata)> {
    let mut loader = Loader::new();
    let rec = loader.load_bytes(body.as_bytes(), parser)?;
    Ok(arena_recordings::to_owned(&rec))
}

fn load_ok(parser: Parser, body: &str) -> (Vec<Message>, Metadata) {
    load_str(parser, body).unwrap_or_else(|e| panic!("load failed: {e}"))
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

mod checklist {
    //! docs/formats.md#the-references-test-checklist, items by item.
    use super::*;

    #[test]
    fn glob_detection_1_to_7() {
        assert!(!is_glob_pattern("dir/file.recording.json"));
        assert!(is_glob_pattern("*"));
        assert!(is_glob_pattern("file?.json"));
        assert!(is_glob_pattern("file[0-9].json"));
        assert!(is_glob_pattern("dir/**/x.json"));
        assert!(is_glob_pattern("file*.json"));
        assert!(!is_glob_pattern(""));
        // `{` does not make a glob, `\*` does.
        assert!(!is_glob_pattern("a{b,c}.recording.json"));
        assert!(is_glob_pattern("a\\*.json"));
    }

    #[test]
    fn enumerate_files_8_to_11() {
        let dir = tempfile::tempdir().unwrap();
        let f = write(dir.path(), "one.recording.json", "{}");
        let f = f.to_str().unwrap();
        let refs = enumerate_files(f, "session").unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].id.as_str(), refs[0].source.as_str(), refs[0].type_hint.as_str()),
            (f, f, "session")
        );
        // A literal path is not checked for existence.
        assert_eq!(enumerate_files("/no/such/file.json", "").unwrap().len(), 1);

        for n in ["a.json", "b.json", "c.json", "d.txt"] {
            write(dir.path(), &format!("g/{n}"), "{}");
        }
        let pattern = format!("{}/g/*.json", dir.path().display());
        let refs = enumerate_files(&pattern, "session").unwrap();
        assert_eq!(refs.len(), 3);
        for r in &refs {
            assert!(r.id.contains(".json"));
            assert_eq!(r.source, pattern);
            assert_eq!(r.type_hint, "session");
        }
        let none = format!("{}/g/*.yaml", dir.path().display());
        let err = enumerate_files(&none, "").unwrap_err();
        assert!(err.to_string().contains("no files matched"), "{err}");
        assert_eq!(err.kind(), ErrorKind::NoMatch);
        let err = enumerate_files("/path/[invalid", "").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Glob | ErrorKind::NoMatch), "{err:?}");
    }

    #[test]
    fn glob_is_recursive_and_files_only() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "d/sub/s.recording.json", "{}");
        write(dir.path(), "d/sub/deep/z.recording.json", "{}");
        write(dir.path(), "d/x.recording.json", "{}");
        fs::create_dir_all(dir.path().join("d/dir.recording.json")).unwrap();
        let refs = enumerate_files(&format!("{}/d/**/*.recording.json", dir.path().display()), "").unwrap();
        let names: Vec<&str> = refs.iter().map(|r| r.id.rsplit('/').next().unwrap()).collect();
        assert_eq!(names, ["z.recording.json", "s.recording.json", "x.recording.json"]);
    }

    // Items 12-21 are unit tests in src/formats/convert.rs.

    struct TestAdapter {
        calls: AtomicUsize,
    }

    impl RecordingAdapter for TestAdapter {
        fn name(&self) -> &str {
            "test"
        }
        fn can_handle(&self, source: &str, hint: &str) -> bool {
            has_extension(source, &[".test"]) || matches_type_hint(hint, &["mock"])
        }
        fn enumerate(&self, source: &str) -> arena_recordings::Result<Vec<RecordingReference>> {
            Ok(vec![
                RecordingReference::file(format!("{source}#1"), "mock"),
                RecordingReference::file(format!("{source}#2"), "mock"),
            ])
        }
        fn load(&self, r: &RecordingReference) -> arena_recordings::Result<(Vec<Message>, Metadata)> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let m = Message { role: "user".into(), content: format!("from {}", r.id), ..Message::default() };
            let md = Metadata { session_id: "db-42".into(), ..Metadata::default() };
            Ok((vec![m], md))
        }
    }

    #[test]
    fn registry_22_to_29() {
        let r = Registry::new();
        assert!(!r.is_empty());
        let r = Registry::new_empty();
        assert_eq!(r.len(), 0);
        r.register(TestAdapter { calls: AtomicUsize::new(0) });
        assert_eq!(r.len(), 1);
        assert_eq!(r.find_adapter("file.test", "").unwrap().name(), "test");
        assert!(r.find_adapter("file.other", "").is_none());
        let (msgs, md) = r.load(&RecordingReference::file("x.test", "")).unwrap();
        assert_eq!(msgs[0].content, "from x.test");
        assert_eq!(md.session_id, "db-42");
        assert!(r.load(&RecordingReference::file("x.other", "")).is_err());
        assert_eq!(r.enumerate("*.test", "").unwrap().len(), 2);
        let err = r.enumerate("*.nope", "").unwrap_err();
        assert_eq!(err.to_string(), "no adapter found for file extension '.nope' (source: *.nope)");
        let err = r.enumerate("dir/*", "json").unwrap_err();
        assert_eq!(err.to_string(), "no adapter found for type hint 'json' (source: dir/*)");
        let err = r.load(&RecordingReference::file("a/b", "")).unwrap_err();
        assert_eq!(err.to_string(), "no adapter found for file extension '' (ref: a/b)");
    }

    #[test]
    fn user_adapter_routes_through_zero_copy_path() {
        let r = Registry::new();
        r.register(TestAdapter { calls: AtomicUsize::new(0) });
        // Hint `mock` goes to the user adapter even for a built-in suffix.
        let reference = RecordingReference::file("test.json", "mock");
        assert_eq!(r.find_adapter(&reference.id, &reference.type_hint).unwrap().name(), "test");
        let mut loader = Loader::new();
        let rec = r.load_into(&reference, &mut loader).unwrap();
        assert_eq!(rec.messages[0].content, "from test.json");
        assert_eq!(rec.metadata.session_id, "db-42");
    }

    #[test]
    fn extension_and_hint_matching_30_to_40() {
        assert!(has_extension("file.json", &[".json"]));
        assert!(has_extension("file.yaml", &[".json", ".yaml"]));
        assert!(has_extension("file.JSON", &[".json"]));
        assert!(!has_extension("file.txt", &[".json"]));
        assert!(has_extension("x.recording.json", &[".recording.json"]));
        assert!(has_extension("X.RECORDING.JSON", &[".recording.json"]));
        assert!(!has_extension("x.transcript.yml?foo", &[".transcript.yml"]));
        assert!(matches_type_hint("session", &["session"]));
        assert!(matches_type_hint("recording", &["session", "recording"]));
        assert!(matches_type_hint("SESSION", &["session"]));
        assert!(matches_type_hint(" session ", &["session"]));
        assert!(matches_type_hint("  ARENA_OUTPUT ", &["arena_output"]));
        assert!(!matches_type_hint("arena", &["session"]));
        assert!(!matches_type_hint("", &["session"]));
    }

    #[test]
    fn metadata_types_hold_values_41() {
        let md = Metadata { session_id: "s".into(), tags: vec!["a".into()], ..Metadata::default() };
        assert_eq!((md.session_id.as_str(), md.tags.len()), ("s", 1));
        let p = arena_recordings::owned::ProviderSpec {
            kind: "openai".into(),
            model: "gpt-4o".into(),
            id: "j".into(),
        };
        assert_eq!(p.model, "gpt-4o");
    }

    #[test]
    fn session_can_handle_42_to_47() {
        assert!(SESSION.can_handle("x.recording.json", ""));
        assert!(SESSION.can_handle("x.json", "session"));
        assert!(SESSION.can_handle("x.json", "recording"));
        assert!(SESSION.can_handle("x.json", "session_recording"));
        assert!(!SESSION.can_handle("file.json", ""));
        assert!(!SESSION.can_handle("file.json", "arena"));
    }

    const SESSION_DOC: &str = r#"{
      "metadata": {"session_id": "sess-1", "provider_id": "openai", "model": "gpt-4o", "tags": ["a", "b"]},
      "events": [
        {"type": "message", "timestamp": "2024-01-15T10:00:00Z", "message": {"role": "user", "content": "Hi"}},
        {"type": "message", "timestamp": "2024-01-15T10:00:05Z", "message": {"role": "assistant", "content": "Hello",
          "tool_calls": [{"id": "call_123", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]}},
        {"type": "other", "timestamp": "2024-01-15T10:00:06Z"},
        {"type": "message", "timestamp": "2024-01-15T10:00:10Z", "message": {"role": "tool", "content": "Sunny", "tool_call_id": "call_123",
          "parts": [{"type": "text", "text": "Sunny"}]}}
      ]
    }"#;

    #[test]
    fn session_load_48_to_51() {
        let (msgs, md) = load_ok(Parser::Session, SESSION_DOC);
        assert_eq!(msgs.len(), 3);
        assert_eq!(
            msgs.iter().map(|m| (m.role.as_str(), m.content.as_str())).collect::<Vec<_>>(),
            [("user", "Hi"), ("assistant", "Hello"), ("tool", "Sunny")]
        );
        assert_eq!(msgs[2].parts.len(), 1);
        assert_eq!(md.session_id, "sess-1");
        assert_eq!(md.tags, ["a", "b"]);
        assert_eq!(md.timestamps.len(), 3);
        assert_eq!(md.provider_info["provider_id"], "openai");
        assert_eq!(md.provider_info["model"], "gpt-4o");
        assert_eq!(md.duration.as_secs(), 10);
        assert_eq!(msgs[1].tool_calls[0].id, "call_123");
        assert_eq!(msgs[1].tool_calls[0].name, "get_weather");
        assert_eq!(msgs[1].tool_calls[0].args, "{\"city\": \"Paris\"}");
        let tr = msgs[2].tool_result.as_ref().unwrap();
        assert_eq!(tr.id, "call_123");
        assert_eq!(tr.parts[0].text.as_deref(), Some("Sunny"));
        // Our fix: the message carries its event's timestamp.
        assert_eq!(msgs[0].timestamp, ts("2024-01-15T10:00:00Z"));
    }

    #[test]
    fn session_multimodal_and_parts_52_and_55_to_59() {
        let doc = r#"{"events": [{"type": "message", "message": {"role": "user", "parts": [
            {"type": "text", "text": "Hello"},
            {"type": "image", "media": {"mime_type": "image/jpeg", "data": "QUJD", "width": 800, "height": 600}},
            {"type": "image", "media": {"uri": "https://x/y.png"}},
            {"type": "image", "media": {"path": "/tmp/y.png"}},
            {"type": "video", "media": {"uri": "v.mp4", "duration": 5000}}
        ]}}]}"#;
        let (msgs, _) = load_ok(Parser::Session, doc);
        let p = &msgs[0].parts;
        assert_eq!(p.len(), 5);
        assert_eq!((p[0].kind.as_str(), p[0].text.as_deref()), ("text", Some("Hello")));
        let img = p[1].media.as_ref().unwrap();
        assert_eq!(
            (img.mime_type.as_str(), img.width, img.data.as_deref()),
            ("image/jpeg", Some(800), Some("QUJD"))
        );
        assert_eq!(p[2].media.as_ref().unwrap().url.as_deref(), Some("https://x/y.png"));
        assert_eq!(p[3].media.as_ref().unwrap().file_path.as_deref(), Some("/tmp/y.png"));
        assert_eq!(p[4].media.as_ref().unwrap().duration, Some(5));
    }

    #[test]
    fn session_errors_53_54() {
        let reg = Registry::new();
        let err = reg.load(&RecordingReference::file("/nonexistent/x.recording.json", "")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        assert!(err.to_string().starts_with("/nonexistent/x.recording.json:"), "{err}");
        let err = load_str(Parser::Session, "this is not json").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Syntax);
    }

    #[test]
    fn arena_can_handle_60_to_66() {
        assert!(ARENA_OUTPUT.can_handle("x.arena-output.json", ""));
        assert!(ARENA_OUTPUT.can_handle("x.arena.json", ""));
        assert!(ARENA_OUTPUT.can_handle("x.json", "arena"));
        assert!(ARENA_OUTPUT.can_handle("x.json", "arena_output"));
        assert!(ARENA_OUTPUT.can_handle("x.json", "scenario_output"));
        assert!(!ARENA_OUTPUT.can_handle("file.txt", ""));
        assert!(!ARENA_OUTPUT.can_handle("file.json", "other"));
    }

    const TURNS_DOC: &str = r#"{
      "scenario_id": "weather", "provider_id": "openai",
      "metadata": {"tags": ["t1", "t2"], "extras": {"x": 1}},
      "turns": [{
        "turn_index": 0, "timestamp": "2024-01-15T10:00:00Z",
        "user_message": {"content": "Weather?"},
        "response": {"message": {"role": "assistant", "content": "Checking",
          "tool_calls": [{"id": "call_123", "name": "get_weather", "args": {"city": "Paris"}}]},
          "cost": {"input_tokens": 5, "output_tokens": 7, "total_cost": 0.01}},
        "tool_results": [{"tool_call_id": "call_123", "content": "Sunny, 72°F"}],
        "assertions": [{"type": "contains", "passed": true}]
      }],
      "summary": {"total_turns": 1, "passed_turns": 1, "failed_turns": 0, "total_cost": 0.01}
    }"#;

    #[test]
    fn arena_turns_67_68() {
        let (msgs, md) = load_ok(Parser::ArenaOutput, TURNS_DOC);
        assert_eq!(
            msgs.iter().map(|m| (m.role.as_str(), m.content.as_str())).collect::<Vec<_>>(),
            [("user", "Weather?"), ("assistant", "Checking"), ("tool", "Sunny, 72°F")]
        );
        assert_eq!(msgs[1].tool_calls.len(), 1);
        assert_eq!(msgs[2].tool_result.as_ref().unwrap().id, "call_123");
        assert_eq!(md.tags, ["t1", "t2"]);
        assert_eq!(md.extras["scenario_id"], "weather");
        assert_eq!(md.provider_info.len(), 1);
        assert_eq!(md.provider_info["provider_id"], "openai");
        assert_eq!(md.timestamps.len(), 3);
        assert_eq!(msgs[0].timestamp, ts("2024-01-15T10:00:00Z"));
    }

    #[test]
    fn arena_turns_metadata_times_are_the_turns() {
        // The response message and the tool result carry their own times; the
        // metadata, as the reference's, has the turn's time for every message
        // of the turn (and so the duration spans the turns, not the messages).
        let doc = r#"{"turns": [
          {"timestamp": "2024-01-15T10:00:00Z", "user_message": {"content": "q1"},
           "response": {"message": {"role": "assistant", "content": "a1", "timestamp": "2024-01-15T10:00:07Z"}},
           "tool_results": [{"tool_call_id": "c1", "content": "r1"}]},
          {"timestamp": "2024-01-15T10:01:00Z", "user_message": {"content": "q2"},
           "response": {"message": {"role": "assistant", "content": "a2", "timestamp": "2024-01-15T10:05:00Z"}}}
        ]}"#;
        let (msgs, md) = load_ok(Parser::ArenaOutput, doc);
        let t0 = ts("2024-01-15T10:00:00Z");
        let t1 = ts("2024-01-15T10:01:00Z");
        assert_eq!(md.timestamps, [t0, t0, t0, t1, t1]);
        assert_eq!(md.duration, std::time::Duration::from_secs(60));
        let own: Vec<Timestamp> = msgs.iter().map(|m| m.timestamp).collect();
        assert_eq!(own, [t0, ts("2024-01-15T10:00:07Z"), t0, t1, ts("2024-01-15T10:05:00Z")]);
    }

    #[test]
    fn arena_errors_69_70() {
        let reg = Registry::new();
        assert!(reg.load(&RecordingReference::file("/nonexistent/x.arena.json", "")).is_err());
        assert_eq!(load_str(Parser::ArenaOutput, "{nope").unwrap_err().kind(), ErrorKind::Syntax);
    }

    #[test]
    fn arena_simple_shape_71() {
        let doc = r#"{"RunID": "run-7", "Messages": [
            {"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}"#;
        let (msgs, md) = load_ok(Parser::ArenaOutput, doc);
        assert_eq!(msgs.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(md.session_id, "run-7");
    }

    #[test]
    fn arena_part_conversion_72() {
        for n in 0..3 {
            let parts: Vec<String> = (0..n).map(|i| format!(r#"{{"type":"text","text":"p{i}"}}"#)).collect();
            let doc = format!(
                r#"{{"turns":[{{"user_message":{{"content":"x","parts":[{}]}}}}]}}"#,
                parts.join(",")
            );
            let (msgs, _) = load_ok(Parser::ArenaOutput, &doc);
            assert_eq!(msgs[0].parts.len(), n);
        }
    }
}

mod corpus {
    //! The sample corpus (fixtures written here) with their expected results.
    use super::*;

    pub(super) fn load(path: &str) -> (Vec<Message>, Metadata) {
        Registry::new().load(&RecordingReference::file(path, "")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn native_session() {
        let (msgs, md) = load("corpus/sample/session/travel-booking.recording.json");
        assert_eq!(msgs.len(), 4);
        assert_eq!(md.duration.as_secs(), 33);
        assert_eq!(md.session_id, "travel-desk-017");
        assert_eq!(md.tags, ["travel", "booking"]);
        assert_eq!(md.provider_info["provider_id"], "anthropic");
        assert_eq!(md.provider_info["model"], "claude-3-5-sonnet");
        assert_eq!(md.timestamps.len(), 4);
        assert!(msgs[1].content.contains("café car"), "{}", msgs[1].content);
    }

    #[test]
    fn run_output_with_validations_and_meta() {
        let (msgs, md) = load("corpus/sample/arena_output/hotel-concierge.arena.json");
        assert_eq!(msgs.len(), 15);
        assert!(md.session_id.starts_with("2025-12-09T09-41Z_claude-3-5-haiku"), "{}", md.session_id);
        assert_eq!(md.provider_info["provider_id"], "claude-3-5-haiku");
        assert_eq!(md.extras["scenario_id"], "hotel-concierge");
        assert_eq!(md.extras["region"], "default");
        assert!(md.extras["params"]["system_prompt"]
            .as_str()
            .unwrap()
            .starts_with("You are the virtual concierge"));
        assert_eq!(md.duration.as_nanos(), 11_940_000);
        assert_eq!(md.timestamps.len(), 15);
        assert_eq!(msgs[2].validations.as_deref().map(|v| v.starts_with('[')), Some(true));
        assert!(msgs[2].meta.as_deref().is_some_and(|m| m.contains("content_matches")), "{:?}", msgs[2].meta);
    }

    #[test]
    fn legacy_tool_result_content_is_kept() {
        let (msgs, md) = load("corpus/sample/arena_output/hvac-faults.arena.json");
        let tools: Vec<&Message> = msgs.iter().filter(|m| m.role == "tool").collect();
        assert_eq!(tools.len(), 6);
        for t in &tools {
            let r = t.tool_result.as_ref().unwrap();
            assert_eq!(r.parts.len(), 1, "{t:?}");
            assert!(r.parts[0].text.as_deref().unwrap().starts_with('{'));
        }
        assert_eq!(tools[1].tool_result.as_ref().unwrap().name, "get_unit_telemetry");
        assert_eq!(md.duration.as_nanos(), 13_873_902_417);
        assert_eq!(md.extras["scenario_id"], "hvac-faults");
    }

    #[test]
    fn tool_usage_run_with_offsets_and_zero_times() {
        let (msgs, md) = load("corpus/sample/arena_output/trip-planner-tools.arena.json");
        assert_eq!(msgs.len(), 8);
        assert_eq!(msgs[0].timestamp.offset_seconds(), 3600);
        assert_eq!(msgs[2].tool_calls.len(), 2);
        assert_eq!(msgs[2].tool_calls[0].args, r#"{"date":"2026-10-02","from":"EDI","to":"OSL"}"#);
        assert_eq!(msgs[2].tool_calls[1].args, r#"{"amount":1450,"from":"NOK","to":"GBP"}"#);
        assert!(msgs[3].timestamp.is_zero());
        assert_eq!(msgs[3].content, "1 direct flight: 11:05-14:20, 1450 NOK");
        // Zero message times fall back to StartTime in metadata.
        assert!(!md.timestamps[3].is_zero());
    }

    #[test]
    fn selfplay_run() {
        let (msgs, md) = load("corpus/sample/arena_output/bank-redteam-selfplay.arena.json");
        assert_eq!(msgs.len(), 9);
        assert!(msgs.iter().filter(|m| m.role == "tool").all(|m| !m.content.is_empty()));
        // The self-play user's turn carries a zero timestamp.
        assert!(msgs[3].timestamp.is_zero());
        assert_eq!(
            md.session_id,
            "2025-11-27T10-15Z_openai-gpt4o-mini_default_bank-redteam-selfplay_c93f0d52"
        );
    }
}

mod upstream {
    //! The upstream real files (public data from PromptKit and promptarena),
    //! read where they lie in `../shared/spec/examples/`; skipped, with one
    //! note on stderr, when that folder is absent.
    use super::corpus::load;
    use super::*;
    use crate::support::upstream;

    fn load_upstream(name: &str) -> Option<(Vec<Message>, Metadata)> {
        let path = upstream(name)?;
        Some(load(path.to_str().unwrap()))
    }

    /// Run outputs are `*.run.json` upstream; the Arena adapter claims
    /// `*.arena.json`, so they are loaded with the `arena_output` hint.
    fn load_run(name: &str) -> Option<(Vec<Message>, Metadata)> {
        let path = upstream(name)?;
        let r = RecordingReference::file(path.to_str().unwrap(), "arena_output");
        Some(Registry::new().load(&r).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn geography_session() {
        let Some((msgs, md)) = load_upstream("pk_eval-test_geography.recording.json") else { return };
        assert_eq!(msgs.len(), 4);
        assert_eq!(md.duration.as_secs(), 33);
        assert_eq!(md.session_id, "geography-eval-001");
        assert_eq!(md.tags, ["geography", "test"]);
        assert_eq!(md.provider_info["provider_id"], "openai");
        assert_eq!(md.provider_info["model"], "gpt-4o");
        assert_eq!(md.timestamps.len(), 4);
    }

    #[test]
    fn customer_support_run() {
        let Some((msgs, md)) = load_upstream("pk_eval-test_customer-support.arena.json") else { return };
        assert_eq!(msgs.len(), 15);
        assert!(md.session_id.starts_with("2025-12-21T14-24Z_claude-3-5-haiku"), "{}", md.session_id);
        assert_eq!(md.provider_info["provider_id"], "claude-3-5-haiku");
        assert_eq!(md.extras["scenario_id"], "customer-support-scenarios");
        assert_eq!(md.extras["region"], "default");
        assert!(md.extras["params"]["system_prompt"].as_str().unwrap().starts_with("You are a helpful"));
        assert_eq!(md.duration.as_nanos(), 7_767_625);
        assert_eq!(md.timestamps.len(), 15);
        assert_eq!(msgs[2].validations.as_deref().map(|v| v.starts_with('[')), Some(true));
    }

    #[test]
    fn legacy_tool_result_content_is_kept() {
        let Some((msgs, md)) = load_run("pk_templates-testdata_hardware-faults.run.json") else { return };
        let tools: Vec<&Message> = msgs.iter().filter(|m| m.role == "tool").collect();
        assert_eq!(tools.len(), 6);
        for t in &tools {
            let r = t.tool_result.as_ref().unwrap();
            assert_eq!(r.parts.len(), 1, "{t:?}");
            assert!(r.parts[0].text.as_deref().unwrap().starts_with('{'));
        }
        assert_eq!(md.duration.as_nanos(), 14_545_884_459);
        assert_eq!(md.extras["scenario_id"], "hardware-faults");
    }

    #[test]
    fn tool_usage_run_with_offsets_and_zero_times() {
        let Some((msgs, md)) = load_run("pa_adapters-testdata_tool-usage.run.json") else { return };
        assert_eq!(msgs.len(), 8);
        assert_eq!(msgs[0].timestamp.offset_seconds(), 3600);
        assert_eq!(msgs[2].tool_calls.len(), 2);
        assert_eq!(msgs[2].tool_calls[0].args, r#"{"query":"AI artificial intelligence"}"#);
        assert!(msgs[3].timestamp.is_zero());
        assert_eq!(msgs[3].content, "Found 3 results for your query");
        // Zero message times fall back to StartTime in metadata.
        assert!(!md.timestamps[3].is_zero());
    }

    #[test]
    fn redteam_selfplay_run() {
        let Some((msgs, md)) = load_run("pk_templates-testdata_redteam-selfplay.run.json") else { return };
        assert!(msgs.len() >= 9);
        assert!(msgs.iter().filter(|m| m.role == "tool").all(|m| !m.content.is_empty()));
        assert!(!md.session_id.is_empty());
    }
}

mod bad_input {
    //! Every bad input is a positioned error, never a panic.
    use super::*;

    fn err(parser: Parser, body: &[u8]) -> arena_recordings::Error {
        let mut loader = Loader::new();
        match loader.load_bytes(body, parser) {
            Ok(r) => panic!("expected an error, got {} messages", r.messages.len()),
            Err(e) => e,
        }
    }

    #[test]
    fn empty_file() {
        for body in [&b""[..], b"   \n"] {
            let e = err(Parser::Session, body);
            assert_eq!(e.kind(), ErrorKind::Syntax);
            assert!(e.message().contains("unexpected end of JSON input"), "{e}");
        }
    }

    #[test]
    fn truncated_json() {
        let full = fs::read("corpus/sample/session/travel-booking.recording.json").unwrap();
        for cut in [1, 10, 100, full.len() / 2, full.len() - 2] {
            let e = err(Parser::Session, &full[..cut]);
            assert_eq!(e.kind(), ErrorKind::Syntax, "cut {cut}: {e}");
            assert!(e.position().is_some(), "cut {cut}: {e}");
        }
    }

    #[test]
    fn wrong_types_name_field_and_position() {
        // (parser, document, message prefix, the text the error must point at)
        let cases: &[(Parser, &str, &str, &str)] = &[
            (
                Parser::Session,
                "{\"events\": [\n  {\"type\": \"message\", \"message\": {\"role\": 12}}]}",
                "expected a string for \"role\", found a number",
                "12}",
            ),
            (Parser::Session, "{\"events\": {}}", "expected an array for \"events\", found an object", "{}}"),
            (
                Parser::Session,
                "{\"metadata\": {\"tags\": \"x\"}}",
                "expected an array for \"tags\", found a string",
                "\"x\"",
            ),
            (
                Parser::Session,
                "{\"events\": [{\"type\": \"message\", \"timestamp\": \"2024-01-01 00:00:00\"}]}",
                "expected an RFC 3339 timestamp for \"timestamp\"",
                "\"2024",
            ),
            (
                Parser::Session,
                "{\"events\": [{\"message\": {\"parts\": [{\"media\": {\"size\": \"big\"}}]}}]}",
                "expected an integer for \"size\", found a string",
                "\"big",
            ),
            (
                Parser::Session,
                "{\"events\": [{\"message\": {\"parts\": [{\"media\": {\"size\": 1.5}}]}}]}",
                "expected an integer for \"size\"",
                "1.5",
            ),
            (
                Parser::Session,
                "{\"events\": [{\"message\": {\"tool_calls\": [{\"function\": []}]}}]}",
                "expected an object for \"function\", found an array",
                "[]",
            ),
            (
                Parser::ArenaOutput,
                "{\"RunID\": 42, \"Messages\": [{\"role\": \"user\"}]}",
                "expected a string for \"RunID\", found a number",
                "42",
            ),
            (
                Parser::ArenaOutput,
                "{\"RunID\": \"r\", \"Messages\": \"oops\"}",
                "expected an array for \"Messages\", found a string",
                "\"oops",
            ),
            (
                Parser::ArenaOutput,
                "{\"Messages\": [{\"role\": \"user\", \"timestamp\": \"yesterday\"}]}",
                "expected an RFC 3339 timestamp",
                "\"yesterday",
            ),
            (
                Parser::ArenaOutput,
                "{\"turns\": [{\"turn_index\": \"one\"}]}",
                "expected an integer for \"turn_index\", found a string",
                "\"one",
            ),
        ];
        for (parser, body, want, at) in cases {
            let e = err(*parser, body.as_bytes());
            assert!(matches!(e.kind(), ErrorKind::Type | ErrorKind::Value), "{body}: {e:?}");
            assert!(e.message().starts_with(want), "{body}: got {e}");
            let expected = arena_recordings::Position::of_offset(body.as_bytes(), body.find(at).unwrap());
            assert_eq!(e.position(), Some(expected), "{body}: {e}");
        }
    }

    #[test]
    fn top_level_array_and_scalars() {
        let e = err(Parser::Session, b"[1, 2]");
        assert_eq!(e.message(), "expected an object for \"the session recording\", found an array");
        let e = err(Parser::ArenaOutput, b"[]");
        assert_eq!(e.kind(), ErrorKind::Type);
        let e = err(Parser::ArenaOutput, b"\"str\"");
        assert_eq!(e.kind(), ErrorKind::Type);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = err(Parser::Session, b"{\"metadata\": {\"session_id\": \"a\xff\"}}");
        assert_eq!(e.kind(), ErrorKind::Utf8);
        assert_eq!(e.offset(), Some(30));
    }

    #[test]
    fn trailing_garbage_and_syntax_positions() {
        let e = err(Parser::Session, b"{}\n x");
        assert_eq!(e.kind(), ErrorKind::Syntax);
        assert_eq!(e.position().unwrap().line, 2);
        let e = err(Parser::Session, b"{\"events\": [\n  {\"type\": nul}\n]}");
        assert_eq!(e.kind(), ErrorKind::Syntax);
        assert_eq!(e.position().unwrap().line, 2, "{e}");
    }

    #[test]
    fn file_errors_carry_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let p =
            write(dir.path(), "conv.recording.json", "{\n  \"events\": [{\"message\": {\"role\": true}}]\n}");
        let mut loader = Loader::new();
        let e = loader.load_file(&p, Parser::Session).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}:2:35: expected a string for \"role\", found a boolean", p.display())
        );
        let e = loader.load_file(dir.path(), Parser::Session).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("directory"), "{e}");
    }

    #[test]
    fn bom_is_accepted() {
        let (msgs, _) = load_ok(
            Parser::Session,
            "\u{feff}{\"events\":[{\"type\":\"message\",\"message\":{\"role\":\"user\"}}]}",
        );
        assert_eq!(msgs.len(), 1);
    }
}

mod go_compat {
    //! Go `encoding/json` behaviours users rely on.
    use super::*;

    #[test]
    fn keys_match_case_insensitively() {
        let (msgs, md) = load_ok(
            Parser::Session,
            r#"{"METADATA":{"Session_ID":"s"},"EVENTS":[{"Type":"message","MESSAGE":{"ROLE":"user","Content":"hi"}}]}"#,
        );
        assert_eq!((msgs[0].role.as_str(), msgs[0].content.as_str()), ("user", "hi"));
        assert_eq!(md.session_id, "s");
        let (msgs, md) =
            load_ok(Parser::ArenaOutput, r#"{"runid":"r","messages":[{"Role":"user","CONTENT":"x"}]}"#);
        assert_eq!((msgs.len(), md.session_id.as_str(), msgs[0].content.as_str()), (1, "r", "x"));
    }

    #[test]
    fn event_type_value_is_case_sensitive() {
        let (msgs, _) =
            load_ok(Parser::Session, r#"{"events":[{"type":"Message","message":{"role":"user"}}]}"#);
        assert!(msgs.is_empty());
    }

    #[test]
    fn duplicate_keys_last_wins_and_structs_merge() {
        let (msgs, md) = load_ok(
            Parser::Session,
            r#"{"metadata":{"session_id":"a"},"metadata":{"model":"m"},
               "events":[{"type":"message","message":{"role":"x","ROLE":"user","content":"c"}}]}"#,
        );
        assert_eq!(md.session_id, "a");
        assert_eq!(md.provider_info["model"], "m");
        assert_eq!(msgs[0].role, "user");
    }

    #[test]
    fn null_leaves_zero_values() {
        let (msgs, md) = load_ok(
            Parser::Session,
            r#"{"metadata":null,"events":[{"type":"message","timestamp":null,"message":{"role":null,"parts":null}}]}"#,
        );
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].role, "");
        assert!(md.timestamps[0].is_zero());
        let (msgs, _) = load_ok(Parser::Session, r#"{"events":null}"#);
        assert!(msgs.is_empty());
    }

    #[test]
    fn message_event_without_message_gives_empty_role() {
        let (msgs, _) = load_ok(Parser::Session, r#"{"events":[{"type":"message"}]}"#);
        assert_eq!((msgs.len(), msgs[0].role.as_str()), (1, ""));
    }

    #[test]
    fn tool_arguments_string_or_value() {
        let (msgs, _) = load_ok(
            Parser::Session,
            r#"{"events":[{"type":"message","message":{"role":"assistant","tool_calls":[
                {"id":"a","function":{"name":"f","arguments":"{\"x\": 1}"}},
                {"id":"b","function":{"name":"g","arguments":{"y":[1,2.5,"z"]}}}]}}]}"#,
        );
        assert_eq!(msgs[0].tool_calls[0].args, "{\"x\": 1}");
        assert_eq!(msgs[0].tool_calls[1].args, r#"{"y":[1,2.5,"z"]}"#);
    }

    #[test]
    fn tool_call_id_makes_a_result_on_any_role() {
        let (msgs, _) = load_ok(
            Parser::Session,
            r#"{"events":[{"type":"message","message":{"role":"user","content":"","tool_call_id":"t1"}}]}"#,
        );
        let r = msgs[0].tool_result.as_ref().unwrap();
        assert_eq!((r.id.as_str(), r.name.as_str(), r.parts[0].text.as_deref()), ("t1", "", Some("")));
    }

    #[test]
    fn session_duration_uses_non_zero_extremes() {
        let (_, md) = load_ok(
            Parser::Session,
            r#"{"events":[
              {"type":"message","timestamp":"2024-01-15T10:00:10Z"},
              {"type":"message"},
              {"type":"message","timestamp":"2024-01-15T10:00:00Z"}]}"#,
        );
        assert_eq!(md.duration.as_secs(), 10);
        assert_eq!(md.timestamps.len(), 3);
    }

    #[test]
    fn arena_shape_by_keys() {
        // `Messages: []` with turns falls through to the turn shape, as in the reference.
        let (msgs, md) =
            load_ok(Parser::ArenaOutput, r#"{"Messages":[],"turns":[{"user_message":{"content":"q"}}]}"#);
        assert_eq!((msgs.len(), md.session_id.as_str()), (1, ""));
        // Both shapes: the run result wins.
        let (msgs, _) = load_ok(
            Parser::ArenaOutput,
            r#"{"Messages":[{"role":"user","content":"a"}],"turns":[{"user_message":{"content":"q"}}]}"#,
        );
        assert_eq!(msgs[0].content, "a");
        // An errored run with no messages keeps its metadata.
        let (msgs, md) = load_ok(Parser::ArenaOutput, r#"{"RunID":"r1","Error":"boom","Messages":null}"#);
        assert_eq!((msgs.len(), md.session_id.as_str()), (0, "r1"));
        assert_eq!(md.extras["error"], "boom");
    }

    #[test]
    fn empty_object_warns() {
        let mut loader = Loader::new();
        let rec = loader.load_bytes(b"{}", Parser::Session).unwrap();
        assert_eq!(rec.messages.len(), 0);
        assert_eq!(rec.warnings.len(), 1);
        assert!(rec.warnings[0].contains("no recognised keys"));
        let rec = loader.load_bytes(b"{\"runId2\": 1}", Parser::ArenaOutput).unwrap();
        assert_eq!(rec.warnings.len(), 1);
    }

    #[test]
    fn run_metadata_is_filled_in() {
        let doc = r#"{"RunID":"r","ScenarioID":"sc","ProviderID":"p","PromptPack":"pp","Region":"eu",
            "Params":{"temperature":0.5},"SessionTags":["x"],
            "StartTime":"2024-01-01T00:00:00Z","EndTime":"2024-01-01T00:01:00Z",
            "Messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b","timestamp":"2024-01-01T00:00:30Z"}]}"#;
        let (_, md) = load_ok(Parser::ArenaOutput, doc);
        assert_eq!(md.session_id, "r");
        assert_eq!(md.tags, ["x"]);
        assert_eq!(md.duration.as_secs(), 60);
        assert_eq!(md.provider_info.len(), 1);
        assert_eq!(md.extras["params"]["temperature"], 0.5);
        assert_eq!(md.extras["prompt_pack"], "pp");
        assert_eq!(md.timestamps, [ts("2024-01-01T00:00:00Z"), ts("2024-01-01T00:00:30Z")]);
        let mut loader = Loader::new();
        let rec = loader.load_bytes(doc.as_bytes(), Parser::ArenaOutput).unwrap();
        assert_eq!(rec.metadata.extra("region"), Some(Extra::Str("eu")));
    }
}

mod output {
    //! PromptKit JSON output.
    use super::*;

    fn out(parser: Parser, doc: &str) -> (String, String) {
        let mut loader = Loader::new();
        let rec = loader.load_bytes(doc.as_bytes(), parser).unwrap();
        let mut m = String::new();
        promptkit::write_messages(&mut m, rec.messages);
        let mut md = String::new();
        promptkit::write_metadata(&mut md, &rec.metadata);
        (m, md)
    }

    #[test]
    fn session_message_with_tool_result_and_media() {
        let (m, md) = out(
            Parser::Session,
            r#"{"metadata":{"model":"m"},"events":[
              {"type":"message","timestamp":"2024-01-02T03:04:05.0000006Z","message":{"role":"user","parts":[
                {"type":"text","text":"look <here>"},{"type":"image","media":{"mime_type":"image/png","data":"QUJDRA==","size":1023}}]}},
              {"type":"message","message":{"role":"tool","content":"42","tool_call_id":"c"}}]}"#,
        );
        assert_eq!(
            m,
            concat!(
                r#"[{"role":"user","parts":[{"type":"text","text":"look \u003chere\u003e"},"#,
                r#"{"type":"image","media":{"data":"QUJDRA==","mime_type":"image/png","size_kb":0}}],"#,
                r#""timestamp":"2024-01-02T03:04:05.0000006Z","#,
                r#""media_summary":{"total_parts":2,"text_parts":1,"image_parts":1,"audio_parts":0,"video_parts":0,"document_parts":0,"#,
                r#""media_items":[{"type":"image","source":"inline data","mime_type":"image/png","size_bytes":0,"loaded":true}]},"#,
                r#""content":"look \u003chere\u003e [1 image(s)]"},"#,
                r#"{"role":"tool","tool_result":{"id":"c","name":"","parts":[{"type":"text","text":"42"}],"latency_ms":0},"#,
                r#""timestamp":"0001-01-01T00:00:00Z"}]"#
            )
        );
        assert_eq!(
            md,
            r#"{"provider_info":{"model":"m","provider_id":""},"timestamps":["2024-01-02T03:04:05.0000006Z","0001-01-01T00:00:00Z"]}"#
        );
    }

    /// Every message the reference would write is written the same way.
    fn assert_messages_round_trip(doc: &str) {
        let (m, _) = out(Parser::ArenaOutput, doc);
        let ours: serde_json::Value = serde_json::from_str(&m).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(doc).unwrap();
        assert_eq!(ours.as_array().unwrap(), theirs["Messages"].as_array().unwrap());
    }

    /// Upstream's file is PromptKit's own output: re-encoding is a fixed point.
    #[test]
    fn run_output_round_trips_through_go_rules() {
        let Some(path) = crate::support::upstream("pa_adapters-testdata_tool-usage.run.json") else { return };
        assert_messages_round_trip(&fs::read_to_string(path).unwrap());
    }

    /// Our fixture of that shape (a 2026 run output) is written as PromptKit
    /// writes it, so it is a fixed point too. (Older run outputs are not:
    /// their `media_summary` has no `document_parts`.)
    #[test]
    fn fixture_run_output_round_trips_through_go_rules() {
        let doc = fs::read_to_string("corpus/sample/arena_output/trip-planner-tools.arena.json").unwrap();
        assert_messages_round_trip(&doc);
    }

    #[test]
    fn owned_and_borrowed_outputs_agree() {
        let reg = Registry::new();
        let r = RecordingReference::file("corpus/sample/arena_output/hotel-concierge.arena.json", "");
        let (owned, _) = reg.load(&r).unwrap();
        let bump = bumpalo::Bump::new();
        let mut a = String::new();
        for m in &owned {
            promptkit::write_message(&mut a, &m.as_borrowed(&bump));
        }
        let mut loader = Loader::new();
        let rec = reg.load_into(&r, &mut loader).unwrap();
        let mut b = String::new();
        for m in rec.messages {
            promptkit::write_message(&mut b, m);
        }
        assert_eq!(a, b);
    }
}
