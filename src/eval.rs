//! `eval`: run a PromptKit Eval config over a corpus, in parallel, and
//! report per recording (text, JSON Lines, JUnit XML or markdown).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use arena_eval::{EvalOptions, Plan, RecordResult};
use arena_recordings::{Corpus, Registry, RunOptions, Timestamp};
use clap::ValueEnum;

use crate::progress::Progress;
use crate::{output_error, Exit, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Some assertion failed or was not run.
pub const EXIT_ASSERTIONS: u8 = 4;

/// How many failing recordings the text summary lists.
const FIRST: usize = 10;

/// Report format of `eval`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalFormat {
    /// One line per recording, then pass rates per assertion and totals.
    Text,
    /// One JSON object per recording.
    Jsonl,
    /// JUnit XML (Arena's layout).
    Junit,
    /// Markdown report (Arena's layout).
    Markdown,
}

/// What `eval` was asked to do.
pub struct Request<'a> {
    pub config: &'a Path,
    pub sources: &'a [String],
    pub format: EvalFormat,
    pub output: Option<&'a Path>,
    pub run: RunOptions,
    pub skip_judges: bool,
}

/// What one worker made of one entry.
struct Done {
    /// The recording's reference id.
    id: String,
    /// The format's text for this recording (JSON line, text lines, XML
    /// testcase, markdown rows).
    chunk: String,
    /// Extra markdown (details section) for this recording.
    details: String,
    /// Markdown for the failed-tests section (empty when it passed).
    failed: String,
    result: Option<RecordResult>,
    error: Option<String>,
}

/// Per-assertion counts for the summary.
#[derive(Default, Clone)]
struct Counts {
    results: u64,
    passed: u64,
    skipped: u64,
    not_run: u64,
}

/// Runs `eval` and returns the exit code.
pub fn run(req: &Request<'_>) -> Result<u8, Exit> {
    let plan = Plan::load(req.config).map_err(|e| {
        eprintln!("error: {e}");
        Exit(EXIT_USAGE)
    })?;
    let registry = Registry::new();
    let corpus = enumerate(&registry, &plan, req.sources)?;
    let opts = EvalOptions { skip_judges: req.skip_judges };
    let sink: Box<dyn Write> = match req.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: cannot create {}: {e}", path.display());
                return Err(Exit(EXIT_USAGE));
            }
        },
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, sink);
    let threads = req.run.effective_threads(corpus.len());
    let progress = Progress::new(corpus.len());
    let started = SystemTime::now();
    let start = Instant::now();
    let mut per = vec![Counts::default(); plan.assertions.len()];
    let (mut recs, mut passed_recs, mut failed_loads) = (0u64, 0u64, 0u64);
    let mut first_fail: Vec<String> = Vec::new();
    let mut held: Vec<String> = Vec::new();
    let mut details = String::new();
    let mut failed_md = String::new();
    let format = req.format;
    let tally = corpus.map_ordered(
        &req.run,
        |v| {
            let t0 = Instant::now();
            let id_ = v.id();
            let id = &*id_;
            let done = match &v.result {
                Ok(rec) => {
                    let r = plan.evaluate(rec, &opts);
                    let secs = t0.elapsed().as_secs_f64();
                    let (chunk, details, failed) =
                        render(format, &plan, id, Some(&r), None, secs, rec.messages.len());
                    Done { id: id.to_owned(), chunk, details, failed, result: Some(r), error: None }
                }
                Err(e) => {
                    let (chunk, details, failed) = match format {
                        EvalFormat::Jsonl => {
                            (arena_report::eval_line(&plan, id, Err(e)), String::new(), String::new())
                        }
                        _ => {
                            let secs = t0.elapsed().as_secs_f64();
                            render(format, &plan, id, None, Some(&e.to_string()), secs, 0)
                        }
                    };
                    Done {
                        id: id.to_owned(),
                        chunk,
                        details,
                        failed,
                        result: None,
                        error: Some(e.to_string()),
                    }
                }
            };
            progress.inc(v.size());
            done
        },
        |_, d: Done| {
            recs += 1;
            match &d.result {
                Some(r) => {
                    if r.passed {
                        passed_recs += 1;
                    } else if first_fail.len() < FIRST {
                        let mut s = format!("{}:", d.id);
                        for x in r.results.iter().filter(|x| !x.passed) {
                            let a = &plan.assertions[x.assertion];
                            let _ =
                                write!(s, "\n    {} {}: {}", place(x.turn), a.written_type, x.explanation);
                        }
                        first_fail.push(s);
                    }
                    for x in &r.results {
                        let c = &mut per[x.assertion];
                        c.results += 1;
                        c.passed += u64::from(x.passed);
                        c.skipped += u64::from(x.skipped);
                        c.not_run += u64::from(x.not_run);
                    }
                }
                None => {
                    failed_loads += 1;
                    if first_fail.len() < FIRST {
                        first_fail.push(format!("{}: {}", d.id, d.error.as_deref().unwrap_or("")));
                    }
                }
            }
            match format {
                EvalFormat::Jsonl | EvalFormat::Text => out.write_all(d.chunk.as_bytes()),
                EvalFormat::Junit | EvalFormat::Markdown => {
                    held.push(d.chunk);
                    details.push_str(&d.details);
                    failed_md.push_str(&d.failed);
                    Ok(())
                }
            }
        },
    );
    progress.finish();
    tally.map_err(output_error)?;
    let seconds = start.elapsed().as_secs_f64();
    let failed_recs = recs - passed_recs - failed_loads;
    let totals =
        Totals { recs, passed: passed_recs, failed: failed_recs, errors: failed_loads, seconds, threads };
    let tail = match format {
        EvalFormat::Jsonl => String::new(),
        EvalFormat::Text => summary(&plan, &per, &first_fail, &totals, corpus.total_bytes()),
        EvalFormat::Junit => junit(&plan, &held, &totals, started),
        EvalFormat::Markdown => markdown(&plan, &held, &details, &failed_md, &totals),
    };
    out.write_all(tail.as_bytes()).and_then(|()| out.flush()).map_err(output_error)?;
    if failed_loads > 0 || !corpus.walk_errors().is_empty() {
        eprintln!("{failed_loads} of {recs} recordings failed to load");
        Ok(EXIT_FAILED)
    } else if failed_recs > 0 {
        Ok(EXIT_ASSERTIONS)
    } else {
        Ok(EXIT_OK)
    }
}

