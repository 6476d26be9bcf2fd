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

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::loader::{Limits, Loader};
use crate::model::Recording;
use crate::registry::{RecordingAdapter, RecordingReference, Registry};
use crate::walk::{self, is_glob_pattern};

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

    /// Loads the file into `loader` with the adapter that claimed it.
    pub fn load<'l>(&self, loader: &'l mut Loader) -> Result<Recording<'l>> {
        match &self.adapter {
            Some(adapter) => adapter.load_into(&self.reference, loader).map_err(|e| e.with_path(self.path())),
            None => Err(no_adapter(&self.reference)),
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

/// How a run loads a corpus.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Most results [`Corpus::map_ordered`] holds waiting for their turn;
    /// 0 means 8 per thread.
    pub window: usize,
    /// Limits for every loader.
    pub limits: Limits,
    /// Files at least this long are memory-mapped (see [`crate::read`]).
    pub mmap_threshold: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: 0,
            window: 0,
            limits: Limits::default(),
            mmap_threshold: crate::input::read::DEFAULT_MMAP_THRESHOLD,
        }
    }
}

impl RunOptions {
    /// The number of worker threads a run over `files` files uses.
    pub fn effective_threads(&self, files: usize) -> usize {
        let wanted = if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        };
        wanted.min(files).max(1)
    }

    fn effective_window(&self, threads: usize) -> usize {
        if self.window == 0 {
            8 * threads
        } else {
            self.window
        }
    }
}

/// What one entry gave: its index in enumeration order, the entry, and the
/// loaded recording or the error. The recording borrows the worker's loader
/// and is gone when the visitor returns.
pub struct Visit<'c, 'l> {
    /// Position of the entry in [`Corpus::entries`].
    pub index: usize,
    /// The entry.
    pub entry: &'c Entry,
    /// The recording, or why it could not be loaded.
    pub result: Result<Recording<'l>>,
}

