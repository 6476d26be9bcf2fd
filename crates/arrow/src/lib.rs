//! # Brief overview
//!
//! Arrow record batches of `arena_recordings` corpora, built straight from
//! the borrowed model (no JSON round trip), and Parquet files of them.
//!
//! Three tables (see [`Table`]; every column is listed in the README's
//! "Arrow, Parquet and SQL" section and in [`Table::schema`]):
//!
//! * `recordings`: one row per enumerated file, loaded or not (a failed file
//!   has `error_kind` and `error_message`);
//! * `messages`: one row per message of every loaded recording;
//! * `tool_calls`: one row per tool call of every message.
//!
//! A [`TableBuilder`] appends recordings to Arrow builders for one table and
//! a projection of its columns (columns not asked for are never built), and
//! cuts a [`RecordBatch`] whenever the batch reaches a row or byte budget.
//! [`ParquetSink`] writes the three tables to `DIR/<table>.parquet`, flushing
//! row groups as they fill.
//!
//! # Example
//!
//! ```
//! use arena_recordings::{Loader, Registry, RecordingReference};
//! use arena_recordings_arrow::{Table, TableBuilder};
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let registry = Registry::new();
//! let mut loader = Loader::new();
//! let reference = RecordingReference::file("corpus/sample/session/travel-booking.recording.json", "");
//! let result = registry.load_into(&reference, &mut loader);
//! let mut messages = TableBuilder::new(Table::Messages, None);
//! messages.push(&reference, 0, &result);
//! let batches = messages.finish();
//! assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 4);
//! ```

mod parquet_sink;

use std::sync::{Arc, OnceLock};

use arena_recordings::{Error, Message, Recording, RecordingReference};
use arrow_array::builder::{
    ArrayBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder, TimestampNanosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};

mod stream;

pub use parquet_sink::{
    export_corpus, ParquetSink, SinkError, COALESCE_BYTES, COALESCE_ROWS, ROW_GROUP_BYTES,
};
pub use stream::TableStream;

/// The Arrow and Parquet crates this crate is built on (arrow 59.2), to read
/// its output with the same versions.
pub use {arrow_array, arrow_schema, parquet};

/// Rows a batch holds at most (DataFusion's default batch size).
pub const BATCH_ROWS: usize = 8192;
/// String bytes a batch holds before it is cut (keeps `Utf8` offsets far
/// from their 2 GiB limit and batches small in memory).
pub const BATCH_BYTES: usize = 32 << 20;

/// One of the three tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One row per file.
    Recordings,
    /// One row per message.
    Messages,
    /// One row per tool call.
    ToolCalls,
}

impl Table {
    /// Every table, in the order the README documents them.
    pub const ALL: [Table; 3] = [Table::Recordings, Table::Messages, Table::ToolCalls];

    /// The table's name (`recordings`, `messages`, `tool_calls`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Recordings => "recordings",
            Table::Messages => "messages",
            Table::ToolCalls => "tool_calls",
        }
    }

    /// The table of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The table's full schema.
    pub fn schema(self) -> SchemaRef {
        static SCHEMAS: OnceLock<[SchemaRef; 3]> = OnceLock::new();
        let all = SCHEMAS.get_or_init(|| {
            Table::ALL.map(|t| {
                let fields: Vec<Field> =
                    t.columns().iter().map(|c| Field::new(c.name, c.kind.data_type(), c.nullable)).collect();
                Arc::new(Schema::new(fields))
            })
        });
        all[self as usize].clone()
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Table::Recordings => RECORDINGS,
            Table::Messages => MESSAGES,
            Table::ToolCalls => TOOL_CALLS,
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Str,
    I64,
    F64,
    Time,
    StrList,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Str => DataType::Utf8,
            Kind::I64 => DataType::Int64,
            Kind::F64 => DataType::Float64,
            Kind::Time => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            Kind::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        }
    }

    fn builder(self) -> Col {
        match self {
            Kind::Str => Col::Str(StringBuilder::new()),
            Kind::I64 => Col::I64(Int64Builder::new()),
            Kind::F64 => Col::F64(Float64Builder::new()),
            Kind::Time => Col::Time(TimestampNanosecondBuilder::new().with_timezone("UTC")),
            Kind::StrList => Col::StrList(ListBuilder::new(StringBuilder::new())),
        }
    }
}

