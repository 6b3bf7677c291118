//! One-shot analysis: every transcript of the Claude dirs read from the start, straight into the
//! core (no database).

use std::path::PathBuf;

use cc_analytics_core::{Analysis, MessageCapture, PriceTable};

use crate::discover;
use crate::read::{ReadTask, read_all};

/// An analysis plus the files and folders that could not be read.
pub struct Loaded {
    /// The analysis.
    pub analysis: Analysis,
    /// `(path, reason)` of unreadable files and folders.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Reads every transcript of `claude_dirs`.
pub fn load(claude_dirs: &[PathBuf], capture: MessageCapture, prices: &PriceTable) -> Loaded {
    let found = discover::transcripts(claude_dirs);
    let tasks: Vec<ReadTask> = found
        .transcripts
        .into_iter()
        .map(|t| ReadTask { path: t.path, name: t.name, from: 0, lines_before: 0, whole_lines_only: false })
        .collect();
    let (analyzer, outcomes) = read_all(&tasks, &capture, None);
    let mut unreadable = found.errors;
    unreadable.extend(tasks.iter().zip(outcomes).filter_map(|(t, o)| o.error.map(|e| (t.path.clone(), e))));
    unreadable.sort();
    Loaded { analysis: analyzer.finish(prices), unreadable }
}
