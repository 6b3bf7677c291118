//! Parity with the files on the real samples.

use super::*;

#[test]
fn every_analytics_answer_matches_query_on_the_files() {
    let scratch = Scratch::new("serve-parity");
    let db = scratch.db();
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

/// Syncs that add lines to the real samples: first half of every transcript, then the rest of
/// one transcript per sync (the index brought up to date by rebuilding the sessions a sync
/// changed, or in full when a change reaches other sessions). After each sync the answers,
/// replies asked for before it included, are what `query` says of the files.
#[test]
fn answers_after_appended_lines_match_query_on_the_files() {
    let scratch = Scratch::new("serve-appends");
    let (claude, db) = (scratch.claude(), scratch.db());
    let files = sample_files();
    let halves = |bytes: &[u8]| {
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        let half = lines.len() / 2;
        (lines[..half].concat(), lines[half..].concat())
    };
    let append = |relative: &Path, bytes: &[u8]| {
        let path = claude.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
    };
    let is_transcript = |relative: &Path| relative.extension().is_some_and(|e| e == "jsonl");
    for (relative, bytes) in &files {
        append(relative, if is_transcript(relative) { halves(bytes).0 } else { bytes.clone() }.as_slice());
    }
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    let same = |paths: &[&str], after: &str| {
        for path in paths {
            assert_eq!(server.get(path).as_printed(), query(&claude, path).0, "{path} after {after}");
        }
    };
    same(&ANALYTICS, "the first halves");
    for (relative, bytes) in files.iter().filter(|(relative, _)| is_transcript(relative)) {
        // The transcript's session, asked for before the sync: its kept reply must not outlive it.
        let detail = format!("/api/analytics/sessions/{}?tz=UTC", relative.file_stem().unwrap().to_str().unwrap());
        server.get(&detail);
        append(relative, &halves(bytes).1);
        let asked = now_ms();
        poll(SYNC_TIMEOUT, || (server.post("/api/sync/run", "").status == 202).then_some(()));
        server.wait_for_sync(asked, SYNC_TIMEOUT);
        let after = format!("the rest of {}", relative.display());
        same(&ANALYTICS[..5], &after);
        same(&[detail.as_str()], &after);
    }
    same(&ANALYTICS, "every line");
}

/// Every file of the samples' `projects/`: its path below the Claude dir and its bytes.
fn sample_files() -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push((path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&samples(), &samples().join("projects"), &mut out);
    out
}
