//! The integration tests, in one binary (one link instead of eight).
//!
//! `core`, `transcript`, `recorder`, `hostile` and `differential` test the
//! library through its public API; `cli` and `generate` run the
//! `arena-recordings` binary. Paths are relative to the repository root
//! (cargo runs the tests there).

mod cli;
#[cfg(feature = "cluster")]
mod cluster;
mod core;
mod differential;
mod eval;
mod formats;
mod generate;
mod hostile;
mod recorder;
#[cfg(feature = "sql")]
mod sql;
#[cfg(not(feature = "sql"))]
mod sql_disabled;
mod support;
mod transcript;
mod walk;
