//! `scan`'s counts and reports.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use arena_recordings::write::{Escape, JsonWriter};
use arena_recordings::{Corpus, Error, Visit};

use crate::write_error_object;

/// How many errors (and warnings) are listed, the first ones in enumeration order.
const FIRST: usize = 10;
/// Counts for one format (or for everything).
#[derive(Default, Clone)]
struct Counts {
    files: u64,
    /// References (recordings): a file may hold many.
    recordings: u64,
    loaded: u64,
    failed: u64,
    /// Loaded with no message at all.
    empty: u64,
    messages: u64,
    tool_calls: u64,
    bytes: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.files += o.files;
        self.recordings += o.recordings;
        self.loaded += o.loaded;
        self.failed += o.failed;
        self.empty += o.empty;
        self.messages += o.messages;
        self.tool_calls += o.tool_calls;
        self.bytes += o.bytes;
    }
}

/// What `scan` counts: one per worker ([`ScanStats::visit`]), merged at the
/// end ([`ScanStats::merge`]), then reported as text or JSON.
#[derive(Default)]
pub struct ScanStats {
    total: Counts,
    warnings: u64,
    files_with_warnings: u64,
    roles: BTreeMap<String, u64>,
    formats: BTreeMap<String, Counts>,
    /// The first errors in enumeration order: ((entry, recording), (id, error)).
    errors: Vec<((usize, usize), (String, Error))>,
    /// The first warnings in enumeration order: ((entry, recording), "id: warning").
    first_warnings: Vec<((usize, usize), String)>,
}

/// Keeps the `FIRST` smallest indexes of `v` after adding one item.
fn keep_first<T>(v: &mut Vec<((usize, usize), T)>, index: (usize, usize), make: impl FnOnce() -> T) {
    if v.len() >= FIRST && v.iter().all(|(i, _)| *i < index) {
        return;
    }
    v.push((index, make()));
    v.sort_by_key(|(i, _)| *i);
    v.truncate(FIRST);
}

fn bump<'m>(map: &'m mut BTreeMap<String, u64>, key: &str) -> &'m mut u64 {
    // Look up by &str first: a String is allocated only for a new key.
    if !map.contains_key(key) {
        map.insert(key.to_owned(), 0);
    }
    map.get_mut(key).expect("just inserted")
}

impl ScanStats {
    /// Counts one visited reference.
    pub fn visit(&mut self, v: Visit<'_, '_>) {
        let fmt_name = match v.piece.format.and_then(|f| f.type_hint()) {
            Some(h) => h,
            None => v.entry.adapter_name().unwrap_or("(no adapter)"),
        };
        if !self.formats.contains_key(fmt_name) {
            self.formats.insert(fmt_name.to_owned(), Counts::default());
        }
        let key = (v.index, v.sub);
        let id = v.id();
        let mut c =
            Counts { files: u64::from(v.sub == 0), recordings: 1, bytes: v.size(), ..Counts::default() };
        match v.result {
            Ok(rec) => {
                c.loaded = 1;
                c.messages = rec.messages.len() as u64;
                c.empty = u64::from(rec.messages.is_empty());
                for m in rec.messages {
                    *bump(&mut self.roles, m.role) += 1;
                    c.tool_calls += m.tool_calls.len() as u64;
                }
                if !rec.warnings.is_empty() {
                    self.warnings += rec.warnings.len() as u64;
                    self.files_with_warnings += 1;
                    keep_first(&mut self.first_warnings, key, || format!("{id}: {}", rec.warnings[0]));
                }
            }
            Err(e) => {
                c.failed = 1;
                keep_first(&mut self.errors, key, || (id.into_owned(), e));
            }
        }
        self.total.add(&c);
        if let Some(f) = self.formats.get_mut(fmt_name) {
            f.add(&c);
        }
    }

    /// Adds another worker's counts.
    pub fn merge(&mut self, o: ScanStats) {
        self.total.add(&o.total);
        self.warnings += o.warnings;
        self.files_with_warnings += o.files_with_warnings;
        for (k, n) in o.roles {
            *self.roles.entry(k).or_default() += n;
        }
        for (k, c) in o.formats {
            self.formats.entry(k).or_default().add(&c);
        }
        self.errors.extend(o.errors);
        self.errors.sort_by_key(|(i, _)| *i);
        self.errors.truncate(FIRST);
        self.first_warnings.extend(o.first_warnings);
        self.first_warnings.sort_by_key(|(i, _)| *i);
        self.first_warnings.truncate(FIRST);
    }
}

fn rate(n: f64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        n / seconds
    } else {
        0.0
    }
}

impl ScanStats {
    /// How many references (recordings) were counted, loaded and failed.
    pub fn files(&self) -> (u64, u64, u64) {
        (self.total.recordings, self.total.loaded, self.total.failed)
    }

