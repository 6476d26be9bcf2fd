//! An owned corpus run as an iterator ([`Corpus::stream_ordered`]): for
//! callers that pull results (an Arrow stream, a Python iterator) instead
//! of handing the engine a sink.

use std::io;
use std::panic;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Corpus, RunOptions, Tally, Visit};

/// What [`OrderedStream::next_timeout`] found.
#[derive(Debug)]
pub enum Next<T> {
    /// The next value in enumeration order.
    Item(T),
    /// Nothing yet: the workers are still loading it.
    Pending,
    /// Every value has been handed out.
    Done,
}

/// The values of a corpus run, in enumeration order, computed ahead by the
/// run's workers on a background thread.
///
/// At most the run's window plus `bound` values exist at a time, so memory
/// stays bounded as in [`Corpus::map_ordered`]. Dropping the stream stops the
/// run: entries not yet started are not loaded, and the drop waits for the
/// workers to finish the files they are on.
#[derive(Debug)]
pub struct OrderedStream<T> {
    rx: Option<mpsc::Receiver<T>>,
    worker: Option<JoinHandle<Option<Tally>>>,
    tally: Option<Tally>,
}

/// Turns the values of a run, in enumeration order, into what an
/// [`OrderedStream`] hands out, on the run's ordering thread (for example,
/// gathering small values into big ones, so that the consumer is woken once
/// per big value).
pub trait Gather<T>: Send + 'static {
    /// What the stream hands out.
    type Out: Send + 'static;
    /// Takes the next value; pushes what is ready onto `out`.
    fn push(&mut self, value: T, out: &mut Vec<Self::Out>);
    /// The run ended (every value was pushed); pushes the rest onto `out`.
    fn finish(&mut self, out: &mut Vec<Self::Out>);
}

/// Hands every value out as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Each;

impl<T: Send + 'static> Gather<T> for Each {
    type Out = T;
    fn push(&mut self, value: T, out: &mut Vec<T>) {
        out.push(value);
    }
    fn finish(&mut self, _: &mut Vec<T>) {}
}

impl Corpus {
    /// Runs [`Corpus::map_ordered`] over this corpus on a background thread
    /// and returns its values as an iterator. `bound` (at least 1) values
    /// wait in the channel between the run and the consumer.
    ///
    /// Fails only if the background thread cannot be started.
    pub fn stream_ordered<T, F>(self, opts: RunOptions, bound: usize, map: F) -> io::Result<OrderedStream<T>>
    where
        T: Send + 'static,
        F: Fn(Visit<'_, '_>) -> T + Send + Sync + 'static,
    {
        self.stream_gathered(opts, bound, map, Each)
    }

    /// [`Corpus::stream_ordered`], with the values passed through `gather`
    /// on the ordering thread before they are handed out.
    pub fn stream_gathered<T, F, G>(
        self,
        opts: RunOptions,
        bound: usize,
        map: F,
        mut gather: G,
    ) -> io::Result<OrderedStream<G::Out>>
    where
        T: Send + 'static,
        F: Fn(Visit<'_, '_>) -> T + Send + Sync + 'static,
        G: Gather<T>,
    {
        let (tx, rx) = mpsc::sync_channel::<G::Out>(bound.max(1));
        let worker = std::thread::Builder::new().name("arena-corpus".to_owned()).spawn(move || {
            let mut out = Vec::new();
            // A send fails only once the consumer is gone: stop the run then.
            let send = |out: &mut Vec<G::Out>| out.drain(..).try_for_each(|v| tx.send(v).map_err(|_| ()));
            let tally = self
                .map_ordered(&opts, map, |_, value| {
                    gather.push(value, &mut out);
                    send(&mut out)
                })
                .ok()?;
            gather.finish(&mut out);
            send(&mut out).ok()?;
            Some(tally)
        })?;
        Ok(OrderedStream { rx: Some(rx), worker: Some(worker), tally: None })
    }
}

impl<T> OrderedStream<T> {
    /// The next value, waiting at most `timeout` for it (so that a caller can
    /// look for an interrupt between waits).
    pub fn next_timeout(&mut self, timeout: Duration) -> Next<T> {
        let Some(rx) = &self.rx else { return Next::Done };
        match rx.recv_timeout(timeout) {
            Ok(value) => Next::Item(value),
            Err(RecvTimeoutError::Timeout) => Next::Pending,
            Err(RecvTimeoutError::Disconnected) => {
                self.finish();
                Next::Done
            }
        }
    }

    /// The run's tally, once every value has been handed out.
    pub fn tally(&self) -> Option<Tally> {
        self.tally
    }

    /// Joins the finished run; a panic in a `map` closure is resumed here.
    fn finish(&mut self) {
        self.rx = None;
        if let Some(worker) = self.worker.take() {
            match worker.join() {
                Ok(tally) => self.tally = tally,
                Err(payload) => panic::resume_unwind(payload),
            }
        }
    }
}

impl<T> Iterator for OrderedStream<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let rx = self.rx.as_ref()?;
        match rx.recv() {
            Ok(value) => Some(value),
            Err(_) => {
                self.finish();
                None
            }
        }
    }
}

impl<T> Drop for OrderedStream<T> {
    fn drop(&mut self) {
        // Closing the channel makes the run's next send fail, which stops it.
        self.rx = None;
        if let Some(worker) = self.worker.take() {
            // A panic was the run's own; it is not re-raised inside a drop.
            let _ = worker.join();
        }
    }
}
