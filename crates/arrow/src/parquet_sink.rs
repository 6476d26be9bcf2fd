//! The three tables as Parquet files in one directory.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::Table;

/// Bytes of encoded data a row group holds in memory before it is flushed.
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// Writes `DIR/recordings.parquet`, `DIR/messages.parquet` and
/// `DIR/tool_calls.parquet` (zstd level 1), flushing a row group whenever
/// [`ROW_GROUP_BYTES`] of it are buffered, so memory stays bounded whatever
/// the corpus size.
pub struct ParquetSink {
    writers: Vec<(PathBuf, ArrowWriter<File>)>,
    /// Per table, small batches not yet written and their row count: the
    /// corpus hands over one batch per file, and one `ArrowWriter::write`
    /// per file costs more than the encoding of its rows.
    pending: Vec<Pending>,
}

/// Small batches of one table gathered before they are written as one.
#[derive(Debug, Clone, Default)]
struct Pending {
    batches: Vec<RecordBatch>,
    rows: usize,
    bytes: usize,
}

/// Rows gathered from small batches before they are written as one.
pub const COALESCE_ROWS: usize = crate::BATCH_ROWS;

/// Bytes of Arrow data gathered at most before they are written.
pub const COALESCE_BYTES: usize = 8 << 20;

impl std::fmt::Debug for ParquetSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink").field("files", &self.paths()).finish()
    }
}

/// A Parquet write failure, naming the file.
#[derive(Debug)]
pub struct SinkError {
    /// The file being written.
    pub path: PathBuf,
    /// What went wrong.
    pub error: ParquetError,
}

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for SinkError {}

impl ParquetSink {
    /// Creates `dir` (and its parents) if missing and the three files in it
    /// (replacing files of the same names).
    pub fn create(dir: &Path) -> Result<ParquetSink, SinkError> {
        let fail = |path: &Path, e: io::Error| SinkError {
            path: path.to_owned(),
            error: ParquetError::External(Box::new(e)),
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
            .set_max_row_group_row_count(Some(1 << 20))
            .build();
        let mut writers = Vec::with_capacity(3);
        for table in Table::ALL {
            let path = dir.join(format!("{}.parquet", table.name()));
            let file = File::create(&path).map_err(|e| fail(&path, e))?;
            let writer = ArrowWriter::try_new(file, table.schema(), Some(props.clone()))
                .map_err(|error| SinkError { path: path.clone(), error })?;
            writers.push((path, writer));
        }
        Ok(ParquetSink { writers, pending: vec![Pending::default(); Table::ALL.len()] })
    }

    /// The three files, in [`Table::ALL`] order.
    pub fn paths(&self) -> Vec<&Path> {
        self.writers.iter().map(|(p, _)| p.as_path()).collect()
    }

    /// Appends a batch (with the table's full schema) to the table's file.
    /// Batches under [`COALESCE_ROWS`] rows are gathered and written as one.
    pub fn write(&mut self, table: Table, batch: &RecordBatch) -> Result<(), SinkError> {
        let t = table as usize;
        let bytes = batch.get_array_memory_size();
        let p = &mut self.pending[t];
        if p.batches.is_empty() && (batch.num_rows() >= COALESCE_ROWS || bytes >= COALESCE_BYTES) {
            return self.write_now(t, batch);
        }
        if batch.num_rows() > 0 {
            p.batches.push(batch.clone());
            p.rows += batch.num_rows();
            p.bytes += bytes;
        }
        if p.rows >= COALESCE_ROWS || p.bytes >= COALESCE_BYTES {
            self.flush_pending(t)?;
        }
        Ok(())
    }

    fn flush_pending(&mut self, t: usize) -> Result<(), SinkError> {
        let batches = std::mem::take(&mut self.pending[t]).batches;
        match batches.len() {
            0 => Ok(()),
            1 => self.write_now(t, &batches[0]),
            _ => {
                let batch = arrow_select::concat::concat_batches(&batches[0].schema(), &batches)
                    .map_err(|e| SinkError { path: self.writers[t].0.clone(), error: e.into() })?;
                self.write_now(t, &batch)
            }
        }
    }

    fn write_now(&mut self, t: usize, batch: &RecordBatch) -> Result<(), SinkError> {
        let (path, writer) = &mut self.writers[t];
        let wrap = |error| SinkError { path: path.clone(), error };
        writer.write(batch).map_err(wrap)?;
        if writer.in_progress_size() >= ROW_GROUP_BYTES {
            writer.flush().map_err(|error| SinkError { path: path.clone(), error })?;
        }
        Ok(())
    }

    /// Writes what is gathered, flushes the last row groups and writes the footers.
    pub fn close(mut self) -> Result<(), SinkError> {
        for t in 0..self.writers.len() {
            self.flush_pending(t)?;
        }
        for (path, writer) in self.writers {
            writer.close().map_err(|error| SinkError { path: path.clone(), error })?;
        }
        Ok(())
    }
}

/// Loads `corpus` on its workers (one reused [`crate::Tables`] per worker
/// thread turns each file into batches there) and writes the batches in
/// enumeration order to a [`ParquetSink`] in `dir`: what
/// `arena-recordings export --format parquet` does. `progress` is called on
/// the workers with each file's size.
///
/// Memory is bounded by the corpus engine's reorder window (a few files per
/// thread) plus, per table, the small batches being gathered
/// ([`COALESCE_BYTES`]) and one row group ([`ROW_GROUP_BYTES`]).
pub fn export_corpus(
    corpus: &arena_recordings::Corpus,
    opts: &arena_recordings::RunOptions,
    dir: &Path,
    progress: impl Fn(u64) + Sync,
) -> Result<arena_recordings::Tally, SinkError> {
    use std::cell::RefCell;
    thread_local! {
        static TABLES: RefCell<crate::Tables> = RefCell::new(crate::Tables::default());
    }
    let mut sink = ParquetSink::create(dir)?;
    let tally = corpus.map_ordered(
        opts,
        |v| {
            let batches = TABLES.with_borrow_mut(|t| {
                t.push(&v.reference(), v.size(), &v.result);
                t.finish()
            });
            progress(v.size());
            batches
        },
        |_, batches| -> Result<(), SinkError> {
            for (table, list) in Table::ALL.into_iter().zip(batches) {
                for batch in &list {
                    sink.write(table, batch)?;
                }
            }
            Ok(())
        },
    )?;
    sink.close()?;
    Ok(tally)
}
