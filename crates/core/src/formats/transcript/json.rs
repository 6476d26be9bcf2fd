//! YAML values written as compact JSON text (tool arguments given as a
//! mapping or sequence).

use yaml_rust2::parser::{Event, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::decode::{found, go_parse_int, is_core_tag, is_yaml_float, De, Num};
use crate::error::Result;
use crate::write::write_str_plain as write_json_str;

/// An open collection while writing JSON: (is a mapping, items written,
/// expecting a key).
pub(super) type JsonFrame = (bool, usize, bool);

impl De<'_, '_> {
    /// Writes the value that starts with `ev` as compact JSON (iteratively:
    /// nesting is bounded by the event limits, not by the stack).
    pub(super) fn write_json(
        &mut self,
        ev: Event,
        mark: Marker,
        out: &mut String,
        stack: &mut Vec<JsonFrame>,
    ) -> Result<()> {
        let (mut ev, mut mark) = (ev, mark);
        loop {
            let closing = matches!(ev, Event::MappingEnd | Event::SequenceEnd);
            if let Some(top) = stack.last_mut() {
                if !closing {
                    if top.0 && top.2 {
                        // A key: it must be a scalar, written as a JSON string.
                        let Event::Scalar(s, ..) = &ev else {
                            return Err(self.type_err(
                                &mark,
                                "a scalar key",
                                found(&ev),
                                "arguments (written as JSON)",
                            ));
                        };
                        if top.1 > 0 {
                            out.push(',');
                        }
                        write_json_str(out, s);
                        out.push(':');
                        top.1 += 1;
                        top.2 = false;
                        (ev, mark) = self.next()?;
                        continue;
                    }
                    if !top.0 && top.1 > 0 {
                        out.push(',');
                    }
                    top.1 += 1;
                    top.2 = true;
                }
            }
            match ev {
                Event::MappingStart(..) => {
                    out.push('{');
                    stack.push((true, 0, true));
                }
                Event::SequenceStart(..) => {
                    out.push('[');
                    stack.push((false, 0, false));
                }
                Event::MappingEnd => {
                    out.push('}');
                    stack.pop();
                }
                Event::SequenceEnd => {
                    out.push(']');
                    stack.pop();
                }
                Event::Scalar(s, style, _, tag) => write_json_scalar(out, &s, style, tag.as_ref()),
                other => return Err(self.unexpected(&other, &mark)),
            }
            if stack.is_empty() {
                return Ok(());
            }
            (ev, mark) = self.next()?;
        }
    }
}

/// Whether `s` is a JSON number literally.
pub(super) fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i += b[i..].iter().take_while(|c| c.is_ascii_digit()).count(),
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        i += 1 + n;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

/// Writes a scalar as JSON, resolving plain scalars by the YAML 1.2 core
/// schema: null, booleans, integers and finite floats become JSON literals,
/// everything else (and every quoted or block scalar) a JSON string.
pub(super) fn write_json_scalar(out: &mut String, s: &str, style: TScalarStyle, tag: Option<&Tag>) {
    use std::fmt::Write as _;
    let plain = style == TScalarStyle::Plain && tag.is_none_or(|t| !is_core_tag(t, "str"));
    if !plain {
        write_json_str(out, s);
        return;
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => out.push_str("null"),
        "true" | "True" | "TRUE" => out.push_str("true"),
        "false" | "False" | "FALSE" => out.push_str("false"),
        _ if is_json_number(s) => out.push_str(s),
        _ => match go_parse_int(s) {
            Some(Num::Int(v)) => {
                let _ = write!(out, "{v}");
            }
            _ => match s.parse::<f64>() {
                Ok(f) if is_yaml_float(s) && f.is_finite() => {
                    let _ = write!(out, "{f:?}");
                }
                _ => write_json_str(out, s),
            },
        },
    }
}