    /// `scan`'s text report (`seconds` of work with `threads` workers).
    pub fn text(&self, corpus: &Corpus, seconds: f64, threads: usize) -> String {
        text(corpus, self, seconds, threads)
    }

    /// `scan --format json`'s object, one line.
    pub fn json(&self, corpus: &Corpus, seconds: f64, threads: usize) -> String {
        json(corpus, self, seconds, threads)
    }
}

fn text(corpus: &Corpus, s: &ScanStats, seconds: f64, threads: usize) -> String {
    let t = &s.total;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "scanned {} files{}, {} bytes in {:.3} s with {} thread{}: {:.1} MB/s, {:.0} files/s",
        t.files,
        if t.recordings == t.files { String::new() } else { format!(" ({} recordings)", t.recordings) },
        t.bytes,
        seconds,
        threads,
        if threads == 1 { "" } else { "s" },
        rate(t.bytes as f64 / 1e6, seconds),
        rate(t.files as f64, seconds),
    );
    let _ = writeln!(o, "  loaded      {}", t.loaded);
    let _ = writeln!(o, "  failed      {}", t.failed);
    let _ = writeln!(o, "  empty       {} (loaded, but no message)", t.empty);
    let _ = writeln!(o, "  warnings    {} (in {} recordings)", s.warnings, s.files_with_warnings);
    let roles: Vec<String> = s.roles.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let _ = writeln!(o, "  messages    {} ({})", t.messages, roles.join(", "));
    let _ = writeln!(o, "  tool_calls  {}", t.tool_calls);
    if !corpus.walk_errors().is_empty() {
        let _ = writeln!(
            o,
            "  skipped     {} (unreadable while walking; see stderr)",
            corpus.walk_errors().len()
        );
    }
    let _ =
        writeln!(o, "\nper format      files  recordings  loaded  failed  messages  tool_calls       bytes");
    for (name, c) in &s.formats {
        let _ = writeln!(
            o,
            "  {name:<13} {:>5}  {:>10}  {:>6}  {:>6}  {:>8}  {:>10}  {:>10}",
            c.files, c.recordings, c.loaded, c.failed, c.messages, c.tool_calls, c.bytes
        );
    }
    if !s.errors.is_empty() {
        let _ = writeln!(o, "\nfirst errors ({} of {}):", s.errors.len(), t.failed);
        for (_, (id, e)) in &s.errors {
            // The error names the file; one of many recordings is named by its id.
            if id.contains('#') {
                let _ = writeln!(o, "  {id}: {e}");
            } else {
                let _ = writeln!(o, "  {e}");
            }
        }
    }
    if !s.first_warnings.is_empty() {
        let _ = writeln!(
            o,
            "\nfirst warnings ({} of {} recordings):",
            s.first_warnings.len(),
            s.files_with_warnings
        );
        for (_, w) in &s.first_warnings {
            let _ = writeln!(o, "  {w}");
        }
    }
    o
}

fn json(corpus: &Corpus, s: &ScanStats, seconds: f64, threads: usize) -> String {
    let t = &s.total;
    let mut o = String::new();
    let mut w = JsonWriter::compact(&mut o, Escape::Go);
    fn counts(w: &mut JsonWriter<'_>, c: &Counts) {
        w.kl("files", c.files)
            .kl("recordings", c.recordings)
            .kl("loaded", c.loaded)
            .kl("failed", c.failed)
            .kl("empty", c.empty)
            .kl("messages", c.messages)
            .kl("tool_calls", c.tool_calls)
            .kl("bytes", c.bytes);
    }
    w.obj();
    counts(&mut w, t);
    w.kl("warnings", s.warnings)
        .kl("files_with_warnings", s.files_with_warnings)
        .kl("seconds", format_args!("{seconds:.6}"))
        .kl("mb_per_s", format_args!("{:.3}", rate(t.bytes as f64 / 1e6, seconds)))
        .kl("files_per_s", format_args!("{:.1}", rate(t.files as f64, seconds)))
        .kl("threads", threads);
    w.key("messages_by_role").obj();
    for (r, n) in &s.roles {
        w.kl(r, n);
    }
    w.end_obj().key("formats").obj();
    for (name, c) in &s.formats {
        w.key(name).obj();
        counts(&mut w, c);
        w.end_obj();
    }
    w.end_obj().key("errors").arr();
    for (_, (id, e)) in &s.errors {
        w.obj().kv("id", id);
        write_error_object(w.key("error"), e);
        w.end_obj();
    }
    w.end_arr().key("warnings_first").arr();
    for (_, x) in &s.first_warnings {
        w.str(x);
    }
    w.end_arr().key("skipped").arr();
    for e in corpus.walk_errors() {
        w.str(&e.to_string());
    }
    w.end_arr().end_obj();
    o.push('\n');
    o
}
