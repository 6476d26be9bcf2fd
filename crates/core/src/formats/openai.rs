//! OpenAI chat messages and OpenAI Batch API files (FORMATS-MORE.md
//! sections 2 and 3).

use crate::error::{Error, ErrorKind, Result};
use crate::json::Cx;
use crate::model::Recording;

/// Decodes the OpenAI chat object at tape index `i` (one recording).
pub(crate) fn decode_chat<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    let _ = (cx, i);
    Err(Error::new(ErrorKind::Shape, "openai_chat: not implemented yet"))
}

/// Decodes the OpenAI Batch request or result line at tape index `i`.
pub(crate) fn decode_batch<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    let _ = (cx, i);
    Err(Error::new(ErrorKind::Shape, "openai_batch: not implemented yet"))
}
