//! Message content as plain text (ACCOUNTING.md "Messages"): text blocks joined by a blank line,
//! tool calls and results as bracketed one-liners, images as `[image]`, thinking left out.

use super::line::{Block, Content, Line, parse_content};
use super::skim::string_prefix;
use crate::api::MessageKind;

/// Longest rendering of a tool call's input, in characters.
const TOOL_INPUT_CHARS: usize = 500;
/// Longest rendering of a tool result, in characters.
const TOOL_RESULT_CHARS: usize = 2_000;

/// The kind of message a user line is.
pub fn user_kind(line: &Line<'_>) -> MessageKind {
    let has_tool_result = matches!(
        line.message.as_ref().map(|m| &m.content),
        Some(Content::Blocks(blocks)) if blocks.iter().any(|b| b.kind == "tool_result")
    );
    if line.is_compact_summary {
        MessageKind::CompactSummary
    } else if line.is_meta {
        MessageKind::Meta
    } else if has_tool_result {
        MessageKind::ToolResult
    } else {
        MessageKind::Prompt
    }
}

/// Renders content as plain text, appending each part to `parts`.
pub fn render_blocks(content: &Content<'_>, parts: &mut Vec<String>) {
    match content {
        Content::None => {}
        Content::Text(text) => parts.push(text.to_string()),
        Content::Blocks(blocks) => {
            for block in blocks {
                if let Some(part) = render_block(block) {
                    parts.push(part);
                }
            }
        }
    }
}

fn render_block(block: &Block<'_>) -> Option<String> {
    match block.kind.as_ref() {
        "text" => block.text.as_deref().map(str::to_owned),
        "tool_use" => Some(render_tool_use(block.name.as_deref().unwrap_or(""), block.input)),
        "tool_result" => {
            let label = if block.is_error == Some(true) { "[tool error] " } else { "[tool result] " };
            let text = tool_result_text(block.content);
            let mut part = String::with_capacity(label.len() + text.len());
            part.push_str(label);
            part.push_str(&text);
            Some(part)
        }
        "image" => Some("[image]".to_owned()),
        "document" => Some("[document]".to_owned()),
        _ => None,
    }
}

/// A tool result's `content` as text, cut to [`TOOL_RESULT_CHARS`]. A string, the usual form and
/// at times megabytes long, is unescaped only up to the cut; other forms are rendered whole first.
fn tool_result_text(content: Option<&str>) -> String {
    let Some(raw) = content else { return String::new() };
    if let Some(text) = string_prefix(raw, TOOL_RESULT_CHARS) {
        return text;
    }
    let mut inner = Vec::new();
    if let Ok(content) = parse_content(raw) {
        render_blocks(&content, &mut inner);
    }
    cut_chars(&inner.join("\n\n"), TOOL_RESULT_CHARS).to_owned()
}

/// `[tool: NAME] <compact input JSON, cut to 500 chars>`.
pub fn render_tool_use(name: &str, input: Option<&str>) -> String {
    let input = input.map_or("{}", str::trim);
    format!("[tool: {name}] {}", cut_chars(input, TOOL_INPUT_CHARS))
}

/// The first `max` characters of `text`.
pub fn cut_chars(text: &str, max: usize) -> &str {
    match char_start(text, max) {
        Ok(at) => &text[..at],
        Err(_) => text,
    }
}

/// Where character `n` (from 0) of `text` starts, or, when it has no more than `n` characters,
/// how many it has. Counts the bytes that start a character, up to `n` bytes at a time (they
/// hold at most `n` characters), rather than decoding each character.
pub(crate) fn char_start(text: &str, n: usize) -> Result<usize, usize> {
    let bytes = text.as_bytes();
    let (mut at, mut left) = (0, n);
    while left > 0 && at < bytes.len() {
        let end = bytes.len().min(at + left);
        left -= bytes[at..end].iter().filter(|&&byte| !is_continuation(byte)).count();
        at = end;
    }
    // `at` may be inside the last character counted: the next one starts after it.
    while bytes.get(at).is_some_and(|&byte| is_continuation(byte)) {
        at += 1;
    }
    if at < bytes.len() { Ok(at) } else { Err(n - left) }
}

