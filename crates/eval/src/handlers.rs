//! Every deterministic handler of EVAL.md §6, compiled from its parameters
//! once ([`Handler::compile`]) and run on a scope ([`Handler::eval`]).

use std::fmt::Write as _;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde_json::{Map, Value};

use crate::budget::Budget;
use crate::context::{content_of, Call, Ctx};
use crate::gotext::{deep_equal, go_text, lower};
use crate::params::{boolean, int, map, num, string, strs, tool_names, Params};

/// What a handler gives: a score (or none), an explanation, and whether
/// the explanation is an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Score in [0, 1], or none.
    pub score: Option<f64>,
    /// Explanation (or error).
    pub message: String,
}

fn out(score: f64, message: impl Into<String>) -> Outcome {
    Outcome { score: Some(score), message: message.into() }
}

fn bool_out(pass: bool, ok: impl Into<String>, fail: impl FnOnce() -> String) -> Outcome {
    if pass {
        out(1.0, ok)
    } else {
        out(0.0, fail())
    }
}

fn ratio(found: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        (found as f64 / total as f64).min(1.0)
    }
}

/// A parameter problem found at load time: the key (if one) and why.
#[derive(Debug)]
pub struct ParamError {
    /// The offending parameter key.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

fn perr(key: &str, message: impl Into<String>) -> ParamError {
    ParamError { key: Some(key.to_owned()), message: message.into() }
}

/// The deterministic canonical handler names (EVAL.md §6).
pub const DETERMINISTIC: &[&str] = &[
    "contains",
    "regex",
    "field_presence",
    "min_length",
    "max_length",
    "sentence_count",
    "outcome_equivalent",
    "directional",
    "contains_any",
    "content_excludes",
    "pii_leakage",
    "json_valid",
    "json_schema",
    "json_path",
    "tools_called",
    "tools_not_called",
    "tools_called_session",
    "tools_not_called_session",
    "tool_args",
    "tool_args_session",
    "tool_args_excluded_session",
    "tool_calls_with_args",
    "tool_call_count",
    "tool_call_sequence",
    "tool_call_chain",
    "tool_anti_pattern",
    "tool_no_repeat",
    "tool_efficiency",
    "no_tool_errors",
    "tool_result_includes",
    "tool_result_matches",
    "tool_result_has_media",
    "tool_result_media_type",
    "invariant_fields_preserved",
    "agent_invoked",
    "agent_not_invoked",
    "agent_response_contains",
    "skill_activated",
    "skill_not_activated",
    "skill_activation_order",
    "latency_budget",
    "cost_budget",
    "guardrail_triggered",
    "workflow_complete",
    "state_is",
    "transitioned_to",
    "workflow_transition_order",
    "spoke_in_state",
    "workflow_tool_access",
    "image_format",
    "audio_format",
    "image_dimensions",
    "audio_duration",
    "video_duration",
    "video_resolution",
    "composition_step_output",
    "composition_branch_taken",
    "composition_parallel_complete",
    "composition_output",
];

/// Handlers that need a model or another service (EVAL.md §7), with what
/// they need.
pub const NEEDS_SERVICE: &[(&str, &str)] = &[
    ("llm_judge", "an LLM judge"),
    ("llm_judge_session", "an LLM judge"),
    ("llm_judge_tool_calls", "an LLM judge"),
    ("faithfulness", "an LLM judge"),
    ("answer_relevancy", "an LLM judge"),
    ("contextual_precision", "an LLM judge"),
    ("contextual_recall", "an LLM judge"),
    ("contextual_relevancy", "an LLM judge"),
    ("hallucination", "an LLM judge"),
    ("bias", "an LLM judge"),
    ("toxicity", "an LLM judge"),
    ("role_violation", "an LLM judge"),
    ("text_toxicity", "a classifier"),
    ("text_sentiment", "a classifier"),
    ("audio_emotion", "a classifier"),
    ("image_moderation", "a classifier"),
    ("cosine_similarity", "embeddings"),
    ("rest_eval", "an HTTP service"),
    ("rest_eval_session", "an HTTP service"),
    ("a2a_eval", "an agent"),
    ("a2a_eval_session", "an agent"),
    ("tool_exec", "tool execution"),
];

/// Aliases (EVAL.md §3.4): written name, canonical name.
pub const ALIASES: &[(&str, &str)] = &[
    ("content_includes", "contains"),
    ("content_includes_any", "contains_any"),
    ("content_matches", "regex"),
    ("content_not_includes", "content_excludes"),
    ("banned_words", "content_excludes"),
    ("is_valid_json", "json_valid"),
    ("valid_json", "json_valid"),
    ("tool_called", "tools_called"),
    ("tools_not_called_with_args", "tool_args_excluded_session"),
    ("llm_judge_conversation", "llm_judge_session"),
    ("length", "max_length"),
    ("max_sentences", "sentence_count"),
    ("required_fields", "field_presence"),
];

/// The canonical name of a written type, or `None` when unknown
/// (wrappers excluded).
pub fn canonical(written: &str) -> Option<&'static str> {
    if let Some((_, c)) = ALIASES.iter().find(|(a, _)| *a == written) {
        return Some(c);
    }
    DETERMINISTIC.iter().copied().chain(NEEDS_SERVICE.iter().map(|(n, _)| *n)).find(|n| *n == written)
}

/// Every name a config may use, for "did you mean".
pub fn all_names() -> impl Iterator<Item = &'static str> {
    DETERMINISTIC
        .iter()
        .copied()
        .chain(NEEDS_SERVICE.iter().map(|(n, _)| *n))
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .chain(["assertion", "guardrail"])
}

/// Case-insensitive multi-pattern search through one automaton.
///
/// The patterns are lowercased once; each haystack is lowercased before an
/// exact search (which lets the automaton use its SIMD prefilter). When the
/// patterns are all ASCII, lowering the haystack's ASCII bytes suffices
/// unless it holds one of the two non-ASCII letters whose lowercase is ASCII
/// (KELVIN SIGN, LATIN CAPITAL I WITH DOT ABOVE): an ASCII pattern can only
/// meet ASCII bytes.
pub struct Patterns {
    /// The patterns as written.
    pub written: Vec<String>,
    ac: Option<AhoCorasick>,
    /// Leftmost-first twin for "any match" (it can use the packed SIMD
    /// prefilter, which overlapping search cannot).
    ac_any: Option<AhoCorasick>,
    /// The SIMD (Teddy) searcher for "any match", when the CPU and the
    /// pattern set allow it.
    packed: Option<aho_corasick::packed::Searcher>,
    /// The patterns lowercased.
    lowered: Vec<String>,
    /// No pattern is inside another or overlaps one's end with another's
    /// start: then one leftmost scan finds every pattern that occurs.
    disjoint: bool,
    ascii: bool,
    any_empty: bool,
}

impl Patterns {
    pub(crate) fn new(written: Vec<String>) -> Patterns {
        let lowered: Vec<String> = written.iter().map(|p| lower(p)).collect();
        let ascii = lowered.iter().all(|p| p.is_ascii());
        let any_empty = written.iter().any(String::is_empty);
        let build = |kind: MatchKind| {
            if written.is_empty() {
                return None;
            }
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(kind)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&lowered)
                .or_else(|_| {
                    AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(kind).build(&lowered)
                })
                .ok()
        };
        let ac = build(MatchKind::Standard);
        let ac_any = build(MatchKind::LeftmostFirst);
        let packed = if written.is_empty() || any_empty {
            None
        } else {
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(&lowered)
                .build()
        };
        let disjoint = lowered.len() <= 64 && !any_empty && disjoint(&lowered);
        Patterns { written, ac, ac_any, packed, lowered, disjoint, ascii, any_empty }
    }

    fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// Whether the SIMD searcher is in use (tests).
    #[cfg(test)]
    pub(crate) fn has_packed(&self) -> bool {
        self.packed.is_some() && self.disjoint
    }

    /// Calls `f` with `text` lowercased (ASCII-only lowering, into a
    /// reused per-thread buffer, unless the text needs Unicode lowering).
    fn with_hay<R>(&self, text: &str, f: impl FnOnce(&[u8]) -> R) -> R {
        let needs_unicode = if self.ascii {
            // U+212A is E2 84 AA, U+0130 is C4 B0.
            let b = text.as_bytes();
            memchr::memchr2_iter(0xE2, 0xC4, b).any(|i| match b[i] {
                0xE2 => b.get(i + 1..i + 3) == Some(&[0x84, 0xAA][..]),
                _ => b.get(i + 1) == Some(&0xB0),
            })
        } else {
            !text.is_ascii()
        };
        if needs_unicode {
            return f(lower(text).as_bytes());
        }
        thread_local! {
            static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => {
                buf.clear();
                buf.extend_from_slice(text.as_bytes());
                buf.make_ascii_lowercase();
                f(&buf)
            }
            Err(_) => f(text.to_ascii_lowercase().as_bytes()),
        })
    }

    /// Which patterns occur in `text` (flags by pattern index).
    fn found(&self, text: &str, found: &mut [bool]) {
        let Some(ac) = &self.ac else { return };
        if self.any_empty {
            for (i, p) in self.written.iter().enumerate() {
                if p.is_empty() {
                    found[i] = true;
                }
            }
        }
        let mut missing = found.iter().filter(|b| !**b).count();
        if missing == 0 {
            return;
        }
        self.with_hay(text, |hay| {
            // Leftmost matches through the SIMD searcher first; only if some
            // pattern is still missing (it may overlap another), the exact
            // overlapping search decides.
            if let Some(p) = &self.packed {
                for m in p.find_iter(hay) {
                    let f = &mut found[m.pattern().as_usize()];
                    if !*f {
                        *f = true;
                        missing -= 1;
                        if missing == 0 {
                            return;
                        }
                    }
                }
                if self.disjoint {
                    return;
                }
                // A pattern hidden by an overlapping match of another: look
                // for each missing one on its own.
                for (f, pat) in found.iter_mut().zip(&self.lowered) {
                    if !*f && memchr::memmem::find(hay, pat.as_bytes()).is_some() {
                        *f = true;
                    }
                }
                return;
            }
            for m in ac.find_overlapping_iter(hay) {
                let f = &mut found[m.pattern().as_usize()];
                if !*f {
                    *f = true;
                    missing -= 1;
                    if missing == 0 {
                        break;
                    }
                }
            }
        })
    }

    /// Whether any pattern occurs in `text`.
    fn any(&self, text: &str) -> bool {
        if self.any_empty {
            return true;
        }
        if let Some(p) = &self.packed {
            return self.with_hay(text, |hay| p.find(hay).is_some());
        }
        let Some(ac) = &self.ac_any else { return false };
        self.with_hay(text, |hay| ac.is_match(hay))
    }

    /// Every pattern index occurring in `text`, in pattern order.
    fn all(&self, text: &str) -> Vec<usize> {
        let mut f = vec![false; self.written.len()];
        self.found(text, &mut f);
        f.iter().enumerate().filter(|(_, b)| **b).map(|(i, _)| i).collect()
    }
}

