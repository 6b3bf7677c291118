//! The security defaults: Host allow-list, Origin check, token, body and head limits, slow clients.

use super::*;

#[tokio::test]
async fn foreign_host_is_403() {
    let server = start(|config| config.allowed_hosts = vec!["analytics.internal".to_owned()]).await;
    let port = server.addr.port().to_string();
    for host in
        ["localhost", &format!("localhost:{port}"), &format!("127.0.0.1:{port}"), "[::1]:1", "analytics.internal"]
    {
        assert_eq!(server.call("GET", "/api/health", &[("Host", host)], "").await.status, 200, "{host}");
    }
    for host in ["evil.example", &format!("evil.example:{port}"), "localhost.evil.example", "127.0.0.2", "::1"] {
        let answer = server.call("GET", "/api/health", &[("Host", host)], "").await;
        assert_eq!(answer.status, 403, "{host}");
        assert_eq!(
            answer.json(),
            json!({ "success": false, "error": { "message": "Host not allowed", "code": "FORBIDDEN", "details": {} } })
        );
    }
    // Static files are refused too, and so are requests without a Host or with a foreign
    // absolute-form target.
    assert_eq!(server.call("GET", "/", &[("Host", "evil.example")], "").await.status, 403);
    assert_eq!(send(server.addr, "GET /api/health HTTP/1.0\r\n\r\n").await.status, 403);
    let absolute = "GET http://evil.example/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert_eq!(send(server.addr, absolute).await.status, 403);
    server.stop().await;
}

#[tokio::test]
async fn cross_origin_write_is_403() {
    let server = start(|_| {}).await;
    let answer = server.call("POST", "/api/sync/reset", &[("Origin", "https://evil.example")], "").await;
    assert_eq!((answer.status, answer.code().as_str()), (403, "FORBIDDEN"));
    assert_eq!(server.call("POST", "/api/sync/reset", &[("Origin", "null")], "").await.status, 403);
    assert_eq!(server.fake.resets.load(Ordering::SeqCst), 0);
    let port = server.addr.port();
    let same = server.call("POST", "/api/sync/reset", &[("Origin", &format!("http://127.0.0.1:{port}"))], "").await;
    assert_eq!(same.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn token_is_required_on_api() {
    let server = start(|config| config.token = Some("s3cret".to_owned())).await;
    for headers in [&[][..], &[("Authorization", "Bearer wrong")], &[("Authorization", "Basic s3cret")]] {
        let answer = server.call("GET", "/api/health", headers, "").await;
        assert_eq!((answer.status, answer.code().as_str()), (401, "UNAUTHORIZED"), "{headers:?}");
        assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
    }
    assert_eq!(server.call("POST", "/api/sync/reset", &[], "").await.status, 401);
    assert_eq!(server.get("/api/nope").await.status, 401);
    // The query form is for EventSource only.
    assert_eq!(server.get("/api/health?token=s3cret").await.status, 401);
    assert_eq!(server.call("GET", "/api/health", &[("Authorization", "Bearer s3cret")], "").await.status, 200);
    let mut events = Events::open(server.addr, "/api/events?token=s3cret", &[]).await;
    assert!(events.wait_for("retry:").await);
    // The dashboard itself loads without the token (it asks for it).
    assert_eq!(server.get("/").await.status, 200);
    drop(events);
    server.stop().await;
}

#[tokio::test]
async fn oversized_body_is_413() {
    let server = start(|_| {}).await;
    // Declared too large: refused before reading.
    let declared = "POST /api/sync/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 70000\r\n\r\n";
    let answer = send(server.addr, declared).await;
    assert_eq!((answer.status, answer.code().as_str()), (413, "PAYLOAD_TOO_LARGE"));
    // Streamed without a length: refused while reading.
    let chunk = " ".repeat(64 * 1024 + 1);
    let streamed = format!(
        "POST /api/sync/run HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let answer = send(server.addr, &streamed).await;
    assert_eq!((answer.status, answer.code().as_str()), (413, "PAYLOAD_TOO_LARGE"));
    // Every POST has the limit, also those that expect no body.
    let answer = send(server.addr, &declared.replace("/api/sync/run", "/api/sync/reset")).await;
    assert_eq!((answer.status, answer.code().as_str()), (413, "PAYLOAD_TOO_LARGE"));
    assert_eq!(server.fake.resets.load(Ordering::SeqCst), 0);
    // Exactly the limit is fine.
    let body = format!("{{}}{}", " ".repeat(64 * 1024 - 2));
    assert_eq!(server.call("POST", "/api/sync/run", &[], &body).await.status, 202);
    server.stop().await;
}

#[tokio::test]
async fn oversized_head_is_431() {
    let server = start(|_| {}).await;
    let big = "x".repeat(20 * 1024);
    let answer = server.call("GET", "/api/health", &[("X-Big", &big)], "").await;
    assert_eq!(answer.status, 431);
    assert_eq!(server.get("/api/health").await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn slow_head_is_dropped() {
    let server = start(|config| config.limits.header_timeout = Duration::from_millis(200)).await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.unwrap();
    let begun = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "a slow client keeps its connection");
    assert!(begun.elapsed() < Duration::from_secs(3));
    // Others are served meanwhile and after.
    assert_eq!(server.get("/api/health").await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn bind_requires_token_off_loopback() {
    let fake = Arc::new(Fake::new());
    let mut config = Config::new(fake.clone());
    config.addr = "0.0.0.0:0".parse().unwrap();
    let refused = bind(config).await.err().expect("refused without a token");
    assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
    let mut config = Config::new(fake);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.token = Some(String::new());
    assert!(bind(config).await.is_err(), "an empty token protects nothing");
    assert_eq!(Limits::default().header_timeout, Duration::from_secs(10));
}
