//! Running one query and writing its rows.

use std::fmt;
use std::io::{self, Write};

use arena_recordings::Corpus;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::csv::WriterBuilder as CsvWriterBuilder;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::json::writer::{LineDelimited, WriterBuilder as JsonWriterBuilder};
use datafusion::arrow::util::pretty::pretty_format_batches_with_schema;
use datafusion::error::DataFusionError;
use datafusion::execution::context::{SessionConfig, SessionContext};
use futures::StreamExt;

use crate::provider::{register, LoadOptions};

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A boxed text table (all rows are collected first).
    Table,
    /// CSV with a header line, streamed.
    Csv,
    /// JSON Lines: one object per row (nulls written as `null`), streamed.
    Json,
}

/// How a query runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryOptions {
    /// Threads (and partitions); 0 means one per available core.
    pub threads: usize,
    /// How files are read.
    pub load: LoadOptions,
}

/// Why a query gave no (complete) answer.
#[derive(Debug)]
pub enum QueryError {
    /// The query is invalid (syntax, unknown table or column, types) or
    /// failed while running.
    Query(DataFusionError),
    /// The rows could not be written.
    Output(io::Error),
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Query(e) => write!(f, "{e}"),
            QueryError::Output(e) => write!(f, "writing output: {e}"),
        }
    }
}

impl std::error::Error for QueryError {}

impl From<DataFusionError> for QueryError {
    fn from(e: DataFusionError) -> Self {
        match e {
            DataFusionError::IoError(e) => QueryError::Output(e),
            DataFusionError::ArrowError(e, _) => QueryError::from(*e),
            e => QueryError::Query(e),
        }
    }
}

impl From<ArrowError> for QueryError {
    fn from(e: ArrowError) -> Self {
        match e {
            ArrowError::IoError(_, e) => QueryError::Output(e),
            e => QueryError::Query(DataFusionError::ArrowError(Box::new(e), None)),
        }
    }
}

/// Runs `query` over the corpus's `recordings`, `messages` and `tool_calls`
/// tables and writes the rows to `out`; returns the number of rows.
pub fn run_query(
    query: &str,
    corpus: &Corpus,
    options: &QueryOptions,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<u64, QueryError> {
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("sql-worker")
        .build()
        .map_err(QueryError::Output)?;
    let config = SessionConfig::new().with_target_partitions(threads).with_information_schema(true);
    let ctx = SessionContext::new_with_config(config);
    register(&ctx, corpus, options.load)?;
    runtime.block_on(write_query(&ctx, query, format, out))
}

/// Runs `query` in `ctx` (its tables registered, local or on a cluster) and
/// writes the rows to `out` as `format`; returns the number of rows.
pub async fn write_query(
    ctx: &SessionContext,
    query: &str,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<u64, QueryError> {
    let df = ctx.sql(query).await?;
    let mut stream = df.execute_stream().await?;
    let schema = stream.schema();
    let mut rows = 0u64;
    match format {
        OutputFormat::Table => {
            let mut batches: Vec<RecordBatch> = Vec::new();
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                rows += batch.num_rows() as u64;
                batches.push(batch);
            }
            let table = pretty_format_batches_with_schema(schema, &batches)?;
            writeln!(out, "{table}").map_err(QueryError::Output)?;
        }
        OutputFormat::Csv => {
            let mut w = CsvWriterBuilder::new().with_header(true).build(&mut *out);
            w.write(&RecordBatch::new_empty(schema))?;
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                rows += batch.num_rows() as u64;
                w.write(&batch)?;
            }
        }
        OutputFormat::Json => {
            let mut w =
                JsonWriterBuilder::new().with_explicit_nulls(true).build::<_, LineDelimited>(&mut *out);
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                rows += batch.num_rows() as u64;
                w.write(&batch)?;
            }
            w.finish()?;
        }
    }
    out.flush().map_err(QueryError::Output)?;
    Ok(rows)
}
