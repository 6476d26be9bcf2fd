//! Arbitrary bytes as a PromptKit recorder file (event-store JSONL, JSON or
//! JSONL export), through the session parser and content detection.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::load_checked(data, arena_recordings::Parser::Session);
    arena_recordings_fuzz::load_checked(data, arena_recordings::Parser::Auto);
});
