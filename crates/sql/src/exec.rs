//! The scan: a partition's files loaded on a blocking thread into batches.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use arena_recordings::{Corpus, Error, ErrorKind, Loader, Piece, Registry};
use arena_recordings_arrow::{Table, TableBuilder};
use datafusion::arrow::array::{RecordBatch, UInt32Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{internal_err, Result};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties};

use crate::provider::{LoadOptions, SourceFile};

/// Scans one table over files spread over partitions: plain data
/// (the table, the files of each partition, the projection, the options).
///
/// Its one child is a *partition marker*: an in-memory source whose
/// partition `j` holds one row, the index of the file partition that output
/// partition `j` loads. Locally partition `j` is file partition `j`. On a
/// Ballista cluster each task runs a copy of the plan restricted to its own
/// partitions, and Ballista's scheduler restricts the in-memory sources it
/// knows but not a node it does not (which would then load every file in
/// every task); through the marker, the scan follows the restriction.
#[derive(Debug, Clone)]
pub struct RecordingScanExec {
    table: Table,
    partitions: Vec<Vec<SourceFile>>,
    projection: Option<Vec<usize>>,
    options: LoadOptions,
    schema: SchemaRef,
    marker: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

/// The marker's schema: one non-null `partition` (u32) column.
fn marker_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![Field::new("partition", DataType::UInt32, false)]))
}

/// The marker of `n` partitions: partition `j` holds the row `j`.
fn marker(n: usize) -> Result<Arc<dyn ExecutionPlan>> {
    let schema = marker_schema();
    let parts = (0..n)
        .map(|j| {
            let index = UInt32Array::from(vec![u32::try_from(j).unwrap_or(u32::MAX)]);
            RecordBatch::try_new(schema.clone(), vec![Arc::new(index)]).map(|b| vec![b])
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(MemorySourceConfig::try_new_exec(&parts, schema, None)?)
}

/// The file partition output partition `j` of `marker` loads.
fn marked_partition(marker: &Arc<dyn ExecutionPlan>, j: usize) -> Result<usize> {
    let memory = marker
        .downcast_ref::<DataSourceExec>()
        .and_then(|d| d.data_source().downcast_ref::<MemorySourceConfig>());
    let Some(memory) = memory else {
        return internal_err!(
            "RecordingScanExec: its partition marker is {}, not an in-memory source",
            marker.name()
        );
    };
    let index = memory
        .partitions()
        .get(j)
        .and_then(|batches| batches.first())
        .and_then(|b| b.column(0).as_any().downcast_ref::<UInt32Array>().map(|a| a.values().first().copied()))
        .flatten();
    match index {
        Some(i) => Ok(i as usize),
        None => internal_err!("RecordingScanExec: the partition marker has no index for partition {j}"),
    }
}

impl RecordingScanExec {
    /// A scan of `table` with these partitions (at least one, possibly
    /// empty) and projection (positions in [`Table::schema`]).
    pub fn new(
        table: Table,
        mut partitions: Vec<Vec<SourceFile>>,
        projection: Option<Vec<usize>>,
        options: LoadOptions,
    ) -> Result<RecordingScanExec> {
        if partitions.is_empty() {
            partitions.push(Vec::new());
        }
        let full = table.schema();
        let schema = match &projection {
            Some(p) => Arc::new(full.project(p)?),
            None => full,
        };
        let marker = marker(partitions.len())?;
        let properties = Self::properties_for(&schema, &marker);
        Ok(RecordingScanExec { table, partitions, projection, options, schema, marker, properties })
    }

    /// This scan with another partition marker (a restriction of its own,
    /// as a Ballista task has): its partitions are the marker's.
    pub fn with_marker(&self, marker: Arc<dyn ExecutionPlan>) -> Result<RecordingScanExec> {
        if marker.schema() != marker_schema() {
            return internal_err!("RecordingScanExec: a partition marker of schema {}", marker.schema());
        }
        let properties = Self::properties_for(&self.schema, &marker);
        Ok(RecordingScanExec { marker, properties, ..self.clone() })
    }

    fn properties_for(schema: &SchemaRef, marker: &Arc<dyn ExecutionPlan>) -> Arc<PlanProperties> {
        Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            Partitioning::UnknownPartitioning(marker.properties().output_partitioning().partition_count()),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ))
    }

    /// Spreads files over at most `n` partitions, largest first onto the
    /// least loaded one (sizes balance; every file is in exactly one).
    pub fn spread(files: Vec<SourceFile>, n: usize) -> Vec<Vec<SourceFile>> {
        let n = n.clamp(1, files.len().max(1));
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by(|&a, &b| files[b].size.cmp(&files[a].size).then(a.cmp(&b)));
        let mut parts: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); n];
        for i in order {
            let (load, list) =
                parts.iter_mut().min_by_key(|(load, list)| (*load, list.len())).expect("n >= 1");
            *load += files[i].size.max(1);
            list.push(i);
        }
        let mut files: Vec<Option<SourceFile>> = files.into_iter().map(Some).collect();
        parts
            .into_iter()
            .map(|(_, mut list)| {
                list.sort_unstable();
                list.into_iter().filter_map(|i| files[i].take()).collect()
            })
            .collect()
    }

    /// The table scanned.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The files of each partition.
    pub fn partitions(&self) -> &[Vec<SourceFile>] {
        &self.partitions
    }

    /// The projection (positions in the table's full schema).
    pub fn projection(&self) -> Option<&[usize]> {
        self.projection.as_deref()
    }

    /// The load options.
    pub fn options(&self) -> LoadOptions {
        self.options
    }
}

