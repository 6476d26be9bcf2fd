//! The transcript schema decoder: document, metadata, messages, parts,
//! media and tool calls, from [`Events`] into the borrowed model.

use std::borrow::Cow;

use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;
use yaml_rust2::parser::{Event, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::events::Events;
use super::json::JsonFrame;
use crate::error::{Error, ErrorKind, Result};
use crate::formats::convert::{tool_call, MediaSource, RecordedMessage, RecordedPart};
use crate::formats::{provider_pair, warn_no_keys};
use crate::limits::Limits;
use crate::model::{Format, Message, Metadata, Part, ProviderSpec, RawJson, Recording, ToolCall};
use crate::time::{span_nanos, Timestamp};

/// Deepest chain of merge keys (`<<`) followed inside one mapping.
const MAX_MERGE_DEPTH: usize = 64;

/// A decode error, with the char index (in the parsed text) of the
/// double-quoted scalar whose unknown escape caused it, if that is the cause.
pub(super) type Attempt<'a> = std::result::Result<Recording<'a>, (Error, Option<usize>)>;

/// Decodes `parsed` (the transcript text, or a copy of it with the chars at
/// the `removed` char indices of `src` taken out).
pub(super) fn decode_text<'a>(
    parsed: &str,
    src: &str,
    base: usize,
    removed: &[usize],
    bump: &'a Bump,
    limits: Limits,
    len: usize,
) -> Attempt<'a> {
    let mut de = De {
        ev: Events::new(parsed, src, base, removed, limits, len),
        bump,
        max_arena: limits.max_arena_bytes,
        scratch: (String::new(), Vec::new()),
        merge_depth: 0,
    };
    de.document().map_err(|e| (e, de.ev.bad_escape))
}

/// The decoder: events in, borrowed model out.
pub(super) struct De<'s, 'a> {
    ev: Events<'s>,
    bump: &'a Bump,
    /// [`Limits::max_arena_bytes`].
    max_arena: usize,
    /// Reused buffers for JSON text (tool arguments given as YAML values).
    scratch: (String, Vec<JsonFrame>),
    merge_depth: usize,
}

/// Struct field ids, one bit each (0 = unknown key).
type Field = u32;

impl<'s, 'a> De<'s, 'a> {
    pub(super) fn next(&mut self) -> Result<(Event, Marker)> {
        let (ev, mark) = self.ev.next()?;
        if crate::limits::arena_used(self.bump) > self.max_arena {
            return Err(self.arena_limit().at(self.ev.offset(&mark)));
        }
        Ok((ev, mark))
    }

    #[cold]
    fn arena_limit(&self) -> Error {
        let msg = format!(
            "the recording needs more than {} bytes of arena memory (the max_arena_bytes limit)",
            self.max_arena
        );
        Error::new(ErrorKind::Limit, msg)
    }

