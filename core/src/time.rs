//! Instants as Unix milliseconds: parsing transcript timestamps, the API's UTC format, and local
//! dates in an IANA zone. The core never reads a clock or a zone itself: both arrive as parameters.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
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

/// Local dates of many instants in one zone, looked up once per quarter hour of UTC.
///
/// Every zone's offset in use today is a whole number of quarter hours and changes at most once
/// in a quarter hour, so when the offset at a quarter's first and last millisecond is the same
/// such multiple, the whole quarter falls on one local date. Other quarters (historic local mean
/// time) are converted instant by instant.
pub struct LocalDates {
    zone: Tz,
    /// The last quarter looked up, with its date when the whole quarter has one.
    quarter: Option<(i64, Option<NaiveDate>)>,
}

impl LocalDates {
    /// Dates in `zone`.
    pub fn new(zone: Tz) -> Self {
        LocalDates { zone, quarter: None }
    }

    /// The local calendar date of `ms`: the same as [`local_date`].
    pub fn date(&mut self, ms: Millis) -> NaiveDate {
        const QUARTER: Millis = 15 * 60 * 1000;
        let quarter = ms.div_euclid(QUARTER);
        let whole = match self.quarter {
            Some((q, whole)) if q == quarter => whole,
            _ => {
                let instant = |ms: Millis| Utc.timestamp_millis_opt(ms).single().map(|t| t.with_timezone(&self.zone));
                let whole = match (instant(quarter * QUARTER), instant(quarter * QUARTER + QUARTER - 1)) {
                    (Some(first), Some(last)) => {
                        let offset = first.offset().fix().local_minus_utc();
                        let uniform = offset == last.offset().fix().local_minus_utc() && offset % (15 * 60) == 0;
                        uniform.then(|| first.date_naive())
                    }
                    _ => None,
                };
                self.quarter = Some((quarter, whole));
                whole
            }
        };
        whole.unwrap_or_else(|| local_date(ms, self.zone))
    }
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
    fn cached_local_dates_equal_direct_ones() {
        let zones = [
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "America/Havana",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "Europe/Amsterdam",
        ];
        // Every 7 minutes and 13 seconds over 2025 (every DST change of these zones), and over
        // 1890-1891 (local mean time, offsets in seconds).
        let spans = [(1_735_689_600_000, 1_767_225_600_000), (-2_524_521_600_000, -2_461_449_600_000)];
        for name in zones {
            let zone = parse_zone(name).unwrap();
            for (from, to) in spans {
                let mut dates = LocalDates::new(zone);
                let mut ms = from;
                while ms < to {
                    assert_eq!(dates.date(ms), local_date(ms, zone), "{name} at {ms}");
                    ms += 433_000;
                }
            }
        }
    }

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
