//! Instants as Unix milliseconds: parsing transcript timestamps, the API's UTC format, and local
//! dates in an IANA zone. The core never reads a clock or a zone itself: both arrive as parameters.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// One hour in milliseconds.
pub const HOUR: Millis = 3_600_000;

/// Parses an RFC 3339 timestamp (any offset, any fractional precision) to milliseconds.
pub fn parse_timestamp(text: &str) -> Option<Millis> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp_millis())
}

/// Formats milliseconds as the API does: `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn format_utc(ms: Millis) -> String {
    match Utc.timestamp_millis_opt(ms) {
        LocalResult::Single(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        _ => String::from("1970-01-01T00:00:00.000Z"),
    }
}

/// Resolves an IANA zone name such as `Europe/Berlin` or `UTC`.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// The local calendar date of an instant in `zone`.
pub fn local_date(ms: Millis, zone: Tz) -> NaiveDate {
    utc(ms).with_timezone(&zone).date_naive()
}

/// `(weekday 0 = Monday, hour)` of an instant in `zone`.
pub fn weekday_hour(ms: Millis, zone: Tz) -> (u32, u32) {
    let local = utc(ms).with_timezone(&zone);
    (local.weekday().num_days_from_monday(), local.hour())
}

/// The first instant of `date` in `zone` (skipping forward over a DST gap at midnight).
pub fn start_of_day(date: NaiveDate, zone: Tz) -> Millis {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    local_to_utc(midnight, zone)
}

/// The instant of a local wall-clock time in `zone`: the earlier one when it occurs twice, the
/// first existing one after it when a DST gap skips it.
pub fn local_to_utc(local: NaiveDateTime, zone: Tz) -> Millis {
    let mut probe = local;
    for _ in 0..48 {
        if let Some(t) = zone.from_local_datetime(&probe).earliest() {
            return t.timestamp_millis();
        }
        probe += chrono::Duration::minutes(30);
    }
    local.and_utc().timestamp_millis()
}

fn utc(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_with_any_offset_and_precision() {
        let z = parse_timestamp("2025-11-23T10:00:00.123Z").unwrap();
        assert_eq!(parse_timestamp("2025-11-23T11:00:00.123+01:00"), Some(z));
        assert_eq!(parse_timestamp("2025-11-23T10:00:00.123456789Z"), Some(z));
        assert_eq!(parse_timestamp("2025-11-23T10:00:00Z"), Some(z - 123));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(format_utc(z), "2025-11-23T10:00:00.123Z");
    }

    #[test]
    fn days_follow_daylight_saving_time() {
        let berlin = parse_zone("Europe/Berlin").unwrap();
        let spring = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
        let next = spring.succ_opt().unwrap();
        assert_eq!(start_of_day(next, berlin) - start_of_day(spring, berlin), 23 * HOUR);
        let autumn = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        assert_eq!(start_of_day(autumn.succ_opt().unwrap(), berlin) - start_of_day(autumn, berlin), 25 * HOUR);
        let late = parse_timestamp("2025-10-25T22:30:00Z").unwrap();
        assert_eq!(local_date(late, berlin), autumn);
        assert_eq!(weekday_hour(late, berlin), (6, 0));
    }

    #[test]
    fn a_midnight_inside_a_gap_starts_the_day_at_the_first_real_instant() {
        let santiago = parse_zone("America/Santiago").unwrap();
        let date = NaiveDate::from_ymd_opt(2025, 9, 7).unwrap();
        assert_eq!(format_utc(start_of_day(date, santiago)), "2025-09-07T04:00:00.000Z");
    }
}
