//! The record of a finished sync run, as stored and as the status endpoint shows it.

use cc_analytics_core::api::{SyncRunStats, SyncStatus};
use cc_analytics_core::time::format_utc;
use serde::{Deserialize, Serialize};

use crate::store::StoreError;
use crate::sync::SyncReport;

/// A finished sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastRun {
    /// Its id.
    pub sync_id: String,
    /// When it finished (ISO 8601 UTC).
    pub finished: String,
    /// How long it took, ms.
    pub duration: u64,
    /// What it did.
    pub stats: SyncRunStats,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl LastRun {
    /// The record of a sync that started at `started` and took `duration` ms.
    pub fn new(sync_id: &str, started: i64, duration: u64, result: &Result<SyncReport, StoreError>) -> Self {
        let (stats, error) = match result {
            Ok(report) => (
                SyncRunStats {
                    files_processed: report.files_processed,
                    sessions_added: report.added.sessions_added,
                    messages_added: report.added.messages_added,
                    errors: report.errors(),
                },
                None,
            ),
            Err(e) => (SyncRunStats::default(), Some(e.to_string())),
        };
        LastRun { sync_id: sync_id.to_owned(), finished: format_utc(started + duration as i64), duration, stats, error }
    }

    /// The status it leaves behind.
    pub fn status(&self) -> SyncStatus {
        SyncStatus {
            last_sync: Some(self.finished.clone()),
            is_running: false,
            last_sync_duration: self.duration,
            last_sync_stats: self.stats.clone(),
            progress: None,
            last_error: self.error.clone(),
            sync_id: Some(self.sync_id.clone()),
        }
    }
}

/// `45.6 MB`: decimal units, one decimal.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// The clock, Unix ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(45_600_000), "45.6 MB");
        assert_eq!(human_size(1_500_000_000), "1.5 GB");
    }
}
