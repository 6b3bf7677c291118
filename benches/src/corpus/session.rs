//! One session's transcript, line by line, in the shapes of its Claude Code era.

use super::tools::Call;
use super::{Era, File, UNKNOWN_MODEL};
use crate::json::{Obj, string, timestamp};
use crate::rng::Rng;
use crate::text;

/// Token usage of one API response.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    pub input: u64,
    pub cache_creation: u64,
    pub cache_read: u64,
    pub output: u64,
    pub web_searches: u64,
}

/// One content block of a response (each is written as its own line).
pub(crate) enum Block {
    Thinking { text: String, signature: String },
    Text(String),
    ToolUse(Call),
}

/// The writer of one session, or of one sub-agent run inside it.
pub(crate) struct Session {
    pub rng: Rng,
    pub era: Era,
    pub version: &'static str,
    pub session_id: String,
    pub cwd: String,
    pub folder: String,
    pub branch: &'static str,
    pub slug: String,
    pub model: &'static str,
    /// The clock, ms since the epoch.
    pub now: i64,
    /// `uuid` of the last line in the conversation chain.
    pub parent: Option<String>,
    /// Tokens in the context window (read from cache by the next response).
    pub context: u64,
    /// Tokens added since the last response (written to cache by the next one).
    pub fresh: u64,
    pub sidechain: bool,
    pub agent_id: Option<String>,
    pub prompt_id: Option<String>,
    /// Files besides the main one (sub-agents, sidecars).
    pub extra: Vec<File>,
    /// Bytes sub-agent files may still take.
    pub budget: usize,
    /// Whether this writer may start sub-agents (sub-agents do not nest).
    pub allow_tasks: bool,
    /// The first turn starts a sub-agent whatever the budget (small corpora have every layout).
    pub force_task: bool,
    pub agents: u32,
    pub inline_agents: u64,
    /// Leaf uuids for the `summary` lines at the top of the file.
    pub summaries: Vec<String>,
    pub tracked: Vec<String>,
    pub titled: bool,
    pub last: Usage,
    /// A session of the small profile ([`super::generate_sessions`]): thinking signatures,
    /// pasted images, screenshots and tool results drawn smaller (the same draws, so the
    /// full-size profile's bytes do not change).
    pub small: bool,
    compact_at: u64,
}

impl Session {
    pub fn new(mut rng: Rng, era: Era, cwd: &str, folder: &str) -> Self {
        let (from, to) = era.dates();
        let now = from + rng.below((to - from) as u64) as i64;
        let (models, weights) = era.models();
        let model = if rng.chance(0.007) { UNKNOWN_MODEL } else { models[rng.weighted(weights)] };
        let session_id = text::uuid(&mut rng);
        let slug = format!("{}-{}-{}", text::word(&mut rng), text::word(&mut rng), text::word(&mut rng));
        let version = rng.pick(era.versions());
        let branch = *rng.pick(&["main", "main", "master", "feature/parser", "fix/cache-tokens", "dev"]);
        let compact_at = rng.range(120_000, 190_000);
        Self {
            rng,
            era,
            version,
            session_id,
            cwd: cwd.to_owned(),
            folder: folder.to_owned(),
            branch,
            slug,
            model,
            now,
            parent: None,
            context: 0,
            fresh: 0,
            sidechain: false,
            agent_id: None,
            prompt_id: None,
            extra: Vec::new(),
            budget: 0,
            allow_tasks: true,
            force_task: false,
            agents: 0,
            inline_agents: 0,
            summaries: Vec::new(),
            tracked: Vec::new(),
            titled: false,
            last: Usage::default(),
            small: false,
            compact_at,
        }
    }

    /// A writer for a sub-agent of this session (same session id, cwd and clock).
    pub fn child(&mut self, agent_id: Option<String>, model: &'static str) -> Session {
        let mut child = Session::new(self.rng.fork(), self.era, &self.cwd, &self.folder);
        child.version = self.version;
        child.session_id = self.session_id.clone();
        child.branch = self.branch;
        child.slug = self.slug.clone();
        child.model = model;
        child.now = self.now;
        child.sidechain = true;
        child.agent_id = agent_id;
        child.allow_tasks = false;
        child.fresh = self.rng.range(6_000, 16_000);
        child.compact_at = u64::MAX;
        child.small = self.small;
        child
    }

    /// Advances the clock by `lo..hi` ms and returns the new time as a timestamp.
    pub fn tick(&mut self, lo: u64, hi: u64) -> String {
        self.now += self.rng.range(lo, hi) as i64;
        timestamp(self.now)
    }

