//! The running program behind the API and the CLI: the database, the in-memory index answering
//! analytics, and sync control (one sync at a time, in the background, with live events).

mod index;
mod runs;

use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use cc_analytics_core::api::{DatabaseStats, SyncPreview, SyncRequest, SyncRun, SyncStatus};
use cc_analytics_core::chrono_tz::Tz;
use cc_analytics_core::{ApiError, PriceTable, QueryContext, Reply, answer_with, reads_clock};
use tokio::sync::broadcast;

pub use index::Index;
use index::{Span, StoredConversations};
use runs::{finished_run, human_size, now_ms, status_after};

use crate::server::backend::{Backend, Event};
use crate::store::{Store, StoreError};
use crate::sync::{self, Progress, Scope, SyncOptions, SyncReport};

/// How long a day is, in milliseconds.
const DAY_MS: i64 = 86_400_000;
/// How often a running sync reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// The nice value of threads syncing behind a server.
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 10;

/// Puts the calling thread (and the threads it starts, which inherit it) behind the server's
/// threads when they compete for the CPU: syncs that `serve` runs in the background then leave
/// the cores to the requests answered meanwhile. Linux only, where the nice value is per thread
/// (elsewhere it would slow the whole server). Best effort: a refusal leaves it as it was.
pub fn run_in_background() {
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, BACKGROUND_NICE);
}

/// What the program was started with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Claude dirs to sync from.
    pub claude_dirs: Vec<PathBuf>,
    /// Prices (built-in plus the user's file).
    pub prices: PriceTable,
    /// The machine's zone: the default for dates.
    pub zone: Tz,
    /// Sessions that ended longer ago than this are deleted after each sync; `None` keeps all.
    pub retention_days: Option<u64>,
}

/// Sync bookkeeping.
#[derive(Debug, Default)]
struct Runner {
    /// The id of the sync in flight.
    running: Option<String>,
    last: Option<SyncRun>,
    /// The last dry run, kept in memory only.
    last_dry_run: Option<SyncRun>,
}

/// The program's state, shared by the server's tasks and the sync thread.
pub struct App {
    /// This app, for the threads it starts.
    me: Weak<App>,
    store: Store,
    settings: Settings,
    /// Loaded on first use, then kept current by every sync that changes data.
    index: RwLock<Option<Arc<Index>>>,
    runner: Mutex<Runner>,
    progress: Progress,
    events: broadcast::Sender<Event>,
}

impl App {
    /// Opens the program's state over an opened database.
    pub fn new(store: Store, settings: Settings) -> Result<Arc<App>, StoreError> {
        let last = store.last_run()?.and_then(|json| serde_json::from_slice(&json).ok());
        let (events, _) = broadcast::channel(64);
        Ok(Arc::new_cyclic(|me| App {
            me: me.clone(),
            store,
            settings,
            index: RwLock::new(None),
            runner: Mutex::new(Runner { running: None, last, last_dry_run: None }),
            progress: Progress::default(),
            events,
        }))
    }

    /// The current index (a snapshot: a sync swapping in a new one does not disturb it).
    pub fn index(&self) -> Result<Arc<Index>, StoreError> {
        if let Some(index) = self.index.read().expect("index lock").as_ref() {
            return Ok(index.clone());
        }
        let mut slot = self.index.write().expect("index lock");
        if let Some(index) = slot.as_ref() {
            return Ok(index.clone());
        }
        let index = Arc::new(Index::load(&self.store, &self.settings.prices)?);
        *slot = Some(index.clone());
        Ok(index)
    }

    /// Answers an analytics request from the index (conversations from the database). A reply
    /// is kept for as long as the index, or for its second of the clock when it reads the clock
    /// (see [`index::Replies`]).
    pub fn analytics(&self, target: &str) -> Arc<Reply> {
        let index = match self.index_or_error() {
            Ok(index) => index,
            Err(reply) => return Arc::new(reply),
        };
        let span = span_of(target);
        let answered = index.replies.get(span, target, || self.answer_in(&index, target, span));
        self.compute_ahead(&index, target, span, answered.ahead);
        answered.reply
    }

    /// Answers `target` for `span`: with the clock at the start of its second, or as it is now
    /// for an answer that does not read it.
    fn answer_in(&self, index: &Index, target: &str, span: Span) -> Reply {
        let now = match span {
            Span::Index => now_ms(),
            Span::Second(second) => second * 1000,
        };
        self.answer(index, target, &QueryContext { now, default_zone: self.settings.zone })
    }

    /// Fills `ahead`, the cell of `target` for the second after `span`'s, on a thread of its own.
    /// Should that thread not start, the first request of that second computes the reply.
    fn compute_ahead(&self, index: &Arc<Index>, target: &str, span: Span, ahead: Option<index::Cell>) {
        let (Some(cell), Some(app), Span::Second(second)) = (ahead, self.me.upgrade(), span) else { return };
        let (index, target) = (index.clone(), target.to_owned());
        let _ = std::thread::Builder::new().name("reply-ahead".into()).spawn(move || {
            cell.get_or_init(|| Arc::new(app.answer_in(&index, &target, Span::Second(second + 1))));
        });
    }