/// Whether no pattern contains another and no pattern's proper suffix is
/// another's prefix (so occurrences of different patterns never overlap).
pub(crate) fn disjoint(p: &[String]) -> bool {
    for (i, a) in p.iter().enumerate() {
        for (j, b) in p.iter().enumerate() {
            // A pattern overlapping itself hides nothing: one occurrence suffices.
            if i == j {
                continue;
            }
            if a.contains(b.as_str()) {
                return false;
            }
            let (a, b) = (a.as_bytes(), b.as_bytes());
            if (1..a.len().min(b.len())).any(|k| a[a.len() - k..] == b[..k]) {
                return false;
            }
        }
    }
    true
}

/// JSON extraction flags shared by the JSON handlers.
#[derive(Clone, Copy, Default)]
pub struct Extract {
    wrapped: bool,
    json: bool,
}

impl Extract {
    fn of(p: &Params) -> Extract {
        Extract {
            wrapped: boolean(p, "allow_wrapped").unwrap_or(false),
            json: boolean(p, "extract_json").unwrap_or(false),
        }
    }

    fn apply<'t>(&self, text: &'t str) -> &'t str {
        if self.wrapped {
            if let Some(b) = fenced(text) {
                return b;
            }
        }
        if self.json {
            if let Some(b) = balanced(text, b'{', b'}').or_else(|| balanced(text, b'[', b']')) {
                return b;
            }
        }
        text
    }
}

/// The body of the first ```` ```json ```` fenced block, trimmed.
fn fenced(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = text[from..].find("```") {
        let start = from + i + 3;
        let mut j = start;
        let rest = &text[start..];
        if rest.starts_with("json") {
            j += 4;
        }
        // Optional whitespace, then a newline.
        let after = &text[j..];
        let ws = after.len() - after.trim_start_matches([' ', '\t', '\r']).len();
        let k = j + ws;
        if text[k..].starts_with('\n') {
            let body_start = k + 1;
            // Shortest body: the first "\n```" after it.
            if let Some(e) = text[body_start..].find("\n```") {
                return Some(text[body_start..body_start + e].trim());
            }
            // An empty body: "```json\n```".
        }
        from = start;
    }
    None
}

/// From the first `open`, the shortest balanced span (quote-aware).
fn balanced(text: &str, open: u8, close: u8) -> Option<&str> {
    let b = text.as_bytes();
    let start = b.iter().position(|&c| c == open)?;
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for (i, &c) in b.iter().enumerate().skip(start) {
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        if c == b'"' {
            in_str = true;
        } else if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(&text[start..=i]);
            }
        }
    }
    None
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str::<Value>(text).map_err(|e| e.to_string())
}

fn valid_json(text: &str) -> Result<(), String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map(|_| ()).map_err(|e| e.to_string())
}

fn compile_regex(key: &str, pattern: &str, budget: &Budget) -> Result<Regex, ParamError> {
    budget
        .regex(&crate::gotext::go_regex(pattern))
        .map_err(|e| perr(key, format!("invalid regex {pattern:?}: {e}")))
}

/// Regexes for a mapping `arg -> pattern`.
fn regex_map(
    key: &str,
    m: Option<&Map<String, Value>>,
    budget: &Budget,
) -> Result<Vec<(String, Regex)>, ParamError> {
    let mut v = Vec::new();
    if let Some(m) = m {
        for (k, p) in m {
            let text = go_text(p, false);
            v.push((k.clone(), compile_regex(key, &text, budget)?));
        }
    }
    Ok(v)
}

/// One step of `tool_call_chain`.
pub struct ChainStep {
    tool: String,
    includes: Patterns,
    matches: Option<Regex>,
    args_match: Vec<(String, Regex)>,
    no_error: bool,
}

/// A `workflow_tool_access` rule.
pub struct AccessRule {
    state: String,
    allowed: Vec<String>,
}

/// Media bounds (`image_dimensions`, `video_resolution`, durations).
#[derive(Default)]
pub struct Bounds {
    width: Option<i64>,
    height: Option<i64>,
    min_width: Option<i64>,
    max_width: Option<i64>,
    min_height: Option<i64>,
    max_height: Option<i64>,
}

impl Bounds {
    fn of(p: &Params) -> Bounds {
        Bounds {
            width: int(p, "width"),
            height: int(p, "height"),
            min_width: int(p, "min_width"),
            max_width: int(p, "max_width"),
            min_height: int(p, "min_height"),
            max_height: int(p, "max_height"),
        }
    }

    fn ok(&self, w: i64, h: i64) -> bool {
        self.width.is_none_or(|x| w == x)
            && self.height.is_none_or(|x| h == x)
            && self.min_width.is_none_or(|x| w >= x)
            && self.max_width.is_none_or(|x| w <= x)
            && self.min_height.is_none_or(|x| h >= x)
            && self.max_height.is_none_or(|x| h <= x)
    }
}

