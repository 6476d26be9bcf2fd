//! Loading a corpus in parallel: run options, visits, tallies, the ordered
//! window, and panic handling (see the [parent module](super)).

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::{Corpus, Entry};
use crate::error::{Error, ErrorKind, Result};
use crate::loader::{Limits, Loader};
use crate::model::Recording;

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
        self.run(opts, threads, &gate, init, visit, |_| {})
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
        let window = opts.effective_window(threads);
        let gate = Gate::new(self.len(), window);
        // A worker hands its values over `hand` at a time (a wake of the
        // sink's thread costs as much as loading a small file), and always
        // before it waits at the gate and when it stops, so the sink never
        // waits for a value a worker is sitting on.
        let hand = (window / (2 * threads)).clamp(1, 64);
        let (tx, rx) = mpsc::channel::<Vec<(usize, T)>>();
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
                    || (tx.clone(), Vec::with_capacity(hand)),
                    |(tx, held), v| {
                        let index = v.index;
                        held.push((index, map(v)));
                        if held.len() >= hand {
                            // The receiver is gone only when the sink failed; nothing to do then.
                            let _ = tx.send(std::mem::replace(held, Vec::with_capacity(hand)));
                        }
                    },
                    |(tx, held)| {
                        if !held.is_empty() {
                            let _ = tx.send(std::mem::take(held));
                        }
                    },
                )
                .0
            });
            let mut pending: BTreeMap<usize, T> = BTreeMap::new();
            let mut next = 0;
            let mut outcome = Ok(());
            'receive: for values in rx.iter() {
                pending.extend(values);
                while let Some(value) = pending.remove(&next) {
                    if let Err(e) = sink(&self.entries[next], value) {
                        outcome = Err(e);
                        gate.open();
                        break 'receive;
                    }
                    next += 1;
                    gate.advance(next);
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
    fn run<S, I, F, L>(
        &self,
        opts: &RunOptions,
        threads: usize,
        gate: &Gate,
        init: I,
        visit: F,
        flush: L,
    ) -> (Tally, Vec<S>)
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, Visit<'_, '_>) + Sync,
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