    pub fn uuid(&mut self) -> String {
        text::uuid(&mut self.rng)
    }

    /// Opens a line of `kind` with the fields every conversation line of this era carries.
    pub fn header<'o>(&self, out: &'o mut Vec<u8>, kind: &str) -> Obj<'o> {
        let mut o = Obj::open(out);
        o.s_or_null("parentUuid", self.parent.as_deref()).b("isSidechain", self.sidechain);
        if let (Era::V3, Some(prompt)) = (self.era, &self.prompt_id) {
            o.s("promptId", prompt);
        }
        if let (Era::V2 | Era::V3, Some(agent)) = (self.era, &self.agent_id) {
            o.s("agentId", agent);
        }
        o.s("userType", "external");
        if self.era == Era::V3 {
            o.s("entrypoint", "cli");
        }
        o.s("cwd", &self.cwd).s("sessionId", &self.session_id).s("version", self.version);
        if self.era != Era::V1 || self.version >= "1.0.56" {
            o.s("gitBranch", self.branch);
        }
        if self.era == Era::V3 {
            o.s("slug", &self.slug);
        }
        o.s("type", kind);
        o
    }

    /// The main file: opening lines, then turns until `target` bytes.
    pub fn write_main(&mut self, out: &mut Vec<u8>, target: usize) {
        self.fresh = self.rng.range(12_000, 26_000);
        for leaf in std::mem::take(&mut self.summaries) {
            if self.era != Era::V3 {
                let title = text::phrase(&mut self.rng, 6);
                let mut o = Obj::open(out);
                o.s("type", "summary").s("summary", &title).s("leafUuid", &leaf).close();
                out.push(b'\n');
            }
        }
        if self.era == Era::V3 {
            if self.rng.chance(0.5) {
                let mode = *self.rng.pick(&["default", "acceptEdits", "plan", "bypassPermissions"]);
                let mut o = Obj::open(out);
                o.s("type", "permission-mode").s("permissionMode", mode).s("sessionId", &self.session_id).close();
                out.push(b'\n');
            }
            if self.rng.chance(0.4) {
                self.attachment(out, "hook_success");
            }
        }
        self.write_turns(out, target);
        if self.era != Era::V3 && self.rng.chance(0.3) {
            // Summaries are also appended when a session is left (leaf: its last line).
            let title = text::phrase(&mut self.rng, 6);
            let mut o = Obj::open(out);
            o.s("type", "summary").s("summary", &title).s_or_null("leafUuid", self.parent.as_deref()).close();
            out.push(b'\n');
        }
    }

    /// Turns until `out` holds `target` bytes.
    pub fn write_turns(&mut self, out: &mut Vec<u8>, target: usize) {
        loop {
            self.turn(out, target);
            if out.len() >= target {
                break;
            }
            self.tick(20_000, 1_800_000);
        }
    }

    /// A sub-agent run: its prompt, then steps until `target` bytes or a final answer.
    pub fn write_agent(&mut self, out: &mut Vec<u8>, prompt: &str, target: usize) {
        self.user_prompt(out, prompt, false);
        self.write_steps(out, target);
    }

    /// Sub-agent steps until `target` more bytes or a final answer.
    pub fn write_steps(&mut self, out: &mut Vec<u8>, target: usize) {
        let start = out.len();
        loop {
            let done = out.len() - start >= target || self.rng.chance(0.12);
            self.step(out, start + target, done);
            if done {
                break;
            }
        }
    }

    /// A user prompt and the responses, tool calls and results that follow it.
    fn turn(&mut self, out: &mut Vec<u8>, target: usize) {
        let len = self.rng.log_normal(180.0, 1.2, 4, 30_000) as usize;
        let prompt = text::prose(&mut self.rng, len);
        let prompt_uuid = self.uuid();
        if self.era == Era::V3 || (self.era == Era::V2 && self.version >= "2.0.37") {
            self.snapshot(out, &prompt_uuid);
        }
        if self.era != Era::V1 && self.rng.chance(0.08) {
            self.queue_operation(out, &prompt);
        }
        if self.era == Era::V3 {
            self.prompt_id = Some(self.uuid());
        }
        self.user_prompt_with(out, &prompt, true, prompt_uuid);
        if self.era == Era::V3 && self.rng.chance(0.3) {
            let kind = *self.rng.pick(&["todo_reminder", "edited_text_file"]);
            self.attachment(out, kind);
        }
        let mut first = true;
        loop {
            let done = (!first && self.rng.chance(0.2)) || out.len() >= target;
            self.step(out, target, done && !(first && self.force_task));
            first = false;
            if done {
                break;
            }
            if self.context > self.compact_at {
                self.compact(out);
            }
        }
        self.end_turn(out);
    }

    /// One API response (a line per block) and the results of its tool calls.
    fn step(&mut self, out: &mut Vec<u8>, target: usize, last: bool) {
        let thinking = [0.15, 0.3, 0.45][self.era as usize];
        let mut blocks = Vec::new();
        if self.rng.chance(thinking) {
            let len = self.rng.log_normal(600.0, 1.0, 0, 20_000) as usize;
            let text = if self.era == Era::V3 && self.rng.chance(0.5) {
                String::new()
            } else {
                text::prose(&mut self.rng, len)
            };
            let signature_len =
                if self.small { self.rng.range(300, 2_500) } else { self.rng.range(400, 9_000) } as usize;
            let signature = text::base64(&mut self.rng, signature_len);
            blocks.push(Block::Thinking { text, signature });
        }
        if last || self.rng.chance(0.55) {
            let len = self.rng.log_normal(if last { 500.0 } else { 150.0 }, 1.0, 10, 20_000) as usize;
            blocks.push(Block::Text(text::prose(&mut self.rng, len)));
        }
        if !last {
            let n = 1 + usize::from(self.rng.chance(0.25)) + usize::from(self.rng.chance(0.08));
            for _ in 0..n {
                let call = self.call();
                blocks.push(Block::ToolUse(call));
            }
        }
        let calls = self.response(out, blocks);
        for call in calls {
            self.result(out, call, target);
        }
    }

    /// Writes a response's lines; returns its tool calls.
    fn response(&mut self, out: &mut Vec<u8>, blocks: Vec<Block>) -> Vec<Call> {
        let model =
            if self.model != UNKNOWN_MODEL && self.rng.chance(0.06) { self.era.small_model() } else { self.model };
        let message_id = text::api_id(&mut self.rng, "msg_01", 22);
        let request_id = text::api_id(&mut self.rng, "req_011C", 20);
        let thinking: usize = blocks
            .iter()
            .map(|block| match block {
                Block::Thinking { text, .. } => text.len(),
                _ => 0,
            })
            .sum();
        let usage = Usage {
            input: if self.era == Era::V1 { self.rng.range(3, 400) } else { self.rng.range(1, 12) },
            cache_creation: self.fresh + self.rng.below(400),
            cache_read: self.context,
            output: self.rng.log_normal(200.0, 1.1, 1, 32_000) + thinking as u64 / 4,
            web_searches: blocks.iter().filter(|b| matches!(b, Block::ToolUse(c) if c.name == "WebSearch")).count()
                as u64,
        };
        self.context += usage.cache_creation;
        self.fresh = usage.output;
        self.last = usage;
        let n = blocks.len() as u64;
        let stop = if blocks.iter().any(|b| matches!(b, Block::ToolUse(_))) { "tool_use" } else { "end_turn" };
        let mut calls = Vec::new();
        let mut block_json = Vec::new();
        for (i, block) in blocks.into_iter().enumerate() {
            let output =
                if i as u64 + 1 == n { usage.output } else { (usage.output * (i as u64 + 1) / (n + 1)).max(1) };
            block_json.clear();
            let mut b = Obj::open(&mut block_json);
            match &block {
                Block::Thinking { text, signature } => {
                    b.s("type", "thinking").s("thinking", text).s("signature", signature);
                }
                Block::Text(text) => {
                    b.s("type", "text").s("text", text);
                }
                Block::ToolUse(call) => {
                    b.s("type", "tool_use").s("id", &call.id).s("name", call.name).raw("input", &call.input);
                    if self.era == Era::V3 {
                        b.o("caller", |c| {
                            c.s("type", "direct");
                        });
                    }
                }
            }
            b.close();
            let uuid = self.uuid();
            let ts = self.tick(300, 6_000);
            let era = self.era;
            let mut o = self.header(out, "assistant");
            o.o("message", |m| {
                if era == Era::V1 {
                    m.s("id", &message_id).s("type", "message").s("role", "assistant").s("model", model);
                } else {
                    m.s("model", model).s("id", &message_id).s("type", "message").s("role", "assistant");
                }
                m.a("content", |a| {
                    a.raw(&block_json);
                });
                m.raw("stop_reason", if era == Era::V1 { b"null" } else { stop_json(stop) })
                    .raw("stop_sequence", b"null");
                if era == Era::V3 {
                    m.raw("stop_details", b"null");
                }
                m.o("usage", |u| write_usage(u, era, &Usage { output, ..usage }));
            });
            o.s("requestId", &request_id).s("uuid", &uuid).s("timestamp", &ts).close();
            out.push(b'\n');
            self.parent = Some(uuid);
            if let Block::ToolUse(call) = block {
                calls.push(call);
            }
        }
        calls
    }

    pub fn user_prompt(&mut self, out: &mut Vec<u8>, prompt: &str, real: bool) {
        let uuid = self.uuid();
        self.user_prompt_with(out, prompt, real, uuid);
    }

    fn user_prompt_with(&mut self, out: &mut Vec<u8>, prompt: &str, real: bool, uuid: String) {
        let ts = self.tick(1_000, 60_000);
        let shape = self.rng.weighted(&[80, 17, 3]);
        let image = if real && shape == 2 {
            let len = if self.small {
                self.rng.log_normal(12_000.0, 0.8, 3_000, 400_000)
            } else {
                self.rng.log_normal(120_000.0, 0.8, 8_000, 2_000_000)
            } as usize;
            text::base64(&mut self.rng, len)
        } else {
            String::new()
        };
        self.fresh += prompt.len() as u64 / 4 + image.len() as u64 / 8;
        let era = self.era;
        let mut o = self.header(out, "user");
        o.o("message", |m| {
            m.s("role", "user");
            if shape == 0 || !real {
                m.s("content", prompt);
            } else {
                m.a("content", |a| {
                    a.o(|b| {
                        b.s("type", "text").s("text", prompt);
                    });
                    if !image.is_empty() {
                        a.o(|b| {
                            b.s("type", "image").o("source", |s| {
                                s.s("type", "base64").s("media_type", "image/png").s("data", &image);
                            });
                        });
                    }
                });
            }
        });
        o.s("uuid", &uuid).s("timestamp", &ts);
        if era == Era::V3 && real {
            o.s("permissionMode", "default");
        }
        if era == Era::V2 && real {
            o.o("thinkingMetadata", |t| {
                t.s("level", "high").b("disabled", false).a("triggers", |_| {});
            })
            .a("todos", |_| {});
        }
        o.close();
        out.push(b'\n');
        self.parent = Some(uuid);
    }

    /// System, title, rate-limit and bookkeeping lines that end a turn.
    fn end_turn(&mut self, out: &mut Vec<u8>) {
        if self.rng.chance(0.01) {
            self.synthetic(out);
        }
        if self.era == Era::V3 {
            if self.rng.chance(0.3) {
                self.system(out, "stop_hook_summary");
            }
            if self.rng.chance(0.5) {
                self.system(out, "turn_duration");
            }
            if self.rng.chance(0.03) {
                self.system(out, "local_command");
            }
            if self.rng.chance(0.005) {
                self.system(out, "api_error");
            }
            if self.rng.chance(0.6) {
                let prompt = text::phrase(&mut self.rng, 12);
                let mut o = Obj::open(out);
                o.s("type", "last-prompt").s("lastPrompt", &prompt).s("sessionId", &self.session_id).close();
                out.push(b'\n');
            }
            if !self.titled && self.rng.chance(0.5) {
                self.titled = true;
                let (kind, key) =
                    if self.rng.chance(0.08) { ("custom-title", "customTitle") } else { ("ai-title", "aiTitle") };
                let title = text::phrase(&mut self.rng, 5);
                let mut o = Obj::open(out);
                o.s("type", kind).s("sessionId", &self.session_id).s(key, &title).close();
                out.push(b'\n');
            }
        }
    }

    /// A `<synthetic>` rate-limit line; the user comes back hours later.
    fn synthetic(&mut self, out: &mut Vec<u8>) {
        let uuid = self.uuid();
        let id = self.uuid();
        let ts = self.tick(500, 2_000);
        let reset = (self.now / 3_600_000 + 5) * 3_600;
        let message = format!("Claude AI usage limit reached|{reset}");
        let era = self.era;
        let mut o = self.header(out, "assistant");
        o.o("message", |m| {
            m.s("id", &id).s("model", "<synthetic>").s("role", "assistant").s("stop_reason", "stop_sequence");
            m.s("stop_sequence", "").s("type", "message");
            m.o("usage", |u| write_usage(u, era, &Usage::default()));
            m.a("content", |a| {
                a.o(|b| {
                    b.s("type", "text").s("text", &message);
                });
            });
        });
        o.s("uuid", &uuid).s("timestamp", &ts).b("isApiErrorMessage", true).close();
        out.push(b'\n');
        self.parent = Some(uuid);
        self.tick(3_600_000, 5 * 3_600_000);
    }

    pub fn system(&mut self, out: &mut Vec<u8>, subtype: &str) {
        let uuid = self.uuid();
        let ts = self.tick(5, 3_000);
        let tool_use = self.uuid();
        let (duration, count) = (self.rng.range(2_000, 600_000), self.rng.range(2, 200));
        let mut o = self.header(out, "system");
        match subtype {
            "" => {
                o.s("content", "Running \u{1b}[1mPostToolUse:Edit\u{1b}[22m...").b("isMeta", false);
                o.s("toolUseID", &tool_use).s("level", "info");
            }
            "stop_hook_summary" => {
                o.s("subtype", subtype).n("hookCount", 1).a("hookInfos", |a| {
                    a.o(|h| {
                        h.s("command", "~/.claude/hooks/notify.sh idle").n("durationMs", duration % 900);
                    });
                });
                o.a("hookErrors", |_| {}).b("preventedContinuation", false).s("stopReason", "").b("hasOutput", true);
                o.s("level", "suggestion").s("toolUseID", &tool_use);
            }
            "turn_duration" => {
                o.s("subtype", subtype).n("durationMs", duration).n("messageCount", count).b("isMeta", false);
            }
            "local_command" => {
                o.s("subtype", subtype)
                    .s("content", "<command-name>/mcp</command-name>\n<command-message>mcp</command-message>\n<command-args></command-args>")
                    .s("level", "info")
                    .b("isMeta", false);
            }
            "api_error" => {
                o.s("subtype", subtype).s("level", "error").o("error", |e| {
                    e.n("status", 529).raw("requestID", b"null").o("error", |inner| {
                        inner.s("type", "overloaded_error").s("message", "Overloaded");
                    });
                });
                o.n("retryInMs", duration % 30_000).n("retryAttempt", 1).n("maxRetries", 10);
            }
            _ => {
                o.s("subtype", subtype).s("content", "Conversation compacted").b("isMeta", false).s("level", "info");
                o.o("compactMetadata", |c| {
                    c.s("trigger", "auto").n("preTokens", count * 1_000);
                });
            }
        }
        o.s("uuid", &uuid).s("timestamp", &ts).close();
        out.push(b'\n');
        self.parent = Some(uuid);
    }

    /// A compaction: (2.1.x) the summarising call as a sub-agent file, the boundary, the summary.
    fn compact(&mut self, out: &mut Vec<u8>) {
        if self.era == Era::V3 && !self.sidechain {
            let id = format!("acompact-{}", text::hex(&mut self.rng, 16));
            let mut child = self.child(Some(id.clone()), self.model);
            child.context = self.context;
            let mut file = Vec::new();
            child.write_agent(&mut file, "Your task is to create a detailed summary of the conversation so far.", 0);
            self.now = child.now;
            self.extra.push(File {
                path: format!("projects/{}/{}/subagents/agent-{id}.jsonl", self.folder, self.session_id),
                bytes: file,
            });
        }
        self.system(out, "compact_boundary");
        let len = self.rng.range(3_000, 12_000) as usize;
        let summary = format!(
            "This session is being continued from a previous conversation that ran out of context. {}",
            text::prose(&mut self.rng, len)
        );
        let uuid = self.uuid();
        let ts = self.tick(100, 2_000);
        let mut o = self.header(out, "user");
        o.o("message", |m| {
            m.s("role", "user").s("content", &summary);
        });
        o.b("isVisibleInTranscriptOnly", true).b("isCompactSummary", true).s("uuid", &uuid).s("timestamp", &ts).close();
        out.push(b'\n');
        self.parent = Some(uuid);
        self.context = self.rng.range(15_000, 30_000);
        self.fresh = 0;
        self.compact_at = self.rng.range(120_000, 190_000);
    }

    fn snapshot(&mut self, out: &mut Vec<u8>, message_id: &str) {
        let ts = timestamp(self.now);
        let backups: Vec<(String, String)> =
            self.tracked.iter().map(|path| (path.clone(), text::hex(&mut self.rng, 16))).collect();
        let mut o = Obj::open(out);
        o.s("type", "file-history-snapshot").s("messageId", message_id).o("snapshot", |s| {
            s.s("messageId", message_id)
                .o("trackedFileBackups", |t| {
                    for (i, (path, backup)) in backups.iter().enumerate() {
                        t.o(path, |b| {
                            b.s("backupFileName", &format!("{backup}@v{}", i + 1)).n("version", i as u64 + 1);
                            b.s("backupTime", &ts);
                        });
                    }
                })
                .s("timestamp", &ts);
        });
        o.b("isSnapshotUpdate", false).close();
        out.push(b'\n');
    }

    fn queue_operation(&mut self, out: &mut Vec<u8>, prompt: &str) {
        let ts = self.tick(10, 500);
        let mut o = Obj::open(out);
        o.s("type", "queue-operation").s("operation", "enqueue").s("timestamp", &ts).s("content", prompt);
        o.s("sessionId", &self.session_id).close();
        out.push(b'\n');
        let ts = self.tick(10, 500);
        let mut o = Obj::open(out);
        o.s("type", "queue-operation").s("operation", "dequeue").s("timestamp", &ts).s("sessionId", &self.session_id);
        o.close();
        out.push(b'\n');
    }

    fn attachment(&mut self, out: &mut Vec<u8>, kind: &str) {
        let uuid = self.uuid();
        let ts = self.tick(5, 500);
        let tool_use = self.uuid();
        let path = text::file_path(&mut self.rng, &self.cwd);
        let len = self.rng.range(200, 3_000) as usize;
        let snippet = text::numbered(&text::code(&mut self.rng, len));
        let todos: Vec<String> = (0..self.rng.range(1, 6)).map(|_| text::phrase(&mut self.rng, 6)).collect();
        let mut o = self.header(out, "attachment");
        o.o("attachment", |a| {
            a.s("type", kind);
            match kind {
                "hook_success" => {
                    a.s("hookName", "SessionStart:startup").s("toolUseID", &tool_use).s("hookEvent", "SessionStart");
                    a.s("content", "").s("stdout", "{\"hookSpecificOutput\": {\"hookEventName\": \"SessionStart\"}}");
                    a.s("stderr", "").n("exitCode", 0).s("command", "~/.claude/hooks/start.sh").n("durationMs", 212);
                }
                "edited_text_file" => {
                    a.s("filename", &path).s("snippet", &snippet);
                }
                _ => {
                    a.a("content", |c| {
                        for todo in &todos {
                            c.o(|t| {
                                t.s("content", todo).s("status", "pending").s("activeForm", todo);
                            });
                        }
                    })
                    .n("itemCount", todos.len() as u64);
                }
            }
        });
        o.s("uuid", &uuid).s("timestamp", &ts).close();
        out.push(b'\n');
    }
}