struct Column {
    name: &'static str,
    kind: Kind,
    nullable: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool) -> Column {
    Column { name, kind, nullable }
}

// Column positions, used by the row code below.
mod r {
    pub const ID: usize = 0;
    pub const SOURCE: usize = 1;
    pub const TYPE_HINT: usize = 2;
    pub const FORMAT: usize = 3;
    pub const SESSION_ID: usize = 4;
    pub const MESSAGE_COUNT: usize = 5;
    pub const TOOL_CALL_COUNT: usize = 6;
    pub const DURATION_NS: usize = 7;
    pub const TAGS: usize = 8;
    pub const PROVIDER_ID: usize = 9;
    pub const MODEL: usize = 10;
    pub const WARNING_COUNT: usize = 11;
    pub const WARNINGS: usize = 12;
    pub const BYTES: usize = 13;
    pub const ERROR_KIND: usize = 14;
    pub const ERROR_MESSAGE: usize = 15;
    pub const ERROR_LINE: usize = 16;
    pub const ERROR_COLUMN: usize = 17;
    pub const ERROR_OFFSET: usize = 18;
}

const RECORDINGS: &[Column] = &[
    col("id", Kind::Str, false),
    col("source", Kind::Str, false),
    col("type_hint", Kind::Str, false),
    col("format", Kind::Str, true),
    col("session_id", Kind::Str, true),
    col("message_count", Kind::I64, true),
    col("tool_call_count", Kind::I64, true),
    col("duration_ns", Kind::I64, true),
    col("tags", Kind::StrList, true),
    col("provider_id", Kind::Str, true),
    col("model", Kind::Str, true),
    col("warning_count", Kind::I64, true),
    col("warnings", Kind::StrList, true),
    col("bytes", Kind::I64, false),
    col("error_kind", Kind::Str, true),
    col("error_message", Kind::Str, true),
    col("error_line", Kind::I64, true),
    col("error_column", Kind::I64, true),
    col("error_offset", Kind::I64, true),
];

mod m {
    pub const RECORDING_ID: usize = 0;
    pub const MESSAGE_INDEX: usize = 1;
    pub const ROLE: usize = 2;
    pub const CONTENT: usize = 3;
    pub const TIMESTAMP: usize = 4;
    pub const TOOL_CALL_ID: usize = 5;
    pub const TOOL_NAME: usize = 6;
    pub const TOOL_ERROR: usize = 7;
    pub const TOOL_CALL_COUNT: usize = 8;
    pub const PART_COUNT: usize = 9;
    pub const FINISH_REASON: usize = 10;
    pub const LATENCY_MS: usize = 11;
    pub const INPUT_TOKENS: usize = 12;
    pub const OUTPUT_TOKENS: usize = 13;
    pub const CACHED_TOKENS: usize = 14;
    pub const INPUT_COST_USD: usize = 15;
    pub const OUTPUT_COST_USD: usize = 16;
    pub const TOTAL_COST_USD: usize = 17;
    pub const COST_INFO: usize = 18;
}

const MESSAGES: &[Column] = &[
    col("recording_id", Kind::Str, false),
    col("message_index", Kind::I64, false),
    col("role", Kind::Str, false),
    col("content", Kind::Str, false),
    col("timestamp", Kind::Time, true),
    col("tool_call_id", Kind::Str, true),
    col("tool_name", Kind::Str, true),
    col("tool_error", Kind::Str, true),
    col("tool_call_count", Kind::I64, false),
    col("part_count", Kind::I64, false),
    col("finish_reason", Kind::Str, true),
    col("latency_ms", Kind::I64, true),
    col("input_tokens", Kind::I64, true),
    col("output_tokens", Kind::I64, true),
    col("cached_tokens", Kind::I64, true),
    col("input_cost_usd", Kind::F64, true),
    col("output_cost_usd", Kind::F64, true),
    col("total_cost_usd", Kind::F64, true),
    col("cost_info", Kind::Str, true),
];

mod t {
    pub const RECORDING_ID: usize = 0;
    pub const MESSAGE_INDEX: usize = 1;
    pub const CALL_INDEX: usize = 2;
    pub const ID: usize = 3;
    pub const NAME: usize = 4;
    pub const ARGUMENTS: usize = 5;
}

