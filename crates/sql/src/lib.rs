//! # Brief overview
//!
//! SQL over corpora of recordings with [DataFusion](https://datafusion.apache.org):
//! the three tables of `arena_recordings_arrow` (`recordings`, `messages`,
//! `tool_calls`) as DataFusion table providers over the files of a
//! [`Corpus`](arena_recordings::Corpus).
//!
//! * [`RecordingTable`] is the [`TableProvider`](datafusion::catalog::TableProvider): plain data (the table, the
//!   resolved files, the load options), so a codec can serialise it.
//! * [`RecordingScanExec`] is its [`ExecutionPlan`](datafusion::physical_plan::ExecutionPlan): the files spread over
//!   partitions by size, a projection (columns not asked for are never
//!   built; `count(*)` builds no column at all), and for each partition one
//!   blocking task with one reused [`Loader`](arena_recordings::Loader), as
//!   `scan`'s workers do. Also plain data.
//! * Filters `id = '...'` / `id IN (...)` on `recordings` and
//!   `recording_id = ...` on the other tables prune files before loading
//!   (inexact: DataFusion still applies them).
//! * [`register`] puts the three tables in a [`SessionContext`](datafusion::execution::context::SessionContext); [`run_query`]
//!   runs one query and writes the rows as a table, CSV or JSON Lines.
//!
//! A file that fails to load is a row of `recordings` with `error_kind` and
//! `error_message`, never a failed query.
//!
//! A file's [`SourceFile::location`] is where it is read: a path, or a URL
//! of an object store (`s3://bucket/key`), read through the
//! [`ObjectStore`](datafusion::object_store::ObjectStore) registered for it
//! in the session's `RuntimeEnv` ([`split_url`]).
//!
//! # Example
//!
//! ```
//! use arena_recordings::{Corpus, Registry};
//! use arena_recordings_sql::{run_query, OutputFormat, QueryOptions};
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let corpus = Corpus::enumerate(&Registry::new(), &["corpus/sample/session"], "").unwrap();
//! let mut out = Vec::new();
//! let query = "SELECT count(*) AS n FROM recordings";
//! run_query(query, &corpus, &QueryOptions::default(), OutputFormat::Json, &mut out).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), format!("{{\"n\":{}}}\n", corpus.len()));
//! ```

mod exec;
mod output;
mod provider;
mod store;

pub use arena_recordings_arrow::Table;
pub use exec::RecordingScanExec;
pub use output::{run_query, write_query, OutputFormat, QueryError, QueryOptions};
pub use provider::{register, LoadOptions, RecordingTable, SourceFile};
pub use store::{split_url, StoreLocation};

/// DataFusion, as this crate uses it (arrow 59.2).
pub use datafusion;
