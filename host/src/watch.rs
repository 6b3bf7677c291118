//! Keeping the database in step with Claude Code: file notifications on the `projects/` folders
//! (polling when notifications are unavailable) trigger an incremental sync shortly after the
//! writes settle.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use cc_analytics_core::ApiError;
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::app::{App, run_in_background};
use crate::sync::SyncOptions;

/// Quiet time after the last change before syncing.
const SETTLE: Duration = Duration::from_millis(300);
/// How often the polling fallback looks at the files.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Watches until dropped.
pub struct Watch {
    _watcher: Box<dyn Watcher + Send>,
}

/// Starts watching the `projects/` folders of `claude_dirs`; `None` when none exists.
pub fn start(app: Arc<App>, claude_dirs: &[PathBuf]) -> Option<Watch> {
    let roots: Vec<PathBuf> = claude_dirs.iter().map(|d| d.join("projects")).filter(|p| p.is_dir()).collect();
    if roots.is_empty() {
        return None;
    }
    let (sender, changes) = channel::<()>();
    let handler = move |event: notify::Result<Event>| {
        if let Ok(event) = event {
            let relevant = !matches!(event.kind, EventKind::Access(_))
                && event.paths.iter().any(|p| p.extension().is_some_and(|e| e == "jsonl") || p.is_dir());
            if relevant {
                let _ = sender.send(());
            }
        }
    };
    let mut watcher: Box<dyn Watcher + Send> = match RecommendedWatcher::new(handler.clone(), notify::Config::default())
    {
        Ok(watcher) => Box::new(watcher),
        Err(error) => {
            tracing::warn!(%error, "file notifications unavailable; polling instead");
            Box::new(PollWatcher::new(handler, notify::Config::default().with_poll_interval(POLL_EVERY)).ok()?)
        }
    };
    for root in &roots {
        if let Err(error) = watcher.watch(root, RecursiveMode::Recursive) {
            tracing::warn!(%error, path = %root.display(), "cannot watch");
        }
    }
    std::thread::Builder::new().name("watch".into()).spawn(move || follow(&app, &changes)).ok()?;
    Some(Watch { _watcher: watcher })
}

/// Syncs after each burst of changes until the watcher goes away.
fn follow(app: &App, changes: &Receiver<()>) {
    run_in_background();
    while changes.recv().is_ok() {
        loop {
            match changes.recv_timeout(SETTLE) {
                Ok(()) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        loop {
            match app.sync_now(SyncOptions::default()) {
                Err(ApiError::SyncInProgress) => std::thread::sleep(SETTLE),
                Err(error) => {
                    tracing::error!(%error, "sync after a file change failed");
                    break;
                }
                Ok(_) => break,
            }
        }
    }
}