    /// [`App::analytics`] with an explicit clock and default zone.
    pub fn analytics_at(&self, target: &str, context: &QueryContext) -> Reply {
        match self.index_or_error() {
            Ok(index) => self.answer(&index, target, context),
            Err(reply) => reply,
        }
    }

    /// The index, or the API's reply to a database that cannot be read.
    fn index_or_error(&self) -> Result<Arc<Index>, Reply> {
        self.index().map_err(|e| Reply::error(&database(e)))
    }

    fn answer(&self, index: &Index, target: &str, context: &QueryContext) -> Reply {
        let conversations = StoredConversations { store: &self.store, prices: &self.settings.prices };
        answer_with(&index.dataset, target, context, &conversations)
    }

    /// `GET /api/sync/status`.
    pub fn status(&self) -> SyncStatus {
        let runner = self.runner.lock().expect("runner lock");
        let mut status = runner.last.as_ref().map(status_after).unwrap_or_default();
        status.last_dry_run.clone_from(&runner.last_dry_run);
        if let Some(id) = &runner.running {
            status.is_running = true;
            status.sync_id = Some(id.clone());
            status.progress = Some(self.progress.snapshot());
        }
        status
    }

    /// `GET /api/sync/preview`.
    pub fn preview(&self) -> Result<SyncPreview, ApiError> {
        sync::preview(&self.store, &self.settings.claude_dirs).map_err(database)
    }

    /// `GET /api/sync/stats`.
    pub fn stats(&self) -> Result<DatabaseStats, ApiError> {
        let index = self.index().map_err(database)?;
        let sessions = &index.dataset.sessions;
        let oldest = sessions.iter().min_by_key(|s| s.start()).map(|s| s.session.start_time);
        let newest = sessions.iter().max_by_key(|s| s.start()).map(|s| s.session.start_time);
        let bytes = self.store.size_bytes();
        Ok(DatabaseStats {
            total_sessions: sessions.len() as u64,
            total_messages: index.dataset.messages(),
            oldest_session: oldest,
            newest_session: newest,
            database_size: human_size(bytes),
            database_size_bytes: bytes,
            retention_days: self.settings.retention_days,
        })
    }

    /// The size of the database file, for people, closing the database when this is the last
    /// reference to the app: then it is the size at rest, without the free pages syncs leave
    /// at the file's end while it is open.
    pub fn close(self: Arc<Self>) -> String {
        human_size(match Arc::try_unwrap(self) {
            Ok(app) => app.store.close(),
            Err(app) => app.store.size_bytes(),
        })
    }

    /// `POST /api/sync/reset`.
    pub fn reset(&self) -> Result<(), ApiError> {
        let runner = self.runner.lock().expect("runner lock");
        if runner.running.is_some() {
            return Err(ApiError::SyncInProgress);
        }
        self.store.reset().map_err(database)
    }

