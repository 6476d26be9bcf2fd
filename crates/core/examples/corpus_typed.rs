//! The typed baselines of the whole-corpus benchmark (`scripts/bench-corpus.sh`,
//! BENCHMARKS.md "End to end: corpora from the page cache"): what a user would otherwise
//! write to load a folder of session recordings (`*.recording.json`) and Arena run
//! output (`*.arena.json`) with serde_json or sonic-rs. One thread: walk the folder, read
//! every file into one reused buffer, deserialise it into borrowed typed structs with the
//! same fields as `benches/parse.rs` (roles, contents, parts with media, tool calls with
//! raw arguments, tool results, timestamps, cost and meta as raw JSON), and count
//! recordings and messages, printed as one JSON line so nothing is optimised away.
//!
//! ```sh
//! cargo build --release -p arena-recordings-core --example corpus_typed
//! target/release/examples/corpus_typed serde_json DIR
//! target/release/examples/corpus_typed sonic_rs DIR
//! ```
//!
//! Files of other formats (transcripts, JSON Lines) are not read: generate the corpus with
//! `--kinds session,arena`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[path = "../benches/common/baseline.rs"]
mod baseline;
use baseline::{sj, sonic};

/// The files of `dir` (recursively) with the two JSON names, sorted.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            walk(&p, out)?;
        } else {
            let name = p.to_string_lossy();
            if name.ends_with(".recording.json") || name.ends_with(".arena.json") {
                out.push(p);
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, dir) = match args.as_slice() {
        [w, d] if w == "serde_json" || w == "sonic_rs" => (w.clone(), PathBuf::from(d)),
        _ => {
            eprintln!("usage: corpus_typed serde_json|sonic_rs DIR");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut paths = Vec::new();
    if let Err(e) = walk(&dir, &mut paths) {
        eprintln!("error: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    paths.sort();
    let (mut files, mut bytes, mut recordings, mut messages, mut errors) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    for p in &paths {
        buf.clear();
        if let Err(e) = std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut buf)) {
            eprintln!("error: {}: {e}", p.display());
            errors += 1;
            continue;
        }
        files += 1;
        bytes += buf.len() as u64;
        let session = p.to_string_lossy().ends_with(".recording.json");
        let n = match (which.as_str(), session) {
            ("serde_json", true) => serde_json::from_slice::<sj::Session<'_>>(&buf)
                .map(|s| sj::session_messages(&s))
                .map_err(|e| e.to_string()),
            ("serde_json", false) => serde_json::from_slice::<sj::Run<'_>>(&buf)
                .map(|r| sj::run_messages(&r))
                .map_err(|e| e.to_string()),
            (_, true) => sonic_rs::from_slice::<sonic::Session<'_>>(&buf)
                .map(|s| sonic::session_messages(&s))
                .map_err(|e| e.to_string()),
            (_, false) => sonic_rs::from_slice::<sonic::Run<'_>>(&buf)
                .map(|r| sonic::run_messages(&r))
                .map_err(|e| e.to_string()),
        };
        match n {
            Ok(n) => {
                recordings += 1;
                messages += n as u64;
            }
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                errors += 1;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"loader\":\"{which}\",\"files\":{files},\"bytes\":{bytes},\"recordings\":{recordings},\"messages\":{messages},\"errors\":{errors},\"seconds\":{seconds:.4}}}"
    );
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
