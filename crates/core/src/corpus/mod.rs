//! Corpora: many sources expanded into files, loaded in parallel, streamed.
//!
//! A [`Corpus`] is built by [`Corpus::enumerate`] from any number of sources:
//!
//! * a **file** path: that file, whatever its name (the format is decided
//!   from the name and the type hint; a name no adapter claims gives a
//!   reference that fails to load with [`ErrorKind::NoAdapter`], so it is
//!   counted, never dropped);
//! * a **directory**: walked recursively, yielding the files whose names an
//!   adapter claims (with a type hint, every file: the hint claims them).
//!   Hidden entries (names starting with `.`) are skipped, as are symbolic
//!   links to directories (no cycles); symbolic links to files are followed;
//! * a **glob** (contains `*`, `?` or `[` and is not an existing path),
//!   expanded with the `glob` crate, where `**` matches any number of
//!   directories. Every matching regular file is a reference (directories
//!   never are); one glob may mix formats.
//!
//! The files of all sources are sorted by path (component by component, so a
//! directory's files stay together) and duplicates are removed (a leading
//! `./` does not make a path different). A source that yields nothing is an
//! error naming it ([`ErrorKind::NoMatch`]). A broken symbolic link that is
//! claimed (by name or glob) is an entry, whose load fails with the I/O
//! error. Problems met while walking (an unreadable directory) do not stop
//! the enumeration: they are kept in [`Corpus::walk_errors`].
//!
//! Each [`Entry`] remembers the adapter that claimed it, and its reference
//! carries that adapter's canonical type hint.
//!
//! # Example
//!
//! ```
//! use arena_recordings::{Corpus, Registry, RunOptions};
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let registry = Registry::new();
//! let corpus = Corpus::enumerate(&registry, &["corpus/sample/session", "corpus/**/*.arena.json"], "").unwrap();
//! let tally = corpus.for_each(&RunOptions::default(), |visit| match visit.result {
//!     Ok(recording) => println!("{}: {} messages", visit.entry.path().display(), recording.messages.len()),
//!     Err(error) => eprintln!("{error}"),
//! });
//! assert_eq!(tally.loaded + tally.failed, corpus.len());
//! assert!(tally.failed >= 2, "corpus/invalid holds broken Arena outputs");
//! ```
//!
//! # Loading
//!
//! [`Corpus::for_each`], [`Corpus::fold`] and [`Corpus::map_ordered`] load
//! every entry on a rayon thread pool and hand each result, a
//! [`Recording`] or its [`Error`], to a caller-supplied closure while it is
//! alive; nothing is collected unless the closure collects it.
//!
//! Each worker owns one [`Loader`] (input buffer, simd-json buffers, bump
//! arena) for the whole run, reset between files, and claims the next entry
//! from a shared counter. So entries are started in enumeration order, the
//! work balances itself file by file, and peak memory is bounded by
//! `threads x (largest file + its model)` whatever the size of the corpus.
//! (rayon's `for_each_init` would create a loader per split job, and a thread
//! waiting in a join may start another job, so the number of live loaders
//! would not be bounded by the thread count.)
//!
//! [`Corpus::map_ordered`] is for consumers that print: workers turn each
//! result into a value (say, a serialized line) and the caller's sink
//! receives the values in enumeration order on the calling thread. A
//! worker may not start entry `i` until entry `i - window` has been passed
//! to the sink, so at most `window` values wait for their turn: the reorder
//! window is bounded, and since entries are claimed in order the one the
//! sink waits for is always being worked on, so the window cannot deadlock.
//!
//! # Accounting
//!
//! Every entry ends as exactly one of loaded or failed, and the closure sees
//! it exactly once; the returned [`Tally`] counts them, and
//! `loaded + failed == files`. A panic inside an adapter is caught and turned
//! into a failed entry ([`ErrorKind::Internal`]) so one bad file cannot
//! end a long run.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::loader::{Loader, Piece};
use crate::model::Recording;
use crate::registry::{RecordingAdapter, RecordingReference, Registry};
use crate::walk::{self, is_glob_pattern};

mod run;
mod stream;

