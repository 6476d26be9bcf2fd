//! The tables against the loaded model, projections, batch cuts, and Parquet
//! written and read back.

use std::path::Path;

use arena_recordings::{Corpus, Loader, Registry, RunOptions};
use arena_recordings_arrow::{ParquetSink, Table, TableBuilder, Tables};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampNanosecondType};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn corpus(dirs: &[&str]) -> Corpus {
    let sources: Vec<String> = dirs.iter().map(|d| root().join(d).to_string_lossy().into_owned()).collect();
    Corpus::enumerate(&Registry::new(), &sources, "").unwrap()
}

/// Every file of the corpus through one builder set (sequentially).
fn build(c: &Corpus) -> [Vec<RecordBatch>; 3] {
    let mut tables = Tables::default();
    let mut loader = Loader::new();
    for e in c.entries() {
        let mut size = e.size();
        e.load_each(&mut loader, |piece, result| {
            tables.push(&e.reference().for_piece(piece), size, &result);
            size = 0;
        });
    }
    tables.finish()
}

fn col<'b>(b: &'b RecordBatch, name: &str) -> &'b dyn Array {
    b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}")).as_ref()
}

fn strs(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    batches
        .iter()
        .flat_map(|b| {
            let a = col(b, name).as_string::<i32>();
            (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i).to_owned())).collect::<Vec<_>>()
        })
        .collect()
}

