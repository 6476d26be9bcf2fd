//! Files whose location is an object store URL are read through the store
//! registered in the session (here an in-memory one): the same rows as the
//! same files read from disk; a missing object is a row with its error.

use std::sync::Arc;

use arena_recordings::{Corpus, Registry};
use arena_recordings_sql::datafusion;
use arena_recordings_sql::{write_query, LoadOptions, OutputFormat, RecordingTable, SourceFile, Table};
use datafusion::execution::context::SessionContext;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::object_store::memory::InMemory;
use datafusion::object_store::path::Path as StorePath;
use datafusion::object_store::{ObjectStore, PutOptions, PutPayload};

fn rows(ctx: &SessionContext, query: &str) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut out = Vec::new();
    runtime.block_on(write_query(ctx, query, OutputFormat::Json, &mut out)).unwrap();
    let mut v: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_owned).collect();
    v.sort();
    v
}

fn register(ctx: &SessionContext, files: Arc<[SourceFile]>) {
    for t in Table::ALL {
        ctx.register_table(t.name(), Arc::new(RecordingTable::new(t, files.clone(), LoadOptions::default())))
            .unwrap();
    }
}

#[test]
fn object_store_locations_read_through_the_registered_store() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/sample");
    let corpus = Corpus::enumerate(&Registry::new(), &[root], "").unwrap();
    let on_disk = RecordingTable::files_of(&corpus);
    assert!(on_disk.len() > 10);

    // The same files, uploaded to a store at memory://bucket/<n>/<name>.
    let store = Arc::new(InMemory::new());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut remote: Vec<SourceFile> = Vec::new();
    for (i, f) in on_disk.iter().enumerate() {
        let name = f.path.rsplit('/').next().unwrap();
        let key = format!("{i}/{name}");
        let bytes = std::fs::read(&f.path).unwrap();
        runtime
            .block_on(store.put_opts(
                &StorePath::from(key.as_str()),
                PutPayload::from(bytes),
                PutOptions::default(),
            ))
            .unwrap();
        remote.push(SourceFile { location: format!("memory://bucket/{key}"), ..f.clone() });
    }
    // One object that is not there: a row with its error.
    let mut missing = remote[0].clone();
    missing.path = "missing.json".into();
    missing.location = "memory://bucket/no/such.json".into();
    remote.push(missing);

    let local = SessionContext::new();
    register(&local, on_disk);
    let ctx = SessionContext::new();
    let url = ObjectStoreUrl::parse("memory://bucket").unwrap();
    ctx.register_object_store(url.as_ref(), store);
    register(&ctx, remote.into());

    for q in [
        "SELECT id, format, message_count, tool_call_count, error_kind FROM recordings WHERE id <> 'missing.json'",
        "SELECT recording_id, message_index, role, content FROM messages",
        "SELECT * FROM tool_calls",
    ] {
        let want = rows(&local, q);
        assert!(!want.is_empty(), "{q}");
        assert_eq!(rows(&ctx, q), want, "{q}");
    }
    let errors = rows(&ctx, "SELECT id, error_kind, error_message FROM recordings WHERE id = 'missing.json'");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("\"error_kind\":\"io\"") && errors[0].contains("memory://bucket/no/such.json"),
        "{errors:?}"
    );

    // A scheme with no store registered is a row naming it, too.
    let ctx = SessionContext::new();
    let mut f = RecordingTable::files_of(&corpus)[0].clone();
    f.location = "s3://nowhere/a.json".into();
    register(&ctx, vec![f].into());
    let e = rows(&ctx, "SELECT error_kind, error_message FROM recordings");
    assert!(e[0].contains("no object store is registered for s3://nowhere"), "{e:?}");
}
