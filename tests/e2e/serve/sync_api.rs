//! The sync endpoints, conflicts, reads during a sync, reset, dry runs; errors and security.

use super::*;

#[test]
fn sync_endpoints_conflicts_reset_and_dry_runs() {
    let scratch = Scratch::new("serve-sync");
    let claude = scratch.claude();
    let corpus = generate(&claude, 120, 400);
    let db = scratch.db();
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude), "--no-sync"]);

    let health = server.get("/api/health").data();
    assert_eq!(health["status"], "ok");

    // Nothing synced yet.
    let status = server.status();
    assert_eq!(status["lastSync"], Value::Null, "{status}");
    assert_eq!(status["isRunning"], false, "{status}");
    assert_eq!(status["progress"], Value::Null, "{status}");
    assert_eq!(status["lastDryRun"], Value::Null, "{status}");
    // The other figures of a status are numbers all the same.
    assert_eq!(status["lastSyncDuration"], 0, "{status}");
    assert_eq!(
        status["lastSyncStats"],
        serde_json::json!({"filesProcessed": 0, "sessionsAdded": 0, "messagesAdded": 0, "errors": 0}),
        "{status}"
    );
    let stats = server.get("/api/sync/stats").data();
    assert_eq!(stats["totalSessions"], 0, "{stats}");
    assert_eq!(stats["totalMessages"], 0, "{stats}");
    assert_eq!(stats["retentionDays"], Value::Null, "{stats}");
    assert!(stats["databaseSize"].is_string() && stats["databaseSizeBytes"].is_u64(), "{stats}");
    let preview = server.get("/api/sync/preview").data();
    assert_pending(&preview, corpus.files);
    assert!(preview["estimatedNewMessages"].as_u64().unwrap() > 0, "{}", preview["estimatedNewMessages"]);

    // A dry run stores nothing, not even its own record; the status tells what it would do.
    let started = server.post("/api/sync/run", r#"{"dryRun":true}"#);
    assert_eq!(started.status, 202, "{}", started.text());
    server.wait_idle(SYNC_TIMEOUT);
    let status = server.status();
    assert_eq!(status["lastSync"], Value::Null, "a dry run leaves no record: {status}");
    let dry = &status["lastDryRun"];
    assert_eq!(dry["syncId"], started.data_with_status(202)["syncId"], "{status}");
    assert_eq!(dry["stats"]["filesProcessed"], corpus.files as u64, "{status}");
    assert_eq!(dry["stats"]["sessionsAdded"], corpus.sessions as u64, "{status}");
    assert!(dry["stats"]["messagesAdded"].as_u64() > Some(0), "{status}");
    assert_eq!(dry["stats"]["errors"], 0, "{status}");
    assert_eq!(dry["error"], Value::Null, "{status}");
    assert_eq!(server.get("/api/sync/stats").data()["totalSessions"], 0);
    assert_eq!(server.get("/api/analytics/overview?tz=UTC").data()["totalSessions"], 0);
    assert_pending(&server.get("/api/sync/preview").data(), corpus.files);

    // A run is accepted with a uuid; a second one while it is in flight is refused; reads go on;
    // the page hears of the progress, the new data and the end.
    let mut events = Events::open(server.addr, &[]);
    let (id, first_attempt) = start_and_conflict(&server);
    let status = server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    assert_eq!(status["syncId"], id.as_str(), "{status}");
    assert_eq!(status["lastSyncStats"]["errors"], 0, "{status}");
    if first_attempt {
        assert_eq!(status["lastSyncStats"]["filesProcessed"], corpus.files as u64, "{status}");
        assert_eq!(status["lastSyncStats"]["sessionsAdded"], corpus.sessions as u64, "{status}");
        assert!(status["lastSyncStats"]["messagesAdded"].as_u64() > Some(0), "{status}");
    }
    assert!(events.wait_for("event: sync-finished", SYNC_TIMEOUT), "{}", events.seen);
    assert!(events.seen.contains("event: data-changed"), "{}", events.seen);
    // Progress is sent every quarter second while a sync runs: a run of over a second sends some.
    if status["lastSyncDuration"].as_u64() > Some(1000) {
        assert!(events.seen.contains("event: sync-progress\ndata: {"), "{}", events.seen);
    }
    assert!(status["lastSyncDuration"].is_u64(), "{status}");
    assert_eq!(status["progress"], Value::Null, "{status}");
    let stats = server.get("/api/sync/stats").data();
    assert_eq!(stats["totalSessions"], corpus.sessions as u64, "{stats}");
    // The messages counted are those of the sessions' conversations.
    let listed = server.get("/api/analytics/sessions?limit=1000").data();
    let conversations: usize = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let detail = server.get(&format!("/api/analytics/sessions/{}", s["id"].as_str().unwrap())).data();
            detail["messages"].as_array().unwrap().len()
        })
        .sum();
    assert!(conversations > 0);
    assert_eq!(stats["totalMessages"], conversations as u64, "{stats}");
    assert!(stats["oldestSession"].is_string() && stats["newestSession"].is_string(), "{stats}");
    assert!(stats["databaseSizeBytes"].as_u64().unwrap() > 0, "{stats}");
    assert_pending(&server.get("/api/sync/preview").data(), 0);

    let before: Vec<String> = ANALYTICS.iter().map(|path| server.get(path).as_printed()).collect();
    assert_eq!(before[0], query(&claude, ANALYTICS[0]).0, "the synced overview is the files' overview");

    // Reset forgets positions only: everything is pending again, and re-reading doubles nothing.
    let reset = server.post("/api/sync/reset", "");
    assert_eq!(reset.data(), serde_json::json!({ "message": "Sync metadata reset successfully" }));
    assert_eq!(server.get("/api/sync/stats").data()["totalSessions"], corpus.sessions as u64);
    assert_pending(&server.get("/api/sync/preview").data(), corpus.files);
    let after_reset = now_ms();
    assert_eq!(server.post("/api/sync/run", "").status, 202);
    let status = server.wait_for_sync(after_reset, SYNC_TIMEOUT);
    assert_eq!(status["lastSyncStats"]["filesProcessed"], corpus.files as u64, "{status}");
    assert_eq!(status["lastSyncStats"]["sessionsAdded"], 0, "{status}");
    assert_eq!(status["lastSyncStats"]["messagesAdded"], 0, "{status}");
    let after: Vec<String> = ANALYTICS.iter().map(|path| server.get(path).as_printed()).collect();
    for ((path, before), after) in ANALYTICS.iter().zip(&before).zip(&after) {
        assert_eq!(before, after, "{path} changed after reset and sync");
    }

    // A full re-read (incremental: false) changes nothing either.
    let full_start = now_ms();
    assert_eq!(server.post("/api/sync/run", r#"{"incremental":false}"#).status, 202);
    let status = server.wait_for_sync(full_start, SYNC_TIMEOUT);
    assert_eq!(status["lastSyncStats"]["filesProcessed"], corpus.files as u64, "{status}");
    assert_eq!(server.get(ANALYTICS[0]).as_printed(), before[0]);

    // New data, then a dry run: preview still lists it and nothing is stored.
    scratch.write("claude/projects/-w-extra/late.jsonl", &corpus_file("late", 0, "/w/extra", 99_999, 20, None));
    assert_pending(&server.get("/api/sync/preview").data(), 1);
    let stats_before = server.get("/api/sync/stats").data();
    assert_eq!(server.post("/api/sync/run", r#"{"dryRun":true,"incremental":true}"#).status, 202);
    server.wait_idle(SYNC_TIMEOUT);
    let after_dry_run = server.status();
    assert_eq!(after_dry_run["syncId"], status["syncId"], "a dry run leaves the last run as it was");
    assert_eq!(after_dry_run["lastDryRun"]["stats"]["filesProcessed"], 1, "{after_dry_run}");
    assert_eq!(after_dry_run["lastDryRun"]["stats"]["sessionsAdded"], 1, "{after_dry_run}");
    assert_pending(&server.get("/api/sync/preview").data(), 1);
    let stats_after = server.get("/api/sync/stats").data();
    assert_eq!(stats_after["totalSessions"], stats_before["totalSessions"]);
    assert_eq!(stats_after["totalMessages"], stats_before["totalMessages"]);
    assert_eq!(server.get(ANALYTICS[0]).as_printed(), before[0]);
}

/// Starts a run (202, uuid) and observes 409 for a second one while the first is in flight,
/// retrying (with full re-reads) a bounded number of times should the first finish too soon.
/// Also reads the overview and the status during the run. Returns the id of the run that met
/// the conflict and whether it was the first attempt.
fn start_and_conflict(server: &Serving) -> (String, bool) {
    for attempt in 0..5 {
        let body = if attempt == 0 { "" } else { r#"{"incremental":false}"# };
        let started = server.post("/api/sync/run", body);
        let data = started.data_with_status(202);
        assert_eq!(data["started"], true, "{data}");
        assert_eq!(data["message"], "Synchronization started", "{data}");
        let id = data["syncId"].as_str().expect("a syncId").to_owned();
        let parsed = uuid::Uuid::parse_str(&id).expect("the syncId is a uuid");
        assert_eq!(id, parsed.hyphenated().to_string(), "a canonical uuid");

        let second = server.post("/api/sync/run", "{}");
        let status = server.status();
        let overview = server.get("/api/analytics/overview?tz=UTC");
        if second.status == 202 {
            // The first run was already over: let the second finish and try again.
            server.wait_idle(SYNC_TIMEOUT);
            continue;
        }
        assert_eq!(second.status, 409, "{}", second.text());
        assert_eq!(second.code(), "SYNC_IN_PROGRESS");
        assert_eq!(overview.status, 200, "reads go on during a sync: {}", overview.text());
        assert_eq!(overview.json()["success"], true);
        if status["isRunning"] == true {
            assert_eq!(status["syncId"], id.as_str(), "{status}");
            let progress = &status["progress"];
            for field in ["filesDone", "filesTotal", "bytesDone", "bytesTotal"] {
                assert!(progress[field].is_u64(), "{field}: {status}");
            }
        }
        return (id, attempt == 0);
    }
    panic!("never observed a second run while one was in flight");
}

fn assert_pending(preview: &Value, files: usize) {
    assert_eq!(preview["totalPendingFiles"], files as u64, "{preview}");
    let pending = preview["pendingFiles"].as_array().expect("pendingFiles");
    assert_eq!(pending.len(), files, "{preview}");
    for file in pending {
        assert!(file["path"].is_string(), "{file}");
        assert!(file["lastModified"].is_string(), "{file}");
        assert!(file["estimatedSessions"].is_u64() && file["estimatedMessages"].is_u64(), "{file}");
    }
    assert!(preview["estimatedNewSessions"].is_u64() && preview["estimatedNewMessages"].is_u64(), "{preview}");
}

#[test]
fn errors_have_their_codes_and_refusals_their_status() {
    let scratch = Scratch::new("serve-errors");
    let db = scratch.db();
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&samples()), "--retention-days", "36500"]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    let stats = server.get("/api/sync/stats").data();
    assert_eq!((stats["retentionDays"].clone(), stats["totalSessions"].clone()), (36500.into(), 8.into()), "{stats}");

    let zero = server.get("/api/analytics/sessions?limit=0");
    assert_eq!(zero.status, 400, "{}", zero.text());
    assert_eq!(zero.code(), "VALIDATION_ERROR");
    assert_eq!(zero.json()["error"]["details"]["field"], "limit", "details name the field");
    for (path, field) in [
        ("/api/analytics/sessions?limit=1001", "limit"),
        ("/api/analytics/sessions?limit=2.5", "limit"),
        ("/api/analytics/sessions?offset=-1", "offset"),
        ("/api/analytics/overview?dateFrom=2025-02-01&dateTo=2025-01-01", "dateFrom"),
    ] {
        let bad = server.get(path);
        assert_eq!((bad.status, bad.code().as_str()), (400, "VALIDATION_ERROR"), "{path}: {}", bad.text());
        assert_eq!(bad.json()["error"]["details"]["field"], field, "{path}: {}", bad.text());
    }
    let bad_date = server.get("/api/analytics/overview?dateFrom=yesterday");
    assert_eq!((bad_date.status, bad_date.code().as_str()), (400, "VALIDATION_ERROR"));
    let bad_zone = server.get("/api/analytics/daily-usage?tz=Mars/Olympus");
    assert_eq!((bad_zone.status, bad_zone.code().as_str()), (400, "VALIDATION_ERROR"));

    let unknown = server.get("/api/analytics/sessions/no-such-session");
    assert_eq!((unknown.status, unknown.code().as_str()), (404, "NOT_FOUND"), "{}", unknown.text());
    for path in ["/api/nothing-here", "/api/sync/nothing", "/api/analytics-not"] {
        let missing = server.get(path);
        assert_eq!((missing.status, missing.code().as_str()), (404, "NOT_FOUND"), "{path}: {}", missing.text());
    }

    for (method, path, allow) in [
        ("DELETE", "/api/analytics/overview", "GET"),
        ("POST", "/api/sync/status", "GET"),
        ("PUT", "/api/sync/stats", "GET"),
        ("GET", "/api/sync/run", "POST"),
        ("GET", "/api/sync/reset", "POST"),
        ("DELETE", "/api/events", "GET"),
    ] {
        let wrong = send(server.addr, method, path, &[], b"");
        assert_eq!(wrong.status, 405, "{method} {path}: {}", wrong.text());
        assert_eq!(wrong.code(), "METHOD_NOT_ALLOWED", "{method} {path}");
        assert_eq!(wrong.header("allow"), Some(allow), "{method} {path}");
    }

    for body in ["{", "[]", "not json", r#"{"incremental":"yes"}"#, r#"{"dryRun":1}"#] {
        let bad = server.post("/api/sync/run", body);
        assert_eq!((bad.status, bad.code().as_str()), (400, "VALIDATION_ERROR"), "{body}: {}", bad.text());
    }
    let huge = "x".repeat(65 * 1024);
    let too_large = server.post("/api/sync/run", &huge);
    assert_eq!((too_large.status, too_large.code().as_str()), (413, "PAYLOAD_TOO_LARGE"));

    // DNS rebinding: a foreign Host is refused; loopback names are accepted.
    let foreign = send(server.addr, "GET", "/api/health", &[("Host", "evil.example:80")], b"");
    assert_eq!(foreign.status, 403, "{}", foreign.text());
    assert_eq!(foreign.code(), "FORBIDDEN");
    let rebound = send(server.addr, "GET", "/api/analytics/overview", &[("Host", "attacker.test")], b"");
    assert_eq!(rebound.status, 403);
    let port = server.addr.port().to_string();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "localhost".to_owned()] {
        assert_eq!(send(server.addr, "GET", "/api/health", &[("Host", &host)], b"").status, 200, "{host}");
    }
    // A cross-site write is refused too.
    let cross = send(server.addr, "POST", "/api/sync/reset", &[("Origin", "http://evil.example")], b"");
    assert_eq!(cross.status, 403, "{}", cross.text());
    // The server is still fine.
    assert_eq!(server.get("/api/health").status, 200);
}

#[test]
fn a_side_question_replay_is_no_message_of_the_statistics() {
    let scratch = Scratch::new("serve-replay");
    let line = |uuid: &str, kind: &str, sidechain: bool, ts: &str, extra: Value| {
        let mut line = serde_json::json!({"type": kind, "uuid": uuid, "sessionId": "s1", "isSidechain": sidechain,
            "cwd": "/app", "timestamp": format!("2025-06-01T10:00:0{ts}.000Z")});
        line.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        line.to_string() + "\n"
    };
    let response = |request: &str| {
        serde_json::json!({"requestId": request, "message": {"id": "msg_1", "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": "hi"}], "usage": {"input_tokens": 3, "output_tokens": 5}}})
    };
    let prompt = line("u1", "user", false, "0", serde_json::json!({"message": {"content": "hello"}}));
    let main = line("a1", "assistant", false, "1", response("req_1"));
    // The same message id again, from a side question's sub-agent: a replay, counted nowhere.
    let replay = line("side-a1", "assistant", true, "2", response("req_2"));
    scratch.write("claude/projects/-app/s1.jsonl", &(prompt + &main));
    scratch.write("claude/projects/-app/s1/subagents/agent-x.jsonl", &replay);

    let db = scratch.db();
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&scratch.claude())]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    let detail = server.get("/api/analytics/sessions/s1").data();
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2, "{detail}");
    assert_eq!(detail["session"]["responses"], 1, "{detail}");
    assert_eq!(server.get("/api/sync/stats").data()["totalMessages"], 2);
}
