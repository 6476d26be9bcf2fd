//! Reading handler parameters (a JSON object built from the YAML `params`)
//! with PromptKit's leniency: a scalar where a list is expected is no list,
//! non-string list items are dropped, floats given for counts are truncated.

use serde_json::{Map, Value};

/// Parameters of one assertion.
pub type Params = Map<String, Value>;

/// A list of strings (`None` when absent or not a list).
pub fn strs(p: &Params, key: &str) -> Vec<String> {
    match p.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// A string (`""` when absent or not a string).
pub fn string(p: &Params, key: &str) -> String {
    p.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// A number.
pub fn num(p: &Params, key: &str) -> Option<f64> {
    p.get(key).and_then(Value::as_f64)
}

/// An integer (a float is truncated).
pub fn int(p: &Params, key: &str) -> Option<i64> {
    match p.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// A boolean.
pub fn boolean(p: &Params, key: &str) -> Option<bool> {
    p.get(key).and_then(Value::as_bool)
}

/// A mapping.
pub fn map<'p>(p: &'p Params, key: &str) -> Option<&'p Map<String, Value>> {
    p.get(key).and_then(Value::as_object)
}

/// `tool_names`, or `tools` when that is empty.
pub fn tool_names(p: &Params) -> Vec<String> {
    let n = strs(p, "tool_names");
    if n.is_empty() {
        strs(p, "tools")
    } else {
        n
    }
}

/// Applies §3.5: alias defaults, then legacy renames (only when the
/// canonical key is absent). `written` is the type as written.
pub fn normalise(written: &str, p: &mut Params) {
    if written == "banned_words" && !p.contains_key("match_mode") {
        p.insert("match_mode".into(), Value::String("word_boundary".into()));
    }
    let renames: &[(&str, &str)] = match written {
        "content_excludes" | "banned_words" | "content_not_includes" => &[("words", "patterns")],
        "max_length" | "length" => &[("max_characters", "max"), ("max_chars", "max")],
        "min_length" => &[("min_characters", "min"), ("min_chars", "min")],
        "sentence_count" | "max_sentences" => &[("max_sentences", "max")],
        "field_presence" | "required_fields" => &[("required_fields", "fields")],
        "json_path" => &[("jmespath_expression", "expression")],
        _ => &[],
    };
    for (legacy, canonical) in renames {
        if !p.contains_key(*canonical) {
            if let Some(v) = p.remove(*legacy) {
                p.insert((*canonical).into(), v);
            }
        }
    }
}
