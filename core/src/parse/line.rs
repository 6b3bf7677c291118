//! One transcript line into a [`Line`]: the fields the accounting needs, borrowed from the input
//! where the JSON has no escapes. The line is skimmed once (validated, long strings skipped) and
//! only the chosen fields are deserialized. Unknown types and fields are ignored; a line that is
//! not a JSON object, or whose known fields have the wrong types, is an error with a reason.

use std::borrow::Cow;

use serde::Deserialize;

use super::skim::Skim;
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
#[derive(Debug)]
pub struct Block<'a> {
    /// `type`: `text`, `thinking`, `tool_use`, `tool_result`, `image`, `document`, ...
    pub kind: Cow<'a, str>,
    /// `text` of text blocks.
    pub text: Option<Cow<'a, str>>,
    /// `id` of tool_use blocks.
    pub id: Option<Cow<'a, str>>,
    /// `name` of tool_use blocks.
    pub name: Option<Cow<'a, str>>,
    /// `input` of tool_use blocks, as written (JSON text).
    pub input: Option<&'a str>,
    /// `tool_use_id` of tool_result blocks.
    pub tool_use_id: Option<Cow<'a, str>>,
    /// `content` of tool_result blocks (a string or blocks), as written (JSON text).
    pub content: Option<&'a str>,
    /// `is_error` of tool_result blocks.
    pub is_error: Option<bool>,
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

/// Top-level keys the accounting reads; `message` is read in the same pass (see [`RawMessage`]).
const LINE_KEYS: [&str; 20] = [
    "type",
    "uuid",
    "parentUuid",
    "sessionId",
    "timestamp",
    "cwd",
    "gitBranch",
    "version",
    "isSidechain",
    "agentId",
    "isMeta",
    "isCompactSummary",
    "requestId",
    "costUSD",
    "subtype",
    "summary",
    "leafUuid",
    "customTitle",
    "aiTitle",
    "title",
];

/// Keys of a content block the accounting reads.
const BLOCK_KEYS: [&str; 8] = ["type", "text", "id", "name", "input", "tool_use_id", "content", "is_error"];

/// `message` as skimmed: raw texts, typed only once the line's type says it matters.
enum RawMessage<'a> {
    /// Not an object.
    Other,
    /// `{id, model, usage}` as written, and the content.
    Object { id: Option<&'a str>, model: Option<&'a str>, usage: Option<&'a str>, content: RawContent<'a> },
}

