//! One table of a corpus as an Arrow [`RecordBatchReader`] ([`TableStream`]):
//! what the Python package hands to pyarrow, polars and DuckDB.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;

use arena_recordings::{Corpus, Next, OrderedStream, RunOptions};
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use arrow_select::coalesce::BatchCoalescer;

use crate::{Table, TableBuilder, BATCH_ROWS};

/// Per-file batches wait here between the workers and the reader.
const CHANNEL_FILES: usize = 64;

thread_local! {
    /// One builder per table and worker thread, reused from file to file.
    static BUILDERS: RefCell<[Option<TableBuilder>; 3]> = const { RefCell::new([None, None, None]) };
}

/// The rows of one table over a corpus, in enumeration order, as record
/// batches of about [`BATCH_ROWS`] rows.
///
/// The corpus is loaded in parallel on a background run
/// ([`Corpus::stream_ordered`]) while the batches are read; memory stays
/// bounded (the run's window, a few dozen files' batches, one batch being
/// gathered). A file that fails to load is a `recordings` row with its
/// error, as everywhere. Dropping the stream stops the run.
#[derive(Debug)]
pub struct TableStream {
    schema: SchemaRef,
    files: OrderedStream<Vec<RecordBatch>>,
    coalescer: BatchCoalescer,
    ready: VecDeque<RecordBatch>,
    done: bool,
}

impl TableStream {
    /// Starts loading `corpus` for `table` (all columns).
    ///
    /// Fails only if the background run cannot be started.
    pub fn new(corpus: Corpus, opts: RunOptions, table: Table) -> io::Result<TableStream> {
        let slot = Table::ALL.iter().position(|&t| t == table).unwrap_or(0);
        let files = corpus.stream_ordered(opts, CHANNEL_FILES, move |v| {
            BUILDERS.with_borrow_mut(|b| {
                let builder = b[slot].get_or_insert_with(|| TableBuilder::new(table, None));
                builder.push(v.entry.reference(), v.entry.size(), &v.result);
                builder.finish()
            })
        })?;
        let schema = table.schema();
        // Batches already half full go through as they are (no copy).
        let coalescer = BatchCoalescer::new(schema.clone(), BATCH_ROWS)
            .with_biggest_coalesce_batch_size(Some(BATCH_ROWS / 2));
        Ok(TableStream { schema, files, coalescer, ready: VecDeque::new(), done: false })
    }

    /// The next batch, waiting at most about `timeout` for the workers (so
    /// that a caller can look for an interrupt between waits): `Ok(None)` at
    /// the end, `Err(Pending)` handed back as [`Next::Pending`].
    pub fn next_timeout(&mut self, timeout: Duration) -> Next<Result<RecordBatch, ArrowError>> {
        loop {
            if let Some(b) = self.ready.pop_front() {
                return Next::Item(Ok(b));
            }
            if self.done {
                return Next::Done;
            }
            match self.files.next_timeout(timeout) {
                Next::Item(batches) => {
                    if let Err(e) = self.gather(batches) {
                        return Next::Item(Err(e));
                    }
                }
                Next::Pending => return Next::Pending,
                Next::Done => {
                    if let Err(e) = self.end() {
                        return Next::Item(Err(e));
                    }
                }
            }
        }
    }

    fn gather(&mut self, batches: Vec<RecordBatch>) -> Result<(), ArrowError> {
        for b in batches {
            self.coalescer.push_batch(b)?;
        }
        while let Some(b) = self.coalescer.next_completed_batch() {
            self.ready.push_back(b);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), ArrowError> {
        self.done = true;
        self.coalescer.finish_buffered_batch()?;
        while let Some(b) = self.coalescer.next_completed_batch() {
            self.ready.push_back(b);
        }
        Ok(())
    }
}

impl Iterator for TableStream {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_timeout(Duration::from_secs(3600)) {
                Next::Item(b) => return Some(b),
                Next::Pending => continue,
                Next::Done => return None,
            }
        }
    }
}

impl RecordBatchReader for TableStream {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}