const TOOL_CALLS: &[Column] = &[
    col("recording_id", Kind::Str, false),
    col("message_index", Kind::I64, false),
    col("call_index", Kind::I64, false),
    col("id", Kind::Str, false),
    col("name", Kind::Str, false),
    col("arguments", Kind::Str, false),
];

enum Col {
    Str(StringBuilder),
    I64(Int64Builder),
    F64(Float64Builder),
    Time(TimestampNanosecondBuilder),
    StrList(ListBuilder<StringBuilder>),
}

impl Col {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Col::Str(b) => Arc::new(b.finish()),
            Col::I64(b) => Arc::new(b.finish()),
            Col::F64(b) => Arc::new(b.finish()),
            Col::Time(b) => Arc::new(b.finish()),
            Col::StrList(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Col::Str(b) => b.len(),
            Col::I64(b) => b.len(),
            Col::F64(b) => b.len(),
            Col::Time(b) => b.len(),
            Col::StrList(b) => b.len(),
        }
    }
}

/// Builds one table's record batches for a projection of its columns.
pub struct TableBuilder {
    table: Table,
    /// Builders by column position; `None` for columns not projected.
    cols: Vec<Option<Col>>,
    projection: Vec<usize>,
    schema: SchemaRef,
    rows: usize,
    bytes: usize,
    batch_rows: usize,
    ready: Vec<RecordBatch>,
}

impl std::fmt::Debug for TableBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableBuilder")
            .field("table", &self.table)
            .field("projection", &self.projection)
            .field("rows", &self.rows)
            .finish()
    }
}

impl TableBuilder {
    /// A builder of `table` with the columns at `projection` (positions in
    /// [`Table::schema`], in output order; `None` for all). An empty
    /// projection gives batches with a row count and no column (`count(*)`).
    ///
    /// Positions out of range are ignored.
    pub fn new(table: Table, projection: Option<&[usize]>) -> TableBuilder {
        let columns = table.columns();
        let projection: Vec<usize> = match projection {
            Some(p) => p.iter().copied().filter(|&i| i < columns.len()).collect(),
            None => (0..columns.len()).collect(),
        };
        let mut cols: Vec<Option<Col>> = columns.iter().map(|_| None).collect();
        for &i in &projection {
            cols[i] = Some(columns[i].kind.builder());
        }
        let full = table.schema();
        let schema =
            Arc::new(Schema::new(projection.iter().map(|&i| full.field(i).clone()).collect::<Vec<_>>()));
        TableBuilder {
            table,
            cols,
            projection,
            schema,
            rows: 0,
            bytes: 0,
            batch_rows: BATCH_ROWS,
            ready: Vec::new(),
        }
    }

    /// Sets the most rows per batch (at least 1).
    pub fn with_batch_rows(mut self, rows: usize) -> TableBuilder {
        self.batch_rows = rows.max(1);
        self
    }

    /// The table built.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The schema of the batches (the projected columns).
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Rows appended and not yet cut into a batch.
    pub fn pending_rows(&self) -> usize {
        self.rows
    }

    /// Appends the rows of one file: `size` is its size in bytes and
    /// `result` its loaded recording or the error.
    pub fn push(&mut self, reference: &RecordingReference, size: u64, result: &Result<Recording<'_>, Error>) {
        match self.table {
            Table::Recordings => self.push_recording(reference, size, result),
            Table::Messages => {
                if let Ok(rec) = result {
                    for (i, msg) in rec.messages.iter().enumerate() {
                        self.push_message(&reference.id, i, msg);
                    }
                }
            }
            Table::ToolCalls => {
                if let Ok(rec) = result {
                    for (i, msg) in rec.messages.iter().enumerate() {
                        for (j, call) in msg.tool_calls.iter().enumerate() {
                            self.str(t::RECORDING_ID, Some(&reference.id));
                            self.i64(t::MESSAGE_INDEX, Some(i as i64));
                            self.i64(t::CALL_INDEX, Some(j as i64));
                            self.str(t::ID, Some(call.id));
                            self.str(t::NAME, Some(call.name));
                            self.str(t::ARGUMENTS, Some(call.args.as_str()));
                            self.end_row();
                        }
                    }
                }
            }
        }
    }

    /// Batches cut so far (full ones), in order; they are taken out.
    pub fn take_ready(&mut self) -> Vec<RecordBatch> {
        std::mem::take(&mut self.ready)
    }

