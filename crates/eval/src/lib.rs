//! # Brief overview
//!
//! `arena_eval` runs PromptKit Eval configs (`kind: Eval`, the YAML Arena
//! reads) over recordings loaded by [`arena_recordings`], without an LLM and
//! without copying them.
//!
//! * [`Plan::load`] reads a config into a compiled plan: every handler's
//!   parameters are checked once, regexes compiled once, `contains` patterns
//!   put in one Aho-Corasick automaton, JSON schemas compiled once. A bad
//!   config is a [`ConfigError`] with the file's line and column and, for
//!   a near miss, a suggestion.
//! * [`Plan::evaluate`] runs the plan on a borrowed
//!   [`Recording`] and returns a
//!   [`RecordResult`]: one [`AssertionResult`] per turn assertion and
//!   assistant message, then one per conversation assertion.
//! * Handlers that need a model or a service are never called: their
//!   results are `not_run` (or `skipped` with [`EvalOptions::skip_judges`]).
//!
//! The rules are those of EVAL.md (PromptKit Arena's eval mode), with the
//! deliberate differences listed in COMPATIBILITY.md.
//!
//! # Example
//!
//! ```
//! use arena_eval::{EvalOptions, Plan};
//! use arena_recordings::{Loader, RecordingReference, Registry};
//!
//! let yaml = r#"
//! apiVersion: promptkit.altairalabs.ai/v1alpha1
//! kind: Eval
//! metadata: {name: demo}
//! spec:
//!   description: demo
//!   recording: {path: "*.recording.json"}
//!   conversation_assertions:
//!     - type: content_excludes
//!       params: {patterns: ["as an AI"]}
//! "#;
//! let plan = Plan::parse(yaml, "demo.eval.yaml".as_ref()).unwrap();
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let registry = Registry::new();
//! let mut loader = Loader::new();
//! let reference = RecordingReference::file("corpus/eval/recordings/weather.recording.json", "");
//! let recording = registry.load_into(&reference, &mut loader).unwrap();
//! let result = plan.evaluate(&recording, &EvalOptions::default());
//! assert!(result.passed);
//! ```

mod budget;
mod config;
mod context;
mod gotext;
mod handlers;
mod params;
mod yaml;

use std::path::{Path, PathBuf};

use arena_recordings::Recording;
use regex::Regex;

pub use config::{suggest, ConfigError};
pub use handlers::{ALIASES, DETERMINISTIC, NEEDS_SERVICE};
pub use yaml::Pos;

use context::{index_results, Ctx, Prepared};
use handlers::{Handler, NEEDS_JUDGE};

/// Where an assertion applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each assistant message (`turns[].all_turns.assertions`).
    Turn,
    /// The whole conversation (`conversation_assertions`).
    Conversation,
}

impl Scope {
    /// `"turn"` or `"conversation"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Turn => "turn",
            Scope::Conversation => "conversation",
        }
    }
}

/// A `when` precondition (EVAL.md §4.5).
#[derive(Debug, Clone, Default)]
pub struct When {
    /// A call of exactly this tool is needed.
    pub tool_called: Option<String>,
    /// A call whose name matches is needed.
    pub tool_called_pattern: Option<Regex>,
    /// Some call is needed.
    pub any_tool_called: bool,
    /// At least this many calls (when > 0).
    pub min_tool_calls: i64,
}

/// What running an assertion means.
pub(crate) enum Check {
    /// A deterministic handler.
    Run(Box<Handler>),
    /// A handler that needs a model or service (what it needs).
    NeedsService(&'static str),
}

/// One compiled assertion entry.
pub struct Assertion {
    /// Where it is in the config (`conversation_assertions[2]`).
    pub location: String,
    /// Turn or conversation.
    pub scope: Scope,
    /// The type as written.
    pub written_type: String,
    /// The type after alias resolution (`assertion` for the wrapper).
    pub canonical_type: String,
    /// The handler actually run (the wrapper's `eval_type`, resolved).
    pub inner_type: String,
    /// The entry's `message` label.
    pub message: Option<String>,
    /// The precondition.
    pub when: When,
    /// `min_score` threshold.
    pub min_score: Option<f64>,
    /// `max_score` threshold.
    pub max_score: Option<f64>,
    check: Check,
}

impl Assertion {
    /// Whether this assertion needs a model or another service.
    pub fn needs_service(&self) -> bool {
        matches!(self.check, Check::NeedsService(_))
    }