/// `message.content` as skimmed.
enum RawContent<'a> {
    Missing,
    /// A string or anything else, as written.
    Value(&'a str),
    /// An array: each element's block fields, `None` for an element that is not an object.
    Blocks(Vec<Option<[Option<&'a str>; 8]>>),
}

/// Parses one line (without its newline). `Ok(None)` for a blank line.
///
/// The line is skimmed once: structure, strings and numbers are validated while only the chosen
/// fields (and inside `message`, the blocks' small fields) are kept as raw text.
pub fn parse_line(bytes: &[u8]) -> Result<Option<Line<'_>>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let text = utf8(bytes)?;
    let mut skim = Skim::new(text);
    if let Some(at) = memchr::memchr(0, bytes).filter(|_| skim.has_controls()) {
        return Err(format!("NUL byte at column {}", at + 1));
    }
    if skim.peek() != Some(b'{') {
        return Err("not a JSON object".into());
    }
    let mut fields: [Option<&str>; 20] = [None; 20];
    let mut message = None;
    skim.members(0, &mut |skim, key, depth| {
        if key == b"message" {
            message = Some(skim_message(skim, depth)?);
        } else {
            let value = skim.skip(depth)?;
            if let Some(i) = LINE_KEYS.iter().position(|k| k.as_bytes() == key) {
                fields[i] = Some(value);
            }
        }
        Ok(())
    })?;
    skim.end()?;
    let [
        kind,
        uuid,
        parent_uuid,
        session_id,
        timestamp,
        cwd,
        git_branch,
        version,
        is_sidechain,
        agent_id,
        is_meta,
        is_compact_summary,
        request_id,
        cost_usd,
        subtype,
        summary,
        leaf_uuid,
        custom_title,
        ai_title,
        title,
    ] = fields;
    let kind = match optional_string(kind, "type")?.as_deref() {
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
        uuid: optional_string(uuid, "uuid")?,
        is_root: parent_uuid.is_none_or(|p| p == "null"),
        session_id: optional_string(session_id, "sessionId")?,
        timestamp: None,
        cwd: optional_string(cwd, "cwd")?,
        git_branch: optional_string(git_branch, "gitBranch")?,
        version: optional_string(version, "version")?,
        is_sidechain: flag(is_sidechain, "isSidechain")?,
        agent_id: optional_string(agent_id, "agentId")?,
        is_meta: flag(is_meta, "isMeta")?,
        is_compact_summary: flag(is_compact_summary, "isCompactSummary")?,
        request_id: optional_string(request_id, "requestId")?,
        cost_usd: None,
        subtype: None,
        message: None,
        summary: None,
        title: None,
    };
    match kind {
        LineKind::User | LineKind::Assistant | LineKind::System => {
            let stamp = timestamp.ok_or("missing timestamp")?;
            let text: Cow<'_, str> = string(stamp, "timestamp")?;
            line.timestamp = Some(parse_timestamp(&text).ok_or_else(|| format!("bad timestamp {text:?}"))?);
            if kind == LineKind::System {
                line.subtype = subtype.map(|s| string(s, "subtype")).transpose()?;
            } else {
                line.message = Some(typed_message(message.ok_or("missing message")?)?);
                if kind == LineKind::Assistant {
                    line.cost_usd = cost_usd.map(|c| number(c, "costUSD")).transpose()?;
                }
            }
        }
        LineKind::Summary => {
            if let (Some(summary), Some(leaf)) = (present(summary), present(leaf_uuid)) {
                line.summary = Some((string(summary, "summary")?, string(leaf, "leafUuid")?));
            }
        }
        LineKind::CustomTitle => {
            line.title = present(custom_title).or(present(title)).map(|t| string(t, "customTitle")).transpose()?;
        }
        LineKind::AiTitle => {
            line.title = present(ai_title).or(present(title)).map(|t| string(t, "aiTitle")).transpose()?;
        }
        LineKind::Other => {}
    }
    Ok(Some(line))
}

/// `bytes` as text. The SIMD check is several times faster than the standard one on long lines;
/// only a line that fails it is checked again, for the column of the error.
fn utf8(bytes: &[u8]) -> Result<&str, String> {
    simdutf8::basic::from_utf8(bytes).map_err(|_| match std::str::from_utf8(bytes) {
        Err(e) => format!("invalid UTF-8 at column {}", e.valid_up_to() + 1),
        Ok(_) => "invalid UTF-8".to_owned(),
    })
}

/// Skims the `message` value at the cursor, keeping its small fields and its blocks' fields.
fn skim_message<'a>(skim: &mut Skim<'a>, depth: u32) -> Result<RawMessage<'a>, String> {
    if skim.peek() != Some(b'{') {
        skim.skip(depth)?;
        return Ok(RawMessage::Other);
    }
    let (mut id, mut model, mut usage, mut content) = (None, None, None, RawContent::Missing);
    skim.members(depth, &mut |skim, key, depth| {
        match key {
            b"content" => content = skim_content(skim, depth)?,
            b"id" => id = Some(skim.skip(depth)?),
            b"model" => model = Some(skim.skip(depth)?),
            b"usage" => usage = Some(skim.skip(depth)?),
            _ => {
                skim.skip(depth)?;
            }
        }
        Ok(())
    })?;
    Ok(RawMessage::Object { id, model, usage, content })
}

/// Skims content at the cursor: an array keeps each block's fields, anything else its text.
fn skim_content<'a>(skim: &mut Skim<'a>, depth: u32) -> Result<RawContent<'a>, String> {
    if skim.peek() != Some(b'[') {
        return skim.skip(depth).map(RawContent::Value);
    }
    let mut blocks = Vec::new();
    skim.elements(depth, &mut |skim, depth| {
        if skim.peek() == Some(b'{') {
            blocks.push(Some(skim.fields(depth, BLOCK_KEYS)?));
        } else {
            skim.skip(depth)?;
            blocks.push(None);
        }
        Ok(())
    })?;
    Ok(RawContent::Blocks(blocks))
}

