//! Arbitrary bytes as a file of many recordings read as `otel_genai` (and through
//! content detection), one reference per recording.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::load_each_checked(data, arena_recordings::Parser::OtelGenai);
});
