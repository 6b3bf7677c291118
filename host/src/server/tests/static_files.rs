//! The dashboard's files: content types, caching, the SPA fallback, traversal attempts.

use super::*;

#[tokio::test]
async fn static_files() {
    let server = start(|_| {}).await;
    let index = server.get("/").await;
    assert_eq!((index.status, index.body.as_str()), (200, INDEX));
    assert_eq!(index.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("referrer-policy"), Some("no-referrer"));
    let policy = index.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'self'") && policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains('*'), "{policy}");
    assert_eq!(server.get("/index.html").await.body, INDEX);

    for (path, content_type, cache) in [
        ("/assets/app-3f9a1c.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("/assets/core-8f2b3c1d.wasm", "application/wasm", "public, max-age=31536000, immutable"),
        ("/assets/app.css", "text/css; charset=utf-8", "no-cache"),
        ("/favicon.svg", "image/svg+xml", "no-cache"),
    ] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(answer.header("content-type"), Some(content_type), "{path}");
        assert_eq!(answer.header("cache-control"), Some(cache), "{path}");
        assert!(answer.header("content-security-policy").is_none(), "{path}");
    }

    let head = server.call("HEAD", "/", &[], "").await;
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-length"), Some(INDEX.len().to_string().as_str()));

    // The dashboard's own routes get the page; a missing asset does not.
    let route = server.get("/sessions/abc?sort=cost").await;
    assert_eq!((route.status, route.body.as_str()), (200, INDEX));
    let missing = server.get("/assets/missing-3f9a1c.js").await;
    assert_eq!((missing.status, missing.code().as_str()), (404, "NOT_FOUND"));
    server.stop().await;
}

#[tokio::test]
async fn static_without_index_is_404() {
    let server = start(|config| config.assets.clear()).await;
    for path in ["/", "/index.html", "/sessions/abc"] {
        let answer = server.get(path).await;
        assert_eq!((answer.status, answer.code().as_str()), (404, "NOT_FOUND"), "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn static_traversal_is_refused() {
    let server = start(|_| {}).await;
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/x",
        "/%2e%2e/Cargo.toml",
        "/assets/..%2f..%2fetc/passwd",
        "/assets/../../etc/passwd",
        "//etc/passwd",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/%5c..%5cCargo.toml",
        "/assets/./app-3f9a1c.js",
        "/C:/Windows/win.ini",
    ] {
        let answer = server.get(path).await;
        assert_eq!((answer.status, answer.code().as_str()), (404, "NOT_FOUND"), "{path}");
        assert!(!answer.body.contains(PACKAGE_FILE_MARKER) && !answer.body.contains("root:"), "{path}");
        assert_ne!(answer.body, INDEX, "{path}");
    }
    let raw = send_bytes(
        server.addr,
        b"GET /assets\\..\\..\\Cargo.toml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    // hyper refuses a backslash in the target itself (400, empty body).
    assert!(matches!(raw.status, 400 | 404), "{raw:?}");
    assert!(!raw.body.contains(PACKAGE_FILE_MARKER), "{raw:?}");
    server.stop().await;
}
