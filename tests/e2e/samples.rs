//! The real samples through `cc-analytics query`: the full JSON of every analytics endpoint,
//! snapshotted (reviewed against the files; see `SAMPLES.md` beside this file).

use crate::support::{data, query, samples};

fn pretty(body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    serde_json::to_string_pretty(&value).unwrap()
}

fn snapshot(name: &str, path: &str) {
    let (body, ok) = query(&samples(), path);
    assert!(ok, "{path}: {body}");
    insta::assert_snapshot!(name, pretty(&body), path);
}

#[test]
fn overview() {
    snapshot("overview", "/api/analytics/overview");
}

#[test]
fn sessions() {
    snapshot("sessions", "/api/analytics/sessions?limit=1000");
}

#[test]
fn sessions_paged_and_sorted() {
    snapshot("sessions-by-cost-page-2", "/api/analytics/sessions?sort=cost&order=desc&limit=3&offset=3");
}

#[test]
fn daily_usage() {
    snapshot("daily-usage", "/api/analytics/daily-usage");
    snapshot("daily-usage-tokyo", "/api/analytics/daily-usage?tz=Asia/Tokyo");
}

#[test]
fn model_distribution() {
    snapshot("model-distribution", "/api/analytics/model-distribution");
}

#[test]
fn tool_usage() {
    snapshot("tool-usage", "/api/analytics/tool-usage");
}

#[test]
fn projects() {
    snapshot("projects", "/api/analytics/projects");
}

#[test]
fn heatmap() {
    snapshot("heatmap", "/api/analytics/heatmap");
}

#[test]
fn blocks() {
    snapshot("blocks", "/api/analytics/blocks");
}

#[test]
fn every_session_detail() {
    let list = data(&samples(), "/api/analytics/sessions?limit=1000");
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 8);
    for session in sessions {
        let id = session["id"].as_str().unwrap();
        snapshot(&format!("session-{id}"), &format!("/api/analytics/sessions/{id}"));
        let detail = data(&samples(), &format!("/api/analytics/sessions/{id}"));
        assert_eq!(&detail["session"], session, "detail and list agree on {id}");
    }
}

#[test]
fn exports() {
    let (csv, ok) = query(&samples(), "/api/analytics/export?format=csv&entity=sessions");
    assert!(ok);
    insta::assert_snapshot!("export-sessions-csv", csv);
    let (csv, ok) = query(&samples(), "/api/analytics/export?format=csv&entity=daily&dateFrom=2025-11-01");
    assert!(ok);
    insta::assert_snapshot!("export-daily-csv", csv);
    let sessions = data(&samples(), "/api/analytics/export?format=json&entity=sessions");
    let page = data(&samples(), "/api/analytics/sessions?limit=1000");
    assert_eq!(sessions, page["sessions"], "the JSON export holds every session of the list");
}

#[test]
fn filters() {
    snapshot("overview-november-2025", "/api/analytics/overview?dateFrom=2025-11-01&dateTo=2025-11-30");
    snapshot("overview-project", "/api/analytics/overview?project=/Users/user/project");
    snapshot("overview-haiku", "/api/analytics/overview?model=claude-haiku-4-5-20251001");
}

/// Every endpoint's figures add up: the overview equals the sum of days, of models, of projects
/// and of heatmap cells.
#[test]
fn totals_agree_across_endpoints() {
    let dir = samples();
    let overview = data(&dir, "/api/analytics/overview");
    let sum = |rows: &serde_json::Value, field: &str| -> f64 {
        rows.as_array().unwrap().iter().map(|r| r[field].as_f64().unwrap()).sum()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-5;
    let days = data(&dir, "/api/analytics/daily-usage");
    let models = data(&dir, "/api/analytics/model-distribution");
    let projects = data(&dir, "/api/analytics/projects");
    let heatmap = data(&dir, "/api/analytics/heatmap");
    let total_cost = overview["totalCost"].as_f64().unwrap();
    assert!(close(sum(&days, "cost"), total_cost));
    assert!(close(sum(&models, "totalCost"), total_cost));
    assert!(close(sum(&projects, "cost"), total_cost));
    assert!(close(sum(&heatmap, "cost"), total_cost));
    assert_eq!(sum(&days, "outputTokens"), overview["outputTokens"].as_f64().unwrap());
    assert_eq!(sum(&models, "totalTokens"), overview["tokensWithCache"].as_f64().unwrap());
    assert_eq!(sum(&heatmap, "responses"), overview["totalResponses"].as_f64().unwrap());
    assert_eq!(heatmap.as_array().unwrap().len(), 168);
}
