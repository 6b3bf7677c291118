//! `cc-analytics serve` over real HTTP on 127.0.0.1 (ephemeral port) with real database files:
//! parity of every analytics answer with `query --claude-dir`, the sync endpoints and error codes,
//! security refusals, incremental syncs driven by the file watcher, live events, crash safety
//! under SIGKILL in the middle of a sync, and graceful shutdown on SIGTERM.

mod corpus;
mod crash;
mod parity;
mod security;
mod shutdown;
mod sync_api;
mod watcher;

use corpus::*;

pub(super) use std::path::Path;
pub(super) use std::time::{Duration, Instant};

pub(super) use serde_json::Value;

pub(super) use crate::http::{Events, Serving, now_ms, poll, send};
pub(super) use crate::support::{Scratch, command, query, run, samples};

/// Generous bound for a sync of the generated corpora in a debug build on a busy 2-core machine.
pub(super) const SYNC_TIMEOUT: Duration = Duration::from_secs(45);
/// How long the watcher may take to notice a change and sync it.
pub(super) const WATCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The analytics paths compared byte for byte (besides each session's detail and the blocks).
pub(super) const ANALYTICS: [&str; 9] = [
    "/api/analytics/overview?tz=UTC",
    "/api/analytics/sessions?limit=1000&tz=UTC",
    "/api/analytics/daily-usage?tz=UTC",
    "/api/analytics/model-distribution?tz=UTC",
    "/api/analytics/tool-usage?tz=UTC",
    "/api/analytics/projects?tz=UTC",
    "/api/analytics/heatmap?tz=UTC",
    "/api/analytics/export?format=csv&entity=sessions&tz=UTC",
    "/api/analytics/export?format=json&entity=daily&tz=UTC",
];

pub(super) fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `query --claude-dir DIR --tz UTC --now <the clock> PATH`: what a server started now would say.
pub(super) fn query_at_now(claude: &Path, path: &str) -> String {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let out = run(&["query", "--claude-dir", arg(claude), "--tz", "UTC", "--now", &now, path]);
    assert!(out.status.success(), "{path}: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stdout).unwrap()
}
