//! Arbitrary text as an Eval config: a compiled plan or a config error with
//! the file, line and column; no panic, no unbounded regex or schema.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::eval::config_checked(data);
});
