//! `sql`: one query over the corpus's tables (DataFusion).

use std::io;

use arena_recordings::{Corpus, RunOptions};
use arena_recordings_sql::{run_query, LoadOptions, OutputFormat, QueryError, QueryOptions};

use crate::{output_error, Exit, SqlFormat, EXIT_OK, EXIT_USAGE};

/// Runs `query` and prints its rows; returns the exit code.
pub fn run(query: &str, corpus: &Corpus, opts: &RunOptions, format: SqlFormat) -> Result<u8, Exit> {
    let format = output_format(format);
    let options = QueryOptions { threads: opts.threads, load: LoadOptions::from(opts) };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match run_query(query, corpus, &options, format, &mut out) {
        Ok(_) => Ok(EXIT_OK),
        Err(QueryError::Output(e)) => Err(output_error(e)),
        Err(QueryError::Query(e)) => {
            eprintln!("error: query failed: {e}");
            Err(Exit(EXIT_USAGE))
        }
    }
}

/// The library's output format for `--format`.
pub fn output_format(format: SqlFormat) -> OutputFormat {
    match format {
        SqlFormat::Table => OutputFormat::Table,
        SqlFormat::Csv => OutputFormat::Csv,
        SqlFormat::Json => OutputFormat::Json,
    }
}
