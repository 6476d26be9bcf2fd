//! # Brief overview
//!
//! `arena_recordings` loads PromptKit Arena conversation recordings (session
//! recordings, Arena run output, transcripts) into one message model, fast
//! and without copying: a [`Loader`] reads a file once into a reusable buffer,
//! simd-json parses it in place, and the resulting [`Recording`] borrows every
//! string from that buffer or from the loader's bump arena.
//!
//! * [`Registry`], [`RecordingAdapter`], [`RecordingReference`] and
//!   [`enumerate_files`] mirror the Go `adapters` package; [`Registry::load`]
//!   returns owned [`owned::Message`]s and [`owned::RecordingMetadata`] like Go.
//! * [`Registry::load_into`] and [`Loader`] are the zero-copy path.
//! * [`Corpus`] expands files, directories and `**` globs and loads them in
//!   parallel, streaming each [`Recording`] to a closure (the `arena-recordings`
//!   tool's `ls`, `export` and `scan` are built on it).
//! * [`promptkit`] writes messages and metadata exactly as PromptKit's Go
//!   encoder does.
//! * [`Error`] carries the file, byte offset, line and column of a failure.
//!
//! # Example
//!
//! ```
//! use arena_recordings::{Loader, Registry, RecordingReference};
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let registry = Registry::new();
//! let mut loader = Loader::new();
//! let reference = RecordingReference::file("corpus/sample/session/pk_eval-test_geography.recording.json", "");
//! let recording = registry.load_into(&reference, &mut loader).unwrap();
//! assert_eq!(recording.messages.len(), 4);
//! assert_eq!(recording.messages[0].role, "user");
//! ```

pub mod corpus;
pub mod error;
pub mod formats;
pub mod input;
pub mod json;
pub mod limits;
pub mod loader;
pub mod model;
pub mod owned;
pub mod promptkit;
pub mod registry;
pub mod time;

pub use corpus::{Corpus, Entry, RunOptions, Tally, Visit};
pub use error::{Error, ErrorKind, Position, Result};
pub use formats::convert::MediaSource;
pub use loader::{Limits, Loader, Parser};
pub use model::{Format, Message, Metadata, Part, RawJson, Recording};
pub use owned::{ProviderSpec, RecordingMetadata};
pub use registry::{enumerate_files, is_glob_pattern, RecordingAdapter, RecordingReference, Registry};
pub use time::Timestamp;
