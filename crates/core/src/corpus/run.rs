//! Loading a corpus in parallel: run options, visits, tallies, the ordered
//! window, and panic handling (see the [parent module](super)).

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use std::borrow::Cow;

use super::{Corpus, Entry};
use crate::error::{Error, ErrorKind, Result};
use crate::loader::{Limits, Loader, Piece};
use crate::model::Recording;
use crate::registry::RecordingReference;

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

    pub(super) fn effective_window(&self, threads: usize) -> usize {
        if self.window == 0 {
            8 * threads
        } else {
            self.window
        }
    }
}

/// One recording a run loaded (or failed to): the entry (file) it is in,
/// where it is in the file, and the recording or the error. The recording
/// borrows the worker's loader and is gone when the visitor returns.
///
/// A file holds one recording (PromptKit's formats) or many (a JSON Lines
/// file of OpenAI chat lines, an inspect_ai log): each is one visit, in file
/// order, with its [`piece`](Self::piece) (the fragment of its reference id).
pub struct Visit<'c, 'l> {
    /// Position of the entry in [`Corpus::entries`].
    pub index: usize,
    /// Position of this recording in its file (0 for the first or only one).
    pub sub: usize,
    /// The entry (the file).
    pub entry: &'c Entry,
    /// Where the recording is in the file, and the format that read it.
    pub piece: Piece<'l>,
    /// The recording, or why it could not be loaded.
    pub result: Result<Recording<'l>>,
}

impl<'c> Visit<'c, '_> {
    /// The reference of this recording: the entry's, or (for one of many
    /// recordings of a file, or a file read as a format beyond PromptKit's)
    /// the entry's narrowed to the recording (`id` = `path#fragment`,
    /// `type_hint` = the format that read it).
    pub fn reference(&self) -> Cow<'c, RecordingReference> {
        self.entry.reference().for_piece(self.piece)
    }

    /// The id of this recording's reference (`path` or `path#fragment`).
    pub fn id(&self) -> Cow<'c, str> {
        let path = &self.entry.reference().id;
        match self.piece.fragment {
            None => Cow::Borrowed(path.as_str()),
            Some(f) => Cow::Owned(format!("{path}#{f}")),
        }
    }

    /// The type hint of this recording's reference: the format that read it
    /// when it is not PromptKit's, else the entry's.
    pub fn type_hint(&self) -> &'c str {
        match self.piece.format.and_then(|f| f.type_hint()) {
            Some(h) => h,
            None => &self.entry.reference().type_hint,
        }
    }

    /// The bytes to count for this visit: the file's size on its first
    /// recording, 0 on the others (so sums over visits are the files' bytes).
    pub fn size(&self) -> u64 {
        if self.sub == 0 {
            self.entry.size()
        } else {
            0
        }
    }
}

/// Counts of a run. Every recording (every visit) is exactly one of loaded
/// or failed; a file holds one or more of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Entries (files) visited.
    pub files: usize,
    /// Recordings that loaded.
    pub loaded: usize,
    /// Recordings that failed (a file that failed as a whole counts once).
    pub failed: usize,
    /// Sum of the visited entries' sizes.
    pub bytes: u64,
}

impl Tally {
    /// Recordings visited: `loaded + failed`.
    pub fn recordings(&self) -> usize {
        self.loaded + self.failed
    }

    fn add(&mut self, other: Tally) {
        self.files += other.files;
        self.loaded += other.loaded;
        self.failed += other.failed;
        self.bytes += other.bytes;
    }
}