/// A compiled deterministic handler.
#[allow(missing_docs)]
pub enum Handler {
    Contains(Patterns),
    Regex {
        pattern: Option<Regex>,
        source: String,
        expect: bool,
    },
    FieldPresence(Patterns),
    MinLength(i64),
    MaxLength {
        max: i64,
        max_tokens: i64,
    },
    SentenceCount,
    Equivalent {
        metric: String,
        tools: Option<Vec<String>>,
        state: Option<Value>,
        content: Option<String>,
        threshold: f64,
        directional: bool,
    },
    ContainsAny(Patterns),
    ContentExcludes {
        pats: Patterns,
        words: Option<Vec<Regex>>,
    },
    PiiLeakage(Vec<(&'static str, Regex)>),
    JsonValid(Extract),
    JsonSchema(Extract, Option<Box<jsonschema::Validator>>),
    JsonPath {
        extract: Extract,
        expr: String,
        expected: Option<Value>,
        contains: Option<Value>,
        min: Option<f64>,
        max: Option<f64>,
        min_results: i64,
        max_results: i64,
    },
    ToolsCalled {
        names: Vec<String>,
        min: i64,
        max: Option<i64>,
        ignore_validation: bool,
        require_args: bool,
    },
    ToolsNotCalled {
        names: Vec<String>,
        session: bool,
    },
    ToolsCalledSession {
        names: Vec<String>,
        min: i64,
    },
    ToolArgs {
        tool: String,
        expected: Vec<(String, Value)>,
        session: bool,
    },
    ToolArgsExcluded {
        tool: String,
        forbidden: Vec<(String, Vec<Value>)>,
    },
    ToolCallsWithArgs {
        tool: String,
        expected: Vec<(String, Value)>,
        args_match: Vec<(String, Regex)>,
        includes: Patterns,
        matches: Option<Regex>,
        no_error: bool,
    },
    ToolCallCount {
        tool: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    ToolCallSequence(Vec<String>),
    ToolCallChain(Vec<ChainStep>),
    ToolAntiPattern(Vec<(Vec<String>, String)>),
    ToolNoRepeat {
        tools: Vec<String>,
        max: i64,
    },
    ToolEfficiency {
        max_calls: Option<i64>,
        max_errors: Option<i64>,
        max_rate: Option<f64>,
    },
    NoToolErrors(Vec<String>),
    ToolResultIncludes {
        tool: String,
        pats: Patterns,
        occurrence: i64,
    },
    ToolResultMatches {
        tool: String,
        re: Option<Regex>,
        occurrence: i64,
    },
    ToolResultHasMedia {
        tool: String,
        media_type: String,
    },
    ToolResultMediaType {
        tool: String,
        mime: String,
    },
    InvariantFields {
        tool: String,
        fields: Vec<String>,
    },
    AgentInvoked(Vec<String>),
    AgentNotInvoked(Vec<String>),
    AgentResponseContains {
        agent: String,
        contains: String,
    },
    SkillActivated {
        names: Vec<String>,
        min: i64,
    },
    SkillNotActivated(Vec<String>),
    SkillActivationOrder(Vec<String>),
    LatencyBudget(Option<f64>),
    CostBudget {
        usd: Option<f64>,
        input: Option<i64>,
        output: Option<i64>,
        total: Option<i64>,
    },
    GuardrailTriggered {
        validator: String,
        should: bool,
        direction: String,
    },
    WorkflowComplete,
    StateIs(String),
    TransitionedTo(String),
    TransitionOrder(Vec<String>),
    SpokeInState(String),
    WorkflowToolAccess(Vec<AccessRule>),
    MediaFormat {
        kind: &'static str,
        formats: Vec<String>,
    },
    ImageDimensions(Bounds),
    Duration {
        kind: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    },
    VideoResolution {
        presets: Vec<String>,
        bounds: Bounds,
    },
    Composition,
}

fn expected_args(m: Option<&Map<String, Value>>) -> Vec<(String, Value)> {
    m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

fn opt_regex(p: &Params, key: &str, budget: &Budget) -> Result<Option<Regex>, ParamError> {
    let s = string(p, key);
    if s.is_empty() {
        Ok(None)
    } else {
        compile_regex(key, &s, budget).map(Some)
    }
}

fn positive(p: &Params, keys: &[&str]) -> Option<i64> {
    keys.iter().filter_map(|k| int(p, k)).find(|v| *v != 0)
}

impl Handler {
    /// Compiles the handler `canonical` from normalised params. Errors are
    /// the load-time checks (§3.6) plus invalid regexes and schemas.
    pub fn compile(canonical: &str, p: &Params, budget: &Budget) -> Result<Handler, ParamError> {
        use Handler as H;
        Ok(match canonical {
            "contains" => H::Contains(Patterns::new(strs(p, "patterns"))),
            "regex" => {
                let source = string(p, "pattern");
                H::Regex {
                    pattern: opt_regex(p, "pattern", budget)?,
                    source,
                    expect: boolean(p, "expect_match").unwrap_or(true),
                }
            }
            "field_presence" => H::FieldPresence(Patterns::new(strs(p, "fields"))),
            "min_length" => match positive(p, &["min", "min_characters", "min_chars"]) {
                Some(v) if v > 0 => H::MinLength(v),
                _ => {
                    return Err(perr(
                        "min",
                        "min_length needs a positive integer 'min' (or 'min_characters', 'min_chars')",
                    ))
                }
            },
            "max_length" => match positive(p, &["max", "max_characters", "max_chars"]) {
                Some(v) if v > 0 => H::MaxLength { max: v, max_tokens: int(p, "max_tokens").unwrap_or(0) },
                _ => {
                    return Err(perr(
                        "max",
                        "max_length needs a positive integer 'max' (or 'max_characters', 'max_chars')",
                    ))
                }
            },
            "sentence_count" => H::SentenceCount,
            "outcome_equivalent" | "directional" => {
                let directional = canonical == "directional";
                let (mk, tk, sk, ck) = if directional {
                    ("check", "baseline_tools", "baseline_state", "baseline_content")
                } else {
                    ("metric", "expected_tools", "expected_state", "expected_content")
                };
                let tools = match p.get(tk) {
                    Some(Value::Array(_)) => Some(strs(p, tk)).filter(|v| !v.is_empty()),
                    _ => None,
                };
                H::Equivalent {
                    metric: string(p, mk),
                    tools,
                    state: p.get(sk).filter(|v| !v.is_null() && v.as_str() != Some("")).cloned(),
                    content: p.get(ck).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned),
                    threshold: num(p, "threshold").unwrap_or(0.5),
                    directional,
                }
            }
            "contains_any" => H::ContainsAny(Patterns::new(strs(p, "patterns"))),
            "content_excludes" => {
                let pats = strs(p, "patterns");
                let words = if string(p, "match_mode") == "word_boundary" {
                    let mut v = Vec::new();
                    for w in &pats {
                        let re = format!(r"(?i)(?-u:\b){}(?-u:\b)", regex::escape(w));
                        v.push(compile_regex("patterns", &re, budget)?);
                    }
                    Some(v)
                } else {
                    None
                };
                H::ContentExcludes { pats: Patterns::new(pats), words }
            }
            "pii_leakage" => {
                let b = r"(?-u:\b)";
                let mk = |s: String| Regex::new(&s).map_err(|e| perr("pii_leakage", e.to_string()));
                H::PiiLeakage(vec![
                    ("email", mk(format!(r"(?i){b}[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{{2,}}{b}"))?),
                    ("ssn", mk(format!(r"{b}[0-9]{{3}}-[0-9]{{2}}-[0-9]{{4}}{b}"))?),
                    (
                        "credit_card",
                        mk(format!(r"{b}[0-9]{{4}}[ -]?[0-9]{{4}}[ -]?[0-9]{{4}}[ -]?[0-9]{{4}}{b}"))?,
                    ),
                ])
            }
            "json_valid" => H::JsonValid(Extract::of(p)),
            "json_schema" => {
                let v = match p.get("schema") {
                    Some(s @ Value::Object(_)) => Some(Box::new(
                        jsonschema::validator_for(s)
                            .map_err(|e| perr("schema", format!("invalid JSON schema: {e}")))?,
                    )),
                    Some(Value::Null) | None => None,
                    Some(_) => return Err(perr("schema", "schema must be a mapping")),
                };
                H::JsonSchema(Extract::of(p), v)
            }
            "json_path" => {
                let expr = string(p, "expression");
                if !expr.is_empty() {
                    if let Err(e) = jmespath::compile(&expr) {
                        return Err(perr("expression", format!("invalid JMESPath expression: {e}")));
                    }
                }
                H::JsonPath {
                    extract: Extract::of(p),
                    expr,
                    expected: p.get("expected").cloned(),
                    contains: p.get("contains").cloned(),
                    min: num(p, "min"),
                    max: num(p, "max"),
                    min_results: int(p, "min_results").unwrap_or(0),
                    max_results: int(p, "max_results").unwrap_or(0),
                }
            }
            "tools_called" => H::ToolsCalled {
                names: tool_names(p),
                min: int(p, "min_calls").unwrap_or(1),
                max: int(p, "max_calls"),
                ignore_validation: boolean(p, "ignore_validation").unwrap_or(false),
                require_args: boolean(p, "require_args").unwrap_or(false),
            },
            "tools_not_called" => H::ToolsNotCalled { names: tool_names(p), session: false },
            "tools_not_called_session" => H::ToolsNotCalled { names: tool_names(p), session: true },
            "tools_called_session" => H::ToolsCalledSession {
                names: tool_names(p),
                min: int(p, "min_calls").filter(|v| *v > 0).unwrap_or(1),
            },
            "tool_args" | "tool_args_session" => H::ToolArgs {
                tool: string(p, "tool_name"),
                expected: expected_args(map(p, "expected_args")),
                session: canonical == "tool_args_session",
            },
            "tool_args_excluded_session" => {
                let mut forbidden = Vec::new();
                match map(p, "excluded_args").filter(|m| !m.is_empty()) {
                    Some(m) => {
                        for (k, v) in m {
                            forbidden.push((k.clone(), vec![v.clone()]));
                        }
                    }
                    None => {
                        if let Some(m) = map(p, "forbidden_args") {
                            for (k, v) in m {
                                let vals = match v {
                                    Value::Array(a) => a.clone(),
                                    v => vec![v.clone()],
                                };
                                forbidden.push((k.clone(), vals));
                            }
                        }
                    }
                }
                H::ToolArgsExcluded { tool: string(p, "tool_name"), forbidden }
            }
            "tool_calls_with_args" => H::ToolCallsWithArgs {
                tool: string(p, "tool_name"),
                expected: expected_args(map(p, "expected_args")),
                args_match: regex_map("args_match", map(p, "args_match"), budget)?,
                includes: Patterns::new(strs(p, "result_includes")),
                matches: opt_regex(p, "result_matches", budget)?,
                no_error: boolean(p, "no_error").unwrap_or(false),
            },
            "tool_call_count" => {
                H::ToolCallCount { tool: string(p, "tool"), min: int(p, "min"), max: int(p, "max") }
            }
            "tool_call_sequence" => H::ToolCallSequence(strs(p, "sequence")),
            "tool_call_chain" => {
                let mut steps = Vec::new();
                if let Some(Value::Array(items)) = p.get("steps") {
                    for s in items {
                        let Some(s) = s.as_object() else { continue };
                        steps.push(ChainStep {
                            tool: string(s, "tool"),
                            includes: Patterns::new(strs(s, "result_includes")),
                            matches: opt_regex(s, "result_matches", budget)
                                .map_err(|e| perr("steps", e.message))?,
                            args_match: regex_map("steps", map(s, "args_match"), budget)?,
                            no_error: boolean(s, "no_error").unwrap_or(false),
                        });
                    }
                }
                H::ToolCallChain(steps)
            }
            "tool_anti_pattern" => {
                let mut v = Vec::new();
                if let Some(Value::Array(items)) = p.get("patterns") {
                    for it in items {
                        let Some(o) = it.as_object() else { continue };
                        let seq = strs(o, "sequence");
                        if !seq.is_empty() {
                            v.push((seq, string(o, "message")));
                        }
                    }
                }
                H::ToolAntiPattern(v)
            }
            "tool_no_repeat" => {
                H::ToolNoRepeat { tools: strs(p, "tools"), max: int(p, "max_repeats").unwrap_or(1) }
            }
            "tool_efficiency" => H::ToolEfficiency {
                max_calls: int(p, "max_calls"),
                max_errors: int(p, "max_errors"),
                max_rate: num(p, "max_error_rate"),
            },
            "no_tool_errors" => H::NoToolErrors(strs(p, "tools")),
            "tool_result_includes" => H::ToolResultIncludes {
                tool: string(p, "tool"),
                pats: Patterns::new(strs(p, "patterns")),
                occurrence: int(p, "occurrence").unwrap_or(1),
            },
            "tool_result_matches" => H::ToolResultMatches {
                tool: string(p, "tool"),
                re: opt_regex(p, "pattern", budget)?,
                occurrence: int(p, "occurrence").unwrap_or(1),
            },
            "tool_result_has_media" => {
                H::ToolResultHasMedia { tool: string(p, "tool"), media_type: string(p, "media_type") }
            }
            "tool_result_media_type" => {
                H::ToolResultMediaType { tool: string(p, "tool"), mime: string(p, "mime_type") }
            }
            "invariant_fields_preserved" => {
                H::InvariantFields { tool: string(p, "tool"), fields: strs(p, "fields") }
            }
            "agent_invoked" => H::AgentInvoked(strs(p, "agents")),
            "agent_not_invoked" => H::AgentNotInvoked(strs(p, "agents")),
            "agent_response_contains" => {
                H::AgentResponseContains { agent: string(p, "agent"), contains: string(p, "contains") }
            }
            "skill_activated" => {
                H::SkillActivated { names: strs(p, "skill_names"), min: int(p, "min_calls").unwrap_or(1) }
            }
            "skill_not_activated" => H::SkillNotActivated(strs(p, "skill_names")),
            "skill_activation_order" => H::SkillActivationOrder(strs(p, "sequence")),
            "latency_budget" => H::LatencyBudget(num(p, "max_ms")),
            "cost_budget" => H::CostBudget {
                usd: num(p, "max_cost_usd"),
                input: int(p, "max_input_tokens"),
                output: int(p, "max_output_tokens"),
                total: int(p, "max_total_tokens"),
            },
            "guardrail_triggered" => {
                let mut validator = string(p, "validator_type");
                if validator.is_empty() {
                    validator = string(p, "validator");
                }
                if validator.is_empty() {
                    return Err(perr(
                        "validator_type",
                        "guardrail_triggered needs a non-empty 'validator_type' (or 'validator')",
                    ));
                }
                let direction = string(p, "direction");
                if !matches!(direction.as_str(), "" | "input" | "output" | "both") {
                    return Err(perr(
                        "direction",
                        format!("direction must be input, output or both, not {direction:?}"),
                    ));
                }
                H::GuardrailTriggered {
                    validator,
                    should: boolean(p, "should_trigger").unwrap_or(true),
                    direction,
                }
            }
            "workflow_complete" => H::WorkflowComplete,
            "state_is" | "spoke_in_state" => {
                let s = string(p, "state");
                if s.is_empty() {
                    return Err(perr("state", format!("{canonical} needs a non-empty string 'state'")));
                }
                if canonical == "state_is" {
                    H::StateIs(s)
                } else {
                    H::SpokeInState(s)
                }
            }
            "transitioned_to" => H::TransitionedTo(string(p, "state")),
            "workflow_transition_order" => H::TransitionOrder(strs(p, "sequence")),
            "workflow_tool_access" => {
                let mut rules = Vec::new();
                if let Some(Value::Array(items)) = p.get("rules") {
                    for r in items {
                        let Some(o) = r.as_object() else { continue };
                        let state = string(o, "state");
                        if !state.is_empty() {
                            rules.push(AccessRule { state, allowed: strs(o, "allowed") });
                        }
                    }
                }
                H::WorkflowToolAccess(rules)
            }
            "image_format" => H::MediaFormat { kind: "image", formats: strs(p, "formats") },
            "audio_format" => H::MediaFormat { kind: "audio", formats: strs(p, "formats") },
            "image_dimensions" => H::ImageDimensions(Bounds::of(p)),
            "audio_duration" | "video_duration" => H::Duration {
                kind: if canonical == "audio_duration" { "audio" } else { "video" },
                min: num(p, "min_seconds"),
                max: num(p, "max_seconds"),
            },
            "video_resolution" => H::VideoResolution { presets: strs(p, "presets"), bounds: Bounds::of(p) },
            _ if canonical.starts_with("composition_") => H::Composition,
            other => return Err(ParamError { key: None, message: format!("no handler {other:?}") }),
        })
    }

    /// Runs the handler on a scope.
    pub fn eval(&self, c: &Ctx<'_, '_>) -> Outcome {
        use Handler as H;
        match self {
            H::Contains(p) => {
                if p.is_empty() {
                    return out(0.0, "no patterns specified");
                }
                let mut f = vec![false; p.written.len()];
                p.found(c.output, &mut f);
                let n = f.iter().filter(|b| **b).count();
                if n == f.len() {
                    out(1.0, "all patterns found")
                } else {
                    let missing: Vec<&str> =
                        p.written.iter().zip(&f).filter(|(_, b)| !**b).map(|(w, _)| w.as_str()).collect();
                    out(ratio(n, f.len()), format!("missing patterns: {}", missing.join(", ")))
                }
            }
            H::Regex { pattern, source, expect } => {
                let Some(re) = pattern else { return out(0.0, "no pattern specified") };
                let m = re.is_match(c.output);
                let msg = format!("pattern {source:?} matched: {m} (expect_match: {expect})");
                out(if m == *expect { 1.0 } else { 0.0 }, msg)
            }
            H::FieldPresence(p) => {
                if p.is_empty() {
                    return out(1.0, "no fields to check");
                }
                let mut f = vec![false; p.written.len()];
                p.found(c.output, &mut f);
                let n = f.iter().filter(|b| **b).count();
                let missing: Vec<&str> =
                    p.written.iter().zip(&f).filter(|(_, b)| !**b).map(|(w, _)| w.as_str()).collect();
                let mut msg = format!("found {n}/{} fields", f.len());
                if !missing.is_empty() {
                    let _ = write!(msg, ": missing {}", missing.join(", "));
                }
                out(ratio(n, f.len()), msg)
            }
            H::MinLength(min) => {
                let len = c.output.len() as i64;
                out((len as f64 / *min as f64).min(1.0), format!("length {len}, min {min}"))
            }
            H::MaxLength { max, max_tokens } => {
                let len = c.output.len() as i64;
                let mut score = if len == 0 { 1.0 } else { (*max as f64 / len as f64).min(1.0) };
                let mut msg = format!("length {len}, max {max}");
                if *max_tokens > 0 {
                    let tokens = len / 4;
                    if tokens > *max_tokens {
                        score = score.min(*max_tokens as f64 / tokens as f64);
                    }
                    let _ = write!(msg, "; tokens ~{tokens}, max_tokens {max_tokens}");
                }
                out(score, msg)
            }
            H::SentenceCount => {
                let t = c.output.trim();
                let n = if t.is_empty() {
                    0
                } else {
                    t.split(['.', '!', '?']).filter(|s| !s.trim().is_empty()).count()
                };
                out(1.0, format!("{n} sentence(s)"))
            }
            H::Equivalent { metric, tools, state, content, threshold, directional } => {
                equivalent(c, metric, tools, state, content, *threshold, *directional)
            }
            H::ContainsAny(p) => {
                if p.is_empty() {
                    return out(0.0, "no patterns specified");
                }
                let assistants = || c.msgs.iter().filter(|m| m.role.eq_ignore_ascii_case("assistant"));
                let Some(hit) = assistants().find(|m| p.any(&content_of(m))) else {
                    return out(
                        0.0,
                        format!("no assistant message contained any of: {}", p.written.join(", ")),
                    );
                };
                let mut f = vec![false; p.written.len()];
                p.found(&content_of(hit), &mut f);
                let hits: Vec<&str> =
                    p.written.iter().zip(&f).filter(|(_, b)| **b).map(|(w, _)| w.as_str()).collect();
                bool_out(!hits.is_empty(), format!("matched patterns: {}", hits.join(", ")), || {
                    format!("no assistant message contained any of: {}", p.written.join(", "))
                })
            }
            H::ContentExcludes { pats, words } => {
                if pats.is_empty() {
                    return out(1.0, "no patterns to check");
                }
                let mut found = Vec::new();
                for (i, m) in
                    c.msgs.iter().enumerate().filter(|(_, m)| m.role.eq_ignore_ascii_case("assistant"))
                {
                    let text = content_of(m);
                    match words {
                        Some(res) => {
                            for (j, re) in res.iter().enumerate() {
                                if re.is_match(&text) {
                                    found.push(format!("turn {i} contains {:?}", pats.written[j]));
                                }
                            }
                        }
                        None if !pats.any(&text) => {}
                        None => {
                            for j in pats.all(&text) {
                                found.push(format!("turn {i} contains {:?}", pats.written[j]));
                            }
                        }
                    }
                }
                bool_out(found.is_empty(), "no forbidden content", || {
                    format!("forbidden content found: {}", found.join("; "))
                })
            }
            H::PiiLeakage(res) => {
                for (name, re) in res {
                    if re.is_match(c.output) {
                        return out(0.0, format!("regex pre-pass detected {name}"));
                    }
                }
                // The caller turns this into not_run (the LLM judge is needed).
                Outcome { score: None, message: NEEDS_JUDGE.into() }
            }
            H::JsonValid(x) => match valid_json(x.apply(c.output)) {
                Ok(()) => out(1.0, "valid JSON"),
                Err(e) => out(0.0, format!("invalid JSON: {e}")),
            },
            H::JsonSchema(x, v) => {
                let Some(v) = v else { return out(0.0, "no schema provided") };
                let doc = match parse_json(x.apply(c.output)) {
                    Ok(d) => d,
                    Err(e) => return out(0.0, format!("output is not valid JSON: {e}")),
                };
                let errs: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
                bool_out(errs.is_empty(), "valid against schema", || {
                    format!("schema violations: {}", errs.join("; "))
                })
            }
            H::JsonPath { extract, expr, expected, contains, min, max, min_results, max_results } => {
                json_path(c, *extract, expr, expected, contains, *min, *max, *min_results, *max_results)
            }
            H::ToolsCalled { names, min, max, ignore_validation, require_args } => {
                if names.is_empty() {
                    return out(0.0, "no tool names specified");
                }
                let (mut missing, mut over) = (Vec::new(), Vec::new());
                for n in names {
                    let count = c
                        .calls
                        .iter()
                        .filter(|k| k.name == n)
                        .filter(|k| {
                            let e = c.error(k);
                            e.is_empty() || (*ignore_validation && c.error_type(k) == "validation")
                        })
                        .filter(|k| !*require_args || k.has_args())
                        .count() as i64;
                    if count < *min {
                        missing.push(format!("{n} (called {count}, need {min})"));
                    }
                    if let Some(mx) = max {
                        if count > *mx {
                            over.push(format!("{n} (called {count}, max {mx})"));
                        }
                    }
                }
                if !over.is_empty() {
                    return out(0.0, format!("tools called too many times: {}", over.join(", ")));
                }
                let score = ratio(names.len() - missing.len(), names.len());
                if missing.is_empty() {
                    out(score, "all required tools called")
                } else {
                    out(score, format!("tools not called enough: {}", missing.join(", ")))
                }
            }
            H::ToolsNotCalled { names, session } => {
                if names.is_empty() {
                    return if *session {
                        out(1.0, "no tools to check")
                    } else {
                        out(0.0, "no tool names specified")
                    };
                }
                let mut hits = Vec::new();
                for k in c.calls.iter().filter(|k| names.iter().any(|n| n == k.name)) {
                    hits.push(if *session {
                        format!("{} at turn {}", k.name, k.turn)
                    } else {
                        k.name.to_owned()
                    });
                }
                if !*session {
                    hits.dedup();
                }
                bool_out(hits.is_empty(), "no forbidden tools called", || {
                    format!("forbidden tools were called: {}", hits.join(", "))
                })
            }
            H::ToolsCalledSession { names, min } => {
                if names.is_empty() {
                    return out(1.0, "no tools required");
                }
                let mut missing = Vec::new();
                for n in names {
                    let count = c.calls.iter().filter(|k| k.name == n).count() as i64;
                    if count < *min {
                        missing.push(format!("{n} (got {count}, need {min})"));
                    }
                }
                let score = ratio(names.len() - missing.len(), names.len());
                if missing.is_empty() {
                    out(score, "all required tools called")
                } else {
                    out(score, format!("missing required tools: {}", missing.join(", ")))
                }
            }
            H::ToolArgs { tool, expected, session } => {
                if tool.is_empty() {
                    return out(0.0, "no tool_name specified");
                }
                if expected.is_empty() {
                    return if *session {
                        out(1.0, "no expected args")
                    } else {
                        out(0.0, "no expected_args specified")
                    };
                }
                let calls: Vec<&Call> = c.calls.iter().filter(|k| k.name == tool).collect();
                if calls.is_empty() {
                    return out(0.0, format!("tool {tool:?} was not called"));
                }
                let mut last = Vec::new();
                for k in &calls {
                    last.clear();
                    for (name, want) in expected {
                        match k.args().and_then(|a| a.get(name)) {
                            None => last.push(format!("missing arg {name:?}")),
                            Some(got) => {
                                let (g, w) = (go_text(got, true), go_text(want, false));
                                if g != w {
                                    last.push(format!("arg {name:?}: got {g}, want {w}"));
                                }
                            }
                        }
                    }
                    if last.is_empty() {
                        return out(1.0, format!("{tool} called with expected args"));
                    }
                }
                out(0.0, last.join("; "))
            }
            H::ToolArgsExcluded { tool, forbidden } => {
                if tool.is_empty() {
                    return out(0.0, "no tool_name specified");
                }
                let mut hits = Vec::new();
                for k in c.calls.iter().filter(|k| k.name == tool) {
                    let Some(a) = k.args() else { continue };
                    for (name, vals) in forbidden {
                        if let Some(got) = a.get(name) {
                            let g = go_text(got, true);
                            if vals.iter().any(|v| go_text(v, false) == g) {
                                hits.push(format!("turn {}: {name}={g}", k.turn));
                            }
                        }
                    }
                }
                bool_out(hits.is_empty(), "no excluded args", || {
                    format!("excluded args found: {}", hits.join(", "))
                })
            }
            H::ToolCallsWithArgs { tool, expected, args_match, includes, matches, no_error } => {
                let calls: Vec<&Call> =
                    c.calls.iter().filter(|k| tool.is_empty() || k.name == tool).collect();
                if !tool.is_empty() && calls.is_empty() {
                    return out(0.0, format!("tool {tool:?} was not called"));
                }
                let mut violations = Vec::new();
                for k in &calls {
                    let args = k.args();
                    for (name, want) in expected {
                        match args.and_then(|a| a.get(name)) {
                            None => violations.push(format!("{}: missing arg {name:?}", k.name)),
                            Some(got) if !want.is_null() => {
                                let (g, w) = (go_text(got, true), go_text(want, false));
                                if g != w {
                                    violations.push(format!("{}: arg {name:?} got {g}, want {w}", k.name));
                                }
                            }
                            Some(_) => {}
                        }
                    }
                    for (name, re) in args_match {
                        match args.and_then(|a| a.get(name)) {
                            None => violations.push(format!("{}: missing arg {name:?}", k.name)),
                            Some(got) => {
                                if !re.is_match(&go_text(got, true)) {
                                    violations.push(format!(
                                        "{}: arg {name:?} does not match {}",
                                        k.name,
                                        re.as_str()
                                    ));
                                }
                            }
                        }
                    }
                    if *no_error {
                        let e = c.error(k);
                        if !e.is_empty() {
                            violations.push(format!("{}: error {e}", k.name));
                        }
                    }
                    if !includes.is_empty() || matches.is_some() {
                        let text = c.result_text(k);
                        let mut f = vec![false; includes.written.len()];
                        includes.found(&text, &mut f);
                        for (w, b) in includes.written.iter().zip(&f) {
                            if !*b {
                                violations.push(format!("{}: result missing {w:?}", k.name));
                            }
                        }
                        if let Some(re) = matches {
                            if !re.is_match(&text) {
                                violations.push(format!("{}: result does not match {}", k.name, re.as_str()));
                            }
                        }
                    }
                }
                let msg = format!("{} matching call(s), {} violation(s)", calls.len(), violations.len());
                if violations.is_empty() {
                    out(1.0, msg)
                } else {
                    out(0.0, format!("{msg}: {}", violations.join("; ")))
                }
            }
            H::ToolCallCount { tool, min, max } => {
                let n = c.calls.iter().filter(|k| tool.is_empty() || k.name == tool).count() as i64;
                if let Some(mn) = min {
                    if n < *mn {
                        return out(0.0, format!("expected at least {mn} call(s), got {n}"));
                    }
                }
                if let Some(mx) = max {
                    if n > *mx {
                        return out(0.0, format!("expected at most {mx} call(s), got {n}"));
                    }
                }
                out(1.0, format!("{n} call(s)"))
            }
            H::ToolCallSequence(seq) => {
                let matched = subsequence(c.calls.iter().map(|k| k.name), seq);
                if matched == seq.len() {
                    out(1.0, "sequence complete")
                } else {
                    out(
                        ratio(matched, seq.len()),
                        format!(
                            "sequence incomplete: matched {matched}/{}, missing {:?}",
                            seq.len(),
                            seq[matched]
                        ),
                    )
                }
            }
            H::ToolCallChain(steps) => chain(c, steps),
            H::ToolAntiPattern(pats) => {
                let mut found = Vec::new();
                for (seq, msg) in pats {
                    if subsequence(c.calls.iter().map(|k| k.name), seq) == seq.len() {
                        found.push(format!("[{}]: {msg}", seq.join(" → ")));
                    }
                }
                bool_out(found.is_empty(), "no anti-patterns", || {
                    format!("found {} anti-pattern(s): {}", found.len(), found.join("; "))
                })
            }
            H::ToolNoRepeat { tools, max } => {
                let mut violations = Vec::new();
                let mut i = 0;
                while i < c.calls.len() {
                    let name = c.calls[i].name;
                    let mut j = i;
                    while j < c.calls.len() && c.calls[j].name == name {
                        j += 1;
                    }
                    let run = (j - i) as i64;
                    if run > *max && (tools.is_empty() || tools.iter().any(|t| t == name)) {
                        violations.push(format!("{name} repeated {run} times (max {max})"));
                    }
                    i = j;
                }
                bool_out(violations.is_empty(), "no repeated calls", || violations.join("; "))
            }
            H::ToolEfficiency { max_calls, max_errors, max_rate } => {
                if max_calls.is_none() && max_errors.is_none() && max_rate.is_none() {
                    return out(0.0, "no limits specified (max_calls, max_errors, max_error_rate)");
                }
                let calls = c.calls.len() as i64;
                let errors = c.calls.iter().filter(|k| !c.error(k).is_empty()).count() as i64;
                if let Some(m) = max_calls {
                    if calls > *m {
                        return out(0.0, format!("{calls} calls exceed max_calls {m}"));
                    }
                }
                if let Some(m) = max_errors {
                    if errors > *m {
                        return out(0.0, format!("{errors} errors exceed max_errors {m}"));
                    }
                }
                if let Some(r) = max_rate {
                    if calls > 0 && errors as f64 / calls as f64 > *r {
                        return out(
                            0.0,
                            format!("error rate {:.2} exceeds {r}", errors as f64 / calls as f64),
                        );
                    }
                }
                let score = match max_calls {
                    Some(m) if *m > 0 => 1.0 - calls as f64 / *m as f64,
                    _ => 1.0,
                };
                out(score, format!("{calls} call(s), {errors} error(s)"))
            }
            H::NoToolErrors(tools) => {
                let mut errs = Vec::new();
                let mut total = 0usize;
                for k in c.calls.iter().filter(|k| tools.is_empty() || tools.iter().any(|t| t == k.name)) {
                    total += 1;
                    let e = c.error(k);
                    if !e.is_empty() {
                        errs.push(format!("{}: {e}", k.name));
                    }
                }
                if errs.is_empty() {
                    out(1.0, "no tool errors")
                } else {
                    let all = c.calls.len().max(total);
                    out(
                        1.0 - errs.len() as f64 / all as f64,
                        format!("tool errors found: {}", errs.join(", ")),
                    )
                }
            }
            H::ToolResultIncludes { tool, pats, occurrence } => {
                if pats.is_empty() {
                    return out(0.0, "no patterns specified");
                }
                let mut n = 0i64;
                for k in c.calls.iter().filter(|k| tool.is_empty() || k.name == tool) {
                    let mut f = vec![false; pats.written.len()];
                    pats.found(&c.result_text(k), &mut f);
                    if f.iter().all(|b| *b) {
                        n += 1;
                    }
                }
                bool_out(n >= *occurrence, format!("{n} result(s) include all patterns"), || {
                    format!("{n} result(s) include all of {}, need {occurrence}", pats.written.join(", "))
                })
            }
            H::ToolResultMatches { tool, re, occurrence } => {
                let Some(re) = re else { return out(0.0, "no pattern specified") };
                let n = c
                    .calls
                    .iter()
                    .filter(|k| tool.is_empty() || k.name == tool)
                    .filter(|k| re.is_match(&c.result_text(k)))
                    .count() as i64;
                bool_out(n >= *occurrence, format!("{n} result(s) match"), || {
                    format!("{n} result(s) match {:?}, need {occurrence}", re.as_str())
                })
            }
            H::ToolResultHasMedia { tool, media_type } => {
                if media_type.is_empty() {
                    return out(0.0, "no media_type specified");
                }
                let hit = c
                    .calls
                    .iter()
                    .filter(|k| tool.is_empty() || k.name == tool)
                    .any(|k| c.result_parts(k).iter().any(|p| p.kind.eq_ignore_ascii_case(media_type)));
                bool_out(hit, format!("a result has {media_type} media"), || {
                    format!("no result has {media_type} media")
                })
            }
            H::ToolResultMediaType { tool, mime } => {
                if mime.is_empty() {
                    return out(0.0, "no mime_type specified");
                }
                let hit = c.calls.iter().filter(|k| tool.is_empty() || k.name == tool).any(|k| {
                    c.result_parts(k)
                        .iter()
                        .filter(|p| p.kind != "text")
                        .any(|p| p.media.is_some_and(|m| m.mime_type.eq_ignore_ascii_case(mime)))
                });
                bool_out(hit, format!("a result has media of type {mime}"), || {
                    format!("no result has media of type {mime}")
                })
            }
            H::InvariantFields { tool, fields } => {
                if tool.is_empty() || fields.is_empty() {
                    return out(0.0, "tool and fields are required");
                }
                let calls: Vec<&Call> = c.calls.iter().filter(|k| k.name == tool).collect();
                if calls.len() < 2 {
                    return out(1.0, "fewer than 2 calls");
                }
                let mut lost = Vec::new();
                for f in fields {
                    let mut seen = false;
                    for (i, k) in calls.iter().enumerate() {
                        let present = k.args().is_some_and(|a| a.contains_key(f));
                        if present {
                            seen = true;
                        } else if seen {
                            lost.push(format!("field {f:?} lost at call {i}"));
                            break;
                        }
                    }
                }
                let score = ratio(fields.len() - lost.len(), fields.len());
                if lost.is_empty() {
                    out(score, "all fields preserved")
                } else {
                    out(score, format!("{} field(s) lost: {}", lost.len(), lost.join(", ")))
                }
            }
            H::AgentInvoked(agents) => {
                if agents.is_empty() {
                    return out(0.0, "no agents specified");
                }
                let missing: Vec<&str> = agents
                    .iter()
                    .filter(|a| !c.calls.iter().any(|k| k.name == *a))
                    .map(String::as_str)
                    .collect();
                let score = ratio(agents.len() - missing.len(), agents.len());
                if missing.is_empty() {
                    out(score, "all agents invoked")
                } else {
                    out(score, format!("agents not invoked: {}", missing.join(", ")))
                }
            }
            H::AgentNotInvoked(agents) => {
                let hits: Vec<&str> = agents
                    .iter()
                    .filter(|a| c.calls.iter().any(|k| k.name == *a))
                    .map(String::as_str)
                    .collect();
                bool_out(hits.is_empty(), "no forbidden agents invoked", || {
                    format!("forbidden agents invoked: {}", hits.join(", "))
                })
            }
            H::AgentResponseContains { agent, contains } => {
                if agent.is_empty() {
                    return out(0.0, "no agent specified");
                }
                let by_call = c
                    .calls
                    .iter()
                    .filter(|k| k.name == agent)
                    .any(|k| c.result(k).is_some() && c.result_text(k).contains(contains.as_str()));
                let by_msg = c.msgs.iter().filter(|m| m.role == "tool").any(|m| {
                    m.tool_result.is_some_and(|r| r.name == agent)
                        && content_of(m).contains(contains.as_str())
                });
                bool_out(by_call || by_msg, format!("{agent} response contains {contains:?}"), || {
                    format!("no response of {agent} contains {contains:?}")
                })
            }
            H::SkillActivated { names, min } => {
                let acts = skills(c, true);
                let missing: Vec<String> = names
                    .iter()
                    .filter_map(|n| {
                        let k = acts.iter().filter(|a| *a == n).count() as i64;
                        (k < *min).then(|| format!("{n} (activated {k}, need {min})"))
                    })
                    .collect();
                let score = ratio(names.len() - missing.len(), names.len());
                if missing.is_empty() {
                    out(score, "all skills activated")
                } else {
                    out(score, format!("skills not activated: {}", missing.join(", ")))
                }
            }
            H::SkillNotActivated(names) => {
                let acts = skills(c, true);
                let hits: Vec<&str> =
                    names.iter().filter(|n| acts.iter().any(|a| a == *n)).map(String::as_str).collect();
                bool_out(hits.is_empty(), "no forbidden skills activated", || {
                    format!("forbidden skills activated: {}", hits.join(", "))
                })
            }
            H::SkillActivationOrder(seq) => {
                if seq.is_empty() {
                    return out(0.0, "no sequence specified");
                }
                let acts = skills(c, false);
                if acts.is_empty() {
                    return out(0.0, "no skill activations");
                }
                let matched = subsequence(acts.iter().map(String::as_str), seq);
                if matched == seq.len() {
                    out(1.0, "skill order satisfied")
                } else {
                    out(
                        ratio(matched, seq.len()),
                        format!("skill order incomplete: matched {matched}/{}", seq.len()),
                    )
                }
            }
            H::LatencyBudget(max_ms) => {
                let Some(max_ms) = max_ms else { return out(0.0, "no max_ms specified") };
                let Some(i) = c.last_assistant else { return out(0.0, "latency_ms not found in metadata") };
                let lat = c.msgs[i].latency_ms as f64;
                let score = if lat <= 0.0 { 1.0 } else { (max_ms / lat).min(1.0) };
                out(score, format!("latency {lat} ms, budget {max_ms} ms"))
            }
            H::CostBudget { usd, input, output, total } => cost(c, *usd, *input, *output, *total),
            H::GuardrailTriggered { validator, should, direction } => {
                guardrail(c, validator, *should, direction)
            }
            H::WorkflowComplete => {
                let x = extras(c);
                bool_out(x.complete == Some(true), "workflow complete", || "workflow not complete".into())
            }
            H::StateIs(s) => {
                let x = extras(c);
                match x.current_state {
                    None => out(0.0, "no workflow current state"),
                    Some(cur) => {
                        bool_out(cur == *s, format!("state is {s}"), || format!("state is {cur}, want {s}"))
                    }
                }
            }
            H::TransitionedTo(s) => {
                let x = extras(c);
                let hit = x.transitions.iter().any(|t| t.to == *s);
                bool_out(hit, format!("transitioned to {s}"), || format!("no workflow transition to {s}"))
            }
            H::TransitionOrder(seq) => {
                let x = extras(c);
                let matched = subsequence(x.transitions.iter().map(|t| t.to.as_str()), seq);
                if matched == seq.len() {
                    out(1.0, "transition order satisfied")
                } else {
                    out(
                        ratio(matched, seq.len()),
                        format!("transition order incomplete: matched {matched}/{}", seq.len()),
                    )
                }
            }
            H::SpokeInState(s) => {
                let hit = c.msgs.iter().filter(|m| m.role.eq_ignore_ascii_case("assistant")).any(|m| {
                    !content_of(m).trim().is_empty()
                        && meta(m).is_some_and(|v| {
                            v.pointer("/current_workflow_state/current_state").and_then(Value::as_str)
                                == Some(s)
                        })
                });
                bool_out(hit, format!("spoke in state {s}"), || format!("no assistant message in state {s}"))
            }
            H::WorkflowToolAccess(rules) => access(c, rules),
            H::MediaFormat { kind, formats } => {
                if formats.is_empty() {
                    return out(0.0, "no formats specified");
                }
                let parts = media_parts(c, kind);
                if parts.is_empty() {
                    return out(0.0, format!("no {kind} parts"));
                }
                let bad: Vec<String> = parts
                    .iter()
                    .map(|m| subtype(m.mime_type))
                    .filter(|f| !formats.iter().any(|w| w.eq_ignore_ascii_case(f)))
                    .collect();
                bool_out(bad.is_empty(), format!("all {kind} formats allowed"), || {
                    format!("{kind} format(s) not allowed: {}", bad.join(", "))
                })
            }
            H::ImageDimensions(b) => {
                let parts = media_parts(c, "image");
                if parts.is_empty() {
                    return out(0.0, "no image parts");
                }
                let ok = parts.iter().all(|m| match (m.width, m.height) {
                    (Some(w), Some(h)) => b.ok(w, h),
                    _ => false,
                });
                bool_out(ok, "image dimensions within bounds", || {
                    "image dimensions out of bounds or unknown".into()
                })
            }
            H::Duration { kind, min, max } => {
                let parts = media_parts(c, kind);
                if parts.is_empty() {
                    return out(0.0, format!("no {kind} parts"));
                }
                let ok = parts.iter().all(|m| match m.duration {
                    Some(d) => min.is_none_or(|x| d as f64 >= x) && max.is_none_or(|x| d as f64 <= x),
                    None => false,
                });
                bool_out(ok, format!("{kind} durations within range"), || {
                    format!("{kind} duration out of range or unknown")
                })
            }
            H::VideoResolution { presets, bounds } => {
                let parts = media_parts(c, "video");
                if parts.is_empty() {
                    return out(0.0, "no video parts");
                }
                let ok = parts.iter().all(|m| match (m.width, m.height) {
                    (Some(w), Some(h)) => {
                        bounds.ok(w, h)
                            && (presets.is_empty() || presets.iter().any(|p| preset_height(p) == Some(h)))
                    }
                    _ => false,
                });
                bool_out(ok, "video resolution satisfied", || {
                    "video resolution not satisfied or unknown".into()
                })
            }
            H::Composition => out(0.0, "no recorded output: composition steps are only known in a live run"),
        }
    }
}

/// The message of a hybrid handler that needs its judge.
pub const NEEDS_JUDGE: &str = "needs an LLM judge (regex pre-pass found nothing)";

fn preset_height(p: &str) -> Option<i64> {
    Some(match p.to_ascii_lowercase().as_str() {
        "480p" | "sd" => 480,
        "720p" | "hd" => 720,
        "1080p" | "fhd" | "full_hd" => 1080,
        "1440p" | "2k" | "qhd" => 1440,
        "2160p" | "4k" | "uhd" => 2160,
        "4320p" | "8k" => 4320,
        _ => return None,
    })
}

fn subtype(mime: &str) -> String {
    let parts: Vec<&str> = mime.split('/').collect();
    let f = if parts.len() == 2 { parts[1] } else { mime };
    let f = f.to_ascii_lowercase();
    if f == "mpeg" && mime.to_ascii_lowercase().starts_with("audio/") {
        "mp3".into()
    } else {
        f
    }
}

fn media_parts<'a>(c: &Ctx<'_, 'a>, kind: &str) -> Vec<&'a arena_recordings::model::Media<'a>> {
    let mut v = Vec::new();
    for m in c.msgs.iter().filter(|m| m.role == "assistant") {
        for p in m.parts.iter().filter(|p| p.kind == kind) {
            if let Some(media) = p.media {
                v.push(media);
            }
        }
    }
    for k in c.calls {
        for p in c.result_parts(k).iter().filter(|p| p.kind == kind) {
            if let Some(media) = p.media {
                v.push(media);
            }
        }
    }
    v
}

/// How many of `seq` are matched greedily in order by `names`.
fn subsequence<'s>(names: impl Iterator<Item = &'s str>, seq: &[String]) -> usize {
    let mut i = 0;
    for n in names {
        if i < seq.len() && n == seq[i] {
            i += 1;
        }
    }
    i
}

#[allow(clippy::too_many_arguments)]
fn equivalent(
    c: &Ctx<'_, '_>,
    metric: &str,
    tools: &Option<Vec<String>>,
    state: &Option<Value>,
    content: &Option<String>,
    threshold: f64,
    directional: bool,
) -> Outcome {
    let (m_tools, m_state, m_content, key) = if directional {
        ("same_tool_calls", "same_outcome", "similar_content", "check")
    } else {
        ("tool_calls", "final_state", "content_hash", "metric")
    };
    if metric.is_empty() {
        return out(0.0, format!("missing required param '{key}'"));
    }
    if metric == m_tools {
        let Some(want) = tools else { return out(1.0, "no baseline") };
        let mut got: Vec<&str> = c.calls.iter().map(|k| k.name).collect();
        got.sort_unstable();
        got.dedup();
        let mut w: Vec<&str> = want.iter().map(String::as_str).collect();
        w.sort_unstable();
        w.dedup();
        return bool_out(got == w, "same tool set", || {
            format!("tool set [{}] differs from [{}]", got.join(", "), w.join(", "))
        });
    }
    if metric == m_state {
        let Some(want) = state else { return out(1.0, "no baseline") };
        let x = extras(c);
        let want = go_text(want, false);
        return match x.state {
            None => out(0.0, "no workflow state"),
            Some(s) => {
                let s = go_text(&s, true);
                bool_out(s == want, "same final state", || format!("final state {s}, want {want}"))
            }
        };
    }
    if metric == m_content {
        let Some(want) = content else { return out(1.0, "no baseline") };
        if !directional {
            return bool_out(c.output == want, "same content", || "content differs".into());
        }
        let words =
            |s: &str| -> std::collections::BTreeSet<String> { s.split_whitespace().map(lower).collect() };
        let (a, b) = (words(c.output), words(want));
        let score = if a.is_empty() && b.is_empty() {
            1.0
        } else if a.is_empty() || b.is_empty() {
            0.0
        } else {
            a.intersection(&b).count() as f64 / a.union(&b).count() as f64
        };
        let cmp = if score >= threshold { "meets" } else { "below" };
        return out(score, format!("content overlap {score:.2} {cmp} threshold {threshold}"));
    }
    out(0.0, format!("unknown {key} {metric:?}"))
}

#[allow(clippy::too_many_arguments)]
fn json_path(
    c: &Ctx<'_, '_>,
    extract: Extract,
    expr: &str,
    expected: &Option<Value>,
    contains: &Option<Value>,
    min: Option<f64>,
    max: Option<f64>,
    min_results: i64,
    max_results: i64,
) -> Outcome {
    if expr.is_empty() {
        return out(0.0, "no expression specified");
    }
    let doc = match parse_json(extract.apply(c.output)) {
        Ok(d) => d,
        Err(e) => return out(0.0, format!("output is not valid JSON: {e}")),
    };
    // jmespath values are reference-counted (not Send): compile per use.
    let compiled = match jmespath::compile(expr) {
        Ok(x) => x,
        Err(e) => return out(0.0, format!("invalid JMESPath expression: {e}")),
    };
    let result = match compiled.search(&doc) {
        Ok(r) => r,
        Err(e) => return out(0.0, format!("JMESPath evaluation failed: {e}")),
    };
    let result: Value = serde_json::to_value(&*result).unwrap_or(Value::Null);
    if let Some(want) = expected {
        if !deep_equal(&result, want) {
            return out(0.0, format!("{expr} = {result}, want {want}"));
        }
    }
    if let Some(want) = contains {
        let (Value::Array(items), Value::Array(got)) = (want, &result) else {
            return out(0.0, format!("{expr} = {result}: contains needs a list and an array result"));
        };
        for it in items {
            if !got.iter().any(|g| deep_equal(g, it)) {
                return out(0.0, format!("{expr} does not contain {it}"));
            }
        }
    }
    if min.is_some() || max.is_some() {
        let Some(n) = result.as_f64() else { return out(0.0, format!("{expr} = {result} is not a number")) };
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            return out(0.0, format!("{expr} = {n} out of range"));
        }
    }
    if min_results > 0 || max_results > 0 {
        let Value::Array(a) = &result else { return out(0.0, format!("{expr} = {result} is not an array")) };
        let n = a.len() as i64;
        if (min_results > 0 && n < min_results) || (max_results > 0 && n > max_results) {
            return out(0.0, format!("{expr} has {n} result(s)"));
        }
    }
    out(1.0, format!("{expr} = {result}"))
}

