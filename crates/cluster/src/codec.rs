//! The extension codecs that let the recording tables travel between the
//! client, the scheduler and the executors.
//!
//! * [`RecordingLogicalCodec`]: the client sends the logical plan to the
//!   scheduler; its `TableScan`s name a [`RecordingTable`], which
//!   datafusion-proto cannot serialise (it is not a `ListingTable`). It is
//!   encoded here, everything else by Ballista's own logical codec.
//! * [`RecordingPhysicalCodec`]: the scheduler sends each stage's physical
//!   plan to the executors; Ballista's physical codec rejects nodes it does
//!   not know, so [`RecordingScanExec`] is encoded here and every other node
//!   passes through to Ballista's codec.
//!
//! Each encoding starts with one tag byte, so the two kinds never mix:
//! [`TAG_BALLISTA`] then Ballista's bytes, or [`TAG_RECORDINGS`] then the
//! JSON of the table or the scan (plain data: the table, the files, the
//! partitions, the projection and the load options).

use std::sync::Arc;

use arena_recordings_sql::datafusion;
use arena_recordings_sql::{LoadOptions, RecordingScanExec, RecordingTable, SourceFile, Table};
use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::{DataFusionError, Result, TableReference};
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{AggregateUDF, Extension, LogicalPlan, ScalarUDF, WindowUDF};
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use serde::{Deserialize, Serialize};

/// First byte of an encoding made by Ballista's codec.
pub const TAG_BALLISTA: u8 = 0;
/// First byte of an encoding of a recording table or scan.
pub const TAG_RECORDINGS: u8 = 1;

/// One file on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct FileWire {
    path: String,
    location: String,
    source: String,
    type_hint: String,
    size: u64,
}

impl From<&SourceFile> for FileWire {
    fn from(f: &SourceFile) -> Self {
        FileWire {
            path: f.path.clone(),
            location: f.location.clone(),
            source: f.source.clone(),
            type_hint: f.type_hint.clone(),
            size: f.size,
        }
    }
}

impl From<FileWire> for SourceFile {
    fn from(f: FileWire) -> Self {
        SourceFile {
            path: f.path,
            location: f.location,
            source: f.source,
            type_hint: f.type_hint,
            size: f.size,
        }
    }
}

/// The load options on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct OptionsWire {
    max_file_size: u64,
    max_depth: usize,
    max_arena_bytes: usize,
    max_alias_expansion: Option<usize>,
    mmap_threshold: u64,
}

impl From<LoadOptions> for OptionsWire {
    fn from(o: LoadOptions) -> Self {
        OptionsWire {
            max_file_size: o.max_file_size,
            max_depth: o.max_depth,
            max_arena_bytes: o.max_arena_bytes,
            max_alias_expansion: o.max_alias_expansion,
            mmap_threshold: o.mmap_threshold,
        }
    }
}

impl From<OptionsWire> for LoadOptions {
    fn from(o: OptionsWire) -> Self {
        LoadOptions {
            max_file_size: o.max_file_size,
            max_depth: o.max_depth,
            max_arena_bytes: o.max_arena_bytes,
            max_alias_expansion: o.max_alias_expansion,
            mmap_threshold: o.mmap_threshold,
        }
    }
}

/// A [`RecordingTable`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct TableWire {
    table: String,
    files: Vec<FileWire>,
    options: OptionsWire,
}

/// A [`RecordingScanExec`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct ScanWire {
    table: String,
    partitions: Vec<Vec<FileWire>>,
    projection: Option<Vec<usize>>,
    options: OptionsWire,
}

fn table_named(name: &str) -> Result<Table> {
    Table::from_name(name)
        .ok_or_else(|| DataFusionError::Internal(format!("arena-recordings codec: no table named {name:?}")))
}

fn write_tagged(buf: &mut Vec<u8>, value: &impl Serialize) -> Result<()> {
    buf.push(TAG_RECORDINGS);
    serde_json::to_writer(&mut *buf, value)
        .map_err(|e| DataFusionError::Internal(format!("arena-recordings codec: encoding: {e}")))
}

fn read_json<'a, T: Deserialize<'a>>(what: &str, bytes: &'a [u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| DataFusionError::Internal(format!("arena-recordings codec: decoding {what}: {e}")))
}

