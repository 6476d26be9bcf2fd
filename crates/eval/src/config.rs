//! Loading an Eval config (EVAL.md §2, §3) into a [`Plan`].

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::budget::Budget;
use crate::handlers::{all_names, canonical, Handler, NEEDS_SERVICE};
use crate::params::{normalise, Params};
use crate::yaml::{self, Kind, Node, Pos};
use crate::{Assertion, Check, Plan, Scope, When};

/// A config that cannot be used: the file, the position and what is wrong.
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// The config file (as given).
    pub file: PathBuf,
    /// Line and column (1-based), when known.
    pub pos: Option<Pos>,
    /// What is wrong (and, for near misses, a suggestion).
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file.display(), p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The closest name to `input` by PromptKit's rule (lowercased Levenshtein
/// distance below `len/2 + 3`, closest wins).
pub fn suggest<'n>(input: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let l = input.to_lowercase();
    let limit = l.chars().count() / 2 + 3;
    let mut best: Option<(usize, &str)> = None;
    for n in names {
        let d = strsim::levenshtein(&l, &n.to_lowercase());
        if d < limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, n));
        }
    }
    best.map(|(_, n)| n)
}

struct Loader<'f> {
    file: &'f Path,
    /// What the config's regexes may still compile to.
    budget: Budget,
}

type R<T> = Result<T, ConfigError>;

impl Loader<'_> {
    fn err(&self, pos: Pos, message: impl Into<String>) -> ConfigError {
        ConfigError { file: self.file.to_owned(), pos: Some(pos), message: message.into() }
    }

    /// The entries of a mapping node, checking every key against `allowed`.
    fn closed<'n>(&self, node: &'n Node, path: &str, allowed: &[&str]) -> R<&'n [(Node, Node)]> {
        let Some(entries) = node.as_map() else {
            let what = if path.is_empty() { "the config" } else { path };
            return Err(self.err(node.pos, format!("{what}: expected a mapping, found {}", node.describe())));
        };
        for (k, _) in entries {
            let Some(name) = k.key_text() else {
                return Err(self.err(k.pos, format!("{path}: keys must be strings")));
            };
            if !allowed.contains(&name) {
                let mut msg = format!(
                    "{}: unknown key {name:?} (allowed: {})",
                    if path.is_empty() { "top level" } else { path },
                    allowed.join(", ")
                );
                if let Some(s) = suggest(name, allowed.iter().copied()) {
                    msg.push_str(&format!("; did you mean {s:?}?"));
                }
                return Err(self.err(k.pos, msg));
            }
        }
        Ok(entries)
    }

    fn string(&self, node: &Node, path: &str) -> R<String> {
        node.as_str().map(str::to_owned).ok_or_else(|| {
            self.err(node.pos, format!("{path}: expected a string, found {}", node.describe()))
        })
    }

    fn seq<'n>(&self, node: &'n Node, path: &str) -> R<&'n [Node]> {
        match &node.kind {
            Kind::Seq(s) => Ok(s),
            Kind::Scalar { .. } if node.to_value().is_null() => Ok(&[]),
            _ => Err(self.err(node.pos, format!("{path}: expected a list, found {}", node.describe()))),
        }
    }
}

fn get<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.key_text() == Some(key)).map(|(_, v)| v)
}

/// Loads the config file at `path`.
pub fn load(path: &Path) -> R<Plan> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_owned(),
        pos: None,
        message: format!("cannot read the config: {e}"),
    })?;
    parse(&text, path)
}

/// Parses config `text`; `path` names it in errors and anchors relative
/// recording paths. Every error position is inside `text`.
pub fn parse(text: &str, path: &Path) -> R<Plan> {
    compile(text, path).map_err(|mut e| {
        e.pos = e.pos.map(|p| yaml::clamp(p, text));
        e
    })
}

