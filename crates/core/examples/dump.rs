//! Prints each file's messages and metadata as PromptKit JSON.
use arena_recordings::{promptkit, Loader, RecordingReference, Registry};

fn main() {
    let registry = Registry::new();
    let mut loader = Loader::new();
    for path in std::env::args().skip(1) {
        let r = RecordingReference::file(path.clone(), "");
        match registry.load_into(&r, &mut loader) {
            Ok(rec) => {
                let mut s = String::new();
                promptkit::write_messages(&mut s, rec.messages);
                s.push('\n');
                promptkit::write_metadata(&mut s, &rec.metadata);
                println!("{path}: {} messages, warnings {:?}\n{s}", rec.messages.len(), rec.warnings);
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
}
