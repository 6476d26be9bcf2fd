use super::decode::{resolve_int, Num};
use super::json::{is_json_number, write_json_scalar};
use yaml_rust2::scanner::TScalarStyle;

#[test]
fn resolves_ints_like_yaml_v3() {
    assert_eq!(resolve_int("2048"), Num::Int(2048));
    assert_eq!(resolve_int("2048.0"), Num::Int(2048));
    assert_eq!(resolve_int("2048.9"), Num::Int(2048));
    assert_eq!(resolve_int("-1.5"), Num::Int(-1));
    assert_eq!(resolve_int("1e3"), Num::Int(1000));
    assert_eq!(resolve_int(".5"), Num::Int(0));
    assert_eq!(resolve_int("+12"), Num::Int(12));
    assert_eq!(resolve_int("0x800"), Num::Int(2048));
    assert_eq!(resolve_int("0o17"), Num::Int(15));
    assert_eq!(resolve_int("017"), Num::Int(15));
    assert_eq!(resolve_int("08"), Num::Int(8));
    assert_eq!(resolve_int("0b101"), Num::Int(5));
    assert_eq!(resolve_int("2_048"), Num::Int(2048));
    assert_eq!(resolve_int("-9223372036854775808"), Num::Int(i64::MIN));
    assert_eq!(resolve_int("9223372036854775807"), Num::Int(i64::MAX));
    assert_eq!(resolve_int("9223372036854775808"), Num::Range);
    assert_eq!(resolve_int("1e30"), Num::Range);
    for no in ["", "big", "12px", "true", ".inf", ".nan", "0x", "1.2.3", "--1", "2024-01-01", "e5"] {
        assert_eq!(resolve_int(no), Num::No, "{no:?}");
    }
}

#[test]
fn json_numbers() {
    for yes in ["0", "-0", "12", "1.5", "-1.5e+10", "2E3"] {
        assert!(is_json_number(yes), "{yes}");
    }
    for no in ["", "01", "+1", ".5", "1.", "1e", "0x10", "-"] {
        assert!(!is_json_number(no), "{no}");
    }
}

#[test]
fn scalars_as_json() {
    let w = |s: &str, style| {
        let mut out = String::new();
        write_json_scalar(&mut out, s, style, None);
        out
    };
    let p = TScalarStyle::Plain;
    assert_eq!(w("~", p), "null");
    assert_eq!(w("True", p), "true");
    assert_eq!(w("12", p), "12");
    assert_eq!(w("0x10", p), "16");
    assert_eq!(w(".5", p), "0.5");
    assert_eq!(w("+1.", p), "1.0");
    assert_eq!(w(".inf", p), "\".inf\"");
    assert_eq!(w("Paris \"FR\"", p), "\"Paris \\\"FR\\\"\"");
    assert_eq!(w("12", TScalarStyle::DoubleQuoted), "\"12\"");
    assert_eq!(w("true", TScalarStyle::SingleQuoted), "\"true\"");
}
