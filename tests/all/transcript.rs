//! Transcript YAML adapter: the reference's checklist (docs/formats.md#the-references-test-checklist, items
//! 73-84), the corpus fixtures, scalar semantics, and hostile input.

use std::path::PathBuf;

use arena_recordings::model::{Message, Recording};
use arena_recordings::TRANSCRIPT;
use arena_recordings::{
    Error, ErrorKind, Format, Limits, Loader, Parser, RecordingAdapter, RecordingReference, Registry,
    Timestamp,
};

/// Loads `yaml` as a transcript and hands the recording to `f`.
fn with<R>(yaml: &str, f: impl FnOnce(&Recording<'_>) -> R) -> R {
    let mut loader = Loader::new();
    let rec = loader.load_bytes(yaml.as_bytes(), Parser::Transcript).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.format, Format::Transcript);
    f(&rec)
}

/// The error loading `bytes` as a transcript.
fn err(bytes: &[u8]) -> Error {
    let mut loader = Loader::new();
    let e = loader.load_bytes(bytes, Parser::Transcript).unwrap_err();
    e
}

/// Line and column of an error.
fn at(e: &Error) -> (usize, usize) {
    let p = e.position().unwrap_or_else(|| panic!("no position in {e}"));
    (p.line, p.column)
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn fixture(name: &str) -> String {
    format!("{}/corpus/sample/transcript/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn with_fixture<R>(name: &str, f: impl FnOnce(&Recording<'_>) -> R) -> R {
    let registry = Registry::new();
    let mut loader = Loader::new();
    let reference = RecordingReference::file(fixture(name), "");
    let rec = registry.load_into(&reference, &mut loader).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.format, Format::Transcript);
    f(&rec)
}

/// A file in the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let p = std::env::temp_dir().join(format!("arena-rec-{}-{name}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        TempFile(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn roles<'a>(msgs: &[Message<'a>]) -> Vec<&'a str> {
    msgs.iter().map(|m| m.role).collect()
}

// ---------------------------------------------------------------------------
// docs/formats.md#the-references-test-checklist, transcript_test.go (items 73-84).

#[test]
fn item_73_to_78_can_handle() {
    assert!(TRANSCRIPT.can_handle("conv.transcript.yaml", ""));
    assert!(TRANSCRIPT.can_handle("conv.transcript.yml", ""));
    assert!(TRANSCRIPT.can_handle("anything", "transcript"));
    assert!(TRANSCRIPT.can_handle("anything", "yaml"));
    assert!(!TRANSCRIPT.can_handle("file.json", ""));
    assert!(!TRANSCRIPT.can_handle("file.yaml", "other"));
    assert_eq!(TRANSCRIPT.canonical_hint(), "transcript");
    assert_eq!(TRANSCRIPT.parser(), Parser::Transcript);
}

#[test]
fn registry_routes_transcripts_third() {
    // session, arena_output, transcript, the content-sniffing generic adapter,
    // then the five formats beyond PromptKit's.
    let r = Registry::new();
    assert_eq!(r.len(), 9);
    assert_eq!(r.find_adapter("a/b.TRANSCRIPT.YML", "").unwrap().name(), "transcript");
    assert_eq!(r.find_adapter("notes.txt", " YAML ").unwrap().name(), "transcript");
    assert_eq!(r.find_adapter("x.recording.json", "transcript").unwrap().name(), "transcript");
    assert!(r.find_adapter("file.yaml", "").is_none());
    // A transcript suffix is not taken by the generic `.json` adapter, nor the reverse.
    assert_eq!(r.find_adapter("run.json", "").unwrap().name(), "generic");
}

const BASIC: &str = "\
metadata:
  session_id: test-session-123
  provider: openai
  model: gpt-4
  tags:
    - test
    - transcript
  judge_targets:
    default:
      type: openai
      model: gpt-4
      id: judge-1
messages:
  - role: user
    content: Hello, how are you?
    timestamp: \"2024-01-15T10:00:00Z\"
  - role: assistant
    content: I'm doing well, thank you!
    timestamp: \"2024-01-15T10:00:05Z\"
";

#[test]
fn item_79_load() {
    with(BASIC, |rec| {
        assert_eq!(roles(rec.messages), ["user", "assistant"]);
        assert_eq!(rec.messages[0].content, "Hello, how are you?");
        assert_eq!(rec.messages[1].content, "I'm doing well, thank you!");
        let md = &rec.metadata;
        assert_eq!(md.session_id, "test-session-123");
        assert_eq!(md.tags, ["test", "transcript"]);
        assert_eq!(md.judge_targets.len(), 1);
        let (name, spec) = md.judge_targets[0];
        assert_eq!((name, spec.kind, spec.model, spec.id), ("default", "openai", "gpt-4", "judge-1"));
        assert_eq!(md.provider_info, [("model", "gpt-4"), ("provider", "openai")]);
        assert_eq!(md.timestamps, [ts("2024-01-15T10:00:00Z"), ts("2024-01-15T10:00:05Z")]);
        assert_eq!(md.duration_ns, 5_000_000_000);
        assert!(md.extras.is_empty());
        assert!(rec.warnings.is_empty());
    });
}

