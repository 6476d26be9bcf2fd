//! The typed baselines of the whole-corpus benchmark (`scripts/bench-corpus.sh`,
//! BENCHMARKS.md "End to end: corpora from the page cache"): what a user would otherwise
//! write to load a folder of session recordings (`*.recording.json`) and Arena run
//! output (`*.arena.json`) with serde_json or sonic-rs. One thread: walk the folder, read
//! every file into one reused buffer, deserialise it into borrowed typed structs with the
//! same fields as `benches/parse.rs` (roles, contents, parts with media, tool calls with
//! raw arguments, tool results, timestamps, cost and meta as raw JSON), and count
//! recordings and messages, printed as one JSON line so nothing is optimised away.
//!
//! ```sh
//! cargo build --release -p arena-recordings-core --example corpus_typed
//! target/release/examples/corpus_typed serde_json DIR
//! target/release/examples/corpus_typed sonic_rs DIR
//! ```
//!
//! Files of other formats (transcripts, JSON Lines) are not read: generate the corpus with
//! `--kinds session,arena`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

macro_rules! baseline_types {
    () => {
        use std::borrow::Cow;

        use serde::Deserialize;

        // Session recording (docs/formats.md#session-recordings).
        #[derive(Deserialize)]
        pub struct Session<'a> {
            #[serde(borrow)]
            pub metadata: Option<SessionMeta<'a>>,
            #[serde(borrow, default)]
            pub events: Option<Vec<Event<'a>>>,
        }

        #[derive(Deserialize)]
        pub struct SessionMeta<'a> {
            #[serde(borrow)]
            pub session_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub provider_id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub model: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub tags: Option<Vec<Cow<'a, str>>>,
        }

        #[derive(Deserialize)]
        pub struct Event<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub message: Option<RecordedMsg<'a>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedMsg<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<RecordedPart<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<RecordedCall<'a>>>,
            #[serde(borrow)]
            pub tool_call_id: Option<Cow<'a, str>>,
        }

        #[derive(Deserialize)]
        pub struct RecordedPart<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<MediaSource<'a>>,
        }

        #[derive(Deserialize)]
        pub struct MediaSource<'a> {
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub uri: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub path: Option<Cow<'a, str>>,
            pub size: Option<i64>,
            pub width: Option<i64>,
            pub height: Option<i64>,
            pub duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct RecordedCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub function: Option<Function<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Function<'a> {
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub arguments: Option<Cow<'a, str>>,
        }

        // Arena run output (engine.RunResult, Go keys) holding types.Message.
        #[derive(Deserialize)]
        #[allow(non_snake_case)]
        pub struct Run<'a> {
            #[serde(borrow)]
            pub RunID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Messages: Option<Vec<Message<'a>>>,
            #[serde(borrow)]
            pub ScenarioID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub PromptPack: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Region: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub ProviderID: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Error: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub Params: Option<Raw<'a>>,
            #[serde(borrow)]
            pub SessionTags: Option<Vec<Cow<'a, str>>>,
            #[serde(borrow)]
            pub StartTime: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub EndTime: Option<Cow<'a, str>>,
            pub Duration: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct Message<'a> {
            #[serde(borrow)]
            pub role: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub content: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub tool_calls: Option<Vec<ToolCall<'a>>>,
            #[serde(borrow)]
            pub tool_result: Option<ToolResult<'a>>,
            #[serde(borrow)]
            pub timestamp: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
            #[serde(borrow)]
            pub cost_info: Option<Raw<'a>>,
            #[serde(borrow)]
            pub finish_reason: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub meta: Option<Raw<'a>>,
            #[serde(borrow)]
            pub reasoning: Option<Raw<'a>>,
            #[serde(borrow)]
            pub validations: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Part<'a> {
            #[serde(borrow, rename = "type")]
            pub kind: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub text: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub media: Option<Media<'a>>,
        }

        #[derive(Deserialize)]
        pub struct Media<'a> {
            #[serde(borrow)]
            pub data: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub file_path: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub url: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub mime_type: Option<Cow<'a, str>>,
            pub size_kb: Option<i64>,
            #[serde(borrow)]
            pub detail: Option<Cow<'a, str>>,
            pub width: Option<i64>,
            pub height: Option<i64>,
        }

        #[derive(Deserialize)]
        pub struct ToolCall<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub args: Option<Raw<'a>>,
        }

        #[derive(Deserialize)]
        pub struct ToolResult<'a> {
            #[serde(borrow)]
            pub id: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub name: Option<Cow<'a, str>>,
            #[serde(borrow)]
            pub parts: Option<Vec<Part<'a>>>,
            #[serde(borrow)]
            pub error: Option<Cow<'a, str>>,
            pub latency_ms: Option<i64>,
        }

        /// Messages a session document holds (`message` events).
        pub fn session_messages(s: &Session<'_>) -> usize {
            s.events.iter().flatten().filter(|e| e.kind.as_deref() == Some("message")).count()
        }

        /// Messages an Arena run document holds.
        pub fn run_messages(r: &Run<'_>) -> usize {
            r.Messages.as_ref().map_or(0, Vec::len)
        }
    };
}

// The fields are read by the deserialiser, which is what is measured.
#[allow(dead_code)]
mod sj {
    pub type Raw<'a> = &'a serde_json::value::RawValue;
    baseline_types!();
}

#[allow(dead_code)]
mod sonic {
    pub type Raw<'a> = sonic_rs::LazyValue<'a>;
    baseline_types!();
}

/// The files of `dir` (recursively) with the two JSON names, sorted.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            walk(&p, out)?;
        } else {
            let name = p.to_string_lossy();
            if name.ends_with(".recording.json") || name.ends_with(".arena.json") {
                out.push(p);
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, dir) = match args.as_slice() {
        [w, d] if w == "serde_json" || w == "sonic_rs" => (w.clone(), PathBuf::from(d)),
        _ => {
            eprintln!("usage: corpus_typed serde_json|sonic_rs DIR");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut paths = Vec::new();
    if let Err(e) = walk(&dir, &mut paths) {
        eprintln!("error: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    paths.sort();
    let (mut files, mut bytes, mut recordings, mut messages, mut errors) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    for p in &paths {
        buf.clear();
        if let Err(e) = std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut buf)) {
            eprintln!("error: {}: {e}", p.display());
            errors += 1;
            continue;
        }
        files += 1;
        bytes += buf.len() as u64;
        let session = p.to_string_lossy().ends_with(".recording.json");
        let n = match (which.as_str(), session) {
            ("serde_json", true) => serde_json::from_slice::<sj::Session<'_>>(&buf)
                .map(|s| sj::session_messages(&s))
                .map_err(|e| e.to_string()),
            ("serde_json", false) => serde_json::from_slice::<sj::Run<'_>>(&buf)
                .map(|r| sj::run_messages(&r))
                .map_err(|e| e.to_string()),
            (_, true) => sonic_rs::from_slice::<sonic::Session<'_>>(&buf)
                .map(|s| sonic::session_messages(&s))
                .map_err(|e| e.to_string()),
            (_, false) => sonic_rs::from_slice::<sonic::Run<'_>>(&buf)
                .map(|r| sonic::run_messages(&r))
                .map_err(|e| e.to_string()),
        };
        match n {
            Ok(n) => {
                recordings += 1;
                messages += n as u64;
            }
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                errors += 1;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"loader\":\"{which}\",\"files\":{files},\"bytes\":{bytes},\"recordings\":{recordings},\"messages\":{messages},\"errors\":{errors},\"seconds\":{seconds:.4}}}"
    );
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
