//! `export`: every reference as one JSON line, in enumeration order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use arena_recordings::write::{Escape, JsonWriter};
use arena_recordings::{promptkit, Corpus, RecordingReference, RunOptions, Visit};

use crate::progress::Progress;
use crate::{output_error, write_error_object, Exit, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

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
                let line = line(&v);
                progress.inc(v.entry.size());
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

/// The JSON line for one visited reference (ending in a newline).
pub fn line(v: &Visit<'_, '_>) -> String {
    let r = v.entry.reference();
    let mut s = String::with_capacity(256 + v.entry.size() as usize);
    let mut w = JsonWriter::compact(&mut s, Escape::Go);
    w.obj();
    head(&mut w, r);
    match &v.result {
        Ok(rec) => {
            promptkit::write_messages(w.key("messages").raw(), rec.messages);
            promptkit::write_metadata(w.key("metadata").raw(), &rec.metadata);
            if !rec.warnings.is_empty() {
                w.key("warnings").arr();
                for x in rec.warnings {
                    w.str(x);
                }
                w.end_arr();
            }
        }
        Err(e) => {
            write_error_object(w.key("error"), e);
        }
    }
    w.end_obj();
    s.push('\n');
    s
}

/// The `"id"`, `"source"` and `"type_hint"` members of a reference.
pub fn head(w: &mut JsonWriter<'_>, r: &RecordingReference) {
    w.kv("id", &r.id).kv("source", &r.source).kv("type_hint", &r.type_hint);
}