#[test]
fn item_80_tool_calls() {
    let yaml = "\
messages:
  - role: user
    content: What's the weather?
  - role: assistant
    content: ''
    tool_calls:
      - id: call_456
        type: function
        function:
          name: get_weather
          arguments: '{\"location\": \"NYC\"}'
  - role: tool
    content: Sunny, 72F
    tool_call_id: call_456
";
    with(yaml, |rec| {
        assert_eq!(rec.messages.len(), 3);
        let call = rec.messages[1].tool_calls[0];
        assert_eq!((call.id, call.name, call.args.0), ("call_456", "get_weather", "{\"location\": \"NYC\"}"));
        let result = rec.messages[2].tool_result.unwrap();
        assert_eq!(result.id, "call_456");
        assert_eq!(result.name, "");
        assert_eq!(rec.messages[2].tool_result_text(), Some("Sunny, 72F"));
    });
}

#[test]
fn item_81_multimodal() {
    let yaml = "\
messages:
  - role: user
    content: Look at this
    parts:
      - type: text
        text: What is in this image?
      - type: image
        media:
          mime_type: image/jpeg
          uri: https://example.com/image.jpg
";
    with(yaml, |rec| {
        let parts = rec.messages[0].parts;
        assert_eq!(parts.iter().map(|p| p.kind).collect::<Vec<_>>(), ["text", "image"]);
        assert_eq!(parts[0].text, Some("What is in this image?"));
        let media = parts[1].media.unwrap();
        assert_eq!(media.url, Some("https://example.com/image.jpg"));
        assert_eq!(media.mime_type, "image/jpeg");
        assert_eq!((media.data, media.file_path), (None, None));
    });
}

#[test]
fn item_82_nonexistent_file() {
    let mut loader = Loader::new();
    let e = loader.load_file("/nonexistent/dir/x.transcript.yaml".as_ref(), Parser::Transcript).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    let e =
        Registry::new().load(&RecordingReference::file("/nonexistent/x.transcript.yaml", "")).unwrap_err();
    assert!(e.is_io());
}

#[test]
fn item_83_invalid_yaml() {
    let e = err(b"invalid: [unclosed");
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(at(&e), (1, 19));
}

#[test]
fn item_84_part_conversion() {
    let yaml = "\
messages:
  - role: user
    parts:
      - type: text
        text: Hello
      - type: image
        media: {mime_type: image/png, data: aGVsbG8=}
      - type: audio
        media: {mime_type: audio/mp3, path: /audio/clip.mp3, duration: 30000}
      - type: video
        media: {mime_type: video/mp4, uri: 'https://example.com/v.mp4', width: 1920, height: 1080}
";
    with(yaml, |rec| {
        let p = rec.messages[0].parts;
        assert_eq!(p.iter().map(|p| p.kind).collect::<Vec<_>>(), ["text", "image", "audio", "video"]);
        assert_eq!(p[0].text, Some("Hello"));
        assert_eq!(p[1].media.unwrap().data, Some("aGVsbG8="));
        let audio = p[2].media.unwrap();
        assert_eq!((audio.file_path, audio.duration), (Some("/audio/clip.mp3"), Some(30)));
        let video = p[3].media.unwrap();
        assert_eq!(
            (video.url, video.width, video.height),
            (Some("https://example.com/v.mp4"), Some(1920), Some(1080))
        );
    });
}

// ---------------------------------------------------------------------------
// Corpus fixtures.

