//! `GET /api/sync/preview`: what a sync would read, with estimates from scanning the pending
//! bytes. Reads files, writes nothing.

use std::path::PathBuf;

use cc_analytics_core::MessageCapture;
use cc_analytics_core::api::{PendingFile, SyncPreview};
use cc_analytics_core::time::format_utc;

use super::plan::plan;
use crate::discover;
use crate::read::read_all;
use crate::store::{Store, StoreError};

/// The pending files and what they would add.
pub fn preview(store: &Store, claude_dirs: &[PathBuf]) -> Result<SyncPreview, StoreError> {
    let found = discover::transcripts(claude_dirs);
    let (planned, _) = plan(&found.transcripts, &store.positions()?, false);
    let mut preview = SyncPreview::default();
    let mut new_sessions = std::collections::HashSet::new();
    for file in &planned {
        let (analyzer, _) = read_all(std::slice::from_ref(&file.task), &MessageCapture::None, None);
        let (records, _, _) = analyzer.into_records();
        let (mut sessions, mut messages) = (std::collections::HashSet::new(), 0u64);
        for record in records.into_records() {
            if store.contains(&record.key())? {
                continue;
            }
            messages += u64::from(record.is_message());
            if let Some(session) = record.session() {
                if !store.has_session(session)? {
                    sessions.insert(session.to_owned());
                }
            }
        }
        preview.pending_files.push(PendingFile {
            path: file.task.path.to_string_lossy().into_owned(),
            last_modified: format_utc(file.modified),
            estimated_sessions: sessions.len() as u64,
            estimated_messages: messages,
        });
        preview.estimated_new_messages += messages;
        new_sessions.extend(sessions);
    }
    preview.total_pending_files = preview.pending_files.len() as u64;
    preview.estimated_new_sessions = new_sessions.len() as u64;
    Ok(preview)
}
