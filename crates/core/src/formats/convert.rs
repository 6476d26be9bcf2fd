//! Conversion rules shared by every input format (docs/formats.md#shared-conversion-rules):
//! media unit conversion, part conversion, tool calls and tool results.
//!
//! The JSON session adapter and the YAML transcript adapter both decode into
//! the plain input types here ([`MediaSource`], [`RecordedPart`]) and convert
//! with the same functions, so the rules live in one place.

use bumpalo::Bump;

use crate::model::{Media, Message, Part, RawJson, ToolCall, ToolResult};
use crate::time::Timestamp;

/// Input-side media description (PromptKit `adapters.MediaSource`): units are
/// bytes and milliseconds, and exactly one of data, URI and path is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaSource<'a> {
    /// MIME type, copied as is.
    pub mime_type: &'a str,
    /// Base64 data.
    pub data: &'a str,
    /// A URL.
    pub uri: &'a str,
    /// A file path.
    pub path: &'a str,
    /// Size in bytes.
    pub size: i64,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Duration in milliseconds.
    pub duration: i64,
}

impl<'a> MediaSource<'a> {
    /// Converts to the output schema as the reference does: data wins over
    /// URI (written as `url`) over path (written as `file_path`); size in
    /// bytes becomes `size_kb` = floor(size / 1024); duration in ms becomes
    /// floor(ms / 1000) seconds; zero or negative numbers are dropped.
    pub fn to_media(&self) -> Media<'a> {
        let mut m = Media { mime_type: self.mime_type, ..Media::default() };
        if !self.data.is_empty() {
            m.data = Some(self.data);
        } else if !self.uri.is_empty() {
            m.url = Some(self.uri);
        } else if !self.path.is_empty() {
            m.file_path = Some(self.path);
        }
        if self.size > 0 {
            m.size_kb = Some(self.size / 1024);
        }
        if self.width > 0 {
            m.width = Some(self.width);
        }
        if self.height > 0 {
            m.height = Some(self.height);
        }
        if self.duration > 0 {
            m.duration = Some(self.duration / 1000);
        }
        m
    }
}

/// A content part as session recordings and transcripts write it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordedPart<'a> {
    /// Part type.
    pub kind: &'a str,
    /// Text, when present.
    pub text: Option<&'a str>,
    /// Media, when present.
    pub media: Option<MediaSource<'a>>,
}

impl<'a> RecordedPart<'a> {
    /// The reference's part conversion: `text` keeps non-empty text and drops
    /// media; `image`/`audio`/`video`/`document` keep converted media and drop
    /// text; any other type keeps only its type.
    pub fn into_part(self, bump: &'a Bump) -> Part<'a> {
        let mut p = Part { kind: self.kind, ..Part::default() };
        match self.kind {
            "text" => p.text = self.text.filter(|t| !t.is_empty()),
            "image" | "audio" | "video" | "document" => {
                p.media = self.media.map(|m| &*bump.alloc(m.to_media()));
            }
            _ => {}
        }
        p
    }
}

/// A message as session recordings and transcripts write it (`RecordedMsg`,
/// `TranscriptMessage`), after its parts and tool calls were converted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordedMessage<'a> {
    /// Role, verbatim.
    pub role: &'a str,
    /// Content.
    pub content: &'a str,
    /// Converted parts.
    pub parts: &'a [Part<'a>],
    /// Tool calls.
    pub tool_calls: &'a [ToolCall<'a>],
    /// Id of the tool call this message answers.
    pub tool_call_id: &'a str,
}

