//! The tool-call bookkeeping the formats beyond PromptKit's share
//! (FORMATS-MORE.md 1.3, "Synthesized ids" and "Tool results"): ids for
//! calls that have none, the call a result without an id answers, and the
//! name of the call a result answers.

use std::collections::VecDeque;

use bumpalo::Bump;

/// The tool calls of one recording seen so far.
pub(crate) struct Calls<'a> {
    /// Every call so far, as (id, name), in order.
    seen: Vec<(&'a str, &'a str)>,
    /// Synthesized ids no result has answered yet, oldest first.
    pending: VecDeque<&'a str>,
}

impl<'a> Calls<'a> {
    pub(crate) fn new() -> Self {
        Calls { seen: Vec::new(), pending: VecDeque::new() }
    }

    /// Registers the next tool call of the recording and returns its id:
    /// `id` when it is present and not empty, else `call_<k>`, `k` being the
    /// call's 0-based position among all calls of the recording.
    pub(crate) fn call(&mut self, id: Option<&'a str>, name: &'a str, bump: &'a Bump) -> &'a str {
        let k = self.seen.len();
        let id = match id {
            Some(id) if !id.is_empty() => id,
            _ => {
                let id = bumpalo::format!(in bump, "call_{}", k).into_bump_str();
                self.pending.push_back(id);
                id
            }
        };
        self.seen.push((id, name));
        id
    }

    /// The id a tool result without one answers: the earliest synthesized id
    /// not answered yet (first in, first out), or `None` (the caller then
    /// uses `""` and warns). Results never pair with calls that had real ids.
    pub(crate) fn answer(&mut self) -> Option<&'a str> {
        self.pending.pop_front()
    }

    /// Marks a result that gave `id` itself: a synthesized id it names is
    /// answered.
    pub(crate) fn answered(&mut self, id: &str) {
        if let Some(i) = self.pending.iter().position(|p| *p == id) {
            self.pending.remove(i);
        }
    }

    /// The name of the latest earlier call with `id` (for results that do
    /// not name their tool), or `""`.
    pub(crate) fn name_of(&self, id: &str) -> &'a str {
        self.seen.iter().rev().find(|(i, _)| *i == id).map_or("", |(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_ids_pair_first_in_first_out() {
        let bump = Bump::new();
        let mut c = Calls::new();
        assert_eq!(c.call(None, "a", &bump), "call_0");
        assert_eq!(c.call(Some("real"), "b", &bump), "real");
        assert_eq!(c.call(Some(""), "c", &bump), "call_2");
        assert_eq!(c.answer(), Some("call_0"));
        assert_eq!(c.answer(), Some("call_2"));
        assert_eq!(c.answer(), None);
        assert_eq!(c.name_of("real"), "b");
        assert_eq!(c.name_of("call_2"), "c");
        assert_eq!(c.name_of("x"), "");
    }
}