fn chain(c: &Ctx<'_, '_>, steps: &[ChainStep]) -> Outcome {
    if steps.is_empty() {
        return out(1.0, "no steps");
    }
    let mut done = 0;
    for k in c.calls {
        if done == steps.len() {
            break;
        }
        let s = &steps[done];
        if k.name != s.tool {
            continue;
        }
        let fail = |why: String| out(ratio(done, steps.len()), format!("step {done} ({}): {why}", s.tool));
        if s.no_error {
            let e = c.error(k);
            if !e.is_empty() {
                return fail(format!("error {e}"));
            }
        }
        if !s.includes.is_empty() || s.matches.is_some() {
            let text = c.result_text(k);
            let mut f = vec![false; s.includes.written.len()];
            s.includes.found(&text, &mut f);
            if let Some(i) = f.iter().position(|b| !*b) {
                return fail(format!("result missing {:?}", s.includes.written[i]));
            }
            if let Some(re) = &s.matches {
                if !re.is_match(&text) {
                    return fail(format!("result does not match {:?}", re.as_str()));
                }
            }
        }
        for (name, re) in &s.args_match {
            match k.args().and_then(|a| a.get(name)) {
                None => return fail(format!("missing arg {name:?}")),
                Some(v) => {
                    if !re.is_match(&go_text(v, true)) {
                        return fail(format!("arg {name:?} does not match {:?}", re.as_str()));
                    }
                }
            }
        }
        done += 1;
    }
    if done == steps.len() {
        out(1.0, "chain complete")
    } else {
        out(ratio(done, steps.len()), format!("chain incomplete: {done}/{} steps", steps.len()))
    }
}

