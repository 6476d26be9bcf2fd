//! Content generation: word pools, text, media, tool calls and the
//! per-document generator state that the format writers share.

use std::fmt::Write as _;

use arena_recordings::Timestamp;

use crate::rng::{pick, Rng};
use crate::write::{json_writer, Esc};
use crate::{DocumentSpec, Shape};

// ---------------------------------------------------------------------------
// Word pools.

const WORDS: &[&str] = &[
    "the",
    "device",
    "sensor",
    "reading",
    "shows",
    "a",
    "steady",
    "increase",
    "in",
    "temperature",
    "over",
    "last",
    "three",
    "hours",
    "which",
    "suggests",
    "bearing",
    "wear",
    "we",
    "should",
    "schedule",
    "maintenance",
    "before",
    "failure",
    "customer",
    "asked",
    "about",
    "their",
    "order",
    "refund",
    "policy",
    "allows",
    "returns",
    "within",
    "thirty",
    "days",
    "of",
    "delivery",
    "please",
    "confirm",
    "the",
    "shipping",
    "address",
    "and",
    "invoice",
    "number",
    "model",
    "answer",
    "is",
    "based",
    "on",
    "retrieved",
    "documents",
    "search",
    "results",
    "indicate",
    "that",
    "capital",
    "city",
    "population",
    "river",
    "flows",
    "through",
    "north",
    "region",
    "analysis",
    "summary",
    "recommendation",
    "next",
    "steps",
    "include",
    "checking",
    "logs",
    "error",
    "rate",
    "latency",
    "budget",
    "forecast",
    "quarter",
    "revenue",
    "growth",
    "compared",
    "to",
    "previous",
    "year",
];

const ACCENTED: &[&str] = &[
    "café",
    "naïve",
    "résumé",
    "Zürich",
    "São Paulo",
    "Ångström",
    "jalapeño",
    "façade",
    "Kraków",
    "Málaga",
    "crème brûlée",
    "Ærøskøbing",
    "déjà vu",
    "über",
    "El Niño",
    "Škoda",
    "Łódź",
    "Reykjavík",
    "smörgåsbord",
];

const CJK: &[&str] = &[
    "東京の天気は晴れです。",
    "日本語のテキストを含む応答",
    "你好，世界！",
    "北京是中国的首都。",
    "数据分析结果如下：",
    "서울은 한국의 수도입니다.",
    "한국어 문장도 포함됩니다",
    "漢字とひらがなとカタカナ",
    "請確認您的訂單編號。",
];

const EMOJI: &[&str] =
    &["🚀", "👍", "🎉", "😀", "🇫🇷", "👩‍💻", "🔥", "✅", "⚠️", "☕", "📈", "🤖", "👍🏽", "❤️", "🙏"];

pub(crate) const SCENARIOS: &[&str] =
    &["customer-support", "hardware-faults", "tool-usage", "redteam-selfplay", "geography", "billing"];

pub(crate) const TEAMS: &[&str] = &["team-a", "team-b", "eval/nightly", "eval/weekly"];

pub(crate) const PROVIDERS: &[&str] =
    &["openai-gpt4o", "gemini-flash", "claude-sonnet", "mistral-large", "local-llama"];

pub(crate) const TOOLS: &[&str] = &[
    "search",
    "calculate",
    "get_weather",
    "list_devices",
    "get_sensor_data",
    "book_engineer",
    "lookup_order",
];

const TINY: &[&str] = &["ok", "yes", "no", "thanks!", "👍", "continue", "done.", "sure", "là", "好的"];

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---------------------------------------------------------------------------
// Content.

pub(crate) struct Media {
    pub(crate) mime: &'static str,
    pub(crate) data: String,
    pub(crate) bytes: usize,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

pub(crate) struct Call {
    pub(crate) id: String,
    pub(crate) name: &'static str,
    /// Compact JSON text of the arguments.
    pub(crate) args: String,
}

pub(crate) struct Gen {
    pub(crate) rng: Rng,
    pub(crate) shape: Shape,
    pub(crate) target: usize,
    pub(crate) media_kb: usize,
    clock: Timestamp,
    /// Whether timestamps carry microseconds (like the macOS fixture) rather than nanoseconds.
    micros: bool,
    pub(crate) calls: usize,
}

impl Gen {
    pub(crate) fn new(spec: &DocumentSpec) -> Gen {
        Gen::with(spec.shape, spec.target_bytes, spec.media_kb, spec.seed)
    }

