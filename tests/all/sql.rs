//! `sql` and `export --format parquet` (built with `--features sql`): the
//! tables against `export`'s JSON and `scan`'s counts, on the sample corpus
//! (with the invalid files) and on a generated corpus; Parquet read back;
//! failed files as rows; bad queries exit 2.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{lines, run};

/// Rows of a query as JSON objects (exit code 0 asserted).
fn sql(query: &str, sources: &[&str], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["sql", query];
    args.extend_from_slice(sources);
    args.extend_from_slice(&["--format", "json"]);
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.code, 0, "{query}: {}", o.stderr);
    lines(&o.stdout)
}

/// `export`'s JSON objects by id.
fn export(sources: &[&str]) -> BTreeMap<String, Value> {
    let mut args = vec!["export"];
    args.extend_from_slice(sources);
    let o = run(&args);
    assert!(o.code == 0 || o.code == 3, "{}", o.stderr);
    lines(&o.stdout).into_iter().map(|v| (v["id"].as_str().unwrap().to_owned(), v)).collect()
}

/// The ids `export` writes, in its order (enumeration order).
fn export_ids(sources: &[&str]) -> Vec<String> {
    let mut args = vec!["export"];
    args.extend_from_slice(sources);
    lines(&run(&args).stdout).into_iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect()
}

fn scan(sources: &[&str]) -> Value {
    let mut args = vec!["scan"];
    args.extend_from_slice(sources);
    args.extend_from_slice(&["--format", "json"]);
    let o = run(&args);
    assert!(o.code == 0 || o.code == 3, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

/// What the tables should hold for one exported reference.
#[derive(Debug, PartialEq)]
struct Expected {
    error: Option<(String, String)>,
    message_count: Option<u64>,
    roles: Vec<String>,
    contents: Vec<Option<String>>,
    tool_calls: Vec<(u64, u64, String, String, Value)>,
}

fn expected(v: &Value) -> Expected {
    if let Some(e) = v.get("error") {
        return Expected {
            error: Some((e["kind"].as_str().unwrap().into(), e["message"].as_str().unwrap().into())),
            message_count: None,
            roles: vec![],
            contents: vec![],
            tool_calls: vec![],
        };
    }
    let msgs = v["messages"].as_array().unwrap();
    let mut calls = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        for (j, c) in m.get("tool_calls").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let (id, name) = (c["id"].as_str().unwrap().to_owned(), c["name"].as_str().unwrap().to_owned());
            calls.push((i as u64, j as u64, id, name, c["args"].clone()));
        }
    }
    Expected {
        error: None,
        message_count: Some(msgs.len() as u64),
        roles: msgs.iter().map(|m| m["role"].as_str().unwrap().to_owned()).collect(),
        // Export writes the content of messages without a tool result; with
        // only text parts it is the texts joined by a space, as the table's.
        contents: msgs
            .iter()
            .map(|m| {
                let text_only = m
                    .get("parts")
                    .and_then(Value::as_array)
                    .is_none_or(|p| p.iter().all(|p| p["type"] == "text"));
                (m.get("tool_result").is_none() && text_only)
                    .then(|| m.get("content").and_then(Value::as_str).unwrap_or("").to_owned())
            })
            .collect(),
        tool_calls: calls,
    }
}

