//! Proves the zero-copy claim: once a loader's buffers are warm, loading a
//! recording performs no heap allocation at all. Strings borrow from the
//! input buffer or live in the bump arena, whose chunk is reused after reset.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use arena_recordings::{Loader, Parser};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialised thread-local that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

#[test]
fn warm_loads_allocate_nothing() {
    let files = [
        ("corpus/sample/session/travel-booking.recording.json", Parser::Session),
        ("corpus/sample/arena_output/trip-planner-tools.arena.json", Parser::ArenaOutput),
        ("corpus/sample/arena_output/hotel-concierge.arena.json", Parser::ArenaOutput),
        ("corpus/sample/arena_output/hvac-faults.arena.json", Parser::ArenaOutput),
        ("corpus/sample/recorder/build-status-eventstore.jsonl", Parser::Session),
        ("corpus/sample/recorder/build-status-export.jsonl", Parser::Session),
        ("corpus/sample/recorder/build-status-export.recording.json", Parser::Session),
        ("corpus/sample/session/code-review-session.recording.json", Parser::Auto),
        ("corpus/sample/arena_output/hotel-concierge.arena.json", Parser::Auto),
    ];
    for (path, parser) in files {
        let path = Path::new(path);
        let mut loader = Loader::new();
        let mut messages = 0;
        // Cold: the first load grows the buffers to fit the file; the second
        // may merge the arena's chunks into one of the size the file needed.
        let cold = allocations_during(|| messages = loader.load_file(path, parser).unwrap().messages.len());
        assert!(cold > 0, "the first load should size the buffers");
        loader.load_file(path, parser).unwrap();
        for round in 0..3 {
            let warm = allocations_during(|| {
                let rec = loader.load_file(path, parser).unwrap();
                assert_eq!(rec.messages.len(), messages);
            });
            assert_eq!(warm, 0, "{}: warm load {round} allocated {warm} times", path.display());
        }
        let mut bytes_loader = Loader::new();
        let bytes = std::fs::read(path).unwrap();
        bytes_loader.load_bytes(&bytes, parser).unwrap();
        bytes_loader.load_bytes(&bytes, parser).unwrap();
        let warm = allocations_during(|| {
            bytes_loader.load_bytes(&bytes, parser).unwrap();
        });
        assert_eq!(warm, 0, "{}: warm load_bytes allocated", path.display());
    }
}
