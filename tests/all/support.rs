//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Every file under `corpus/<dir>`, sorted (empty if the directory is missing).
pub fn corpus_files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() && p.file_name().is_none_or(|n| n != "README.md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every parser, for checks that hold for any format (no panic, determinate
/// outcome). Add new `Parser` variants here.
pub const ALL_PARSERS: &[arena_recordings::Parser] = &[
    arena_recordings::Parser::Session,
    arena_recordings::Parser::ArenaOutput,
    arena_recordings::Parser::Transcript,
    arena_recordings::Parser::Auto,
];

/// The JSON parsers, for checks whose expected outcome is JSON's (an empty
/// file is a syntax error, nesting is counted in brackets, ...).
pub const JSON_PARSERS: &[arena_recordings::Parser] =
    &[arena_recordings::Parser::Session, arena_recordings::Parser::ArenaOutput];

/// The folder of upstream real files (public data from PromptKit and
/// promptarena), next to the repository: `../shared/spec/examples/`.
pub fn upstream_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples")
}

/// `../shared/spec/examples/<name>`, or `None` when that folder is absent:
/// then the checks on upstream files are not run, which is said once on
/// stderr (the repository ships only its own fixtures; CI has the folder).
pub fn upstream(name: &str) -> Option<PathBuf> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let dir = upstream_dir();
    if dir.is_dir() {
        let path = dir.join(name);
        assert!(path.is_file(), "{} is missing from the upstream examples", path.display());
        Some(path)
    } else {
        ONCE.call_once(|| {
            // Straight to stderr: the test harness captures `eprintln!`.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: {} does not exist: the checks on upstream real files were NOT run",
                dir.display()
            );
        });
        None
    }
}
