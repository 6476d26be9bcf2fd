use super::raw::push_u64;
use super::*;
use bumpalo::Bump;

fn with_tape<R>(src: &str, f: impl FnOnce(&Cx<'_, '_>) -> R) -> R {
    let mut buf = src.as_bytes().to_vec();
    let len = buf.len();
    buf.resize(len + simd_json::INPUT_PADDING, 0);
    let mut buffers = Buffers::new(len);
    let mut tape = Tape::null();
    parse(&mut buf, len, &mut buffers, &mut tape).unwrap();
    let bump = Bump::new();
    let cx = Cx::new(&tape, &buffers, &bump, Scratch::default(), usize::MAX);
    f(&cx)
}

#[test]
fn offsets_map_through_structurals() {
    let src = r#"{"a":1,"b":[2,3.5,{}],"c":"x\ny"}"#;
    with_tape(src, |cx| {
        let offs: Vec<usize> = (0..10).map(|i| cx.offset_of(i)).collect();
        assert_eq!(offs, vec![0, 1, 5, 7, 11, 12, 14, 18, 22, 26]);
    });
}

#[test]
fn compact_round_trip() {
    let src = "{ \"a\" : [1, -2, 3.5, true, null, {}, [], \"x\\n\\u0001\"], \"b\": {\"c\": 1e300} }";
    with_tape(src, |cx| {
        assert_eq!(cx.raw(0).0, r#"{"a":[1,-2,3.5,true,null,{},[],"x\n\u0001"],"b":{"c":1e+300}}"#);
    });
}

/// The byte-at-a-time escaping the fast path must reproduce.
fn escape_reference(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn fast_escaping_matches_the_reference() {
    let alphabet = ['a', 'Z', ' ', '"', '\\', '\n', '\t', '\u{1}', '\u{1f}', '~', 'é', '日', '😀', '\u{7f}'];
    let mut state = 0x1234_5678_9abc_def0u64;
    for len in 0..200 {
        let s: String = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly plain letters, so that long clean runs occur.
                let r = (state % 64) as usize;
                if r < alphabet.len() {
                    alphabet[r]
                } else {
                    'x'
                }
            })
            .collect();
        let mut out = String::new();
        crate::write::write_str_plain(&mut out, &s);
        assert_eq!(out, escape_reference(&s), "{s:?}");
    }
    let mut out = String::new();
    for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
        out.clear();
        push_u64(&mut out, v);
        assert_eq!(out, v.to_string());
    }
}

#[test]
fn keys_fold_ascii_case() {
    assert!(key_is("Messages", "messages"));
    assert!(key_is("RUNID", "RunID"));
    assert!(!key_is("role_", "role"));
    // Go would match these two; we do not (see `key_is`).
    assert!(!key_is("\u{17F}ession_id", "session_id"));
    assert!(!key_is("\u{212A}ind", "kind"));
}