pub use run::{RunOptions, Tally, Visit};
pub use stream::{Each, Gather, Next, OrderedStream};

/// One file of a corpus: its reference, its size, and the adapter that claimed it.
#[derive(Clone)]
pub struct Entry {
    reference: RecordingReference,
    size: u64,
    adapter: Option<Arc<dyn RecordingAdapter>>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("reference", &self.reference)
            .field("size", &self.size)
            .field("adapter", &self.adapter_name())
            .finish()
    }
}

impl Entry {
    /// The reference (`id` is the path, `source` the source that produced it,
    /// `type_hint` the claiming adapter's canonical hint).
    pub fn reference(&self) -> &RecordingReference {
        &self.reference
    }

    /// The path of the file.
    pub fn path(&self) -> &Path {
        Path::new(&self.reference.id)
    }

    /// The file's size when it was enumerated.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The name of the adapter that claimed the file, if any did.
    pub fn adapter_name(&self) -> Option<&str> {
        self.adapter.as_deref().map(|a| a.name())
    }

    /// Loads the file into `loader` with the adapter that claimed it, as
    /// one recording (a file that holds several is an error: use
    /// [`load_each`](Self::load_each)).
    pub fn load<'l>(&self, loader: &'l mut Loader) -> Result<Recording<'l>> {
        match &self.adapter {
            Some(adapter) => adapter.load_into(&self.reference, loader).map_err(|e| e.with_path(self.path())),
            None => Err(no_adapter(&self.reference)),
        }
    }

    /// [`load_each`](Self::load_each) on the file's bytes, read by the caller
    /// (from an object store, say); errors name the reference's path.
    pub fn load_bytes_each<'l>(
        &self,
        bytes: &[u8],
        loader: &'l mut Loader,
        mut each: impl FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        match &self.adapter {
            Some(adapter) => adapter.load_bytes_each_into(&self.reference, bytes, loader, &mut |piece, r| {
                each(piece, r.map_err(|e| e.with_path(self.path())))
            }),
            None => each(Piece::WHOLE, Err(no_adapter(&self.reference))),
        }
    }

    /// Loads every recording the file holds, in file order (the file is read
    /// and parsed once), calling `each` with where each one is and its
    /// result; at least one call.
    pub fn load_each<'l>(
        &self,
        loader: &'l mut Loader,
        mut each: impl FnMut(Piece<'_>, Result<Recording<'l>>),
    ) {
        match &self.adapter {
            Some(adapter) => adapter.load_each_into(&self.reference, loader, &mut |piece, r| {
                each(piece, r.map_err(|e| e.with_path(self.path())))
            }),
            None => each(Piece::WHOLE, Err(no_adapter(&self.reference))),
        }
    }

    /// Whether listing this file's references needs no reading: the
    /// claiming adapter's files are always one recording each (or no
    /// adapter claims it).
    pub fn holds_one(&self) -> bool {
        match &self.adapter {
            Some(a) => a.holds_one(),
            None => true,
        }
    }
}

/// The error of a file no adapter claims (same wording as [`Registry::load`]).
fn no_adapter(r: &RecordingReference) -> Error {
    let msg = if r.type_hint.trim().is_empty() {
        let base = r.id.rsplit('/').next().unwrap_or(&r.id);
        let ext = base.rfind('.').map_or("", |i| &base[i..]);
        format!("no adapter found for file extension '{ext}' (ref: {})", r.id)
    } else {
        format!("no adapter found for type hint '{}' (ref: {})", r.type_hint, r.id)
    };
    Error::new(ErrorKind::NoAdapter, msg).with_path(&r.id)
}

/// An enumerated set of recording files, ready to load.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    entries: Vec<Entry>,
    walk_errors: Vec<Arc<Error>>,
}

impl Corpus {
    /// A corpus of exactly these entries' references, each routed through
    /// `registry` (no file system access; sizes are 0).
    pub fn from_references(
        registry: &Registry,
        refs: impl IntoIterator<Item = RecordingReference>,
    ) -> Corpus {
        let entries = refs
            .into_iter()
            .map(|reference| {
                let adapter = registry.find_adapter(&reference.id, &reference.type_hint);
                Entry { reference, size: 0, adapter }
            })
            .collect();
        Corpus { entries, walk_errors: Vec::new() }
    }

