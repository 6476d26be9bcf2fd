//! inspect_ai eval logs (FORMATS-MORE.md section 5): `.json` logs and
//! `.eval` zip archives.

use crate::error::{Error, ErrorKind, Result};
use crate::formats::Sink;
use crate::input::Input;
use crate::json::Cx;

/// Decodes a `.json` log (the document's root object): one recording per sample.
pub(crate) fn decode_log<'a>(cx: &Cx<'_, 'a>, each: &mut Sink<'_, 'a>) -> Result<()> {
    let _ = (cx, each);
    Err(Error::new(ErrorKind::Shape, "inspect: not implemented yet"))
}

/// Decodes a `.eval` zip archive (the input's bytes): one recording per sample entry.
pub(crate) fn decode_zip<'l>(input: Input<'l, '_>, each: &mut Sink<'_, 'l>) -> Result<()> {
    let _ = (input.bytes(), each);
    Err(Error::new(ErrorKind::Shape, "inspect .eval: not implemented yet"))
}
