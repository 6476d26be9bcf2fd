//! Files that hold many recordings (FORMATS-MORE.md 1.1): one reference per
//! recording with its fragment id, through `ls`, `export`, `scan` and the
//! registry API. The formats' own mapping rules are tested next to their
//! decoders (crates/core/src/formats/).

use std::path::Path;

use arena_recordings::{Corpus, Loader, Parser, RecordingReference, Registry, RunOptions};
use serde_json::Value;

use crate::support::{lines, run_in};

const CHAT_LINE: &str = r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A JSON Lines chat file: line 2 blank, line 4 broken.
fn chat_jsonl() -> String {
    let other = CHAT_LINE.replace("Hi", "Second");
    format!("{CHAT_LINE}\n\n{other}\n{{\"messages\": [\n")
}

#[test]
fn json_lines_give_one_reference_per_non_blank_line() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ft/train.jsonl", &chat_jsonl());
    let ls = run_in(d.path(), &["ls", "ft"]);
    assert_eq!(ls.code, 0, "{}", ls.stderr);
    assert_eq!(
        ls.stdout,
        "ft/train.jsonl#L1\topenai_chat\nft/train.jsonl#L3\topenai_chat\nft/train.jsonl#L4\topenai_chat\n"
    );
    let out = run_in(d.path(), &["export", "ft"]);
    assert_eq!(out.code, 3, "one line failed: {}", out.stderr);
    let v = lines(&out.stdout);
    let ids: Vec<&str> = v.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ft/train.jsonl#L1", "ft/train.jsonl#L3", "ft/train.jsonl#L4"]);
    assert!(v.iter().all(|o| o["source"] == "ft" && o["type_hint"] == "openai_chat"));
    let roles: Vec<&str> =
        v[0]["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant"]);
    assert_eq!(v[1]["messages"][1]["content"], "Second");
    // The broken line is a failed reference positioned on line 4 of the file.
    let e = &v[2]["error"];
    assert_eq!(e["kind"], "syntax", "{e}");
    assert_eq!(e["line"], 4, "{e}");
    assert!(v[2].get("messages").is_none());
    let scan = run_in(d.path(), &["scan", "ft", "--format", "json"]);
    assert_eq!(scan.code, 3);
    let s: Value = serde_json::from_str(scan.stdout.trim()).unwrap();
    assert_eq!((s["files"].as_u64(), s["recordings"].as_u64()), (Some(1), Some(3)), "{s}");
    assert_eq!((s["loaded"].as_u64(), s["failed"].as_u64()), (Some(2), Some(1)), "{s}");
    assert_eq!(s["errors"][0]["id"], "ft/train.jsonl#L4");
    assert_eq!(s["formats"]["openai_chat"]["recordings"], 3, "{s}");
}

