//! `arena_recordings._native`: the engine for Python (see `python/README`
//! in the repository's README, "Python"). The public names are re-exported
//! by `arena_recordings/__init__.py`, which also holds the docstrings users
//! read; the type stubs are in `arena_recordings/__init__.pyi`.
//!
//! Every object handed to Python is one `arena-recordings` writes (an
//! `export` line, the `scan --format json` object, an `eval --format jsonl`
//! line), built by `arena_report` and read with `json.loads`, so the
//! package and the CLI cannot drift apart. Corpora are loaded on the
//! engine's workers with the GIL released; iterators pull from a bounded
//! background run and look for Ctrl-C between waits.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

use arena_eval::{EvalOptions, Plan};
use arena_recordings::{Corpus, Error, Loader, Next, OrderedStream, Registry, RunOptions, Visit};
use arena_recordings_arrow::{Table, TableStream};
use arena_report::{eval_corpus, eval_line, export_line, write_reference, ScanStats};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::PyRecordBatchReader;

create_exception!(
    _native,
    RecordingError,
    PyException,
    "A recording (or a source) that could not be loaded."
);
create_exception!(_native, ConfigError, PyValueError, "An eval config that cannot be used.");

/// How long an iterator waits for the workers before it looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);
/// Results waiting between the background run and the Python iterator.
const CHANNEL: usize = 64;

/// A path as the engine takes it (UTF-8).
fn utf8_path(p: PathBuf) -> PyResult<String> {
    p.into_os_string()
        .into_string()
        .map_err(|p| PyValueError::new_err(format!("source is not valid UTF-8: {}", p.to_string_lossy())))
}

/// `sources` as the CLI takes them: one path (str or os.PathLike) or an
/// iterable of them.
fn sources(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(p) = obj.extract::<PathBuf>() {
        return Ok(vec![utf8_path(p)?]);
    }
    let Ok(iter) = obj.try_iter() else {
        return Err(PyTypeError::new_err("sources: expected a path or an iterable of paths"));
    };
    let mut out = Vec::new();
    for item in iter {
        let p = item?
            .extract::<PathBuf>()
            .map_err(|_| PyTypeError::new_err("sources: every item must be a str or os.PathLike"))?;
        out.push(utf8_path(p)?);
    }
    Ok(out)
}

/// What a [`RecordingError`] carries: the error's text, kind, message, path
/// and position (built without the GIL).
struct ErrorArgs {
    text: String,
    kind: &'static str,
    message: String,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    offset: Option<usize>,
}

fn recording_error_args(e: &Error) -> ErrorArgs {
    let pos = e.position();
    ErrorArgs {
        text: e.to_string(),
        kind: e.kind().as_str(),
        message: e.message().to_owned(),
        path: e.path().map(|p| p.to_string_lossy().into_owned()),
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.column),
        offset: e.offset(),
    }
}

impl ErrorArgs {
    fn into_err(self, py: Python<'_>) -> PyErr {
        let err = RecordingError::new_err(self.text);
        let value = err.value(py);
        let set = || -> PyResult<()> {
            value.setattr("kind", self.kind)?;
            value.setattr("message", self.message)?;
            value.setattr("path", self.path)?;
            value.setattr("line", self.line)?;
            value.setattr("column", self.column)?;
            value.setattr("offset", self.offset)?;
            Ok(())
        };
        set().err().unwrap_or(err)
    }
}

/// A [`RecordingError`] for `e`.
fn recording_error(py: Python<'_>, e: &Error) -> PyErr {
    recording_error_args(e).into_err(py)
}

fn run_options(threads: Option<usize>) -> RunOptions {
    RunOptions { threads: threads.unwrap_or(0), ..RunOptions::default() }
}

