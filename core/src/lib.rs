//! The pure core of cc-analytics: Claude Code transcript bytes in, API answers out.
//!
//! Feed files to an [`Analyzer`] in chunks of any size and in any order, [`Analyzer::finish`] it
//! into a [`Dataset`], then [`answer`] API requests from it. Nothing here touches the file system,
//! the network, the environment or the clock: the host and the wasm build supply bytes, "now" and
//! the time zone. The accounting rules are those of `ACCOUNTING.md`; the JSON is `API.md`'s.
//!
//! ```
//! use cc_analytics_core::{Analyzer, MessageCapture, PriceTable, QueryContext, answer};
//! let mut analyzer = Analyzer::new(MessageCapture::None);
//! analyzer.push("-home-me/s.jsonl", br#"{"type":"assistant","sessionId":"s","uuid":"a","timestamp":"2025-06-01T10:00:00Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":1000,"output_tokens":100}}}"#);
//! let data = analyzer.finish(&PriceTable::builtin()).dataset;
//! let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
//! let reply = answer(&data, "/api/analytics/overview", &context);
//! assert!(reply.body.contains(r#""totalCost":0.0045"#));
//! ```
#![forbid(unsafe_code)]
#![deny(clippy::disallowed_methods)]

pub mod api;
mod dataset;
mod error;
mod hash;
mod ingest;
pub mod money;
mod parse;
pub mod pricing;
pub mod query;
pub mod time;

pub use chrono_tz;
pub use dataset::{Dataset, RateLimitRecord, ResponseRecord, SessionRecord, Tokens, ToolCallRecord};
pub use error::ApiError;
pub use ingest::{
    Analysis, Analyzer, DatasetBuilder, DecodeError, IngestStats, LineError, Links, MAX_LINE_BYTES, MessageCapture,
    RECORD_FORMAT, Record, RecordSet, with_sessions_rebuilt,
};
pub use parse::{Block, Content, Line, LineKind, Message, parse_line};
pub use pricing::{PriceTable, PricingError};
pub use query::{Conversations, QueryContext, Reply, answer, answer_with, capture_for, is_analytics, reads_clock};
