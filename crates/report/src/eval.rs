//! `eval --format jsonl`'s objects, and the corpus an eval config runs over.

use arena_eval::{Plan, RecordResult};
use arena_recordings::write::{go, Escape, JsonWriter};
use arena_recordings::{Corpus, Error, Registry};

use crate::write_error_object;

/// The JSON line `eval --format jsonl` writes for one recording (ending in a
/// newline): `{"id","eval_id","passed","results":[...]}` when it loaded and
/// was evaluated, `{"id","eval_id","error"}` when it did not load.
pub fn eval_line(plan: &Plan, id: &str, result: Result<&RecordResult, &Error>) -> String {
    let mut s = String::with_capacity(256);
    let mut w = JsonWriter::compact(&mut s, Escape::Go);
    w.obj().kv("id", id).kv("eval_id", &plan.eval_id);
    match result {
        Ok(r) => {
            w.kl("passed", r.passed).key("results").arr();
            for x in &r.results {
                let a = &plan.assertions[x.assertion];
                w.obj().kv("scope", x.scope.as_str());
                match x.turn {
                    Some(t) => w.kl("turn", t),
                    None => w.kl("turn", "null"),
                };
                w.kv("type", &a.written_type).kv("canonical_type", &a.canonical_type).kl("passed", x.passed);
                score_json(w.key("score"), x.score);
                w.kl("skipped", x.skipped).kl("not_run", x.not_run).kv("message", &x.message).end_obj();
            }
            w.end_arr();
        }
        Err(e) => write_error_object(w.key("error"), e),
    }
    w.end_obj();
    s.push('\n');
    s
}

/// A score as JSON: the number as Go writes a float64, or `null`.
pub fn score_json(w: &mut JsonWriter<'_>, score: Option<f64>) {
    match score {
        Some(v) if v.is_finite() => go::write_f64(w.raw(), v),
        _ => {
            w.lit("null");
        }
    }
}

/// The corpus `eval` runs `plan` over: `sources` when some are given, else
/// the config's `recording.path` relative to the config's folder. The
/// config's `recording.type` is the type hint only for files no adapter
/// claims by name (those keep their own format).
pub fn eval_corpus<S: AsRef<str>>(registry: &Registry, plan: &Plan, sources: &[S]) -> Result<Corpus, Error> {
    let hint = plan.recording_type.as_str();
    if sources.is_empty() {
        return Corpus::enumerate(registry, &[plan.resolved_recording_path()], hint);
    }
    match Corpus::enumerate(registry, sources, "") {
        Ok(c) if !hint.is_empty() && c.entries().iter().any(|e| e.adapter_name().is_none()) => {
            Corpus::enumerate(registry, sources, hint)
        }
        other => other,
    }
}
