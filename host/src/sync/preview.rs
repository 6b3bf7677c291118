//! `GET /api/sync/preview`: what a sync would read, with estimates from scanning the pending
//! bytes. Reads files (one at a time on each core), writes nothing.

use std::collections::HashSet;
use std::path::PathBuf;

use cc_analytics_core::MessageCapture;
use cc_analytics_core::api::{PendingFile, SyncPreview};
use cc_analytics_core::time::format_utc;

use super::plan::{Planned, plan};
use crate::discover;
use crate::read::{Shared, on_every_core, read_one};
use crate::store::{Store, StoreError};

/// The pending files and what they would add.
pub fn preview(store: &Store, claude_dirs: &[PathBuf]) -> Result<SyncPreview, StoreError> {
    let found = discover::transcripts(claude_dirs);
    let (planned, _) = plan(&found.transcripts, &store.positions()?, false);
    let shares = on_every_core(&planned, |shared| estimate_share(store, shared));
    let mut estimates: Vec<(usize, Estimate)> = Vec::with_capacity(planned.len());
    for share in shares {
        estimates.extend(share?);
    }
    estimates.sort_unstable_by_key(|(index, _)| *index);

    let mut preview = SyncPreview::default();
    let mut new_sessions = HashSet::new();
    for (index, estimate) in estimates {
        let file = &planned[index];
        preview.pending_files.push(PendingFile {
            path: file.task.path.to_string_lossy().into_owned(),
            last_modified: format_utc(file.modified),
            estimated_sessions: estimate.sessions.len() as u64,
            estimated_messages: estimate.messages,
        });
        preview.estimated_new_messages += estimate.messages;
        new_sessions.extend(estimate.sessions);
    }
    preview.total_pending_files = preview.pending_files.len() as u64;
    preview.estimated_new_sessions = new_sessions.len() as u64;
    Ok(preview)
}

/// What one pending file would add: sessions with no stored record, and messages not stored.
struct Estimate {
    sessions: HashSet<String>,
    messages: u64,
}

/// Takes files off the shared list until none are left, each read on its own.
fn estimate_share(store: &Store, planned: &Shared<'_, Planned>) -> Result<Vec<(usize, Estimate)>, StoreError> {
    let mut lookup = store.lookup()?;
    let mut estimates = Vec::new();
    let mut buffer = Vec::new();
    while let Some((index, file)) = planned.take() {
        let (analyzer, _) = read_one(&file.task, &MessageCapture::None, &mut buffer);
        let (records, _, _) = analyzer.into_records();
        let mut estimate = Estimate { sessions: HashSet::new(), messages: 0 };
        for record in records.into_records() {
            if lookup.contains(&record.key())? {
                continue;
            }
            estimate.messages += u64::from(record.is_message());
            if let Some(session) = record.session() {
                if !lookup.has_session(session)? {
                    estimate.sessions.insert(session.to_owned());
                }
            }
        }
        estimates.push((index, estimate));
    }
    Ok(estimates)
}
