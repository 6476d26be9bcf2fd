//! The differential check on JSON documents built from the input (known keys
//! in varied case, values of every type) rather than on raw bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::differential_structured(data);
});