fn typed_message(raw: RawMessage<'_>) -> Result<Message<'_>, String> {
    let RawMessage::Object { id, model, usage, content } = raw else {
        return Err("message is not an object".into());
    };
    let content = typed_content(content)?;
    let usage = typed::<Option<RawUsage<'_>>>(usage, "message.usage")?.flatten().map(|u| {
        let cache_creation = u.cache_creation_input_tokens.unwrap_or(0);
        // Split by the ephemeral fields when there are any (a missing one is 0); all 5-minute
        // writes otherwise, `cache_creation: {}` included.
        let split = u.cache_creation.map(|c| (c.ephemeral_5m_input_tokens, c.ephemeral_1h_input_tokens));
        let (cache_write_5m, cache_write_1h) = match split {
            Some((five, one)) if five.is_some() || one.is_some() => (five.unwrap_or(0), one.unwrap_or(0)),
            _ => (cache_creation, 0),
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
    Ok(Message {
        id: optional_string(id, "message.id")?,
        model: optional_string(model, "message.model")?,
        content,
        usage,
    })
}

fn typed_content(raw: RawContent<'_>) -> Result<Content<'_>, String> {
    match raw {
        RawContent::Missing => Ok(Content::None),
        RawContent::Value("null") => Ok(Content::None),
        RawContent::Value(text) if text.starts_with('"') => Ok(Content::Text(string(text, "content")?)),
        RawContent::Value(_) => Err("content is neither a string nor an array".into()),
        RawContent::Blocks(blocks) => blocks
            .into_iter()
            .map(|block| block.ok_or_else(|| "content: a block is not an object".to_owned()).and_then(typed_block))
            .collect::<Result<_, _>>()
            .map(Content::Blocks),
    }
}

fn typed_block(fields: [Option<&str>; 8]) -> Result<Block<'_>, String> {
    let [kind, text, id, name, input, tool_use_id, content, is_error] = fields;
    Ok(Block {
        kind: optional_string(kind, "content.type")?.unwrap_or_default(),
        text: optional_string(text, "content.text")?,
        id: optional_string(id, "content.id")?,
        name: optional_string(name, "content.name")?,
        input: input.filter(|i| *i != "null"),
        tool_use_id: optional_string(tool_use_id, "content.tool_use_id")?,
        content: content.filter(|c| *c != "null"),
        is_error: typed::<Option<bool>>(is_error, "content.is_error")?.flatten(),
    })
}

/// Parses a tool result's `content` (a string, blocks, or null) for rendering.
pub(crate) fn parse_content(raw: &str) -> Result<Content<'_>, String> {
    let mut skim = Skim::new(raw);
    let content = skim_content(&mut skim, 0)?;
    skim.end()?;
    typed_content(content)
}

/// A field that is there and not `null`.
fn present(raw: Option<&str>) -> Option<&str> {
    raw.filter(|r| *r != "null")
}

/// Deserializes the JSON text of an optional field.
fn typed<'a, T: Deserialize<'a>>(raw: Option<&'a str>, field: &str) -> Result<Option<T>, String> {
    raw.map(|r| serde_json::from_str::<T>(r).map_err(|e| format!("{field}: {}", describe(&e)))).transpose()
}

/// An optional string field (absent or null: `None`).
fn optional_string<'a>(raw: Option<&'a str>, field: &str) -> Result<Option<Cow<'a, str>>, String> {
    present(raw).map(|raw| string(raw, field)).transpose()
}

/// An optional boolean field (absent or null: false).
fn flag(raw: Option<&str>, field: &str) -> Result<bool, String> {
    typed::<Option<bool>>(raw, field)
        .map(|v| v.flatten().unwrap_or(false))
        .map_err(|_| format!("{field} is not a boolean"))
}

/// A string field. Most hold no escape, and their text is borrowed from the line as it is (the
/// skimmer has validated it); serde's `Cow<str>` would copy every one.
fn string<'a>(raw: &'a str, field: &str) -> Result<Cow<'a, str>, String> {
    let plain = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
    match plain.filter(|text| memchr::memchr(b'\\', text.as_bytes()).is_none()) {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => serde_json::from_str::<Cow<'a, str>>(raw).map_err(|_| format!("{field} is not a string")),
    }
}

fn number(raw: &str, field: &str) -> Result<f64, String> {
    serde_json::from_str::<f64>(raw).map_err(|_| format!("{field} is not a number"))
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
        assert_eq!(blocks[0].input, Some(r#"{"path":"a"}"#));
    }

    #[test]
    fn bad_lines_are_errors_with_reasons() {
        assert!(parse_line(b"   ").unwrap().is_none());
        assert!(parse_line(b"{\"type\":\"user\"").is_err());
        assert!(parse_line(b"\x00\x01binary").is_err());
        let nul = b"{\"type\":\"user\",\"x\":\"a\x00\"}";
        assert_eq!(parse_line(nul).unwrap_err(), "NUL byte at column 22");
        let control = b"{\"type\":\"user\",\"toolUseResult\":\"a\x07b\"}";
        assert!(parse_line(control).unwrap_err().starts_with("control character in a string"));
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
    fn cache_writes_without_a_split_are_five_minute_writes() {
        let usage = |split: &str| {
            let text = format!(
                r#"{{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","message":{{"usage":{{"cache_creation_input_tokens":10{split}}}}}}}"#
            );
            let usage = parse_line(text.as_bytes()).unwrap().unwrap().message.unwrap().usage.unwrap();
            (usage.cache_write_5m, usage.cache_write_1h)
        };
        assert_eq!(usage(""), (10, 0));
        assert_eq!(usage(r#","cache_creation":{}"#), (10, 0));
        assert_eq!(usage(r#","cache_creation":null"#), (10, 0));
        assert_eq!(usage(r#","cache_creation":{"ephemeral_1h_input_tokens":10}"#), (0, 10));
        assert_eq!(usage(r#","cache_creation":{"ephemeral_5m_input_tokens":3,"ephemeral_1h_input_tokens":7}"#), (3, 7));
    }

    #[test]
    fn null_title_fields_count_as_absent() {
        let line = parse_line(br#"{"type":"custom-title","customTitle":null,"title":"Mine","sessionId":"s"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(line.title.as_deref(), Some("Mine"));
        let line = parse_line(br#"{"type":"summary","summary":null,"leafUuid":"x"}"#).unwrap().unwrap();
        assert!(line.summary.is_none());
    }

    #[test]
    fn unknown_types_and_fields_are_ignored() {
        let line = parse_line(br#"{"type":"brand-new","message":42,"timestamp":7}"#).unwrap().unwrap();
        assert_eq!(line.kind, LineKind::Other);
    }
}