    fn document(&mut self) -> Result<Recording<'a>> {
        let bump = self.bump;
        let mut rec = Recording { format: Format::Transcript, ..Recording::default() };
        let mut warnings: BumpVec<'a, &'a str> = BumpVec::new_in(bump);
        // StreamStart, then a document or the end of an empty stream.
        self.next()?;
        let (ev, mark) = self.next()?;
        match ev {
            Event::StreamEnd => {
                warnings.push("empty YAML document; 0 messages loaded");
                rec.warnings = warnings.into_bump_slice();
                return Ok(rec);
            }
            Event::DocumentStart => {}
            other => return Err(self.unexpected(&other, &mark)),
        }
        let (root, mark) = self.next()?;
        match root {
            Event::MappingStart(..) => {
                if !self.transcript(&mut rec)? {
                    warnings.extend_from_slice(warn_no_keys(bump, "metadata, messages"));
                }
            }
            ref s if is_null(s) => warnings.push("empty YAML document; 0 messages loaded"),
            other => {
                return Err(self.type_err(&mark, "a mapping", found(&other), "the transcript"));
            }
        }
        let (end, mark) = self.next()?;
        if end != Event::DocumentEnd {
            return Err(self.unexpected(&end, &mark));
        }
        // Only the first document is read, as the reference; say so if there
        // is more. Text after the first document that is not a new document
        // (`---`) is an error: yaml-rust2 sometimes ends a document early on
        // bad input, and what follows must not be dropped silently.
        match self.next()? {
            (Event::StreamEnd, _) => {}
            (_, mark) => warnings.push(
                bumpalo::format!(in bump,
                    "a second YAML document (line {}) was ignored: only the first document is read",
                    mark.line()
                )
                .into_bump_str(),
            ),
        }
        rec.warnings = warnings.into_bump_slice();
        Ok(rec)
    }

    /// Decodes the top-level mapping; returns whether any known key was seen.
    fn transcript(&mut self, rec: &mut Recording<'a>) -> Result<bool> {
        const METADATA: Field = 1;
        const MESSAGES: Field = 2;
        let bump = self.bump;
        let mut meta = Meta::default();
        let mut messages: &'a [Message<'a>] = &[];
        let mut timestamps: &'a [Timestamp] = &[];
        let mut recognised = false;
        let ids = |k: &str| match k {
            "metadata" => METADATA,
            "messages" => MESSAGES,
            _ => 0,
        };
        self.entries(&ids, &mut |de, id, ev, mark| {
            recognised = true;
            match id {
                METADATA => de.metadata(ev, mark, &mut meta),
                _ => {
                    (messages, timestamps) = de.messages(ev, mark)?;
                    Ok(())
                }
            }
        })?;
        let provider_info = if meta.provider.is_empty() && meta.model.is_empty() {
            &[][..]
        } else {
            provider_pair(bump, "model", meta.model, "provider", meta.provider)
        };
        rec.messages = messages;
        rec.metadata = Metadata {
            judge_targets: meta.judge_targets,
            provider_info,
            tags: meta.tags,
            timestamps,
            session_id: meta.session_id,
            // The reference sets last - first only when both endpoints are
            // non-zero (and the result may be negative). We take the earliest
            // and latest non-zero timestamps instead: never negative, and a
            // missing endpoint does not lose the duration (COMPATIBILITY.md).
            duration_ns: span_nanos(timestamps.iter().copied()),
            ..Metadata::default()
        };
        Ok(recognised)
    }

    fn metadata(&mut self, ev: Event, mark: Marker, meta: &mut Meta<'a>) -> Result<()> {
        const SESSION_ID: Field = 1;
        const PROVIDER: Field = 2;
        const MODEL: Field = 4;
        const TAGS: Field = 8;
        const JUDGE_TARGETS: Field = 16;
        if !self.map_start(&ev, &mark, "metadata")? {
            return Ok(());
        }
        let ids = |k: &str| match k {
            "session_id" => SESSION_ID,
            "provider" => PROVIDER,
            "model" => MODEL,
            "tags" => TAGS,
            "judge_targets" => JUDGE_TARGETS,
            _ => 0,
        };
        self.entries(&ids, &mut |de, id, ev, mark| {
            match id {
                SESSION_ID => de.set_str(ev, &mark, "session_id", &mut meta.session_id)?,
                PROVIDER => de.set_str(ev, &mark, "provider", &mut meta.provider)?,
                MODEL => de.set_str(ev, &mark, "model", &mut meta.model)?,
                TAGS => meta.tags = de.str_list(ev, mark, "tags")?,
                _ => meta.judge_targets = de.judge_targets(ev, mark)?,
            }
            Ok(())
        })
    }

    /// `judge_targets`: name to `{type, model, id}`, sorted by name.
    fn judge_targets(&mut self, ev: Event, mark: Marker) -> Result<&'a [(&'a str, ProviderSpec<'a>)]> {
        if !self.map_start(&ev, &mark, "judge_targets")? {
            return Ok(&[]);
        }
        // (name, spec, where the name is, merged rather than explicit)
        let mut items: BumpVec<'a, (&'a str, ProviderSpec<'a>, Marker, bool)> = BumpVec::new_in(self.bump);
        self.judge_entries(&mut items, false)?;
        // Explicit entries win over merged ones; among equals the first wins.
        items.sort_by(|a, b| a.0.cmp(b.0).then(a.3.cmp(&b.3)));
        let mut out: BumpVec<'a, (&'a str, ProviderSpec<'a>)> =
            BumpVec::with_capacity_in(items.len(), self.bump);
        let mut prev: Option<(&str, bool)> = None;
        for (name, spec, mark, merged) in items {
            if let Some((p, p_merged)) = prev {
                if p == name {
                    if !p_merged && !merged {
                        let msg = format!("mapping key \"{name}\" already defined in judge_targets");
                        return Err(Error::new(ErrorKind::Shape, msg).at(self.ev.offset(&mark)));
                    }
                    continue;
                }
            }
            prev = Some((name, merged));
            out.push((name, spec));
        }
        Ok(out.into_bump_slice())
    }

    fn judge_entries(
        &mut self,
        items: &mut BumpVec<'a, (&'a str, ProviderSpec<'a>, Marker, bool)>,
        merged: bool,
    ) -> Result<()> {
        loop {
            let (key, kmark) = self.next()?;
            let name = match key {
                Event::MappingEnd => return Ok(()),
                Event::Scalar(s, TScalarStyle::Plain, _, None) if s == "<<" => {
                    let (v, vmark) = self.next()?;
                    self.enter_merge(&vmark)?;
                    let r =
                        self.merge_values(v, vmark, "judge_targets", &mut |de| de.judge_entries(items, true));
                    self.merge_depth -= 1;
                    r?;
                    continue;
                }
                ref k @ Event::Scalar(..) if is_null(k) => "",
                Event::Scalar(s, ..) => &*self.bump.alloc_str(&s),
                other => {
                    return Err(self.type_err(&kmark, "a string", found(&other), "a judge_targets name"));
                }
            };
            let (v, vmark) = self.next()?;
            let spec = self.provider_spec(v, vmark)?;
            items.push((name, spec, kmark, merged));
        }
    }

    fn provider_spec(&mut self, ev: Event, mark: Marker) -> Result<ProviderSpec<'a>> {
        const TYPE: Field = 1;
        const MODEL: Field = 2;
        const ID: Field = 4;
        let mut spec = ProviderSpec::default();
        if !self.map_start(&ev, &mark, "judge_targets")? {
            return Ok(spec);
        }
        let ids = |k: &str| match k {
            "type" => TYPE,
            "model" => MODEL,
            "id" => ID,
            _ => 0,
        };
        self.entries(&ids, &mut |de, id, ev, mark| match id {
            TYPE => de.set_str(ev, &mark, "type", &mut spec.kind),
            MODEL => de.set_str(ev, &mark, "model", &mut spec.model),
            _ => de.set_str(ev, &mark, "id", &mut spec.id),
        })?;
        Ok(spec)
    }

    /// `messages`: every message kept, with one timestamp each.
    fn messages(&mut self, ev: Event, mark: Marker) -> Result<(&'a [Message<'a>], &'a [Timestamp])> {
        if !self.seq_start(&ev, &mark, "messages")? {
            return Ok((&[], &[]));
        }
        let mut messages: BumpVec<'a, Message<'a>> = BumpVec::new_in(self.bump);
        let mut times: BumpVec<'a, Timestamp> = BumpVec::new_in(self.bump);
        loop {
            let (ev, mark) = self.next()?;
            if ev == Event::SequenceEnd {
                break;
            }
            let (m, ts) = self.message(ev, mark)?;
            messages.push(m);
            times.push(ts);
        }
        Ok((messages.into_bump_slice(), times.into_bump_slice()))
    }

    fn message(&mut self, ev: Event, mark: Marker) -> Result<(Message<'a>, Timestamp)> {
        const ROLE: Field = 1;
        const CONTENT: Field = 2;
        const NAME: Field = 4;
        const TIMESTAMP: Field = 8;
        const PARTS: Field = 16;
        const TOOL_CALLS: Field = 32;
        const TOOL_CALL_ID: Field = 64;
        let mut msg = RecordedMessage::default();
        let mut ts = Timestamp::ZERO;
        // A null entry is a zero message, kept like every other (as yaml.v3).
        if self.map_start(&ev, &mark, "messages")? {
            let ids = |k: &str| match k {
                "role" => ROLE,
                "content" => CONTENT,
                "name" => NAME,
                "timestamp" => TIMESTAMP,
                "parts" => PARTS,
                "tool_calls" => TOOL_CALLS,
                "tool_call_id" => TOOL_CALL_ID,
                _ => 0,
            };
            self.entries(&ids, &mut |de, id, ev, mark| {
                match id {
                    ROLE => de.set_str(ev, &mark, "role", &mut msg.role)?,
                    CONTENT => de.set_str(ev, &mark, "content", &mut msg.content)?,
                    // Parsed (so it must be a string) and dropped, as the reference.
                    NAME => {
                        de.text(ev, &mark, "name")?;
                    }
                    TIMESTAMP => {
                        // Lenient, as the reference: anything but RFC 3339 is the zero time.
                        if let Some(t) = de.text(ev, &mark, "timestamp")? {
                            ts = lenient_time(t);
                        }
                    }
                    PARTS => msg.parts = de.parts(ev, mark)?,
                    TOOL_CALLS => msg.tool_calls = de.tool_calls(ev, mark)?,
                    _ => de.set_str(ev, &mark, "tool_call_id", &mut msg.tool_call_id)?,
                }
                Ok(())
            })?;
        }
        Ok((msg.into_message(ts, self.bump), ts))
    }

    fn parts(&mut self, ev: Event, mark: Marker) -> Result<&'a [Part<'a>]> {
        if !self.seq_start(&ev, &mark, "parts")? {
            return Ok(&[]);
        }
        let mut out: BumpVec<'a, Part<'a>> = BumpVec::new_in(self.bump);
        loop {
            let (ev, mark) = self.next()?;
            if ev == Event::SequenceEnd {
                break;
            }
            let p = self.part(ev, mark)?;
            out.push(p.into_part(self.bump));
        }
        Ok(out.into_bump_slice())
    }

    fn part(&mut self, ev: Event, mark: Marker) -> Result<RecordedPart<'a>> {
        const TYPE: Field = 1;
        const TEXT: Field = 2;
        const MEDIA: Field = 4;
        let mut p = RecordedPart::default();
        if !self.map_start(&ev, &mark, "parts")? {
            return Ok(p);
        }
        let ids = |k: &str| match k {
            "type" => TYPE,
            "text" => TEXT,
            "media" => MEDIA,
            _ => 0,
        };
        self.entries(&ids, &mut |de, id, ev, mark| {
            match id {
                TYPE => de.set_str(ev, &mark, "type", &mut p.kind)?,
                // A pointer in the reference: null makes it absent, "" is kept (and
                // then dropped by the part conversion).
                TEXT => p.text = de.string(ev, &mark, "text")?,
                _ => {
                    p.media = if is_null(&ev) {
                        None
                    } else {
                        let mut m = p.media.unwrap_or_default();
                        de.media(ev, mark, &mut m)?;
                        Some(m)
                    }
                }
            }
            Ok(())
        })?;
        Ok(p)
    }

    fn media(&mut self, ev: Event, mark: Marker, m: &mut MediaSource<'a>) -> Result<()> {
        const MIME_TYPE: Field = 1;
        const DATA: Field = 2;
        const URI: Field = 4;
        const PATH: Field = 8;
        const SIZE: Field = 16;
        const WIDTH: Field = 32;
        const HEIGHT: Field = 64;
        const DURATION: Field = 128;
        if !self.map_start(&ev, &mark, "media")? {
            return Ok(());
        }
        let ids = |k: &str| match k {
            "mime_type" => MIME_TYPE,
            "data" => DATA,
            "uri" => URI,
            "path" => PATH,
            "size" => SIZE,
            "width" => WIDTH,
            "height" => HEIGHT,
            "duration" => DURATION,
            _ => 0,
        };
        self.entries(&ids, &mut |de, id, ev, mark| match id {
            MIME_TYPE => de.set_str(ev, &mark, "mime_type", &mut m.mime_type),
            DATA => de.set_str(ev, &mark, "data", &mut m.data),
            URI => de.set_str(ev, &mark, "uri", &mut m.uri),
            PATH => de.set_str(ev, &mark, "path", &mut m.path),
            SIZE => de.set_int(ev, &mark, "size", &mut m.size),
            WIDTH => de.set_int(ev, &mark, "width", &mut m.width),
            HEIGHT => de.set_int(ev, &mark, "height", &mut m.height),
            _ => de.set_int(ev, &mark, "duration", &mut m.duration),
        })
    }

    fn tool_calls(&mut self, ev: Event, mark: Marker) -> Result<&'a [ToolCall<'a>]> {
        if !self.seq_start(&ev, &mark, "tool_calls")? {
            return Ok(&[]);
        }
        let mut out: BumpVec<'a, ToolCall<'a>> = BumpVec::new_in(self.bump);
        loop {
            let (ev, mark) = self.next()?;
            if ev == Event::SequenceEnd {
                break;
            }
            out.push(self.tool_call(ev, mark)?);
        }
        Ok(out.into_bump_slice())
    }

    /// `{id, type, function: {name, arguments}}`.
    fn tool_call(&mut self, ev: Event, mark: Marker) -> Result<ToolCall<'a>> {
        const ID: Field = 1;
        const TYPE: Field = 2;
        const FUNCTION: Field = 4;
        const NAME: Field = 1;
        const ARGUMENTS: Field = 2;
        let (mut id, mut name, mut args) = ("", "", RawJson(""));
        if self.map_start(&ev, &mark, "tool_calls")? {
            let ids = |k: &str| match k {
                "id" => ID,
                "type" => TYPE,
                "function" => FUNCTION,
                _ => 0,
            };
            let fn_ids = |k: &str| match k {
                "name" => NAME,
                "arguments" => ARGUMENTS,
                _ => 0,
            };
            self.entries(&ids, &mut |de, field, ev, mark| match field {
                ID => de.set_str(ev, &mark, "id", &mut id),
                // Parsed (so it must be a string) and ignored, as the reference.
                TYPE => de.text(ev, &mark, "type").map(drop),
                _ => {
                    if !de.map_start(&ev, &mark, "function")? {
                        return Ok(());
                    }
                    de.entries(&fn_ids, &mut |de, field, ev, mark| match field {
                        NAME => de.set_str(ev, &mark, "name", &mut name),
                        _ => {
                            if let Some(a) = de.arguments(ev, mark)? {
                                args = a;
                            }
                            Ok(())
                        }
                    })
                }
            })?;
        }
        Ok(tool_call(id, name, args))
    }

    /// Tool arguments: a scalar is kept as its text (the reference); a
    /// mapping or sequence becomes compact JSON text (our extension).
    fn arguments(&mut self, ev: Event, mark: Marker) -> Result<Option<RawJson<'a>>> {
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (mut out, mut stack) = std::mem::take(&mut self.scratch);
                out.clear();
                stack.clear();
                let r = self.write_json(ev, mark, &mut out, &mut stack);
                let json = r.map(|()| RawJson(self.bump.alloc_str(&out)));
                self.scratch = (out, stack);
                json.map(Some)
            }
            ev => Ok(self.string(ev, &mark, "arguments")?.map(RawJson)),
        }
    }

    /// A list of strings (`tags`).
    fn str_list(&mut self, ev: Event, mark: Marker, field: &'static str) -> Result<&'a [&'a str]> {
        if !self.seq_start(&ev, &mark, field)? {
            return Ok(&[]);
        }
        let mut out: BumpVec<'a, &'a str> = BumpVec::new_in(self.bump);
        loop {
            let (ev, mark) = self.next()?;
            if ev == Event::SequenceEnd {
                break;
            }
            out.push(self.string(ev, &mark, field)?.unwrap_or(""));
        }
        Ok(out.into_bump_slice())
    }

    /// Walks the entries of a mapping whose start was just read. `ids` maps
    /// a key to its field bit (0 for unknown keys, which are skipped); `set`
    /// decodes the value of a known field from its first event.
    ///
    /// A known key given twice is an error (yaml.v3: "field already set").
    /// A merge key (`<<`) applies the merged mappings' fields that the
    /// mapping does not set itself, wherever it appears.
    fn entries(
        &mut self,
        ids: &impl Fn(&str) -> Field,
        set: &mut impl FnMut(&mut Self, Field, Event, Marker) -> Result<()>,
    ) -> Result<()> {
        let mut explicit: Field = 0;
        let mut merged: Field = 0;
        self.entries_with(ids, set, &mut explicit, &mut merged, false)
    }

    fn entries_with<I, S>(
        &mut self,
        ids: &I,
        set: &mut S,
        explicit: &mut Field,
        merged: &mut Field,
        merging: bool,
    ) -> Result<()>
    where
        I: Fn(&str) -> Field,
        S: FnMut(&mut Self, Field, Event, Marker) -> Result<()>,
    {
        loop {
            let (key, kmark) = self.next()?;
            let key = match key {
                Event::MappingEnd => return Ok(()),
                Event::Scalar(s, style, _, tag) => {
                    if style == TScalarStyle::Plain && tag.is_none() && s == "<<" {
                        let (v, vmark) = self.next()?;
                        self.enter_merge(&vmark)?;
                        let r = self.merge_values(v, vmark, "<<", &mut |de| {
                            de.entries_with(ids, set, explicit, merged, true)
                        });
                        self.merge_depth -= 1;
                        r?;
                        continue;
                    }
                    s
                }
                complex => {
                    // A mapping or sequence as a key matches no field.
                    self.skip(complex)?;
                    let (v, _) = self.next()?;
                    self.skip(v)?;
                    continue;
                }
            };
            let (v, vmark) = self.next()?;
            let id = ids(&key);
            if id == 0 {
                self.skip(v)?;
                continue;
            }
            if merging {
                if (*explicit | *merged) & id != 0 {
                    self.skip(v)?;
                    continue;
                }
                *merged |= id;
            } else {
                if *explicit & id != 0 {
                    let msg = format!("field \"{key}\" already set in this mapping");
                    return Err(Error::new(ErrorKind::Shape, msg).at(self.ev.offset(&kmark)));
                }
                *explicit |= id;
            }
            set(self, id, v, vmark)?;
        }
    }

    fn enter_merge(&mut self, mark: &Marker) -> Result<()> {
        if self.merge_depth >= MAX_MERGE_DEPTH {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("merge keys (<<) nested deeper than {MAX_MERGE_DEPTH} levels"),
            )
            .at(self.ev.offset(mark)));
        }
        self.merge_depth += 1;
        Ok(())
    }

    /// The value of a merge key: a mapping or a sequence of mappings, each
    /// walked by `walk` after its start was read.
    fn merge_values(
        &mut self,
        ev: Event,
        mark: Marker,
        field: &'static str,
        walk: &mut dyn FnMut(&mut Self) -> Result<()>,
    ) -> Result<()> {
        match ev {
            Event::MappingStart(..) => walk(self),
            Event::SequenceStart(..) => loop {
                let (ev, mark) = self.next()?;
                match ev {
                    Event::SequenceEnd => return Ok(()),
                    Event::MappingStart(..) => walk(self)?,
                    other => {
                        return Err(self.type_err(&mark, "a mapping to merge", found(&other), field));
                    }
                }
            },
            other => {
                Err(self.type_err(&mark, "a mapping or a list of mappings to merge", found(&other), field))
            }
        }
    }

    /// Skips the value that starts with `ev`.
    fn skip(&mut self, ev: Event) -> Result<()> {
        if !matches!(ev, Event::MappingStart(..) | Event::SequenceStart(..)) {
            return Ok(());
        }
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()?.0 {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth -= 1,
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// `true` for a mapping, `false` for null (the field stays empty).
    fn map_start(&self, ev: &Event, mark: &Marker, field: &'static str) -> Result<bool> {
        match ev {
            Event::MappingStart(..) => Ok(true),
            ev if is_null(ev) => Ok(false),
            other => Err(self.type_err(mark, "a mapping", found(other), field)),
        }
    }

    /// `true` for a sequence, `false` for null (the field stays empty).
    fn seq_start(&self, ev: &Event, mark: &Marker, field: &'static str) -> Result<bool> {
        match ev {
            Event::SequenceStart(..) => Ok(true),
            ev if is_null(ev) => Ok(false),
            other => Err(self.type_err(mark, "a list", found(other), field)),
        }
    }

    /// A string field's text without copying it: `None` for null.
    fn text(&self, ev: Event, mark: &Marker, field: &'static str) -> Result<Option<String>> {
        match ev {
            ref ev if is_null(ev) => Ok(None),
            Event::Scalar(s, ..) => Ok(Some(s)),
            other => Err(self.type_err(mark, "a string", found(&other), field)),
        }
    }

    /// A string field, copied into the arena: `None` for null.
    fn string(&self, ev: Event, mark: &Marker, field: &'static str) -> Result<Option<&'a str>> {
        Ok(self.text(ev, mark, field)?.map(|s| &*self.bump.alloc_str(&s)))
    }

    /// Sets a string field (null leaves it unchanged, as yaml.v3).
    fn set_str(&self, ev: Event, mark: &Marker, field: &'static str, slot: &mut &'a str) -> Result<()> {
        if let Some(s) = self.string(ev, mark, field)? {
            *slot = s;
        }
        Ok(())
    }

    /// Sets an integer field (null leaves it unchanged).
    fn set_int(&self, ev: Event, mark: &Marker, field: &'static str, slot: &mut i64) -> Result<()> {
        if is_null(&ev) {
            return Ok(());
        }
        let Event::Scalar(s, style, _, tag) = &ev else {
            return Err(self.type_err(mark, "an integer", found(&ev), field));
        };
        let is_plain = *style == TScalarStyle::Plain && tag.as_ref().is_none_or(|t| !is_core_tag(t, "str"));
        let num = if is_plain { resolve_int(s) } else { Num::No };
        match num {
            Num::Int(v) => {
                *slot = v;
                Ok(())
            }
            Num::Range => {
                let found = format!("{s} (out of range)");
                let msg = format!("expected an integer in the int64 range for \"{field}\", found {s}");
                Err(Error::expected(ErrorKind::Value, "an integer in the int64 range", found, msg)
                    .at(self.ev.offset(mark)))
            }
            Num::No => Err(self.type_err(mark, "an integer", found(&ev), field)),
        }
    }

    #[cold]
    pub(super) fn type_err(
        &self,
        mark: &Marker,
        expected: &'static str,
        found: String,
        field: &str,
    ) -> Error {
        let msg = format!("expected {expected} for \"{field}\", found {found}");
        Error::expected(ErrorKind::Type, expected, found, msg).at(self.ev.offset(mark))
    }

    #[cold]
    pub(super) fn unexpected(&self, ev: &Event, mark: &Marker) -> Error {
        Error::new(ErrorKind::Syntax, format!("unexpected YAML event {ev:?}")).at(self.ev.offset(mark))
    }
}

/// The reference's `time.Parse(time.RFC3339, s)`, or the zero time when it
/// fails. Go's general parser (the fallback after its strict RFC 3339 fast
/// path) also takes a comma before the fraction of a second.
fn lenient_time(mut s: String) -> Timestamp {
    if let Some(t) = Timestamp::parse_rfc3339(&s) {
        return t;
    }
    let b = s.as_bytes();
    if b.len() > 20 && b[19] == b',' && b[20].is_ascii_digit() {
        s.replace_range(19..20, ".");
        return Timestamp::parse_rfc3339(&s).unwrap_or(Timestamp::ZERO);
    }
    Timestamp::ZERO
}

/// Metadata fields as read (provider info is built at the end).
#[derive(Default)]
struct Meta<'a> {
    session_id: &'a str,
    provider: &'a str,
    model: &'a str,
    tags: &'a [&'a str],
    judge_targets: &'a [(&'a str, ProviderSpec<'a>)],
}