/// Names of `skill__activate` calls (non-empty name), optionally only the
/// successful ones.
fn skills(c: &Ctx<'_, '_>, successful: bool) -> Vec<String> {
    c.calls
        .iter()
        .filter(|k| k.name == "skill__activate")
        .filter(|k| !successful || c.error(k).is_empty())
        .filter_map(|k| k.args().and_then(|a| a.get("name")).and_then(Value::as_str).map(str::to_owned))
        .filter(|n| !n.is_empty())
        .collect()
}

fn cost(
    c: &Ctx<'_, '_>,
    usd: Option<f64>,
    input: Option<i64>,
    output: Option<i64>,
    total: Option<i64>,
) -> Outcome {
    if usd.is_none() && input.is_none() && output.is_none() && total.is_none() {
        return out(0.0, "no budget specified");
    }
    let (mut spent, mut tin, mut tout) = (0.0f64, 0i64, 0i64);
    for m in c.msgs {
        let Some(ci) = m.cost_info else { continue };
        let Ok(Value::Object(o)) = serde_json::from_str::<Value>(ci.0) else { continue };
        spent += o.get("total_cost_usd").and_then(Value::as_f64).unwrap_or(0.0);
        tin += o.get("input_tokens").and_then(Value::as_i64).unwrap_or(0);
        tout += o.get("output_tokens").and_then(Value::as_i64).unwrap_or(0);
    }
    if let Some(m) = usd {
        if spent > m {
            return out(0.0, format!("budget exceeded: cost ${spent:.4} exceeds budget ${m:.4}"));
        }
    }
    for (name, got, lim) in [("input", tin, input), ("output", tout, output), ("total", tin + tout, total)] {
        if let Some(l) = lim {
            if got > l {
                return out(0.0, format!("budget exceeded: {got} {name} tokens exceed {l}"));
            }
        }
    }
    let score = match usd {
        Some(m) if m > 0.0 => 1.0 - spent / m,
        _ => 1.0,
    };
    out(score, format!("cost ${spent:.4}, tokens {tin} in / {tout} out"))
}

