//! `export --format parquet`: the three tables as Parquet files in a directory.

use std::path::Path;

use arena_recordings::{Corpus, RunOptions};
use arena_recordings_arrow::export_corpus;

use crate::progress::Progress;
use crate::{Exit, EXIT_FAILED, EXIT_IO, EXIT_OK};

/// Writes `dir/{recordings,messages,tool_calls}.parquet` and returns the exit code.
///
/// Files are loaded and turned into Arrow batches in parallel on the corpus
/// workers; the batches are written in enumeration order, and row groups are
/// flushed as they fill, so memory stays bounded as in `scan`.
pub fn run(corpus: &Corpus, opts: &RunOptions, dir: &Path) -> Result<u8, Exit> {
    let progress = Progress::new(corpus.len());
    let tally = export_corpus(corpus, opts, dir, |size| progress.inc(size));
    progress.finish();
    let tally = tally.map_err(|e| {
        eprintln!("error: writing {e}");
        Exit(EXIT_IO)
    })?;
    if tally.failed > 0 {
        eprintln!(
            "{} of {} references failed to load (rows of recordings.parquet with error_kind set)",
            tally.failed, tally.files
        );
        Ok(EXIT_FAILED)
    } else {
        Ok(EXIT_OK)
    }
}
