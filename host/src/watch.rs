//! Keeping the database in step with Claude Code: file notifications on the `projects/` folders
//! (polling when notifications are unavailable) trigger an incremental sync shortly after the
//! writes settle. A sync looks only at the transcripts the notifications named, unless they named
//! a folder, some were lost, or the last listing of every transcript is old.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use cc_analytics_core::ApiError;
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::app::{App, run_in_background};
use crate::sync::{Scope, SyncOptions};

/// Quiet time after the last change before syncing.
const SETTLE: Duration = Duration::from_millis(300);
/// How often the polling fallback looks at the files.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Most transcripts a sync looks at alone; past that it lists every transcript.
const MAX_NAMED: usize = 1_000;
/// After this long without listing every transcript, the next sync does (catching anything
/// notifications missed).
const LIST_ALL_EVERY: Duration = Duration::from_secs(600);

/// What a notification asks to look at.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// These transcripts (they may be gone).
    Transcripts(Vec<PathBuf>),
    /// Every transcript: a folder changed, notifications were lost, or the watcher failed.
    Everything,
}

/// What a notification asks to look at; `None` when it concerns no transcript.
fn change(event: notify::Result<Event>) -> Option<Change> {
    let Ok(event) = event else { return Some(Change::Everything) };
    if event.need_rescan() {
        return Some(Change::Everything);
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return None;
    }
    let mut transcripts = Vec::new();
    for path in event.paths {
        if path.is_dir() {
            return Some(Change::Everything);
        }
        if path.extension().is_some_and(|e| e == "jsonl") {
            transcripts.push(path);
        }
    }
    (!transcripts.is_empty()).then_some(Change::Transcripts(transcripts))
}

/// The changes since the last sync.
#[derive(Debug, Default)]
struct Pending {
    transcripts: BTreeSet<PathBuf>,
    everything: bool,
}

impl Pending {
    fn add(&mut self, change: Change) {
        match change {
            Change::Transcripts(paths) if !self.everything => {
                self.transcripts.extend(paths);
                if self.transcripts.len() > MAX_NAMED {
                    self.everything();
                }
            }
            Change::Transcripts(_) => {}
            Change::Everything => self.everything(),
        }
    }

    fn everything(&mut self) {
        self.everything = true;
        self.transcripts.clear();
    }
}

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
    let (sender, changes) = channel::<Change>();
    let handler = move |event: notify::Result<Event>| {
        if let Some(change) = change(event) {
            let _ = sender.send(change);
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
fn follow(app: &App, changes: &Receiver<Change>) {
    run_in_background();
    // `serve` lists every transcript in the sync it starts with.
    let mut listed_all = Instant::now();
    while let Ok(first) = changes.recv() {
        let mut pending = Pending::default();
        pending.add(first);
        loop {
            match changes.recv_timeout(SETTLE) {
                Ok(change) => pending.add(change),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if listed_all.elapsed() >= LIST_ALL_EVERY {
            pending.everything();
        }
        let named: Vec<PathBuf> = pending.transcripts.into_iter().collect();
        let scope = if pending.everything { Scope::Everything } else { Scope::Among(&named) };
        loop {
            match app.sync_now(scope, SyncOptions::default()) {
                Err(ApiError::SyncInProgress) => std::thread::sleep(SETTLE),
                Err(error) => {
                    tracing::error!(%error, "sync after a file change failed");
                    break;
                }
                Ok(_) => {
                    if pending.everything {
                        listed_all = Instant::now();
                    }
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, CreateKind, Flag, ModifyKind, RemoveKind};

    use super::*;

    #[test]
    fn notifications_name_transcripts_or_ask_for_everything() {
        let folder = std::env::temp_dir().join(format!("cc-analytics-watch-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("p.jsonl")).unwrap();
        let (file, gone, named_like_one) = (folder.join("s1.jsonl"), folder.join("gone.jsonl"), folder.join("p.jsonl"));
        let event = |kind, paths: &[&PathBuf]| paths.iter().fold(Event::new(kind), |e, p| e.add_path(p.to_path_buf()));
        let modify = EventKind::Modify(ModifyKind::Any);

        assert_eq!(change(Ok(event(modify, &[&file]))), Some(Change::Transcripts(vec![file.clone()])));
        assert_eq!(
            change(Ok(event(EventKind::Remove(RemoveKind::File), &[&gone]))),
            Some(Change::Transcripts(vec![gone]))
        );
        assert_eq!(change(Ok(event(modify, &[&folder.join("notes.txt")]))), None);
        assert_eq!(change(Ok(event(EventKind::Access(AccessKind::Any), &[&file]))), None);
        // A folder (even one named like a transcript) may hold transcripts no notification named.
        assert_eq!(change(Ok(event(EventKind::Create(CreateKind::Folder), &[&folder]))), Some(Change::Everything));
        assert_eq!(change(Ok(event(modify, &[&file, &named_like_one]))), Some(Change::Everything));
        // Lost notifications, or a failing watcher.
        assert_eq!(change(Ok(event(EventKind::Other, &[]).set_flag(Flag::Rescan))), Some(Change::Everything));
        assert_eq!(change(Err(notify::Error::generic("queue overflow"))), Some(Change::Everything));
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn pending_changes_gather_transcripts_until_too_many() {
        let mut pending = Pending::default();
        pending.add(Change::Transcripts(vec!["/p/b.jsonl".into(), "/p/a.jsonl".into()]));
        pending.add(Change::Transcripts(vec!["/p/a.jsonl".into()]));
        assert_eq!(pending.transcripts.iter().collect::<Vec<_>>(), ["/p/a.jsonl", "/p/b.jsonl"]);
        assert!(!pending.everything);
        pending.add(Change::Transcripts((0..MAX_NAMED).map(|i| format!("/p/{i}.jsonl").into()).collect()));
        assert!(pending.everything && pending.transcripts.is_empty());
        pending.add(Change::Transcripts(vec!["/p/c.jsonl".into()]));
        assert!(pending.everything && pending.transcripts.is_empty());

        let mut pending = Pending::default();
        pending.add(Change::Transcripts(vec!["/p/a.jsonl".into()]));
        pending.add(Change::Everything);
        assert!(pending.everything && pending.transcripts.is_empty());
    }
}
