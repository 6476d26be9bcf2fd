//! `export`: every reference as one JSON line, in enumeration order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use arena_recordings::{Corpus, RunOptions};
use arena_report::export_line;

use crate::progress::Progress;
use crate::{output_error, Exit, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Exports `corpus` to `output` (standard output when `None`) and returns the exit code.
pub fn run(corpus: &Corpus, opts: &RunOptions, output: Option<&Path>) -> Result<u8, Exit> {
    let sink: Box<dyn Write> = match output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: cannot create {}: {e}", path.display());
                return Err(Exit(EXIT_USAGE));
            }
        },
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, sink);
    let progress = Progress::new(corpus.len());
    let tally = corpus
        .map_ordered(
            opts,
            |v| {
                let line = export_line(&v);
                progress.inc(v.size());
                line
            },
            |_, line: String| out.write_all(line.as_bytes()),
        )
        .and_then(|t| out.flush().map(|()| t));
    progress.finish();
    let tally = tally.map_err(output_error)?;
    if tally.failed > 0 {
        eprintln!("{} of {} references failed to load", tally.failed, tally.files);
        Ok(EXIT_FAILED)
    } else {
        Ok(EXIT_OK)
    }
}
