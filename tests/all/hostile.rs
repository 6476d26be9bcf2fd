//! Hostile input: every case has an exact expected outcome (error kind and,
//! where it means something, the byte offset), the loader keeps working
//! after every failure, and a batch accounts for every reference.
//!
//! Also here: the generated test over `corpus/invalid/` (expected kind and
//! offset in each file name) and the replay of `corpus/crash/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{ALL_PARSERS, JSON_PARSERS};
use arena_recordings::to_owned;
use arena_recordings::{ErrorKind, Limits, Loader, Parser, RecordingReference, Registry};

const NATIVE: &str = "corpus/sample/session/travel-booking.recording.json";
const TOOLS: &str = "corpus/sample/arena_output/trip-planner-tools.arena.json";

/// The outcome of a load, reduced to what the tests compare.
#[derive(Debug, PartialEq)]
enum Outcome {
    Loaded(usize),
    Failed(ErrorKind, Option<usize>),
}

fn outcome(loader: &mut Loader, bytes: &[u8], parser: Parser) -> Outcome {
    match loader.load_bytes(bytes, parser) {
        Ok(rec) => Outcome::Loaded(rec.messages.len()),
        Err(e) => {
            // Every error points at a byte of the kind it names.
            if let Err(msg) = arena_recordings_reference::check_error_position(bytes, &e) {
                panic!("{msg}");
            }
            Outcome::Failed(e.kind(), e.offset())
        }
    }
}

fn err(bytes: &[u8], parser: Parser) -> arena_recordings::Error {
    match Loader::new().load_bytes(bytes, parser) {
        Ok(rec) => panic!("loaded {} messages from {:?}", rec.messages.len(), String::from_utf8_lossy(bytes)),
        Err(e) => e,
    }
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("arena-recordings-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The loader still loads a good file correctly.
fn assert_recovers(loader: &mut Loader) {
    assert_eq!(outcome(loader, &read(NATIVE), Parser::Session), Outcome::Loaded(4));
}

// ---------------------------------------------------------------------------
// Truncation

/// Cutting a real file at any byte gives an "unexpected end" syntax error
/// positioned at the cut, or a UTF-8 error when the cut splits a character.
#[test]
fn truncated_at_every_byte() {
    let mut loader = Loader::new();
    for (path, parser) in [(NATIVE, Parser::Session), (TOOLS, Parser::ArenaOutput)] {
        let full = read(path);
        for cut in 0..full.len() {
            let bytes = &full[..cut];
            let expected = match std::str::from_utf8(bytes) {
                // Only the trailing newline was cut: still the whole document.
                _ if full[cut..].iter().all(u8::is_ascii_whitespace) => outcome(&mut loader, &full, parser),
                Err(e) => Outcome::Failed(ErrorKind::Utf8, Some(e.valid_up_to())),
                Ok(_) => Outcome::Failed(ErrorKind::Syntax, Some(cut)),
            };
            assert_eq!(outcome(&mut loader, bytes, parser), expected, "{path} cut at {cut}");
        }
        assert_recovers(&mut loader);
    }
}

// ---------------------------------------------------------------------------
// Text encoding

#[test]
fn invalid_utf8_inside_strings() {
    for (bytes, at) in [
        (&b"{\"metadata\":{\"session_id\":\"ab\xffcd\"}}"[..], 29),
        (b"{\"metadata\":{\"model\":\"\xed\xa0\x80\"}}", 22), // a surrogate encoded in UTF-8
        (b"{\"metadata\":{\"tags\":[\"ok\",\"\xf8\x88\x80\x80\x80\"]}}", 27),
    ] {
        let e = err(bytes, Parser::Session);
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Utf8, Some(at)), "{e}");
        assert_eq!(e.expected_what(), Some("UTF-8 text"));
    }
}

