//! The record of a finished sync run (`SyncRun`, as stored and as the status endpoint shows it).

use cc_analytics_core::api::{SyncRun, SyncRunStats, SyncStatus};
use cc_analytics_core::time::format_utc;

use crate::store::StoreError;
use crate::sync::SyncReport;

/// The record of a sync that started at `started` and took `duration` ms.
pub fn finished_run(sync_id: &str, started: i64, duration: u64, result: &Result<SyncReport, StoreError>) -> SyncRun {
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
    SyncRun { sync_id: sync_id.to_owned(), finished: format_utc(started + duration as i64), duration, stats, error }
}

/// The status a (stored) sync leaves behind.
pub fn status_after(run: &SyncRun) -> SyncStatus {
    SyncStatus {
        last_sync: Some(run.finished.clone()),
        last_sync_duration: run.duration,
        last_sync_stats: run.stats.clone(),
        last_error: run.error.clone(),
        sync_id: Some(run.sync_id.clone()),
        ..SyncStatus::default()
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
