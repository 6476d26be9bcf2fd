//! read() into a reused buffer against a read-only mmap copied into it, for
//! file sizes from 4 KiB to 64 MiB (warm page cache), to choose
//! `input::read::DEFAULT_MMAP_THRESHOLD`.
//!
//! Each iteration opens the file, stats it and appends its bytes to a buffer
//! that is reused across iterations (as a corpus worker does).
//!
//! `cargo bench --bench read_path -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::fs::File;
use std::hint::black_box;
use std::io::Write;

use arena_recordings::read::{map_into, read_into};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const SIZES: &[(u64, &str)] = &[
    (4 << 10, "4KiB"),
    (64 << 10, "64KiB"),
    (1 << 20, "1MiB"),
    (4 << 20, "4MiB"),
    (16 << 20, "16MiB"),
    (64 << 20, "64MiB"),
];

fn read_path(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("read_path");
    for &(size, name) in SIZES {
        let path = dir.path().join(name);
        let chunk: Vec<u8> = (0..1 << 16).map(|i: u32| b' ' + (i % 90) as u8).collect();
        let mut f = File::create(&path).expect("create");
        let mut left = size as usize;
        while left > 0 {
            let n = left.min(chunk.len());
            f.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
        drop(f);
        group.throughput(Throughput::Bytes(size));
        let mut buf: Vec<u8> = Vec::with_capacity(size as usize);
        group.bench_with_input(BenchmarkId::new("read", name), &path, |b, p| {
            b.iter(|| {
                buf.clear();
                let mut file = File::open(p).expect("open");
                let len = file.metadata().expect("stat").len();
                read_into(&mut file, len, &mut buf).expect("read");
                assert_eq!(buf.len() as u64, size);
                black_box(&buf);
            })
        });
        group.bench_with_input(BenchmarkId::new("mmap_copy", name), &path, |b, p| {
            b.iter(|| {
                buf.clear();
                let file = File::open(p).expect("open");
                let len = file.metadata().expect("stat").len();
                map_into(&file, len, &mut buf).expect("map");
                assert_eq!(buf.len() as u64, size);
                black_box(&buf);
            })
        });
        group.bench_with_input(BenchmarkId::new("mmap_populate_copy", name), &path, |b, p| {
            b.iter(|| {
                buf.clear();
                let file = File::open(p).expect("open");
                let len = file.metadata().expect("stat").len();
                // SAFETY: a private read-only map of a temp file nobody else touches.
                let map = unsafe {
                    memmap2::MmapOptions::new().len(len as usize).populate().map_copy_read_only(&file)
                }
                .expect("map");
                buf.extend_from_slice(&map);
                assert_eq!(buf.len() as u64, size);
                black_box(&buf);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, read_path);
criterion_main!(benches);
