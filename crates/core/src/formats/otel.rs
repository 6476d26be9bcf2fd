//! OpenTelemetry GenAI traces in OTLP JSON (FORMATS-MORE.md section 6).

use crate::error::{Error, ErrorKind, Result};
use crate::formats::Sink;
use crate::input::Input;
use crate::json::Cx;

/// Decodes one OTLP JSON document (`{"resourceSpans": [...]}`): one recording per trace.
pub(crate) fn decode_document<'a>(cx: &Cx<'_, 'a>, each: &mut Sink<'_, 'a>) -> Result<()> {
    let _ = (cx, each);
    Err(Error::new(ErrorKind::Shape, "otel_genai: not implemented yet"))
}

/// Decodes the Collector's file export (one OTLP object per line): one
/// recording per trace, over all lines.
pub(crate) fn decode_lines<'l>(input: Input<'l, '_>, each: &mut Sink<'_, 'l>) -> Result<()> {
    let _ = (input.bytes(), each);
    Err(Error::new(ErrorKind::Shape, "otel_genai: not implemented yet"))
}