#[test]
fn fixture_weather_tools() {
    with_fixture("weather-tools.transcript.yaml", |rec| {
        let m = rec.messages;
        assert_eq!(roles(m), ["system", "user", "assistant", "tool", "tool", "assistant", "user"]);
        assert_eq!(m[1].content, "What's the weather in Paris right now? And should I take an umbrella?");
        let calls = m[2].tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].id, calls[0].name), ("call_456", "get_weather"));
        assert_eq!(calls[0].args.0, r#"{"city": "Paris", "units": "metric"}"#);
        assert_eq!(
            (calls[1].id, calls[1].name, calls[1].args.0),
            ("call_457", "get_forecast", r#"{"city":"Paris","hours":6}"#)
        );
        assert_eq!(m[3].tool_result.unwrap().id, "call_456");
        assert_eq!(
            m[3].tool_result_text(),
            Some(r#"{"temp_c": 11, "conditions": "light rain", "humidity": 0.87}"#)
        );
        // Literal block: lines kept, one final newline.
        assert_eq!(
            m[4].tool_result_text(),
            Some("{\"hourly\": [\n  {\"h\": 10, \"rain_mm\": 0.4},\n  {\"h\": 11, \"rain_mm\": 1.2}\n]}\n")
        );
        // Folded block: lines joined by spaces, the blank line kept as a newline.
        assert_eq!(
            m[5].content,
            "It is 11 °C in Paris with light rain, and more rain is expected over the next two hours.\nYes: take an umbrella.\n"
        );
        assert!(m.iter().filter(|x| x.role != "tool").all(|x| x.tool_result.is_none()));

        let md = &rec.metadata;
        assert_eq!(md.session_id, "sess-weather-0042");
        assert_eq!(md.tags, ["weather", "tools", "regression"]);
        assert_eq!(md.provider_info("provider"), Some("openai"));
        assert_eq!(md.provider_info("model"), Some("gpt-4o-mini"));
        let names: Vec<_> = md.judge_targets.iter().map(|(n, s)| (*n, s.kind, s.model, s.id)).collect();
        assert_eq!(
            names,
            [
                ("quality", "openai", "gpt-4o", "judge-quality"),
                ("safety", "anthropic", "claude-3-5-sonnet", "judge-safety")
            ]
        );
        // Quoted and unquoted timestamps, fractions and a +00:00 offset.
        assert_eq!(md.timestamps.len(), 7);
        assert_eq!(md.timestamps[1], ts("2024-03-10T09:00:04.25Z"));
        assert_eq!(md.timestamps[2], ts("2024-03-10T09:00:05.100Z"));
        assert_eq!(md.duration_ns, 75_000_000_000);
        // Message.timestamp is set too (the reference leaves it zero).
        assert!(m.iter().zip(md.timestamps).all(|(x, t)| x.timestamp == *t));
    });
}

#[test]
fn fixture_multimodal() {
    with_fixture("multimodal.transcript.yaml", |rec| {
        let p = rec.messages[0].parts;
        let kinds: Vec<_> = p.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["text", "image", "audio", "video", "document", "text", "thinking"]);
        let image = p[1].media.unwrap();
        assert!(p[1].text.is_none(), "captions on media parts are dropped, as the reference");
        assert_eq!(
            image.data,
            Some("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
        );
        assert_eq!((image.size_kb, image.width, image.height), (Some(2), Some(1), Some(1)));
        let audio = p[2].media.unwrap();
        assert_eq!(
            (audio.file_path, audio.size_kb, audio.duration),
            (Some("/recordings/clip-01.wav"), Some(468), Some(30))
        );
        // A flow mapping, and a float duration (12500.0 ms) in an integer field.
        let video = p[3].media.unwrap();
        assert_eq!(
            (video.url, video.mime_type, video.width, video.height, video.duration),
            (Some("https://example.com/v/intro.mp4"), "video/mp4", Some(1920), Some(1080), Some(12))
        );
        // URI wins over path; 1023 bytes floor to 0 KiB.
        let doc = p[4].media.unwrap();
        assert_eq!(
            (doc.url, doc.file_path, doc.size_kb),
            (Some("https://example.com/spec.pdf"), None, Some(0))
        );
        assert_eq!(p[5].text, None, "an empty text part loses its text");
        assert!(p[6].text.is_none() && p[6].media.is_none());
        // `|+` keeps every trailing newline, `|-` none.
        let reply = rec.messages[1];
        assert_eq!(
            reply.content,
            "The image is a single transparent pixel.\nThe audio clip is 30 seconds long.\n\n"
        );
        assert_eq!(
            reply.parts[0].text,
            Some("The image is a single transparent pixel.\nThe audio clip is 30 seconds long.")
        );
        assert_eq!(rec.metadata.tags, ["multimodal", "vision"]);
        assert_eq!(rec.metadata.duration_ns, 7_750_000_000);
        assert_eq!(rec.messages[0].timestamp.offset_seconds(), 7200);
    });
}

#[test]
fn fixture_unicode_and_lenient_timestamps() {
    with_fixture("unicode.transcript.yml", |rec| {
        let m = rec.messages;
        assert_eq!(m.len(), 5);
        assert_eq!(m[0].content, "こんにちは! Can you translate \"good morning\" into Arabic and Greek? ☺");
        assert_eq!(m[1].content, "Arabic: صباح الخير\nGreek: Καλημέρα\nEmoji: ☀️🌅\n");
        assert_eq!(m[2].content, "Merci beaucoup — très utile. Ça marche !");
        assert_eq!(m[3].content, "De rien ! It's my pleasure.");
        assert_eq!((m[4].role, m[4].content), ("assistant", ""));
        let md = &rec.metadata;
        assert_eq!(md.session_id, "ユニコード-001");
        // Plain scalars in a string list keep their text.
        assert_eq!(md.tags, ["日本語", "émojis 🎉", "123", "true"]);
        // provider "" but model set: both keys, as the reference.
        assert_eq!(md.provider_info, [("model", "mistral-large"), ("provider", "")]);
        let t0 = ts("2024-07-14T23:59:59.999999999-05:00");
        let t1 = ts("2024-07-15T05:00:01+01:00");
        // `2024-07-15 05:01:00`, `1721019700` and null are all the zero time.
        assert_eq!(md.timestamps, [t0, t1, Timestamp::ZERO, Timestamp::ZERO, Timestamp::ZERO]);
        // The reference gives 0 (its last timestamp is zero); we span the
        // non-zero ones, earliest to latest, whatever their order.
        assert_eq!(md.duration_ns, t0.nanos_since(&t1));
        assert_eq!(md.duration_ns, 3_598_999_999_999);
        assert!(rec.warnings.is_empty());
    });
}