    /// Expands `sources` into files (see the module documentation).
    ///
    /// `type_hint` (empty for none) is passed to [`Registry::find_adapter`]
    /// for every file; each reference is stamped with the claiming adapter's
    /// name, or keeps `type_hint` when no adapter claims the file.
    pub fn enumerate<S: AsRef<str>>(registry: &Registry, sources: &[S], type_hint: &str) -> Result<Corpus> {
        let mut found: Vec<(PathBuf, u64, usize)> = Vec::new();
        let mut walk_errors = Vec::new();
        for (si, source) in sources.iter().enumerate() {
            let source = source.as_ref();
            let before = found.len();
            expand(registry, source, type_hint, si, &mut found, &mut walk_errors)?;
            if found.len() == before {
                return Err(Error::new(ErrorKind::NoMatch, no_match_message(source)));
            }
        }
        // Sort by path without leading `./` (compared component by component,
        // no allocation), keep the first source's copy of duplicates.
        // (rayon's stable parallel sort, and the entries built in parallel, in order:
        // with thousands of files this serial stretch before the loading showed.)
        use rayon::prelude::*;
        let source_names: Vec<&str> = sources.iter().map(AsRef::as_ref).collect();
        found.par_sort_by(|a, b| components(&a.0).cmp(components(&b.0)).then(a.2.cmp(&b.2)));
        found.dedup_by(|later, first| components(&later.0).eq(components(&first.0)));
        let entries = found
            .into_par_iter()
            .map(|(path, size, si)| {
                let id = path.to_string_lossy().into_owned();
                let adapter = registry.find_adapter(&id, type_hint);
                let hint = adapter.as_deref().map_or(type_hint, |a| a.name()).to_owned();
                let reference = RecordingReference {
                    id,
                    fragment: None,
                    source: source_names[si].to_owned(),
                    type_hint: hint,
                    metadata: Default::default(),
                };
                Entry { reference, size, adapter }
            })
            .collect();
        Ok(Corpus { entries, walk_errors })
    }

    /// The entries, in enumeration order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of the entries' sizes.
    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }

    /// Problems met while walking directories or expanding globs (an
    /// unreadable directory). These are not entries.
    pub fn walk_errors(&self) -> &[Arc<Error>] {
        &self.walk_errors
    }
}

/// The components of a path without leading `./` (for sorting and duplicate detection).
fn components(p: &Path) -> impl Iterator<Item = Component<'_>> {
    p.components().skip_while(|c| *c == Component::CurDir)
}

fn no_match_message(source: &str) -> String {
    let path = Path::new(source);
    if path.is_dir() {
        format!("no recording files found in directory: {source}")
    } else if is_glob_pattern(source) && !path.exists() {
        format!("no files matched glob pattern: {source}")
    } else {
        format!("no such file or directory: {source}")
    }
}

/// Appends the files `source` yields to `found` as (path, size, source index).
fn expand(
    registry: &Registry,
    source: &str,
    hint: &str,
    si: usize,
    found: &mut Vec<(PathBuf, u64, usize)>,
    walk_errors: &mut Vec<Arc<Error>>,
) -> Result<()> {
    let path = Path::new(source);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => files.push(walk::Found { path: path.to_path_buf(), size: meta.len() }),
        Ok(meta) if meta.is_dir() => {
            let claim = |name: &str| {
                registry.find_adapter(name, "").is_some()
                    || (!hint.trim().is_empty() && registry.find_adapter(name, hint).is_some())
            };
            walk::dir(path, &claim, &mut files, &mut errors);
        }
        Ok(_) => return Err(Error::new(ErrorKind::Io, format!("not a regular file or directory: {source}"))),
        Err(_) if is_glob_pattern(source) => walk::glob(source, &mut files, &mut errors)?,
        // Missing: reported by the caller as matching nothing.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(path, e)),
    }
    found.extend(files.into_iter().map(|f| (f.path, f.size, si)));
    walk_errors.extend(errors.into_iter().map(Arc::new));
    Ok(())
}

#[cfg(test)]
mod tests;
