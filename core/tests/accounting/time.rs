//! Time: zones, daylight saving time, date-only bounds.

use crate::support::*;

/// Responses on both sides of Berlin's local midnights around the 2025 DST switches; the input
/// tokens tell them apart, output is 0 so each costs input * 3e-6.
fn dst_dataset() -> Dataset {
    let s = "s1";
    let at = [
        ("2025-03-29T22:59:59.999Z", 1),    // Sat 23:59:59.999 CET
        ("2025-03-29T23:00:00.000Z", 10),   // Sun 30 Mar 00:00 CET
        ("2025-03-30T21:59:59.999Z", 100),  // Sun 23:59:59.999 CEST (a 23-hour day)
        ("2025-03-30T22:00:00.000Z", 1000), // Mon 31 Mar 00:00 CEST
        ("2025-10-25T21:59:59.999Z", 2),    // Sat 23:59:59.999 CEST
        ("2025-10-25T22:00:00.000Z", 20),   // Sun 26 Oct 00:00 CEST
        ("2025-10-26T22:59:59.999Z", 200),  // Sun 23:59:59.999 CET (a 25-hour day)
        ("2025-10-26T23:00:00.000Z", 2000), // Mon 27 Oct 00:00 CET
    ];
    let mut lines = vec![user(s, "u0", "2025-03-29T22:00:00.000Z", "hi")];
    for (i, (time, input)) in at.iter().enumerate() {
        lines.push(reply(s, &format!("a{i}"), time, &format!("m{i}"), SONNET, *input, 0));
    }
    dataset(&[file(&main_file(s), &lines)])
}

#[test]
fn daily_usage_buckets_follow_the_zone_across_dst_switches() {
    let data = dst_dataset();
    let berlin = json!([
        {"date": "2025-10-27", "responses": 1, "inputTokens": 2000, "cost": 0.006},
        {"date": "2025-10-26", "responses": 2, "inputTokens": 220, "cost": 0.00066},
        {"date": "2025-10-25", "responses": 1, "inputTokens": 2, "cost": 0.000006},
        {"date": "2025-03-31", "responses": 1, "inputTokens": 1000, "cost": 0.003},
        {"date": "2025-03-30", "responses": 2, "inputTokens": 110, "cost": 0.00033},
        {"date": "2025-03-29", "responses": 1, "inputTokens": 1, "cost": 0.000003},
    ]);
    let fields = ["date", "responses", "inputTokens", "cost"];
    let daily = check(&data, "daily-usage?tz=Europe%2FBerlin", &[]);
    assert_eq!(rows(&daily, &fields), berlin);
    let daily = check(&data, "daily-usage?tz=Europe/Berlin", &[]);
    assert_eq!(rows(&daily, &fields), berlin);
    // The caller's default zone applies when there is no tz.
    let reply = reply_in(&data, "daily-usage", chrono_tz::Europe::Berlin);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(rows(&body["data"], &fields), berlin);
    // In UTC the same responses fall on other days.
    let daily = check(&data, "daily-usage?tz=UTC", &[]);
    assert_eq!(
        rows(&daily, &fields),
        json!([
            {"date": "2025-10-26", "responses": 2, "inputTokens": 2200, "cost": 0.0066},
            {"date": "2025-10-25", "responses": 2, "inputTokens": 22, "cost": 0.000066},
            {"date": "2025-03-30", "responses": 2, "inputTokens": 1100, "cost": 0.0033},
            {"date": "2025-03-29", "responses": 2, "inputTokens": 11, "cost": 0.000033},
        ])
    );
    // Date-only bounds of a 23-hour and of a 25-hour day.
    check(
        &data,
        "overview?dateFrom=2025-03-30&dateTo=2025-03-30&tz=Europe/Berlin",
        &[
            ("/totalResponses", json!(2)),
            ("/inputTokens", json!(110)),
            ("/dateRange", json!({"from": "2025-03-29T23:00:00.000Z", "to": "2025-03-30T21:59:59.999Z"})),
        ],
    );
    check(
        &data,
        "overview?dateFrom=2025-10-26&dateTo=2025-10-26&tz=Europe/Berlin",
        &[
            ("/totalResponses", json!(2)),
            ("/inputTokens", json!(220)),
            ("/dateRange", json!({"from": "2025-10-25T22:00:00.000Z", "to": "2025-10-26T22:59:59.999Z"})),
        ],
    );
}

