//! The baseline a user would write to load a ShareGPT JSON array or an OpenAI chat JSONL file
//! with serde_json: read the whole file into memory, then deserialise it into owned typed
//! structs (`String`s, as in most training and evaluation scripts), or with `--value` into
//! `serde_json::Value` (the untyped way). Prints what it loaded, as one JSON line, so the work
//! cannot be optimised away. Used by `scripts/bench-datasets.sh` (BENCHMARKS.md, "Dataset
//! files (issue 16)").
//!
//! ```sh
//! cargo build --release -p arena-recordings-core --example dataset_serde
//! target/release/examples/dataset_serde /tmp/arena-bench-datasets/sharegpt.json
//! target/release/examples/dataset_serde --value /tmp/arena-bench-datasets/openai_chat.jsonl
//! ```
//!
//! The format is taken from the file name: `.jsonl` is OpenAI chat JSON Lines, anything else a
//! ShareGPT JSON array.

use serde::Deserialize;
use serde_json::Value;
use std::process::ExitCode;
use std::time::Instant;

/// One ShareGPT conversation.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Conv {
    conversations: Vec<Turn>,
    system: Option<String>,
    tools: Option<String>,
    id: Option<Value>,
}

/// One ShareGPT turn: `{"from", "value"}`, or the `{"role", "content"}` spelling some
/// exports use for the same thing (the generated files have both).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Turn {
    #[serde(alias = "role")]
    from: String,
    #[serde(alias = "content")]
    value: String,
}

/// One OpenAI chat fine-tuning line.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Chat {
    messages: Vec<Msg>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Msg {
    role: String,
    /// A string, an array of content parts, or null.
    content: Option<Value>,
    tool_calls: Option<Vec<ToolCall>>,
    tool_call_id: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ToolCall {
    id: String,
    function: Function,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Function {
    name: String,
    arguments: String,
}

#[derive(Default)]
struct Counts {
    recordings: usize,
    messages: usize,
    tool_calls: usize,
}

fn sharegpt_typed(bytes: &[u8]) -> Result<Counts, serde_json::Error> {
    let convs: Vec<Conv> = serde_json::from_slice(bytes)?;
    let mut c = Counts { recordings: convs.len(), ..Counts::default() };
    for conv in &convs {
        c.messages += conv.conversations.len();
        c.tool_calls += conv.conversations.iter().filter(|t| t.from == "function_call").count();
    }
    Ok(c)
}

fn sharegpt_value(bytes: &[u8]) -> Result<Counts, serde_json::Error> {
    let v: Value = serde_json::from_slice(bytes)?;
    let mut c = Counts::default();
    for conv in v.as_array().map(Vec::as_slice).unwrap_or_default() {
        c.recordings += 1;
        let turns = conv["conversations"].as_array().map(Vec::as_slice).unwrap_or_default();
        c.messages += turns.len();
        c.tool_calls += turns
            .iter()
            .filter(|t| t.get("from").or_else(|| t.get("role")).is_some_and(|f| f == "function_call"))
            .count();
    }
    Ok(c)
}

fn openai_typed(text: &str) -> Result<Counts, serde_json::Error> {
    let mut c = Counts::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let chat: Chat = serde_json::from_str(line)?;
        c.recordings += 1;
        c.messages += chat.messages.len();
        c.tool_calls +=
            chat.messages.iter().map(|m| m.tool_calls.as_ref().map_or(0, Vec::len)).sum::<usize>();
    }
    Ok(c)
}

fn openai_value(text: &str) -> Result<Counts, serde_json::Error> {
    let mut c = Counts::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let chat: Value = serde_json::from_str(line)?;
        c.recordings += 1;
        let msgs = chat["messages"].as_array().map(Vec::as_slice).unwrap_or_default();
        c.messages += msgs.len();
        c.tool_calls += msgs.iter().map(|m| m["tool_calls"].as_array().map_or(0, Vec::len)).sum::<usize>();
    }
    Ok(c)
}

fn main() -> ExitCode {
    let mut value = false;
    let mut file = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--value" => value = true,
            "-h" | "--help" => {
                println!(
                    "usage: dataset_serde [--value] FILE   (FILE.jsonl: OpenAI chat JSONL; else a ShareGPT JSON array)"
                );
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() => file = Some(arg),
            _ => {
                eprintln!("usage: dataset_serde [--value] FILE");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("usage: dataset_serde [--value] FILE");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let jsonl = file.ends_with(".jsonl");
    let counts = if jsonl {
        match std::str::from_utf8(&bytes) {
            Ok(text) if value => openai_value(text),
            Ok(text) => openai_typed(text),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else if value {
        sharegpt_value(&bytes)
    } else {
        sharegpt_typed(&bytes)
    };
    let counts = match counts {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"loader\":\"serde_json {}\",\"format\":\"{}\",\"recordings\":{},\"messages\":{},\"tool_calls\":{},\"bytes\":{},\"seconds\":{seconds:.6}}}",
        if value { "Value" } else { "typed" },
        if jsonl { "openai_chat" } else { "sharegpt" },
        counts.recordings,
        counts.messages,
        counts.tool_calls,
        bytes.len(),
    );
    ExitCode::SUCCESS
}