fn compile(text: &str, path: &Path) -> R<Plan> {
    let l = Loader { file: path, budget: Budget::default() };
    let root = yaml::parse(text).map_err(|e| l.err(e.pos, format!("invalid YAML: {}", e.message)))?;
    let Some(root) = root else {
        return Err(ConfigError { file: path.to_owned(), pos: None, message: "the config is empty".into() });
    };
    let top = l.closed(&root, "", &["apiVersion", "kind", "metadata", "spec", "$schema"])?;
    let need = |key: &str| -> R<&Node> {
        get(top, key).ok_or_else(|| l.err(root.pos, format!("missing required key {key:?}")))
    };
    l.string(need("apiVersion")?, "apiVersion")?;
    let kind_node = need("kind")?;
    let kind = l.string(kind_node, "kind")?;
    if kind != "Eval" {
        return Err(l.err(kind_node.pos, format!("kind: expected \"Eval\", found {kind:?}")));
    }
    let mut name = String::new();
    if let Some(m) = get(top, "metadata") {
        let meta = l.closed(m, "metadata", &["name", "namespace", "labels", "annotations"])?;
        if let Some(n) = get(meta, "name") {
            name = l.string(n, "metadata.name")?;
        }
        if let Some(n) = get(meta, "namespace") {
            l.string(n, "metadata.namespace")?;
        }
        for key in ["labels", "annotations"] {
            if let Some(n) = get(meta, key) {
                let Some(entries) = n.as_map() else {
                    return Err(
                        l.err(n.pos, format!("metadata.{key}: expected a mapping, found {}", n.describe()))
                    );
                };
                for (_, v) in entries {
                    l.string(v, &format!("metadata.{key}"))?;
                }
            }
        }
    }
    let spec_node = need("spec")?;
    let spec = l.closed(
        spec_node,
        "spec",
        &["id", "description", "recording", "turns", "conversation_assertions", "tags", "mode", "speed"],
    )?;
    let mut id = String::new();
    if let Some(n) = get(spec, "id") {
        id = l.string(n, "spec.id")?;
    }
    let description = match get(spec, "description") {
        Some(n) => l.string(n, "spec.description")?,
        None => return Err(l.err(spec_node.pos, "spec: missing required key \"description\"")),
    };
    let Some(rec_node) = get(spec, "recording") else {
        return Err(l.err(spec_node.pos, "spec: missing required key \"recording\""));
    };
    let rec = l.closed(rec_node, "spec.recording", &["path", "type"])?;
    let rec_path = match get(rec, "path") {
        Some(n) => {
            let p = l.string(n, "spec.recording.path")?;
            if p.trim().is_empty() {
                return Err(l.err(n.pos, "spec.recording.path: recording path is required"));
            }
            p
        }
        None => return Err(l.err(rec_node.pos, "spec.recording: missing required key \"path\"")),
    };
    let mut rec_type = String::new();
    if let Some(n) = get(rec, "type") {
        rec_type = l.string(n, "spec.recording.type")?;
        const TYPES: [&str; 4] = ["session", "arena_output", "transcript", "generic"];
        if !TYPES.contains(&rec_type.as_str()) {
            let mut msg = format!("spec.recording.type: {rec_type:?} is not one of {}", TYPES.join(", "));
            if let Some(s) = suggest(&rec_type, TYPES) {
                msg.push_str(&format!("; did you mean {s:?}?"));
            }
            return Err(l.err(n.pos, msg));
        }
    }
    if let Some(n) = get(spec, "tags") {
        for t in l.seq(n, "spec.tags")? {
            l.string(t, "spec.tags[]")?;
        }
    }
    if let Some(n) = get(spec, "mode") {
        let m = l.string(n, "spec.mode")?;
        if !["instant", "realtime", "accelerated"].contains(&m.as_str()) {
            return Err(
                l.err(n.pos, format!("spec.mode: {m:?} is not one of instant, realtime, accelerated"))
            );
        }
    }
    if let Some(n) = get(spec, "speed") {
        if !n.to_value().is_number() || !matches!(n.kind, Kind::Scalar { plain: true, .. }) {
            return Err(l.err(n.pos, format!("spec.speed: expected a number, found {}", n.describe())));
        }
    }
    let mut assertions = Vec::new();
    if let Some(n) = get(spec, "turns") {
        for (ti, item) in l.seq(n, "spec.turns")?.iter().enumerate() {
            let path = format!("turns[{ti}]");
            let t = l.closed(item, &path, &["all_turns"])?;
            let Some(all) = get(t, "all_turns") else { continue };
            let all = l.closed(all, &format!("{path}.all_turns"), &["assertions"])?;
            let Some(list) = get(all, "assertions") else { continue };
            let apath = format!("{path}.all_turns.assertions");
            for (ai, a) in l.seq(list, &apath)?.iter().enumerate() {
                assertions.push(assertion(&l, a, &format!("{apath}[{ai}]"), Scope::Turn)?);
            }
        }
    }
    if let Some(n) = get(spec, "conversation_assertions") {
        for (ai, a) in l.seq(n, "conversation_assertions")?.iter().enumerate() {
            assertions.push(assertion(
                &l,
                a,
                &format!("conversation_assertions[{ai}]"),
                Scope::Conversation,
            )?);
        }
    }
    let eval_id = if id.is_empty() { name.clone() } else { id };
    Ok(Plan {
        eval_id,
        name,
        description,
        recording_path: rec_path,
        recording_type: rec_type,
        config_path: path.to_owned(),
        assertions,
    })
}

fn unknown_type(l: &Loader<'_>, pos: Pos, path: &str, t: &str) -> ConfigError {
    let mut msg = format!("{path}: unknown assertion type {t:?}");
    if let Some(s) = suggest(t, all_names()) {
        msg.push_str(&format!("; did you mean {s:?}?"));
    }
    l.err(pos, msg)
}

