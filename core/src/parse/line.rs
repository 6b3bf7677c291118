//! One transcript line into a [`Line`]: the fields the accounting needs, borrowed from the input
//! where the JSON has no escapes. Unknown types and fields are ignored; a line that is not a JSON
//! object, or whose known fields have the wrong types, is an error with a reason.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::pricing::BilledUsage;
use crate::time::{Millis, parse_timestamp};

/// The line types the accounting reads; everything else is [`LineKind::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `type: "user"`.
    User,
    /// `type: "assistant"`.
    Assistant,
    /// `type: "system"`.
    System,
    /// `type: "summary"`: `{summary, leafUuid}`.
    Summary,
    /// `type: "custom-title"`.
    CustomTitle,
    /// `type: "ai-title"`.
    AiTitle,
    /// Any other type (snapshots, progress, attachments, queue operations, ...).
    Other,
}

/// A parsed line, borrowing from the input bytes.
#[derive(Debug)]
pub struct Line<'a> {
    /// The line's type.
    pub kind: LineKind,
    /// `uuid`.
    pub uuid: Option<Cow<'a, str>>,
    /// `parentUuid` is null or absent.
    pub is_root: bool,
    /// `sessionId`.
    pub session_id: Option<Cow<'a, str>>,
    /// `timestamp`, required on user, assistant and system lines.
    pub timestamp: Option<Millis>,
    /// `cwd`.
    pub cwd: Option<Cow<'a, str>>,
    /// `gitBranch`.
    pub git_branch: Option<Cow<'a, str>>,
    /// `version` (of Claude Code).
    pub version: Option<Cow<'a, str>>,
    /// `isSidechain`.
    pub is_sidechain: bool,
    /// `agentId`.
    pub agent_id: Option<Cow<'a, str>>,
    /// `isMeta`.
    pub is_meta: bool,
    /// `isCompactSummary`.
    pub is_compact_summary: bool,
    /// `requestId`.
    pub request_id: Option<Cow<'a, str>>,
    /// `costUSD` (Claude Code before 1.0.9).
    pub cost_usd: Option<f64>,
    /// `subtype` of system lines.
    pub subtype: Option<Cow<'a, str>>,
    /// `message` of user and assistant lines.
    pub message: Option<Message<'a>>,
    /// `(summary, leafUuid)` of summary lines.
    pub summary: Option<(Cow<'a, str>, Cow<'a, str>)>,
    /// The title of `custom-title` and `ai-title` lines.
    pub title: Option<Cow<'a, str>>,
}

/// `message` of a user or assistant line.
#[derive(Debug)]
pub struct Message<'a> {
    /// `message.id`.
    pub id: Option<Cow<'a, str>>,
    /// `message.model`.
    pub model: Option<Cow<'a, str>>,
    /// `message.content`.
    pub content: Content<'a>,
    /// `message.usage`, when present.
    pub usage: Option<BilledUsage>,
}

/// `message.content`: a string or an array of blocks.
#[derive(Debug)]
pub enum Content<'a> {
    /// No content.
    None,
    /// Plain string content.
    Text(Cow<'a, str>),
    /// Content blocks.
    Blocks(Vec<Block<'a>>),
}

/// One content block; only the fields the accounting reads.
#[derive(Debug, Deserialize)]
pub struct Block<'a> {
    /// `type`: `text`, `thinking`, `tool_use`, `tool_result`, `image`, `document`, ...
    #[serde(rename = "type", borrow, default)]
    pub kind: Cow<'a, str>,
    /// `text` of text blocks.
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    /// `id` of tool_use blocks.
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    /// `name` of tool_use blocks.
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    /// `input` of tool_use blocks, as written.
    #[serde(borrow, default)]
    pub input: Option<&'a RawValue>,
    /// `tool_use_id` of tool_result blocks.
    #[serde(borrow, default)]
    pub tool_use_id: Option<Cow<'a, str>>,
    /// `content` of tool_result blocks (a string or blocks), as written.
    #[serde(borrow, default)]
    pub content: Option<&'a RawValue>,
    /// `is_error` of tool_result blocks.
    #[serde(default)]
    pub is_error: Option<bool>,
}