/// The tables' view of each reference, from three row sets.
fn from_tables(
    recs: &[Value],
    msgs: &[Value],
    calls: &[Value],
    texts: &BTreeMap<String, Vec<Option<String>>>,
) -> BTreeMap<String, Expected> {
    let mut out: BTreeMap<String, Expected> = BTreeMap::new();
    for r in recs {
        let error =
            r["error_kind"].as_str().map(|k| (k.to_owned(), r["error_message"].as_str().unwrap().to_owned()));
        let e = Expected {
            error,
            message_count: r["message_count"].as_u64(),
            roles: vec![],
            contents: vec![],
            tool_calls: vec![],
        };
        out.insert(r["id"].as_str().unwrap().to_owned(), e);
    }
    for m in msgs {
        let e = out.get_mut(m["recording_id"].as_str().unwrap()).expect("a message of a known recording");
        assert_eq!(m["message_index"].as_u64(), Some(e.roles.len() as u64), "messages in order");
        e.roles.push(m["role"].as_str().unwrap().to_owned());
        e.contents.push(Some(m["content"].as_str().unwrap().to_owned()));
    }
    for (id, e) in out.iter_mut() {
        // Keep the contents export has an opinion on.
        if let Some(t) = texts.get(id) {
            for (got, want) in e.contents.iter_mut().zip(t) {
                if want.is_none() {
                    *got = None;
                }
            }
        }
    }
    for c in calls {
        let e = out.get_mut(c["recording_id"].as_str().unwrap()).unwrap();
        let args: Value =
            serde_json::from_str(c["arguments"].as_str().unwrap()).unwrap_or(serde_json::json!({}));
        e.tool_calls.push((
            c["message_index"].as_u64().unwrap(),
            c["call_index"].as_u64().unwrap(),
            c["id"].as_str().unwrap().to_owned(),
            c["name"].as_str().unwrap().to_owned(),
            args,
        ));
    }
    out
}

fn check_tables_against_export(sources: &[&str], threads: &str) {
    let exported = export(sources);
    let want: BTreeMap<String, Expected> = exported.iter().map(|(k, v)| (k.clone(), expected(v))).collect();
    let texts: BTreeMap<String, Vec<Option<String>>> =
        want.iter().map(|(k, e)| (k.clone(), e.contents.clone())).collect();
    let j = ["-j", threads];
    let recs = sql("SELECT * FROM recordings ORDER BY id", sources, &j);
    let msgs = sql("SELECT * FROM messages ORDER BY recording_id, message_index", sources, &j);
    let calls = sql("SELECT * FROM tool_calls ORDER BY recording_id, message_index, call_index", sources, &j);
    assert!(want.values().any(|e| !e.tool_calls.is_empty()), "the corpus has tool calls");
    assert!(want.values().any(|e| e.contents.iter().any(|c| c.as_deref().is_some_and(|c| !c.is_empty()))));
    let got = from_tables(&recs, &msgs, &calls, &texts);
    assert_eq!(got.len(), want.len());
    for (id, w) in &want {
        assert_eq!(got.get(id), Some(w), "{id}");
    }
    // Columns of recordings that export also writes.
    for r in &recs {
        let e = &exported[r["id"].as_str().unwrap()];
        assert_eq!(r["source"], e["source"]);
        assert_eq!(r["type_hint"], e["type_hint"]);
        if let Some(err) = e.get("error") {
            for k in ["line", "column", "offset"] {
                assert_eq!(r[format!("error_{k}")], err[k], "{} error_{k}", r["id"]);
            }
        } else {
            let md = &e["metadata"];
            assert_eq!(r["session_id"].as_str().unwrap_or(""), md["session_id"].as_str().unwrap_or(""));
            let tags = md.get("tags").cloned().filter(|t| !t.is_null()).unwrap_or(serde_json::json!([]));
            assert_eq!(r["tags"], tags, "{} tags", r["id"]);
        }
    }
}

#[test]
fn tables_equal_the_export_on_the_sample_and_invalid_corpus() {
    check_tables_against_export(&["corpus/sample", "corpus/invalid"], "2");
}

