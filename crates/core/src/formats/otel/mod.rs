//! OpenTelemetry GenAI traces in OTLP JSON (FORMATS-MORE.md section 6).
//!
//! A file is one `{"resourceSpans": [...]}` object or, as the Collector's
//! file exporter writes it, one such object per line. One trace is one
//! recording, whichever lines its spans are on, so decoding has two steps:
//! every span that carries GenAI content is decoded first ([`span`]) into
//! arena values that outlive its line, then each trace's conversation is
//! built from its spans ([`build`]).

mod build;
mod span;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use bumpalo::Bump;

use crate::error::{Error, Result};
use crate::formats::{Piece, Sink};
use crate::input::Input;
use crate::json::Cx;
use crate::model::{Format, Recording};

use span::GenSpan;
use value::TextParser;

/// Decodes one OTLP JSON document (`{"resourceSpans": [...]}`): one recording per trace.
pub(crate) fn decode_document<'a>(cx: &Cx<'_, 'a>, each: &mut Sink<'_, 'a>) -> Result<()> {
    let mut text = TextParser::new();
    let spans = span::collect(cx, &mut text)?;
    let mut acc = Traces::default();
    acc.commit(spans, |e| e);
    acc.emit(cx.bump, each);
    Ok(())
}

/// Decodes the Collector's file export (one OTLP object per line): one
/// recording per trace, over all lines. A line that cannot be read is one
/// failed reference (`L<n>`); the other lines still count.
pub(crate) fn decode_lines<'l>(input: Input<'l, '_>, each: &mut Sink<'_, 'l>) -> Result<()> {
    let bump = input.bump;
    let mut text = TextParser::new();
    let mut acc = Traces::default();
    input.json_lines_each(|line, cx| {
        match cx.and_then(|cx| span::collect(cx, &mut text).map_err(|e| line.fix(e))) {
            Ok(spans) => acc.commit(spans, |e| line.fix(e)),
            Err(e) => acc.order.push(Ref::Line(line.number, e)),
        }
    })?;
    acc.emit(bump, each);
    Ok(())
}

/// One trace of the file, as its spans are found.
struct Trace<'a> {
    /// The trace id, lowercase.
    id: &'a str,
    /// Its GenAI spans, in file order.
    spans: Vec<GenSpan<'a>>,
    /// The first error met in one of its spans: the trace fails.
    error: Option<Error>,
}

/// A reference of the file, in the order of first appearance.
enum Ref {
    /// The trace at this index of [`Traces::traces`].
    Trace(usize),
    /// A line that could not be read (its number and error).
    Line(usize, Error),
}

/// The traces of a file, merged over its lines.
#[derive(Default)]
struct Traces<'a> {
    traces: Vec<Trace<'a>>,
    index: HashMap<&'a str, usize>,
    order: Vec<Ref>,
    /// Spans committed so far (a span's file order).
    seq: usize,
}

impl<'a> Traces<'a> {
    /// Adds the spans of one document (or line); `fix` makes a span's error
    /// relative to the file.
    fn commit(&mut self, spans: Vec<span::Found<'a>>, fix: impl Fn(Error) -> Error) {
        for found in spans {
            let t = match self.index.get(found.trace_id) {
                Some(&t) => t,
                None => {
                    let t = self.traces.len();
                    self.traces.push(Trace { id: found.trace_id, spans: Vec::new(), error: None });
                    self.index.insert(found.trace_id, t);
                    self.order.push(Ref::Trace(t));
                    t
                }
            };
            let Some(trace) = self.traces.get_mut(t) else { continue };
            match found.span {
                Ok(Some(mut s)) => {
                    s.seq = self.seq;
                    self.seq += 1;
                    trace.spans.push(s);
                }
                Ok(None) => {}
                Err(e) => {
                    if trace.error.is_none() {
                        trace.error = Some(fix(e));
                    }
                }
            }
        }
    }

    /// Hands every reference to `each`: failed lines, failed traces and the
    /// recordings of traces with GenAI content, in order of first appearance;
    /// a file with none of them is one empty reference with a warning.
    fn emit(self, bump: &'a Bump, each: &mut Sink<'_, 'a>) {
        let format = Some(Format::OtelGenai);
        let Traces { mut traces, order, .. } = self;
        let mut fragment = String::new();
        let mut any = false;
        for r in order {
            use std::fmt::Write;
            fragment.clear();
            let result = match r {
                Ref::Line(n, e) => {
                    let _ = write!(fragment, "L{n}");
                    Err(e)
                }
                Ref::Trace(t) => {
                    let Some(trace) = traces.get_mut(t) else { continue };
                    let _ = write!(fragment, "trace={}", trace.id);
                    match trace.error.take() {
                        Some(e) => Err(e),
                        None if trace.spans.is_empty() => continue,
                        None => Ok(build::recording(bump, trace.id, &mut trace.spans)),
                    }
                }
            };
            any = true;
            each(Piece { fragment: Some(&fragment), format }, result);
        }
        if !any {
            let warnings = bump.alloc_slice_copy(&[
                "the file holds no GenAI content (no span has gen_ai.input.messages, gen_ai.output.messages \
                 or gen_ai.system_instructions); 0 messages loaded",
            ]);
            let rec = Recording { format: Format::OtelGenai, warnings, ..Recording::default() };
            each(Piece { fragment: None, format }, Ok(rec));
        }
    }
}
