//! Writes a deterministic corpus of realistic recordings.
//!
//! ```text
//! cargo run --release --example generate -- OUTDIR --files N --seed S [--media-kb K] [--size-mix] [--kinds session,arena,...]
//! ```
use std::path::PathBuf;
use std::process::ExitCode;

use arena_recordings_generate::{generate, FileKind, GenerateOptions};

const USAGE: &str = "usage: generate OUTDIR --files N --seed S [--media-kb K] [--size-mix] \
                     [--kinds session,arena,transcript,eventstore]";

fn parse_args() -> Result<(PathBuf, GenerateOptions), String> {
    let mut opts = GenerateOptions::default();
    let mut outdir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--files" => opts.files = value("--files")?.parse().map_err(|e| format!("--files: {e}"))?,
            "--seed" => opts.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--media-kb" => {
                opts.media_kb = value("--media-kb")?.parse().map_err(|e| format!("--media-kb: {e}"))?
            }
            "--size-mix" => opts.size_mix = true,
            "--kinds" => {
                opts.kinds = value("--kinds")?
                    .split(',')
                    .map(|k| FileKind::parse(k).ok_or_else(|| format!("unknown kind {k:?}")))
                    .collect::<Result<_, _>>()?
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s if outdir.is_none() => outdir = Some(PathBuf::from(s)),
            s => return Err(format!("unexpected argument {s}\n{USAGE}")),
        }
    }
    Ok((outdir.ok_or(USAGE)?, opts))
}

fn main() -> ExitCode {
    let (outdir, opts) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    match generate(&outdir, &opts) {
        Ok(report) => {
            for k in &report.per_kind {
                println!(
                    "{:<11} {:>7} files {:>14} bytes {:>9} messages",
                    k.kind.as_str(),
                    k.files,
                    k.bytes,
                    k.messages
                );
            }
            println!(
                "total       {:>7} files {:>14} bytes {:>9} messages in {:.1?}",
                report.files,
                report.bytes,
                report.messages,
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
