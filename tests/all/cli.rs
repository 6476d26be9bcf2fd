//! Runs the `arena-recordings` binary: exit codes, ordering, accounting,
//! sources (directory, `**` glob, several), failures that do not stop a run,
//! and output independent of the thread count.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{lines, run, run_in};

fn ids(v: &[Value]) -> Vec<String> {
    v.iter().map(|o| o["id"].as_str().expect("id").to_owned()).collect()
}

const GOOD: &str = r#"{"metadata":{"session_id":"s"},"events":[
  {"type":"message","timestamp":"2024-01-15T10:00:00Z","message":{"role":"user","content":"hi"}},
  {"type":"message","timestamp":"2024-01-15T10:00:01Z","message":{"role":"assistant","content":"hello"}}]}"#;
const GOOD_ARENA: &str = r#"{"RunID":"r","Messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","tool_calls":[{"id":"c","name":"f","args":{}}]}]}"#;
const BAD: &str = "{\"events\": [\n  {\"type\": \"message\",\n";

fn write(dir: &Path, rel: &str, body: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, body).unwrap();
    p
}

/// A temporary corpus of `n` files in nested folders, mixed formats, with
/// the files whose index is in `bad` broken.
fn temp_corpus(n: usize, bad: &[usize]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for i in 0..n {
        let (name, body) = if i % 3 == 0 {
            (format!("runs/{}/r{i:03}.arena.json", i % 4), GOOD_ARENA)
        } else {
            (format!("sessions/{}/deep/s{i:03}.recording.json", i % 5), GOOD)
        };
        write(d.path(), &name, if bad.contains(&i) { BAD } else { body });
    }
    write(d.path(), "sessions/README.md", "not a recording");
    d
}

#[test]
fn ls_lists_sorted_references_with_their_hints() {
    let d = temp_corpus(12, &[]);
    let o = run_in(d.path(), &["ls", ".", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), 12, "README.md is not claimed by any adapter");
    let got = ids(&v);
    let mut sorted: Vec<PathBuf> = got.iter().map(PathBuf::from).collect();
    sorted.sort();
    assert_eq!(got, sorted.iter().map(|p| p.to_string_lossy().into_owned()).collect::<Vec<_>>());
    for o in &v {
        let id = o["id"].as_str().unwrap();
        let want = if id.ends_with(".arena.json") { "arena_output" } else { "session" };
        assert_eq!(o["type_hint"], want, "{o}");
        assert_eq!(o["source"], ".");
    }
    let t = run_in(d.path(), &["ls", "."]);
    assert_eq!(t.code, 0);
    let text: Vec<String> = t.stdout.lines().map(|l| l.split('\t').next().unwrap().to_owned()).collect();
    assert_eq!(text, got);
}

#[test]
fn export_writes_one_line_per_reference_in_enumeration_order() {
    let d = temp_corpus(40, &[]);
    let listed = ids(&lines(&run_in(d.path(), &["ls", ".", "--format", "json"]).stdout));
    let o = run_in(d.path(), &["export", ".", "-j", "2"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), 40);
    assert_eq!(ids(&v), listed);
    for o in &v {
        assert!(o.get("error").is_none(), "{o}");
        assert_eq!(o["messages"].as_array().unwrap().len(), 2);
        assert!(o["metadata"].is_object());
    }
    // Arena output messages keep their tool calls in PromptKit form.
    let arena = v.iter().find(|o| o["type_hint"] == "arena_output").unwrap();
    assert_eq!(arena["messages"][1]["tool_calls"][0]["name"], "f");
    assert_eq!(arena["metadata"]["session_id"], "r");
}