#[test]
fn a_one_line_jsonl_file_is_still_json_lines() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "one.jsonl", &format!("{CHAT_LINE}\n"));
    let out = run_in(d.path(), &["export", "one.jsonl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = lines(&out.stdout);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["id"], "one.jsonl#L1");
    assert_eq!(v[0]["messages"].as_array().unwrap().len(), 3);
}

#[test]
fn json_arrays_give_item_fragments_and_objects_none() {
    let d = tempfile::tempdir().unwrap();
    let conv = r#"{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello"}]}"#;
    write(d.path(), "data/sharegpt.json", &format!("[\n{conv},\n{conv}\n]\n"));
    write(d.path(), "data/single.json", conv);
    write(d.path(), "data/chat-array.json", &format!("[{CHAT_LINE}]"));
    write(d.path(), "data/empty.json", "[]");
    let out = run_in(d.path(), &["export", "data"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = lines(&out.stdout);
    let head: Vec<(&str, &str)> =
        v.iter().map(|o| (o["id"].as_str().unwrap(), o["type_hint"].as_str().unwrap())).collect();
    assert_eq!(
        head,
        [
            ("data/chat-array.json#item=0", "openai_chat"),
            ("data/empty.json", "generic"),
            ("data/sharegpt.json#item=0", "sharegpt"),
            ("data/sharegpt.json#item=1", "sharegpt"),
            ("data/single.json", "sharegpt"),
        ]
    );
    // An empty array: one reference, loaded, no message, a warning.
    assert_eq!(v[1]["messages"].as_array().map(Vec::len), Some(0), "{}", v[1]);
    assert!(v[1]["warnings"].as_array().is_some_and(|w| !w.is_empty()), "{}", v[1]);
    let roles: Vec<&str> =
        v[2]["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant"]);
}

#[test]
fn a_type_hint_reads_a_single_object_as_that_format() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "chat.json", CHAT_LINE);
    let out = run_in(d.path(), &["export", "chat.json", "--type", "openai_chat"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = lines(&out.stdout);
    assert_eq!((v[0]["id"].as_str(), v[0]["type_hint"].as_str()), (Some("chat.json"), Some("openai_chat")));
    assert_eq!(v[0]["messages"].as_array().unwrap().len(), 3);
    // Without the hint it stays Arena output by PromptKit's rules (a `messages` key).
    let plain = lines(&run_in(d.path(), &["export", "chat.json"]).stdout);
    assert_eq!(plain[0]["type_hint"], "generic");
}

#[test]
fn the_registry_enumerates_recordings_and_loads_one_by_its_fragment() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "train.jsonl", &chat_jsonl());
    let path = d.path().join("train.jsonl").display().to_string();
    let registry = Registry::new();
    let refs = registry.enumerate(&path, "").unwrap();
    let frags: Vec<Option<&str>> = refs.iter().map(|r| r.fragment.as_deref()).collect();
    assert_eq!(frags, [Some("L1"), Some("L3"), Some("L4")]);
    assert_eq!(refs[1].id, format!("{path}#L3"));
    assert_eq!(refs[1].path(), path);
    assert_eq!(refs[1].type_hint, "openai_chat");
    let (messages, _) = registry.load(&refs[1]).unwrap();
    assert_eq!(messages[1].content, "Second");
    let mut loader = Loader::new();
    let rec = registry.load_into(&refs[0], &mut loader).unwrap();
    assert_eq!(rec.messages[1].content, "Hi");
    let e = registry.load(&refs[2]).unwrap_err();
    assert_eq!(e.position().map(|p| p.line), Some(4), "{e}");
    // A fragment the file does not hold, and the file as a whole.
    let missing = refs[0].with_fragment("L2", None);
    assert!(registry.load(&missing).is_err());
    let e = registry.load(&RecordingReference::file(path.clone(), "")).unwrap_err();
    assert!(e.message().contains("holds 3 recordings"), "{e}");
}

