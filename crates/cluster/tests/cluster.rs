//! An in-process cluster (one scheduler, two executors on ephemeral ports)
//! answers as the local `sql` does, with the work spread over both executors.

use std::net::TcpListener as StdListener;
use std::path::Path;
use std::time::Duration;

use arena_recordings::{Corpus, Registry};
use arena_recordings_cluster::{
    bind, connect, run_executor, run_scheduler, scheduler_of_url, ClusterError, ExecutorOptions,
    SchedulerOptions,
};
use arena_recordings_sql::{run_query, write_query, LoadOptions, OutputFormat, QueryOptions};

/// Rows (JSON Lines) of a local query, sorted.
fn local(query: &str, corpus: &Corpus) -> Vec<String> {
    let mut out = Vec::new();
    let opts = QueryOptions { threads: 2, load: LoadOptions::default() };
    run_query(query, corpus, &opts, OutputFormat::Json, &mut out).unwrap_or_else(|e| panic!("{query}: {e}"));
    sorted(out)
}

fn sorted(out: Vec<u8>) -> Vec<String> {
    let mut rows: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_owned).collect();
    rows.sort();
    rows
}

/// Files under `dir`, recursively.
fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A corpus of generated recordings of every format, a file of many
/// recordings and a corrupt one.
fn corpus(dir: &Path) -> Corpus {
    let opts = arena_recordings_generate::GenerateOptions {
        files: 120,
        seed: 11,
        media_kb: 1,
        ..Default::default()
    };
    arena_recordings_generate::generate(dir, &opts).unwrap();
    std::fs::write(
        dir.join("broken.recording.json"),
        b"{\"session_id\": \"s\", \"events\": [\n  {\"type\": ",
    )
    .unwrap();
    let mut lines = String::new();
    for i in 0..5 {
        lines.push_str(&format!(
            "{{\"messages\":[{{\"role\":\"user\",\"content\":\"q{i}\"}},{{\"role\":\"assistant\",\"content\":\"a{i}\"}}]}}\n"
        ));
    }
    lines.push_str("{\"messages\": [oops]}\n");
    std::fs::write(dir.join("chat.jsonl"), lines).unwrap();
    Corpus::enumerate(&Registry::new(), &[dir.to_str().unwrap()], "").unwrap()
}

const QUERIES: &[&str] = &[
    // Aggregates.
    "SELECT count(*) AS n, sum(message_count) AS messages, sum(bytes) AS bytes FROM recordings",
    "SELECT role, count(*) AS n, sum(length(content)) AS chars FROM messages GROUP BY role",
    "SELECT format, count(*) AS n, avg(message_count) AS avg_messages FROM recordings GROUP BY format",
    // Filters.
    "SELECT id, message_count, tool_call_count FROM recordings WHERE message_count > 6",
    "SELECT recording_id, message_index, role FROM messages WHERE role = 'tool'",
    "SELECT id, error_kind, error_message, error_line, error_column, error_offset FROM recordings \
     WHERE error_kind IS NOT NULL",
    // Joins over the three tables.
    "SELECT r.format, count(*) AS calls FROM recordings r JOIN tool_calls t ON t.recording_id = r.id GROUP BY r.format",
    "SELECT m.role, t.name, count(*) AS n FROM messages m JOIN tool_calls t \
     ON t.recording_id = m.recording_id AND t.message_index = m.message_index GROUP BY m.role, t.name",
    // Whole tables.
    "SELECT * FROM tool_calls",
    "SELECT recording_id, message_index, role, content FROM messages",
];

#[test]
fn an_in_process_cluster_answers_as_the_local_sql_with_both_executors_working() {
    let data = tempfile::tempdir().unwrap();
    let corpus = corpus(data.path());
    let want: Vec<Vec<String>> = QUERIES.iter().map(|q| local(q, &corpus)).collect();
    assert!(want[5].len() >= 2, "the corrupt file and the bad line are rows: {:?}", want[5]);
    assert!(!want[6].is_empty() && !want[8].is_empty(), "the corpus has tool calls");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let work: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let got = runtime.block_on(async {
        let listener = bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { run_scheduler(listener, &SchedulerOptions::default()).await });
        for dir in &work {
            let options = ExecutorOptions {
                scheduler: ("127.0.0.1".into(), port),
                bind: ("127.0.0.1".into(), free_port()),
                external_host: None,
                slots: 1,
                work_dir: Some(dir.path().to_owned()),
            };
            tokio::spawn(async move { run_executor(&options).await });
        }
        let scheduler = scheduler_of_url(&format!("df://127.0.0.1:{port}")).unwrap();
        let ctx = connect(&scheduler, &corpus, 4, LoadOptions::default()).await.unwrap();
        let mut got = Vec::new();
        for q in QUERIES {
            let mut out = Vec::new();
            let run = write_query(&ctx, q, OutputFormat::Json, &mut out);
            tokio::time::timeout(Duration::from_secs(120), run)
                .await
                .unwrap_or_else(|_| panic!("{q}: no answer within 120 s"))
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            got.push(sorted(out));
        }
        got
    });
    for (i, q) in QUERIES.iter().enumerate() {
        assert_eq!(got[i], want[i], "{q}");
    }
    for (i, dir) in work.iter().enumerate() {
        assert!(files_under(dir.path()) > 0, "executor {i} wrote no shuffle data: it did no work");
    }
    runtime.shutdown_background();
}

#[test]
fn an_unreachable_scheduler_is_an_error_naming_its_address() {
    let port = free_port(); // nothing listens there once the probe is dropped
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("a.jsonl"), "{\"messages\":[]}\n").unwrap();
    let corpus = Corpus::enumerate(&Registry::new(), &[data.path().to_str().unwrap()], "").unwrap();
    let mut out = Vec::new();
    let url = format!("df://127.0.0.1:{port}");
    let r = arena_recordings_cluster::run_query(
        &url,
        "SELECT 1",
        &corpus,
        2,
        LoadOptions::default(),
        OutputFormat::Json,
        &mut out,
    );
    match r {
        Err(e @ ClusterError::Unreachable { .. }) => {
            assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}")
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(out.is_empty());
}

#[test]
fn a_wildcard_bind_advertises_a_host_name() {
    assert_eq!(arena_recordings_cluster::advertised_host("10.0.0.7"), "10.0.0.7");
    assert_eq!(arena_recordings_cluster::advertised_host("node-3"), "node-3");
    for wildcard in ["0.0.0.0", "::"] {
        let h = arena_recordings_cluster::advertised_host(wildcard);
        assert!(!h.is_empty() && h != wildcard, "{wildcard} -> {h}");
    }
}

#[test]
fn addresses_are_checked() {
    assert_eq!(scheduler_of_url("df://h:50050").unwrap(), ("h".into(), 50050));
    assert_eq!(scheduler_of_url("h:1").unwrap(), ("h".into(), 1));
    for bad in ["http://h:1", "df://h", "df://:1", "df://h:99999", "df://h:x"] {
        let e = scheduler_of_url(bad).unwrap_err();
        assert!(matches!(e, ClusterError::Usage(_)), "{bad}: {e}");
        assert!(e.to_string().contains("HOST:PORT"), "{bad}: {e}");
    }
}
