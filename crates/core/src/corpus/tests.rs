use super::*;
use std::io::Write;
use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const SESSION: &str = r#"{"metadata":{"session_id":"s"},"events":[
        {"type":"message","timestamp":"2024-01-15T10:00:00Z","message":{"role":"user","content":"hi"}},
        {"type":"message","timestamp":"2024-01-15T10:00:01Z","message":{"role":"assistant","content":"hello"}}]}"#;

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::File::create(p).unwrap().write_all(body.as_bytes()).unwrap();
}

/// `n` files, every `bad_every`-th one broken.
fn corpus_dir(n: usize, bad_every: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for i in 0..n {
        let body = if bad_every > 0 && i % bad_every == bad_every - 1 { "{\"events\": [" } else { SESSION };
        write(d.path(), &format!("d{}/f{i:04}.recording.json", i % 7), body);
    }
    d
}

fn ids(c: &Corpus) -> Vec<String> {
    c.entries().iter().map(|e| e.reference().id.clone()).collect()
}

#[test]
fn directory_walk_is_recursive_sorted_and_claims_by_name() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "b/x.recording.json", SESSION);
    write(d.path(), "a/deep/er/y.arena.json", "{}");
    write(d.path(), "a/notes.txt", "no");
    write(d.path(), ".hidden/z.recording.json", SESSION);
    write(d.path(), "a/.w.recording.json", SESSION);
    let root = d.path().to_str().unwrap();
    let c = Corpus::enumerate(&Registry::new(), &[root], "").unwrap();
    let got: Vec<_> = c.entries().iter().map(|e| e.path().strip_prefix(root).unwrap().to_owned()).collect();
    assert_eq!(got, vec![PathBuf::from("a/deep/er/y.arena.json"), PathBuf::from("b/x.recording.json")]);
    let hints: Vec<_> = c.entries().iter().map(|e| e.reference().type_hint.as_str()).collect();
    assert_eq!(hints, ["arena_output", "session"]);
    assert!(c.entries().iter().all(|e| e.reference().source == root));
    // With a hint, every (non-hidden) file is claimed.
    let c = Corpus::enumerate(&Registry::new(), &[root], "session").unwrap();
    assert_eq!(c.len(), 3);
    assert!(c.entries().iter().all(|e| e.reference().type_hint == "session"));
}

#[test]
fn glob_double_star_recurses_mixes_formats_and_returns_files_only() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "x.recording.json", SESSION);
    write(d.path(), "s/t/u.arena.json", "{}");
    write(d.path(), "s/v.txt.json", "{}");
    std::fs::create_dir_all(d.path().join("s/dir.json")).unwrap();
    let pat = format!("{}/**/*.json", d.path().display());
    let c = Corpus::enumerate(&Registry::new(), &[pat.as_str()], "").unwrap();
    let names: Vec<_> =
        c.entries().iter().map(|e| e.path().file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["u.arena.json", "v.txt.json", "x.recording.json"]);
    let hints: Vec<_> = c.entries().iter().map(|e| e.reference().type_hint.as_str()).collect();
    // A `.json` no suffix claims goes to the content-sniffing `generic` adapter.
    assert_eq!(hints, ["arena_output", "generic", "session"]);
    assert_eq!(c.entries()[1].adapter_name(), Some("generic"));
    let mut loader = Loader::new();
    let rec = c.entries()[1].load(&mut loader).unwrap();
    assert!(rec.warnings[0].contains("no recognised keys"), "{:?}", rec.warnings);
}

#[test]
fn several_sources_are_merged_sorted_and_deduplicated() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.recording.json", SESSION);
    write(d.path(), "b.recording.json", SESSION);
    let a = d.path().join("a.recording.json");
    let a = a.to_str().unwrap();
    let glob = format!("{}/*.json", d.path().display());
    let root = d.path().to_str().unwrap();
    let c = Corpus::enumerate(&Registry::new(), &[a, glob.as_str(), root, a], "").unwrap();
    assert_eq!(c.len(), 2);
    // The first source that produced a file is the one recorded.
    assert_eq!(c.entries()[0].reference().source, a);
    assert_eq!(c.entries()[1].reference().source, glob);
}

#[test]
fn leading_dot_slash_does_not_make_a_duplicate() {
    assert!(components(Path::new("./././a/b")).eq(components(Path::new("a/b"))));
    assert!(components(Path::new("a/./b/../c")).ne(components(Path::new("a/c"))));
}