impl<'a> RecordedMessage<'a> {
    /// Builds the output message: a non-empty `tool_call_id` creates a text
    /// tool result with the content, whatever the role (as the reference).
    pub fn into_message(self, timestamp: Timestamp, bump: &'a Bump) -> Message<'a> {
        let tool_result = if self.tool_call_id.is_empty() {
            None
        } else {
            Some(&*bump.alloc(text_tool_result(self.tool_call_id, "", self.content, bump)))
        };
        Message {
            role: self.role,
            content: self.content,
            parts: self.parts,
            tool_calls: self.tool_calls,
            tool_result,
            timestamp,
            ..Message::default()
        }
    }
}

/// `NewTextToolResult(id, name, text)`: one text part, written even when empty.
pub fn text_tool_result<'a>(id: &'a str, name: &'a str, text: &'a str, bump: &'a Bump) -> ToolResult<'a> {
    let parts = bump.alloc_slice_copy(&[Part { kind: "text", text: Some(text), media: None }]);
    ToolResult { id, name, parts, ..ToolResult::default() }
}

/// `NewToolResultMessage(r)`: role `tool`, content = the result's text.
pub fn tool_result_message<'a>(r: ToolResult<'a>, timestamp: Timestamp, bump: &'a Bump) -> Message<'a> {
    let r = &*bump.alloc(r);
    Message {
        role: "tool",
        content: concat_text(r.parts, bump),
        tool_result: Some(r),
        timestamp,
        ..Message::default()
    }
}

/// The text of every `text` part with text, concatenated (no separator).
pub fn concat_text<'a>(parts: &[Part<'a>], bump: &'a Bump) -> &'a str {
    let mut texts = parts.iter().filter(|p| p.kind == "text").filter_map(|p| p.text);
    let Some(first) = texts.next() else {
        return "";
    };
    let Some(second) = texts.next() else {
        return first;
    };
    let mut s = bumpalo::collections::String::from_str_in(first, bump);
    s.push_str(second);
    for t in texts {
        s.push_str(t);
    }
    s.into_bump_str()
}

/// A tool call from its recorded form (`{id, type, function: {name, arguments}}`).
pub fn tool_call<'a>(id: &'a str, name: &'a str, arguments: RawJson<'a>) -> ToolCall<'a> {
    ToolCall { id, name, args: arguments, provider_metadata: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(f: impl FnOnce(&mut MediaSource<'static>)) -> Media<'static> {
        let mut m = MediaSource::default();
        f(&mut m);
        m.to_media()
    }

    // docs/formats.md#the-references-test-checklist, items 12-21.
    #[test]
    fn media_conversion_checklist() {
        let m = ms(|m| m.data = "abc");
        assert_eq!((m.data, m.url, m.file_path), (Some("abc"), None, None));
        let m = ms(|m| m.uri = "http://x");
        assert_eq!((m.data, m.url, m.file_path), (None, Some("http://x"), None));
        let m = ms(|m| m.path = "/p");
        assert_eq!((m.data, m.url, m.file_path), (None, None, Some("/p")));
        let m = ms(|m| {
            m.data = "d";
            m.uri = "u";
            m.path = "p";
        });
        assert_eq!((m.data, m.url, m.file_path), (Some("d"), None, None));
        let m = ms(|m| {
            m.uri = "u";
            m.path = "p";
        });
        assert_eq!((m.url, m.file_path), (Some("u"), None));
        assert_eq!(ms(|m| m.size = 2048).size_kb, Some(2));
        let m = ms(|m| {
            m.width = 1920;
            m.height = 1080;
        });
        assert_eq!((m.width, m.height), (Some(1920), Some(1080)));
        assert_eq!(ms(|m| m.duration = 5000).duration, Some(5));
        let m = ms(|m| {
            m.mime_type = "video/mp4";
            m.uri = "u";
            m.size = 10240;
            m.width = 1920;
            m.height = 1080;
            m.duration = 30000;
        });
        assert_eq!(
            (m.url, m.size_kb, m.width, m.height, m.duration, m.mime_type),
            (Some("u"), Some(10), Some(1920), Some(1080), Some(30), "video/mp4")
        );
        let m = ms(|_| {});
        assert_eq!((m.size_kb, m.width, m.height, m.duration), (None, None, None, None));
    }

    #[test]
    fn floors_like_the_reference() {
        assert_eq!(ms(|m| m.size = 1023).size_kb, Some(0));
        assert_eq!(ms(|m| m.duration = 999).duration, Some(0));
        assert_eq!(ms(|m| m.duration = 1999).duration, Some(1));
        assert_eq!(ms(|m| m.size = -5).size_kb, None);
    }

    #[test]
    fn part_conversion() {
        let bump = Bump::new();
        let media = Some(MediaSource { data: "x", ..MediaSource::default() });
        let t = RecordedPart { kind: "text", text: Some("Hello"), media }.into_part(&bump);
        assert_eq!((t.text, t.media.is_none()), (Some("Hello"), true));
        let t = RecordedPart { kind: "text", text: Some(""), media: None }.into_part(&bump);
        assert_eq!(t.text, None);
        let i = RecordedPart { kind: "image", text: Some("caption"), media }.into_part(&bump);
        assert_eq!((i.text, i.media.unwrap().data), (None, Some("x")));
        let u = RecordedPart { kind: "IMAGE", text: Some("t"), media }.into_part(&bump);
        assert_eq!((u.kind, u.text, u.media.is_none()), ("IMAGE", None, true));
    }
}