/// Counts of a run. Every entry is exactly one of loaded or failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Entries visited.
    pub files: usize,
    /// Entries that loaded.
    pub loaded: usize,
    /// Entries that failed.
    pub failed: usize,
    /// Sum of the visited entries' sizes.
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.files += other.files;
        self.loaded += other.loaded;
        self.failed += other.failed;
        self.bytes += other.bytes;
    }
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
        found.sort_by(|a, b| components(&a.0).cmp(components(&b.0)).then(a.2.cmp(&b.2)));
        found.dedup_by(|later, first| components(&later.0).eq(components(&first.0)));
        let entries = found
            .into_iter()
            .map(|(path, size, si)| {
                let id = path.to_string_lossy().into_owned();
                let adapter = registry.find_adapter(&id, type_hint);
                let hint = adapter.as_deref().map_or(type_hint, |a| a.name()).to_owned();
                let reference = RecordingReference {
                    id,
                    source: sources[si].as_ref().to_owned(),
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

    /// Loads every entry in parallel and calls `visit` with each result, in
    /// no particular order.
    pub fn for_each<F>(&self, opts: &RunOptions, visit: F) -> Tally
    where
        F: Fn(Visit<'_, '_>) + Sync,
    {
        self.fold(opts, || (), |_, v| visit(v)).0
    }

    /// Loads every entry in parallel; each worker folds its results into its
    /// own state made by `init`. Returns the tally and the workers' states
    /// (one per worker thread) to merge.
    pub fn fold<S, I, F>(&self, opts: &RunOptions, init: I, visit: F) -> (Tally, Vec<S>)
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, Visit<'_, '_>) + Sync,
    {
        let threads = opts.effective_threads(self.len());
        let gate = Gate::new(self.len(), usize::MAX);
        self.run(opts, threads, &gate, init, visit)
    }

    /// Loads every entry in parallel, turns each result into a value with
    /// `map` on the workers, and passes the values to `sink` on the calling
    /// thread in enumeration order, holding at most the window's worth of
    /// values (see the module documentation).
    ///
    /// The first error returned by `sink` stops the run (entries not yet
    /// started are not loaded) and is returned.
    pub fn map_ordered<T, E, F, K>(&self, opts: &RunOptions, map: F, mut sink: K) -> Result<Tally, E>
    where
        T: Send,
        F: Fn(Visit<'_, '_>) -> T + Sync,
        K: FnMut(&Entry, T) -> Result<(), E>,
    {
        let threads = opts.effective_threads(self.len());
        let gate = Gate::new(self.len(), opts.effective_window(threads));
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        std::thread::scope(|scope| {
            // If the sink fails or panics, let blocked workers go and stop claiming.
            let _open_on_exit = OpenOnDrop(&gate);
            let gate = &gate;
            let map = &map;
            let workers = scope.spawn(move || {
                // `.0`: the workers' senders (their states) are dropped here,
                // which ends the receiving loop below.
                self.run(
                    opts,
                    threads,
                    gate,
                    || tx.clone(),
                    |tx, v| {
                        let index = v.index;
                        let value = map(v);
                        // The receiver is gone only when the sink failed; nothing to do then.
                        let _ = tx.send((index, value));
                    },
                )
                .0
            });
            let mut pending: BTreeMap<usize, T> = BTreeMap::new();
            let mut next = 0;
            let mut outcome = Ok(());
            for (index, value) in rx.iter() {
                pending.insert(index, value);
                while let Some(value) = pending.remove(&next) {
                    if let Err(e) = sink(&self.entries[next], value) {
                        outcome = Err(e);
                        break;
                    }
                    next += 1;
                    gate.advance(next);
                }
                if outcome.is_err() {
                    gate.open();
                    break;
                }
            }
            drop(rx);
            let tally = match workers.join() {
                Ok(tally) => tally,
                Err(payload) => panic::resume_unwind(payload),
            };
            outcome.map(|()| tally)
        })
    }

    /// The worker loop shared by every kind of run.
    fn run<S, I, F>(
        &self,
        opts: &RunOptions,
        threads: usize,
        gate: &Gate,
        init: I,
        visit: F,
    ) -> (Tally, Vec<S>)
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, Visit<'_, '_>) + Sync,
    {
        let work = || {
            // A visitor that panics must not leave the other workers waiting.
            let open_on_panic = OpenOnDrop(gate);
            let mut loader = new_loader(opts);
            let mut state = init();
            let mut tally = Tally::default();
            while let Some(index) = gate.claim() {
                let entry = &self.entries[index];
                tally.files += 1;
                tally.bytes += entry.size;
                let loaded = {
                    let l = &mut loader;
                    panic::catch_unwind(AssertUnwindSafe(move || {
                        let l = l; // moved in (not reborrowed), so the recording may outlive the closure
                        entry.load(l)
                    }))
                };
                let result = match loaded {
                    Ok(result) => result,
                    Err(payload) => {
                        // The loader may be half-way through a load: start afresh.
                        loader = new_loader(opts);
                        Err(panicked(entry, payload.as_ref()))
                    }
                };
                if result.is_ok() {
                    tally.loaded += 1;
                } else {
                    tally.failed += 1;
                }
                visit(&mut state, Visit { index, entry, result });
            }
            // Finished normally: other workers may still be waiting for their turn.
            std::mem::forget(open_on_panic);
            (tally, state)
        };
        let results: Vec<(Tally, S)> = match rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("corpus-worker-{i}"))
            .build()
        {
            Ok(pool) => pool.broadcast(|_| work()),
            // No threads to be had: do the work here, alone.
            Err(_) => vec![work()],
        };
        let mut tally = Tally::default();
        let mut states = Vec::with_capacity(results.len());
        for (t, s) in results {
            tally.add(t);
            states.push(s);
        }
        (tally, states)
    }
}

fn new_loader(opts: &RunOptions) -> Loader {
    let mut loader = Loader::with_limits(opts.limits);
    loader.set_mmap_threshold(opts.mmap_threshold);
    loader
}

fn panicked(entry: &Entry, payload: &(dyn std::any::Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(|s| s.as_str()))
        .unwrap_or("(no message)");
    Error::new(
        ErrorKind::Internal,
        format!("internal error: the adapter panicked: {what} (please report this file)"),
    )
    .with_path(entry.path())
}

/// Hands out entry indexes in order, holding a claimant back while its entry
/// is `window` or more past the last one the ordered sink has taken.
struct Gate {
    next: AtomicUsize,
    len: usize,
    window: usize,
    stop: AtomicBool,
    taken: Mutex<usize>,
    moved: Condvar,
}

impl Gate {
    fn new(len: usize, window: usize) -> Gate {
        Gate {
            next: AtomicUsize::new(0),
            len,
            window: window.max(1),
            stop: AtomicBool::new(false),
            taken: Mutex::new(0),
            moved: Condvar::new(),
        }
    }

