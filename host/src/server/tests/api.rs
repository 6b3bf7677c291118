//! Every route and method of the API, and the errors the server itself produces.

use super::*;

#[tokio::test]
async fn health() {
    let server = start(|_| {}).await;
    let answer = server.get("/api/health").await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({ "success": true, "data": {
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "claudeDirs": ["/home/me/.claude/projects"],
        } })
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert!(answer.headers.iter().all(|(name, _)| !name.starts_with("access-control-")), "{answer:?}");
    server.stop().await;
}

#[tokio::test]
async fn analytics_pass_through() {
    let server = start(|_| {}).await;
    let answer = server.get("/api/analytics/overview?dateFrom=2025-01-01&tz=Europe%2FBerlin").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["data"]["target"], "/api/analytics/overview?dateFrom=2025-01-01&tz=Europe%2FBerlin");
    assert_eq!(server.get("/api/analytics/daily-usage").await.json()["data"]["target"], "/api/analytics/daily-usage");

    let csv = server.get("/api/analytics/export?format=csv").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.header("content-disposition"), Some("attachment; filename=\"x.csv\""));
    assert_eq!(csv.body, "id,cost\na,1\n");

    let missing = server.get("/api/analytics/sessions/missing").await;
    assert_eq!((missing.status, missing.code().as_str()), (404, "NOT_FOUND"));
    server.stop().await;
}

#[tokio::test]
async fn sync_reads() {
    let server = start(|_| {}).await;
    let status = server.get("/api/sync/status").await;
    assert_eq!(status.status, 200);
    assert_eq!(status.json()["success"], true);
    assert_eq!(status.json()["data"]["isRunning"], false);
    assert_eq!(status.json()["data"]["lastSync"], Value::Null);
    let preview = server.get("/api/sync/preview").await;
    assert_eq!((preview.status, preview.json()["data"]["totalPendingFiles"].clone()), (200, json!(2)));
    let stats = server.get("/api/sync/stats").await;
    assert_eq!(stats.status, 200);
    assert_eq!(stats.json()["data"]["databaseSize"], "1.0 KB");
    server.stop().await;
}

#[tokio::test]
async fn sync_run_then_conflict() {
    let server = start(|_| {}).await;
    let started = server.call("POST", "/api/sync/run", &[], "").await;
    assert_eq!(started.status, 202);
    assert_eq!(
        started.json(),
        json!({ "success": true, "data": { "started": true, "syncId": "sync-1", "message": "Synchronization started" } })
    );
    let again = server.call("POST", "/api/sync/run", &[("Content-Type", "application/json")], "{}").await;
    assert_eq!((again.status, again.code().as_str()), (409, "SYNC_IN_PROGRESS"));
    assert_eq!(*server.fake.started.lock().unwrap(), vec![SyncRequest::default()]);

    let server2 = start(|_| {}).await;
    let body = r#"{"incremental":false,"dryRun":true}"#;
    assert_eq!(server2.call("POST", "/api/sync/run", &[], body).await.status, 202);
    assert_eq!(*server2.fake.started.lock().unwrap(), vec![SyncRequest { incremental: false, dry_run: true }]);
    server.stop().await;
    server2.stop().await;
}

#[tokio::test]
async fn sync_run_validation() {
    let server = start(|_| {}).await;
    for (body, field) in [
        ("{", "body"),
        ("not json", "body"),
        ("[true]", "body"),
        (r#"{"incremental":"no"}"#, "incremental"),
        (r#"{"incremental":true,"dryRun":1}"#, "dryRun"),
    ] {
        let answer = server.call("POST", "/api/sync/run", &[], body).await;
        assert_eq!((answer.status, answer.code().as_str()), (400, "VALIDATION_ERROR"), "{body}");
        assert_eq!(answer.json()["error"]["details"]["field"], field, "{body}");
    }
    assert!(server.fake.started.lock().unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn sync_reset() {
    let server = start(|_| {}).await;
    let answer = server.call("POST", "/api/sync/reset", &[], "").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({ "success": true, "data": { "message": "Sync metadata reset successfully" } }));
    assert_eq!(server.fake.resets.load(Ordering::SeqCst), 1);
    server.stop().await;
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let server = start(|_| {}).await;
    for (method, path, allow) in [
        ("POST", "/api/health", "GET"),
        ("HEAD", "/api/health", "GET"),
        ("DELETE", "/api/analytics/overview", "GET"),
        ("PUT", "/api/sync/status", "GET"),
        ("POST", "/api/sync/preview", "GET"),
        ("POST", "/api/sync/stats", "GET"),
        ("POST", "/api/events", "GET"),
        ("GET", "/api/sync/run", "POST"),
        ("DELETE", "/api/sync/reset", "POST"),
        ("POST", "/", "GET, HEAD"),
        ("DELETE", "/assets/app-3f9a1c.js", "GET, HEAD"),
    ] {
        let answer = server.call(method, path, &[], "").await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.header("allow"), Some(allow), "{method} {path}");
        if method != "HEAD" {
            assert_eq!(answer.code(), "METHOD_NOT_ALLOWED", "{method} {path}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn unknown_api_path_is_404() {
    let server = start(|_| {}).await;
    for path in ["/api", "/api/", "/api/nope", "/api/sync", "/api/sync/nope", "/api/health/extra"] {
        let answer = server.get(path).await;
        assert_eq!((answer.status, answer.code().as_str()), (404, "NOT_FOUND"), "{path}");
    }
    assert_eq!(server.call("POST", "/api/nope", &[], "").await.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn backend_failure_hides_details() {
    let server = start(|_| {}).await;
    let answer = server.get("/api/analytics/panic").await;
    assert_eq!((answer.status, answer.code().as_str()), (500, "INTERNAL_ERROR"));
    assert!(!answer.body.contains("/home") && !answer.body.contains("panic"), "{}", answer.body);
    assert_eq!(server.get("/api/health").await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn keep_alive_serves_several_requests() {
    let server = start(|_| {}).await;
    let first = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let both = format!("{first}{}", request("GET", "/api/sync/status", &[], ""));
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(both.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    server.stop().await;
}