#[test]
fn fixture_anchors_aliases_and_argument_mappings() {
    with_fixture("anchors.transcript.yaml", |rec| {
        let md = &rec.metadata;
        let names: Vec<_> = md.judge_targets.iter().map(|(n, s)| (*n, s.model)).collect();
        assert_eq!(
            names,
            [("accuracy", "claude-3-5-haiku"), ("coverage", "gpt-4o"), ("tone", "claude-3-5-haiku")]
        );
        assert_eq!(md.tags, ["reuse", "anchors"]);
        assert_eq!(md.provider_info, [("model", ""), ("provider", "anthropic")]);
        let m = rec.messages;
        assert_eq!((m[0].role, m[0].content), ("user", "Compare the two logos."));
        let (a, b) = (m[1].parts[0].media.unwrap(), m[1].parts[1].media.unwrap());
        assert_eq!(a, b);
        assert_eq!((a.url, a.width), (Some("https://example.com/logo-a.svg"), Some(512)));
        // Our extension: a mapping as arguments becomes compact JSON.
        let args = m[2].tool_calls[0].args.0;
        assert_eq!(args, r#"{"query":"logo-a","limit":3,"exact":true,"filters":["svg","png"],"note":null}"#);
        let v: serde_json::Value = serde_json::from_str(args).unwrap();
        assert_eq!(v["limit"], 3);
    });
}

#[test]
fn every_fixture_loads_through_the_owned_api() {
    for name in [
        "weather-tools.transcript.yaml",
        "multimodal.transcript.yaml",
        "unicode.transcript.yml",
        "anchors.transcript.yaml",
    ] {
        let (msgs, md) = Registry::new().load(&RecordingReference::file(fixture(name), "")).unwrap();
        assert!(!msgs.is_empty(), "{name}");
        assert_eq!(md.timestamps.len(), msgs.len(), "{name}: one timestamp per message");
    }
}

// ---------------------------------------------------------------------------
// Scalars, keys, documents.

#[test]
fn plain_scalars_keep_their_text_and_null_is_empty() {
    let yaml = "\
metadata:
  session_id: 123
  provider: true
  model: 1.50
messages:
  - role: null
    content: ~
  - role:
    content: 2024-01-15T10:00:00Z
  - role: 'null'
    content: \"~\"
";
    with(yaml, |rec| {
        let md = &rec.metadata;
        assert_eq!(
            (md.session_id, md.provider_info("provider"), md.provider_info("model")),
            ("123", Some("true"), Some("1.50"))
        );
        let m = rec.messages;
        assert_eq!((m[0].role, m[0].content), ("", ""));
        assert_eq!((m[1].role, m[1].content), ("", "2024-01-15T10:00:00Z"));
        assert_eq!((m[2].role, m[2].content), ("null", "~"));
    });
}

#[test]
fn integer_fields_accept_yaml_numbers() {
    let yaml = "\
messages:
  - parts:
      - type: image
        media: {uri: u, size: 2048.0, width: 0x780, height: 1_080, duration: 1e3}
";
    with(yaml, |rec| {
        let m = rec.messages[0].parts[0].media.unwrap();
        assert_eq!((m.size_kb, m.width, m.height, m.duration), (Some(2), Some(1920), Some(1080), Some(1)));
    });
}

#[test]
fn a_string_where_a_number_belongs_is_an_error_with_its_position() {
    let yaml = "messages:\n  - parts:\n      - type: image\n        media:\n          width: \"800\"\n";
    let e = err(yaml.as_bytes());
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(at(&e), (5, 18));
    assert!(e.message().contains("\"width\""), "{e}");
    assert_eq!(e.expected_what(), Some("an integer"));

    let e = err(b"messages:\n  - parts:\n      - media: {size: big}\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (3, 23)));
    let e = err(b"messages:\n  - parts:\n      - media: {size: 99999999999999999999}\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Value, (3, 23)));
}

#[test]
fn wrong_shapes_are_type_errors() {
    // yaml-rust2 marks a block mapping at its first key's colon.
    let e = err(b"messages:\n  - role:\n      nested: map\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (3, 13)));
    assert_eq!(e.found(), Some("a mapping"));
    let e = err(b"- role: user\n- role: assistant\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (1, 1)));
    assert!(e.message().contains("found a sequence"), "{e}");
    let e = err(b"just text\n");
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = err(b"messages: {role: user}\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (1, 11)));
    let e = err(b"metadata:\n  tags: solo\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (2, 9)));
    let e = err(b"messages:\n  - plain string\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (2, 5)));
    let e = err(b"messages:\n  - tool_calls:\n      - {id: [1]}\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (3, 14)));
}

#[test]
fn argument_values() {
    let yaml = "\
messages:
  - tool_calls:
      - {id: a, function: {name: f, arguments: '{\"x\": 1}'}}
      - {id: b, function: {name: f, arguments: [1, 2.50, .5, 0x10, yes, \"two\", ~, {k: v}]}}
      - {id: c, function: {name: f, arguments: 42}}
      - {id: d, function: {name: f, arguments: ~}}
      - {id: e, function: {name: f, arguments: {? [complex]: key}}}
";
    let e = err(yaml.as_bytes());
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Type, (7, 51)));
    let ok = yaml.lines().take(6).collect::<Vec<_>>().join("\n");
    with(&ok, |rec| {
        let args: Vec<_> = rec.messages[0].tool_calls.iter().map(|c| c.args.0).collect();
        assert_eq!(args, [r#"{"x": 1}"#, r#"[1,2.50,0.5,16,"yes","two",null,{"k":"v"}]"#, "42", ""]);
    });
}

#[test]
fn keys_are_case_sensitive_and_unknown_keys_are_skipped() {
    let yaml = "\
Metadata: {session_id: ignored}
extra:
  deeply: [{nested: [1, 2, {messages: [{role: not-me}]}]}]
  ? [complex, key]
  : value
messages:
  - Role: ignored
    role: user
    unknown: {content: nope}
    content: yes
";
    with(yaml, |rec| {
        assert_eq!(rec.metadata.session_id, "");
        assert_eq!(rec.messages.len(), 1);
        assert_eq!((rec.messages[0].role, rec.messages[0].content), ("user", "yes"));
        assert!(rec.warnings.is_empty());
    });
    with("Messages:\n  - role: user\n", |rec| {
        assert!(rec.messages.is_empty());
        assert_eq!(rec.warnings.len(), 1);
        assert!(rec.warnings[0].contains("no recognised keys"), "{:?}", rec.warnings);
    });
}

#[test]
fn a_known_key_twice_is_an_error() {
    let e = err(b"messages:\n  - role: user\n    role: assistant\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Shape, (3, 5)));
    let e = err(b"metadata:\n  judge_targets:\n    a: {}\n    b: {}\n    a: {model: m}\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Shape, (5, 5)));
    // Unknown keys may repeat, as in yaml.v3.
    with("x: 1\nx: 2\nmessages: []\n", |rec| assert!(rec.messages.is_empty()));
}

#[test]
fn merge_keys_fill_in_unset_fields() {
    let yaml = "\
defaults:
  msg: &msg {role: assistant, content: base, timestamp: 2024-01-01T00:00:00Z}
  judge: &judge {type: openai, model: gpt-4o}
metadata:
  judge_targets:
    <<: {shared: *judge, a: {model: merged-loses}}
    a: {<<: *judge, id: x}
messages:
  - <<: *msg
    content: own
  - content: own first
    <<: [*msg, {role: ignored}]
";
    with(yaml, |rec| {
        let m = rec.messages;
        assert_eq!((m[0].role, m[0].content), ("assistant", "own"));
        assert_eq!((m[1].role, m[1].content), ("assistant", "own first"));
        assert_eq!(m[1].timestamp, ts("2024-01-01T00:00:00Z"));
        let t: Vec<_> = rec.metadata.judge_targets.iter().map(|(n, s)| (*n, s.kind, s.model, s.id)).collect();
        assert_eq!(t, [("a", "openai", "gpt-4o", "x"), ("shared", "openai", "gpt-4o", "")]);
    });
}

#[test]
fn only_the_first_document_is_read_and_a_second_is_reported() {
    with("messages:\n  - role: user\n---\nmessages:\n  - role: a\n  - role: b\n", |rec| {
        assert_eq!(roles(rec.messages), ["user"]);
        assert_eq!(rec.warnings.len(), 1);
        assert!(rec.warnings[0].contains("second YAML document (line 3)"), "{:?}", rec.warnings);
    });
    with("messages: []\n...\n", |rec| assert!(rec.warnings.is_empty()));
    // A second document is not parsed, so its errors do not matter ...
    with("messages: []\n--- [unclosed\n", |rec| assert_eq!(rec.warnings.len(), 1));
    // ... but bad text after the first document that starts none is an error,
    // even where yaml-rust2 ends the first document early.
    let e = err(b"&anchor:\n  session_id: x\nmessages:\n  - role: user\n");
    assert_eq!((e.kind(), e.position().unwrap().line), (ErrorKind::Syntax, 3));
}

#[test]
fn an_empty_file_is_an_empty_recording_with_a_warning() {
    for src in ["", "# only a comment\n", "---\n", "~\n"] {
        with(src, |rec| {
            assert!(rec.messages.is_empty(), "{src:?}");
            assert!(rec.metadata.timestamps.is_empty());
            assert_eq!(rec.warnings, ["empty YAML document; 0 messages loaded"], "{src:?}");
        });
    }
}

#[test]
fn null_entries_are_zero_values() {
    with("metadata: ~\nmessages:\n  -\n  - ~\n  - role: user\n    parts: ~\n    tool_calls: []\n", |rec| {
        assert_eq!(roles(rec.messages), ["", "", "user"]);
        assert_eq!(rec.metadata.timestamps.len(), 3);
        assert!(rec.messages[2].parts.is_empty() && rec.messages[2].tool_calls.is_empty());
    });
}

#[test]
fn tool_call_id_makes_a_tool_result_on_any_role() {
    with("messages:\n  - role: user\n    content: ''\n    tool_call_id: c1\n", |rec| {
        let r = rec.messages[0].tool_result.unwrap();
        assert_eq!((r.id, rec.messages[0].tool_result_text()), ("c1", Some("")));
    });
}

#[test]
fn duration_spans_the_non_zero_timestamps() {
    // The reference computes last - first: -10 s here, and 0 when an endpoint is missing.
    let yaml = "\
messages:
  - {role: a, timestamp: bad}
  - {role: b, timestamp: 2024-01-01T00:00:10Z}
  - {role: c, timestamp: 2024-01-01T00:00:00Z}
  - {role: d}
";
    with(yaml, |rec| assert_eq!(rec.metadata.duration_ns, 10_000_000_000));
    with("messages:\n  - {timestamp: 2024-01-01T00:00:00Z}\n", |rec| assert_eq!(rec.metadata.duration_ns, 0));
}

#[test]
fn timestamps_are_parsed_like_go_time_parse() {
    let yaml = "\
messages:
  - timestamp: 2024-01-15T10:00:00,25+01:00
  - timestamp: '2024-01-15T10:00:00.5Z'
  - timestamp: 2024-01-15T10:00:00
  - timestamp: 2024-02-30T10:00:00Z
  - timestamp: 2024-01-15t10:00:00z
  - timestamp: ''
  - timestamp: 2024-01-15T10:00:00,Z
";
    with(yaml, |rec| {
        let t = rec.metadata.timestamps;
        assert_eq!(t[0], ts("2024-01-15T10:00:00.25+01:00"));
        assert_eq!(t[1], ts("2024-01-15T10:00:00.5Z"));
        assert!(t[2..].iter().all(Timestamp::is_zero), "{t:?}");
    });
}

#[test]
fn crlf_line_breaks_are_normalised() {
    let yaml = "messages:\r\n  - role: user\r\n    content: |\r\n      one\r\n      two\r\n    timestamp: 2024-01-01T00:00:00Z\r\n";
    with(yaml, |rec| {
        assert_eq!(rec.messages[0].content, "one\ntwo\n");
        assert_eq!(rec.messages[0].timestamp, ts("2024-01-01T00:00:00Z"));
    });
    let e = err(b"messages:\r\n  - role: [x]\r\n");
    assert_eq!(at(&e), (2, 11));
}

#[test]
fn errors_name_the_file_line_and_column() {
    let f = TempFile::new("bad.transcript.yaml", b"messages:\n  - role: [x]\n");
    let e = Registry::new().load(&RecordingReference::file(f.path(), "")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(at(&e), (2, 11));
    assert_eq!(e.to_string(), format!("{}:2:11: expected a string for \"role\", found a sequence", f.path()));
}

#[test]
fn columns_count_bytes_after_non_ascii_text() {
    let e = err("messages:\n  - content: \"é\"\n    role: {}\n  - {content: ü, role: []}\n".as_bytes());
    assert_eq!(at(&e), (3, 11));
    // yaml-rust2 counts characters; the offset is in bytes (ü is two).
    let e = err("messages:\n  - {content: ü, role: []}\n".as_bytes());
    assert_eq!(e.offset(), Some(34));
    assert_eq!(at(&e), (2, 25));
}

// ---------------------------------------------------------------------------
// Hostile YAML.

/// The classic "billion laughs": ten levels of nine aliases each.
fn billion_laughs() -> String {
    let mut s =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        s += &format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n");
    }
    s + "messages: *j\n"
}

#[test]
fn alias_expansion_has_a_budget() {
    let start = std::time::Instant::now();
    let e = err(billion_laughs().as_bytes());
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("alias"), "{e}");
    assert!(e.position().is_some());
    assert!(start.elapsed().as_secs() < 5, "stopped early, not after expanding");
    // A big scalar aliased many times is caught by the byte budget too.
    let big = "x".repeat(1 << 16);
    let mut doc = format!("a: &a {big}\nb: [");
    for _ in 0..100 {
        doc += "*a,";
    }
    doc += "]\n";
    assert_eq!(err(doc.as_bytes()).kind(), ErrorKind::Limit);
}

#[test]
fn aliases_within_budget_and_recursive_aliases() {
    with("x: &x {role: user, content: hi}\nmessages: [*x, *x, *x]\n", |rec| {
        assert_eq!(roles(rec.messages), ["user", "user", "user"]);
    });
    let e = err(b"messages: &m [*m]\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Syntax, (1, 15)));
    let e = err(b"messages: [*nope]\n");
    assert_eq!(e.kind(), ErrorKind::Syntax);
}

#[test]
fn deep_block_nesting_is_a_limit_error() {
    // 10,001 nested block sequences under an ignored key, then 50,000.
    for levels in [10_001, 50_000] {
        let doc = format!("ignored:\n  {}x\nmessages: []\n", "- ".repeat(levels));
        let e = err(doc.as_bytes());
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(e.message().contains("10000"), "{e}");
        assert_eq!(e.position().unwrap().line, 2);
    }
    // Just under the limit is fine (the key itself is one level).
    let doc = format!("ignored:\n  {}x\nmessages: []\n", "- ".repeat(9_998));
    with(&doc, |rec| assert!(rec.messages.is_empty() && rec.warnings.is_empty()));
    // A lower configured limit applies.
    let mut loader = Loader::with_limits(Limits { max_depth: 8, ..Limits::default() });
    let e = loader.load_bytes(b"a: [[[[[[[[[1]]]]]]]]]\n", Parser::Transcript).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
}

#[test]
fn deep_flow_nesting_is_a_limit_error() {
    for levels in [300, 10_001, 100_000] {
        let doc = format!("messages: {}{}\n", "[".repeat(levels), "]".repeat(levels));
        let e = err(doc.as_bytes());
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert_eq!(e.position().unwrap().line, 1);
    }
    let unclosed = "{a: ".repeat(20_000);
    assert_eq!(err(unclosed.as_bytes()).kind(), ErrorKind::Limit);
}

#[test]
fn deep_nesting_on_a_small_stack() {
    // The decoder must not recurse with the input's nesting.
    let doc = format!("ignored:\n  {}x\nmessages: []\n", "- ".repeat(9_998));
    let ok = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(move || {
            let mut loader = Loader::new();
            loader.load_bytes(doc.as_bytes(), Parser::Transcript).map(|r| r.messages.len()).ok()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(ok, Some(0));
}

#[test]
fn tabs_as_indentation_are_syntax_errors() {
    let e = err(b"messages:\n\t- role: user\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Syntax, (2, 2)));
    assert!(e.message().contains("tab"), "{e}");
    let e = err(b"metadata:\n  session_id: x\n\tmodel: y\n");
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.position().is_some());
    // A tab inside a value is fine.
    with("messages:\n  - content: \"a\\tb\"\n    role: u\tv\n", |rec| {
        assert_eq!((rec.messages[0].content, rec.messages[0].role), ("a\tb", "u\tv"));
    });
}

#[test]
fn invalid_utf8_is_reported_at_its_offset() {
    let e = err(b"messages:\n  - role: \xff\xfe\n");
    assert_eq!(e.kind(), ErrorKind::Utf8);
    assert_eq!((e.offset(), at(&e)), (Some(20), (2, 11)));
    let e = err(b"messages:\n  - role: ok\n  - content: caf\xc3\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Utf8, (3, 17)));
}

#[test]
fn unterminated_flow_collections_are_syntax_errors() {
    for (src, pos) in [
        (&b"messages: [{role: user}\n"[..], (2, 1)),
        (b"messages:\n  - {role: user, content: hi\n", (3, 1)),
        // An unterminated quoted scalar is reported where it starts.
        (b"messages: \"unterminated\n", (1, 11)),
        (b"a: 'x\n\n", (1, 4)),
    ] {
        let e = err(src);
        assert_eq!(e.kind(), ErrorKind::Syntax, "{e}");
        assert_eq!(at(&e), pos, "{e}");
    }
}

#[test]
fn nul_bytes_are_rejected() {
    // yaml-rust2 would stop at the NUL and silently drop the rest.
    let e = err(b"messages: []\n\0messages: [");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Syntax, (2, 1)));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    with("\u{feff}messages:\n  - role: user\n    content: hi\n", |rec| {
        assert_eq!((rec.messages[0].role, rec.messages[0].content), ("user", "hi"));
    });
    // Offsets stay those of the file (the BOM is 3 bytes on line 1).
    let e = err("\u{feff}messages: 5\n".as_bytes());
    assert_eq!((e.offset(), at(&e)), (Some(13), (1, 14)));
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic fuzz: mutations of the fixtures.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut loader = Loader::new();
    for name in ["weather-tools.transcript.yaml", "multimodal.transcript.yaml", "anchors.transcript.yaml"] {
        let base = std::fs::read(fixture(name)).unwrap();
        for _ in 0..500 {
            let mut b = base.clone();
            for _ in 0..1 + next() % 4 {
                if b.is_empty() {
                    break;
                }
                let i = (next() as usize) % b.len();
                match next() % 4 {
                    0 => {
                        let special = b"[]{}:-&*!|>'\"#\t\n ,?%@`";
                        b[i] = special[(next() as usize) % special.len()];
                    }
                    1 => {
                        b.remove(i);
                    }
                    2 => b.insert(i, (next() % 128) as u8),
                    _ => b.truncate(i),
                }
            }
            let _ = loader.load_bytes(&b, Parser::Transcript);
        }
    }
}

// ---------------------------------------------------------------------------
// Differential check: libyaml (through serde_yaml) reads the same text.

mod libyaml {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct File {
        #[serde(default)]
        pub messages: Vec<Msg>,
    }

    #[derive(Deserialize)]
    pub struct Msg {
        #[serde(default)]
        pub role: Option<String>,
        #[serde(default)]
        pub content: Option<String>,
        #[serde(default)]
        pub parts: Vec<Part>,
        #[serde(default)]
        pub tool_calls: Vec<Call>,
        #[serde(default)]
        pub tool_call_id: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Part {
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(default)]
        pub text: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Call {
        pub id: String,
        pub function: Function,
    }

    #[derive(Deserialize)]
    pub struct Function {
        pub name: String,
        pub arguments: serde_yaml::Value,
    }
}

#[test]
fn fixtures_read_the_same_text_as_libyaml() {
    for name in [
        "weather-tools.transcript.yaml",
        "multimodal.transcript.yaml",
        "unicode.transcript.yml",
        "anchors.transcript.yaml",
    ] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let theirs: libyaml::File = serde_yaml::from_str(&text).unwrap();
        with(&text, |rec| {
            assert_eq!(rec.messages.len(), theirs.messages.len(), "{name}");
            for (i, (ours, t)) in rec.messages.iter().zip(&theirs.messages).enumerate() {
                let at = format!("{name} message {i}");
                assert_eq!(ours.role, t.role.as_deref().unwrap_or(""), "{at}");
                assert_eq!(ours.content, t.content.as_deref().unwrap_or(""), "{at}");
                let texts: Vec<_> = t.parts.iter().map(|p| (p.kind.as_str(), p.text.as_deref())).collect();
                let ours_texts: Vec<_> = ours.parts.iter().map(|p| (p.kind, p.text)).collect();
                // The part conversion drops empty text and non-text parts' text.
                let expected: Vec<_> = texts
                    .iter()
                    .map(|(k, x)| (*k, if *k == "text" { x.filter(|s| !s.is_empty()) } else { None }))
                    .collect();
                assert_eq!(ours_texts, expected, "{at}");
                assert_eq!(ours.tool_calls.len(), t.tool_calls.len(), "{at}");
                for (c, tc) in ours.tool_calls.iter().zip(&t.tool_calls) {
                    assert_eq!((c.id, c.name), (tc.id.as_str(), tc.function.name.as_str()), "{at}");
                    match &tc.function.arguments {
                        serde_yaml::Value::String(s) => assert_eq!(c.args.0, s, "{at}"),
                        other => {
                            let ours: serde_json::Value = serde_json::from_str(c.args.0).unwrap();
                            let theirs = serde_json::to_value(other).unwrap();
                            assert_eq!(ours, theirs, "{at}");
                        }
                    }
                }
                assert_eq!(ours.tool_result.map(|r| r.id), t.tool_call_id.as_deref(), "{at}");
            }
        });
    }
}

#[test]
fn single_quote_escape_in_double_quotes_loads_as_the_reference() {
    // yaml.v3 reads `\'` in a double-quoted scalar as `'`; elsewhere the
    // backslash is literal text.
    let doc = "messages:\n  - role: user\n    content: \"it\\'s a \\\"test\\\", don\\'t\"\n  - role: assistant\n    content: 'plain \\ here'\n  - role: user\n    content: plain \\' too\n";
    with(doc, |rec| {
        let content: Vec<&str> = rec.messages.iter().map(|m| m.content).collect();
        assert_eq!(content, ["it's a \"test\", don't", "plain \\ here", "plain \\' too"]);
    });
    // Another unknown escape is still an error, at its scalar in the file.
    let e = err(b"messages:\n  - role: user\n    content: \"it\\'s\"\n  - role: assistant\n    content: \"bad \\q\"\n");
    assert_eq!((e.kind(), at(&e)), (ErrorKind::Syntax, (5, 14)));
    assert!(e.message().contains("unknown escape"), "{e}");
    // An error after a rewritten escape keeps the file's own position.
    let e = err(b"a: \"x\\'y\\'z\"\nmessages: [\n");
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(e.offset(), Some(25), "{e}");
}

#[test]
fn alias_budget_is_a_limit_field() {
    let doc = "x: &x {role: user, content: hi}\nmessages: [*x, *x, *x]\n";
    let mut loader = Loader::with_limits(Limits { max_alias_expansion: Some(3), ..Limits::default() });
    let e = loader.load_bytes(doc.as_bytes(), Parser::Transcript).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let mut loader = Loader::with_limits(Limits { max_alias_expansion: Some(10_000), ..Limits::default() });
    assert_eq!(loader.load_bytes(doc.as_bytes(), Parser::Transcript).unwrap().messages.len(), 3);
    assert_eq!(Limits::default().alias_budget(1000), 4000 + (1 << 20));
}