    fn claim(&self) -> Option<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        if index >= self.len {
            return None;
        }
        if self.window != usize::MAX {
            let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
            while index >= taken.saturating_add(self.window) && !self.stop.load(Ordering::Relaxed) {
                taken = self.moved.wait(taken).unwrap_or_else(|e| e.into_inner());
            }
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
        }
        Some(index)
    }

    /// The sink has taken every entry before `taken`.
    fn advance(&self, taken: usize) {
        *self.taken.lock().unwrap_or_else(|e| e.into_inner()) = taken;
        self.moved.notify_all();
    }

    /// Stops handing out entries and releases every waiting claimant.
    fn open(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _guard = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        self.moved.notify_all();
    }
}

/// Opens the gate when dropped (on a panic or an early exit).
struct OpenOnDrop<'g>(&'g Gate);

impl Drop for OpenOnDrop<'_> {
    fn drop(&mut self) {
        self.0.open();
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
mod tests {
    use super::*;
    use std::io::Write;

    const SESSION: &str = r#"{"metadata":{"session_id":"s"},"events":[
        {"type":"message","timestamp":"2024-01-15T10:00:00Z","message":{"role":"user","content":"hi"}},
        {"type":"message","timestamp":"2024-01-15T10:00:01Z","message":{"role":"assistant","content":"hello"}}]}"#;

    fn write(dir: &Path, rel: &str, body: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::File::create(p).unwrap().write_all(body.as_bytes()).unwrap();
    }

    /// `n` files, every `bad_every`-th one broken.
    fn corpus_dir(n: usize, bad_every: usize) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for i in 0..n {
            let body =
                if bad_every > 0 && i % bad_every == bad_every - 1 { "{\"events\": [" } else { SESSION };
            write(d.path(), &format!("d{}/f{i:04}.recording.json", i % 7), body);
        }
        d
    }

    fn ids(c: &Corpus) -> Vec<String> {
        c.entries().iter().map(|e| e.reference().id.clone()).collect()
    }

    #[test]
    fn directory_walk_is_recursive_sorted_and_claims_by_name() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "b/x.recording.json", SESSION);
        write(d.path(), "a/deep/er/y.arena.json", "{}");
        write(d.path(), "a/notes.txt", "no");
        write(d.path(), ".hidden/z.recording.json", SESSION);
        write(d.path(), "a/.w.recording.json", SESSION);
        let root = d.path().to_str().unwrap();
        let c = Corpus::enumerate(&Registry::new(), &[root], "").unwrap();
        let got: Vec<_> =
            c.entries().iter().map(|e| e.path().strip_prefix(root).unwrap().to_owned()).collect();
        assert_eq!(got, vec![PathBuf::from("a/deep/er/y.arena.json"), PathBuf::from("b/x.recording.json")]);
        let hints: Vec<_> = c.entries().iter().map(|e| e.reference().type_hint.as_str()).collect();
        assert_eq!(hints, ["arena_output", "session"]);
        assert!(c.entries().iter().all(|e| e.reference().source == root));
        // With a hint, every (non-hidden) file is claimed.
        let c = Corpus::enumerate(&Registry::new(), &[root], "session").unwrap();
        assert_eq!(c.len(), 3);
        assert!(c.entries().iter().all(|e| e.reference().type_hint == "session"));
    }

    #[test]
    fn glob_double_star_recurses_mixes_formats_and_returns_files_only() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "x.recording.json", SESSION);
        write(d.path(), "s/t/u.arena.json", "{}");
        write(d.path(), "s/v.txt.json", "{}");
        std::fs::create_dir_all(d.path().join("s/dir.json")).unwrap();
        let pat = format!("{}/**/*.json", d.path().display());
        let c = Corpus::enumerate(&Registry::new(), &[pat.as_str()], "").unwrap();
        let names: Vec<_> = c
            .entries()
            .iter()
            .map(|e| e.path().file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["u.arena.json", "v.txt.json", "x.recording.json"]);
        let hints: Vec<_> = c.entries().iter().map(|e| e.reference().type_hint.as_str()).collect();
        // A `.json` no suffix claims goes to the content-sniffing `generic` adapter.
        assert_eq!(hints, ["arena_output", "generic", "session"]);
        assert_eq!(c.entries()[1].adapter_name(), Some("generic"));
        let mut loader = Loader::new();
        let rec = c.entries()[1].load(&mut loader).unwrap();
        assert!(rec.warnings[0].contains("no recognised keys"), "{:?}", rec.warnings);
    }

    #[test]
    fn several_sources_are_merged_sorted_and_deduplicated() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a.recording.json", SESSION);
        write(d.path(), "b.recording.json", SESSION);
        let a = d.path().join("a.recording.json");
        let a = a.to_str().unwrap();
        let glob = format!("{}/*.json", d.path().display());
        let root = d.path().to_str().unwrap();
        let c = Corpus::enumerate(&Registry::new(), &[a, glob.as_str(), root, a], "").unwrap();
        assert_eq!(c.len(), 2);
        // The first source that produced a file is the one recorded.
        assert_eq!(c.entries()[0].reference().source, a);
        assert_eq!(c.entries()[1].reference().source, glob);
    }

    #[test]
    fn leading_dot_slash_does_not_make_a_duplicate() {
        assert!(components(Path::new("./././a/b")).eq(components(Path::new("a/b"))));
        assert!(components(Path::new("a/./b/../c")).ne(components(Path::new("a/c"))));
    }

    #[test]
    fn a_source_matching_nothing_is_an_error_naming_it() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "notes.txt", "x");
        let reg = Registry::new();
        let missing = d.path().join("missing.recording.json");
        let missing = missing.to_str().unwrap();
        let e = Corpus::enumerate(&reg, &[missing], "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoMatch);
        assert!(e.to_string().contains(missing), "{e}");
        let root = d.path().to_str().unwrap();
        let e = Corpus::enumerate(&reg, &[root], "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoMatch);
        assert!(e.to_string().contains("no recording files found in directory"), "{e}");
        let pat = format!("{root}/*.recording.json");
        let e = Corpus::enumerate(&reg, &[pat.as_str()], "").unwrap_err();
        assert_eq!(e.to_string(), format!("no files matched glob pattern: {pat}"));
        let e = Corpus::enumerate(&reg, &[format!("{root}/[")], "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Glob);
    }

    #[test]
    fn existing_path_with_glob_characters_is_taken_literally() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "run[1].recording.json", SESSION);
        let p = d.path().join("run[1].recording.json");
        let c = Corpus::enumerate(&Registry::new(), &[p.to_str().unwrap()], "").unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c.entries()[0].size(), SESSION.len() as u64);
    }

    #[test]
    fn every_entry_is_visited_once_and_the_tally_adds_up() {
        let d = corpus_dir(103, 10);
        let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
        assert_eq!(c.len(), 103);
        for threads in [1, 2, 5] {
            let opts = RunOptions { threads, ..RunOptions::default() };
            let seen = Mutex::new(Vec::new());
            let tally = c.for_each(&opts, |v| {
                let ok = match &v.result {
                    Ok(rec) => {
                        assert_eq!(rec.messages.len(), 2);
                        true
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Syntax);
                        assert_eq!(e.path(), Some(v.entry.path()));
                        false
                    }
                };
                seen.lock().unwrap().push((v.index, ok));
            });
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), (0..103).collect::<Vec<_>>());
            let failed = seen.iter().filter(|s| !s.1).count();
            assert_eq!(failed, 10);
            assert_eq!(tally, Tally { files: 103, loaded: 93, failed: 10, bytes: c.total_bytes() });
        }
    }

    #[test]
    fn fold_gives_one_state_per_worker() {
        let d = corpus_dir(40, 0);
        let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
        let opts = RunOptions { threads: 3, ..RunOptions::default() };
        let (tally, states) = c.fold(&opts, Vec::new, |s: &mut Vec<usize>, v| {
            s.push(v.result.map(|r| r.messages.len()).unwrap_or(0));
        });
        assert_eq!(states.len(), 3);
        assert_eq!(states.iter().map(Vec::len).sum::<usize>(), 40);
        assert_eq!(states.iter().flatten().sum::<usize>(), 80);
        assert_eq!(tally.loaded, 40);
    }

    #[test]
    fn map_ordered_delivers_in_enumeration_order_within_the_window() {
        let d = corpus_dir(200, 9);
        let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
        let expected = ids(&c);
        for (threads, window) in [(1, 1), (2, 1), (4, 3), (3, 0)] {
            let opts = RunOptions { threads, window, ..RunOptions::default() };
            let in_flight = AtomicUsize::new(0);
            let max_in_flight = AtomicUsize::new(0);
            let mut out = Vec::new();
            let tally = c
                .map_ordered(
                    &opts,
                    |v| {
                        // Entries finish out of order: make the early ones slow.
                        if v.index % 17 == 0 {
                            std::thread::sleep(std::time::Duration::from_millis(2));
                        }
                        let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        max_in_flight.fetch_max(n, Ordering::SeqCst);
                        (v.entry.reference().id.clone(), v.result.is_ok())
                    },
                    |entry, (id, ok)| {
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        assert_eq!(entry.reference().id, id);
                        out.push((id, ok));
                        Ok::<(), ()>(())
                    },
                )
                .unwrap();
            assert_eq!(out.iter().map(|o| o.0.clone()).collect::<Vec<_>>(), expected);
            assert_eq!(tally.files, 200);
            assert_eq!(tally.failed, out.iter().filter(|o| !o.1).count());
            assert_eq!(tally.loaded + tally.failed, 200);
            let window = opts.effective_window(threads);
            let peak = max_in_flight.load(Ordering::SeqCst);
            assert!(peak <= window, "{peak} values waiting with a window of {window}");
        }
    }

    #[test]
    fn a_failing_sink_stops_the_run_without_hanging() {
        let d = corpus_dir(100, 0);
        let c = Corpus::enumerate(&Registry::new(), &[d.path().to_str().unwrap()], "").unwrap();
        let opts = RunOptions { threads: 2, window: 4, ..RunOptions::default() };
        let mut taken = 0;
        let r = c.map_ordered(
            &opts,
            |v| v.index,
            |_, i| {
                taken += 1;
                if i == 10 {
                    Err("disk full")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("disk full"));
        assert_eq!(taken, 11);
    }

    #[test]
    fn an_adapter_panic_is_one_failed_entry() {
        struct Boom;
        impl RecordingAdapter for Boom {
            fn name(&self) -> &str {
                "boom"
            }
            fn can_handle(&self, source: &str, _: &str) -> bool {
                source.ends_with(".boom")
            }
            fn enumerate(&self, source: &str) -> Result<Vec<RecordingReference>> {
                crate::registry::enumerate_files(source, "boom")
            }
            fn load(
                &self,
                r: &RecordingReference,
            ) -> Result<(Vec<crate::owned::Message>, crate::owned::Metadata)> {
                if r.id.contains("bad") {
                    panic!("kaboom");
                }
                Ok(Default::default())
            }
        }
        let d = tempfile::tempdir().unwrap();
        for name in ["a.boom", "bad.boom", "c.boom"] {
            write(d.path(), name, "");
        }
        let reg = Registry::new();
        reg.register(Boom);
        let c = Corpus::enumerate(&reg, &[d.path().to_str().unwrap()], "").unwrap();
        assert_eq!(c.len(), 3);
        let errors = Mutex::new(Vec::new());
        let hook = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let tally = c.for_each(&RunOptions { threads: 1, ..RunOptions::default() }, |v| {
            if let Err(e) = v.result {
                errors.lock().unwrap().push((v.index, e.kind(), e.message().to_owned()));
            }
        });
        panic::set_hook(hook);
        assert_eq!(tally, Tally { files: 3, loaded: 2, failed: 1, bytes: 0 });
        let errors = errors.into_inner().unwrap();
        assert_eq!(errors.len(), 1);
        let (index, kind, msg) = errors.into_iter().next().unwrap();
        assert_eq!((index, kind), (1, ErrorKind::Internal));
        assert!(msg.contains("kaboom"), "{msg}");
    }

    #[test]
    fn from_references_routes_each_reference() {
        let reg = Registry::new();
        let c = Corpus::from_references(
            &reg,
            [RecordingReference::file("x.recording.json", ""), RecordingReference::file("y.json", "arena")],
        );
        assert_eq!(c.entries()[0].adapter_name(), Some("session"));
        assert_eq!(c.entries()[1].adapter_name(), Some("arena_output"));
        let tally = c.for_each(&RunOptions::default(), |v| assert!(v.result.unwrap_err().is_io()));
        assert_eq!(tally.failed, 2);
    }
}