/// Go substitutes U+FFFD for a lone surrogate escape; we report it.
#[test]
fn lone_surrogate_escapes() {
    for (text, at, found) in [
        (r#"{"metadata":{"session_id":"x\ud800"}}"#, 28, r"\ud800"),
        (r#"{"metadata":{"session_id":"\udfff"}}"#, 27, r"\udfff"),
        (r#"{"metadata":{"session_id":"\ud800\u0041"}}"#, 27, r"\ud800"),
        (r#"{"metadata":{"session_id":"\ud83d\ude00\ud83d"}}"#, 39, r"\ud83d"),
    ] {
        let e = err(text.as_bytes(), Parser::Session);
        assert_eq!((e.kind(), e.offset(), e.found()), (ErrorKind::Utf8, Some(at), Some(found)), "{e}");
        assert!(e.to_string().contains("lone UTF-16 surrogate"), "{e}");
    }
    // A proper pair is fine.
    let rec = Loader::new()
        .load_bytes(br#"{"metadata":{"session_id":"\ud83d\ude00"}}"#, Parser::Session)
        .map(|r| r.metadata.session_id.to_owned())
        .unwrap();
    assert_eq!(rec, "\u{1F600}");
}

/// A UTF-8 byte-order mark is whitespace; offsets stay those of the file.
#[test]
fn byte_order_mark() {
    let plain = read(NATIVE);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&plain);
    let mut loader = Loader::new();
    let a = to_owned(&loader.load_bytes(&plain, Parser::Session).unwrap());
    let b = to_owned(&loader.load_bytes(&bom, Parser::Session).unwrap());
    assert_eq!(a, b);
    let e = err(b"\xEF\xBB\xBF{\"metadata\":}", Parser::Session);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(15)), "{e}");
    assert_eq!(e.position().map(|p| (p.line, p.column)), Some((1, 16)));
    let e = err(b"\xEF\xBB\xBF\xEF\xBB\xBF{}", Parser::Session);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(3)), "{e}");
}

#[test]
fn nul_bytes() {
    for (bytes, at) in [(&b"{}\0"[..], 2), (b"\0{}", 0), (b"{\"metadata\":{\"model\":\"a\0\"}}", 23)] {
        let e = err(bytes, Parser::Session);
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(at)), "{e}");
    }
    // An escaped NUL is just a character.
    let mut loader = Loader::new();
    let rec = loader.load_bytes(br#"{"metadata":{"model":"a\u0000b"}}"#, Parser::Session).unwrap();
    assert_eq!(rec.metadata.provider_info("model"), Some("a\0b"));
}

#[test]
fn empty_and_blank_files() {
    for bytes in [&b""[..], b" ", b"\n\n", b"\t \r\n"] {
        for &parser in JSON_PARSERS {
            let e = err(bytes, parser);
            assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(bytes.len())), "{e}");
            assert!(e.message().contains("unexpected end of JSON input"), "{e}");
        }
    }
}

// ---------------------------------------------------------------------------
// Nesting

fn nested(depth: usize) -> Vec<u8> {
    // `{"meta":` + depth-1 arrays: `depth` levels in all.
    format!("{{\"x\":{}{}}}", "[".repeat(depth - 1), "]".repeat(depth - 1)).into_bytes()
}

/// Go accepts 10,000 levels and rejects 10,001; so do we, without recursion.
#[test]
fn nesting_at_the_limit() {
    for &parser in JSON_PARSERS {
        assert!(matches!(outcome(&mut Loader::new(), &nested(10_000), parser), Outcome::Loaded(_)));
        let e = err(&nested(10_001), parser);
        // The offending bracket: after `{"x":` and 9,999 brackets.
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Limit, Some(5 + 9_999)), "{e}");
        assert!(e.message().contains("10000 levels"), "{e}");
    }
}

#[test]
fn nesting_far_beyond_the_limit() {
    let mut loader = Loader::new();
    let deep = "[".repeat(5_000_000);
    assert_eq!(
        outcome(&mut loader, deep.as_bytes(), Parser::Session),
        Outcome::Failed(ErrorKind::Limit, Some(10_000))
    );
    let deep = "{\"a\":".repeat(1_000_000);
    let at = 5 * 10_000;
    assert_eq!(
        outcome(&mut loader, deep.as_bytes(), Parser::ArenaOutput),
        Outcome::Failed(ErrorKind::Limit, Some(at))
    );
    // A deep value under a key the decoder keeps as raw JSON text.
    let meta = format!(
        r#"{{"RunID":"r","Messages":[{{"role":"a","meta":{{"k":{}1{}}}}}]}}"#,
        "[".repeat(9_990),
        "]".repeat(9_990)
    );
    let rec = loader.load_bytes(meta.as_bytes(), Parser::ArenaOutput).unwrap();
    // `{"k":` + brackets + `1` + brackets + `}`
    assert_eq!(rec.messages[0].meta.unwrap().0.len(), 5 + 2 * 9_990 + 1 + 1);
    assert_recovers(&mut loader);
}