fn guardrail(c: &Ctx<'_, '_>, validator: &str, should: bool, direction: &str) -> Outcome {
    let prior: Vec<Value> = c
        .last_assistant
        .and_then(|i| c.msgs[i].validations)
        .and_then(|v| serde_json::from_str::<Value>(v.0).ok())
        .and_then(|v| match v {
            Value::Array(a) => Some(a),
            _ => None,
        })
        .unwrap_or_default();
    let filter = !matches!(direction, "" | "both");
    let found = prior.iter().rev().find(|r| {
        let ty = r.get("validator_type").or_else(|| r.get("type")).and_then(Value::as_str);
        let id = r.get("id").and_then(Value::as_str);
        (ty == Some(validator) || id == Some(validator))
            && (!filter || r.pointer("/details/direction").and_then(Value::as_str) == Some(direction))
    });
    match found {
        Some(r) => {
            let score = match r.get("score").and_then(Value::as_f64) {
                Some(s) => s,
                None => {
                    if r.get("passed").and_then(Value::as_bool) == Some(false) {
                        0.0
                    } else {
                        1.0
                    }
                }
            };
            let triggered = score < 1.0;
            bool_out(triggered == should, format!("{validator} triggered: {triggered}"), || {
                format!("{validator} triggered: {triggered}, expected {should}")
            })
        }
        None => bool_out(!should, format!("{validator} not triggered"), || {
            format!("{validator} did not run or did not trigger")
        }),
    }
}

