//! Where the time of a `TableStream` goes (a measurement aid):
//! `cargo run --release -p arena-recordings-arrow --example stream_cost -- DIR [THREADS]`
//! prints the median of 7 runs of: the corpus loaded only (as `scan`), each
//! file's rows built on the workers (no hand-off), the same handed to the
//! ordering thread (`map_ordered`), and the whole `TableStream`.

use std::time::Instant;

use arena_recordings::{Corpus, Registry, RunOptions};
use arena_recordings_arrow::{Table, TableBuilder, TableStream};

fn median(mut f: impl FnMut()) -> f64 {
    f();
    let mut xs: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs[3]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: stream_cost DIR [THREADS]");
        std::process::exit(2);
    };
    let threads = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(1);
    let corpus = match Corpus::enumerate(&Registry::new(), &[dir.as_str()], "") {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let opts = RunOptions { threads, ..RunOptions::default() };
    let load = median(|| {
        corpus.for_each(&opts, |_| {});
    });
    println!("load only            {load:.4} s");
    let handoff = median(|| {
        let _ = corpus.map_ordered(
            &opts,
            |v| v.index,
            |_, i| -> Result<(), ()> {
                std::hint::black_box(i);
                Ok(())
            },
        );
    });
    println!("ordered, no rows     {handoff:.4} s");
    for table in Table::ALL {
        let build = median(|| {
            corpus.fold(
                &opts,
                || TableBuilder::new(table, None),
                |b, v| {
                    b.push(&v.reference(), v.size(), &v.result);
                    std::hint::black_box(b.finish());
                },
            );
        });
        let ordered = median(|| {
            let _ = corpus.map_ordered(
                &opts,
                |v| {
                    let mut b = TableBuilder::new(table, None);
                    b.push(&v.reference(), v.size(), &v.result);
                    b.finish()
                },
                |_, batches| -> Result<(), ()> {
                    std::hint::black_box(batches);
                    Ok(())
                },
            );
        });
        let stream = median(|| {
            let s = TableStream::new(corpus.clone(), opts, table).expect("start");
            for b in s {
                std::hint::black_box(b.expect("batch"));
            }
        });
        println!(
            "{:<12} build {build:.4} s   + ordered hand-off {ordered:.4} s   TableStream {stream:.4} s",
            table.name()
        );
    }
}
