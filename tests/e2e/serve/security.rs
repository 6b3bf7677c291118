//! A token off loopback.

use super::*;

#[test]
fn a_token_is_required_off_loopback() {
    let scratch = Scratch::new("serve-token");
    let db = scratch.db();
    let claude = scratch.claude();
    scratch.write("claude/projects/-w-app/s1.jsonl", &corpus_file("s1", 0, "/w/app", 1, 8, None));

    // Off loopback without a token the server refuses to start.
    let out = command(&["serve", "--host", "0.0.0.0", "--port", "0", "--db", arg(&db), "--claude-dir", arg(&claude)])
        .env_remove("CC_ANALYTICS_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success(), "serving 0.0.0.0 without a token must fail");

    let server = Serving::start(&[
        "--host",
        "0.0.0.0",
        "--token",
        "T0k3n",
        "--allow-host",
        "dash.example",
        "--db",
        arg(&db),
        "--claude-dir",
        arg(&claude),
    ]);
    let bearer = [("Authorization", "Bearer T0k3n")];
    for path in ["/api/health", "/api/sync/status", "/api/analytics/overview"] {
        let refused = server.get(path);
        assert_eq!(refused.status, 401, "{path}: {}", refused.text());
        assert_eq!(refused.code(), "UNAUTHORIZED");
        let wrong = send(server.addr, "GET", path, &[("Authorization", "Bearer nope")], b"");
        assert_eq!(wrong.status, 401, "{path}");
        assert_eq!(send(server.addr, "GET", path, &bearer, b"").status, 200, "{path}");
    }
    assert_eq!(server.post("/api/sync/run", "").status, 401);
    // Bound to every interface, any IP literal is the server itself; other names are not.
    let evil = send(server.addr, "GET", "/api/health", &[("Host", "evil.example"), bearer[0]], b"");
    assert_eq!(evil.status, 403);
    let allowed = send(server.addr, "GET", "/api/health", &[("Host", "dash.example:8080"), bearer[0]], b"");
    assert_eq!(allowed.status, 200, "an --allow-host name is accepted: {}", allowed.text());
    let literal = send(server.addr, "GET", "/api/health", &[("Host", "192.0.2.7:3001"), bearer[0]], b"");
    assert_eq!(literal.status, 200, "bound to every interface, an IP literal is the server: {}", literal.text());
    let events = send(server.addr, "GET", "/api/events", &[], b"");
    assert_eq!(events.status, 401);
    Events::open(server.addr, &bearer);
}
