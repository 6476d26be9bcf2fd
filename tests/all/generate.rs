//! The corpus generator: deterministic, every file readable, counts right,
//! and each shape really dominated by what it says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arena_recordings::{Loader, Parser, RecordingReference, Registry};
use arena_recordings_generate::{document, generate, DocumentSpec, FileKind, GenerateOptions, Shape};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("arena-gen-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn opts(files: usize, seed: u64, size_mix: bool) -> GenerateOptions {
    GenerateOptions { files, seed, media_kb: 8, size_mix, ..GenerateOptions::default() }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (TempDir::new("det-a"), TempDir::new("det-b"), TempDir::new("det-c"));
    let ra = generate(&a.0, &opts(12, 42, false)).unwrap();
    let rb = generate(&b.0, &opts(12, 42, false)).unwrap();
    let rc = generate(&c.0, &opts(12, 43, false)).unwrap();
    assert_eq!(rc.files, 12);
    assert_eq!(ra, rb);
    let (fa, fb, fc) = (files(&a.0), files(&b.0), files(&c.0));
    assert_eq!(fa.len(), 12);
    assert_eq!(fa, fb);
    assert_ne!(fa, fc);
    assert_eq!(fa.values().map(|v| v.len() as u64).sum::<u64>(), ra.bytes);
    // Nested folders, every extension.
    assert!(fa.keys().all(|p| p.components().count() >= 3), "{:?}", fa.keys());
    for kind in FileKind::ALL {
        assert_eq!(fa.keys().filter(|p| p.to_string_lossy().ends_with(kind.extension())).count(), 3);
    }
}

fn json_str<'v>(v: &'v serde_json::Value, key: &str) -> &'v str {
    v.get(key).and_then(|s| s.as_str()).unwrap_or("")
}

/// Every JSON file loads through the registry with the counts the generator
/// reports, and the messages agree with an independent serde_json parse.
#[test]
fn json_files_load_and_agree_with_serde_json() {
    let dir = TempDir::new("json");
    let o = GenerateOptions { kinds: vec![FileKind::Session, FileKind::Arena], ..opts(30, 7, true) };
    let report = generate(&dir.0, &o).unwrap();
    let registry = Registry::new();
    let mut loader = Loader::new();
    let mut per_kind = BTreeMap::new();
    for (rel, bytes) in files(&dir.0) {
        let path = dir.0.join(&rel);
        let rec = registry
            .load_into(&RecordingReference::file(path.to_string_lossy(), ""), &mut loader)
            .unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let expected: Vec<(&str, &str)> = if rel.to_string_lossy().ends_with(".recording.json") {
            v["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| json_str(e, "type") == "message")
                .map(|e| (json_str(&e["message"], "role"), json_str(&e["message"], "content")))
                .collect()
        } else {
            v["Messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let content = match m["tool_result"]["parts"][0]["text"].as_str() {
                        Some(t) => t,
                        None => json_str(m, "content"),
                    };
                    (json_str(m, "role"), content)
                })
                .collect()
        };
        let got: Vec<(&str, &str)> = rec.messages.iter().map(|m| (m.role, m.content)).collect();
        assert_eq!(got, expected, "{}", rel.display());
        let kind = if rel.to_string_lossy().ends_with(".recording.json") { "session" } else { "arena" };
        *per_kind.entry(kind).or_insert(0u64) += rec.messages.len() as u64;
    }
    for k in &report.per_kind {
        assert_eq!(per_kind[k.kind.as_str()], k.messages, "{:?}", k.kind);
    }
}

