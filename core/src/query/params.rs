//! Query strings: decoding, and the validated filters every analytics endpoint shares
//! (`dateFrom`, `dateTo`, `tz`, `project`, `model`) plus paging and sorting parameters.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::error::ApiError;
use crate::time::{Millis, local_to_utc, parse_timestamp, parse_zone, start_of_day};

/// Decoded `key=value` pairs of a query string.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes `a=1&b=x%20y` (percent escapes, `+` as space).
    pub fn parse(query: &str) -> Self {
        Params(
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect(),
        )
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// An optional whole number in `min..=max`, `default` when absent.
    pub fn integer(&self, key: &str, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
        let Some(raw) = self.get(key) else { return Ok(default) };
        let value = (!raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| raw.parse::<u64>().ok())
            .flatten()
            .filter(|v| (min..=max).contains(v));
        value.ok_or_else(|| {
            let range = if max == u64::MAX { format!("at least {min}") } else { format!("from {min} to {max}") };
            ApiError::validation(key, format!("{key} must be a whole number {range}, got {raw:?}"))
        })
    }

    /// One of `allowed`, `default` when absent.
    pub fn choice<'a>(&self, key: &str, allowed: &[&'a str], default: &'a str) -> Result<&'a str, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some(raw) => allowed.iter().find(|a| **a == raw).copied().ok_or_else(|| {
                ApiError::validation(key, format!("{key} must be one of {}, got {raw:?}", allowed.join(", ")))
            }),
        }
    }
}

/// The shared filters, validated.
#[derive(Debug, Clone)]
pub struct Filters {
    /// Inclusive lower bound.
    pub from: Option<Millis>,
    /// Inclusive upper bound (a date-only `dateTo` ends at the last millisecond of its day).
    pub to: Option<Millis>,
    /// Zone for date-only bounds and daily buckets.
    pub zone: Tz,
    /// Exact `projectPath`.
    pub project: Option<String>,
    /// Exact model id.
    pub model: Option<String>,
}

impl Filters {
    /// Reads and validates the shared filters.
    pub fn from_params(params: &Params, default_zone: Tz) -> Result<Self, ApiError> {
        let zone = match params.get("tz") {
            None | Some("") => default_zone,
            Some(name) => {
                parse_zone(name).ok_or_else(|| ApiError::validation("tz", format!("unknown time zone {name:?}")))?
            }
        };
        let from =
            params.get("dateFrom").filter(|v| !v.is_empty()).map(|v| bound("dateFrom", v, zone, false)).transpose()?;
        let to = params.get("dateTo").filter(|v| !v.is_empty()).map(|v| bound("dateTo", v, zone, true)).transpose()?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(ApiError::validation("dateFrom", "dateFrom must not be after dateTo"));
            }
        }
        let text = |key| params.get(key).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Filters { from, to, zone, project: text("project"), model: text("model") })
    }

    /// Whether an instant is inside the date bounds.
    pub fn contains(&self, ms: Millis) -> bool {
        self.from.is_none_or(|f| ms >= f) && self.to.is_none_or(|t| ms <= t)
    }
}

/// A date (`2025-11-23`, a whole day in `zone`) or a date-time (`2025-11-23T10:00`, with seconds
/// and fractions or without, with an offset or local to `zone`).
fn bound(field: &str, raw: &str, zone: Tz, end: bool) -> Result<Millis, ApiError> {
    let invalid = || ApiError::validation(field, format!("{field} must be an ISO 8601 date or date-time, got {raw:?}"));
    if !iso_shaped(raw) {
        return Err(invalid());
    }
    if raw.len() == DATE_LEN {
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| invalid())?;
        return Ok(if end {
            date.succ_opt().map_or(Millis::MAX, |next| start_of_day(next, zone) - 1)
        } else {
            start_of_day(date, zone)
        });
    }
    let text = completed(raw);
    if let Some(ms) = parse_timestamp(&text) {
        return Ok(ms);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(&text, format) {
            return Ok(local_to_utc(local, zone));
        }
    }
    Err(invalid())
}

/// Length of `YYYY-MM-DD`.
const DATE_LEN: usize = 10;

/// Whether `text` has the digits ISO 8601 requires where it has them: `YYYY-MM-DD`, then
/// `THH:MM`, then `:SS` (chrono alone would take `2025-1-5` or `T1:00`).
fn iso_shaped(text: &str) -> bool {
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let bytes = text.as_bytes();
    let checked = match bytes.len() {
        0..DATE_LEN => return false,
        DATE_LEN => DATE_LEN,
        _ if bytes.get(16) == Some(&b':') => shape.len(),
        _ => 16,
    };
    bytes.len() >= checked
        && shape.iter().zip(bytes).take(checked).all(|(&want, &b)| match want {
            b'd' => b.is_ascii_digit(),
            b'T' => matches!(b, b'T' | b't' | b' '),
            _ => b == want,
        })
}

