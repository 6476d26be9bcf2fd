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
//!   returns owned [`owned::Message`]s and [`owned::Metadata`] like Go.
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
//! let reference = RecordingReference::file("corpus/sample/session/travel-booking.recording.json", "");
//! let recording = registry.load_into(&reference, &mut loader).unwrap();
//! assert_eq!(recording.messages.len(), 4);
//! assert_eq!(recording.messages[0].role, "user");
//! ```

mod corpus;
mod error;
mod formats;
mod input;
mod json;
mod limits;
mod loader;
pub mod model;
pub mod owned;
pub mod promptkit;
mod registry;
mod time;
mod walk;
pub mod write;

pub use corpus::{Corpus, Each, Entry, Gather, Next, OrderedStream, RunOptions, Tally, Visit};
pub use error::{Error, ErrorKind, Position, Result};
pub use formats::convert::MediaSource;
pub use formats::{Parser, Piece};
pub use json::MAX_DEPTH as MAX_JSON_DEPTH;
pub use limits::Limits;
pub use loader::Loader;
pub use model::{Format, Message, Metadata, Part, ProviderSpec, RawJson, Recording};
pub use owned::to_owned;
pub use registry::{
    enumerate_files, has_extension, is_glob_pattern, matches_type_hint, FileAdapter, RecordingAdapter,
    RecordingReference, Registry, ARENA_OUTPUT, GENERIC, INSPECT, OPENAI_BATCH, OPENAI_CHAT, OTEL_GENAI,
    SESSION, SHAREGPT, TRANSCRIPT,
};
pub use time::Timestamp;

pub use input::read;