#[test]
fn a_source_matching_nothing_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "notes.txt", "x");
    let reg = Registry::new();
    let missing = d.path().join("missing.recording.json");
    let missing = missing.to_str().unwrap();
    let e = Corpus::enumerate(&reg, &[missing], "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatch);
    assert!(e.to_string().contains(missing), "{e}");
    let root = d.path().to_str().unwrap();
    let e = Corpus::enumerate(&reg, &[root], "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatch);
    assert!(e.to_string().contains("no recording files found in directory"), "{e}");
    let pat = format!("{root}/*.recording.json");
    let e = Corpus::enumerate(&reg, &[pat.as_str()], "").unwrap_err();
    assert_eq!(e.to_string(), format!("no files matched glob pattern: {pat}"));
    let e = Corpus::enumerate(&reg, &[format!("{root}/[")], "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Glob);
}

#[test]
fn existing_path_with_glob_characters_is_taken_literally() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "run[1].recording.json", SESSION);
    let p = d.path().join("run[1].recording.json");
    let c = Corpus::enumerate(&Registry::new(), &[p.to_str().unwrap()], "").unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c.entries()[0].size(), SESSION.len() as u64);
}

#[test]
fn every_entry_is_visited_once_and_the_tally_adds_up() {
    let d = corpus_dir(103, 10);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    assert_eq!(c.len(), 103);
    for threads in [1, 2, 5] {
        let opts = RunOptions { threads, ..RunOptions::default() };
        let seen = Mutex::new(Vec::new());
        let tally = c.for_each(&opts, |v| {
            let ok = match &v.result {
                Ok(rec) => {
                    assert_eq!(rec.messages.len(), 2);
                    true
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Syntax);
                    assert_eq!(e.path(), Some(v.entry.path()));
                    false
                }
            };
            seen.lock().unwrap().push((v.index, ok));
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), (0..103).collect::<Vec<_>>());
        let failed = seen.iter().filter(|s| !s.1).count();
        assert_eq!(failed, 10);
        assert_eq!(tally, Tally { files: 103, loaded: 93, failed: 10, bytes: c.total_bytes() });
    }
}

#[test]
fn fold_gives_one_state_per_worker() {
    let d = corpus_dir(40, 0);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let opts = RunOptions { threads: 3, ..RunOptions::default() };
    let (tally, states) = c.fold(&opts, Vec::new, |s: &mut Vec<usize>, v| {
        s.push(v.result.map(|r| r.messages.len()).unwrap_or(0));
    });
    assert_eq!(states.len(), 3);
    assert_eq!(states.iter().map(Vec::len).sum::<usize>(), 40);
    assert_eq!(states.iter().flatten().sum::<usize>(), 80);
    assert_eq!(tally.loaded, 40);
}