fn ints(batches: &[RecordBatch], name: &str) -> Vec<Option<i64>> {
    batches
        .iter()
        .flat_map(|b| {
            let a = col(b, name).as_primitive::<Int64Type>();
            (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn rows_are_the_loaded_model() {
    let c = corpus(&["corpus/sample", "corpus/invalid"]);
    let [recs, msgs, calls] = build(&c);
    let mut loader = Loader::new();
    let (mut exp_ids, mut exp_kinds, mut exp_counts) = (Vec::new(), Vec::new(), Vec::new());
    let (mut exp_msg, mut exp_calls) = (Vec::new(), Vec::new());
    for e in c.entries() {
        e.load_each(&mut loader, |piece, result| {
            let id = e.reference().for_piece(piece).id.clone();
            exp_ids.push(Some(id.clone()));
            match result {
                Ok(rec) => {
                    exp_kinds.push(None);
                    exp_counts.push(Some(rec.messages.len() as i64));
                    for (i, m) in rec.messages.iter().enumerate() {
                        exp_msg.push((id.clone(), i as i64, m.role.to_owned()));
                        for (j, t) in m.tool_calls.iter().enumerate() {
                            exp_calls.push((
                                id.clone(),
                                i as i64,
                                j as i64,
                                t.name.to_owned(),
                                t.args.as_str().to_owned(),
                            ));
                        }
                    }
                }
                Err(err) => {
                    exp_kinds.push(Some(err.kind().as_str().to_owned()));
                    exp_counts.push(None);
                }
            }
        });
    }
    assert!(exp_kinds.iter().filter(|k| k.is_some()).count() >= 10, "the invalid corpus fails");
    assert!(!exp_calls.is_empty(), "the sample corpus has tool calls");
    assert_eq!(strs(&recs, "id"), exp_ids);
    assert_eq!(strs(&recs, "error_kind"), exp_kinds);
    assert_eq!(ints(&recs, "message_count"), exp_counts);
    for (kind, msg) in strs(&recs, "error_kind").iter().zip(strs(&recs, "error_message")) {
        assert_eq!(kind.is_some(), msg.as_deref().is_some_and(|m| !m.is_empty()));
    }
    let got_msg: Vec<(String, i64, String)> = strs(&msgs, "recording_id")
        .into_iter()
        .zip(ints(&msgs, "message_index"))
        .zip(strs(&msgs, "role"))
        .map(|((a, b), c)| (a.unwrap(), b.unwrap(), c.unwrap()))
        .collect();
    assert_eq!(got_msg, exp_msg);
    let got_calls: Vec<_> = strs(&calls, "recording_id")
        .into_iter()
        .zip(ints(&calls, "message_index"))
        .zip(ints(&calls, "call_index"))
        .zip(strs(&calls, "name"))
        .zip(strs(&calls, "arguments"))
        .map(|((((a, b), c), d), e)| (a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap(), e.unwrap()))
        .collect();
    assert_eq!(got_calls, exp_calls);
    // tool_call_count per recording = rows of tool_calls per recording.
    let per_rec: i64 = ints(&recs, "tool_call_count").into_iter().flatten().sum();
    assert_eq!(per_rec as usize, exp_calls.len());
}

#[test]
fn content_and_timestamps() {
    let c = corpus(&["corpus/sample/session"]);
    let [_, msgs, _] = build(&c);
    let mut loader = Loader::new();
    let mut expected = Vec::new();
    for e in c.entries() {
        let rec = e.load(&mut loader).unwrap();
        // (sessions: one recording per file)
        for m in rec.messages {
            let content = if m.content.is_empty() {
                m.parts
                    .iter()
                    .filter(|p| p.kind == "text")
                    .filter_map(|p| p.text)
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                m.content.to_owned()
            };
            let ts = (!m.timestamp.is_zero()).then(|| i64::try_from(m.timestamp.unix_nanos()).unwrap());
            expected.push((content, ts));
        }
    }
    let contents = strs(&msgs, "content");
    let times: Vec<Option<i64>> = msgs
        .iter()
        .flat_map(|b| {
            let a = col(b, "timestamp").as_primitive::<TimestampNanosecondType>();
            (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))).collect::<Vec<_>>()
        })
        .collect();
    let got: Vec<_> = contents.into_iter().map(Option::unwrap).zip(times).collect();
    assert_eq!(got, expected);
    assert!(got.iter().any(|(_, t)| t.is_some()), "sessions carry timestamps");
}

#[test]
fn projections_build_only_what_is_asked() {
    let c = corpus(&["corpus/sample"]);
    let mut loader = Loader::new();
    let mut count = TableBuilder::new(Table::Messages, Some(&[]));
    let mut two = TableBuilder::new(Table::Messages, Some(&[2, 0]));
    let mut total = 0;
    for e in c.entries() {
        e.load_each(&mut loader, |piece, r| {
            total += r.as_ref().map_or(0, |r| r.messages.len());
            count.push(&e.reference().for_piece(piece), e.size(), &r);
            two.push(&e.reference().for_piece(piece), e.size(), &r);
        });
    }
    let count = count.finish();
    assert_eq!(count.iter().map(RecordBatch::num_rows).sum::<usize>(), total);
    assert!(count.iter().all(|b| b.num_columns() == 0));
    let two = two.finish();
    let names: Vec<&str> = two[0].schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["role", "recording_id"]);
    assert_eq!(two.iter().map(RecordBatch::num_rows).sum::<usize>(), total);
}

#[test]
fn batches_are_cut_at_the_row_budget() {
    let c = corpus(&["corpus/sample"]);
    let mut loader = Loader::new();
    let mut small = TableBuilder::new(Table::Messages, None).with_batch_rows(3);
    let mut rows = 0;
    for e in c.entries() {
        e.load_each(&mut loader, |piece, r| {
            small.push(&e.reference().for_piece(piece), e.size(), &r);
            rows += r.as_ref().map_or(0, |r| r.messages.len());
        });
    }
    let batches = small.finish();
    assert!(batches.len() >= rows / 3);
    assert!(batches.iter().all(|b| b.num_rows() <= 3 && b.num_rows() > 0));
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), rows);
}

#[test]
fn parquet_reads_back_equal() {
    let c = corpus(&["corpus/sample", "corpus/invalid"]);
    let built = build(&c);
    let dir = tempfile::tempdir().unwrap();
    let mut sink = ParquetSink::create(&dir.path().join("out")).unwrap();
    for (t, list) in Table::ALL.into_iter().zip(&built) {
        for b in list {
            sink.write(t, b).unwrap();
        }
    }
    sink.close().unwrap();
    for (t, list) in Table::ALL.into_iter().zip(&built) {
        let f = std::fs::File::open(dir.path().join("out").join(format!("{}.parquet", t.name()))).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
        let back: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
        assert!(back.iter().all(|b| b.schema() == t.schema()), "{}", t.name());
        let a = arrow_select_concat(list);
        let b = arrow_select_concat(&back);
        assert!(!a.is_empty(), "{}", t.name());
        assert_eq!(a, b, "{}", t.name());
    }
}