fn meta(m: &arena_recordings::Message<'_>) -> Option<Value> {
    m.meta.and_then(|r| serde_json::from_str::<Value>(r.0).ok())
}

struct Transition {
    from: String,
    to: String,
    turn_index: Option<i64>,
}

#[derive(Default)]
struct Extras {
    state: Option<Value>,
    current_state: Option<String>,
    transitions: Vec<Transition>,
    complete: Option<bool>,
}

/// Workflow extras of §4.4 (later messages win).
fn extras(c: &Ctx<'_, '_>) -> Extras {
    let mut x = Extras::default();
    for m in c.msgs {
        let Some(Value::Object(o)) = meta(m) else { continue };
        if let Some(v) = o.get("_workflow_state") {
            x.state = Some(v.clone());
        }
        if let Some(v) = o.get("_workflow_current_state").and_then(Value::as_str) {
            x.current_state = Some(v.to_owned());
        }
        if let Some(Value::Array(a)) = o.get("_workflow_transitions") {
            x.transitions = a
                .iter()
                .filter_map(Value::as_object)
                .map(|t| Transition {
                    from: t.get("from").and_then(Value::as_str).unwrap_or("").to_owned(),
                    to: t.get("to").and_then(Value::as_str).unwrap_or("").to_owned(),
                    turn_index: t.get("turn_index").and_then(Value::as_i64),
                })
                .collect();
        }
        if let Some(v) = o.get("_workflow_complete").and_then(Value::as_bool) {
            x.complete = Some(v);
        }
    }
    x
}

