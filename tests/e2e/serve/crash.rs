//! Crash safety: SIGKILL in the middle of a sync, restart, same numbers as the files.

use super::*;

#[test]
fn a_sync_killed_midway_leaves_a_consistent_database() {
    let scratch = Scratch::new("serve-crash");
    let claude = scratch.claude();
    let corpus = generate(&claude, 300, 300);
    let compared = [
        "/api/analytics/overview?tz=UTC",
        "/api/analytics/sessions?limit=1000&tz=UTC",
        "/api/analytics/daily-usage?tz=UTC",
    ];
    let expected: Vec<String> = compared.iter().map(|path| query(&claude, path).0).collect();
    assert!(expected[0].contains(&format!("\"totalSessions\":{}", corpus.sessions)), "{}", expected[0]);

    // Kill at different points of the first sync; restart with `serve` or with `sync`.
    let mut killed_running = 0;
    for (round, delay_ms) in [(0, 50u64), (1, 900), (2, 1900)] {
        let db = scratch.0.join(format!("analytics-{round}.redb"));
        let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
        let status = poll(SYNC_TIMEOUT, || {
            let status = server.status();
            (status["isRunning"] == true || !status["lastSync"].is_null()).then_some(status)
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        let before_kill = server.status();
        if before_kill["isRunning"] == true {
            killed_running += 1;
        }
        eprintln!("round {round}: killed {delay_ms} ms into the sync; progress {}", before_kill["progress"]);
        assert!(status["isRunning"] == true, "the first sync was not seen running: {status}");
        server.kill();

        if round == 1 {
            // Restarted as a one-shot sync, read back as the server answers.
            let out = run(&["sync", "--db", arg(&db), "--claude-dir", arg(&claude)]);
            assert!(out.status.success(), "sync after a kill: {}", String::from_utf8_lossy(&out.stderr));
            for (path, expected) in compared.iter().zip(&expected) {
                let out = run(&["query", "--db", arg(&db), "--tz", "UTC", path]);
                assert_eq!(&String::from_utf8(out.stdout).unwrap(), expected, "round {round}: {path}");
            }
        } else {
            let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
            let status = server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
            assert_eq!(status["lastSyncStats"]["errors"], 0, "{status}");
            eprintln!("round {round}: the sync after the restart took {} ms", status["lastSyncDuration"]);
            for (path, expected) in compared.iter().zip(&expected) {
                assert_eq!(&server.get(path).as_printed(), expected, "round {round}: {path}");
            }
            assert_eq!(server.get("/api/sync/stats").data()["totalSessions"], corpus.sessions as u64);
        }
    }
    assert!(killed_running >= 2, "at least two kills must land while the sync runs ({killed_running})");
}
