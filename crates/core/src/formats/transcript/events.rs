//! yaml-rust2's events for the transcript decoder: aliases replayed from a
//! tape, the alias budget, nesting limits, and error offsets in the file.

use std::str::Chars;

use yaml_rust2::parser::{Event, Parser as YamlParser};
use yaml_rust2::scanner::{Marker, ScanError};

use super::original_index;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;

/// yaml-rust2's events, with aliases expanded and limits enforced.
pub(super) struct Events<'s> {
    parser: YamlParser<Chars<'s>>,
    /// The transcript's text (after the BOM), for error offsets.
    src: &'s str,
    /// Char indices of `src` left out of the text parsed (see [`decode_bytes`]).
    removed: &'s [usize],
    /// Set when the scanner rejected an escape: the char index (in the text
    /// parsed) of the double-quoted scalar that holds it.
    pub(super) bad_escape: Option<usize>,
    /// Bytes skipped before `src` (the BOM).
    base: usize,
    /// Recorded events of anchored nodes, replayed for their aliases.
    tape: Vec<(Event, Marker)>,
    /// Anchor id to the range of its events in `tape` (end `OPEN` while the
    /// anchored node is still being read).
    anchors: Vec<(usize, usize)>,
    /// Anchored nodes being recorded: (anchor id, parser nesting at their start).
    recording: Vec<(usize, usize)>,
    /// Nesting of the parser's own events (replays excluded).
    raw_depth: usize,
    /// Alias replays in progress: (next tape index, end).
    replay: Vec<(usize, usize)>,
    /// Alias expansion left (see [`Limits::alias_budget`]).
    budget: usize,
    /// Nesting of the events handed out.
    depth: usize,
    max_depth: usize,
}

const OPEN: usize = usize::MAX;

impl<'s> Events<'s> {
    /// The events of `parsed`, with offsets reported in `src` (see `decode_text`).
    pub(super) fn new(
        parsed: &'s str,
        src: &'s str,
        base: usize,
        removed: &'s [usize],
        limits: Limits,
        len: usize,
    ) -> Self {
        Events {
            parser: YamlParser::new(parsed.chars()),
            src,
            removed,
            bad_escape: None,
            base,
            tape: Vec::new(),
            anchors: Vec::new(),
            recording: Vec::new(),
            raw_depth: 0,
            replay: Vec::new(),
            budget: limits.alias_budget(len),
            depth: 0,
            max_depth: limits.max_depth,
        }
    }
}

impl Events<'_> {
    /// The next event, aliases expanded.
    pub(super) fn next(&mut self) -> Result<(Event, Marker)> {
        loop {
            if let Some(top) = self.replay.last_mut() {
                if top.0 == top.1 {
                    self.replay.pop();
                    continue;
                }
                let (ev, mark) = self.tape[top.0].clone();
                top.0 += 1;
                let cost = 1 + match &ev {
                    Event::Scalar(s, ..) => s.len(),
                    _ => 0,
                };
                if cost > self.budget {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        "aliases expand to too much data (alias expansion budget exceeded; a \"billion laughs\" document?)",
                    )
                    .at(self.offset(&mark)));
                }
                self.budget -= cost;
                if let Event::Alias(id) = ev {
                    self.start_replay(id, &mark)?;
                    continue;
                }
                self.nest(&ev, &mark)?;
                return Ok((ev, mark));
            }
            let (ev, mark) = self.parser.next_token().map_err(|e| self.syntax(&e))?;
            self.record(&ev, &mark);
            if let Event::Alias(id) = ev {
                self.start_replay(id, &mark)?;
                continue;
            }
            self.nest(&ev, &mark)?;
            return Ok((ev, mark));
        }
    }

    /// Keeps the events of anchored nodes for later aliases.
    fn record(&mut self, ev: &Event, mark: &Marker) {
        let anchor = match ev {
            Event::Scalar(_, _, a, _) | Event::MappingStart(a, _) | Event::SequenceStart(a, _) => *a,
            _ => 0,
        };
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, (0, 0));
            }
            self.anchors[anchor] = (self.tape.len(), OPEN);
            self.recording.push((anchor, self.raw_depth));
        }
        if self.recording.is_empty() {
            return;
        }
        self.tape.push((ev.clone(), *mark));
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => self.raw_depth += 1,
            Event::MappingEnd | Event::SequenceEnd => self.raw_depth = self.raw_depth.saturating_sub(1),
            _ => {}
        }
        while let Some(&(id, depth)) = self.recording.last() {
            if depth != self.raw_depth {
                break;
            }
            self.anchors[id].1 = self.tape.len();
            self.recording.pop();
        }
    }

    fn start_replay(&mut self, id: usize, mark: &Marker) -> Result<()> {
        match self.anchors.get(id) {
            Some(&(start, end)) if end != OPEN => {
                self.replay.push((start, end));
                Ok(())
            }
            Some(_) => Err(Error::new(ErrorKind::Syntax, "an alias refers to a node that contains it")
                .at(self.offset(mark))),
            None => {
                Err(Error::new(ErrorKind::Syntax, "an alias refers to an unknown anchor")
                    .at(self.offset(mark)))
            }
        }
    }

    /// Tracks the nesting of handed-out events against the limit.
    fn nest(&mut self, ev: &Event, mark: &Marker) -> Result<()> {
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!("YAML nesting deeper than {} levels", self.max_depth),
                    )
                    .at(self.offset(mark)));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }

    /// Byte offset in the file of a marker (whose index counts characters).
    #[cold]
    pub(super) fn offset(&self, mark: &Marker) -> usize {
        let i = original_index(self.removed, mark.index());
        let within = if self.src.is_ascii() {
            i.min(self.src.len())
        } else {
            self.src.char_indices().nth(i).map_or(self.src.len(), |(b, _)| b)
        };
        self.base + within
    }

    #[cold]
    fn syntax(&mut self, e: &ScanError) -> Error {
        let at = self.offset(e.marker());
        if e.info().ends_with("found unknown escape character") {
            self.bad_escape = Some(e.marker().index());
        }
        if e.info() == "recursion limit exceeded" {
            // yaml-rust2 counts flow collections (`[`, `{`) in a u8.
            let msg = "YAML flow collections ([ and {) nested deeper than 255 levels";
            return Error::new(ErrorKind::Limit, msg).at(at);
        }
        Error::new(ErrorKind::Syntax, format!("invalid YAML: {}", e.info())).at(at)
    }
}
