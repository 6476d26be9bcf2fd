//! `export`: every reference as one JSON line, in enumeration order.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use arena_recordings::write::go_str as write_str;
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
fn line(v: &Visit<'_, '_>) -> String {
    let r = v.entry.reference();
    let mut s = String::with_capacity(256 + v.entry.size() as usize);
    head(&mut s, r);
    match &v.result {
        Ok(rec) => {
            s.push_str(",\"messages\":");
            promptkit::write_messages(&mut s, rec.messages);
            s.push_str(",\"metadata\":");
            promptkit::write_metadata(&mut s, &rec.metadata);
            if !rec.warnings.is_empty() {
                s.push_str(",\"warnings\":[");
                for (i, w) in rec.warnings.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    write_str(&mut s, w);
                }
                s.push(']');
            }
        }
        Err(e) => {
            s.push_str(",\"error\":");
            write_error_object(&mut s, e);
        }
    }
    s.push_str("}\n");
    s
}

fn head(s: &mut String, r: &RecordingReference) {
    s.push_str("{\"id\":");
    write_str(s, &r.id);
    s.push_str(",\"source\":");
    write_str(s, &r.source);
    s.push_str(",\"type_hint\":");
    write_str(s, &r.type_hint);
}
