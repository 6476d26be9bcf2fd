//! Values printed the way Go's `%v` prints decoded YAML / JSON values, and
//! PromptKit's case-insensitive comparisons.

use serde_json::Value;

/// Go's `%v` of a float64 (shortest digits; exponent form when the decimal
/// exponent is < -4 or >= 21 for JSON, >= 6 here as `%v` does).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let e = format!("{f:e}"); // shortest round-trip, e.g. "1.234567e6"
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    // Plain decimal: Rust's Display is shortest round-trip without exponent.
    format!("{f}")
}

/// Go's `%v` of a decoded value. With `json_numbers`, every number is a
/// float64 (as Go decodes JSON); otherwise integers stay integers (YAML).
pub fn go_text(v: &Value, json_numbers: bool) -> String {
    let mut s = String::new();
    write_go(&mut s, v, json_numbers);
    s
}

fn write_go(s: &mut String, v: &Value, json_numbers: bool) {
    match v {
        Value::Null => s.push_str("<nil>"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::String(t) => s.push_str(t),
        Value::Number(n) => {
            if !json_numbers {
                if let Some(i) = n.as_i64() {
                    s.push_str(&i.to_string());
                    return;
                }
                if let Some(u) = n.as_u64() {
                    s.push_str(&u.to_string());
                    return;
                }
            }
            s.push_str(&go_float(n.as_f64().unwrap_or(0.0)));
        }
        Value::Array(a) => {
            s.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                write_go(s, x, json_numbers);
            }
            s.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            s.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(k);
                s.push(':');
                write_go(s, &m[k], json_numbers);
            }
            s.push(']');
        }
    }
}

/// Lowercases like Go's `strings.ToLower` (simple per-character mapping).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// Deep equality as PromptKit's `json_path` compares: numbers numerically.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go() {
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(1e-5), "1e-05");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(10.0), "10");
        assert_eq!(go_float(2.5), "2.5");
    }

    #[test]
    fn values_print_as_go() {
        let v: Value = serde_json::json!({"b": [1, "x"], "a": true});
        assert_eq!(go_text(&v, false), "map[a:true b:[1 x]]");
        assert_eq!(go_text(&serde_json::json!(1000000), true), "1e+06");
        assert_eq!(go_text(&serde_json::json!(1000000), false), "1000000");
    }
}

/// Rewrites a Go (RE2) pattern for the `regex` crate so that `\b`, `\B`,
/// `\d`, `\w` and `\s` keep RE2's ASCII meaning (Rust's are Unicode). This
/// is also what keeps word boundaries on the crate's fast engines.
pub fn go_regex(p: &str) -> String {
    let mut o = String::with_capacity(p.len() + 16);
    let mut class = 0usize;
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(e @ ('b' | 'B')) if class == 0 => {
                    o.push_str("(?-u:\\");
                    o.push(e);
                    o.push(')');
                }
                Some(e @ ('d' | 'w' | 's')) => {
                    let set = match e {
                        'd' => "0-9",
                        'w' => "0-9A-Za-z_",
                        _ => "\\t\\n\\x0C\\r ",
                    };
                    if class == 0 {
                        o.push('[');
                        o.push_str(set);
                        o.push(']');
                    } else {
                        o.push_str(set);
                    }
                }
                Some(e) => {
                    o.push('\\');
                    o.push(e);
                }
                None => o.push('\\'),
            },
            '[' => {
                class += 1;
                o.push('[');
                // `[]a]` and `[^]a]`: a leading `]` is literal.
                if it.peek() == Some(&'^') {
                    o.push('^');
                    it.next();
                }
                if it.peek() == Some(&']') {
                    o.push_str("\\]");
                    it.next();
                }
            }
            ']' if class > 0 => {
                class -= 1;
                o.push(']');
            }
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod regex_tests {
    use super::go_regex;

    #[test]
    fn ascii_classes_like_re2() {
        let re = regex::Regex::new(&go_regex(r"\bcafé\b")).unwrap();
        // RE2: é is not a word character, so no boundary after it.
        assert!(!re.is_match("un café noir") && !re.is_match("cafe"));
        assert!(regex::Regex::new(&go_regex(r"\bcaf\b")).unwrap().is_match("caf é"));
        let d = regex::Regex::new(&go_regex(r"^\d+$")).unwrap();
        assert!(d.is_match("123") && !d.is_match("١٢٣"));
        let c = regex::Regex::new(&go_regex(r"^[\d\s]+$")).unwrap();
        assert!(c.is_match("1 2"));
        assert!(regex::Regex::new(&go_regex(r"a\\b")).unwrap().is_match("a\\b"));
    }
}
