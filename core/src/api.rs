//! The one serialisable boundary: plain structs whose JSON is exactly the API of `API.md`,
//! shared by the host, the wasm build and the CLI. Field meanings are API.md's.
#![allow(missing_docs)]

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{Millis, format_utc, parse_timestamp};

/// A session (`Session` in API.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    /// Shared by the sessions of a project, like the model names, branch and version below.
    pub project_path: Arc<str>,
    pub start_time: UtcTime,
    pub end_time: UtcTime,
    pub duration: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub cost: f64,
    pub model: Option<Arc<str>>,
    pub title: Option<String>,
    pub models: Vec<Arc<str>>,
    pub git_branch: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub user_prompts: u64,
    pub responses: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
    pub subagents: u64,
    pub compactions: u64,
}

/// An instant published as `YYYY-MM-DDTHH:MM:SS.sssZ`, kept as milliseconds and formatted
/// when sent (an index holds two per session).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcTime(pub Millis);

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_utc(self.0))
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_timestamp(&text).map(UtcTime).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 timestamp"))
    }
}

/// What a message is (`Message.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A prompt the user typed.
    Prompt,
    /// Tool results sent back to the model.
    ToolResult,
    /// An API response.
    Response,
    /// A line Claude Code wrote itself (`isMeta`).
    Meta,
    /// The summary that replaces a compacted conversation.
    CompactSummary,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A user line.
    User,
    /// An API response.
    Assistant,
}

/// One message of a session's conversation (`Message` in API.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub session_id: String,
    pub timestamp: String,
    pub role: Role,
    pub content: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub kind: MessageKind,
    pub model: Option<String>,
    pub is_sidechain: bool,
    pub agent_id: Option<String>,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub cost: f64,
}

/// `GET /api/analytics/sessions/:id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub session: Session,
    pub messages: Vec<Message>,
}

/// `{model, count, percentage}` of the overview's `topModels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopModel {
    pub model: String,
    pub count: u64,
    pub percentage: f64,
}

/// `{from, to}` of the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

/// `GET /api/analytics/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub total_sessions: u64,
    pub total_cost: f64,
    pub total_tokens: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub tokens_with_cache: u64,
    pub avg_session_duration: u64,
    pub top_models: Vec<TopModel>,
    pub date_range: Option<DateRange>,
    pub total_responses: u64,
    pub total_tool_calls: u64,
    pub cache_hit_rate: f64,
    pub unpriced_models: Vec<String>,
    pub rate_limit_hits: u64,
}

/// `pagination` of the sessions list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
    pub has_more: bool,
}

/// `GET /api/analytics/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    pub sessions: Vec<Session>,
    pub pagination: Pagination,
}

/// `{model, cost, tokens}` of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCost {
    pub model: String,
    pub cost: f64,
    pub tokens: u64,
}

/// One row of `GET /api/analytics/daily-usage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyUsage {
    pub date: String,
    pub sessions: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost: f64,
    pub avg_duration: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub responses: u64,
    pub models: Vec<ModelCost>,
}

/// One row of `GET /api/analytics/model-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelUsage {
    pub model: String,
    pub count: u64,
    pub percentage: f64,
    pub total_cost: f64,
    pub total_tokens: u64,
    pub responses: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
}

/// One row of `GET /api/analytics/tool-usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolUsage {
    pub tool: String,
    pub count: u64,
    pub percentage: f64,
    pub errors: u64,
    pub sessions: u64,
}

/// One row of `GET /api/analytics/projects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectUsage {
    pub project_path: String,
    pub sessions: u64,
    pub responses: u64,
    pub cost: f64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub tokens_with_cache: u64,
    pub last_activity: String,
    pub models: Vec<String>,
}

/// One cell of `GET /api/analytics/heatmap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeatCell {
    pub weekday: u32,
    pub hour: u32,
    pub responses: u64,
    pub cost: f64,
    pub tokens_with_cache: u64,
}

/// `burnRate` of the active block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BurnRate {
    pub tokens_per_minute: f64,
    pub cost_per_hour: f64,
}

/// `projection` of the active block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    pub tokens_with_cache: u64,
    pub cost: f64,
    pub remaining_minutes: u64,
}

/// One 5-hour window of `GET /api/analytics/blocks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageBlock {
    pub id: String,
    pub start_time: String,
    pub end_time: String,
    pub last_activity: String,
    pub is_active: bool,
    pub responses: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub tokens_with_cache: u64,
    pub cost: f64,
    pub models: Vec<String>,
    pub burn_rate: Option<BurnRate>,
    pub projection: Option<Projection>,
}

/// `lastSyncStats` of the sync status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRunStats {
    pub files_processed: u64,
    pub sessions_added: u64,
    pub messages_added: u64,
    pub errors: u64,
}

/// A finished sync: as the host keeps its history, and (+) `lastDryRun` of the sync status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRun {
    pub sync_id: String,
    /// When it finished (ISO 8601 UTC).
    pub finished: String,
    /// How long it took, ms.
    pub duration: u64,
    /// What it did (a dry run: what it would have done).
    pub stats: SyncRunStats,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// `progress` of a running sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// `GET /api/sync/status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub last_sync: Option<String>,
    pub is_running: bool,
    /// Milliseconds; 0 (and `lastSyncStats` all 0) before the first sync, when `lastSync` is null.
    pub last_sync_duration: u64,
    pub last_sync_stats: SyncRunStats,
    pub progress: Option<SyncProgress>,
    pub last_error: Option<String>,
    pub sync_id: Option<String>,
    /// (+) The last dry run since the program started (a dry run stores nothing, so it is not
    /// kept across restarts), or null.
    pub last_dry_run: Option<SyncRun>,
}

/// One file of `GET /api/sync/preview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingFile {
    pub path: String,
    pub last_modified: String,
    pub estimated_sessions: u64,
    pub estimated_messages: u64,
}

/// `GET /api/sync/preview`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    pub pending_files: Vec<PendingFile>,
    pub total_pending_files: u64,
    pub estimated_new_sessions: u64,
    pub estimated_new_messages: u64,
}

/// `GET /api/sync/stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseStats {
    pub total_sessions: u64,
    pub total_messages: u64,
    pub oldest_session: Option<UtcTime>,
    pub newest_session: Option<UtcTime>,
    pub database_size: String,
    pub database_size_bytes: u64,
    pub retention_days: Option<u64>,
}

/// `POST /api/sync/run` → 202.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStarted {
    pub started: bool,
    pub sync_id: String,
    pub message: String,
}

/// `POST /api/sync/run` body; both fields optional, an empty body allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncRequest {
    pub incremental: bool,
    pub dry_run: bool,
}

impl Default for SyncRequest {
    fn default() -> Self {
        SyncRequest { incremental: true, dry_run: false }
    }
}
