//! The samples' daily totals agree with ccusage 20.0.24 (`claude daily --offline --json`), token
//! for token and to the cent. `.ci/run` installs the peer and sets `CCUSAGE_BIN`.

use std::collections::BTreeMap;
use std::process::Command;

use crate::support::{run, samples};

#[test]
fn daily_totals_match_ccusage() {
    let Some(peer) = std::env::var_os("CCUSAGE_BIN") else {
        assert!(std::env::var_os("CI").is_none(), "CI must set CCUSAGE_BIN (see .ci/run)");
        eprintln!("CCUSAGE_BIN is not set: skipping the side-by-side check with ccusage");
        return;
    };
    let dir = samples();
    let out = Command::new(peer)
        .args(["claude", "daily", "--offline", "--json"])
        .env("CLAUDE_CONFIG_DIR", &dir)
        .env("TZ", "UTC")
        .output()
        .expect("ccusage runs");
    assert!(out.status.success(), "ccusage failed: {}", String::from_utf8_lossy(&out.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = run(&["report", "daily", "--json", "--tz", "UTC", "--claude-dir", dir.to_str().unwrap()]);
    assert!(ours.status.success());
    let ours: serde_json::Value = serde_json::from_slice(&ours.stdout).unwrap();

    let by_date = |rows: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        rows.as_array().unwrap().iter().map(|r| (r["date"].as_str().unwrap().to_owned(), r.clone())).collect()
    };
    let theirs = by_date(&theirs["daily"]);
    let ours = by_date(&ours);
    assert_eq!(theirs.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>());
    for (date, peer) in &theirs {
        let row = &ours[date];
        for field in ["inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens"] {
            assert_eq!(row[field], peer[field], "{date} {field}");
        }
        let (a, b) = (row["cost"].as_f64().unwrap(), peer["totalCost"].as_f64().unwrap());
        assert!((a - b).abs() < 1e-6, "{date} cost: ours {a}, ccusage {b}");
    }
}