#[test]
fn configured_depth_limit() {
    let mut loader = Loader::with_limits(Limits { max_depth: 64, ..Limits::default() });
    assert!(matches!(outcome(&mut loader, &nested(64), Parser::Session), Outcome::Loaded(_)));
    let e = loader.load_bytes(&nested(65), Parser::Session).map(|_| ()).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Limit, Some(5 + 63)), "{e}");
    assert!(e.message().contains("64 levels"), "{e}");
}

// ---------------------------------------------------------------------------
// Size

fn one_message(content: &str) -> String {
    format!(r#"{{"events":[{{"type":"message","message":{{"role":"user","content":"{content}"}}}}]}}"#)
}

#[test]
fn a_100_mb_string() {
    let big = "a".repeat(100 << 20);
    let doc = one_message(&big);
    let mut loader = Loader::new();
    let rec = loader.load_bytes(doc.as_bytes(), Parser::Session).unwrap();
    assert_eq!(rec.messages.len(), 1);
    assert_eq!(rec.messages[0].content.len(), 100 << 20);
    // The same through a file.
    let dir = temp_dir("big");
    let path = dir.join("big.recording.json");
    std::fs::write(&path, &doc).unwrap();
    let rec = loader.load_file(&path, Parser::Session).unwrap();
    assert_eq!(rec.messages[0].content.len(), 100 << 20);
    // Over a configured size limit: refused before reading.
    let mut small = Loader::with_limits(Limits { max_file_size: 1 << 20, ..Limits::default() });
    for e in [
        small.load_file(&path, Parser::Session).map(|_| ()).unwrap_err(),
        small.load_bytes(doc.as_bytes(), Parser::Session).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(e.message().contains("over the limit of 1048576 bytes"), "{e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn millions_of_tiny_events() {
    const N: usize = 2_000_000;
    let mut doc = String::with_capacity(N * 20 + 16);
    doc.push_str("{\"events\":[");
    for i in 0..N {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(if i % 2 == 0 { r#"{"type":"message"}"# } else { "{}" });
    }
    doc.push_str("]}");
    let mut loader = Loader::new();
    let rec = loader.load_bytes(doc.as_bytes(), Parser::Session).unwrap();
    assert_eq!(rec.messages.len(), N / 2);
    assert_eq!(rec.metadata.timestamps.len(), N / 2);
    assert!(rec.messages.iter().all(|m| m.role.is_empty()));
}

// ---------------------------------------------------------------------------
// Numbers

#[test]
fn numbers_out_of_range_for_their_field() {
    let run = |msg: &str| format!(r#"{{"RunID":"r","Messages":[{msg}]}}"#);
    let cases: &[(String, &str, ErrorKind)] = &[
        (run(r#"{"latency_ms":9223372036854775808}"#), "9223372036854775808", ErrorKind::Value),
        (run(r#"{"latency_ms":-9223372036854775809}"#), "-9223372036854775809", ErrorKind::Value),
        (run(r#"{"latency_ms":1e2}"#), "1e2", ErrorKind::Value),
        (run(r#"{"latency_ms":0.5}"#), "0.5", ErrorKind::Value),
        (run(r#"{"latency_ms":"5"}"#), "\"5\"", ErrorKind::Type),
        (
            run(r#"{"parts":[{"type":"image","media":{"size_kb":18446744073709551616}}]}"#),
            "18446744073709551616",
            ErrorKind::Value,
        ),
        (run(r#"{"cost_info":{"total_cost_usd":1e400}}"#), "1e400", ErrorKind::Value),
        (r#"{"turns":[],"summary":{"total_cost":-1e309}}"#.to_owned(), "-1e309", ErrorKind::Value),
        (r#"{"RunID":"r","Duration":1e19}"#.to_owned(), "1e19", ErrorKind::Value),
    ];
    for (doc, number, kind) in cases {
        let at = doc.find(number).unwrap();
        let e = err(doc.as_bytes(), Parser::ArenaOutput);
        assert_eq!((e.kind(), e.offset()), (*kind, Some(at)), "{doc}: {e}");
    }
    // The extremes that fit are kept.
    let doc = run(
        r#"{"role":"a","latency_ms":-9223372036854775808,"parts":[{"type":"image","media":{"size_kb":9223372036854775807}}]}"#,
    );
    let mut loader = Loader::new();
    let rec = loader.load_bytes(doc.as_bytes(), Parser::ArenaOutput).unwrap();
    assert_eq!(rec.messages[0].latency_ms, i64::MIN);
    assert_eq!(rec.messages[0].parts[0].media.unwrap().size_kb, Some(i64::MAX));
    // Session media sizes are bytes: the largest converts without overflow.
    let doc = r#"{"events":[{"type":"message","message":{"parts":[{"type":"image","media":{"size":9223372036854775807,"duration":-1}}]}}]}"#;
    let rec = loader.load_bytes(doc.as_bytes(), Parser::Session).unwrap();
    let media = rec.messages[0].parts[0].media.unwrap();
    assert_eq!((media.size_kb, media.duration), (Some(i64::MAX / 1024), None));
}

// ---------------------------------------------------------------------------
// Things that are not regular files

#[test]
fn a_directory_given_as_a_file() {
    let dir = temp_dir("dir");
    let path = dir.join("dir.recording.json");
    std::fs::create_dir(&path).unwrap();
    let e = Loader::new().load_file(&path, Parser::Session).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert_eq!(e.path(), Some(path.as_path()));
    assert!(e.message().contains("a directory"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs `f` on another thread and fails if it does not finish in time.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("the load blocked")
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_given_as_a_file() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.recording.json");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let mut paths = vec![fifo];
    for dev in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        if Path::new(dev).exists() {
            paths.push(PathBuf::from(dev));
        }
    }
    for path in paths {
        let p = path.clone();
        let e = within(Duration::from_secs(10), move || {
            Loader::new().load_file(&p, Parser::Session).map(|_| ()).unwrap_err()
        });
        assert_eq!(e.kind(), ErrorKind::Io, "{}: {e}", path.display());
        assert!(e.message().contains("not a regular file"), "{e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Another process truncates and rewrites the file while we read it: every
/// load either gives the full file's result or an error, never a crash.
#[test]
fn a_file_truncated_while_being_read() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = temp_dir("race");
    let path = dir.join("race.arena.json");
    let full = read(TOOLS);
    std::fs::write(&path, &full).unwrap();
    let mut loader = Loader::new();
    let expected = to_owned(&loader.load_file(&path, Parser::ArenaOutput).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, path, full) = (stop.clone(), path.clone(), full.clone());
        std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                f.set_len((i * 7919 % full.len()) as u64).unwrap();
                std::fs::write(&path, &full).unwrap();
                i += 1;
            }
        })
    };
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..2_000 {
        match loader.load_file(&path, Parser::ArenaOutput) {
            Ok(rec) => {
                assert_eq!(to_owned(&rec), expected);
                ok += 1;
            }
            Err(e) => {
                assert!(matches!(e.kind(), ErrorKind::Syntax | ErrorKind::Utf8 | ErrorKind::Io), "{e}");
                assert_eq!(e.path(), Some(path.as_path()));
                failed += 1;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(ok + failed, 2_000);
    assert_recovers(&mut loader);
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------------------
// A batch

/// One loader walks a list of good and bad references: every reference is
/// accounted for, failures name their file, and good files after bad ones
/// load correctly.
#[test]
fn a_batch_continues_past_every_failure() {
    let dir = temp_dir("batch");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let subdir = dir.join("sub.recording.json");
    std::fs::create_dir(&subdir).unwrap();
    let full = read(NATIVE);
    let refs: Vec<(String, Result<usize, ErrorKind>)> = vec![
        (NATIVE.to_owned(), Ok(4)),
        (write("cut.recording.json", &full[..full.len() / 2]), Err(ErrorKind::Syntax)),
        (TOOLS.to_owned(), Ok(read_messages(TOOLS))),
        (subdir.display().to_string(), Err(ErrorKind::Io)),
        (dir.join("missing.recording.json").display().to_string(), Err(ErrorKind::Io)),
        (write("empty.arena.json", b""), Err(ErrorKind::Syntax)),
        (write("latin1.recording.json", b"{\"metadata\":{\"model\":\"caf\xe9\"}}"), Err(ErrorKind::Utf8)),
        (write("deep.recording.json", &nested(10_001)), Err(ErrorKind::Limit)),
        (
            write("role.recording.json", br#"{"events":[{"type":"message","message":{"role":1}}]}"#),
            Err(ErrorKind::Type),
        ),
        (write("x.unknown", b"{}"), Err(ErrorKind::NoAdapter)),
        (NATIVE.to_owned(), Ok(4)),
    ];
    let registry = Registry::new();
    let mut loader = Loader::new();
    let mut results = Vec::new();
    for (path, _) in &refs {
        let r = RecordingReference::file(path.clone(), "");
        results.push(match registry.load_into(&r, &mut loader) {
            Ok(rec) => Ok(rec.messages.len()),
            Err(e) => {
                assert!(!e.to_string().is_empty());
                if e.kind() != ErrorKind::NoAdapter {
                    assert_eq!(e.path(), Some(Path::new(path)), "{e}");
                }
                Err(e.kind())
            }
        });
    }
    let expected: Vec<_> = refs.iter().map(|(_, r)| *r).collect();
    assert_eq!(results, expected);
    std::fs::remove_dir_all(dir).unwrap();
}

fn read_messages(path: &str) -> usize {
    Loader::new().load_file(Path::new(path), Parser::ArenaOutput).unwrap().messages.len()
}

// ---------------------------------------------------------------------------
// corpus/invalid and corpus/crash

/// `corpus/invalid/<kind>[@<offset>]__<what>.<suffix>` (or `<kind>-<what>.<suffix>`): loaded through the
/// registry (routed by suffix), it must fail with that kind (and offset).
/// Every file is checked; all failures are reported together.
#[test]
fn invalid_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/invalid");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    let registry = Registry::new();
    let mut loader = Loader::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        // `<kind>[@<offset>]__<what>`, or the CLI tests' older `<kind>-<what>`
        // (no offset), which tests/cli.rs names directly.
        let Some((head, _)) = name.split_once("__").or_else(|| name.split_once('-')) else {
            failures.push(format!("{name}: name has no `<kind>__` or `<kind>-`"));
            continue;
        };
        let (kind, offset) = match head.split_once('@') {
            Some((k, o)) => (k, Some(o.parse::<usize>().expect("offset"))),
            None => (head, None),
        };
        let r = RecordingReference::file(path.display().to_string(), "");
        checked += 1;
        match registry.load_into(&r, &mut loader) {
            Ok(rec) => failures.push(format!("{name}: loaded {} messages", rec.messages.len())),
            Err(e) if e.kind().as_str() != kind => failures.push(format!("{name}: got {} ({e})", e.kind())),
            Err(e) if offset.is_some() && e.offset() != offset => {
                failures.push(format!("{name}: offset {:?} ({e})", e.offset()))
            }
            Err(e) if e.path() != Some(path.as_path()) => {
                failures.push(format!("{name}: path {:?}", e.path()))
            }
            Err(e) if path.is_file() => {
                if let Err(msg) =
                    arena_recordings_reference::check_error_position(&std::fs::read(&path).unwrap(), &e)
                {
                    failures.push(format!("{name}: {msg}"));
                }
            }
            Err(_) => {}
        }
    }
    assert!(checked >= 30, "only {checked} files");
    assert!(failures.is_empty(), "{} of {checked} files:\n{}", failures.len(), failures.join("\n"));
}

/// Every minimised fuzz finding, through every parser: no panic, and the
/// same outcome from a fresh and a reused loader. (The differential test
/// also runs them against the reference.)
#[test]
fn crash_corpus_replays() {
    let files = crate::support::corpus_files("crash");
    assert!(!files.is_empty());
    let mut reused = Loader::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for &parser in ALL_PARSERS {
            let a = outcome(&mut Loader::new(), &bytes, parser);
            let b = outcome(&mut reused, &bytes, parser);
            assert_eq!(a, b, "{} as {parser:?}", path.display());
        }
    }
}

/// `differential__deep-array-in-skipped-event.json`: a session recording
/// whose skipped event nests 3,000 arrays. The harness used to check such
/// input on a spawned thread with a large stack, which LeakSanitizer reported
/// as a leak (`__cxa_thread_atexit_impl`) in long runs. The reference now
/// grows the stack in place: its check passes even on a caller's small stack.
#[test]
fn crash_corpus_deep_skipped_event() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/crash/differential__deep-array-in-skipped-event.json");
    let bytes = std::fs::read(&path).unwrap();
    let start = bytes.windows(2).position(|w| w == b"[[").unwrap();
    let run = bytes[start..].iter().take_while(|&&b| b == b'[').count();
    assert!(run > 2_000, "{run} nested arrays");
    let mut loader = Loader::new();
    let rec = loader.load_bytes(&bytes, Parser::Session).unwrap();
    assert_eq!(rec.messages.len(), 2);
    assert!(!rec.warnings.is_empty(), "the skipped event is reported");
    // 256 KiB: far too little for serde's 3,000 levels of recursion without
    // the grown stack (a debug build needs several MiB).
    let checked = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let mut loader = Loader::new();
            arena_recordings_reference::PARSERS
                .map(|p| arena_recordings_reference::check(&mut loader, &bytes, p))
        })
        .unwrap()
        .join()
        .unwrap();
    for r in checked {
        assert_eq!(r, Ok(()));
    }
}

/// Routing findings (`corpus/crash/registry_route__*`, `path \0 hint`):
/// a glob expanded inside a directory never lists anything outside it.
#[test]
fn crash_corpus_routes() {
    let root = temp_dir("routes");
    std::fs::create_dir_all(root.join("sub/.hidden")).unwrap();
    for f in ["a.recording.json", "sub/b.recording.json", "sub/.hidden/c.arena.json"] {
        std::fs::write(root.join(f), b"{}").unwrap();
    }
    let registry = Registry::new();
    let mut n = 0;
    for path in crate::support::corpus_files("crash") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("registry_route__") {
            continue;
        }
        n += 1;
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let (source, hint) = text.split_once('\0').unwrap_or((&text, ""));
        let pattern = format!("{}/{}", root.display(), source.trim_start_matches('/'));
        if let Ok(refs) = registry.enumerate(&pattern, hint) {
            for r in refs {
                let p = Path::new(&r.id);
                assert!(!p.components().any(|c| c == std::path::Component::ParentDir), "{name}: {}", r.id);
                assert!(p.starts_with(&root) && p.is_file(), "{name}: {}", r.id);
            }
        }
    }
    assert!(n > 0);
    std::fs::remove_dir_all(root).unwrap();
}

// ---------------------------------------------------------------------------
// JSON Lines with a bad line, in a corpus run

/// A recorder JSONL file with a bad line in the middle fails with an error
/// naming that line (and its file); in a parallel corpus run over a
/// directory the other files still load, with the messages the independent
/// reference reads, and the bad files are counted as failed.
#[test]
fn jsonl_bad_line_in_a_corpus_run() {
    use arena_recordings::{Corpus, RunOptions};
    use std::sync::Mutex;

    let dir = temp_dir("jsonl-corpus");
    let good = std::fs::read_to_string("corpus/sample/recorder/build-status-eventstore.jsonl").unwrap();
    let lines: Vec<&str> = good.lines().collect();
    assert!(lines.len() >= 5, "the sample has a middle");
    let with_line3 = |l3: &str| {
        let mut l = lines.clone();
        l[2] = l3;
        l.join("\n") + "\n"
    };
    // Line 3 is not JSON; line 3 is JSON whose payload has a wrong type.
    let syntax = with_line3(r#"{"seq":3,"event":{"type":"tool.call.started","data":{"ToolName": }}}"#);
    let payload = with_line3(r#"{"seq":3,"event":{"type":"message.created","data":{"Role":["user"]}}}"#);
    let files: Vec<(&str, Vec<u8>, Option<ErrorKind>)> = vec![
        ("a-good.jsonl", good.clone().into_bytes(), None),
        ("b-syntax-line-3.jsonl", syntax.into_bytes(), Some(ErrorKind::Syntax)),
        ("c-export.jsonl", read("corpus/sample/recorder/build-status-export.jsonl"), None),
        ("d-payload-line-3.jsonl", payload.into_bytes(), Some(ErrorKind::Type)),
        ("e-export.recording.json", read("corpus/sample/recorder/build-status-export.recording.json"), None),
        ("f-native.recording.json", read(NATIVE), None),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let registry = Registry::new();
    let corpus = Corpus::enumerate(&registry, &[dir.display().to_string()], "").unwrap();
    assert_eq!(corpus.len(), files.len());
    let seen = Mutex::new(Vec::new());
    let opts = RunOptions { threads: 2, ..RunOptions::default() };
    let tally = corpus.for_each(&opts, |v| {
        let name = v.entry.path().file_name().unwrap().to_string_lossy().into_owned();
        let r = match v.result {
            Ok(rec) => Ok(rec.messages.len()),
            Err(e) => {
                assert_eq!(e.path(), Some(v.entry.path()), "{e}");
                Err((e.kind(), e.position().map(|p| p.line), e.message().to_owned()))
            }
        };
        seen.lock().unwrap().push((name, r));
    });
    assert_eq!((tally.files, tally.loaded, tally.failed), (6, 4, 2), "{tally:?}");
    let mut seen = seen.into_inner().unwrap();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    for ((name, bytes, expected), (seen_name, got)) in files.iter().zip(&seen) {
        assert_eq!(name, seen_name);
        match (expected, got) {
            (None, Ok(n)) => {
                let reference = arena_recordings_reference::load(bytes, Parser::Session).unwrap();
                assert!(*n > 0 && *n == reference.messages.len(), "{name}: {n} messages");
            }
            (Some(kind), Err((k, line, msg))) => {
                assert_eq!(k, kind, "{name}: {msg}");
                assert_eq!(*line, Some(3), "{name}: {msg}");
                assert!(msg.starts_with("line 3: "), "{name}: {msg}");
            }
            _ => panic!("{name}: expected {expected:?}, got {got:?}"),
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Documents whose recordings need far more arena memory than their size,
/// one per decoder that grows lists.
fn arena_hungry(n: usize) -> [(Parser, String); 4] {
    let turns = format!(r#"{{"turns":[{{"tool_results":[{}]}}]}}"#, vec!["{}"; n].join(","));
    let events = format!(r#"{{"events":[{}]}}"#, vec![r#"{"type":"message","data":{}}"#; n].join(","));
    let lines: String =
        std::iter::once(r#"{"type":"metadata","metadata":{"version":"1.0"}}"#.to_string() + "\n")
            .chain((0..n).map(|_| {
                r#"{"type":"event","event":{"type":"message.created","data":{}}}"#.to_string() + "\n"
            }))
            .collect();
    let yaml = "messages:\n".to_string() + &"  - {}\n".repeat(n);
    [
        (Parser::ArenaOutput, turns),
        (Parser::Session, events),
        (Parser::Session, lines),
        (Parser::Transcript, yaml),
    ]
}

#[test]
fn arena_budget_stops_crafted_files() {
    let limits = Limits { max_arena_bytes: 1 << 20, ..Limits::default() };
    for ((parser, doc), (_, small)) in arena_hungry(50_000).into_iter().zip(arena_hungry(100)) {
        let mut loader = Loader::with_limits(limits);
        let e = loader.load_bytes(doc.as_bytes(), parser).map(|r| r.messages.len()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{parser:?}: {e}");
        assert!(e.message().contains("max_arena_bytes"), "{e}");
        assert!(e.offset().is_some(), "{e}");
        // Within the budget the same shapes load.
        let rec = loader.load_bytes(small.as_bytes(), parser).unwrap_or_else(|e| panic!("{parser:?}: {e}"));
        assert_eq!(rec.messages.len(), 100, "{parser:?}");
    }
    assert_eq!(Limits::default().max_arena_bytes, 4 << 30);
}
