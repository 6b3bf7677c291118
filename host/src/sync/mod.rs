//! One sync: find the transcripts, read what is new since the last sync (only whole lines), merge
//! the records into the database and move the file positions. A crash at any instant, or a
//! failed sync, leaves either the previous state or the new one: the batches are committed as
//! checkpoints that only the last, durable, commit makes permanent.

mod plan;
mod preview;
mod progress;

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use cc_analytics_core::{LineError, MessageCapture};

pub use preview::preview;
pub use progress::Progress;

use crate::discover;
use crate::read::read_all;
use crate::store::{Changes, MergeStats, Store, StoreError};

/// Bytes read between two merges into the write transaction (bounds memory on a first sync).
const BATCH_BYTES: u64 = 128 << 20;

/// Most bytes of the last batch: it is read while the previous one is written, and then merged
/// and committed alone, once the readers are done, so it is kept small.
const LAST_BATCH_BYTES: u64 = 16 << 20;

/// How to sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Re-read every file from the start.
    pub full: bool,
    /// Compute everything, store nothing.
    pub dry_run: bool,
}

/// Which transcripts a sync looks at.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every transcript of the Claude dirs.
    Everything,
    /// The transcripts among these paths (named by file notifications); the others are not
    /// even looked at, which spares listing and comparing every file of a large history.
    Among(&'a [PathBuf]),
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Files read (new, grown or rewritten).
    pub files_processed: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Sessions and messages added.
    pub added: MergeStats,
    /// What changed in the stored records (nothing on a dry run).
    pub changes: Changes,
    /// Lines that could not be read.
    pub line_errors: Vec<LineError>,
    /// `(path, reason)` of files and folders that could not be read.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl SyncReport {
    /// Line errors and unreadable files.
    pub fn errors(&self) -> u64 {
        (self.line_errors.len() + self.unreadable.len()) as u64
    }
}

/// Runs one sync of the transcripts of `claude_dirs` in `scope` into `store`.
pub fn run(
    store: &Store,
    claude_dirs: &[PathBuf],
    scope: Scope<'_>,
    options: SyncOptions,
    progress: &Progress,
) -> Result<SyncReport, StoreError> {
    let (found, positions) = match scope {
        Scope::Everything => (discover::transcripts(claude_dirs), store.positions()?),
        Scope::Among(paths) => {
            let found = discover::among(claude_dirs, paths);
            let positions = store.positions_of(found.transcripts.iter().map(|t| plan::key(&t.path)))?;
            (found, positions)
        }
    };
    let (planned, unreadable) = plan::plan(&found.transcripts, &positions, options.full);
    let mut report = SyncReport { unreadable: found.errors, ..SyncReport::default() };
    report.unreadable.extend(unreadable);
    let total: u64 = planned.iter().map(|p| p.size - p.task.from).sum();
    progress.start(planned.len() as u64, total);

    let batches = batches(&planned);
    // Each batch but the last is checkpointed, so that the commit at the end writes only the
    // last one's pages; a dry run keeps everything in one transaction, to abort it.
    let mut writer = match options.dry_run || batches.len() < 2 {
        true => store.writer()?,
        false => store.checkpointed_writer()?,
    };
    // One thread reads (itself on every core) while this one encodes the previous batch's
    // records and merges them into the transaction: parsing and writing overlap, and at most
    // two batches are in memory. (Encoding here rather than on the reading thread lets the
    // readers start on the next batch at once; the merges leave this thread time for it.)
    thread::scope(|scope| -> Result<(), StoreError> {
        let (send, receive) = mpsc::sync_channel(0);
        let batches = &batches;
        scope.spawn(move || {
            for &batch in batches {
                let tasks: Vec<_> = batch.iter().map(|p| p.task.clone()).collect();
                let (analyzer, outcomes) = read_all(&tasks, &MessageCapture::All, Some(progress));
                let (records, line_errors, stats) = analyzer.into_records();
                if send.send((batch, (records, line_errors, stats), outcomes)).is_err() {
                    break;
                }
            }
        });
        for (number, (batch, (records, line_errors, stats), outcomes)) in receive.into_iter().enumerate() {
            let added = writer.merge(records)?;
            report.added.sessions_added += added.sessions_added;
            report.added.messages_added += added.messages_added;
            report.line_errors.extend(line_errors);
            report.bytes_read += stats.bytes;
            for (planned, outcome) in batch.iter().zip(outcomes) {
                report.files_processed += 1;
                if let Some(error) = outcome.error {
                    report.unreadable.push((planned.task.path.clone(), error));
                    continue;
                }
                match plan::advanced(planned, outcome.consumed, outcome.lines, outcome.modified) {
                    Ok(position) => writer.set_position(&plan::key(&planned.task.path), &position)?,
                    Err(e) => report.unreadable.push((planned.task.path.clone(), e.to_string())),
                }
            }
            if number + 1 < batches.len() {
                writer.checkpoint()?;
            }
        }
        Ok(())
    })?;
    if options.dry_run {
        writer.abort()?;
    } else {
        report.changes = writer.take_changes();
        writer.commit()?;
    }
    Ok(report)
}

/// Consecutive slices of about [`BATCH_BYTES`] to read, but for the files at the end that fit in
/// [`LAST_BATCH_BYTES`], which make the last batch.
fn batches(planned: &[plan::Planned]) -> Vec<&[plan::Planned]> {
    let bytes_of = |p: &plan::Planned| p.size - p.task.from;
    let mut last = planned.len();
    let mut tail = 0;
    while let Some(p) = last.checked_sub(1).map(|i| &planned[i]) {
        if tail + bytes_of(p) > LAST_BATCH_BYTES {
            break;
        }
        tail += bytes_of(p);
        last -= 1;
    }
    let (head, tail) = planned.split_at(last);
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, p) in head.iter().enumerate() {
        bytes += bytes_of(p);
        if bytes >= BATCH_BYTES {
            out.push(&head[start..=i]);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < head.len() {
        out.push(&head[start..]);
    }
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::ReadTask;

    fn planned(mb: u64) -> plan::Planned {
        let task =
            ReadTask { path: PathBuf::new(), name: String::new(), from: 0, lines_before: 0, whole_lines_only: true };
        plan::Planned { task, size: mb << 20, modified: 0 }
    }

    #[test]
    fn batches_fill_up_to_their_size_and_the_last_is_small() {
        let sizes = |batches: Vec<&[plan::Planned]>| -> Vec<u64> {
            batches.iter().map(|batch| batch.iter().map(|p| p.size >> 20).sum()).collect()
        };
        let files: Vec<_> = [100, 30, 50, 90, 20, 10, 5, 4].map(planned).into();
        assert_eq!(sizes(batches(&files)), [130, 140, 30, 9]);
        let files: Vec<_> = [60, 70, 20].map(planned).into();
        assert_eq!(sizes(batches(&files)), [130, 20], "a last file past the last batch's size ends a batch of its own");
        let files: Vec<_> = [3, 4, 5].map(planned).into();
        assert_eq!(sizes(batches(&files)), [12], "a small sync is one batch");
        assert!(batches(&[]).is_empty());
    }
}
