//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The `arena-recordings` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_arena-recordings");

/// What a run of the binary gave.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = Command::new(BIN).args(args).current_dir(dir).output().expect("run arena-recordings");
    Out {
        code: o.status.code().expect("exit code"),
        stdout: String::from_utf8(o.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(o.stderr).expect("utf-8 stderr"),
    }
}

/// Runs the binary in the crate root (where `corpus/` is).
pub fn run(args: &[&str]) -> Out {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// The JSON values of JSON Lines output.
pub fn lines(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}"))).collect()
}

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
