//! The dashboard's static files, served from an in-memory map (embedded in the binary): a path is
//! only ever a key in that map, never a file-system path, and suspicious paths are refused before
//! the lookup. Fingerprinted files are cached for a year, everything else is revalidated; unknown
//! paths outside `assets/` get `index.html`, so the dashboard's own routes work on reload.

use std::collections::HashMap;

use cc_analytics_core::ApiError;
use hyper::body::Bytes;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

use super::response::{Body, full, with_security_headers};
use super::security::percent_decode;

const INDEX: &str = "index.html";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The static files, keyed by their path without the leading slash (`index.html`,
/// `assets/app-3f9a1c.js`).
pub type Assets = HashMap<String, Bytes>;

/// Answers a GET (or HEAD) of `path` (the raw, still percent-encoded URI path).
pub fn serve(assets: &Assets, path: &str) -> Result<Response<Body>, ApiError> {
    let not_found = || ApiError::NotFound("No such file".to_owned());
    let key = asset_key(path).ok_or_else(not_found)?;
    if let Some(bytes) = assets.get(&key) {
        return Ok(file(&key, bytes.clone()));
    }
    // A missing script or stylesheet must not be answered with HTML.
    let is_client_route = !key.starts_with("assets/") && key != INDEX;
    match assets.get(INDEX) {
        Some(index) if is_client_route => Ok(file(INDEX, index.clone())),
        _ => Err(not_found()),
    }
}

/// The map key for a URI path, or `None` for anything that could name a file outside the map:
/// `..` or `.` segments (also percent-encoded), backslashes, empty segments (`//etc`), drive
/// letters, control characters.
fn asset_key(path: &str) -> Option<String> {
    let decoded = String::from_utf8(percent_decode(path, false)?).ok()?;
    let relative = decoded.strip_prefix('/')?;
    if relative.is_empty() {
        return Some(INDEX.to_owned());
    }
    let safe = !relative.contains(['\\', ':', '%']) && !relative.chars().any(char::is_control);
    let segments_ok = relative.split('/').all(|segment| !matches!(segment, "" | "." | ".."));
    (safe && segments_ok).then(|| relative.to_owned())
}

fn file(key: &str, bytes: Bytes) -> Response<Body> {
    let content_type = content_type(key);
    let cache = if is_fingerprinted(key) { IMMUTABLE } else { REVALIDATE };
    let mut response = Response::new(full(bytes));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    with_security_headers(response, content_type.starts_with("text/html"))
}

/// The content type from the file extension.
fn content_type(key: &str) -> &'static str {
    let extension = key.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether a file is under `assets/` with a content hash in its name (`app-3f9a1c.js`,
/// `index-DiwrgTda.css`, `core.8f2b3c1d.wasm`): the last `-` or `.` separated part of the stem has
/// at least six word characters, one of them a digit or a capital (so `app-legacy.js` is not).
fn is_fingerprinted(key: &str) -> bool {
    let Some(name) = key.strip_prefix("assets/").and_then(|rest| rest.rsplit('/').next()) else { return false };
    let Some((stem, _extension)) = name.rsplit_once('.') else { return false };
    let Some((_, hash)) = stem.rsplit_once(['-', '.']) else { return false };
    hash.len() >= 6
        && hash.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
        && hash.bytes().any(|byte| byte.is_ascii_digit() || byte.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_refuse_traversal() {
        assert_eq!(asset_key("/").as_deref(), Some("index.html"));
        assert_eq!(asset_key("/assets/app-3f9a1c.js").as_deref(), Some("assets/app-3f9a1c.js"));
        assert_eq!(asset_key("/sessions/abc").as_deref(), Some("sessions/abc"));
        for path in [
            "/../Cargo.toml",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/assets/..%2f..%2fetc/passwd",
            "//etc/passwd",
            "/assets/./app.js",
            "/assets\\..\\x",
            "/%5c..%5cx",
            "/C:/Windows",
            "/a%00b",
            "/%252e%252e/x",
            "/%ff",
            "relative",
        ] {
            assert_eq!(asset_key(path), None, "{path}");
        }
    }

    #[test]
    fn fingerprints() {
        assert!(is_fingerprinted("assets/app-3f9a1c.js"));
        assert!(is_fingerprinted("assets/index-DiwrgTda.css"));
        assert!(is_fingerprinted("assets/core.8f2b3c1d.wasm"));
        assert!(!is_fingerprinted("assets/app-legacy.js"));
        assert!(!is_fingerprinted("assets/app.js"));
        assert!(!is_fingerprinted("app-3f9a1c.js"));
        assert!(!is_fingerprinted("index.html"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/a.JS"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("assets/a.wasm"), "application/wasm");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