/// Enumerates `sources`; walk errors become Python warnings (nothing is
/// skipped silently).
fn enumerate(py: Python<'_>, sources: &[String], type_hint: Option<&str>) -> PyResult<Corpus> {
    let registry = Registry::new();
    let hint = type_hint.unwrap_or("");
    let corpus =
        py.detach(|| Corpus::enumerate(&registry, sources, hint)).map_err(|e| recording_error(py, &e))?;
    warn_walk_errors(py, &corpus)?;
    Ok(corpus)
}

fn warn_walk_errors(py: Python<'_>, corpus: &Corpus) -> PyResult<()> {
    if corpus.walk_errors().is_empty() {
        return Ok(());
    }
    let warn = py.import("warnings")?.getattr("warn")?;
    for e in corpus.walk_errors() {
        warn.call1((format!("skipped: {e}"),))?;
    }
    Ok(())
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.getattr("loads")?.call1((text,))
}

/// The references `sources` expand to: the `arena-recordings ls --format json`
/// objects (`id`, `source`, `type_hint`), in order: one per recording, so a
/// file that holds many (a JSON Lines dataset, an inspect_ai log) gives one
/// per line or sample (`path#L7`, ...). Only such files are read, so this is
/// the cheap way to list recordings and share them among workers.
///
/// `sources` is one path (str or os.PathLike) or an iterable of them: files,
/// directories (walked recursively) and glob patterns (`**` included).
#[pyfunction]
#[pyo3(signature = (sources, type_hint=None))]
fn references<'py>(
    py: Python<'py>,
    sources: &Bound<'py, PyAny>,
    type_hint: Option<&str>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let sources = self::sources(sources)?;
    let corpus = enumerate(py, &sources, type_hint)?;
    let lines = py.detach(|| {
        let mut lines = Vec::new();
        let _ = corpus.references(&RunOptions::default(), |r| {
            let mut line = String::new();
            write_reference(&mut line, r);
            lines.push(line);
            Ok::<(), ()>(())
        });
        lines
    });
    lines.iter().map(|line| json_loads(py, line)).collect()
}

/// Loads one file: the object `arena-recordings export` writes for it
/// (`id`, `source`, `type_hint`, `messages`, `metadata` and, when there are
/// some, `warnings`). `type_hint` forces a format (`session`, `arena`,
/// `transcript`, ...).
///
/// Raises `RecordingError` (with `kind`, `message`, `path`, `line`, `column`,
/// `offset`) when the file does not load, and `ValueError` when `path`
/// expands to more than one file.
#[pyfunction]
#[pyo3(signature = (path, type_hint=None))]
fn load<'py>(py: Python<'py>, path: PathBuf, type_hint: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let path = vec![utf8_path(path)?];
    let corpus = enumerate(py, &path, type_hint)?;
    if corpus.len() != 1 {
        return Err(PyValueError::new_err(format!(
            "load takes one file, but {} expands to {} references; use export() for several",
            path[0],
            corpus.len()
        )));
    }
    let entry = &corpus.entries()[0];
    let line = py.detach(|| {
        let mut loader = Loader::new();
        let mut first = None;
        let mut count = 0usize;
        entry.load_each(&mut loader, |piece, result| {
            count += 1;
            if first.is_none() {
                let v = Visit { index: 0, sub: 0, entry, piece, result };
                first = Some(match &v.result {
                    Ok(_) => Ok(export_line(&v)),
                    Err(e) => Err(Box::new(recording_error_args(e))),
                });
            }
        });
        (first, count)
    });
    match line {
        (Some(_), n) if n > 1 => Err(PyValueError::new_err(format!(
            "load takes one recording, but {} holds {n}; use export() or references() for files of many",
            path[0]
        ))),
        (Some(Ok(line)), _) => json_loads(py, &line),
        (Some(Err(args)), _) => Err(args.into_err(py)),
        (None, _) => Err(PyValueError::new_err(format!("{} holds no recording", path[0]))),
    }
}