#[test]
fn yaml_and_jsonl_files_parse_with_the_counts_reported() {
    let dir = TempDir::new("other");
    let o = GenerateOptions { kinds: vec![FileKind::Transcript, FileKind::EventStore], ..opts(20, 9, true) };
    let report = generate(&dir.0, &o).unwrap();
    let (mut yaml_msgs, mut jsonl_msgs) = (0u64, 0u64);
    for (rel, bytes) in files(&dir.0) {
        let text = String::from_utf8(bytes).unwrap();
        if rel.to_string_lossy().ends_with(".transcript.yaml") {
            let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
            let msgs = docs[0]["messages"].as_vec().unwrap();
            for m in msgs {
                assert!(m["role"].as_str().is_some(), "{}", rel.display());
                assert!(m["content"].as_str().is_some(), "{}", rel.display());
                let ts = &m["timestamp"];
                assert!(ts.as_str().is_some_and(|t| t.len() > 20 && t.starts_with("202")), "{ts:?}");
            }
            assert_eq!(docs[0]["metadata"]["judge_targets"]["quality"]["model"].as_str(), Some("gpt-4o"));
            yaml_msgs += msgs.len() as u64;
        } else {
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                assert!(v["seq"].as_u64().is_some_and(|s| s > 0));
                let ev = &v["event"];
                if json_str(ev, "type") == "message.created" {
                    assert!(ev["data"]["Role"].is_string());
                    if let Some(calls) = ev["data"]["ToolCalls"].as_array() {
                        let args = calls[0]["args"].as_str().unwrap();
                        assert!(serde_json::from_str::<serde_json::Value>(args).unwrap().is_object());
                    }
                    jsonl_msgs += 1;
                }
            }
        }
    }
    let count = |k: FileKind| report.per_kind.iter().find(|r| r.kind == k).unwrap().messages;
    assert_eq!(yaml_msgs, count(FileKind::Transcript));
    assert_eq!(jsonl_msgs, count(FileKind::EventStore));
}

#[test]
fn size_mix_spans_small_to_large() {
    let dir = TempDir::new("sizes");
    let o = GenerateOptions { kinds: vec![FileKind::Arena], ..opts(60, 11, true) };
    generate(&dir.0, &o).unwrap();
    let sizes: Vec<usize> = files(&dir.0).values().map(|v| v.len()).collect();
    assert!(sizes.iter().any(|&s| s < 16 << 10), "{sizes:?}");
    assert!(sizes.iter().any(|&s| s > 256 << 10), "{sizes:?}");
    let small = TempDir::new("sizes-small");
    generate(&small.0, &GenerateOptions { size_mix: false, ..o }).unwrap();
    assert!(files(&small.0).values().all(|v| v.len() < 256 << 10));
}

fn load(doc: &[u8], parser: Parser, loader: &mut Loader) -> (usize, usize, usize, usize) {
    let rec = loader.load_bytes(doc, parser).unwrap();
    let mut media = 0;
    let mut text = 0;
    for m in rec.messages {
        text += m.content.len();
        for p in m.parts {
            media += p.media.and_then(|m| m.data).map_or(0, str::len);
        }
    }
    let non_ascii = rec.messages.iter().map(|m| m.content.chars().filter(|c| !c.is_ascii()).count()).sum();
    (rec.messages.len(), media, text, non_ascii)
}

#[test]
fn shapes_are_dominated_by_what_they_say() {
    let mut loader = Loader::new();
    for (kind, parser) in [(FileKind::Session, Parser::Session), (FileKind::Arena, Parser::ArenaOutput)] {
        let spec = |shape| DocumentSpec { kind, shape, target_bytes: 200_000, media_kb: 64, seed: 5 };
        let media = document(&spec(Shape::MediaHeavy));
        let (n, media_bytes, _, _) = load(&media.bytes, parser, &mut loader);
        assert_eq!(n, media.messages);
        assert!(
            media_bytes * 10 > media.bytes.len() * 8,
            "{kind:?} media {media_bytes} of {}",
            media.bytes.len()
        );

        let text = document(&spec(Shape::TextHeavy));
        let (n, _, text_bytes, non_ascii) = load(&text.bytes, parser, &mut loader);
        assert_eq!(n, text.messages);
        assert!(text_bytes * 10 > text.bytes.len() * 7, "{kind:?} text {text_bytes} of {}", text.bytes.len());
        assert!(non_ascii > 1000);

        let esc = document(&spec(Shape::EscapeHeavy));
        assert!(esc.bytes.is_ascii());
        let escapes = esc.bytes.windows(2).filter(|w| w == b"\\u").count();
        assert!(escapes > 5000, "{kind:?} {escapes} escapes");
        let (n, _, _, non_ascii) = load(&esc.bytes, parser, &mut loader);
        assert_eq!(n, esc.messages);
        assert!(non_ascii > 1000);

        let tiny = document(&spec(Shape::TinyEvents));
        let (n, _, _, _) = load(&tiny.bytes, parser, &mut loader);
        assert_eq!(n, tiny.messages);
        assert!(n > 200_000 / 400, "{kind:?} only {n} messages");

        for doc in [&media, &text, &esc, &tiny] {
            assert!((200_000..300_000).contains(&doc.bytes.len()), "{kind:?} {}", doc.bytes.len());
        }
    }
}
