//! What the HTTP server needs from the rest of the program. The server only speaks HTTP; the
//! backend answers: analytics from the stored data, sync control, and live events.

use std::sync::Arc;

use cc_analytics_core::api::{DatabaseStats, SyncPreview, SyncRequest, SyncStatus};
use cc_analytics_core::{ApiError, Reply};
use tokio::sync::broadcast;

/// A live event for `GET /api/events` (Server-Sent Events).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `sync-progress`: the status of the running sync.
    SyncProgress(SyncStatus),
    /// `sync-finished`: the status after a sync ended.
    SyncFinished(SyncStatus),
    /// `data-changed`: new data is visible; pages should refresh.
    DataChanged,
}

/// The program behind the API. Methods may block (storage IO): the server calls them from
/// `spawn_blocking`.
pub trait Backend: Send + Sync + 'static {
    /// `GET /api/analytics/...` (target = path and query string). Shared: a kept reply is sent
    /// to every request it answers without being copied.
    fn analytics(&self, target: &str) -> Arc<Reply>;
    /// The reply to `target` when it is already known, without blocking (the server then skips
    /// the hop to the blocking pool); `None` sends the request to [`Backend::analytics`].
    fn analytics_ready(&self, _target: &str) -> Option<Arc<Reply>> {
        None
    }
    /// `GET /api/sync/status`.
    fn sync_status(&self) -> SyncStatus;
    /// `GET /api/sync/preview`.
    fn sync_preview(&self) -> Result<SyncPreview, ApiError>;
    /// `GET /api/sync/stats`.
    fn sync_stats(&self) -> Result<DatabaseStats, ApiError>;
    /// `POST /api/sync/run`: starts a sync in the background and returns its id;
    /// `ApiError::SyncInProgress` while one runs.
    fn start_sync(&self, request: SyncRequest) -> Result<String, ApiError>;
    /// `POST /api/sync/reset`: forgets file positions.
    fn reset(&self) -> Result<(), ApiError>;
    /// A receiver of live events.
    fn events(&self) -> broadcast::Receiver<Event>;
    /// The `projects/` folders it reads (for `GET /api/health`, so pages can say where it looked).
    fn sources(&self) -> Vec<String>;
}