/// The sources: the command line's, or the config's `recording.path`
/// relative to the config's folder, with `recording.type` as the hint.
fn enumerate(registry: &Registry, plan: &Plan, sources: &[String]) -> Result<Corpus, Exit> {
    let result = arena_report::eval_corpus(registry, plan, sources);
    let corpus = result.map_err(|e| {
        eprintln!("error: {e}");
        Exit(EXIT_USAGE)
    })?;
    for e in corpus.walk_errors() {
        eprintln!("warning: skipped: {e}");
    }
    Ok(corpus)
}

fn place(turn: Option<usize>) -> String {
    match turn {
        Some(t) => format!("[turn {t}]"),
        None => "[conversation]".to_owned(),
    }
}

/// The per-recording chunk of `format` (and markdown details).
fn render(
    format: EvalFormat,
    plan: &Plan,
    id: &str,
    r: Option<&RecordResult>,
    error: Option<&str>,
    secs: f64,
    messages: usize,
) -> (String, String, String) {
    let mut s = String::with_capacity(256);
    let mut d = String::new();
    let mut f = String::new();
    match format {
        EvalFormat::Jsonl => {
            let r = r.expect("jsonl errors are written by the caller");
            s = arena_report::eval_line(plan, id, Ok(r));
        }
        EvalFormat::Text => match (r, error) {
            (Some(r), _) => {
                let ok = r.results.iter().filter(|x| x.passed).count();
                let _ =
                    writeln!(s, "{} {id} ({ok}/{})", if r.passed { "PASS" } else { "FAIL" }, r.results.len());
                for x in r.results.iter().filter(|x| !x.passed) {
                    let a = &plan.assertions[x.assertion];
                    let msg = if a.message.is_some() && !x.skipped && !x.not_run {
                        format!("{} ({})", x.message, x.explanation)
                    } else {
                        x.message.clone()
                    };
                    let _ = writeln!(s, "  {} {}: {}", place(x.turn), a.written_type, one_line(&msg));
                }
            }
            (None, e) => {
                let _ = writeln!(s, "ERROR {id} (0/0)\n  {}", one_line(e.unwrap_or("")));
            }
        },
        EvalFormat::Junit => {
            let _ = writeln!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{secs:.3}\">",
                xml(id),
                xml(&plan.eval_id)
            );
            match r {
                Some(r) => {
                    let bad: Vec<_> = r.results.iter().filter(|x| !x.passed).collect();
                    if !bad.is_empty() {
                        let _ = write!(
                            s,
                            "      <failure message=\"{} of {} assertions failed\" type=\"AssertionFailure\">",
                            bad.len(),
                            r.results.len()
                        );
                        for x in &bad {
                            let a = &plan.assertions[x.assertion];
                            let _ = writeln!(
                                s,
                                "- {} {}: {}",
                                place(x.turn),
                                xml(&a.written_type),
                                xml(&x.message)
                            );
                        }
                        s.push_str("</failure>\n");
                    }
                    let count = |f: fn(&arena_eval::AssertionResult) -> bool| {
                        r.results.iter().filter(|x| f(x)).count()
                    };
                    s.push_str("      <properties>\n");
                    let prop = |s: &mut String, k: &str, v: &str| {
                        let _ = writeln!(s, "        <property name=\"{}\" value=\"{}\"/>", xml(k), xml(v));
                    };
                    prop(&mut s, "assertions.total", &r.results.len().to_string());
                    prop(&mut s, "assertions.failed", &bad.len().to_string());
                    prop(&mut s, "assertions.skipped", &count(|x| x.skipped).to_string());
                    prop(&mut s, "assertions.not_run", &count(|x| x.not_run).to_string());
                    for (i, x) in r.results.iter().enumerate() {
                        let a = &plan.assertions[x.assertion];
                        prop(&mut s, &format!("assertions.{i}.type"), &a.written_type);
                        prop(&mut s, &format!("assertions.{i}.scope"), x.scope.as_str());
                        if let Some(t) = x.turn {
                            prop(&mut s, &format!("assertions.{i}.turn"), &t.to_string());
                        }
                        prop(
                            &mut s,
                            &format!("assertions.{i}.passed"),
                            if x.passed { "true" } else { "false" },
                        );
                        if let Some(sc) = x.score {
                            prop(&mut s, &format!("assertions.{i}.score"), &format!("{sc:.4}"));
                        }
                    }
                    s.push_str("      </properties>\n");
                }
                None => {
                    let e = error.unwrap_or("");
                    let _ = writeln!(
                        s,
                        "      <error message=\"{}\" type=\"LoadError\">{}</error>",
                        xml(e),
                        xml(e)
                    );
                }
            }
            s.push_str("    </testcase>\n");
        }
        EvalFormat::Markdown => {
            let status = match r {
                Some(r) if r.passed => "✅ Pass",
                Some(_) => "❌ Fail",
                None => "❌ Error",
            };
            let asserts = r.map_or("-".to_owned(), |r| {
                let ok = r.results.iter().filter(|x| x.passed).count();
                format!("{} ({ok}/{})", if r.passed { "✅" } else { "❌" }, r.results.len())
            });
            let _ = writeln!(
                s,
                "| {} | {} | {status} | {secs:.3}s | {messages} | {asserts} |",
                md(&plan.eval_id),
                md(id)
            );
            if let Some(r) = r {
                let _ = writeln!(
                    d,
                    "### {} → {} — {}\n",
                    md(&plan.eval_id),
                    md(id),
                    if r.passed { "✅ Passed" } else { "❌ Failed" }
                );
                let failed = r.results.iter().filter(|x| !x.passed).count();
                let _ = writeln!(d, "- Total: {}\n- Failed: {failed}\n", r.results.len());
                d.push_str("| Passed | Scope | Turn | Type | Score | Message |\n|---|---|---|---|---|---|\n");
                for x in &r.results {
                    let a = &plan.assertions[x.assertion];
                    let mark = if x.not_run {
                        "⏸"
                    } else if x.skipped {
                        "⊘"
                    } else if x.passed {
                        "✅"
                    } else {
                        "❌"
                    };
                    let turn = x.turn.map_or("-".to_owned(), |t| t.to_string());
                    let score = x.score.map_or("-".to_owned(), |v| format!("{v:.2}"));
                    let _ = writeln!(
                        d,
                        "| {mark} | {} | {turn} | {} | {score} | {} |",
                        x.scope.as_str(),
                        md(&a.written_type),
                        md(&x.message)
                    );
                }
                d.push('\n');
                if !r.passed {
                    let _ = writeln!(
                        f,
                        "### ❌ {} → {}\n\n- Duration: {secs:.3}s\n- Assertion Failures:",
                        md(&plan.eval_id),
                        md(id)
                    );
                    for x in r.results.iter().filter(|x| !x.passed) {
                        let a = &plan.assertions[x.assertion];
                        let _ =
                            writeln!(f, "  - `{}` {}: {}", a.written_type, place(x.turn), md(&x.explanation));
                    }
                    f.push('\n');
                }
            } else {
                let _ = writeln!(
                    f,
                    "### ❌ {} → {}\n\n- Error: {}\n",
                    md(&plan.eval_id),
                    md(id),
                    md(error.unwrap_or(""))
                );
                let _ = writeln!(
                    d,
                    "### {} → {} — ❌ Error\n\n- Error: {}\n",
                    md(&plan.eval_id),
                    md(id),
                    md(error.unwrap_or(""))
                );
            }
        }
    }
    (s, d, f)
}