#[test]
fn tables_equal_the_export_on_a_generated_corpus() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("gen");
    let o = run(&["generate", dir.to_str().unwrap(), "--files", "40", "--seed", "9", "--media-kb", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::write(dir.join("broken.recording.json"), "{\"events\": [\n  {\"type\": \"message\",\n").unwrap();
    check_tables_against_export(&[dir.to_str().unwrap()], "1");
    check_tables_against_export(&[dir.to_str().unwrap()], "2");
}

#[test]
fn counts_equal_scan() {
    let src = ["corpus/sample", "corpus/invalid"];
    let s = scan(&src);
    let r = &sql(
        "SELECT count(*) AS files, count(error_kind) AS failed, sum(message_count) AS messages, \
         sum(tool_call_count) AS calls, sum(bytes) AS bytes FROM recordings",
        &src,
        &[],
    )[0];
    assert_eq!(r["files"], s["recordings"]);
    assert_eq!(r["failed"], s["failed"]);
    assert_eq!(r["messages"], s["messages"]);
    assert_eq!(r["calls"], s["tool_calls"]);
    assert_eq!(r["bytes"], s["bytes"]);
    let n = |q: &str| sql(q, &src, &[])[0]["n"].as_u64().unwrap();
    assert_eq!(Some(n("SELECT count(*) AS n FROM messages")), s["messages"].as_u64());
    assert_eq!(Some(n("SELECT count(*) AS n FROM tool_calls")), s["tool_calls"].as_u64());
    assert_eq!(Some(n("SELECT count(*) AS n FROM recordings")), s["recordings"].as_u64());
    let roles =
        sql("SELECT role, count(*) AS n FROM messages GROUP BY role ORDER BY role", &src, &["-j", "1"]);
    let by_role: serde_json::Map<String, Value> =
        roles.iter().map(|r| (r["role"].as_str().unwrap().to_owned(), r["n"].clone())).collect();
    assert_eq!(Value::Object(by_role), s["messages_by_role"]);
}

#[test]
fn failed_files_are_rows_not_failed_queries() {
    let rows = sql(
        "SELECT id, error_kind, error_message, message_count FROM recordings WHERE error_kind IS NOT NULL ORDER BY id",
        &["corpus/invalid"],
        &[],
    );
    let s = scan(&["corpus/invalid"]);
    assert_eq!(Some(rows.len() as u64), s["failed"].as_u64());
    assert!(rows.len() >= 10);
    for r in &rows {
        // corpus/invalid names each file after the kind it fails with.
        let base = r["id"].as_str().unwrap().rsplit('/').next().unwrap();
        let kind = r["error_kind"].as_str().unwrap();
        assert!(base.starts_with(kind), "{base}: {kind}");
        assert!(!r["error_message"].as_str().unwrap().is_empty());
        assert!(r["message_count"].is_null());
    }
}

#[test]
fn filters_on_the_file_prune_and_still_filter() {
    let src = ["corpus/sample"];
    let all = sql(
        "SELECT recording_id, count(*) AS n FROM messages GROUP BY recording_id ORDER BY recording_id",
        &src,
        &[],
    );
    let pick = all[all.len() / 2]["recording_id"].as_str().unwrap().to_owned();
    let q = format!("SELECT count(*) AS n FROM messages WHERE recording_id = '{pick}'");
    assert_eq!(sql(&q, &src, &[])[0]["n"], all[all.len() / 2]["n"]);
    let q =
        format!("SELECT count(*) AS n FROM recordings WHERE id IN ('{pick}', 'nope') AND message_count >= 0");
    assert_eq!(sql(&q, &src, &[])[0]["n"], 1);
    // Every recording of a file of many, picked by its fragment id (its file is kept).
    for row in all.iter().filter(|r| r["recording_id"].as_str().is_some_and(|id| id.contains('#'))) {
        let id = row["recording_id"].as_str().unwrap();
        let q = format!("SELECT count(*) AS n FROM messages WHERE recording_id = '{id}'");
        assert_eq!(sql(&q, &src, &[])[0]["n"], row["n"], "{id}");
    }
    assert!(all.iter().any(|r| r["recording_id"].as_str().is_some_and(|id| id.contains("#L"))));
}

#[test]
fn output_formats() {
    let src = ["corpus/sample/session"];
    let q = "SELECT role, count(*) AS n FROM messages GROUP BY role ORDER BY role";
    let json = sql(q, &src, &[]);
    let csv = run(&["sql", q, src[0], "--format", "csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut want = String::from("role,n\n");
    for r in &json {
        want.push_str(&format!("{},{}\n", r["role"].as_str().unwrap(), r["n"]));
    }
    assert_eq!(csv.stdout, want);
    let table = run(&["sql", q, src[0]]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("| role"), "{}", table.stdout);
    for r in &json {
        assert!(table.stdout.contains(r["role"].as_str().unwrap()));
    }
    // An empty result still has a CSV header.
    let empty = run(&["sql", "SELECT id FROM recordings WHERE false", src[0], "--format", "csv"]);
    assert_eq!((empty.code, empty.stdout.as_str()), (0, "id\n"));
}

#[test]
fn bad_queries_exit_2_with_a_message() {
    for q in ["SELEC 1", "SELECT nope FROM recordings", "SELECT * FROM nosuch"] {
        let o = run(&["sql", q, "corpus/sample"]);
        assert_eq!(o.code, 2, "{q}: {}", o.stderr);
        assert!(o.stderr.starts_with("error: query failed: "), "{}", o.stderr);
        assert!(o.stdout.is_empty());
    }
    let o = run(&["sql", "SELECT 1", "corpus/no-such-dir"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn parquet_export_reads_back_equal_to_the_json_export() {
    use arena_recordings_arrow::arrow_array::cast::AsArray;
    use arena_recordings_arrow::arrow_array::types::Int64Type;
    use arena_recordings_arrow::arrow_array::{Array, RecordBatch};
    use arena_recordings_arrow::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let src = ["corpus/sample", "corpus/invalid"];
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("pq");
    let mut args = vec!["export", "--format", "parquet", "-o", out.to_str().unwrap(), "-j", "2"];
    args.extend_from_slice(&src);
    let o = run(&args);
    assert_eq!(o.code, 3, "some invalid files fail: {}", o.stderr);
    let read = |name: &str| -> Vec<BTreeMap<String, Value>> {
        let f = std::fs::File::open(out.join(format!("{name}.parquet"))).unwrap();
        let batches: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut rows = Vec::new();
        for b in &batches {
            for i in 0..b.num_rows() {
                let mut row = BTreeMap::new();
                for (field, col) in b.schema().fields().iter().zip(b.columns()) {
                    let v = if col.is_null(i) {
                        Value::Null
                    } else if let Some(a) = col.as_string_opt::<i32>() {
                        Value::from(a.value(i))
                    } else if let Some(a) = col.as_primitive_opt::<Int64Type>() {
                        Value::from(a.value(i))
                    } else if let Some(a) = col.as_list_opt::<i32>() {
                        let items = a.value(i);
                        let s = items.as_string::<i32>();
                        Value::from((0..s.len()).map(|k| s.value(k).to_owned()).collect::<Vec<_>>())
                    } else {
                        continue; // timestamps and floats: checked in the arrow crate's tests
                    };
                    row.insert(field.name().clone(), v);
                }
                rows.push(row);
            }
        }
        rows
    };
    let to_values = |rows: Vec<BTreeMap<String, Value>>| -> Vec<Value> {
        rows.into_iter().map(|r| Value::Object(r.into_iter().collect())).collect()
    };
    let recs = to_values(read("recordings"));
    let msgs = to_values(read("messages"));
    let calls = to_values(read("tool_calls"));
    let exported = export(&src);
    let want: BTreeMap<String, Expected> = exported.iter().map(|(k, v)| (k.clone(), expected(v))).collect();
    let texts = want.iter().map(|(k, e)| (k.clone(), e.contents.clone())).collect();
    // Enumeration order in the files, as export's.
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, export_ids(&src));
    let got = from_tables(&recs, &msgs, &calls, &texts);
    for (id, w) in &want {
        assert_eq!(got.get(id), Some(w), "{id}");
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn parquet_export_needs_an_output_directory() {
    let o = run(&["export", "--format", "parquet", "corpus/sample"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("-o DIR"), "{}", o.stderr);
}

#[test]
fn thread_count_does_not_change_answers() {
    let src = ["corpus/sample", "corpus/invalid"];
    let q = "SELECT r.format, m.role, count(*) AS n, sum(length(m.content)) AS chars \
             FROM messages m JOIN recordings r ON r.id = m.recording_id GROUP BY 1, 2 ORDER BY 1, 2";
    assert_eq!(sql(q, &src, &["-j", "1"]), sql(q, &src, &["-j", "2"]));
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sample").is_dir());
}