    /// Live events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// `POST /api/sync/run`: starts a sync on its own thread and returns its id at once.
    pub fn start_sync(&self, request: SyncRequest) -> Result<String, ApiError> {
        let app = self.me.upgrade().ok_or_else(|| ApiError::Internal("shutting down".to_owned()))?;
        let id = self.claim()?;
        let options = SyncOptions { full: !request.incremental, dry_run: request.dry_run };
        let sync_id = id.clone();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                run_in_background();
                let _ = app.run_claimed(&sync_id, Scope::Everything, options);
            })
            .map_err(|e| ApiError::Internal(format!("could not start the sync: {e}")))?;
        Ok(id)
    }

    /// Runs one sync of the transcripts in `scope` now, on this thread (the CLI, and `serve` on
    /// file changes).
    pub fn sync_now(&self, scope: Scope<'_>, options: SyncOptions) -> Result<SyncReport, ApiError> {
        let id = self.claim()?;
        self.run_claimed(&id, scope, options)
    }

    /// Marks a sync as running, or refuses with 409.
    fn claim(&self) -> Result<String, ApiError> {
        let mut runner = self.runner.lock().expect("runner lock");
        if runner.running.is_some() {
            return Err(ApiError::SyncInProgress);
        }
        let id = uuid::Uuid::new_v4().to_string();
        runner.running = Some(id.clone());
        Ok(id)
    }

    fn run_claimed(&self, id: &str, scope: Scope<'_>, options: SyncOptions) -> Result<SyncReport, ApiError> {
        let started = Instant::now();
        let started_ms = now_ms();
        let result = std::thread::scope(|threads| {
            let (done, finished) = std::sync::mpsc::channel::<()>();
            threads.spawn(move || self.tick_progress(&finished));
            let result = self.sync_and_refresh(scope, options);
            drop(done);
            result
        });
        let run = finished_run(id, started_ms, started.elapsed().as_millis() as u64, &result);
        if !options.dry_run {
            if let Ok(json) = serde_json::to_vec(&run) {
                let _ = self.store.add_run(started_ms, &json);
            }
        }
        let status = {
            let mut runner = self.runner.lock().expect("runner lock");
            runner.running = None;
            if options.dry_run {
                runner.last_dry_run = Some(run);
            } else {
                runner.last = Some(run);
            }
            drop(runner);
            self.status()
        };
        let _ = self.events.send(Event::SyncFinished(status));
        result.map_err(database)
    }

    fn sync_and_refresh(&self, scope: Scope<'_>, options: SyncOptions) -> Result<SyncReport, StoreError> {
        // The index as it was before this sync (the only writer) changed anything.
        let before = self.index.read().expect("index lock").clone();
        let report = sync::run(&self.store, &self.settings.claude_dirs, scope, options, &self.progress)?;
        if options.dry_run {
            return Ok(report);
        }
        if let Err(error) = self.refresh(before, &report) {
            // The sync is committed but the index may not show it: the next request loads one.
            *self.index.write().expect("index lock") = None;
            let _ = self.events.send(Event::DataChanged);
            return Err(error);
        }
        Ok(report)
    }

    /// Brings the index up to the data a committed sync left (`before` is the index as it was
    /// before), purges expired sessions, and tells live clients when anything changed.
    fn refresh(&self, before: Option<Arc<Index>>, report: &SyncReport) -> Result<(), StoreError> {
        let prices = &self.settings.prices;
        let mut changed = !report.changes.is_empty();
        // An index of the data as it is now, once one was made.
        let mut current = match (&before, changed) {
            (Some(index), true) => Some(Arc::new(index.updated(&self.store, prices, &report.changes)?)),
            _ => None,
        };
        if let Some(days) = self.settings.retention_days {
            let cutoff = now_ms() - days as i64 * DAY_MS;
            // Session ends as they are now: a session this sync extended must not look expired.
            let index = match &current {
                Some(index) => index.clone(),
                None if changed => {
                    let index = Arc::new(Index::load(&self.store, prices)?);
                    current = Some(index.clone());
                    index
                }
                None => self.index()?,
            };
            let expired: Vec<String> =
                index.dataset.sessions.iter().filter(|s| s.end() < cutoff).map(|s| s.session.id.clone()).collect();
            if !expired.is_empty() && self.store.purge(&expired)? > 0 {
                changed = true;
                current = None;
            }
        }
        if changed {
            let loaded = self.index.read().expect("index lock").is_some();
            if loaded || current.is_some() {
                let index = match current {
                    Some(index) => index,
                    None => Arc::new(Index::load(&self.store, prices)?),
                };
                *self.index.write().expect("index lock") = Some(index);
            }
            let _ = self.events.send(Event::DataChanged);
        }
        Ok(())
    }

    /// Sends a `sync-progress` event every quarter second until `finished` hangs up.
    fn tick_progress(&self, finished: &std::sync::mpsc::Receiver<()>) {
        while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(PROGRESS_EVERY) {
            let _ = self.events.send(Event::SyncProgress(self.status()));
        }
    }
}

impl Backend for App {
    fn analytics(&self, target: &str) -> Arc<Reply> {
        App::analytics(self, target)
    }

    fn analytics_ready(&self, target: &str) -> Option<Arc<Reply>> {
        let index = self.index.try_read().ok()?.as_ref()?.clone();
        let span = span_of(target);
        let answered = index.replies.ready(span, target)?;
        self.compute_ahead(&index, target, span, answered.ahead);
        Some(answered.reply)
    }

    fn sync_status(&self) -> SyncStatus {
        self.status()
    }

    fn sync_preview(&self) -> Result<SyncPreview, ApiError> {
        self.preview()
    }

    fn sync_stats(&self) -> Result<DatabaseStats, ApiError> {
        self.stats()
    }

    fn start_sync(&self, request: SyncRequest) -> Result<String, ApiError> {
        App::start_sync(self, request)
    }

    fn reset(&self) -> Result<(), ApiError> {
        App::reset(self)
    }

    fn events(&self) -> broadcast::Receiver<Event> {
        self.subscribe()
    }

    fn sources(&self) -> Vec<String> {
        self.settings.claude_dirs.iter().map(|d| d.join("projects").display().to_string()).collect()
    }
}

/// Storage failures answer 500 `DATABASE_ERROR` with their cause (the storage engine's words, such
/// as "No space left on device"; never a path or a backtrace).
fn database(error: StoreError) -> ApiError {
    tracing::error!(%error, "storage failed");
    ApiError::Database(format!("The database could not complete the request: {}", error.cause()))
}

/// How long the reply to `target` asked for now holds: as long as the index, or this second of
/// the clock for an answer that reads it.
fn span_of(target: &str) -> Span {
    if reads_clock(target) { Span::Second(now_ms().div_euclid(1000)) } else { Span::Index }
}
