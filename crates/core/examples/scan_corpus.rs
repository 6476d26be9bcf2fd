//! Streams every recording under a folder through the registry with one
//! `Loader` per rayon worker, and prints files, bytes, messages and speed.
//! Memory stays bounded by the largest file per worker, whatever the corpus
//! size (measure with `/usr/bin/time -v`).
//!
//! ```text
//! cargo run --release --example scan_corpus -- DIR [--threads N]
//! ```
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use arena_recordings::{Loader, RecordingReference, Registry};
use rayon::prelude::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut dir = None;
    let mut threads = 0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(0),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: scan_corpus DIR [--threads N]");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let mut paths = Vec::new();
    if let Err(e) = walk(&dir, &mut paths) {
        eprintln!("error: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    paths.sort();
    let registry = Registry::new();
    let refs: Vec<RecordingReference> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| registry.find_adapter(p, "").is_some())
        .map(|p| RecordingReference::file(p, ""))
        .collect();
    let skipped = paths.len() - refs.len();
    let (bytes, messages, errors) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    pool.install(|| {
        refs.par_iter().for_each_init(Loader::new, |loader, r| match registry.load_into(r, loader) {
            Ok(rec) => {
                messages.fetch_add(rec.messages.len() as u64, Ordering::Relaxed);
                bytes.fetch_add(std::fs::metadata(&r.id).map_or(0, |m| m.len()), Ordering::Relaxed);
            }
            Err(e) => {
                errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("{e}");
            }
        })
    });
    let secs = started.elapsed().as_secs_f64();
    let bytes = bytes.into_inner();
    println!(
        "{} files ({} without an adapter skipped), {} bytes, {} messages, {} errors, {} threads: {:.2} s, {:.0} files/s, {:.0} MB/s",
        refs.len(),
        skipped,
        bytes,
        messages.into_inner(),
        errors.load(Ordering::Relaxed),
        pool.current_num_threads(),
        secs,
        refs.len() as f64 / secs,
        bytes as f64 / secs / 1e6
    );
    if errors.into_inner() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
