//! The table provider: a table over resolved files.

use std::collections::HashSet;
use std::sync::Arc;

use arena_recordings::{Corpus, Limits, RecordingReference, RunOptions};
use arena_recordings_arrow::Table;
use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::{Result, ScalarValue};
use datafusion::datasource::TableType;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use crate::exec::RecordingScanExec;

/// One file of a table, resolved: plain data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceFile {
    /// The path (the reference id, as `export` writes it).
    pub path: String,
    /// Where the file is read: `path` itself for a local query; an absolute
    /// path where executors of a cluster read it (ids stay `path`).
    pub location: String,
    /// The source (argument) that produced it.
    pub source: String,
    /// The type hint routing it to its adapter.
    pub type_hint: String,
    /// Its size in bytes when enumerated.
    pub size: u64,
}

impl SourceFile {
    /// The reference the rows name (its id is `path`).
    pub fn reference(&self) -> RecordingReference {
        RecordingReference {
            id: self.path.clone(),
            fragment: None,
            source: self.source.clone(),
            type_hint: self.type_hint.clone(),
            metadata: Default::default(),
        }
    }

    /// The reference the loader reads (its id is `location`, without a
    /// `file://` scheme).
    pub fn read_reference(&self) -> RecordingReference {
        RecordingReference {
            id: self.location.strip_prefix("file://").unwrap_or(&self.location).to_owned(),
            fragment: None,
            source: self.source.clone(),
            type_hint: self.type_hint.clone(),
            metadata: Default::default(),
        }
    }
}

/// How files are read: plain data, from [`RunOptions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Largest file accepted, in bytes.
    pub max_file_size: u64,
    /// Deepest JSON/YAML nesting accepted.
    pub max_depth: usize,
    /// Most arena memory one file's recording may take.
    pub max_arena_bytes: usize,
    /// YAML alias expansion budget (`None`: from the file's size).
    pub max_alias_expansion: Option<usize>,
    /// Files at least this long are memory-mapped.
    pub mmap_threshold: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions::from(&RunOptions::default())
    }
}

impl From<&RunOptions> for LoadOptions {
    fn from(o: &RunOptions) -> Self {
        LoadOptions {
            max_file_size: o.limits.max_file_size,
            max_depth: o.limits.max_depth,
            max_arena_bytes: o.limits.max_arena_bytes,
            max_alias_expansion: o.limits.max_alias_expansion,
            mmap_threshold: o.mmap_threshold,
        }
    }
}

impl LoadOptions {
    /// The loader limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_size: self.max_file_size,
            max_depth: self.max_depth,
            max_arena_bytes: self.max_arena_bytes,
            max_alias_expansion: self.max_alias_expansion,
        }
    }
}

/// One of the three tables over a list of files (a DataFusion [`TableProvider`]).
#[derive(Debug, Clone)]
pub struct RecordingTable {
    table: Table,
    files: Arc<[SourceFile]>,
    options: LoadOptions,
}

impl RecordingTable {
    /// `table` over `files`.
    pub fn new(table: Table, files: Arc<[SourceFile]>, options: LoadOptions) -> RecordingTable {
        RecordingTable { table, files, options }
    }

    /// The files of a corpus, in enumeration order.
    pub fn files_of(corpus: &Corpus) -> Arc<[SourceFile]> {
        corpus
            .entries()
            .iter()
            .map(|e| {
                let r = e.reference();
                SourceFile {
                    path: r.id.clone(),
                    location: r.id.clone(),
                    source: r.source.clone(),
                    type_hint: r.type_hint.clone(),
                    size: e.size(),
                }
            })
            .collect()
    }

    /// The table.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The files.
    pub fn files(&self) -> &Arc<[SourceFile]> {
        &self.files
    }

    /// The load options.
    pub fn options(&self) -> LoadOptions {
        self.options
    }

    /// The column naming the file: `id` in `recordings`, else `recording_id`.
    fn file_column(&self) -> &'static str {
        match self.table {
            Table::Recordings => "id",
            Table::Messages | Table::ToolCalls => "recording_id",
        }
    }

    /// The paths a filter restricts the file column to, if it does.
    fn paths_of(&self, filter: &Expr) -> Option<HashSet<String>> {
        let column = self.file_column();
        let is_col = |e: &Expr| matches!(e, Expr::Column(c) if c.name == column);
        let lit = |e: &Expr| match e {
            Expr::Literal(
                ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)),
                _,
            ) => Some(s.clone()),
            _ => None,
        };
        match filter {
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::Eq, right }) => {
                if is_col(left) {
                    lit(right).map(|s| HashSet::from([s]))
                } else if is_col(right) {
                    lit(left).map(|s| HashSet::from([s]))
                } else {
                    None
                }
            }
            Expr::InList(list) if !list.negated && is_col(&list.expr) => list.list.iter().map(lit).collect(),
            _ => None,
        }
    }
}

#[async_trait]
impl TableProvider for RecordingTable {
    fn schema(&self) -> SchemaRef {
        self.table.schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let mut files: Vec<SourceFile> = self.files.to_vec();
        for f in filters {
            if let Some(ids) = self.paths_of(f) {
                // An id of one of a file's many recordings is `path#fragment`: keep its
                // file (the filter itself is applied again to the rows).
                let paths: HashSet<&str> = ids
                    .iter()
                    .flat_map(|id| [id.as_str(), id.rsplit_once('#').map_or(id.as_str(), |(p, _)| p)])
                    .collect();
                files.retain(|file| paths.contains(file.path.as_str()));
            }
        }
        let partitions = state.config().target_partitions();
        let exec = RecordingScanExec::new(
            self.table,
            RecordingScanExec::spread(files, partitions),
            projection.cloned(),
            self.options,
        )?;
        Ok(Arc::new(exec))
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| {
                if self.paths_of(f).is_some() {
                    TableProviderFilterPushDown::Inexact
                } else {
                    TableProviderFilterPushDown::Unsupported
                }
            })
            .collect())
    }
}

/// Registers `recordings`, `messages` and `tool_calls` over the corpus's files.
pub fn register(ctx: &SessionContext, corpus: &Corpus, options: LoadOptions) -> Result<()> {
    let files = RecordingTable::files_of(corpus);
    for table in Table::ALL {
        ctx.register_table(table.name(), Arc::new(RecordingTable::new(table, files.clone(), options)))?;
    }
    Ok(())
}