    /// A generator for one piece of about `target` bytes (one recording of
    /// a dataset file, or one document).
    pub(crate) fn with(shape: Shape, target: usize, media_kb: usize, seed: u64) -> Gen {
        let mut rng = Rng::new(seed);
        // 2026-01-01T00:00:00Z plus up to a year.
        let start = 1_767_225_600 + rng.below(365 * 86_400) as i64;
        let offset = [0, 3600, 19_800, -25_200, 32_400, -12_600, 7200][rng.below(7)];
        let nanos = rng.below(1_000_000) as u32 * 1000;
        let micros = rng.chance(50);
        Gen {
            rng,
            shape,
            target: target.max(256),
            media_kb,
            clock: Timestamp::from_parts(start, nanos, offset),
            micros,
            calls: 0,
        }
    }

    /// Advances the clock by a realistic gap; fractions at µs or ns precision.
    pub(crate) fn tick(&mut self) -> Timestamp {
        let ms =
            if self.shape == Shape::TinyEvents { self.rng.range(1, 400) } else { self.rng.range(40, 30_000) };
        let frac = self.rng.below(1_000_000) as u64;
        let frac = if self.micros { frac / 1000 * 1000 } else { frac };
        let total = u64::from(self.clock.subsec_nanos()) + ms as u64 * 1_000_000 + frac;
        let unix = self.clock.unix_seconds() + (total / 1_000_000_000) as i64;
        self.clock = Timestamp::from_parts(unix, (total % 1_000_000_000) as u32, self.clock.offset_seconds());
        self.clock
    }

    pub(crate) fn escapes(&self) -> Esc {
        if self.shape == Shape::EscapeHeavy {
            Esc::Ascii
        } else {
            Esc::Plain
        }
    }

    pub(crate) fn go_escapes(&self) -> Esc {
        if self.shape == Shape::EscapeHeavy {
            Esc::Ascii
        } else {
            Esc::Go
        }
    }

    /// A sentence of 6 to 20 words: mostly English, with accents, CJK and emoji
    /// as the shape asks.
    fn sentence(&mut self, out: &mut String) {
        let intl = match self.shape {
            Shape::TextHeavy | Shape::EscapeHeavy => 30,
            _ => 8,
        };
        let n = self.rng.range(6, 20);
        for w in 0..n {
            if w > 0 {
                out.push(' ');
            }
            let r = self.rng.below(100);
            let word = if r < intl / 3 {
                pick(&mut self.rng, ACCENTED)
            } else if r < 2 * intl / 3 {
                pick(&mut self.rng, CJK)
            } else if r < intl {
                pick(&mut self.rng, EMOJI)
            } else {
                pick(&mut self.rng, WORDS)
            };
            if w == 0 {
                let mut cs = word.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            } else {
                out.push_str(word);
            }
        }
        out.push_str(pick(&mut self.rng, &[".", ".", ".", "!", "?", ":"]));
    }

    /// Multi-paragraph assistant text of about `len` bytes, with markdown,
    /// quotes, code blocks, HTML-ish text and Windows paths.
    pub(crate) fn text(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len + 128);
        while out.len() < len {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            match self.rng.below(10) {
                0 => {
                    out.push_str("Here are the steps:\n");
                    for i in 1..=self.rng.range(2, 5) {
                        let _ = write!(out, "{i}. **Step {i}**: ");
                        self.sentence(&mut out);
                        out.push('\n');
                    }
                }
                1 => {
                    out.push_str("```json\n{\"status\": \"ok\", \"path\": \"C:\\\\Users\\\\data\\\\report.csv\", \"tags\": [\"a\", \"b\"]}\n```");
                }
                2 => {
                    out.push_str("The user said \"");
                    self.sentence(&mut out);
                    out.push_str("\" and <b>asked</b> for R&D numbers\t(see table).");
                }
                _ => {
                    for _ in 0..self.rng.range(2, 5) {
                        if !out.ends_with('\n') && !out.is_empty() {
                            out.push(' ');
                        }
                        self.sentence(&mut out);
                    }
                }
            }
        }
        out
    }

