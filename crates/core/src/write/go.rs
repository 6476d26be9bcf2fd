//! JSON output byte-compatible with Go's `encoding/json` encoder.
//!
//! Strings are HTML-escaped (`<`, `>`, `&` as `\u003c`...), U+2028 and U+2029
//! are escaped, floats use Go's shortest form with exponents only outside
//! `[1e-6, 1e21)`, and `interface{}` maps are written with sorted keys.

use std::fmt::Write as _;

use serde_json::Value;

/// Writes `s` as a Go-encoded JSON string ([`Escape::Go`](super::Escape::Go)).
#[inline]
pub fn write_str(out: &mut String, s: &str) {
    super::escape::write_str_go(out, s);
}

/// Writes a float64 as Go does (`strconv.AppendFloat(f, 'f' or 'e', -1, 64)`
/// with the exponent cleaned up to at least one digit: `1e-7`, `1e+21`).
pub fn write_f64(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str("null");
        return;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        // Rust writes `1e-7` / `1.5e21`; Go writes `1e-7` / `1.5e+21`.
        match s.find('e') {
            Some(i) if !s[i + 1..].starts_with('-') => {
                out.push_str(&s[..=i]);
                out.push('+');
                out.push_str(&s[i + 1..]);
            }
            _ => out.push_str(&s),
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

/// Writes a decoded `interface{}` value as Go re-encodes it: objects with
/// sorted keys, every number as a float64.
pub fn write_any(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_f64(out, n.as_f64().unwrap_or(0.0)),
        Value::String(s) => write_str(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_any(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            // serde_json's default map is a BTreeMap: keys come sorted bytewise, as Go sorts them.
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_any(out, x);
            }
            out.push('}');
        }
    }
}

/// Re-emits raw JSON text as Go's `json.RawMessage` marshalling does:
/// compacted, with HTML characters escaped inside strings. Returns `false`
/// (writing nothing) when `raw` is empty or not valid JSON.
pub fn write_compact_raw(out: &mut String, raw: &str) -> bool {
    if raw.trim().is_empty() || serde_json::from_str::<serde::de::IgnoredAny>(raw).is_err() {
        return false;
    }
    let mut in_str = false;
    let mut escaped = false;
    for c in raw.chars() {
        if in_str {
            if escaped {
                escaped = false;
                out.push(c);
                continue;
            }
            match c {
                '\\' => {
                    escaped = true;
                    out.push(c);
                }
                '"' => {
                    in_str = false;
                    out.push(c);
                }
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                _ => out.push(c),
            }
        } else {
            match c {
                ' ' | '\t' | '\n' | '\r' => {}
                '"' => {
                    in_str = true;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut s = String::new();
        write_f64(&mut s, x);
        s
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(f(7.62e-05), "0.0000762");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1.5e300), "1.5e+300");
        assert_eq!(f(1.0), "1");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(123456.789), "123456.789");
        assert_eq!(f(1e20), "100000000000000000000");
    }

    #[test]
    fn strings_like_go() {
        let mut s = String::new();
        write_str(&mut s, "a<b>&\"\\\n\u{1}\u{8}\u{2028}é");
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\b\u2028é""#);
    }

    #[test]
    fn raw_compaction() {
        let mut s = String::new();
        assert!(write_compact_raw(&mut s, "{ \"q\" : \"a <b>\", \"n\": 1.50 }"));
        assert_eq!(s, r#"{"q":"a \u003cb\u003e","n":1.50}"#);
        let mut s = String::new();
        assert!(!write_compact_raw(&mut s, "{not json"));
        assert!(!write_compact_raw(&mut s, ""));
    }

    #[test]
    fn any_sorts_keys_and_floats_numbers() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":[2.50,"<"],"c":12345678901234567890}"#).unwrap();
        let mut s = String::new();
        write_any(&mut s, &v);
        assert_eq!(s, r#"{"a":[2.5,"\u003c"],"b":1,"c":12345678901234567000}"#);
    }
}