/// A date-time with what ISO 8601 lets it leave out, and what a query string changes, put back
/// for RFC 3339: the seconds of `…T10:00Z` or `…T10:00+02:00`, and the `+` of an offset written
/// unescaped (`…T10:00:00+02:00`), which query strings decode as a space.
fn completed(raw: &str) -> String {
    let mut text = raw.to_owned();
    let bytes = text.as_bytes();
    // An offset after the time (`HH:MM` from byte 11), its `+` decoded as a space.
    let offset = bytes.len().checked_sub(6).filter(|&at| at >= 16 && bytes[at] == b' ' && bytes[at + 3] == b':');
    if let Some(at) = offset {
        text.replace_range(at..=at, "+");
    }
    let bytes = text.as_bytes();
    if bytes.len() > 16 && bytes[13] == b':' && matches!(bytes[16], b'Z' | b'z' | b'+' | b'-') {
        text.insert_str(16, ":00");
    }
    text
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_utc;

    fn filters(query: &str) -> Result<Filters, ApiError> {
        Filters::from_params(&Params::parse(query), chrono_tz::UTC)
    }

    #[test]
    fn query_strings_decode() {
        let params = Params::parse("project=%2Fhome%2Fme+app&x=%zz&y=100%");
        assert_eq!(params.get("project"), Some("/home/me app"));
        assert_eq!(params.get("x"), Some("%zz"));
        assert_eq!(params.get("y"), Some("100%"));
    }

    #[test]
    fn a_date_only_date_to_includes_the_whole_day() {
        let f = filters("dateFrom=2025-11-23&dateTo=2025-11-23&tz=Europe/Berlin").unwrap();
        assert_eq!(format_utc(f.from.unwrap()), "2025-11-22T23:00:00.000Z");
        assert_eq!(format_utc(f.to.unwrap()), "2025-11-23T22:59:59.999Z");
        let f = filters("dateTo=2025-11-23T10:00:00%2B02:00").unwrap();
        assert_eq!(format_utc(f.to.unwrap()), "2025-11-23T08:00:00.000Z");
    }

    #[test]
    fn date_times_may_leave_out_seconds_and_their_offset_may_be_unescaped() {
        let to = |query: &str| format_utc(filters(query).unwrap().to.unwrap());
        assert_eq!(to("dateTo=2025-11-23T10:00Z"), "2025-11-23T10:00:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00%2B02:00"), "2025-11-23T08:00:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00-05:30"), "2025-11-23T15:30:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00:00+02:00"), "2025-11-23T08:00:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00:00.250+02:00"), "2025-11-23T08:00:00.250Z");
        assert_eq!(to("dateTo=2025-11-23T10:00+02:00"), "2025-11-23T08:00:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00&tz=Europe/Berlin"), "2025-11-23T09:00:00.000Z");
        assert_eq!(to("dateTo=2025-11-23T10:00:30"), "2025-11-23T10:00:30.000Z");
    }

    #[test]
    fn bad_filters_name_their_field() {
        let field = |q: &str| match filters(q) {
            Err(ApiError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("dateFrom=yesterday"), "dateFrom");
        assert_eq!(field("dateTo=2025-13-01"), "dateTo");
        assert_eq!(field("dateTo=2025-1-5"), "dateTo");
        assert_eq!(field("dateTo=2025-01-05T1:00"), "dateTo");
        assert_eq!(field("dateTo=2025-01-05T10:00 02"), "dateTo");
        assert_eq!(field("dateFrom=2025-01-05é"), "dateFrom");
        assert_eq!(field("dateFrom=2025-02-02&dateTo=2025-02-01"), "dateFrom");
        assert_eq!(field("tz=Mars/Olympus"), "tz");
    }

    #[test]
    fn integers_are_checked() {
        let params = Params::parse("limit=0&offset=-1&a=1.5&b=1000");
        assert!(params.integer("limit", 20, 1, 1000).is_err());
        assert!(params.integer("offset", 0, 0, u64::MAX).is_err());
        assert!(params.integer("a", 0, 0, 10).is_err());
        assert_eq!(params.integer("b", 0, 1, 1000), Ok(1000));
        assert_eq!(params.integer("missing", 20, 1, 1000), Ok(20));
    }
}