#[derive(Deserialize)]
struct RawLine<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    uuid: Option<Cow<'a, str>>,
    #[serde(rename = "parentUuid", borrow)]
    parent_uuid: Option<&'a RawValue>,
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "gitBranch", borrow)]
    git_branch: Option<Cow<'a, str>>,
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain")]
    is_sidechain: Option<bool>,
    #[serde(rename = "agentId", borrow)]
    agent_id: Option<Cow<'a, str>>,
    #[serde(rename = "isMeta")]
    is_meta: Option<bool>,
    #[serde(rename = "isCompactSummary")]
    is_compact_summary: Option<bool>,
    #[serde(rename = "requestId", borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(rename = "costUSD", borrow)]
    cost_usd: Option<&'a RawValue>,
    #[serde(borrow)]
    subtype: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    summary: Option<&'a RawValue>,
    #[serde(rename = "leafUuid", borrow)]
    leaf_uuid: Option<&'a RawValue>,
    #[serde(rename = "customTitle", borrow)]
    custom_title: Option<&'a RawValue>,
    #[serde(rename = "aiTitle", borrow)]
    ai_title: Option<&'a RawValue>,
    #[serde(borrow)]
    title: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawMessage<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    usage: Option<RawUsage<'a>>,
}

#[derive(Deserialize)]
struct RawUsage<'a> {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation: Option<RawCacheCreation>,
    server_tool_use: Option<RawServerToolUse>,
    #[serde(borrow)]
    speed: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawCacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct RawServerToolUse {
    web_search_requests: Option<u64>,
}

/// Parses one line (without its newline). `Ok(None)` for a blank line.
pub fn parse_line(bytes: &[u8]) -> Result<Option<Line<'_>>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let raw: RawLine<'_> = serde_json::from_slice(bytes).map_err(|e| describe(&e))?;
    let kind = match raw.kind.as_deref() {
        Some("user") => LineKind::User,
        Some("assistant") => LineKind::Assistant,
        Some("system") => LineKind::System,
        Some("summary") => LineKind::Summary,
        Some("custom-title") => LineKind::CustomTitle,
        Some("ai-title") => LineKind::AiTitle,
        _ => LineKind::Other,
    };
    let mut line = Line {
        kind,
        uuid: raw.uuid,
        is_root: raw.parent_uuid.is_none_or(|p| p.get() == "null"),
        session_id: raw.session_id,
        timestamp: None,
        cwd: raw.cwd,
        git_branch: raw.git_branch,
        version: raw.version,
        is_sidechain: raw.is_sidechain.unwrap_or(false),
        agent_id: raw.agent_id,
        is_meta: raw.is_meta.unwrap_or(false),
        is_compact_summary: raw.is_compact_summary.unwrap_or(false),
        request_id: raw.request_id,
        cost_usd: None,
        subtype: None,
        message: None,
        summary: None,
        title: None,
    };
    match kind {
        LineKind::User | LineKind::Assistant | LineKind::System => {
            let stamp = raw.timestamp.ok_or("missing timestamp")?;
            let text: Cow<'_, str> = string(stamp, "timestamp")?;
            line.timestamp = Some(parse_timestamp(&text).ok_or_else(|| format!("bad timestamp {text:?}"))?);
            if kind == LineKind::System {
                line.subtype = raw.subtype.map(|s| string(s, "subtype")).transpose()?;
            } else {
                let message = raw.message.ok_or("missing message")?;
                line.message = Some(parse_message(message)?);
                if kind == LineKind::Assistant {
                    line.cost_usd = raw.cost_usd.map(|c| number(c, "costUSD")).transpose()?;
                }
            }
        }
        LineKind::Summary => {
            if let (Some(summary), Some(leaf)) = (raw.summary, raw.leaf_uuid) {
                line.summary = Some((string(summary, "summary")?, string(leaf, "leafUuid")?));
            }
        }
        LineKind::CustomTitle => {
            line.title = raw.custom_title.or(raw.title).map(|t| string(t, "customTitle")).transpose()?;
        }
        LineKind::AiTitle => {
            line.title = raw.ai_title.or(raw.title).map(|t| string(t, "aiTitle")).transpose()?;
        }
        LineKind::Other => {}
    }
    Ok(Some(line))
}