    fn passes(&self, score: f64) -> bool {
        if self.min_score.is_none() && self.max_score.is_none() {
            return score >= 1.0;
        }
        self.min_score.is_none_or(|m| score >= m) && self.max_score.is_none_or(|m| score <= m)
    }
}

/// A compiled Eval config.
pub struct Plan {
    /// `spec.id`, or `metadata.name` when that is empty.
    pub eval_id: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.description`.
    pub description: String,
    /// `spec.recording.path` as written.
    pub recording_path: String,
    /// `spec.recording.type` (empty when absent).
    pub recording_type: String,
    /// The config file.
    pub config_path: PathBuf,
    /// Every assertion: turn assertions first, then conversation ones, in
    /// file order.
    pub assertions: Vec<Assertion>,
}

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// Report handlers that need a model or service as skipped (passed)
    /// instead of not run (failed).
    pub skip_judges: bool,
}

/// The outcome of one assertion on one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertionResult {
    /// Index in [`Plan::assertions`].
    pub assertion: usize,
    /// Turn or conversation.
    pub scope: Scope,
    /// For a turn: the index of the judged assistant message.
    pub turn: Option<usize>,
    /// Passed (a skip passes; not run fails).
    pub passed: bool,
    /// The handler's score before thresholds (none when skipped, not run, or
    /// the handler gave none).
    pub score: Option<f64>,
    /// Skipped: `when` not met, or a judge with `skip_judges`.
    pub skipped: bool,
    /// Needs a model or service and was not run.
    pub not_run: bool,
    /// The entry's label, or the explanation (for skipped / not run: why).
    pub message: String,
    /// The handler's own explanation.
    pub explanation: String,
}

/// The outcome of a plan on one recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordResult {
    /// Every result passed.
    pub passed: bool,
    /// Turn results (per turn assertion, per assistant message), then
    /// conversation results.
    pub results: Vec<AssertionResult>,
}

impl Plan {
    /// Loads and compiles the config file at `path`.
    pub fn load(path: &Path) -> Result<Plan, ConfigError> {
        config::load(path)
    }

    /// Compiles config `text`; `path` names it in errors and is the base of
    /// a relative `spec.recording.path`.
    pub fn parse(text: &str, path: &Path) -> Result<Plan, ConfigError> {
        config::parse(text, path)
    }

    /// `spec.recording.path` resolved against the config file's folder.
    pub fn resolved_recording_path(&self) -> String {
        let p = Path::new(&self.recording_path);
        if p.is_absolute() {
            return self.recording_path.clone();
        }
        match self.config_path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(p).to_string_lossy().into_owned(),
            _ => self.recording_path.clone(),
        }
    }

    /// Whether any assertion needs a model or another service.
    pub fn needs_service(&self) -> bool {
        self.assertions.iter().any(Assertion::needs_service)
    }

    /// Runs every assertion on `rec`.
    pub fn evaluate(&self, rec: &Recording<'_>, opts: &EvalOptions) -> RecordResult {
        let (flat, spans) = index_results(rec);
        let prep = Prepared::new(rec, &flat, &spans);
        let mut results = Vec::new();
        for (ai, a) in self.assertions.iter().enumerate().filter(|(_, a)| a.scope == Scope::Turn) {
            for (mi, m) in rec.messages.iter().enumerate() {
                if m.role == "assistant" {
                    results.push(self.one(ai, a, &prep.scope(mi), Some(mi), opts));
                }
            }
        }
        if self.assertions.iter().any(|a| a.scope == Scope::Conversation) {
            let whole = prep.whole();
            for (ai, a) in self.assertions.iter().enumerate().filter(|(_, a)| a.scope == Scope::Conversation)
            {
                results.push(self.one(ai, a, &whole, None, opts));
            }
        }
        RecordResult { passed: results.iter().all(|r| r.passed), results }
    }

    fn one(
        &self,
        ai: usize,
        a: &Assertion,
        c: &Ctx<'_, '_>,
        turn: Option<usize>,
        opts: &EvalOptions,
    ) -> AssertionResult {
        let mut r = AssertionResult {
            assertion: ai,
            scope: a.scope,
            turn,
            passed: false,
            score: None,
            skipped: false,
            not_run: false,
            message: String::new(),
            explanation: String::new(),
        };
        if let Some(reason) = unmet(&a.when, c) {
            r.passed = true;
            r.skipped = true;
            r.message = reason.clone();
            r.explanation = reason;
            return r;
        }
        let needs = match &a.check {
            Check::NeedsService(needs) => Some(format!("{} needs {needs}", a.inner_type)),
            Check::Run(h) => {
                let o = h.eval(c);
                if o.score.is_none() && o.message == NEEDS_JUDGE {
                    Some(format!("{}: {}", a.inner_type, o.message))
                } else {
                    r.score = o.score;
                    r.passed = o.score.is_some_and(|s| a.passes(s));
                    r.explanation = if a.inner_type != a.canonical_type {
                        format!("{}: {}", a.inner_type, o.message)
                    } else {
                        o.message
                    };
                    r.message = a.message.clone().unwrap_or_else(|| r.explanation.clone());
                    None
                }
            }
        };
        if let Some(why) = needs {
            if opts.skip_judges {
                r.passed = true;
                r.skipped = true;
                r.message = format!("skipped (--skip-judges): {why}");
            } else {
                r.not_run = true;
                r.message = format!("not run: {why}");
            }
            r.explanation = r.message.clone();
        }
        r
    }
}

/// The skip reason when `w` is not met on `c`.
fn unmet(w: &When, c: &Ctx<'_, '_>) -> Option<String> {
    if w.any_tool_called && c.calls.is_empty() {
        return Some("no tool calls in turn".into());
    }
    if let Some(t) = &w.tool_called {
        if !c.calls.iter().any(|k| k.name == t) {
            return Some(format!("tool {t:?} not called"));
        }
    }
    if let Some(re) = &w.tool_called_pattern {
        if !c.calls.iter().any(|k| re.is_match(k.name)) {
            return Some(format!("no tool matching pattern {:?}", re.as_str()));
        }
    }
    if w.min_tool_calls > 0 && (c.calls.len() as i64) < w.min_tool_calls {
        return Some(format!("only {} tool call(s), need {}", c.calls.len(), w.min_tool_calls));
    }
    None
}

#[cfg(test)]
mod tests;