/// Whether `t` is the core-schema tag `!!name`.
pub(super) fn is_core_tag(t: &Tag, name: &str) -> bool {
    t.handle == "tag:yaml.org,2002:" && t.suffix == name
}

/// A null value: an untagged plain `null`, `Null`, `NULL`, `~` or empty
/// scalar, or one tagged `!!null`.
fn is_null(ev: &Event) -> bool {
    match ev {
        Event::Scalar(s, TScalarStyle::Plain, _, None) => {
            matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL")
        }
        Event::Scalar(_, _, _, Some(t)) => is_core_tag(t, "null"),
        _ => false,
    }
}

/// How a value is described in "found ..." messages.
pub(super) fn found(ev: &Event) -> String {
    match ev {
        Event::Scalar(s, style, ..) => {
            let what = match style {
                TScalarStyle::Plain => "the scalar",
                TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => "the quoted string",
                TScalarStyle::Literal | TScalarStyle::Folded => "the block scalar",
            };
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push_str("...");
            }
            format!("{what} {shown:?}")
        }
        Event::MappingStart(..) => "a mapping".to_owned(),
        Event::SequenceStart(..) => "a sequence".to_owned(),
        Event::MappingEnd | Event::SequenceEnd => "the end of a collection".to_owned(),
        _ => "the end of the document".to_owned(),
    }
}