#[test]
fn the_corpus_engine_visits_every_recording_in_order_and_counts_bytes_once() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a/train.jsonl", &chat_jsonl());
    write(d.path(), "b/more.jsonl", &format!("{CHAT_LINE}\n{CHAT_LINE}\n"));
    let root = d.path().display().to_string();
    let registry = Registry::new();
    let corpus = Corpus::enumerate(&registry, &[&root], "").unwrap();
    assert_eq!(corpus.len(), 2);
    for threads in [1, 2] {
        let opts = RunOptions { threads, window: 1, ..RunOptions::default() };
        let mut seen = Vec::new();
        let tally = corpus
            .map_ordered(
                &opts,
                |v| (v.id().into_owned(), v.size(), v.result.is_ok()),
                |_, x| {
                    seen.push(x);
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        let ids: Vec<String> =
            seen.iter().map(|(id, _, _)| id.trim_start_matches(&root).to_owned()).collect();
        assert_eq!(
            ids,
            [
                "/a/train.jsonl#L1",
                "/a/train.jsonl#L3",
                "/a/train.jsonl#L4",
                "/b/more.jsonl#L1",
                "/b/more.jsonl#L2"
            ]
        );
        assert_eq!((tally.files, tally.loaded, tally.failed), (2, 4, 1));
        assert_eq!(seen.iter().map(|(_, s, _)| s).sum::<u64>(), corpus.total_bytes());
        let mut listed = Vec::new();
        corpus
            .references(&opts, |r| {
                listed.push(r.id.trim_start_matches(&root).to_owned());
                Ok::<(), ()>(())
            })
            .unwrap();
        assert_eq!(listed, ids);
    }
}

/// What `load_bytes_each` gave, reduced to comparable data.
fn each_outcome(
    loader: &mut Loader,
    bytes: &[u8],
    parser: Parser,
) -> Vec<(Option<String>, Result<usize, String>)> {
    let mut out = Vec::new();
    loader.load_bytes_each(bytes, parser, |piece, r| {
        let r = r.map(|rec| rec.messages.len()).map_err(|e| {
            if let (Some(off), Some(pos)) = (e.offset(), e.position()) {
                assert_eq!(pos.offset, off, "located at its offset: {e}");
            }
            format!("{}: {e}", e.kind())
        });
        out.push((piece.fragment.map(str::to_owned), r));
    });
    out
}

/// Every sample, hostile and crash file, whole and cut at forty places,
/// through the five new parsers and the two that recognise them by content:
/// never a panic, at least one reference, and the same outcome from a fresh
/// and a reused loader.
#[test]
fn hostile_bytes_through_the_new_parsers_are_errors_never_panics() {
    use Parser::*;
    let parsers = [OpenAiChat, OpenAiBatch, ShareGpt, Inspect, OtelGenai, Session, Auto];
    let mut files = crate::support::corpus_files("sample");
    files.extend(crate::support::corpus_files("invalid"));
    files.extend(crate::support::corpus_files("crash"));
    let mut reused = Loader::new();
    let mut checked = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step).chain([bytes.len()]) {
            for parser in parsers {
                let a = each_outcome(&mut Loader::new(), &bytes[..cut], parser);
                let b = each_outcome(&mut reused, &bytes[..cut], parser);
                assert!(!a.is_empty(), "{} cut at {cut} as {parser:?}: no reference", path.display());
                assert_eq!(a, b, "{} cut at {cut} as {parser:?}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// The public examples of every format (read in place): `ls`, `export` and
/// `scan` agree on the references, every id is unique, and only the files
/// made to fail (the synthetic truncated ones, a failed Batch request, ...) fail.
#[test]
fn the_public_examples_list_export_and_scan_alike() {
    let dir = crate::support::upstream_dir().join("formats");
    if !dir.is_dir() {
        eprintln!("note: {} does not exist: the checks on the public examples were NOT run", dir.display());
        return;
    }
    let dir = dir.display().to_string();
    let ls = crate::support::run(&["ls", &dir, "--format", "json"]);
    assert_eq!(ls.code, 0, "{}", ls.stderr);
    let listed: Vec<String> =
        lines(&ls.stdout).iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
    let export = crate::support::run(&["export", &dir, "-j", "2"]);
    assert_eq!(export.code, 3, "some examples are made to fail: {}", export.stderr);
    let exported = lines(&export.stdout);
    let ids: Vec<String> = exported.iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, listed);
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    let scan = crate::support::run(&["scan", &dir, "--format", "json"]);
    let s: Value = serde_json::from_str(scan.stdout.trim()).unwrap();
    assert_eq!(s["recordings"].as_u64(), Some(ids.len() as u64));
    let failed: Vec<&str> =
        exported.iter().filter(|o| o.get("error").is_some()).map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(s["failed"].as_u64(), Some(failed.len() as u64));
    // Every failure is in a file made to fail, and says where.
    for o in exported.iter().filter(|o| o.get("error").is_some()) {
        let id = o["id"].as_str().unwrap();
        assert!(id.contains("synthetic") || id.contains("nightly_support_qa_batch"), "{id}: {}", o["error"]);
        assert!(!o["error"]["message"].as_str().unwrap().is_empty());
    }
    // Each format's hint names the references read as it.
    for (folder, hint) in [
        ("openai_chat/", "openai_chat"),
        ("openai_batch/", "openai_batch"),
        ("sharegpt/", "sharegpt"),
        ("inspect/", "inspect"),
        ("otel_genai/", "otel_genai"),
    ] {
        let of: Vec<&Value> =
            exported.iter().filter(|o| o["id"].as_str().unwrap().contains(folder)).collect();
        assert!(!of.is_empty(), "{folder}");
        let loaded = of.iter().filter(|o| o.get("messages").is_some()).count();
        assert!(loaded > 0, "{folder}: nothing loaded");
        // (A file with no recording at all, such as an empty array, names no format.)
        let with_messages = |o: &&&Value| o["messages"].as_array().is_some_and(|m| !m.is_empty());
        assert!(of.iter().filter(with_messages).all(|o| o["type_hint"] == hint), "{folder}");
    }
}