fn one_line(s: &str) -> String {
    s.replace('\n', " ")
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '\n' => o.push_str("&#xA;"),
            '\t' => o.push_str("&#x9;"),
            '\r' => o.push_str("&#xD;"),
            c if (c as u32) < 0x20 => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

struct Totals {
    recs: u64,
    passed: u64,
    failed: u64,
    errors: u64,
    seconds: f64,
    threads: usize,
}

fn pct(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

fn summary(plan: &Plan, per: &[Counts], first: &[String], t: &Totals, bytes: u64) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\neval {} ({}): {} assertions",
        plan.eval_id,
        plan.config_path.display(),
        plan.assertions.len()
    );
    let _ = writeln!(
        o,
        "  {:<52} {:>9} {:>9} {:>8} {:>8} {:>7}",
        "assertion", "results", "passed", "skipped", "not_run", "rate"
    );
    for (a, c) in plan.assertions.iter().zip(per) {
        let name = format!("{} {}", a.location, a.written_type);
        let _ = writeln!(
            o,
            "  {name:<52} {:>9} {:>9} {:>8} {:>8} {:>6.1}%",
            c.results,
            c.passed,
            c.skipped,
            c.not_run,
            pct(c.passed, c.results)
        );
    }
    if !first.is_empty() {
        let _ = writeln!(o, "\nfirst failing recordings ({} of {}):", first.len(), t.failed + t.errors);
        for f in first {
            let _ = writeln!(o, "  {f}");
        }
    }
    let rate = |n: f64| if t.seconds > 0.0 { n / t.seconds } else { 0.0 };
    let _ = writeln!(
        o,
        "\n{} recordings: {} passed, {} failed, {} failed to load ({:.1}% passed) in {:.3} s with {} thread{}: {:.0} recordings/s, {:.1} MB/s",
        t.recs,
        t.passed,
        t.failed,
        t.errors,
        pct(t.passed, t.recs),
        t.seconds,
        t.threads,
        if t.threads == 1 { "" } else { "s" },
        rate(t.recs as f64),
        rate(bytes as f64 / 1e6),
    );
    o
}

fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut s = String::new();
    Timestamp::from_parts(d.as_secs() as i64, 0, 0).write_rfc3339(&mut s);
    s
}

fn junit(plan: &Plan, cases: &[String], t: &Totals, started: SystemTime) -> String {
    let mut o = String::with_capacity(cases.iter().map(String::len).sum::<usize>() + 512);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"arena-recordings eval\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
        t.recs, t.failed, t.errors, t.seconds
    );
    let _ = writeln!(
        o,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\" timestamp=\"{}\">",
        xml(&plan.eval_id),
        t.recs,
        t.failed,
        t.errors,
        t.seconds,
        rfc3339(started)
    );
    for c in cases {
        o.push_str(c);
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

fn markdown(plan: &Plan, rows: &[String], details: &str, failed: &str, t: &Totals) -> String {
    let mut o = String::new();
    o.push_str("# 🧪 PromptArena Test Results\n\n## 📊 Overview\n\n| Metric | Value |\n|---|---|\n");
    let _ = writeln!(o, "| Eval | {} |", md(&plan.eval_id));
    let _ = writeln!(o, "| Tests Run | {} |", t.recs);
    let _ = writeln!(o, "| Passed | ✅ {} |", t.passed);
    let _ = writeln!(o, "| Failed | ❌ {} |", t.failed);
    let _ = writeln!(o, "| Errors | {} |", t.errors);
    let _ = writeln!(o, "| Success Rate | {:.1}% |", pct(t.passed, t.recs));
    let _ = writeln!(o, "| Total Duration | {:.3}s |", t.seconds);
    o.push_str("\n## 🔍 Test Results\n\n| Eval | Recording | Status | Duration | Turns | Assertions |\n|---|---|---|---|---|---|\n");
    for r in rows {
        o.push_str(r);
    }
    o.push_str("\n## 🧩 Assertions\n\n");
    o.push_str(details);
    if !failed.is_empty() {
        o.push_str("## 🔍 Failed Tests\n\n");
        o.push_str(failed);
    }
    o
}
