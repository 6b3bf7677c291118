//! Push-style ingest: bytes of transcript files in (any chunking, any file order), a [`Dataset`]
//! out. [`Analyzer::push`] splits lines and records facts; [`Analyzer::finish`] applies the
//! accounting rules that need every line at once (replays, titles, session fields).
//!
//! [`Dataset`]: crate::Dataset

mod analyzer;
mod api_id;
mod build;
mod facts;
mod line_id;
mod record;
mod strings;
mod update;

pub use analyzer::{Analysis, Analyzer, IngestStats, LineError, MAX_LINE_BYTES, MessageCapture};
pub use record::{DatasetBuilder, DecodeError, RECORD_FORMAT, Record, RecordSet};
pub use update::{Links, with_sessions_rebuilt};
