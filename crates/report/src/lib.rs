//! The outputs of `arena-recordings` as a library, so that the command-line
//! tool and the Python package write byte-identical objects:
//!
//! * [`export_line`]: the JSON line `export` writes for one reference;
//! * [`ScanStats`]: what `scan` counts, merged across workers, and its text
//!   and JSON reports;
//! * [`eval_line`]: the JSON line `eval --format jsonl` writes for one
//!   recording, and [`eval_corpus`], the sources an eval config runs over.
//!
//! Everything here is pure: no printing, no progress, no exit codes.

mod eval;
mod export;
mod scan;

pub use eval::{eval_corpus, eval_line, score_json};
pub use export::{export_line, write_error_object, write_head, write_reference};
pub use scan::ScanStats;
