//! Incremental syncs while serving, driven by the file watcher; live events.

use super::*;

#[test]
fn the_watcher_keeps_the_api_current() {
    let scratch = Scratch::new("serve-watch");
    let (claude, db) = (scratch.claude(), scratch.db());
    let file = claude.join("projects/-w-app/s1.jsonl");
    scratch.write("claude/projects/-w-app/s1.jsonl", &format!("{}\n", response_line("s1", "a1", 1, 10)));
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    let overview = || server.get("/api/analytics/overview?tz=UTC").data();
    assert_eq!(overview()["totalResponses"], 1);
    let mut events = Events::open(server.addr, &[]);

    // A complete line appended: counted, and the page is told.
    append(&file, &format!("{}\n", response_line("s1", "a2", 2, 20)));
    wait_until(&server, "the appended line", |o| o["totalResponses"] == 2 && o["outputTokens"] == 30);
    assert!(events.wait_for("event: data-changed", WATCH_TIMEOUT), "no data-changed event: {}", events.seen);
    assert!(events.wait_for("event: sync-finished", WATCH_TIMEOUT), "no sync-finished event: {}", events.seen);

    // Half a line: a sync runs but the line waits.
    let third = response_line("s1", "a3", 3, 40);
    let (head, tail) = third.split_at(60);
    append(&file, head);
    // A sync whose clock reading is a millisecond later than ours, taken after the write, saw it.
    let written = now_ms() + 1;
    let status = server.wait_for_sync(written, WATCH_TIMEOUT);
    assert!(status["lastSyncStats"]["filesProcessed"].as_u64() >= Some(1), "{status}");
    assert_eq!(overview()["totalResponses"], 2, "a half-written line is left for later");
    // Completed: counted once.
    append(&file, &format!("{tail}\n"));
    wait_until(&server, "the completed line", |o| o["totalResponses"] == 3 && o["outputTokens"] == 70);

    // Rewritten shorter with different content: read again from the start; what was stored stays
    // (the database keeps history) and the new line is added.
    std::fs::write(&file, format!("{}\n", response_line("s1", "b1", 9, 5))).unwrap();
    wait_until(&server, "the rewritten file", |o| o["totalResponses"] == 4 && o["outputTokens"] == 75);

    // A second session, then its file deleted: the session stays.
    scratch.write("claude/projects/-w-app/s2.jsonl", &format!("{}\n", response_line("s2", "c1", 30, 1)));
    wait_until(&server, "the second session", |o| o["totalSessions"] == 2 && o["totalResponses"] == 5);
    std::fs::remove_file(claude.join("projects/-w-app/s2.jsonl")).unwrap();
    let deleted = now_ms() + 1;
    server.wait_for_sync(deleted, WATCH_TIMEOUT);
    let now = overview();
    assert_eq!((now["totalSessions"].clone(), now["totalResponses"].clone()), (2.into(), 5.into()), "{now}");
    assert_eq!(server.get("/api/analytics/sessions/s2").status, 200, "a deleted file's session stays");

    // A new file in a new project folder.
    scratch.write("claude/projects/-w-other/s3.jsonl", &format!("{}\n", response_line("s3", "d1", 40, 2)));
    wait_until(&server, "the new project", |o| o["totalSessions"] == 3 && o["totalResponses"] == 6);
    let projects = server.get("/api/analytics/projects?tz=UTC").data();
    let paths: Vec<&str> = projects.as_array().unwrap().iter().map(|p| p["projectPath"].as_str().unwrap()).collect();
    assert!(paths.contains(&"/w/other"), "{paths:?}");
    assert_eq!(server.get("/api/sync/preview").data()["totalPendingFiles"], 0);
}

/// Polls the overview until `check` holds, within [`WATCH_TIMEOUT`].
fn wait_until(server: &Serving, what: &str, check: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + WATCH_TIMEOUT;
    loop {
        let overview = server.get("/api/analytics/overview?tz=UTC").data();
        if check(&overview) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} not reflected within {WATCH_TIMEOUT:?}: {overview}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// One single-line response of `session` in `/w/app` (`s3`: `/w/other`).
fn response_line(session: &str, uuid: &str, second: u32, output: u64) -> String {
    let project = if session == "s3" { "other" } else { "app" };
    format!(
        r#"{{"type":"assistant","sessionId":"{session}","uuid":"{uuid}","cwd":"/w/{project}","timestamp":"2025-05-01T10:00:{second:02}.000Z","requestId":"r-{uuid}","message":{{"id":"m-{uuid}","model":"claude-sonnet-4-5","content":[{{"type":"text","text":"hi"}}],"usage":{{"input_tokens":1000,"output_tokens":{output}}}}}}}"#
    )
}