impl DisplayAs for RecordingScanExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let files: usize = self.partitions.iter().map(Vec::len).sum();
        match t {
            DisplayFormatType::Default | DisplayFormatType::Verbose => {
                write!(
                    f,
                    "RecordingScanExec: table={}, files={files}, partitions={}",
                    self.table.name(),
                    self.properties.output_partitioning().partition_count()
                )?;
                if let Some(p) = &self.projection {
                    let full = self.table.schema();
                    let names: Vec<&str> = p.iter().map(|&i| full.field(i).name().as_str()).collect();
                    write!(f, ", projection=[{}]", names.join(", "))?;
                }
                Ok(())
            }
            DisplayFormatType::TreeRender => write!(f, "table={}\nfiles={files}", self.table.name()),
        }
    }
}

impl ExecutionPlan for RecordingScanExec {
    fn name(&self) -> &'static str {
        "RecordingScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.marker]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        // The marker is not data: never repartition it.
        vec![false]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        match <[_; 1]>::try_from(children) {
            Ok([marker]) => Ok(Arc::new(self.with_marker(marker)?)),
            Err(c) => {
                internal_err!("RecordingScanExec has one child (its partition marker), not {}", c.len())
            }
        }
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let index = marked_partition(&self.marker, partition)?;
        let Some(files) = self.partitions.get(index) else {
            return internal_err!(
                "RecordingScanExec: no partition {index} (there are {})",
                self.partitions.len()
            );
        };
        let files = files.clone();
        let table = self.table;
        let projection = self.projection.clone();
        let options = self.options;
        let mut builder = RecordBatchReceiverStream::builder(self.schema.clone(), 2);
        let tx = builder.tx();
        builder.spawn_blocking(move || {
            let registry = Registry::new();
            let corpus = Corpus::from_references(&registry, files.iter().map(SourceFile::read_reference));
            let mut loader = new_loader(&options);
            let mut batches = TableBuilder::new(table, projection.as_deref());
            for (entry, file) in corpus.entries().iter().zip(&files) {
                let mut pushed = false;
                // A location with a URL scheme is read through the object store
                // registered for it in the session's runtime (S3 and the like).
                let fetched = crate::store::split_url(&file.location)
                    .map(|url| crate::store::fetch(&context, &url, options.max_file_size));
                let loaded = {
                    let (l, batches, pushed) = (&mut loader, &mut batches, &mut pushed);
                    panic::catch_unwind(AssertUnwindSafe(move || {
                        let l = l; // moved in, so the recordings may outlive the closure
                        let mut size = file.size;
                        let named = file.reference();
                        let mut each = |piece: Piece<'_>, result: std::result::Result<_, Error>| {
                            batches.push(&named.for_piece(piece), size, &result);
                            // The file's bytes count once, on its first recording.
                            size = 0;
                            *pushed = true;
                        };
                        match fetched {
                            None => entry.load_each(l, each),
                            Some(Ok(bytes)) => entry.load_bytes_each(&bytes, l, each),
                            Some(Err(e)) => each(Piece::WHOLE, Err(e.with_path(&file.path))),
                        }
                    }))
                };
                if let Err(payload) = loaded {
                    loader = new_loader(&options);
                    let what = payload
                        .downcast_ref::<&str>()
                        .copied()
                        .or_else(|| payload.downcast_ref::<String>().map(|s| s.as_str()))
                        .unwrap_or("(no message)");
                    // Worded as the corpus engine words it.
                    let msg =
                        format!("internal error: the adapter panicked: {what} (please report this file)");
                    let result = Err(Error::new(ErrorKind::Internal, msg).with_path(&file.path));
                    batches.push(&file.reference(), if pushed { 0 } else { file.size }, &result);
                }
                for batch in batches.take_ready() {
                    if tx.blocking_send(Ok(batch)).is_err() {
                        return Ok(()); // the query is done with this stream
                    }
                }
            }
            for batch in batches.finish() {
                if tx.blocking_send(Ok(batch)).is_err() {
                    break;
                }
            }
            Ok(())
        });
        Ok(builder.build())
    }
}

fn new_loader(options: &LoadOptions) -> Loader {
    let mut loader = Loader::with_limits(options.limits());
    loader.set_mmap_threshold(options.mmap_threshold);
    loader
}
