//! One table of a corpus as an Arrow [`RecordBatchReader`] ([`TableStream`]):
//! what the Python package hands to pyarrow, polars and DuckDB.

use std::cell::RefCell;
use std::io;
use std::time::Duration;

use arena_recordings::{Corpus, Gather, Next, OrderedStream, RunOptions};
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use arrow_select::coalesce::BatchCoalescer;

use crate::{Table, TableBuilder, BATCH_ROWS};

/// Full batches waiting between the run and the reader.
const CHANNEL_BATCHES: usize = 4;

thread_local! {
    /// One builder per table and worker thread, reused from file to file.
    static BUILDERS: RefCell<[Option<TableBuilder>; 3]> = const { RefCell::new([None, None, None]) };
}

/// The rows of one table over a corpus, in enumeration order, as record
/// batches of [`BATCH_ROWS`] rows (the last one shorter; a file with more
/// text than a batch holds comes as its own batches).
///
/// The corpus is loaded in parallel on a background run
/// ([`Corpus::stream_gathered`]); each file's rows are built on the worker
/// that loaded it, and gathered into full batches on the run's ordering
/// thread, so that the reader is handed one batch per [`BATCH_ROWS`] rows.
/// Memory stays bounded (the run's window of files, one batch being
/// gathered, a few full batches waiting). A file that fails to load is a
/// `recordings` row with its error, as everywhere. Dropping the stream
/// stops the run.
#[derive(Debug)]
pub struct TableStream {
    schema: SchemaRef,
    batches: OrderedStream<Result<RecordBatch, ArrowError>>,
}

/// Gathers the files' batches into full ones.
struct Coalesce(BatchCoalescer);

impl Gather<Vec<RecordBatch>> for Coalesce {
    type Out = Result<RecordBatch, ArrowError>;

    fn push(&mut self, batches: Vec<RecordBatch>, out: &mut Vec<Self::Out>) {
        for b in batches {
            if let Err(e) = self.0.push_batch(b) {
                out.push(Err(e));
            }
        }
        while let Some(b) = self.0.next_completed_batch() {
            out.push(Ok(b));
        }
    }

    fn finish(&mut self, out: &mut Vec<Self::Out>) {
        if let Err(e) = self.0.finish_buffered_batch() {
            out.push(Err(e));
        }
        while let Some(b) = self.0.next_completed_batch() {
            out.push(Ok(b));
        }
    }
}

impl TableStream {
    /// Starts loading `corpus` for `table` (all columns).
    ///
    /// Fails only if the background run cannot be started.
    pub fn new(corpus: Corpus, opts: RunOptions, table: Table) -> io::Result<TableStream> {
        let slot = table as usize;
        let schema = table.schema();
        // Batches already half full go through as they are (no copy).
        let coalescer = BatchCoalescer::new(schema.clone(), BATCH_ROWS)
            .with_biggest_coalesce_batch_size(Some(BATCH_ROWS / 2));
        let map = move |v: arena_recordings::Visit<'_, '_>| {
            BUILDERS.with_borrow_mut(|b| {
                let builder = b[slot].get_or_insert_with(|| TableBuilder::new(table, None));
                builder.push(&v.reference(), v.size(), &v.result);
                builder.finish()
            })
        };
        let batches = corpus.stream_gathered(opts, CHANNEL_BATCHES, map, Coalesce(coalescer))?;
        Ok(TableStream { schema, batches })
    }

    /// The next batch, waiting at most `timeout` for the workers (so that a
    /// caller can look for an interrupt between waits).
    pub fn next_timeout(&mut self, timeout: Duration) -> Next<Result<RecordBatch, ArrowError>> {
        self.batches.next_timeout(timeout)
    }
}

impl Iterator for TableStream {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.batches.next()
    }
}

impl RecordBatchReader for TableStream {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}
