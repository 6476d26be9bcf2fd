//! RFC 3339 timestamps as Go's `time.Time` reads and writes them.
//!
//! A [`Timestamp`] is a plain `Copy` value: seconds since the Unix epoch,
//! nanoseconds, and the UTC offset it was written with (Go keeps the offset
//! and writes it back). The zero value is Go's zero time,
//! `0001-01-01T00:00:00Z`.

use std::fmt::{self, Write as _};

/// Seconds from 0001-01-01T00:00:00Z to the Unix epoch (negative).
const GO_ZERO_UNIX: i64 = -62_135_596_800;

/// A point in time with the UTC offset it was written in.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    unix: i64,
    nanos: u32,
    offset: i32,
}

impl Default for Timestamp {
    fn default() -> Self {
        Timestamp::ZERO
    }
}

impl Timestamp {
    /// Go's zero time, `0001-01-01T00:00:00Z`.
    pub const ZERO: Timestamp = Timestamp { unix: GO_ZERO_UNIX, nanos: 0, offset: 0 };

    /// Whether this is Go's zero time (any offset).
    pub fn is_zero(&self) -> bool {
        self.unix == GO_ZERO_UNIX && self.nanos == 0
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.unix
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The UTC offset in seconds the time was written with.
    pub fn offset_seconds(&self) -> i32 {
        self.offset
    }

    /// Nanoseconds since the Unix epoch, as a wide integer (never overflows).
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.unix) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// Builds a timestamp from Unix seconds, nanoseconds and an offset.
    pub fn from_parts(unix: i64, nanos: u32, offset_seconds: i32) -> Timestamp {
        Timestamp { unix, nanos: nanos.min(999_999_999), offset: offset_seconds }
    }

    /// Parses RFC 3339 exactly as Go's `time.Time.UnmarshalJSON` does:
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, uppercase `T` and `Z`,
    /// any number of fraction digits (beyond nine are ignored), day checked
    /// against the month. Returns `None` when Go would reject the text.
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let min = digits(&b[14..16])?;
        let sec = digits(&b[17..19])?;
        if !(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':') {
            return None;
        }
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 59
        {
            return None;
        }
        let mut rest = &b[19..];
        let mut nanos: u32 = 0;
        if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
            let mut n = 1;
            while n < rest.len() && rest[n].is_ascii_digit() {
                n += 1;
            }
            let frac = &rest[1..n];
            let mut scale = 100_000_000u32;
            for &d in frac.iter().take(9) {
                nanos += u32::from(d - b'0') * scale;
                scale /= 10;
            }
            rest = &rest[n..];
        }
        let offset: i32 = if rest == b"Z" {
            0
        } else {
            if rest.len() != 6 || !(rest[0] == b'+' || rest[0] == b'-') || rest[3] != b':' {
                return None;
            }
            let oh = digits(&rest[1..3])?;
            let om = digits(&rest[4..6])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = ((oh * 60 + om) * 60) as i32;
            if rest[0] == b'-' {
                -o
            } else {
                o
            }
        };
        let days = days_from_civil(i64::from(year), month, day);
        let local = days * 86_400 + i64::from(hour * 3600 + min * 60 + sec);
        Some(Timestamp { unix: local - i64::from(offset), nanos, offset })
    }

    /// Writes the time as Go's `time.RFC3339Nano` does: trailing zeros of the
    /// fraction trimmed, `Z` for a zero offset, otherwise `±hh:mm`.
    pub fn write_rfc3339(&self, out: &mut String) {
        let local = self.unix + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            y,
            m,
            d,
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        );
        if self.nanos != 0 {
            let mut frac = format!("{:09}", self.nanos);
            while frac.ends_with('0') {
                frac.pop();
            }
            out.push('.');
            out.push_str(&frac);
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset < 0 { '-' } else { '+' };
            let o = self.offset.unsigned_abs() / 60;
            let _ = write!(out, "{sign}{:02}:{:02}", o / 60, o % 60);
        }
    }

    /// Nanoseconds from `earlier` to `self`, saturating at the `i64` range.
    pub fn nanos_since(&self, earlier: &Timestamp) -> i64 {
        let d = self.unix_nanos() - earlier.unix_nanos();
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(35);
        self.write_rfc3339(&mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Duration between the earliest and the latest non-zero timestamp, in
/// nanoseconds: never negative, 0 with fewer than two non-zero times.
pub fn span_nanos(times: impl IntoIterator<Item = Timestamp>) -> i64 {
    let mut lo: Option<i128> = None;
    let mut hi: Option<i128> = None;
    for t in times {
        if t.is_zero() {
            continue;
        }
        let n = t.unix_nanos();
        lo = Some(lo.map_or(n, |l| l.min(n)));
        hi = Some(hi.map_or(n, |h| h.max(n)));
    }
    match (lo, hi) {
        (Some(l), Some(h)) => (h - l).min(i128::from(i64::MAX)) as i64,
        _ => 0,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn is_leap(y: u32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(s: &str) -> String {
        Timestamp::parse_rfc3339(s).unwrap().to_string()
    }

    #[test]
    fn zero_time() {
        assert_eq!(Timestamp::ZERO.to_string(), "0001-01-01T00:00:00Z");
        assert!(Timestamp::parse_rfc3339("0001-01-01T00:00:00Z").unwrap().is_zero());
    }

    #[test]
    fn round_trips_like_go() {
        assert_eq!(rt("2024-01-02T03:04:05.000000600Z"), "2024-01-02T03:04:05.0000006Z");
        assert_eq!(rt("2026-08-31T19:48:12.895833+01:00"), "2026-08-31T19:48:12.895833+01:00");
        assert_eq!(rt("2024-01-15T10:00:00+00:00"), "2024-01-15T10:00:00Z");
        assert_eq!(rt("2024-02-29T23:59:59.1234567891234-05:30"), "2024-02-29T23:59:59.123456789-05:30");
        assert_eq!(rt("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "2024-01-01 00:00:00",
            "2024-01-01t00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:00",
            "2023-02-29T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00.Z",
            "1700000000",
            "",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn offsets_compare_in_utc() {
        let a = Timestamp::parse_rfc3339("2024-01-15T10:00:00Z").unwrap();
        let b = Timestamp::parse_rfc3339("2024-01-15T11:00:30+01:00").unwrap();
        assert_eq!(b.nanos_since(&a), 30_000_000_000);
        assert_eq!(span_nanos([b, Timestamp::ZERO, a]), 30_000_000_000);
        assert_eq!(span_nanos([a]), 0);
    }
}