/// Splits an encoding into its tag and body.
fn split(buf: &[u8]) -> Result<(u8, &[u8])> {
    match buf.split_first() {
        Some((&tag @ (TAG_BALLISTA | TAG_RECORDINGS), rest)) => Ok((tag, rest)),
        Some((tag, _)) => Err(DataFusionError::Internal(format!(
            "arena-recordings codec: unknown tag {tag} (a client, scheduler or executor of another version?)"
        ))),
        None => Err(DataFusionError::Internal("arena-recordings codec: empty encoding".into())),
    }
}

/// Runs Ballista's encoder into `buf` after its tag byte.
fn ballista_tagged(buf: &mut Vec<u8>, encode: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<()> {
    let mut inner = Vec::new();
    encode(&mut inner)?;
    buf.push(TAG_BALLISTA);
    buf.extend_from_slice(&inner);
    Ok(())
}

/// Encodes a table.
pub fn encode_table(table: &RecordingTable, buf: &mut Vec<u8>) -> Result<()> {
    let wire = TableWire {
        table: table.table().name().to_owned(),
        files: table.files().iter().map(FileWire::from).collect(),
        options: table.options().into(),
    };
    write_tagged(buf, &wire)
}

/// Decodes a table encoded by [`encode_table`] (without its tag byte).
fn decode_table(body: &[u8]) -> Result<RecordingTable> {
    let wire: TableWire = read_json("a recording table", body)?;
    let files: Arc<[SourceFile]> = wire.files.into_iter().map(SourceFile::from).collect();
    Ok(RecordingTable::new(table_named(&wire.table)?, files, wire.options.into()))
}

/// Encodes a scan.
pub fn encode_scan(scan: &RecordingScanExec, buf: &mut Vec<u8>) -> Result<()> {
    let wire = ScanWire {
        table: scan.table().name().to_owned(),
        partitions: scan.partitions().iter().map(|p| p.iter().map(FileWire::from).collect()).collect(),
        projection: scan.projection().map(<[usize]>::to_vec),
        options: scan.options().into(),
    };
    write_tagged(buf, &wire)
}

/// Decodes a scan encoded by [`encode_scan`] (without its tag byte), with
/// its decoded child, the partition marker (restricted to a task's
/// partitions on an executor).
fn decode_scan(body: &[u8], inputs: &[Arc<dyn ExecutionPlan>]) -> Result<RecordingScanExec> {
    let wire: ScanWire = read_json("a recording scan", body)?;
    let partitions =
        wire.partitions.into_iter().map(|p| p.into_iter().map(SourceFile::from).collect()).collect();
    let scan =
        RecordingScanExec::new(table_named(&wire.table)?, partitions, wire.projection, wire.options.into())?;
    match inputs {
        [marker] => scan.with_marker(marker.clone()),
        _ => Err(DataFusionError::Internal(format!(
            "arena-recordings codec: a recording scan has one input (its partition marker), not {}",
            inputs.len()
        ))),
    }
}

/// The function (UDF, UDAF, UDWF) methods both codecs hand to Ballista's
/// (the two traits name them alike).
macro_rules! delegate_functions {
    () => {
        fn try_decode_udf(&self, name: &str, buf: &[u8]) -> Result<Arc<ScalarUDF>> {
            self.inner.try_decode_udf(name, buf)
        }

        fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> Result<()> {
            self.inner.try_encode_udf(node, buf)
        }

        fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
            self.inner.try_decode_udaf(name, buf)
        }

        fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> Result<()> {
            self.inner.try_encode_udaf(node, buf)
        }

        fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> Result<Arc<WindowUDF>> {
            self.inner.try_decode_udwf(name, buf)
        }

        fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> Result<()> {
            self.inner.try_encode_udwf(node, buf)
        }
    };
}

/// The logical codec: recording tables here, the rest through Ballista's.
#[derive(Debug, Default)]
pub struct RecordingLogicalCodec {
    inner: BallistaLogicalExtensionCodec,
}