#[test]
fn small_batches_are_gathered_and_read_back_in_order() {
    // One-row batches, more than COALESCE_ROWS of them, interleaved across
    // the tables as the corpus hands them over.
    let c = corpus(&["corpus/sample"]);
    let built = build(&c);
    let one_row: Vec<Vec<RecordBatch>> = built
        .iter()
        .map(|list| list.iter().flat_map(|b| (0..b.num_rows()).map(move |r| b.slice(r, 1))).collect())
        .collect();
    let messages = &one_row[Table::Messages as usize];
    let rounds = arena_recordings_arrow::COALESCE_ROWS / messages.len() + 2;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = ParquetSink::create(dir.path()).unwrap();
    let mut expected: Vec<Vec<RecordBatch>> = vec![Vec::new(); 3];
    for _ in 0..rounds {
        for (t, list) in Table::ALL.into_iter().zip(&one_row) {
            for b in list {
                sink.write(t, b).unwrap();
                expected[t as usize].push(b.clone());
            }
        }
    }
    sink.close().unwrap();
    for t in Table::ALL {
        let f = std::fs::File::open(dir.path().join(format!("{}.parquet", t.name()))).unwrap();
        let back: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let want = arrow_select_concat(&expected[t as usize]);
        assert!(t != Table::Messages || want.len() > arena_recordings_arrow::COALESCE_ROWS);
        assert_eq!(arrow_select_concat(&back), want, "{}", t.name());
    }
}

/// One batch of all rows (compared column by column).
fn arrow_select_concat(list: &[RecordBatch]) -> Vec<Vec<String>> {
    use arrow_array::Array as _;
    let mut out = Vec::new();
    for b in list {
        for r in 0..b.num_rows() {
            let row: Vec<String> = b
                .columns()
                .iter()
                .map(|c| if c.is_null(r) { "∅".to_owned() } else { format!("{:?}", c.slice(r, 1)) })
                .collect();
            out.push(row);
        }
    }
    out
}

#[test]
fn run_options_are_irrelevant_to_rows() {
    // Building on the corpus workers (as `export --format parquet` does) gives the same rows.
    let c = corpus(&["corpus/sample"]);
    let seq = build(&c);
    let opts = RunOptions { threads: 2, ..RunOptions::default() };
    let mut par: [Vec<RecordBatch>; 3] = Default::default();
    c.map_ordered(
        &opts,
        |v| {
            let mut t = Tables::default();
            t.push(&v.reference(), v.size(), &v.result);
            t.finish()
        },
        |_, got| -> Result<(), ()> {
            for (acc, list) in par.iter_mut().zip(got) {
                acc.extend(list);
            }
            Ok(())
        },
    )
    .unwrap();
    for i in 0..3 {
        assert_eq!(arrow_select_concat(&seq[i]), arrow_select_concat(&par[i]));
    }
}

#[test]
fn table_stream_gives_the_same_rows_in_batches_of_the_row_budget() {
    use arena_recordings_arrow::{TableStream, BATCH_ROWS};
    use arrow_array::RecordBatchReader;
    // Many small files: one tiny batch each, gathered into full batches.
    let dir = tempfile::tempdir().unwrap();
    arena_recordings_generate::generate(
        dir.path(),
        &arena_recordings_generate::GenerateOptions {
            files: 300,
            seed: 5,
            media_kb: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let c = Corpus::enumerate(&Registry::new(), &[dir.path().to_str().unwrap()], "").unwrap();
    let seq = build(&c);
    for (i, table) in Table::ALL.into_iter().enumerate() {
        let opts = RunOptions { threads: 2, ..RunOptions::default() };
        let stream = TableStream::new(c.clone(), opts, table).unwrap();
        assert_eq!(stream.schema(), table.schema());
        let got: Vec<RecordBatch> = stream.map(|b| b.unwrap()).collect();
        assert_eq!(arrow_select_concat(&got), arrow_select_concat(&seq[i]), "{}", table.name());
        let rows: usize = got.iter().map(|b| b.num_rows()).sum();
        let want_rows: usize = seq[i].iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, want_rows);
        // The files' small batches are gathered: every batch but the last is full.
        assert_eq!(got.len(), rows.div_ceil(BATCH_ROWS), "{}", table.name());
        if let Some((_, init)) = got.split_last() {
            assert!(init.iter().all(|b| b.num_rows() == BATCH_ROWS), "{}", table.name());
        }
    }
    // Failed files are recordings rows with their error, as everywhere.
    let bad = corpus(&["corpus/invalid"]);
    let got: Vec<RecordBatch> = TableStream::new(bad.clone(), RunOptions::default(), Table::Recordings)
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    let kinds = strs(&got, "error_kind");
    assert_eq!(kinds.len(), bad.len());
    assert!(kinds.iter().all(|k| k.is_some()));
}
