//! The generated corpus.

use super::*;

/// What [`generate`] wrote.
pub(super) struct Corpus {
    pub(super) files: usize,
    pub(super) sessions: usize,
}

/// Writes `files` transcripts of about `lines` lines each under `claude/projects/`: main session
/// files in several projects, and every fourth file a 2.1.x sub-agent file of the previous
/// session. Responses span three lines with growing `output_tokens`; models, tools, days and
/// hours vary.
pub(super) fn generate(claude: &Path, files: usize, lines: usize) -> Corpus {
    let mut sessions = 0;
    let mut parent: Option<(String, String, std::path::PathBuf)> = None;
    for f in 0..files {
        let project = f % 7;
        let folder = claude.join(format!("projects/-w-proj{project}"));
        let (path, text) = match &parent {
            Some((session, cwd, folder)) if f % 4 == 3 => {
                let path = folder.join(format!("{session}/subagents/agent-a{f:05}.jsonl"));
                (path, corpus_file(session, f, cwd, f, lines / 2, Some(&format!("a{f:05}"))))
            }
            _ => {
                sessions += 1;
                let session = format!("5e55{f:04x}-0000-4000-8000-{f:012x}");
                let cwd = format!("/w/proj{project}");
                let text = corpus_file(&session, f, &cwd, f, lines, None);
                let path = folder.join(format!("{session}.jsonl"));
                parent = Some((session, cwd, folder));
                (path, text)
            }
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    Corpus { files, sessions }
}

pub(super) const MODELS: [&str; 3] =
    ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"];
pub(super) const TOOLS: [&str; 5] = ["Read", "Edit", "Bash", "Grep", "mcp__github__get_issue"];
pub(super) const FILLER: &str = "The quick brown fox jumps over the lazy dog while the build runs and the tests report \
                      their results one after another, line by line, in the terminal window.";

/// One transcript: a prompt, then a three-line response (text, tool use, text) with growing
/// output tokens, and a tool result, repeated. `seed` varies the day, hour, models and tools;
/// `agent` makes it a sub-agent file.
pub(super) fn corpus_file(
    session: &str,
    seed: usize,
    cwd: &str,
    file: usize,
    lines: usize,
    agent: Option<&str>,
) -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z").unwrap().to_utc()
        + chrono::TimeDelta::days((seed % 45) as i64)
        + chrono::TimeDelta::hours((seed * 5 % 24) as i64);
    let sidechain = agent.is_some();
    let agent_field = agent.map(|a| format!(r#","agentId":"{a}""#)).unwrap_or_default();
    let mut out = String::with_capacity(lines * 600);
    let mut previous = "null".to_owned();
    for i in 0..lines {
        let at = (start + chrono::TimeDelta::seconds(i as i64 * 7)).format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let uuid = format!("u{file:05}-{i:05}-{}", if sidechain { "s" } else { "m" });
        let turn = i / 5;
        let model = MODELS[(seed + turn) % 3];
        let tool = TOOLS[(seed + turn) % TOOLS.len()];
        let common = format!(
            r#""sessionId":"{session}","uuid":"{uuid}","parentUuid":{previous},"cwd":"{cwd}","gitBranch":"main","version":"2.1.3","isSidechain":{sidechain}{agent_field},"timestamp":"{at}""#
        );
        let line = match i % 5 {
            0 => format!(
                r#"{{"type":"user",{common},"message":{{"role":"user","content":"Turn {turn}: please look at this. {FILLER}"}}}}"#
            ),
            step @ 1..=3 => {
                let block = match step {
                    1 => format!(r#"{{"type":"text","text":"Looking. {FILLER}"}}"#),
                    2 => format!(
                        r#"{{"type":"tool_use","id":"toolu_{file}_{turn}","name":"{tool}","input":{{"file_path":"/w/src/{turn}.rs"}}}}"#
                    ),
                    _ => format!(r#"{{"type":"text","text":"Done. {FILLER}"}}"#),
                };
                let output = [0, 12, 57, 140][step] + turn % 9;
                format!(
                    r#"{{"type":"assistant",{common},"requestId":"req_{file}_{turn}","message":{{"id":"msg_{file}_{turn}","type":"message","role":"assistant","model":"{model}","content":[{block}],"stop_reason":null,"usage":{{"input_tokens":{input},"cache_creation_input_tokens":{creation},"cache_read_input_tokens":{read},"output_tokens":{output}}}}}}}"#,
                    input = 3 + turn % 5,
                    creation = 100 + (seed * 31 + turn * 7) % 900,
                    read = 1000 + turn * 250,
                )
            }
            _ => format!(
                r#"{{"type":"user",{common},"message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"toolu_{file}_{turn}","content":"fn main() {{}} // {FILLER}","is_error":{}}}]}}}}"#,
                turn % 11 == 0
            ),
        };
        out.push_str(&line);
        out.push('\n');
        previous = format!("\"{uuid}\"");
    }
    out
}