fn assertion(l: &Loader<'_>, node: &Node, path: &str, scope: Scope) -> R<Assertion> {
    let e = l.closed(node, path, &["type", "params", "message", "when", "pass_threshold"])?;
    let Some(type_node) = get(e, "type") else {
        return Err(l.err(node.pos, format!("{path}: missing required key \"type\"")));
    };
    let written = l.string(type_node, &format!("{path}.type"))?;
    let message = match get(e, "message") {
        Some(n) => Some(l.string(n, &format!("{path}.message"))?),
        None => None,
    };
    if let Some(n) = get(e, "pass_threshold") {
        if !n.to_value().is_number() || !matches!(n.kind, Kind::Scalar { plain: true, .. }) {
            return Err(
                l.err(n.pos, format!("{path}.pass_threshold: expected a number, found {}", n.describe()))
            );
        }
    }
    let when = match get(e, "when") {
        Some(n) => when(l, n, &format!("{path}.when"))?,
        None => When::default(),
    };
    let params_node = get(e, "params");
    let mut params: Params = match params_node {
        None => Params::new(),
        Some(n) => match n.to_value() {
            Value::Object(m) => m,
            Value::Null => Params::new(),
            _ => {
                return Err(
                    l.err(n.pos, format!("{path}.params: expected a mapping, found {}", n.describe()))
                );
            }
        },
    };
    let ppos = params_node.map_or(node.pos, |n| n.pos);
    let key_pos = |key: &str| -> Pos {
        params_node.and_then(|n| n.as_map()).and_then(|m| get(m, key)).map_or(ppos, |n| n.pos)
    };
    let num_param = |params: &mut Params, key: &str| -> R<Option<f64>> {
        match params.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(l.err(key_pos(key), format!("{path}.params.{key}: expected a number"))),
        }
    };
    let min_score = num_param(&mut params, "min_score")?;
    let max_score = num_param(&mut params, "max_score")?;

    // The wrapper names its inner handler in eval_type / eval_params.
    let (inner_written, inner_params, inner_pos) = if written == "assertion" || written == "guardrail" {
        let inner = match params.get("eval_type") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) | None => {
                return Err(l.err(ppos, format!("{path}: type {written:?} requires params.eval_type")));
            }
            Some(_) => {
                return Err(
                    l.err(key_pos("eval_type"), format!("{path}.params.eval_type: expected a string"))
                );
            }
        };
        if inner == "assertion" || inner == "guardrail" {
            return Err(l.err(
                key_pos("eval_type"),
                format!("{path}.params.eval_type: a wrapper cannot wrap {inner:?}"),
            ));
        }
        let ip = match params.get("eval_params") {
            None | Some(Value::Null) => Params::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                return Err(
                    l.err(key_pos("eval_params"), format!("{path}.params.eval_params: expected a mapping"))
                );
            }
        };
        (inner, ip, key_pos("eval_type"))
    } else {
        (written.clone(), params, type_node.pos)
    };
    let Some(canon) = canonical(&inner_written) else {
        return Err(unknown_type(l, inner_pos, path, &inner_written));
    };
    let mut inner_params = inner_params;
    normalise(&inner_written, &mut inner_params);
    let check = if let Some((_, needs)) = NEEDS_SERVICE.iter().find(|(n, _)| *n == canon) {
        Check::NeedsService(needs)
    } else {
        let h = Handler::compile(canon, &inner_params, &l.budget).map_err(|pe| {
            let pos = match &pe.key {
                Some(k) if inner_written == written => key_pos(k),
                _ => ppos,
            };
            l.err(pos, format!("{path} ({inner_written}): {}", pe.message))
        })?;
        Check::Run(Box::new(h))
    };
    let canonical_type =
        if written == "assertion" || written == "guardrail" { written.clone() } else { canon.to_owned() };
    Ok(Assertion {
        location: path.to_owned(),
        scope,
        written_type: written,
        canonical_type,
        inner_type: canon.to_owned(),
        message,
        when,
        min_score,
        max_score,
        check,
    })
}

fn when(l: &Loader<'_>, node: &Node, path: &str) -> R<When> {
    let e =
        l.closed(node, path, &["tool_called", "tool_called_pattern", "any_tool_called", "min_tool_calls"])?;
    let mut w = When::default();
    for (k, v) in e {
        let key = k.key_text().unwrap_or("");
        let val = v.to_value();
        let plain = matches!(v.kind, Kind::Scalar { plain: true, .. });
        match key {
            "tool_called" => w.tool_called = Some(l.string(v, &format!("{path}.tool_called"))?),
            "tool_called_pattern" => {
                let p = l.string(v, &format!("{path}.tool_called_pattern"))?;
                let re = l.budget.regex(&crate::gotext::go_regex(&p)).map_err(|e| {
                    l.err(v.pos, format!("{path}.tool_called_pattern: invalid regex {p:?}: {e}"))
                })?;
                w.tool_called_pattern = Some(re);
            }
            "any_tool_called" => match val {
                Value::Bool(b) if plain => w.any_tool_called = b,
                _ => {
                    return Err(l.err(
                        v.pos,
                        format!("{path}.any_tool_called: expected a boolean, found {}", v.describe()),
                    ))
                }
            },
            "min_tool_calls" => match val.as_i64() {
                Some(n) if plain => w.min_tool_calls = n,
                _ => {
                    return Err(l.err(
                        v.pos,
                        format!("{path}.min_tool_calls: expected an integer, found {}", v.describe()),
                    ))
                }
            },
            _ => {}
        }
    }
    Ok(w)
}