/// An iterator over JSON lines made by a background corpus run, handed out
/// as Python objects.
#[pyclass(module = "arena_recordings")]
struct LineIterator {
    /// Locked only with `try_lock`, never waited for while holding the GIL
    /// (the holder releases the GIL while it waits for the workers).
    stream: Mutex<Option<OrderedStream<String>>>,
    /// `close()` was called (from any thread).
    closed: AtomicBool,
    /// How many objects were handed out.
    count: AtomicUsize,
}

impl LineIterator {
    fn new(stream: OrderedStream<String>) -> LineIterator {
        LineIterator {
            stream: Mutex::new(Some(stream)),
            closed: AtomicBool::new(false),
            count: AtomicUsize::new(0),
        }
    }

    /// The stream, unless another thread is iterating.
    fn try_stream(&self) -> Option<MutexGuard<'_, Option<OrderedStream<String>>>> {
        match self.stream.try_lock() {
            Ok(g) => Some(g),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

/// Drops a stream (which joins its run) with the GIL released.
fn stop(py: Python<'_>, stream: Option<OrderedStream<String>>) {
    py.detach(move || drop(stream));
}

#[pymethods]
impl LineIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(mut guard) = self.try_stream() else {
            return Err(PyRuntimeError::new_err("this iterator is being read by another thread"));
        };
        loop {
            if self.closed.load(Ordering::Relaxed) {
                stop(py, guard.take());
                return Ok(None);
            }
            let Some(stream) = guard.as_mut() else { return Ok(None) };
            match py.detach(|| stream.next_timeout(POLL)) {
                Next::Item(line) => {
                    self.count.fetch_add(1, Ordering::Relaxed);
                    return json_loads(py, &line).map(Some);
                }
                Next::Done => {
                    *guard = None;
                    return Ok(None);
                }
                Next::Pending => {
                    if let Err(e) = py.check_signals() {
                        // Ctrl-C: stop the run (the workers finish the files
                        // they are on) and let the exception through.
                        stop(py, guard.take());
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Stops the run now; the iterator then ends. Safe to call from any
    /// thread, also while another one is waiting in `__next__`.
    fn close(&self, py: Python<'_>) {
        self.closed.store(true, Ordering::Relaxed);
        if let Some(mut guard) = self.try_stream() {
            stop(py, guard.take());
        }
    }

    /// How many objects have been handed out so far.
    #[getter]
    fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

/// Every reference of `sources` as the objects `arena-recordings export`
/// writes, in the same order: an iterator, computed ahead by the engine's
/// workers with the GIL released and memory bounded.
///
/// A reference that fails to load is an object with an `error` member
/// (`kind`, `message`, `line`, `column`, `offset`), never an exception.
/// `threads` defaults to one per core. Ctrl-C, `close()` or dropping the
/// iterator stops the run. Raises `RecordingError` when a source matches
/// nothing.
#[pyfunction]
#[pyo3(signature = (sources, type_hint=None, threads=None))]
fn export(
    py: Python<'_>,
    sources: &Bound<'_, PyAny>,
    type_hint: Option<&str>,
    threads: Option<usize>,
) -> PyResult<LineIterator> {
    let sources = self::sources(sources)?;
    let corpus = enumerate(py, &sources, type_hint)?;
    let stream = corpus
        .stream_ordered(run_options(threads), CHANNEL, |v| export_line(&v))
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the workers: {e}")))?;
    Ok(LineIterator::new(stream))
}

/// Loads everything and returns the `arena-recordings scan --format json`
/// object: counts (files, loaded, failed, messages, tool calls, bytes),
/// messages by role, per-format counts, the first errors and warnings, and
/// the throughput.
#[pyfunction]
#[pyo3(signature = (sources, type_hint=None, threads=None))]
fn scan<'py>(
    py: Python<'py>,
    sources: &Bound<'py, PyAny>,
    type_hint: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let sources = self::sources(sources)?;
    let corpus = enumerate(py, &sources, type_hint)?;
    let opts = run_options(threads);
    let report = py.detach(|| {
        let workers = opts.effective_threads(corpus.len());
        let start = Instant::now();
        let (_, states) = corpus.fold(&opts, ScanStats::default, |s, v| s.visit(v));
        let seconds = start.elapsed().as_secs_f64();
        let mut stats = ScanStats::default();
        for s in states {
            stats.merge(s);
        }
        stats.json(&corpus, seconds, workers)
    });
    json_loads(py, &report)
}

/// One table of `sources` (`recordings`, `messages` or `tool_calls`) as an
/// Arrow stream (the Arrow PyCapsule interface, `__arrow_c_stream__`).
///
/// `pyarrow.table(x)`, `pyarrow.RecordBatchReader.from_stream(x)`,
/// `polars.DataFrame(x)` and DuckDB read it without copies; it can be read
/// once. Files load in parallel while the stream is read; batches hold
/// 8192 rows. A file that fails to load is a `recordings` row with
/// `error_kind` and `error_message` set.
#[pyfunction]
#[pyo3(signature = (sources, table="messages", type_hint=None, threads=None))]
fn to_arrow(
    py: Python<'_>,
    sources: &Bound<'_, PyAny>,
    table: &str,
    type_hint: Option<&str>,
    threads: Option<usize>,
) -> PyResult<PyRecordBatchReader> {
    let Some(table) = Table::from_name(table) else {
        return Err(PyValueError::new_err(format!(
            "unknown table {table:?}: expected \"recordings\", \"messages\" or \"tool_calls\""
        )));
    };
    let sources = self::sources(sources)?;
    let corpus = enumerate(py, &sources, type_hint)?;
    let stream = TableStream::new(corpus, run_options(threads), table)
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the workers: {e}")))?;
    Ok(PyRecordBatchReader::new(Box::new(stream)))
}

/// Runs a PromptKit Eval config over `sources` (else the config's
/// `recording.path`): an iterator of the `arena-recordings eval --format
/// jsonl` objects, one per recording, in order (`id`, `eval_id`, `passed`,
/// `results`; `error` for a recording that did not load).
///
/// Raises `ConfigError` (a `ValueError` with `path`, `line`, `column`,
/// `message`) for a config that cannot be used.
#[pyfunction]
#[pyo3(signature = (config, sources=None, threads=None, skip_judges=false))]
fn evaluate(
    py: Python<'_>,
    config: PathBuf,
    sources: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    skip_judges: bool,
) -> PyResult<LineIterator> {
    let plan = py.detach(|| Plan::load(&config)).map_err(|e| {
        let err = ConfigError::new_err(e.to_string());
        let value = err.value(py);
        let set = || -> PyResult<()> {
            value.setattr("path", e.file.to_string_lossy().into_owned())?;
            value.setattr("line", e.pos.map(|p| p.line))?;
            value.setattr("column", e.pos.map(|p| p.column))?;
            value.setattr("message", e.message.as_str())?;
            Ok(())
        };
        set().err().unwrap_or(err)
    })?;
    let sources = match sources {
        Some(s) => self::sources(s)?,
        None => Vec::new(),
    };
    let registry = Registry::new();
    let corpus =
        py.detach(|| eval_corpus(&registry, &plan, &sources)).map_err(|e| recording_error(py, &e))?;
    warn_walk_errors(py, &corpus)?;
    let plan = Arc::new(plan);
    let opts = EvalOptions { skip_judges };
    let stream = corpus
        .stream_ordered(run_options(threads), CHANNEL, move |v| {
            let id = v.id();
            let id = &*id;
            match &v.result {
                Ok(rec) => eval_line(&plan, id, Ok(&plan.evaluate(rec, &opts))),
                Err(e) => eval_line(&plan, id, Err(e)),
            }
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the workers: {e}")))?;
    Ok(LineIterator::new(stream))
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RecordingError", py.get_type::<RecordingError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add_class::<LineIterator>()?;
    m.add_function(wrap_pyfunction!(references, m)?)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(export, m)?)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(to_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
