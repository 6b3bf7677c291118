//! Parity with the files on the real samples.

use super::*;

#[test]
fn every_analytics_answer_matches_query_on_the_files() {
    let scratch = Scratch::new("serve-parity");
    let db = scratch.0.join("analytics.redb");
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&samples())]);
    let status = server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    assert_eq!(status["lastSyncStats"]["filesProcessed"], 14, "{status}");

    for path in ANALYTICS {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        assert_eq!(response.as_printed(), query(&samples(), path).0, "{path}");
    }

    // Each session's detail, conversation included (read from the database per request).
    let sessions = server.get("/api/analytics/sessions?limit=1000&tz=UTC").data();
    let sessions = sessions["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 8);
    for session in sessions {
        let path = format!("/api/analytics/sessions/{}?tz=UTC", session["id"].as_str().unwrap());
        let response = server.get(&path);
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        assert_eq!(response.as_printed(), query(&samples(), &path).0, "{path}");
    }

    // Blocks depend on "now", which is the server's clock: `query` is given the clock too. The
    // samples end months before any date this test runs on, so no block is active on either side
    // and the answer cannot change between the two clock readings.
    let blocks = "/api/analytics/blocks?tz=UTC";
    let response = server.get(blocks);
    assert_eq!(response.as_printed(), query_at_now(&samples(), blocks), "{blocks}");
    let active = response.data().as_array().unwrap().iter().filter(|b| b["isActive"] == true).count();
    assert_eq!(active, 0, "the samples are old: no block is active");
    // A pinned range gives the same answer too.
    let pinned = "/api/analytics/blocks?tz=UTC&dateTo=2026-01-01";
    assert_eq!(server.get(pinned).as_printed(), query_at_now(&samples(), pinned), "{pinned}");

    // The CSV export's headers.
    let csv = server.get("/api/analytics/export?format=csv&entity=sessions&tz=UTC");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = csv.header("content-disposition").expect("Content-Disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"cc-analytics-sessions-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let json = server.get("/api/analytics/overview?tz=UTC");
    assert!(json.header("content-type").is_some_and(|t| t.starts_with("application/json")), "{:?}", json.headers);
    assert!(json.header("access-control-allow-origin").is_none(), "no CORS headers");
}