/// Whether a byte of UTF-8 continues a character rather than starting one.
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_line;

    fn render(json: &str) -> (MessageKind, String) {
        let line = parse_line(json.as_bytes()).unwrap().unwrap();
        let mut parts = Vec::new();
        render_blocks(&line.message.as_ref().unwrap().content, &mut parts);
        (user_kind(&line), parts.join("\n\n"))
    }

    #[test]
    fn user_content_renders_as_plain_text() {
        let (kind, text) = render(
            r#"{"type":"user","timestamp":"2025-01-01T00:00:00Z","message":{"content":[{"type":"text","text":"a <b>"},{"type":"image","source":{}},{"type":"text","text":"c"}]}}"#,
        );
        assert_eq!(kind, MessageKind::Prompt);
        assert_eq!(text, "a <b>\n\n[image]\n\nc");
    }

    #[test]
    fn tool_results_are_labelled_and_cut() {
        let long = "é".repeat(2_100);
        let (kind, text) = render(&format!(
            r#"{{"type":"user","timestamp":"2025-01-01T00:00:00Z","message":{{"content":[{{"type":"tool_result","tool_use_id":"t","is_error":true,"content":[{{"type":"text","text":"{long}"}}]}}]}}}}"#
        ));
        assert_eq!(kind, MessageKind::ToolResult);
        assert_eq!(text.chars().count(), "[tool error] ".len() + 2_000);
    }

    #[test]
    fn a_string_tool_result_is_cut_after_unescaping() {
        let result = |content: &str| {
            render(&format!(
                r#"{{"type":"user","timestamp":"2025-01-01T00:00:00Z","message":{{"content":[{{"type":"tool_result","tool_use_id":"t","content":{content}}}]}}}}"#
            ))
            .1
        };
        let long = format!("\"{}\"", r"é\n\u001b\\".repeat(700));
        let whole: String = serde_json::from_str(&long).unwrap();
        assert_eq!(result(&long), format!("[tool result] {}", whole.chars().take(2_000).collect::<String>()));
        // A surrogate pair is decoded whole, and a lone surrogate makes the content unreadable.
        assert_eq!(result(r#""smile \ud83d\ude00""#), "[tool result] smile 😀");
        assert_eq!(result(r#""lone \ud83d""#), "[tool result] ");
    }

    #[test]
    fn meta_and_compact_summaries_are_kinds_of_their_own() {
        let (kind, _) =
            render(r#"{"type":"user","isMeta":true,"timestamp":"2025-01-01T00:00:00Z","message":{"content":"x"}}"#);
        assert_eq!(kind, MessageKind::Meta);
        let (kind, _) = render(
            r#"{"type":"user","isCompactSummary":true,"timestamp":"2025-01-01T00:00:00Z","message":{"content":"x"}}"#,
        );
        assert_eq!(kind, MessageKind::CompactSummary);
    }

    #[test]
    fn characters_start_where_decoding_them_says() {
        for text in ["", "a", "plain ascii text", "café naïve", "中文 and 😀 emoji", "😀😀😀", "é"] {
            let count = text.chars().count();
            for n in 0..count + 3 {
                let expected = text.char_indices().nth(n).map(|(at, _)| at).ok_or(count);
                assert_eq!(char_start(text, n), expected, "{text:?} {n}");
            }
        }
    }

    #[test]
    fn tool_calls_show_their_compact_input() {
        let input = format!("{{\"q\":\"{}\"}}", "x".repeat(600));
        let text = render_tool_use("Grep", Some(&input));
        assert!(text.starts_with("[tool: Grep] {\"q\":\"xxx"));
        assert_eq!(text.chars().count(), "[tool: Grep] ".len() + 500);
    }
}
