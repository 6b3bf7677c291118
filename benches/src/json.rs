//! Compact JSON written straight into a byte buffer, in the key order the caller chooses (as
//! Claude Code writes it), without building values first: the generator writes gigabytes.

use std::io::Write as _;

/// Appends `s` as a JSON string literal.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{b:04x}");
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// An open JSON object; [`Obj::close`] writes its `}`.
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    /// Writes `{`.
    pub fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// A string member.
    pub fn s(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        string(self.out, value);
        self
    }

    /// A string member, or `null`.
    pub fn s_or_null(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.s(key, value),
            None => self.raw(key, b"null"),
        }
    }

    /// An integer member.
    pub fn n(&mut self, key: &str, value: u64) -> &mut Self {
        self.key(key);
        let _ = write!(self.out, "{value}");
        self
    }

    /// A boolean member.
    pub fn b(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { b"true" } else { b"false" })
    }

    /// A member whose value is already JSON.
    pub fn raw(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.key(key);
        self.out.extend_from_slice(json);
        self
    }

    /// An object member written by `fill`.
    pub fn o(&mut self, key: &str, fill: impl FnOnce(&mut Obj)) -> &mut Self {
        self.key(key);
        let mut inner = Obj::open(self.out);
        fill(&mut inner);
        inner.close();
        self
    }

    /// An array member written by `fill`.
    pub fn a(&mut self, key: &str, fill: impl FnOnce(&mut Arr)) -> &mut Self {
        self.key(key);
        let mut inner = Arr::open(self.out);
        fill(&mut inner);
        inner.close();
        self
    }

    /// Writes `}`.
    pub fn close(&mut self) {
        self.out.push(b'}');
    }
}

/// An open JSON array; [`Arr::close`] writes its `]`.
pub struct Arr<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Arr<'a> {
    /// Writes `[`.
    pub fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'[');
        Self { out, first: true }
    }

    fn comma(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// An object item written by `fill`.
    pub fn o(&mut self, fill: impl FnOnce(&mut Obj)) -> &mut Self {
        self.comma();
        let mut inner = Obj::open(self.out);
        fill(&mut inner);
        inner.close();
        self
    }

    /// A string item.
    pub fn s(&mut self, value: &str) -> &mut Self {
        self.comma();
        string(self.out, value);
        self
    }

    /// An item that is already JSON.
    pub fn raw(&mut self, json: &[u8]) -> &mut Self {
        self.comma();
        self.out.extend_from_slice(json);
        self
    }

    /// Writes `]`.
    pub fn close(&mut self) {
        self.out.push(b']');
    }
}

/// `ms` since the Unix epoch as `2025-06-14T23:45:12.148Z` (Claude Code's format).
pub fn timestamp(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Reads back what [`timestamp`] writes (and any `YYYY-MM-DDTHH:MM:SS[.fff]Z`).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, min, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let milli = if text.as_bytes().get(19) == Some(&b'.') { num(20..23).unwrap_or(0) } else { 0 };
    Some(days_from_civil(y, m, d) * 86_400_000 + ((h * 60 + min) * 60 + s) * 1000 + milli)
}

/// `YYYY-MM-DD` (UTC) as milliseconds since the epoch.
pub fn date(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d) * 86_400_000
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = Vec::new();
        string(&mut out, "a\"b\\c\nd\u{1}é→");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\nd\\u0001é→\"");
    }

    #[test]
    fn timestamps_round_trip() {
        let ms = date(2025, 6, 14) + 85_512_148;
        assert_eq!(timestamp(ms), "2025-06-14T23:45:12.148Z");
        assert_eq!(parse_timestamp("2025-06-14T23:45:12.148Z"), Some(ms));
        assert_eq!(timestamp(date(2024, 2, 29)), "2024-02-29T00:00:00.000Z");
    }
}
