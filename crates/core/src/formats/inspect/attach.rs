//! `attachment://` references (inspect_ai `log/_condense.py`): a sample
//! stores large strings (images, long tool output) once in
//! `sample.attachments` and writes `attachment://<hash>` in their place.
//! Every whole string of a message that starts with the prefix is replaced
//! before mapping; a key with no entry keeps the string and warns.

use std::borrow::Cow;

use bumpalo::Bump;

use crate::model::RawJson;

/// The prefix of a reference.
const PREFIX: &str = "attachment://";

/// How a string that starts with [`PREFIX`] begins in JSON text.
const NEEDLE: &str = "\"attachment://";

/// The warnings of one recording, in order, without repeats.
pub(super) struct Warnings<'a> {
    bump: &'a Bump,
    items: bumpalo::collections::Vec<'a, &'a str>,
}

impl<'a> Warnings<'a> {
    pub(super) fn new(bump: &'a Bump) -> Self {
        Warnings { bump, items: bumpalo::collections::Vec::new_in(bump) }
    }

    /// Adds `text` (copied into the arena) unless the same warning is there.
    pub(super) fn push(&mut self, text: &str) {
        if !self.items.contains(&text) {
            let w = self.bump.alloc_str(text);
            self.items.push(w);
        }
    }

    pub(super) fn into_slice(self) -> &'a [&'a str] {
        self.items.into_bump_slice()
    }
}

/// A sample's `attachments` map, sorted by key for lookups.
pub(super) struct Attachments<'a> {
    /// (key, content), sorted by key; with duplicate keys the last one wins.
    map: Vec<(&'a str, &'a str)>,
}

impl<'a> Attachments<'a> {
    /// The map from its entries in document order.
    pub(super) fn new(mut entries: Vec<(&'a str, &'a str)>) -> Self {
        // Stable sort, then keep the last of equal keys (JSON: the last one wins).
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut map: Vec<(&'a str, &'a str)> = Vec::with_capacity(entries.len());
        for e in entries {
            match map.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => map.push(e),
            }
        }
        Attachments { map }
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.map.binary_search_by(|(k, _)| (*k).cmp(key)).ok().and_then(|i| self.map.get(i)).map(|(_, v)| *v)
    }

    /// `s` itself, or the attachment it refers to.
    pub(super) fn resolve(&self, s: &'a str, warnings: &mut Warnings<'a>) -> &'a str {
        let Some(key) = s.strip_prefix(PREFIX) else { return s };
        match self.get(key) {
            Some(v) => v,
            None => {
                missing(key, warnings);
                s
            }
        }
    }

    /// The compact JSON text `raw` with every string value that is a
    /// reference replaced (object keys are never replaced). `raw` is what
    /// [`Cx::raw`](crate::json::Cx::raw) writes: no whitespace, strings
    /// escaped with the standard escapes only, so a value string that
    /// starts with the prefix is written with the prefix as is.
    pub(super) fn substitute(
        &self,
        raw: RawJson<'a>,
        bump: &'a Bump,
        warnings: &mut Warnings<'a>,
    ) -> RawJson<'a> {
        let text = raw.0;
        if memchr::memmem::find(text.as_bytes(), NEEDLE.as_bytes()).is_none() {
            return raw;
        }
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        // Iterative scan over the tokens; strings are the only tokens that
        // can contain a quote, so the next quote outside a string opens one.
        while let Some(q) = memchr::memchr(b'"', b.get(i..).unwrap_or_default()).map(|p| p + i) {
            let mut j = q + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            let is_key = b.get(end) == Some(&b':');
            let token = text.get(q..end).unwrap_or_default();
            if !is_key && token.as_bytes().get(1..).is_some_and(|t| t.starts_with(PREFIX.as_bytes())) {
                if let Some(key) = unescaped_key(token) {
                    match self.get(&key) {
                        Some(v) => {
                            out.push_str(text.get(copied..q).unwrap_or_default());
                            crate::write::write_str_plain(&mut out, v);
                            copied = end;
                        }
                        None => missing(&key, warnings),
                    }
                }
            }
            i = end;
        }
        if copied == 0 {
            return raw;
        }
        out.push_str(text.get(copied..).unwrap_or_default());
        RawJson(bump.alloc_str(&out))
    }
}

/// The key of the string token `token` (quotes included) after the prefix,
/// unescaped when it has escapes.
fn unescaped_key(token: &str) -> Option<Cow<'_, str>> {
    let inner = token.get(1..token.len().saturating_sub(1))?;
    let key = inner.strip_prefix(PREFIX)?;
    if !key.contains('\\') {
        return Some(Cow::Borrowed(key));
    }
    let s: String = serde_json::from_str(token).ok()?;
    Some(Cow::Owned(s.strip_prefix(PREFIX)?.to_owned()))
}

fn missing(key: &str, warnings: &mut Warnings<'_>) {
    let shown = crate::formats::inspect::clip(key, 80);
    warnings.push(&format!(
        "attachment://{shown} has no entry in the sample's attachments: the reference is kept as is"
    ));
}
