//! Getting a file's bytes into the loader's buffer: `read()` for most files,
//! a read-only memory map for large ones.
//!
//! simd-json parses in place (it writes unescaped strings back into its
//! input), so whatever the path, the bytes end up *copied* into the loader's
//! own padded, writable buffer. The two paths differ only in how the kernel
//! hands them over:
//!
//! * [`read_exact_or_eof`]: one `read` of the length `fstat` gave into the
//!   reused buffer (which only grows, so it is neither cleared nor zeroed per
//!   file). One copy from the page cache, no page-table work. This is the
//!   default. ([`read_into`], a `read_to_end` loop, is what the `read_path`
//!   bench measures.)
//! * [`map_into`]: a private, **read-only** mapping
//!   ([`memmap2::MmapOptions::map_copy_read_only`]) of exactly the length seen
//!   at `stat` time, copied into the buffer and unmapped at once. A shared
//!   writable mapping is never made (in-place parsing would modify the
//!   file). A *private* writable mapping parsed in place (copy-on-write: only
//!   the pages simd-json writes to would be copied) was tried for issue 15
//!   and measured 1.3x to 1.9x slower in CPU time than `read()` on whole
//!   corpora, at every file size (BENCHMARKS.md, "Levers tried"): simd-json's
//!   stage 1 over the mapped page-cache pages took 56% of the samples,
//!   against 23% over the buffer the `read()` copy leaves in the cache.
//!
//! The loader maps a file only when it is at least
//! [`DEFAULT_MMAP_THRESHOLD`] bytes long (see that constant for the
//! measurement behind the number); set the threshold to `u64::MAX` with
//! [`Loader::set_mmap_threshold`](crate::Loader::set_mmap_threshold) to never
//! map.
//!
//! # Safety contract of the mapping
//!
//! A mapped file that another process truncates while it is mapped makes
//! the next access to the vanished pages raise `SIGBUS`, which kills the
//! process: memory-safe Rust cannot turn that into an error. The defence
//! here is, in order:
//!
//! 1. map only files at or above the threshold (small files, the bulk of a
//!    corpus, never are);
//! 2. map exactly the length read by `fstat` on the open file, never more;
//! 3. after mapping and before touching a byte, `fstat` the open file again:
//!    if it is now shorter than the mapping, unmap and report an
//!    [`ErrorKind::Io`](crate::ErrorKind::Io) error ("file shrank") instead of reading;
//! 4. keep the mapping alive only for the one `memcpy` into the buffer, so
//!    parsing (the slow part) never touches it.
//!
//! **Residual risk:** a truncation that lands after step 3 and during the
//! copy of step 4 (a window of milliseconds even for a 64 MB file) still
//! raises `SIGBUS`. Files that may be truncated while being read (logs being
//! rotated, files being rewritten in place) should be loaded with mapping
//! disabled (`--no-mmap` in the CLI). Growth while mapped is harmless: only
//! the length seen at `stat` time is read.

use std::fs::File;
use std::io::{self, Read};

/// Files at least this long are read through a memory map, smaller ones
/// with `read()`.
///
/// Chosen by `benches/read_path.rs` (read() into a reused buffer against
/// mmap plus copy, 4 KiB to 64 MiB, warm page cache). See the README section
/// "Reading files: read() or mmap" for the figures.
pub const DEFAULT_MMAP_THRESHOLD: u64 = u64::MAX;

/// Appends exactly `len` bytes of `file` to `buf` with `read()`; stops early
/// (keeping what was read) if the file is shorter, ignores anything beyond.
pub fn read_into(file: &mut File, len: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(usize::try_from(len).unwrap_or(usize::MAX));
    // A file that grew since the stat is read only up to the stat length.
    file.take(len).read_to_end(buf)?;
    Ok(())
}

/// Fills `buf` from `file` with as few `read` calls as the kernel allows
/// (one, for a regular file in the page cache), stopping at the end of the
/// file; returns the number of bytes read. A file that grew since its length
/// was taken is read only up to `buf.len()`; one that shrank, up to its end.
///
/// [`read_into`] (`read_to_end`) reads in chunks that start at 8 KiB and
/// double, so it takes about log2(size / 8 KiB) + 2 calls per file; this
/// takes one.
pub fn read_exact_or_eof(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Appends exactly `len` bytes of `file` to `buf` through a private,
/// read-only memory map (see the module's safety contract).
///
/// `len` must be the length seen by `fstat` on this open file; the file is
/// checked again after mapping, and an error is returned if it has shrunk
/// below `len` in the meantime.
pub fn map_into(file: &File, len: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    if len == 0 {
        return Ok(());
    }
    let map_len =
        usize::try_from(len).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file too large"))?;
    // SAFETY: the mapping is read-only and private, so nothing we do can
    // change the file, and we never hand out a reference that outlives this
    // function. The remaining hazard is another process truncating the file
    // while it is mapped, which would make reading the vanished pages raise
    // SIGBUS; the length check right below (after mapping, before the first
    // access) turns the common case into an error, and the module doc
    // documents the residual window during the copy.
    let map = unsafe { memmap2::MmapOptions::new().len(map_len).map_copy_read_only(file)? };
    #[cfg(unix)]
    {
        // Advice only; a failure changes nothing about correctness.
        let _ = map.advise(memmap2::Advice::Sequential);
    }
    let now = file.metadata()?.len();
    if now < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("file shrank from {len} to {now} bytes while being mapped"),
        ));
    }
    buf.extend_from_slice(&map);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn both_paths_give_the_same_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (_d, path) = temp_with(&data);
        let mut a = b"keep".to_vec();
        let mut f = File::open(&path).unwrap();
        read_into(&mut f, data.len() as u64, &mut a).unwrap();
        let mut b = b"keep".to_vec();
        map_into(&File::open(&path).unwrap(), data.len() as u64, &mut b).unwrap();
        assert_eq!(&a[..4], b"keep");
        assert_eq!(&a[4..], &data[..]);
        assert_eq!(a, b);
    }

    #[test]
    fn read_stops_at_the_stat_length_when_the_file_grew() {
        let (_d, path) = temp_with(b"0123456789");
        let mut buf = Vec::new();
        read_into(&mut File::open(&path).unwrap(), 4, &mut buf).unwrap();
        assert_eq!(buf, b"0123");
    }

    #[test]
    fn truncation_before_the_copy_is_an_error_not_sigbus() {
        // The length was taken by stat, then the file was truncated before
        // the mapping was read: the re-check must refuse to touch the pages
        // (touching them would raise SIGBUS and kill this test binary).
        let data = vec![b'x'; 1 << 20];
        let (_d, path) = temp_with(&data);
        let file = File::open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(100).unwrap();
        let mut buf = Vec::new();
        let err = map_into(&file, len, &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("shrank from 1048576 to 100 bytes"), "{err}");
        assert!(buf.is_empty());
    }

    #[test]
    fn empty_file_maps_to_nothing() {
        let (_d, path) = temp_with(b"");
        let mut buf = Vec::new();
        map_into(&File::open(&path).unwrap(), 0, &mut buf).unwrap();
        assert!(buf.is_empty());
    }
}