fn access(c: &Ctx<'_, '_>, rules: &[AccessRule]) -> Outcome {
    if rules.is_empty() {
        return out(1.0, "no rules");
    }
    let x = extras(c);
    if x.transitions.is_empty() && x.state.is_none() {
        return out(0.0, "no workflow state or transitions recorded");
    }
    let with_turns = x.transitions.iter().any(|t| t.turn_index.is_some());
    let state_text = x.state.as_ref().map(|v| go_text(v, true));
    let mut violations = Vec::new();
    for k in c.calls {
        let state: Option<&str> = if with_turns {
            let last = x.transitions.iter().rfind(|t| t.turn_index.is_some_and(|i| i <= k.turn as i64));
            Some(match last {
                Some(t) => t.to.as_str(),
                None => x.transitions[0].from.as_str(),
            })
        } else if let Some(t) = x.transitions.last() {
            Some(t.to.as_str())
        } else {
            state_text.as_deref()
        };
        let Some(state) = state else { continue };
        if let Some(rule) = rules.iter().find(|r| r.state == state) {
            if !rule.allowed.iter().any(|a| a == k.name) {
                violations.push(format!("{} in state {state}", k.name));
            }
        }
    }
    bool_out(violations.is_empty(), "tool access respected", || {
        format!("tools used outside their states: {}", violations.join(", "))
    })
}