fn parse_message(raw: &RawValue) -> Result<Message<'_>, String> {
    let message: RawMessage<'_> = serde_json::from_str(raw.get()).map_err(|e| format!("message: {}", describe(&e)))?;
    let content = match message.content {
        Some(content) => parse_content(content)?,
        None => Content::None,
    };
    let usage = message.usage.map(|u| {
        let cache_creation = u.cache_creation_input_tokens.unwrap_or(0);
        let (cache_write_5m, cache_write_1h) = match u.cache_creation {
            Some(split) => (split.ephemeral_5m_input_tokens.unwrap_or(0), split.ephemeral_1h_input_tokens.unwrap_or(0)),
            None => (cache_creation, 0),
        };
        BilledUsage {
            input: u.input_tokens.unwrap_or(0),
            output: u.output_tokens.unwrap_or(0),
            cache_write_5m,
            cache_write_1h,
            cache_creation,
            cache_read: u.cache_read_input_tokens.unwrap_or(0),
            web_searches: u.server_tool_use.and_then(|s| s.web_search_requests).unwrap_or(0),
            fast: u.speed.as_deref() == Some("fast"),
        }
    });
    Ok(Message { id: message.id, model: message.model, content, usage })
}

/// Parses `message.content` or a tool result's `content`: a string, blocks, or null.
pub(crate) fn parse_content(raw: &RawValue) -> Result<Content<'_>, String> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => Ok(Content::Text(string(raw, "content")?)),
        Some(b'[') => serde_json::from_str::<Vec<Block<'_>>>(text)
            .map(Content::Blocks)
            .map_err(|e| format!("content: {}", describe(&e))),
        Some(b'n') => Ok(Content::None),
        _ => Err("content is neither a string nor an array".into()),
    }
}

fn string<'a>(raw: &'a RawValue, field: &str) -> Result<Cow<'a, str>, String> {
    serde_json::from_str::<Cow<'a, str>>(raw.get()).map_err(|_| format!("{field} is not a string"))
}

fn number(raw: &RawValue, field: &str) -> Result<f64, String> {
    serde_json::from_str::<f64>(raw.get()).map_err(|_| format!("{field} is not a number"))
}

fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assistant_lines_carry_usage_and_blocks() {
        let text = br#"{"type":"assistant","uuid":"u1","parentUuid":"u0","sessionId":"s","timestamp":"2025-01-01T00:00:00.000Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t","name":"Read","input":{"path":"a"}}],"usage":{"input_tokens":3,"output_tokens":5,"cache_creation_input_tokens":10,"cache_creation":{"ephemeral_5m_input_tokens":4,"ephemeral_1h_input_tokens":6},"server_tool_use":{"web_search_requests":2},"speed":"fast"}},"newField":{"x":[1,2]}}"#;
        let line = parse_line(text).unwrap().unwrap();
        assert_eq!(line.kind, LineKind::Assistant);
        assert!(!line.is_root);
        let message = line.message.unwrap();
        let usage = message.usage.unwrap();
        assert_eq!((usage.input, usage.output, usage.cache_write_5m, usage.cache_write_1h), (3, 5, 4, 6));
        assert_eq!((usage.cache_creation, usage.web_searches, usage.fast), (10, 2, true));
        let Content::Blocks(blocks) = message.content else { panic!("blocks") };
        assert_eq!(blocks[0].input.unwrap().get(), r#"{"path":"a"}"#);
    }

    #[test]
    fn bad_lines_are_errors_with_reasons() {
        assert!(parse_line(b"   ").unwrap().is_none());
        assert!(parse_line(b"{\"type\":\"user\"").is_err());
        assert!(parse_line(b"\x00\x01binary").is_err());
        assert!(parse_line(b"[1,2]").is_err());
        let negative =
            br#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","message":{"usage":{"input_tokens":-1}}}"#;
        assert!(parse_line(negative).is_err());
        let fractional =
            br#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","message":{"usage":{"output_tokens":1.5}}}"#;
        assert!(parse_line(fractional).is_err());
        let invalid_utf8 = b"{\"type\":\"user\",\"x\":\"\xff\"}";
        assert!(parse_line(invalid_utf8).is_err());
        assert!(parse_line(br#"{"type":"user","message":{"content":"x"}}"#).unwrap_err().contains("timestamp"));
    }

    #[test]
    fn unknown_types_and_fields_are_ignored() {
        let line = parse_line(br#"{"type":"brand-new","message":42,"timestamp":7}"#).unwrap().unwrap();
        assert_eq!(line.kind, LineKind::Other);
    }
}
