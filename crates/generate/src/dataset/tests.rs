//! Dataset files: deterministic, of the size asked, readable, with the
//! counts reported, and with the content real datasets have.

use serde_json::Value;

use super::*;
use arena_recordings::{Loader, Parser};

fn write(kind: DatasetKind, bytes: u64, seed: u64, media_kb: usize) -> (Vec<u8>, DatasetReport) {
    let mut out = Vec::new();
    let report = write_dataset(&mut out, &DatasetOptions { kind, bytes, seed, media_kb }).unwrap();
    (out, report)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for kind in DatasetKind::ALL {
        let (a, ra) = write(kind, 200_000, 5, 4);
        let (b, rb) = write(kind, 200_000, 5, 4);
        let (c, _) = write(kind, 200_000, 6, 4);
        assert_eq!(ra, rb);
        assert!(a == b, "{kind:?}");
        assert!(a != c, "{kind:?}");
    }
    // The kinds do not share recordings for one seed.
    let (s, _) = write(DatasetKind::ShareGpt, 50_000, 5, 0);
    let (o, _) = write(DatasetKind::OpenAiChat, 50_000, 5, 0);
    assert_ne!(s, o);
}

#[test]
fn the_size_asked_overshot_by_at_most_one_exchange() {
    for kind in DatasetKind::ALL {
        for want in [1u64, 10_000, 1 << 20, 3 << 20] {
            let (out, r) = write(kind, want, 11, 0);
            assert_eq!(r.bytes, out.len() as u64);
            assert!(r.bytes >= want, "{kind:?} {want}: {}", r.bytes);
            assert!(r.bytes < want + (64 << 10), "{kind:?} {want}: {}", r.bytes);
            assert!(r.recordings >= 1);
        }
    }
    let (_, big) = write(DatasetKind::ShareGpt, 3 << 20, 11, 0);
    assert!(big.recordings > 100, "{big:?}");
}

#[test]
fn sharegpt_loads_with_the_reported_counts() {
    let (out, r) = write(DatasetKind::ShareGpt, 2 << 20, 3, 8);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len() as u64, r.recordings);
    // Independent count: turns plus the system keys.
    let mut turns = 0;
    for it in items {
        let conv = it["conversations"].as_array().unwrap();
        turns += conv.len() + usize::from(it.get("system").is_some());
        for t in conv {
            let from = t.get("from").or_else(|| t.get("role")).and_then(Value::as_str).unwrap();
            let value = t.get("value").or_else(|| t.get("content")).and_then(Value::as_str).unwrap();
            if from == "function_call" {
                let calls: Value = serde_json::from_str(value).unwrap();
                assert!(calls.is_object() || calls.is_array());
            }
        }
        if let Some(tools) = it.get("tools") {
            let tools: Value = serde_json::from_str(tools.as_str().unwrap()).unwrap();
            assert!(tools.as_array().is_some_and(|t| !t.is_empty()));
        }
    }
    assert_eq!(turns as u64, r.messages);
    // Through the crate, as the registry reads a `.json` file.
    let mut loader = Loader::new();
    let (mut n, mut messages, mut calls, mut results) = (0u64, 0u64, 0u64, 0u64);
    loader.load_bytes_each(&out, Parser::Auto, |piece, rec| {
        let rec = rec.unwrap_or_else(|e| panic!("{:?}: {e}", piece.fragment));
        assert!(rec.warnings.is_empty(), "{:?}: {:?}", piece.fragment, rec.warnings);
        assert_eq!(piece.fragment.map(str::to_owned), Some(format!("item={n}")));
        n += 1;
        messages += rec.messages.len() as u64;
        calls += rec.messages.iter().map(|m| m.tool_calls.len() as u64).sum::<u64>();
        for m in rec.messages.iter().filter(|m| m.role == "tool") {
            let id = m.tool_result.map_or("", |t| t.id);
            assert!(id.starts_with("call_"), "{id}");
            results += 1;
        }
    });
    assert_eq!((n, messages, calls), (r.recordings, r.messages, r.tool_calls));
    assert_eq!(results, calls);
    assert!(r.tool_calls > 10, "{r:?}");
}

