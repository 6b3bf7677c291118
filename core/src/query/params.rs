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

/// A date (`2025-11-23`, a whole day in `zone`) or a date-time (with offset, or local to `zone`).
fn bound(field: &str, raw: &str, zone: Tz, end: bool) -> Result<Millis, ApiError> {
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(if end {
            date.succ_opt().map_or(Millis::MAX, |next| start_of_day(next, zone) - 1)
        } else {
            start_of_day(date, zone)
        });
    }
    if let Some(ms) = parse_timestamp(raw) {
        return Ok(ms);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(local_to_utc(local, zone));
        }
    }
    Err(ApiError::validation(field, format!("{field} must be an ISO 8601 date or date-time, got {raw:?}")))
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
    fn bad_filters_name_their_field() {
        let field = |q: &str| match filters(q) {
            Err(ApiError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("dateFrom=yesterday"), "dateFrom");
        assert_eq!(field("dateTo=2025-13-01"), "dateTo");
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