/// What a plain scalar means for an integer field.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Num {
    Int(i64),
    Range,
    No,
}

/// Resolves a plain scalar for an integer field as yaml.v3 does:
/// underscores are removed, then an integer in Go's base-prefix syntax
/// (`0x`, `0o`, `0b`, a leading `0` for octal), then a float truncated
/// toward zero (`2048.0`, `1e3`).
pub(super) fn resolve_int(text: &str) -> Num {
    let plain: Cow<'_, str> =
        if text.contains('_') { Cow::Owned(text.replace('_', "")) } else { text.into() };
    if let Some(n) = go_parse_int(&plain) {
        return n;
    }
    if is_yaml_float(&plain) {
        return match plain.parse::<f64>() {
            // 2^63 is exactly representable; anything below it truncates into range.
            Ok(f) if f.is_finite() && f > -9_223_372_036_854_775_809.0 && f < 9_223_372_036_854_775_808.0 => {
                Num::Int(f as i64)
            }
            _ => Num::Range,
        };
    }
    Num::No
}

/// Go's `strconv.ParseInt(s, 0, 64)`: `None` on a syntax error.
pub(super) fn go_parse_int(s: &str) -> Option<Num> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let b = body.as_bytes();
    let (radix, digits) = match b {
        [b'0', b'x' | b'X', ..] => (16, &body[2..]),
        [b'0', b'o' | b'O', ..] => (8, &body[2..]),
        [b'0', b'b' | b'B', ..] => (2, &body[2..]),
        [b'0', _, ..] => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    let Ok(mag) = u64::from_str_radix(digits, radix) else {
        return Some(Num::Range);
    };
    let v = if neg { 0i64.checked_sub_unsigned(mag) } else { i64::try_from(mag).ok() };
    Some(v.map_or(Num::Range, Num::Int))
}

/// yaml.v3's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
pub(super) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    if int_digits == 0 {
        // `.5`
        if b.get(i) != Some(&b'.') {
            return false;
        }
        let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if b.get(i) == Some(&b'.') {
        i += 1 + b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}