#[test]
fn heatmap_hours_and_weekdays_follow_the_zone_across_dst_switches() {
    let s = "s1";
    let times = [
        "2025-10-26T00:30:00.000Z", // Sun 02:30 CEST
        "2025-10-26T01:30:00.000Z", // Sun 02:30 CET (the repeated hour)
        "2025-03-30T00:59:00.000Z", // Sun 01:59 CET
        "2025-03-30T01:00:00.000Z", // Sun 03:00 CEST (02:xx does not exist)
        "2025-07-07T22:30:00.000Z", // Mon 22:30 UTC = Tue 00:30 CEST
    ];
    let mut lines = vec![user(s, "u0", "2025-03-30T00:00:00.000Z", "hi")];
    for (i, time) in times.iter().enumerate() {
        lines.push(reply(s, &format!("a{i}"), time, &format!("m{i}"), SONNET, 1000, 0));
    }
    let data = dataset(&[file(&main_file(s), &lines)]);
    let busy = |target: &str| {
        let cells = check(&data, target, &[]);
        let cells = cells.as_array().expect("cells");
        assert_eq!(cells.len(), 168, "{target}");
        for (i, cell) in cells.iter().enumerate() {
            assert_eq!(
                (cell["weekday"].as_u64(), cell["hour"].as_u64()),
                (Some(i as u64 / 24), Some(i as u64 % 24)),
                "{target}"
            );
        }
        let nonzero: Vec<Value> = cells.iter().filter(|c| c["responses"] != json!(0)).cloned().collect();
        rows(&Value::Array(nonzero), &["weekday", "hour", "responses", "cost"])
    };
    // 1000 * 3e-6 = 0.003 per response.
    assert_eq!(
        busy("heatmap?tz=Europe/Berlin"),
        json!([
            {"weekday": 1, "hour": 0, "responses": 1, "cost": 0.003},
            {"weekday": 6, "hour": 1, "responses": 1, "cost": 0.003},
            {"weekday": 6, "hour": 2, "responses": 2, "cost": 0.006},
            {"weekday": 6, "hour": 3, "responses": 1, "cost": 0.003},
        ])
    );
    assert_eq!(
        busy("heatmap"),
        json!([
            {"weekday": 0, "hour": 22, "responses": 1, "cost": 0.003},
            {"weekday": 6, "hour": 0, "responses": 2, "cost": 0.006},
            {"weekday": 6, "hour": 1, "responses": 2, "cost": 0.006},
        ])
    );
}

#[test]
fn a_date_only_date_to_includes_the_whole_day() {
    let s = "s1";
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u0", "2025-06-01T00:00:00.000Z", "hi"),
            reply(s, "a1", "2025-06-01T00:00:00.000Z", "m1", SONNET, 1, 0),
            reply(s, "a2", "2025-06-01T23:59:59.999Z", "m2", SONNET, 10, 0),
            reply(s, "a3", "2025-06-02T00:00:00.000Z", "m3", SONNET, 100, 0),
        ],
    )]);
    check(
        &data,
        "overview?dateTo=2025-06-01",
        &[
            ("/totalResponses", json!(2)),
            ("/inputTokens", json!(11)),
            ("/dateRange/to", json!("2025-06-01T23:59:59.999Z")),
        ],
    );
    check(
        &data,
        "overview?dateFrom=2025-06-01&dateTo=2025-06-01",
        &[("/totalResponses", json!(2)), ("/inputTokens", json!(11))],
    );
    check(
        &data,
        "overview?dateFrom=2025-06-02&dateTo=2025-06-02",
        &[("/totalResponses", json!(1)), ("/inputTokens", json!(100))],
    );
    // A date-time bound is taken as written.
    check(&data, "overview?dateTo=2025-06-01T12:00:00Z", &[("/totalResponses", json!(1)), ("/inputTokens", json!(1))]);
    // The whole day in the query's zone: 31 May in New York ends at 2025-06-01T03:59:59.999Z.
    check(
        &data,
        "overview?dateTo=2025-05-31&tz=America/New_York",
        &[("/totalResponses", json!(1)), ("/dateRange/to", json!("2025-06-01T03:59:59.999Z"))],
    );
    let daily = check(&data, "daily-usage?dateTo=2025-06-01", &[]);
    assert_eq!(
        rows(&daily, &["date", "responses", "inputTokens"]),
        json!([{"date": "2025-06-01", "responses": 2, "inputTokens": 11}])
    );
}