#[test]
fn a_bad_file_in_the_middle_fails_alone_and_exits_3() {
    let d = temp_corpus(9, &[2]);
    let o = run_in(d.path(), &["export", "."]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("1 of 9 references failed"), "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), 9);
    let failed: Vec<&Value> = v.iter().filter(|o| o.get("error").is_some()).collect();
    assert_eq!(failed.len(), 1);
    let f = failed[0];
    assert!(f["id"].as_str().unwrap().ends_with("s002.recording.json"), "{f}");
    assert!(f.get("messages").is_none());
    let e = &f["error"];
    assert_eq!(e["kind"], "syntax");
    assert_eq!(e["line"], 3, "{e}");
    assert!(e["column"].as_u64().unwrap() >= 1);
    assert!(e["offset"].as_u64().unwrap() > 0);
    assert!(!e["message"].as_str().unwrap().is_empty());
    // The bad file is not the first or the last: files on both sides loaded.
    let pos = v.iter().position(|o| o.get("error").is_some()).unwrap();
    assert!(pos > 0 && pos < 8, "bad file at {pos}");
    assert!(v.iter().filter(|o| o.get("messages").is_some()).count() == 8);

    let s = run_in(d.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(s.code, 3);
    let s: Value = serde_json::from_str(&s.stdout).unwrap();
    assert_eq!(
        (s["files"].as_u64(), s["loaded"].as_u64(), s["failed"].as_u64()),
        (Some(9), Some(8), Some(1))
    );
    assert_eq!(s["errors"][0]["id"], f["id"]);
}

#[test]
fn thread_count_does_not_change_the_output() {
    let d = temp_corpus(60, &[7, 31, 59]);
    let one = run_in(d.path(), &["export", ".", "-j", "1"]);
    let two = run_in(d.path(), &["export", ".", "-j", "2"]);
    let many = run_in(d.path(), &["export", ".", "--threads", "7"]);
    assert_eq!(one.code, 3);
    assert_eq!(lines(&one.stdout).len(), 60);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, many.stdout);
    // The same holds for the shipped corpus.
    let one = run(&["export", "corpus", "-j", "1"]);
    let two = run(&["export", "corpus", "-j", "2"]);
    assert_eq!(one.code, two.code);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn memory_mapped_reads_give_the_same_output() {
    let read = run(&["export", "corpus"]);
    let mapped = run(&["export", "corpus", "--mmap-above", "0"]);
    assert_eq!(read.code, mapped.code);
    assert_eq!(read.stdout, mapped.stdout);
}

#[test]
fn glob_with_double_star_mixes_formats_across_folders() {
    let d = temp_corpus(10, &[]);
    write(d.path(), "top.recording.json", GOOD);
    let o = run_in(d.path(), &["export", "**/*.json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), 11);
    let hints: std::collections::BTreeSet<&str> =
        v.iter().map(|o| o["type_hint"].as_str().unwrap()).collect();
    assert_eq!(hints.into_iter().collect::<Vec<_>>(), ["arena_output", "session"]);
    assert!(v.iter().all(|o| o["source"] == "**/*.json"));
    assert!(ids(&v).iter().any(|id| id == "top.recording.json"));
    assert!(ids(&v).iter().any(|id| id.matches('/').count() == 3), "nested files found: {:?}", ids(&v));
    // The shipped corpus, nested folders included.
    let o = run(&["ls", "corpus/**/*.arena.json"]);
    assert_eq!(o.code, 0);
    assert!(o
        .stdout
        .contains("corpus/sample/arena_output/nightly/2025-11-20/smoke-turns.arena.json\tarena_output"));
}

#[test]
fn several_sources_are_merged_without_duplicates() {
    let d = temp_corpus(6, &[]);
    let all = lines(&run_in(d.path(), &["ls", ".", "--format", "json"]).stdout);
    let o = run_in(d.path(), &["ls", "sessions", "runs/**/*.json", "./sessions", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), all.len());
    let sources: std::collections::BTreeSet<&str> = v.iter().map(|o| o["source"].as_str().unwrap()).collect();
    assert_eq!(sources.into_iter().collect::<Vec<_>>(), ["runs/**/*.json", "sessions"]);
}

#[test]
fn type_hint_claims_every_file_of_a_directory() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "runs/2025-12-21T14-24Z_run.json", GOOD_ARENA);
    // `promptarena run`'s `<RunID>.json` is claimed by the content-sniffing adapter.
    let plain = run_in(d.path(), &["export", "runs"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let v = lines(&plain.stdout);
    assert_eq!(v[0]["type_hint"], "generic");
    assert_eq!(v[0]["messages"].as_array().unwrap().len(), 2);
    let o = run_in(d.path(), &["export", "runs", "--type", "arena"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = lines(&o.stdout);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["type_hint"], "arena_output");
    assert_eq!(v[0]["messages"].as_array().unwrap().len(), 2);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["scan", "corpus/no-such-dir"][..],
        &["export", "corpus/**/*.nothing"],
        &["ls", "corpus", "--type", "no-such-format"],
        &["scan", "corpus", "--bogus"],
        &["scan", "corpus", "-j", "0"],
        &["ls"],
        &["frobnicate"],
        &["ls", "corpus/[unclosed"],
    ] {
        let o = run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}: usage errors print nothing on stdout");
        assert!(!o.stderr.is_empty(), "{args:?}: usage errors say why");
    }
    let o = run(&["scan", "corpus/no-such-dir"]);
    assert!(o.stderr.contains("corpus/no-such-dir"), "the error names the source: {}", o.stderr);
    let o = run(&["ls", "corpus", "--type", "no-such-format"]);
    assert!(o.stderr.contains("unknown type hint 'no-such-format'"), "{}", o.stderr);
}

#[test]
fn all_loaded_exits_0() {
    let o = run(&["scan", "corpus/sample/session", "corpus/sample/arena_output"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("failed      0"), "{}", o.stdout);
}

#[test]
fn scan_of_the_shipped_corpus_reports_every_invalid_file() {
    let listed = lines(&run(&["ls", "corpus", "--format", "json"]).stdout);
    let invalid = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/invalid"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && name != "README.md"
        })
        .count();
    assert!(invalid >= 3);
    let o = run(&["scan", "corpus", "--format", "json"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    let s: Value = serde_json::from_str(&o.stdout).unwrap();
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k} in {s}"));
    assert_eq!(n("recordings") as usize, listed.len());
    // Every file in corpus/invalid fails; so may the kept fuzz findings in corpus/crash.
    let crash: Value =
        serde_json::from_str(&run(&["scan", "corpus/crash", "--format", "json"]).stdout).unwrap();
    let crash_failures = crash["failed"].as_u64().unwrap() as usize;
    assert_eq!(n("failed") as usize, invalid + crash_failures);
    assert_eq!(n("loaded") + n("failed"), n("recordings"));
    assert!(n("messages") > 0 && n("tool_calls") > 0 && n("bytes") > 0);
    assert!(s["seconds"].as_f64().unwrap() >= 0.0);
    let by_role: u64 = s["messages_by_role"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_role, n("messages"));
    let per_format: u64 =
        s["formats"].as_object().unwrap().values().map(|f| f["files"].as_u64().unwrap()).sum();
    assert_eq!(per_format, n("files"));
    for e in s["errors"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        assert!(id.starts_with("corpus/invalid/") || id.starts_with("corpus/crash/"), "{e}");
    }
    // Text form: errors as path:line:col.
    let t = run(&["scan", "corpus"]);
    assert_eq!(t.code, 3);
    assert!(t.stdout.contains("corpus/invalid/syntax-truncated.recording.json:"), "{}", t.stdout);
    let err_line = t.stdout.lines().find(|l| l.contains("syntax-truncated")).unwrap();
    let rest = err_line.trim().strip_prefix("corpus/invalid/syntax-truncated.recording.json:").unwrap();
    let mut parts = rest.splitn(3, ':');
    assert!(parts.next().unwrap().parse::<u32>().is_ok(), "line in {err_line}");
    assert!(parts.next().unwrap().parse::<u32>().is_ok(), "column in {err_line}");
}

#[test]
fn each_invalid_file_fails_with_the_kind_its_name_starts_with() {
    let o = run(&["export", "corpus/invalid"]);
    assert_eq!(o.code, 3);
    let v = lines(&o.stdout);
    assert!(!v.is_empty());
    for o in &v {
        let id = o["id"].as_str().unwrap();
        let name = Path::new(id).file_name().unwrap().to_string_lossy();
        // `kind-description.ext` or `kind@offset__description.ext`.
        let kind = name.split(['-', '@', '_']).next().unwrap();
        assert_eq!(o["error"]["kind"], kind, "{o}");
        assert!(o["error"]["line"].as_u64().is_some(), "a position for {id}: {o}");
    }
}

#[test]
fn output_file_gets_the_data_and_stdout_stays_empty() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.jsonl");
    let o = run(&["export", "corpus/sample/session", "-o", out.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    let listed = run(&["ls", "corpus/sample/session"]).stdout.lines().count();
    assert_eq!(lines(&written).len(), listed);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let o = run(&["scan", "corpus/sample/session"]);
    assert_eq!(o.code, 0);
    assert!(o.stderr.is_empty(), "stderr: {:?}", o.stderr);
}

#[test]
fn help_explains_every_command_with_an_example() {
    let o = run(&["--help"]);
    assert_eq!(o.code, 0);
    for cmd in ["ls", "export", "scan", "Exit codes", "Examples"] {
        assert!(o.stdout.contains(cmd), "{cmd} in {}", o.stdout);
    }
    for cmd in ["ls", "export", "scan"] {
        let o = run(&[cmd, "--help"]);
        assert_eq!(o.code, 0);
        assert!(o.stdout.contains(&format!("arena-recordings {cmd} ")), "{cmd}: {}", o.stdout);
    }
}

#[cfg(unix)]
#[test]
fn a_broken_link_is_a_failed_reference_not_a_silent_skip() {
    let d = temp_corpus(3, &[]);
    std::os::unix::fs::symlink("nowhere.json", d.path().join("sessions/gone.recording.json")).unwrap();
    for args in [&["export", "sessions"][..], &["export", "sessions/**/*.json"]] {
        let o = run_in(d.path(), args);
        assert_eq!(o.code, 3, "{args:?}: {}", o.stderr);
        let v = lines(&o.stdout);
        assert_eq!(v.len(), 3, "{args:?}");
        let gone: Vec<&Value> = v.iter().filter(|o| o.get("error").is_some()).collect();
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0]["id"], "sessions/gone.recording.json");
        assert_eq!(gone[0]["error"]["kind"], "io");
    }
}

#[test]
fn generate_is_deterministic_and_loads_completely() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    for dir in [&a, &b] {
        let o = run(&["generate", dir.to_str().unwrap(), "--files", "12", "--seed", "42", "--media-kb", "4"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.contains("total"), "{}", o.stdout);
    }
    let list = |dir: &std::path::Path| {
        let mut files: Vec<_> = walk(dir)
            .into_iter()
            .map(|p| (p.strip_prefix(dir).unwrap().to_owned(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let (fa, fb) = (list(&a), list(&b));
    assert_eq!(fa.len(), 12);
    assert!(fa == fb, "same seed, same bytes");
    // Every generated file loads, and the message total is the generator's.
    let gen = run(&[
        "generate",
        d.path().join("c").to_str().unwrap(),
        "--files",
        "12",
        "--seed",
        "42",
        "--media-kb",
        "4",
    ]);
    let total: u64 = gen
        .stdout
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap()
        .split_whitespace()
        .rev()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let o = run(&["scan", a.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!((v["files"].as_u64(), v["failed"].as_u64()), (Some(12), Some(0)));
    assert_eq!(v["messages"].as_u64(), Some(total));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
