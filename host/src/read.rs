//! Reading transcripts into the core: files streamed in fixed-size chunks, spread over one
//! analyzer per core, merged at the end. Nothing holds a whole file in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use cc_analytics_core::{Analyzer, MessageCapture};

use crate::discover::Stat;
use crate::sync::Progress;

/// Bytes read from a file at a time. A line cut by the end of a chunk is copied into the
/// analyzer's pending line, and lines of megabytes (base64 images, long tool results) are common
/// enough that 4 MiB chunks took 3–5% off a one-shot's CPU time against 1 MiB; smaller chunks
/// were slower still (benches/RESULTS.md).
const CHUNK: usize = 4 << 20;

/// One file to read, possibly from the middle.
#[derive(Debug, Clone)]
pub struct ReadTask {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its name for the core (path below `projects/`).
    pub name: String,
    /// Byte offset to start at (just after a newline, or 0).
    pub from: u64,
    /// Lines before `from`.
    pub lines_before: u32,
    /// Leave an unfinished last line unread (incremental sync) instead of reading it (one-shot).
    pub whole_lines_only: bool,
}

/// What reading one file did.
#[derive(Debug, Clone, Default)]
pub struct ReadOutcome {
    /// Bytes consumed from `from` (up to the end of the last complete line when
    /// `whole_lines_only`).
    pub consumed: u64,
    /// Newlines within the consumed bytes (counted when `whole_lines_only`, for the next read).
    pub lines: u32,
    /// The file's modification time (Unix ms) when the reading ended (when `whole_lines_only`).
    pub modified: i64,
    /// Why the file could not be read (fully).
    pub error: Option<String>,
}

/// Reads every task into one analyzer; outcomes are in task order.
pub fn read_all(
    tasks: &[ReadTask],
    capture: &MessageCapture,
    progress: Option<&Progress>,
) -> (Analyzer, Vec<ReadOutcome>) {
    let shares = on_every_core(tasks, |shared| read_share(shared, capture.clone(), progress));
    let mut merged = Analyzer::new(capture.clone());
    let mut outcomes = vec![ReadOutcome::default(); tasks.len()];
    for (analyzer, done) in shares {
        merged.merge(analyzer);
        for (index, outcome) in done {
            outcomes[index] = outcome;
        }
    }
    (merged, outcomes)
}

/// Items handed out one at a time to the threads of [`on_every_core`].
pub struct Shared<'a, T> {
    items: &'a [T],
    next: AtomicUsize,
}

impl<'a, T> Shared<'a, T> {
    /// The next item no thread has taken yet, with its index.
    pub fn take(&self) -> Option<(usize, &'a T)> {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        self.items.get(index).map(|item| (index, item))
    }
}

/// Runs `share` on one thread per core (no more threads than items), each taking items off one
/// shared list until none are left; returns what each thread returned.
pub fn on_every_core<T: Sync, R: Send>(items: &[T], share: impl Fn(&Shared<'_, T>) -> R + Sync) -> Vec<R> {
    let shared = Shared { items, next: AtomicUsize::new(0) };
    let workers = thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(|| share(&shared))).collect();
        handles.into_iter().map(|h| h.join().expect("worker thread panicked")).collect()
    })
}

/// Takes files off the shared list until none are left.
fn read_share(
    tasks: &Shared<'_, ReadTask>,
    capture: MessageCapture,
    progress: Option<&Progress>,
) -> (Analyzer, Vec<(usize, ReadOutcome)>) {
    let mut analyzer = Analyzer::new(capture);
    let mut outcomes = Vec::new();
    let mut buffer = vec![0u8; CHUNK];
    while let Some((index, task)) = tasks.take() {
        outcomes.push((index, read_task(&mut analyzer, task, &mut buffer, progress)));
    }
    (analyzer, outcomes)
}

/// Reads one task into an analyzer of its own, on this thread, through `buffer` (sized here once,
/// then reused by the caller's next reads).
pub fn read_one(task: &ReadTask, capture: &MessageCapture, buffer: &mut Vec<u8>) -> (Analyzer, ReadOutcome) {
    buffer.resize(CHUNK, 0);
    let mut analyzer = Analyzer::new(capture.clone());
    let outcome = read_task(&mut analyzer, task, buffer, None);
    (analyzer, outcome)
}

fn read_task(analyzer: &mut Analyzer, task: &ReadTask, buffer: &mut [u8], progress: Option<&Progress>) -> ReadOutcome {
    let mut outcome = ReadOutcome::default();
    analyzer.resume_file(&task.name, task.lines_before);
    if let Err(e) = read_file(analyzer, task, buffer, &mut outcome, progress) {
        outcome.error = Some(e.to_string());
    }
    if task.whole_lines_only {
        outcome.lines = analyzer.suspend_file(&task.name) - task.lines_before;
    } else {
        analyzer.end_file(&task.name);
    }
    if let Some(progress) = progress {
        progress.file_done();
    }
    outcome
}

fn read_file(
    analyzer: &mut Analyzer,
    task: &ReadTask,
    buffer: &mut [u8],
    outcome: &mut ReadOutcome,
    progress: Option<&Progress>,
) -> std::io::Result<()> {
    let mut file = File::open(&task.path)?;
    if task.from > 0 {
        file.seek(SeekFrom::Start(task.from))?;
    }
    let mut read = 0u64;
    loop {
        let n = match file.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buffer[..n];
        analyzer.push(&task.name, chunk);
        if let Some(last) = memchr::memrchr(b'\n', chunk) {
            outcome.consumed = read + last as u64 + 1;
        }
        read += n as u64;
        if let Some(progress) = progress {
            progress.bytes(n as u64);
        }
    }
    if task.whole_lines_only {
        // For the position a sync keeps: an append after this is growth, not a rewrite.
        outcome.modified = Stat::of(&file.metadata()?).modified;
    } else {
        outcome.consumed = read;
    }
    Ok(())
}
