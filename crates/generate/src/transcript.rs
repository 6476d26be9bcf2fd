//! The transcript YAML writer (`*.transcript.yaml`).

use std::fmt::Write as _;

use crate::content::{Call, Gen, PROVIDERS};
use crate::rng::pick;
use crate::write::{push_yaml_dq, push_yaml_sq};
use crate::Shape;

impl Gen {
    // -----------------------------------------------------------------------
    // Transcript YAML (A3).

    pub(crate) fn transcript(&mut self) -> (String, usize) {
        let mut out = String::with_capacity(self.target + 4096);
        let ascii = self.shape == Shape::EscapeHeavy;
        let provider = pick(&mut self.rng, PROVIDERS);
        let _ = write!(
            out,
            "# Transcript generated for benchmarks ({shape})\nmetadata:\n  session_id: tr-{id:012x}\n  provider: {provider}\n  model: gpt-4o\n  tags: [benchmark, {shape}]\n  judge_targets:\n    quality:\n      type: openai\n      model: gpt-4o\n      id: judge-quality\nmessages:\n",
            shape = self.shape.as_str(),
            id = self.rng.next() & 0xffff_ffff_ffff,
        );
        let mut count = 0;
        let system = self.text(300);
        self.yaml_message(&mut out, "system", &system, ascii);
        count += 1;
        while out.len() < self.target {
            let text = self.user_text();
            self.yaml_message(&mut out, "user", &text, ascii);
            count += 1;
            if self.wants_media() {
                let kb = self.image_kb();
                let m = self.media(kb);
                let _ = write!(
                    out,
                    "    parts:\n      - type: text\n        text: \"See the attached image\"\n      - type: image\n        media:\n          mime_type: {}\n          data: {}\n          size: {}\n          width: {}\n          height: {}\n",
                    m.mime, m.data, m.bytes, m.width, m.height
                );
            }
            if self.wants_tools() {
                let calls: Vec<Call> = (0..self.rng.range(1, 3)).map(|_| self.call()).collect();
                self.yaml_message(&mut out, "assistant", "", ascii);
                count += 1;
                out.push_str("    tool_calls:\n");
                for c in &calls {
                    let _ = write!(out, "      - id: {}\n        type: function\n        function:\n          name: {}\n          arguments: ", c.id, c.name);
                    push_yaml_sq(&mut out, &c.args);
                    out.push('\n');
                }
                for c in &calls {
                    let output = self.tool_output();
                    self.yaml_message(&mut out, "tool", &output, ascii);
                    let _ = writeln!(out, "    tool_call_id: {}", c.id);
                    count += 1;
                }
            }
            let answer = self.assistant_text();
            self.yaml_message(&mut out, "assistant", &answer, ascii);
            count += 1;
        }
        (out, count)
    }

    fn yaml_message(&mut self, out: &mut String, role: &str, content: &str, ascii: bool) {
        let ts = self.tick();
        let _ = write!(out, "  - role: {role}\n    timestamp: {ts}\n    content: ");
        let literal = !ascii
            && content.contains('\n')
            && !content.starts_with([' ', '\n'])
            && !content.ends_with(['\n', ' '])
            && !content.chars().any(|c| c.is_control() && c != '\n');
        if literal {
            out.push_str("|-\n");
            for line in content.split('\n') {
                if !line.is_empty() {
                    out.push_str("      ");
                    out.push_str(line);
                }
                out.push('\n');
            }
        } else {
            push_yaml_dq(out, content, ascii);
            out.push('\n');
        }
    }
}