fn stop_json(stop: &str) -> &'static [u8] {
    if stop == "tool_use" { b"\"tool_use\"" } else { b"\"end_turn\"" }
}

/// `usage` as each era writes it.
pub(crate) fn write_usage(u: &mut Obj, era: Era, usage: &Usage) {
    u.n("input_tokens", usage.input)
        .n("cache_creation_input_tokens", usage.cache_creation)
        .n("cache_read_input_tokens", usage.cache_read);
    if era != Era::V1 {
        let (five, hour) = if era == Era::V3 { (0, usage.cache_creation) } else { (usage.cache_creation, 0) };
        u.o("cache_creation", |c| {
            c.n("ephemeral_5m_input_tokens", five).n("ephemeral_1h_input_tokens", hour);
        });
    }
    u.n("output_tokens", usage.output);
    if era == Era::V3 || usage.web_searches > 0 {
        u.o("server_tool_use", |s| {
            s.n("web_search_requests", usage.web_searches).n("web_fetch_requests", 0);
        });
    }
    u.s("service_tier", "standard");
    if era == Era::V3 {
        u.s("inference_geo", "").a("iterations", |a| {
            a.o(|i| {
                i.n("input_tokens", usage.input).n("output_tokens", usage.output);
                i.n("cache_read_input_tokens", usage.cache_read).n("cache_creation_input_tokens", usage.cache_creation);
                i.s("type", "message");
            });
        });
        u.s("speed", "standard");
    }
}

/// Appends `text` as a JSON string to a fresh buffer.
pub(crate) fn json_string(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    string(&mut out, text);
    out
}