    /// Cuts the rows still pending and returns every batch not yet taken.
    pub fn finish(&mut self) -> Vec<RecordBatch> {
        if self.rows > 0 {
            self.cut();
        }
        self.take_ready()
    }

    fn push_recording(
        &mut self,
        reference: &RecordingReference,
        size: u64,
        result: &Result<Recording<'_>, Error>,
    ) {
        self.str(r::ID, Some(&reference.id));
        self.str(r::SOURCE, Some(&reference.source));
        self.str(r::TYPE_HINT, Some(&reference.type_hint));
        self.i64(r::BYTES, Some(i64::try_from(size).unwrap_or(i64::MAX)));
        match result {
            Ok(rec) => {
                let md = &rec.metadata;
                self.str(r::FORMAT, Some(rec.format.as_str()));
                self.str(r::SESSION_ID, nonempty(md.session_id));
                self.i64(r::MESSAGE_COUNT, Some(rec.messages.len() as i64));
                let calls: usize = rec.messages.iter().map(|m| m.tool_calls.len()).sum();
                self.i64(r::TOOL_CALL_COUNT, Some(calls as i64));
                self.i64(r::DURATION_NS, (md.duration_ns != 0).then_some(md.duration_ns));
                self.list(r::TAGS, Some(md.tags));
                self.str(r::PROVIDER_ID, md.provider_info("provider_id"));
                self.str(r::MODEL, md.provider_info("model"));
                self.i64(r::WARNING_COUNT, Some(rec.warnings.len() as i64));
                self.list(r::WARNINGS, Some(rec.warnings));
                self.str(r::ERROR_KIND, None);
                self.str(r::ERROR_MESSAGE, None);
                self.i64(r::ERROR_LINE, None);
                self.i64(r::ERROR_COLUMN, None);
                self.i64(r::ERROR_OFFSET, None);
            }
            Err(e) => {
                for c in [r::FORMAT, r::SESSION_ID, r::PROVIDER_ID, r::MODEL] {
                    self.str(c, None);
                }
                for c in [r::MESSAGE_COUNT, r::TOOL_CALL_COUNT, r::DURATION_NS, r::WARNING_COUNT] {
                    self.i64(c, None);
                }
                self.list(r::TAGS, None);
                self.list(r::WARNINGS, None);
                self.str(r::ERROR_KIND, Some(e.kind().as_str()));
                self.str(r::ERROR_MESSAGE, Some(e.message()));
                let pos = e.position();
                self.i64(r::ERROR_LINE, pos.map(|p| p.line as i64));
                self.i64(r::ERROR_COLUMN, pos.map(|p| p.column as i64));
                self.i64(r::ERROR_OFFSET, e.offset().map(|o| o as i64));
            }
        }
        self.end_row();
    }

