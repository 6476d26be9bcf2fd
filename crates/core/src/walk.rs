//! Finding files: the one glob expansion and the one directory walk, used
//! by both [`enumerate_files`](crate::enumerate_files) (the Go API) and
//! [`Corpus::enumerate`](crate::Corpus::enumerate) (the CLI), so a pattern
//! means the same files whatever the entry point.
//!
//! The rules, as Go's `filepath.Glob` plus `EnumerateFiles`:
//!
//! * `*`, `?` and `[...]` match within one path element; `**` (an element of
//!   its own) matches any number of directories; matching is case-sensitive;
//!   names starting with `.` match wildcards (Go has no hidden-file rule).
//! * The `.` and `..` entries are never matched by a wildcard (Go lists names
//!   with `ReadDir`, which has neither); the `glob` crate would let `.*`
//!   match them, so such elements are rewritten (see [`without_dot_entries`]).
//! * Only files are returned, never directories. A broken symbolic link *is*
//!   returned (its load then reports the error) rather than dropped.
//! * Results are sorted.
//!
//! Directory walks (a directory given as a source to the corpus) recurse in
//! sorted order, skip names starting with `.`, and keep the files the
//! caller's `claim` accepts; a link to a directory is not descended into.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// One file found, with its size (0 for a broken link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The path, as the pattern or directory spelled its start.
    pub(crate) path: PathBuf,
    /// Size in bytes at the time of the walk.
    pub(crate) size: u64,
}

/// Whether `source` is a glob pattern (contains `*`, `?` or `[`).
pub fn is_glob_pattern(source: &str) -> bool {
    source.contains(['*', '?', '['])
}

/// Expands `pattern` into the files it matches (appended to `found`, in
/// sorted order). Directories that cannot be read are reported in `errors`
/// and the walk goes on; an invalid pattern is an error.
pub(crate) fn glob(pattern: &str, found: &mut Vec<Found>, errors: &mut Vec<Error>) -> Result<()> {
    let opts = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let paths = glob::glob_with(&without_dot_entries(pattern), opts)
        .map_err(|e| Error::new(ErrorKind::Glob, format!("invalid glob pattern: {pattern}: {e}")))?;
    for entry in paths {
        match entry {
            Ok(path) => {
                if let Some(f) = file(path) {
                    found.push(f);
                }
            }
            Err(e) => {
                let p = e.path().to_path_buf();
                errors.push(Error::io(&p, std::io::Error::from(e)));
            }
        }
    }
    Ok(())
}

/// The file at `path` (following links), or `None` for a directory or
/// another non-file. A broken link is a file of size 0.
fn file(path: PathBuf) -> Option<Found> {
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => Some(Found { path, size: meta.len() }),
        Ok(_) => None,
        // A broken symbolic link: an entry whose load reports the error.
        Err(_) => Some(Found { path, size: 0 }),
    }
}

/// Walks `dir` recursively in sorted order, appending the files `claim`
/// accepts (given the path as text) to `found`.
///
/// The entries of a directory are examined in parallel (rayon's global
/// pool): the `stat` of each file and the walk of each subdirectory, so a
/// walk of thousands of files does not hold back the loading that follows.
/// The results (files and errors) are gathered in the same sorted order as
/// a serial walk would give them.
pub(crate) fn dir(
    dir: &Path,
    claim: &(dyn Fn(&str) -> bool + Sync),
    found: &mut Vec<Found>,
    errors: &mut Vec<Error>,
) {
    use rayon::prelude::*;

    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            errors.push(Error::io(dir, e));
            return;
        }
    };
    let mut children: Vec<(std::fs::DirEntry, std::fs::FileType)> = Vec::new();
    for entry in read {
        match entry {
            Ok(e) => {
                if e.file_name().as_encoded_bytes().starts_with(b".") {
                    continue;
                }
                match e.file_type() {
                    Ok(t) => children.push((e, t)),
                    Err(err) => errors.push(Error::io(&e.path(), err)),
                }
            }
            Err(e) => errors.push(Error::io(dir, e)),
        }
    }
    children.sort_by_cached_key(|(e, _)| e.file_name());
    let parts: Vec<(Vec<Found>, Vec<Error>)> = children
        .par_iter()
        .map(|(entry, ftype)| {
            let path = entry.path();
            let (mut f, mut e) = (Vec::new(), Vec::new());
            if ftype.is_dir() {
                self::dir(&path, claim, &mut f, &mut e);
            } else if claim(&path.to_string_lossy()) {
                // A link is followed (by path); a link to a directory is not
                // descended into. Anything else is examined relative to the
                // open directory (`fstatat`), without walking the path again.
                let meta = if ftype.is_symlink() { std::fs::metadata(&path) } else { entry.metadata() };
                match meta {
                    Ok(meta) if meta.is_file() => f.push(Found { path, size: meta.len() }),
                    Ok(_) => {}
                    // A broken symbolic link: an entry whose load reports the error.
                    Err(_) => f.push(Found { path, size: 0 }),
                }
            }
            (f, e)
        })
        .collect();
    for (f, e) in parts {
        found.extend(f);
        errors.extend(e);
    }
}

/// Rewrites a leading literal `.` of a wildcard segment (`.*`, `.?`) as
/// `[.]`. The `glob` crate lets such a segment match the `.` and `..`
/// entries, so `dir/.?/*.json` would list files of the parent directory and
/// `dir/.*/*.json` those of `dir` itself again; Go's `filepath.Glob` never
/// matches them (it lists names with `ReadDir`), and neither does `[.]`.
fn without_dot_entries(pattern: &str) -> std::borrow::Cow<'_, str> {
    let needs = |seg: &str| seg.starts_with('.') && is_glob_pattern(seg);
    if !pattern.split('/').any(needs) {
        return pattern.into();
    }
    let segs: Vec<String> = pattern
        .split('/')
        .map(|seg| if needs(seg) { format!("[.]{}", &seg[1..]) } else { seg.to_owned() })
        .collect();
    segs.join("/").into()
}
