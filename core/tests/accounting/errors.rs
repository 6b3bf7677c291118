//! Validation and not-found errors (API.md).

use crate::support::*;

#[test]
fn bad_query_parameters_are_validation_errors_naming_the_field() {
    let data = dataset(&[file(
        &main_file("s1"),
        &[user("s1", "u1", &ts("10:00:00"), "hi"), reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100)],
    )]);
    let date_fields: &[&str] = &["dateFrom", "dateTo"];
    for (target, field) in [
        ("sessions?limit=0", &["limit"][..]),
        ("sessions?limit=1001", &["limit"]),
        ("sessions?limit=1.5", &["limit"]),
        ("sessions?limit=abc", &["limit"]),
        ("sessions?offset=-1", &["offset"]),
        ("sessions?offset=0.5", &["offset"]),
        ("overview?dateFrom=garbage", &["dateFrom"]),
        ("overview?dateTo=2025-13-01", &["dateTo"]),
        ("overview?dateFrom=2025-06-02&dateTo=2025-06-01", date_fields),
        ("overview?dateFrom=2025-06-01T12:00:00Z&dateTo=2025-06-01T11:59:59Z", date_fields),
        ("overview?tz=Bad/Zone", &["tz"]),
    ] {
        check_error(&data, target, 400, "VALIDATION_ERROR", Some(field));
    }
    // Every analytics endpoint validates the shared filters: a session's detail too, which they
    // do not narrow, and the export.
    let endpoints =
        ["overview", "sessions", "daily-usage", "model-distribution", "tool-usage", "projects", "heatmap", "blocks"];
    for endpoint in endpoints.into_iter().chain(["sessions/s1", "export"]) {
        check_error(&data, &format!("{endpoint}?tz=Bad/Zone"), 400, "VALIDATION_ERROR", Some(&["tz"]));
        check_error(&data, &format!("{endpoint}?dateFrom=garbage"), 400, "VALIDATION_ERROR", Some(&["dateFrom"]));
    }
    // The limits themselves are fine.
    check(&data, "sessions?limit=1", &[("/pagination/limit", json!(1)), ("/pagination/hasMore", json!(false))]);
    check(
        &data,
        "sessions?limit=1000&offset=5",
        &[("/pagination/limit", json!(1000)), ("/pagination/offset", json!(5)), ("/sessions", json!([]))],
    );
}

#[test]
fn unknown_sessions_and_endpoints_are_not_found() {
    let data = dataset(&[file(
        &main_file("s1"),
        &[user("s1", "u1", &ts("10:00:00"), "hi"), reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100)],
    )]);
    check(&data, "sessions/s1", &[("/session/id", json!("s1"))]);
    check_error(&data, "sessions/no-such-session", 404, "NOT_FOUND", None);
    check_error(&data, "no-such-endpoint", 404, "NOT_FOUND", None);
    check_error(&data, "overview/extra", 404, "NOT_FOUND", None);
    let reply = answer(&data, "/api/nothing-here", &QueryContext { now: NOW, default_zone: chrono_tz::UTC });
    assert_eq!(reply.status, 404);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["error"]["code"], json!("NOT_FOUND"));
}
