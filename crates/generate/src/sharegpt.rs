//! The ShareGPT dataset writer: one element of the file's JSON array.

use arena_recordings::write::JsonWriter;

use crate::content::{Call, Gen};
use crate::dataset::{escapes, offered, tool_schema, Counts};
use crate::write::{json_writer, Esc};

/// The speaker names of one recording: most use FastChat's, some the
/// aliases LLaMA-Factory and Hugging Face exports use.
struct Speakers {
    /// `from`/`value`, or `role`/`content` (the Hugging Face tags).
    tags: (&'static str, &'static str),
    user: &'static str,
    assistant: &'static str,
    result: &'static str,
}

impl Gen {
    /// Appends the ShareGPT object of recording `index` to `out`, as an
    /// element (two-space indent) of the file's top-level array: `{"id",
    /// "conversations": [...], "system", "tools"}`, with `human`/`gpt`
    /// turns and `function_call` / `observation` turns whose values are
    /// JSON text.
    pub(crate) fn sharegpt_item(&mut self, out: &mut String, index: u64) -> Counts {
        let esc = escapes(self.shape);
        let start = out.len();
        let sp = match self.rng.below(100) {
            0..=79 => {
                Speakers { tags: ("from", "value"), user: "human", assistant: "gpt", result: "observation" }
            }
            80..=89 => {
                Speakers { tags: ("from", "value"), user: "user", assistant: "assistant", result: "tool" }
            }
            _ => Speakers { tags: ("role", "content"), user: "user", assistant: "assistant", result: "tool" },
        };
        let weights = self.rng.chance(5);
        let system = if self.rng.chance(25) {
            let n = self.rng.range(80, 600);
            Some(self.text(n))
        } else {
            None
        };
        let mut j = JsonWriter::resume(out, true, esc, &[index > 0]);
        j.obj();
        if self.rng.chance(70) {
            let id = format!("sgpt_{index}_{:08x}", self.rng.next() as u32);
            j.kv("id", &id);
        }
        j.key("conversations").arr();
        let mut counts = Counts { messages: usize::from(system.is_some()), tool_calls: 0 };
        let mut called: Vec<&'static str> = Vec::new();
        let mut turns = 0usize;
        loop {
            let text = self.user_text();
            turn(out, esc, &sp, &mut turns, sp.user, &text, None);
            if self.wants_tools() {
                let n = if self.rng.chance(25) { self.rng.range(2, 3) } else { 1 };
                let calls: Vec<Call> = (0..n).map(|_| self.call()).collect();
                let value = function_call_value(&calls);
                turn(out, esc, &sp, &mut turns, "function_call", &value, None);
                for c in &calls {
                    let output = self.tool_output();
                    turn(out, esc, &sp, &mut turns, sp.result, &output, None);
                    called.push(c.name);
                }
                counts.tool_calls += calls.len();
            }
            let answer = self.assistant_text();
            let weight = weights.then(|| if self.rng.chance(30) { "0.0" } else { "1.0" });
            turn(out, esc, &sp, &mut turns, sp.assistant, &answer, weight);
            if out.len() - start >= self.target {
                break;
            }
        }
        counts.messages += turns;
        let mut j = JsonWriter::resume(out, true, esc, &[true, true, true]);
        j.end_arr();
        if let Some(s) = &system {
            j.kv("system", s);
        }
        if !called.is_empty() || self.rng.chance(10) {
            let names = offered(&mut self.rng, &called);
            let mut tools = String::new();
            let mut t = json_writer(&mut tools, false, Esc::Plain);
            t.arr();
            for n in &names {
                tool_schema(&mut t, n);
            }
            t.end_arr();
            j.kv("tools", &tools);
        }
        j.end_obj();
        counts
    }
}

/// Appends one turn to the `conversations` array (depth 3 of the file).
fn turn(
    out: &mut String,
    esc: Esc,
    sp: &Speakers,
    turns: &mut usize,
    from: &str,
    value: &str,
    weight: Option<&str>,
) {
    let mut j = JsonWriter::resume(out, true, esc, &[true, true, *turns > 0]);
    j.obj().kv(sp.tags.0, from).kv(sp.tags.1, value);
    if let Some(w) = weight {
        j.kl("weight", w);
    }
    j.end_obj();
    *turns += 1;
}

/// A `function_call` turn's value: JSON text of `{"name", "arguments"}`
/// (as Python's `json.dumps` spaces it), or an array of them for parallel calls.
fn function_call_value(calls: &[Call]) -> String {
    let mut s = String::new();
    if calls.len() > 1 {
        s.push('[');
    }
    for (k, c) in calls.iter().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        s.push_str("{\"name\": \"");
        s.push_str(c.name);
        s.push_str("\", \"arguments\": ");
        s.push_str(&c.args);
        s.push('}');
    }
    if calls.len() > 1 {
        s.push(']');
    }
    s
}
