//! The zero-copy path against the serde_json reference (crates/reference):
//! same accept/reject decision, same error kind, same owned result.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::differential(data);
});
