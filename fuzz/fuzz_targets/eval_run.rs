//! A fixed multi-assertion eval plan over arbitrary bytes loaded as a
//! recording: no panic, and the results keep their invariants.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::eval::run_checked(data);
});