    fn push_message(&mut self, recording_id: &str, index: usize, msg: &Message<'_>) {
        self.str(m::RECORDING_ID, Some(recording_id));
        self.i64(m::MESSAGE_INDEX, Some(index as i64));
        self.str(m::ROLE, Some(msg.role));
        if self.wants(m::CONTENT) {
            if msg.content.is_empty() && msg.parts.iter().any(|p| p.kind == "text" && p.text.is_some()) {
                // Joined with a space, as `export`'s content summary joins them.
                let mut text = String::new();
                for (i, t) in msg.parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text).enumerate()
                {
                    if i > 0 {
                        text.push(' ');
                    }
                    text.push_str(t);
                }
                self.str(m::CONTENT, Some(&text));
            } else {
                self.str(m::CONTENT, Some(msg.content));
            }
        }
        if self.wants(m::TIMESTAMP) {
            let ts = &msg.timestamp;
            let nanos = if ts.is_zero() { None } else { i64::try_from(ts.unix_nanos()).ok() };
            if let Some(Col::Time(b)) = &mut self.cols[m::TIMESTAMP] {
                b.append_option(nanos);
            }
        }
        let result = msg.tool_result;
        self.str(m::TOOL_CALL_ID, result.map(|r| r.id));
        self.str(m::TOOL_NAME, result.map(|r| r.name));
        self.str(m::TOOL_ERROR, result.and_then(|r| nonempty(r.error)));
        self.i64(m::TOOL_CALL_COUNT, Some(msg.tool_calls.len() as i64));
        self.i64(m::PART_COUNT, Some(msg.parts.len() as i64));
        self.str(m::FINISH_REASON, nonempty(msg.finish_reason));
        self.i64(m::LATENCY_MS, (msg.latency_ms != 0).then_some(msg.latency_ms));
        const COST: [usize; 6] = [
            m::INPUT_TOKENS,
            m::OUTPUT_TOKENS,
            m::CACHED_TOKENS,
            m::INPUT_COST_USD,
            m::OUTPUT_COST_USD,
            m::TOTAL_COST_USD,
        ];
        if COST.iter().any(|&c| self.wants(c)) {
            let cost = msg.cost_info.and_then(|c| serde_json::from_str::<serde_json::Value>(c.as_str()).ok());
            let get = |k: &str| cost.as_ref().and_then(|c| c.get(k)).and_then(serde_json::Value::as_f64);
            self.i64(m::INPUT_TOKENS, get("input_tokens").map(|v| v as i64));
            self.i64(m::OUTPUT_TOKENS, get("output_tokens").map(|v| v as i64));
            self.i64(m::CACHED_TOKENS, get("cached_tokens").map(|v| v as i64));
            self.f64(m::INPUT_COST_USD, get("input_cost_usd"));
            self.f64(m::OUTPUT_COST_USD, get("output_cost_usd"));
            self.f64(m::TOTAL_COST_USD, get("total_cost_usd"));
        }
        self.str(m::COST_INFO, msg.cost_info.map(|c| c.as_str()));
        self.end_row();
    }

    fn wants(&self, c: usize) -> bool {
        self.cols[c].is_some()
    }

    fn str(&mut self, c: usize, v: Option<&str>) {
        if let Some(Col::Str(b)) = &mut self.cols[c] {
            self.bytes += v.map_or(0, str::len);
            b.append_option(v);
        }
    }

    fn i64(&mut self, c: usize, v: Option<i64>) {
        if let Some(Col::I64(b)) = &mut self.cols[c] {
            b.append_option(v);
        }
    }

    fn f64(&mut self, c: usize, v: Option<f64>) {
        if let Some(Col::F64(b)) = &mut self.cols[c] {
            b.append_option(v);
        }
    }

    fn list(&mut self, c: usize, v: Option<&[&str]>) {
        if let Some(Col::StrList(b)) = &mut self.cols[c] {
            match v {
                Some(items) => {
                    for s in items {
                        self.bytes += s.len();
                        b.values().append_value(s);
                    }
                    b.append(true);
                }
                None => b.append(false),
            }
        }
    }

    fn end_row(&mut self) {
        self.rows += 1;
        debug_assert!(self.cols.iter().flatten().all(|c| c.len() == self.rows));
        if self.rows >= self.batch_rows || self.bytes >= BATCH_BYTES {
            self.cut();
        }
    }

    fn cut(&mut self) {
        let arrays: Vec<ArrayRef> =
            self.projection.iter().filter_map(|&i| self.cols[i].as_mut().map(Col::finish)).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(self.rows));
        // Every column got exactly one value per row, of the schema's type.
        match RecordBatch::try_new_with_options(self.schema.clone(), arrays, &options) {
            Ok(batch) => self.ready.push(batch),
            Err(e) => unreachable_batch(e),
        }
        self.rows = 0;
        self.bytes = 0;
    }
}

#[cold]
fn unreachable_batch(e: ArrowError) -> ! {
    // Only a bug in this crate (a column left without a value) gets here.
    panic!("arena-recordings-arrow: inconsistent batch: {e}")
}

fn nonempty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Builders for all three tables (all columns), fed one file at a time.
#[derive(Debug)]
pub struct Tables {
    /// `recordings`, `messages`, `tool_calls` builders, in [`Table::ALL`] order.
    pub builders: [TableBuilder; 3],
}

impl Default for Tables {
    fn default() -> Self {
        Tables { builders: Table::ALL.map(|t| TableBuilder::new(t, None)) }
    }
}

impl Tables {
    /// Appends one file's rows to every table.
    pub fn push(&mut self, reference: &RecordingReference, size: u64, result: &Result<Recording<'_>, Error>) {
        for b in &mut self.builders {
            b.push(reference, size, result);
        }
    }

    /// Cuts everything pending: the batches of each table, in [`Table::ALL`] order.
    pub fn finish(&mut self) -> [Vec<RecordBatch>; 3] {
        let [a, b, c] = &mut self.builders;
        [a.finish(), b.finish(), c.finish()]
    }
}
