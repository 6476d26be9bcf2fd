//! JSON output: the one string escaper ([`write_str`], plain, Go and ASCII
//! modes), Go's number and value rules ([`go`]), and the one streaming
//! writer ([`JsonWriter`]), shared by the PromptKit writer, the generator and
//! the CLI.

mod escape;
pub mod go;
mod writer;

pub(crate) use escape::write_str_plain;
pub use escape::{write_str, Escape};
pub use writer::JsonWriter;