impl Corpus {
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
        self.run(opts, false, threads, &gate, init, visit, |_, _| {}, |_| {})
    }

    /// Loads every entry in parallel, turns each result into a value with
    /// `map` on the workers, and passes the values to `sink` on the calling
    /// thread in enumeration order, holding at most the window's worth of
    /// values (see the module documentation).
    ///
    /// The first error returned by `sink` stops the run (entries not yet
    /// started are not loaded) and is returned.
    pub fn map_ordered<T, E, F, K>(&self, opts: &RunOptions, map: F, sink: K) -> Result<Tally, E>
    where
        T: Send,
        F: Fn(Visit<'_, '_>) -> T + Sync,
        K: FnMut(&Entry, T) -> Result<(), E>,
    {
        self.ordered(opts, false, map, sink)
    }

    /// Every reference of the corpus, in enumeration order, passed to
    /// `sink`: a file's own when it holds one recording, else one per
    /// recording it holds (`path#L7`, `path#item=0`, ...). Only files that
    /// may hold many are read (in parallel, as by [`map_ordered`](Self::map_ordered));
    /// the others are listed as they are.
    pub fn references<E, K>(&self, opts: &RunOptions, mut sink: K) -> Result<Tally, E>
    where
        K: FnMut(&RecordingReference) -> Result<(), E>,
    {
        self.ordered(opts, true, |v| v.reference().into_owned(), |_, r| sink(&r))
    }

    fn ordered<T, E, F, K>(&self, opts: &RunOptions, list: bool, map: F, mut sink: K) -> Result<Tally, E>
    where
        T: Send,
        F: Fn(Visit<'_, '_>) -> T + Sync,
        K: FnMut(&Entry, T) -> Result<(), E>,
    {
        let threads = opts.effective_threads(self.len());
        let window = opts.effective_window(threads);
        let gate = Gate::new(self.len(), window);
        // A worker hands its values over `hand` at a time (a wake of the
        // sink's thread costs as much as loading a small file), and always
        // before it waits at the gate and when it stops, so the sink never
        // waits for a value a worker is sitting on.
        let hand = (window / (2 * threads)).clamp(1, 64);
        // Values travel as ((entry, recording in entry), value, last of the
        // entry). A worker holds an entry's latest value back until it knows
        // whether it is the last one (the next value, or the entry's end).
        type Held<T> = Vec<((usize, usize), T, bool)>;
        let (tx, rx) = mpsc::channel::<Held<T>>();
        struct State<T> {
            tx: mpsc::Sender<Held<T>>,
            held: Held<T>,
            prev: Option<((usize, usize), T)>,
        }
        impl<T> State<T> {
            fn send(&mut self, hand: usize) {
                // The receiver is gone only when the sink failed; nothing to do then.
                let _ = self.tx.send(std::mem::replace(&mut self.held, Vec::with_capacity(hand)));
            }
        }
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
                    list,
                    threads,
                    gate,
                    || State { tx: tx.clone(), held: Vec::with_capacity(hand), prev: None },
                    |st, v| {
                        let key = (v.index, v.sub);
                        let value = map(v);
                        if let Some((k, p)) = st.prev.replace((key, value)) {
                            st.held.push((k, p, false));
                            // A file of many recordings streams too.
                            if st.held.len() >= hand {
                                st.send(hand);
                            }
                        }
                    },
                    |st, _index| {
                        if let Some((k, p)) = st.prev.take() {
                            st.held.push((k, p, true));
                        }
                        if st.held.len() >= hand {
                            st.send(hand);
                        }
                    },
                    |st| {
                        if !st.held.is_empty() {
                            st.send(hand);
                        }
                    },
                )
                .0
            });
            let mut pending: BTreeMap<(usize, usize), (T, bool)> = BTreeMap::new();
            let mut next = (0, 0);
            let mut outcome = Ok(());
            'receive: for values in rx.iter() {
                pending.extend(values.into_iter().map(|(k, v, last)| (k, (v, last))));
                while let Some((value, last)) = pending.remove(&next) {
                    if let Err(e) = sink(&self.entries[next.0], value) {
                        outcome = Err(e);
                        gate.open();
                        break 'receive;
                    }
                    if last {
                        next = (next.0 + 1, 0);
                        gate.advance(next.0);
                    } else {
                        next.1 += 1;
                    }
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

    /// The worker loop shared by every kind of run: `visit` sees every
    /// recording of an entry, then `done` the entry's end; `flush` runs
    /// before a wait at the gate and when the worker stops.
    #[allow(clippy::too_many_arguments)]
    fn run<S, I, F, D, L>(
        &self,
        opts: &RunOptions,
        list: bool,
        threads: usize,
        gate: &Gate,
        init: I,
        visit: F,
        done: D,
        flush: L,
    ) -> (Tally, Vec<S>)
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, Visit<'_, '_>) + Sync,
        D: Fn(&mut S, usize) + Sync,
        L: Fn(&mut S) + Sync,
    {
        let work = || {
            // A visitor that panics must not leave the other workers waiting.
            let open_on_panic = OpenOnDrop(gate);
            let mut loader = new_loader(opts);
            let mut state = init();
            let mut tally = Tally::default();
            while let Some(index) = gate.claim(|| flush(&mut state)) {
                let entry = &self.entries[index];
                tally.files += 1;
                tally.bytes += entry.size;
                if list && entry.holds_one() {
                    // Listing: a file of one recording needs no reading.
                    tally.loaded += 1;
                    let result = Ok(Recording::default());
                    visit(&mut state, Visit { index, sub: 0, entry, piece: Piece::WHOLE, result });
                    done(&mut state, index);
                    continue;
                }
                let mut sub = 0usize;
                // Whether the visitor (not the adapter) is running: its panics are not caught.
                let mut visiting = false;
                let loaded = {
                    let l = &mut loader;
                    let (state, tally, sub, visiting) = (&mut state, &mut tally, &mut sub, &mut visiting);
                    let visit = &visit;
                    panic::catch_unwind(AssertUnwindSafe(move || {
                        let l = l; // moved in (not reborrowed), so recordings may outlive the closure
                        entry.load_each(l, |piece, result| {
                            if result.is_ok() {
                                tally.loaded += 1;
                            } else {
                                tally.failed += 1;
                            }
                            *visiting = true;
                            visit(state, Visit { index, sub: *sub, entry, piece, result });
                            *visiting = false;
                            *sub += 1;
                        })
                    }))
                };
                if let Err(payload) = loaded {
                    if visiting {
                        panic::resume_unwind(payload);
                    }
                    // The loader may be half-way through a load: start afresh.
                    loader = new_loader(opts);
                    tally.failed += 1;
                    let result = Err(panicked(entry, payload.as_ref()));
                    visit(&mut state, Visit { index, sub, entry, piece: Piece::WHOLE, result });
                }
                done(&mut state, index);
            }
            flush(&mut state);
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

    /// The next entry to load; `before_wait` runs once if the claimant has
    /// to wait for the sink first.
    fn claim(&self, mut before_wait: impl FnMut()) -> Option<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        if index >= self.len {
            return None;
        }
        if self.window != usize::MAX {
            let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
            let mut waited = false;
            while index >= taken.saturating_add(self.window) && !self.stop.load(Ordering::Relaxed) {
                if !waited {
                    waited = true;
                    // Hand over what this claimant holds without the lock (the
                    // sink needs it to advance).
                    drop(taken);
                    before_wait();
                    taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
                    continue;
                }
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
