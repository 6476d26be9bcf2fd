//! ShareGPT conversations (FORMATS-MORE.md section 4).

use crate::error::{Error, ErrorKind, Result};
use crate::json::Cx;
use crate::model::Recording;

/// Decodes the ShareGPT object at tape index `i` (one recording).
pub(crate) fn decode<'a>(cx: &Cx<'_, 'a>, i: usize) -> Result<Recording<'a>> {
    let _ = (cx, i);
    Err(Error::new(ErrorKind::Shape, "sharegpt: not implemented yet"))
}
