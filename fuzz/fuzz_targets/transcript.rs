//! Arbitrary bytes as a transcript YAML file: no panic, no hang, a determinate outcome.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::load_checked(data, arena_recordings::Parser::Transcript);
});
