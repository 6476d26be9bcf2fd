//! `scan`: load everything, keep only counts, report.

use std::io::{self, Write};
use std::time::Instant;

use arena_recordings::{Corpus, RunOptions};
use arena_report::ScanStats;

use crate::progress::Progress;
use crate::{output_error, Exit, Format, EXIT_FAILED, EXIT_OK};

/// Scans `corpus` and prints the report; returns the exit code.
pub fn run(corpus: &Corpus, opts: &RunOptions, format: Format) -> Result<u8, Exit> {
    let threads = opts.effective_threads(corpus.len());
    let progress = Progress::new(corpus.len());
    let start = Instant::now();
    let (tally, states) = corpus.fold(opts, ScanStats::default, |s, v| {
        let size = v.size();
        s.visit(v);
        progress.inc(size);
    });
    let seconds = start.elapsed().as_secs_f64();
    progress.finish();
    let mut stats = ScanStats::default();
    for s in states {
        stats.merge(s);
    }
    // The engine's accounting and ours must agree: every recording exactly once.
    debug_assert_eq!(stats.files(), (tally.recordings() as u64, tally.loaded as u64, tally.failed as u64));
    debug_assert!(tally.loaded + tally.failed >= corpus.len());
    let report = match format {
        Format::Text => stats.text(corpus, seconds, threads),
        Format::Json => stats.json(corpus, seconds, threads),
    };
    let mut out = io::stdout().lock();
    out.write_all(report.as_bytes()).and_then(|()| out.flush()).map_err(output_error)?;
    Ok(if tally.failed > 0 { EXIT_FAILED } else { EXIT_OK })
}
