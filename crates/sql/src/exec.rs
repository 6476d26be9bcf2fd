//! The scan: a partition's files loaded on a blocking thread into batches.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use arena_recordings::{Corpus, Error, ErrorKind, Loader, Registry};
use arena_recordings_arrow::{Table, TableBuilder};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{internal_err, Result};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties};

use crate::provider::{LoadOptions, SourceFile};

/// Scans one table over files spread over partitions: plain data
/// (the table, the files of each partition, the projection, the options).
#[derive(Debug, Clone)]
pub struct RecordingScanExec {
    table: Table,
    partitions: Vec<Vec<SourceFile>>,
    projection: Option<Vec<usize>>,
    options: LoadOptions,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
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
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            Partitioning::UnknownPartitioning(partitions.len()),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ));
        Ok(RecordingScanExec { table, partitions, projection, options, schema, properties })
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
                    self.partitions.len()
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
        vec![]
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
        if children.is_empty() {
            Ok(self)
        } else {
            internal_err!("RecordingScanExec has no children")
        }
    }

    fn execute(&self, partition: usize, _context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let Some(files) = self.partitions.get(partition) else {
            return internal_err!(
                "RecordingScanExec: no partition {partition} (there are {})",
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
            let corpus = Corpus::from_references(&registry, files.iter().map(SourceFile::reference));
            let mut loader = new_loader(&options);
            let mut batches = TableBuilder::new(table, projection.as_deref());
            for (entry, file) in corpus.entries().iter().zip(&files) {
                let mut pushed = false;
                let loaded = {
                    let (l, batches, pushed) = (&mut loader, &mut batches, &mut pushed);
                    panic::catch_unwind(AssertUnwindSafe(move || {
                        let l = l; // moved in, so the recordings may outlive the closure
                        let mut size = file.size;
                        entry.load_each(l, |piece, result| {
                            batches.push(&entry.reference().for_piece(piece), size, &result);
                            // The file's bytes count once, on its first recording.
                            size = 0;
                            *pushed = true;
                        })
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
                    batches.push(entry.reference(), if pushed { 0 } else { file.size }, &result);
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