#[test]
fn openai_chat_lines_are_valid_with_the_reported_counts() {
    let (out, r) = write(DatasetKind::OpenAiChat, 2 << 20, 4, 8);
    let text = std::str::from_utf8(&out).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64, r.recordings);
    let (mut messages, mut calls, mut images) = (0u64, 0u64, 0);
    for line in &lines {
        let v: Value = serde_json::from_str(line).unwrap();
        let msgs = v["messages"].as_array().unwrap();
        messages += msgs.len() as u64;
        let mut pending: Vec<String> = Vec::new();
        for m in msgs {
            match m["role"].as_str().unwrap() {
                "system" | "developer" | "user" => {
                    if let Some(parts) = m["content"].as_array() {
                        let url = parts[1]["image_url"]["url"].as_str().unwrap();
                        assert!(url.starts_with("data:image/"), "{url}");
                        images += 1;
                    } else {
                        assert!(m["content"].is_string());
                    }
                }
                "assistant" => {
                    for c in m.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                        let args = c["function"]["arguments"].as_str().unwrap();
                        assert!(serde_json::from_str::<Value>(args).unwrap().is_object());
                        pending.push(c["id"].as_str().unwrap().to_owned());
                        calls += 1;
                    }
                }
                "tool" => {
                    let id = m["tool_call_id"].as_str().unwrap();
                    assert_eq!(pending.first().map(String::as_str), Some(id));
                    pending.remove(0);
                }
                role => panic!("role {role}"),
            }
        }
        assert!(pending.is_empty());
    }
    assert_eq!((messages, calls), (r.messages, r.tool_calls));
    assert!(calls > 10 && images > 0, "{r:?} {images}");
    // Without media_kb there is no image.
    let (out, _) = write(DatasetKind::OpenAiChat, 500_000, 4, 0);
    assert!(!String::from_utf8(out).unwrap().contains("image_url"));
}

#[test]
fn content_is_realistic() {
    for kind in DatasetKind::ALL {
        let (out, _) = write(kind, 2 << 20, 9, 0);
        let text = String::from_utf8(out).unwrap();
        for needle in ["\\\"", "\\n", "\\u00", "é", "東京", "🚀"] {
            assert!(text.contains(needle), "{kind:?}: no {needle:?}");
        }
    }
    let (out, _) = write(DatasetKind::ShareGpt, 2 << 20, 9, 0);
    let text = String::from_utf8(out).unwrap();
    for needle in
        ["\"from\": \"human\"", "\"from\": \"gpt\"", "\"function_call\"", "\"observation\"", "\"system\": "]
    {
        assert!(text.contains(needle), "no {needle:?}");
    }
}

#[test]
fn generate_dataset_writes_the_same_bytes_to_a_file() {
    let dir = std::env::temp_dir().join(format!("arena-dataset-test-{}", std::process::id()));
    let path = dir.join("nested").join("sharegpt.json");
    let opts = DatasetOptions { kind: DatasetKind::ShareGpt, bytes: 300_000, seed: 2, media_kb: 0 };
    let r = generate_dataset(&path, &opts).unwrap();
    let on_disk = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let (mem, rm) = write(DatasetKind::ShareGpt, 300_000, 2, 0);
    assert_eq!((r, on_disk), (rm, mem));
}

#[test]
fn names_and_sizes_parse() {
    assert_eq!(DatasetKind::parse("ShareGPT"), Some(DatasetKind::ShareGpt));
    assert_eq!(DatasetKind::parse(" openai_chat "), Some(DatasetKind::OpenAiChat));
    assert_eq!(DatasetKind::parse("openai-chat"), Some(DatasetKind::OpenAiChat));
    assert_eq!(DatasetKind::parse("session"), None);
    for k in DatasetKind::ALL {
        assert_eq!(DatasetKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(parse_bytes("1G"), Some(1_000_000_000));
    assert_eq!(parse_bytes("1GB"), Some(1_000_000_000));
    assert_eq!(parse_bytes("1GiB"), Some(1 << 30));
    assert_eq!(parse_bytes("512m"), Some(512_000_000));
    assert_eq!(parse_bytes("64KiB"), Some(64 << 10));
    assert_eq!(parse_bytes("1000"), Some(1000));
    assert_eq!(parse_bytes(" 2 M "), Some(2_000_000));
    for bad in ["", "G", "1.5G", "-1", "1X", "99999999999T"] {
        assert_eq!(parse_bytes(bad), None, "{bad}");
    }
}
