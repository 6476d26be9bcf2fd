//! Arbitrary `path \0 hint` pairs through Registry::find_adapter and enumerate.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    arena_recordings_fuzz::route_checked(data);
});