#[test]
fn map_ordered_delivers_in_enumeration_order_within_the_window() {
    let d = corpus_dir(200, 9);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let expected = ids(&c);
    // Windows of 8 and more: the workers hand values over several at a time.
    for (threads, window) in [(1, 1), (2, 1), (4, 3), (3, 0), (1, 8), (2, 16), (1, 64), (2, 7)] {
        let opts = RunOptions { threads, window, ..RunOptions::default() };
        let in_flight = AtomicUsize::new(0);
        let max_in_flight = AtomicUsize::new(0);
        let mut out = Vec::new();
        let tally = c
            .map_ordered(
                &opts,
                |v| {
                    // Entries finish out of order: make the early ones slow.
                    if v.index % 17 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    max_in_flight.fetch_max(n, Ordering::SeqCst);
                    (v.entry.reference().id.clone(), v.result.is_ok())
                },
                |entry, (id, ok)| {
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    assert_eq!(entry.reference().id, id);
                    out.push((id, ok));
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        assert_eq!(out.iter().map(|o| o.0.clone()).collect::<Vec<_>>(), expected);
        assert_eq!(tally.files, 200);
        assert_eq!(tally.failed, out.iter().filter(|o| !o.1).count());
        assert_eq!(tally.loaded + tally.failed, 200);
        let window = opts.effective_window(threads);
        let peak = max_in_flight.load(Ordering::SeqCst);
        assert!(peak <= window, "{peak} values waiting with a window of {window}");
    }
}

#[test]
fn a_failing_sink_stops_the_run_without_hanging() {
    let d = corpus_dir(100, 0);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let opts = RunOptions { threads: 2, window: 4, ..RunOptions::default() };
    let mut taken = 0;
    let r = c.map_ordered(
        &opts,
        |v| v.index,
        |_, i| {
            taken += 1;
            if i == 10 {
                Err("disk full")
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(r, Err("disk full"));
    assert_eq!(taken, 11);
}

#[test]
fn an_adapter_panic_is_one_failed_entry() {
    struct Boom;
    impl RecordingAdapter for Boom {
        fn name(&self) -> &str {
            "boom"
        }
        fn can_handle(&self, source: &str, _: &str) -> bool {
            source.ends_with(".boom")
        }
        fn enumerate(&self, source: &str) -> Result<Vec<RecordingReference>> {
            crate::registry::enumerate_files(source, "boom")
        }
        fn load(
            &self,
            r: &RecordingReference,
        ) -> Result<(Vec<crate::owned::Message>, crate::owned::Metadata)> {
            if r.id.contains("bad") {
                panic!("kaboom");
            }
            Ok(Default::default())
        }
    }
    let d = tempfile::tempdir().unwrap();
    for name in ["a.boom", "bad.boom", "c.boom"] {
        write(d.path(), name, "");
    }
    let reg = Registry::new();
    reg.register(Boom);
    let c = Corpus::enumerate(&reg, &[d.path().to_str().unwrap()], "").unwrap();
    assert_eq!(c.len(), 3);
    let errors = Mutex::new(Vec::new());
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let tally = c.for_each(&RunOptions { threads: 1, ..RunOptions::default() }, |v| {
        if let Err(e) = v.result {
            errors.lock().unwrap().push((v.index, e.kind(), e.message().to_owned()));
        }
    });
    panic::set_hook(hook);
    assert_eq!(tally, Tally { files: 3, loaded: 2, failed: 1, bytes: 0 });
    let errors = errors.into_inner().unwrap();
    assert_eq!(errors.len(), 1);
    let (index, kind, msg) = errors.into_iter().next().unwrap();
    assert_eq!((index, kind), (1, ErrorKind::Internal));
    assert!(msg.contains("kaboom"), "{msg}");
}

#[test]
fn from_references_routes_each_reference() {
    let reg = Registry::new();
    let c = Corpus::from_references(
        &reg,
        [RecordingReference::file("x.recording.json", ""), RecordingReference::file("y.json", "arena")],
    );
    assert_eq!(c.entries()[0].adapter_name(), Some("session"));
    assert_eq!(c.entries()[1].adapter_name(), Some("arena_output"));
    let tally = c.for_each(&RunOptions::default(), |v| assert!(v.result.unwrap_err().is_io()));
    assert_eq!(tally.failed, 2);
}

#[test]
fn stream_ordered_yields_every_entry_in_order_then_the_tally() {
    let d = corpus_dir(150, 7);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let expected = ids(&c);
    let failed = (0..150).filter(|i| i % 7 == 6).count();
    for threads in [1, 3] {
        let opts = RunOptions { threads, window: 4, ..RunOptions::default() };
        let mut s = c
            .clone()
            .stream_ordered(opts, 2, |v| (v.entry.reference().id.clone(), v.result.is_ok()))
            .unwrap();
        assert_eq!(s.tally(), None, "no tally before the end");
        let got: Vec<(String, bool)> = s.by_ref().collect();
        assert_eq!(got.iter().map(|g| g.0.clone()).collect::<Vec<_>>(), expected);
        assert_eq!(got.iter().filter(|g| !g.1).count(), failed);
        let t = s.tally().unwrap();
        assert_eq!((t.files, t.failed), (150, failed));
        assert_eq!(s.next(), None);
        assert!(matches!(s.next_timeout(std::time::Duration::ZERO), Next::Done));
    }
}

#[test]
fn stream_ordered_next_timeout_reports_pending_then_items() {
    let d = corpus_dir(3, 0);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
    let g = gate.clone();
    let opts = RunOptions { threads: 1, ..RunOptions::default() };
    let mut s = c
        .stream_ordered(opts, 1, move |v| {
            if v.index == 0 {
                g.wait();
            }
            v.index
        })
        .unwrap();
    // The first value waits for the barrier: nothing yet.
    assert!(matches!(s.next_timeout(std::time::Duration::from_millis(20)), Next::Pending));
    gate.wait();
    let mut got = Vec::new();
    loop {
        match s.next_timeout(std::time::Duration::from_secs(10)) {
            Next::Item(i) => got.push(i),
            Next::Pending => {}
            Next::Done => break,
        }
    }
    assert_eq!(got, [0, 1, 2]);
}

#[test]
fn dropping_a_stream_stops_the_run() {
    let d = corpus_dir(400, 0);
    let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
    let visited = std::sync::Arc::new(AtomicUsize::new(0));
    let v2 = visited.clone();
    let opts = RunOptions { threads: 2, window: 2, ..RunOptions::default() };
    let mut s = c
        .stream_ordered(opts, 1, move |v| {
            v2.fetch_add(1, Ordering::SeqCst);
            v.index
        })
        .unwrap();
    assert_eq!(s.next(), Some(0));
    drop(s);
    // The drop joined the run: nothing is loaded after it, and the window
    // and the channel bound how far the workers got.
    let after = visited.load(Ordering::SeqCst);
    assert!(after < 20, "{after} entries loaded after taking one");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(visited.load(Ordering::SeqCst), after);
}