impl LogicalExtensionCodec for RecordingLogicalCodec {
    fn try_decode(&self, buf: &[u8], inputs: &[LogicalPlan], ctx: &TaskContext) -> Result<Extension> {
        match split(buf)? {
            (TAG_BALLISTA, body) => self.inner.try_decode(body, inputs, ctx),
            _ => Err(DataFusionError::Internal(
                "arena-recordings codec: a recording table where a plan extension was expected".into(),
            )),
        }
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<()> {
        ballista_tagged(buf, |b| self.inner.try_encode(node, b))
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>> {
        match split(buf)? {
            (TAG_RECORDINGS, body) => Ok(Arc::new(decode_table(body)?)),
            (_, body) => self.inner.try_decode_table_provider(body, table_ref, schema, ctx),
        }
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        match node.downcast_ref::<RecordingTable>() {
            Some(table) => encode_table(table, buf),
            None => ballista_tagged(buf, |b| self.inner.try_encode_table_provider(table_ref, node, b)),
        }
    }

    fn try_decode_file_format(&self, buf: &[u8], ctx: &TaskContext) -> Result<Arc<dyn FileFormatFactory>> {
        match split(buf)? {
            (TAG_BALLISTA, body) => self.inner.try_decode_file_format(body, ctx),
            _ => Err(DataFusionError::Internal(
                "arena-recordings codec: a recording table where a file format was expected".into(),
            )),
        }
    }

    fn try_encode_file_format(&self, buf: &mut Vec<u8>, node: Arc<dyn FileFormatFactory>) -> Result<()> {
        ballista_tagged(buf, |b| self.inner.try_encode_file_format(b, node))
    }

    delegate_functions!();
}

/// The physical codec: recording scans here, the rest through Ballista's.
#[derive(Debug, Default)]
pub struct RecordingPhysicalCodec {
    inner: BallistaPhysicalExtensionCodec,
}

impl PhysicalExtensionCodec for RecordingPhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        match split(buf)? {
            (TAG_RECORDINGS, body) => Ok(Arc::new(decode_scan(body, inputs)?)),
            (_, body) => self.inner.try_decode(body, inputs, ctx, proto_converter),
        }
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        match node.downcast_ref::<RecordingScanExec>() {
            Some(scan) => encode_scan(scan, buf),
            None => ballista_tagged(buf, |b| self.inner.try_encode(node, b, proto_converter)),
        }
    }

    delegate_functions!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> SourceFile {
        SourceFile {
            path: path.into(),
            location: format!("/data/{path}"),
            source: "corpus".into(),
            type_hint: String::new(),
            size,
        }
    }

    #[test]
    fn a_scan_round_trips() {
        let scan = RecordingScanExec::new(
            Table::Messages,
            vec![vec![file("a.json", 3)], vec![file("b.json", 5), file("c.json", 1)]],
            Some(vec![0, 2]),
            LoadOptions::default(),
        )
        .unwrap();
        let mut buf = Vec::new();
        encode_scan(&scan, &mut buf).unwrap();
        let (tag, body) = split(&buf).unwrap();
        assert_eq!(tag, TAG_RECORDINGS);
        let marker = scan.children()[0].clone();
        let back = decode_scan(body, &[marker]).unwrap();
        assert_eq!(back.table(), Table::Messages);
        assert_eq!(back.partitions(), scan.partitions());
        assert_eq!(back.projection(), Some(&[0usize, 2][..]));
        assert_eq!(back.options(), scan.options());
    }

    #[test]
    fn a_table_round_trips() {
        let files: Arc<[SourceFile]> = vec![file("a.json", 3), file("b.yaml", 9)].into();
        let table = RecordingTable::new(Table::ToolCalls, files.clone(), LoadOptions::default());
        let mut buf = Vec::new();
        encode_table(&table, &mut buf).unwrap();
        let back = decode_table(split(&buf).unwrap().1).unwrap();
        assert_eq!(back.table(), Table::ToolCalls);
        assert_eq!(&back.files()[..], &files[..]);
    }

    #[test]
    fn foreign_or_damaged_encodings_are_errors_not_panics() {
        for bad in
            [&b""[..], b"\x07abc", b"\x01{not json", b"\x01{\"table\":\"nope\",\"files\":[],\"options\":{}}"]
        {
            let r = split(bad).and_then(|(_, body)| decode_scan(body, &[]));
            assert!(r.is_err(), "{bad:?}");
        }
    }
}