    fn short_text(&mut self) -> String {
        let mut s = String::new();
        self.sentence(&mut s);
        s
    }

    pub(crate) fn tiny(&mut self) -> &'static str {
        pick(&mut self.rng, TINY)
    }

    /// Base64 of `kb` KiB of pseudo-random bytes, starting like a PNG.
    pub(crate) fn media(&mut self, kb: usize) -> Media {
        let bytes = kb.max(1) * 1024;
        let chars = bytes.div_ceil(3) * 4;
        let mut data = String::with_capacity(chars);
        data.push_str("iVBORw0KGgoAAAANSUhEUgAA");
        let body = chars - data.len() - 4;
        let mut left = body;
        while left > 0 {
            let mut r = self.rng.next();
            for _ in 0..left.min(10) {
                data.push(BASE64[(r & 63) as usize] as char);
                r >>= 6;
            }
            left -= left.min(10);
        }
        data.push_str("AA==");
        let (width, height) = [(640, 480), (1024, 768), (1920, 1080), (512, 512)][self.rng.below(4)];
        let mime = ["image/png", "image/jpeg", "image/webp"][self.rng.below(3)];
        Media { mime, data, bytes, width, height }
    }

    pub(crate) fn image_kb(&mut self) -> usize {
        match self.shape {
            Shape::MediaHeavy => self.media_kb.max(16),
            _ => self.media_kb,
        }
    }

    /// Whether a user turn carries an image.
    pub(crate) fn wants_media(&mut self) -> bool {
        self.media_kb > 0
            && match self.shape {
                Shape::MediaHeavy => true,
                Shape::Mixed => self.rng.chance(12),
                _ => false,
            }
    }

    pub(crate) fn wants_tools(&mut self) -> bool {
        match self.shape {
            Shape::Mixed => self.rng.chance(40),
            Shape::EscapeHeavy => self.rng.chance(50),
            Shape::TextHeavy => self.rng.chance(15),
            _ => false,
        }
    }

    /// Nested tool arguments as compact JSON text.
    pub(crate) fn call(&mut self) -> Call {
        self.calls += 1;
        let name = pick(&mut self.rng, TOOLS);
        let id = format!("call_{}_{:08x}", self.calls, self.rng.next() as u32);
        let mut args = String::new();
        let query = self.short_text();
        let esc = self.go_escapes();
        let mut j = json_writer(&mut args, false, esc);
        j.obj().kv("query", &query).key("filters").obj();
        j.key("date_range").obj().kv("from", "2026-01-01").kv("to", "2026-03-31").end_obj();
        j.key("tags").arr().str("support").str("billing").str("über-priority").end_arr();
        let limit = self.rng.range(1, 50);
        j.kl("limit", limit).kl("min_score", 0.75).kl("strict", true).end_obj();
        j.key("options").obj().kl("retries", 3).key("fallback").lit("null").end_obj().end_obj();
        Call { id, name, args }
    }

    /// A tool's result text (itself JSON, as tools return it).
    pub(crate) fn tool_output(&mut self) -> String {
        let mut out = String::new();
        let summary = self.short_text();
        let mut j = json_writer(&mut out, false, Esc::Go);
        j.obj().kv("status", "ok").kv("summary", &summary).key("items").arr();
        for i in 0..self.rng.range(1, 4) {
            j.obj()
                .kl("id", i)
                .kv("name", pick(&mut self.rng, ACCENTED))
                .kl("score", 0.5 + i as f64 / 10.0)
                .end_obj();
        }
        j.end_arr().end_obj();
        out
    }

    pub(crate) fn user_text(&mut self) -> String {
        match self.shape {
            Shape::TinyEvents => self.tiny().to_string(),
            Shape::TextHeavy | Shape::EscapeHeavy => {
                let n = self.rng.range(200, 1500);
                self.text(n)
            }
            _ => self.short_text(),
        }
    }

    pub(crate) fn assistant_text(&mut self) -> String {
        match self.shape {
            Shape::TinyEvents => self.tiny().to_string(),
            Shape::TextHeavy | Shape::EscapeHeavy => {
                let n = self.rng.range(2000, 12_000);
                self.text(n)
            }
            Shape::MediaHeavy => self.short_text(),
            Shape::Mixed => {
                let n = self.rng.range(200, 3000);
                self.text(n)
            }
        }
    }
}
