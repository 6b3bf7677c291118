//! Graceful shutdown.

use super::*;

#[test]
fn sigterm_stops_the_server_gracefully() {
    let scratch = Scratch::new("serve-term");
    let db = scratch.db();
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&samples())]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    // An open event stream does not hold the shutdown up.
    let mut events = Events::open(server.addr, &[]);
    let addr = server.addr;
    let (status, took) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(events.ends_within(Duration::from_secs(2)), "the stream ended: {}", events.seen);
    assert!(std::net::TcpStream::connect(addr).is_err(), "nothing listens after the exit");
}

#[test]
fn sigterm_during_a_sync_stops_promptly_and_loses_nothing() {
    let scratch = Scratch::new("serve-term-sync");
    let claude = scratch.claude();
    generate(&claude, 80, 400);
    let db = scratch.db();
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
    let status = poll(SYNC_TIMEOUT, || {
        let status = server.status();
        (status["isRunning"] == true || !status["lastSync"].is_null()).then_some(status)
    });
    assert_eq!(status["isRunning"], true, "the first sync runs at start: {status}");
    let (status, took) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // Whatever the interrupted sync left, the next one completes the data.
    let out = run(&["sync", "--db", arg(&db), "--claude-dir", arg(&claude)]);
    assert!(out.status.success(), "sync after SIGTERM: {}", String::from_utf8_lossy(&out.stderr));
    for path in ["/api/analytics/overview?tz=UTC", "/api/analytics/daily-usage?tz=UTC"] {
        let stored = run(&["query", "--db", arg(&db), "--tz", "UTC", path]);
        assert_eq!(String::from_utf8(stored.stdout).unwrap(), query(&claude, path).0, "{path}");
    }
}
