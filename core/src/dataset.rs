//! The analysed data the queries read: sessions with their published fields, and the
//! deduplicated responses, tool calls and rate-limit events, each tied to its session.

use std::sync::Arc;

use crate::api;
use crate::time::Millis;

/// Everything the analytics endpoints answer from.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Sessions, ordered by id.
    pub sessions: Vec<SessionRecord>,
    /// Counted API responses, ordered by timestamp (at the same instant, by session, then in
    /// line order).
    pub responses: Vec<ResponseRecord>,
    /// Tool calls of counted responses, each `tool_use` once.
    pub tool_calls: Vec<ToolCallRecord>,
    /// `<synthetic>` rate-limit events.
    pub rate_limits: Vec<RateLimitRecord>,
}

/// A session: its API object plus what filters and sorting need.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The published fields (whole-session figures). `model` is the string its responses share.
    pub session: api::Session,
    /// Exact cost in pico-dollars.
    pub cost: u64,
    /// Its title is a summary's.
    pub summary_title: bool,
    /// Its user lines: with its responses, the messages of its conversation.
    pub user_lines: u64,
    /// Every activity instant (user, assistant and system lines), sorted, without repeats.
    pub activity: Vec<Millis>,
    /// The conversation, when it was captured.
    pub messages: Option<Vec<api::Message>>,
}

/// One deduplicated API response.
#[derive(Debug, Clone)]
pub struct ResponseRecord {
    /// Index into [`Dataset::sessions`].
    pub session: u32,
    /// Its earliest line's timestamp.
    pub timestamp: Millis,
    /// The model id as written.
    pub model: Arc<str>,
    /// Token counts of the winning line.
    pub tokens: Tokens,
    /// Cost in pico-dollars.
    pub cost: u64,
    /// The model had a price (or the line carried `costUSD`).
    pub priced: bool,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Input tokens.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Cache writes (5-minute and 1-hour).
    pub cache_creation: u64,
    /// Cache reads.
    pub cache_read: u64,
}

impl Tokens {
    /// All four counts added up.
    pub fn with_cache(&self) -> u64 {
        self.input.saturating_add(self.output).saturating_add(self.cache_creation).saturating_add(self.cache_read)
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &Tokens) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.cache_creation = self.cache_creation.saturating_add(other.cache_creation);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
    }
}

/// One tool call.
#[derive(Debug, Clone)]
pub struct ToolCallRecord {
    /// Index into [`Dataset::responses`] of the response that made it.
    pub response: u32,
    /// The tool's name (MCP tools keep `mcp__server__tool`).
    pub tool: Arc<str>,
    /// Its result was an error.
    pub is_error: bool,
}

/// One rate-limit event.
#[derive(Debug, Clone)]
pub struct RateLimitRecord {
    /// Index into [`Dataset::sessions`].
    pub session: u32,
    /// When it happened.
    pub timestamp: Millis,
}

impl SessionRecord {
    /// `startTime` in milliseconds.
    pub fn start(&self) -> Millis {
        self.session.start_time.0
    }

    /// `endTime` in milliseconds.
    pub fn end(&self) -> Millis {
        self.session.end_time.0
    }
}

impl Dataset {
    /// Messages of every conversation: one per user line and one per counted response
    /// (ACCOUNTING.md "Messages"; a sidechain replay is not one).
    pub fn messages(&self) -> u64 {
        self.sessions.iter().map(|s| s.user_lines + s.session.responses).sum()
    }

    /// The session with this id.
    pub fn session(&self, id: &str) -> Option<&SessionRecord> {
        self.sessions.binary_search_by(|s| s.session.id.as_str().cmp(id)).ok().map(|i| &self.sessions[i])
    }
}
