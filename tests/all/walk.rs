//! One glob implementation: a pattern names the same files whether it goes
//! through `enumerate_files` (the Go API), `Registry::enumerate` or
//! `Corpus::enumerate` (the CLI).

use std::path::Path;

use arena_recordings::{enumerate_files, Corpus, ErrorKind, Registry};

fn tree(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("arena-recordings-walk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("d/.hh")).unwrap();
    for f in ["top.recording.json", "d/a.recording.json", "d/.x.recording.json", "d/.hh/b.recording.json"] {
        std::fs::write(root.join(f), b"{}").unwrap();
    }
    root
}

/// The files each entry point lists for `pattern`, relative to `root`
/// (`Err(kind)` when it fails).
fn three_ways(root: &Path, pattern: &str) -> [Result<Vec<String>, ErrorKind>; 3] {
    let rel = |p: &str| p.trim_start_matches(&root.display().to_string()).to_owned();
    let pattern = format!("{}/{pattern}", root.display());
    let registry = Registry::new();
    let go = enumerate_files(&pattern, "session").map(|v| v.iter().map(|r| rel(&r.id)).collect());
    let reg = registry.enumerate(&pattern, "session").map(|v| v.iter().map(|r| rel(&r.id)).collect());
    let corpus = Corpus::enumerate(&registry, &[&pattern], "session")
        .map(|c| c.entries().iter().map(|e| rel(&e.reference().id)).collect());
    [go.map_err(|e| e.kind()), reg.map_err(|e| e.kind()), corpus.map_err(|e| e.kind())]
}

#[test]
fn every_entry_point_expands_a_glob_alike() {
    let root = tree("same");
    let cases: [(&str, Result<Vec<&str>, ErrorKind>); 6] = [
        ("d/.*", Ok(vec!["/d/.x.recording.json"])),
        ("d/.*/*.recording.json", Ok(vec!["/d/.hh/b.recording.json"])),
        ("d/.?/*.recording.json", Err(ErrorKind::NoMatch)),
        ("d/.?/.?/*.recording.json", Err(ErrorKind::NoMatch)),
        (
            "**/*.recording.json",
            Ok(vec![
                "/d/.hh/b.recording.json",
                "/d/.x.recording.json",
                "/d/a.recording.json",
                "/top.recording.json",
            ]),
        ),
        ("d/../*.recording.json", Ok(vec!["/d/../top.recording.json"])),
    ];
    for (pattern, want) in cases {
        let want = want.map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>());
        for (i, got) in three_ways(&root, pattern).into_iter().enumerate() {
            assert_eq!(got, want, "{pattern} through entry point {i}");
        }
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[cfg(unix)]
#[test]
fn a_broken_link_is_listed_by_every_entry_point() {
    let root = tree("link");
    std::os::unix::fs::symlink(root.join("missing.json"), root.join("d/gone.recording.json")).unwrap();
    for (i, got) in three_ways(&root, "d/*.recording.json").into_iter().enumerate() {
        assert_eq!(
            got,
            Ok(vec![
                "/d/.x.recording.json".to_owned(),
                "/d/a.recording.json".into(),
                "/d/gone.recording.json".into()
            ]),
            "entry point {i}"
        );
    }
    // Its load reports the missing target; it is never silently dropped.
    let registry = Registry::new();
    let pattern = format!("{}/d/gone.recording.json", root.display());
    let err = registry.load(&registry.enumerate(&pattern, "session").unwrap()[0]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    std::fs::remove_dir_all(&root).unwrap();
}
