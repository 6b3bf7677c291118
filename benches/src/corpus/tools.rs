//! Tool calls and their results: what each tool's input, result text and `toolUseResult` look
//! like, with realistic sizes (a `Read` result and its `toolUseResult` both hold the file), and
//! sub-agents started by `Task` in the layout of the era.

use super::session::{Session, json_string, write_usage};
use super::{Era, File};
use crate::json::Obj;
use crate::text;

/// A `tool_use` block: what the result needs to know about it.
pub(crate) struct Call {
    pub id: String,
    pub name: &'static str,
    /// The `input` object, as JSON.
    pub input: Vec<u8>,
    /// The file, command, query or prompt the call is about.
    pub arg: String,
}

const TOOLS: &[&str] =
    &["Read", "Bash", "Edit", "Grep", "Glob", "Write", "TodoWrite", "WebFetch", "WebSearch", "Screenshot", "Task"];
const WEIGHTS: &[u32] = &[25, 22, 14, 8, 5, 5, 6, 2, 1, 1, 3];

impl Session {
    /// Chooses the next tool call and its input.
    pub fn call(&mut self) -> Call {
        let mut name = TOOLS[self.rng.weighted(WEIGHTS)];
        let may_task = self.allow_tasks && self.agents < 6 && self.budget > 20_000;
        if self.force_task && self.agents == 0 {
            name = "Task";
        } else if name == "Task" && !may_task {
            name = "Read";
        }
        let id = text::api_id(&mut self.rng, "toolu_01", 22);
        let path = text::file_path(&mut self.rng, &self.cwd);
        let mut input = Vec::new();
        let mut o = Obj::open(&mut input);
        let arg = match name {
            "Read" | "Write" | "Edit" => {
                o.s("file_path", &path);
                if name == "Edit" {
                    let len = self.rng.range(100, 2_000) as usize;
                    let old = text::code(&mut self.rng, len);
                    let new = text::code(&mut self.rng, len);
                    o.s("old_string", &old).s("new_string", &new);
                } else if name == "Write" {
                    let len = self.rng.log_normal(3_000.0, 1.0, 100, 60_000) as usize;
                    let content = text::code(&mut self.rng, len);
                    o.s("content", &content);
                }
                if name != "Read" && !self.tracked.contains(&path) && self.tracked.len() < 12 {
                    self.tracked.push(path.clone());
                }
                path
            }
            "Bash" => {
                let command = format!("cargo test -p {} -- {}", text::word(&mut self.rng), text::word(&mut self.rng));
                let description = text::phrase(&mut self.rng, 4);
                o.s("command", &command).s("description", &description);
                command
            }
            "Grep" | "Glob" => {
                let pattern = format!("{}.*{}", text::word(&mut self.rng), text::word(&mut self.rng));
                o.s("pattern", &pattern);
                if name == "Grep" {
                    o.s("path", &self.cwd).s("output_mode", "files_with_matches");
                }
                pattern
            }
            "TodoWrite" => {
                let todos: Vec<String> = (0..self.rng.range(2, 8)).map(|_| text::phrase(&mut self.rng, 7)).collect();
                o.a("todos", |a| {
                    for todo in &todos {
                        a.o(|t| {
                            t.s("content", todo).s("status", "pending").s("activeForm", todo);
                        });
                    }
                });
                todos.join("\n")
            }
            "WebFetch" | "WebSearch" => {
                let query = text::phrase(&mut self.rng, 5);
                if name == "WebFetch" {
                    o.s("url", &format!("https://docs.example.com/{}", text::word(&mut self.rng))).s("prompt", &query);
                } else {
                    o.s("query", &query);
                }
                query
            }
            "Task" => {
                let len = self.rng.log_normal(700.0, 0.8, 100, 8_000) as usize;
                let prompt = text::prose(&mut self.rng, len);
                let description = text::phrase(&mut self.rng, 4);
                let kind = *self.rng.pick(&["general-purpose", "Explore", "Plan"]);
                o.s("description", &description).s("prompt", &prompt).s("subagent_type", kind);
                prompt
            }
            _ => String::new(),
        };
        o.close();
        let name = if name == "Screenshot" { "mcp__playwright__browser_take_screenshot" } else { name };
        Call { id, name, input, arg }
    }

    /// Writes the result of `call` (and, for `Task`, the sub-agent run it started).
    pub fn result(&mut self, out: &mut Vec<u8>, call: Call, target: usize) {
        let room = target.saturating_sub(out.len()).max(if self.small { 512 } else { 2_048 }) / 2;
        let error = call.name != "Task" && self.rng.chance(0.04);
        let hooks = self.era == Era::V3 && self.rng.chance(0.35);
        if hooks {
            self.hook_progress(out, "PreToolUse", &call);
        }
        let (content, extra) = if error {
            let message = "File does not exist.";
            (
                json_string(&format!("<tool_use_error>{message}</tool_use_error>")),
                json_string(&format!("Error: {message}")),
            )
        } else if call.name == "Task" {
            self.task(out, &call, target)
        } else {
            self.output(&call, room)
        };
        if hooks {
            self.hook_progress(out, "PostToolUse", &call);
        }
        self.fresh += content.len() as u64 / 4;
        let uuid = self.uuid();
        let slow = if call.name == "Bash" { 60_000 } else { 3_000 };
        let ts = self.tick(50, slow);
        let source = self.parent.clone();
        let era = self.era;
        let mut o = self.header(out, "user");
        o.o("message", |m| {
            m.s("role", "user").a("content", |a| {
                a.o(|b| {
                    b.s("tool_use_id", &call.id).s("type", "tool_result").raw("content", &content);
                    if error || era == Era::V3 {
                        b.b("is_error", error);
                    }
                });
            });
        });
        o.s("uuid", &uuid).s("timestamp", &ts).raw("toolUseResult", &extra);
        if let (Era::V3, Some(source)) = (era, source) {
            o.s("sourceToolAssistantUUID", &source);
        }
        o.close();
        out.push(b'\n');
        self.parent = Some(uuid);
        if self.era == Era::V1 && call.name == "Edit" && self.version >= "1.0.56" && self.rng.chance(0.5) {
            self.system(out, "");
        }
    }

    /// The result `content` and `toolUseResult` of a tool other than `Task`, at most about
    /// `room` bytes.
    fn output(&mut self, call: &Call, room: usize) -> (Vec<u8>, Vec<u8>) {
        let mut extra = Vec::new();
        let mut o = Obj::open(&mut extra);
        let content = match call.name {
            "Read" => {
                let big = self.rng.chance(0.01);
                let len = if big {
                    self.rng.range(300_000, 2_000_000)
                } else {
                    self.rng.log_normal(5_000.0, 1.2, 50, 400_000)
                };
                let code = text::code(&mut self.rng, (len as usize).min(room));
                let lines = code.lines().count() as u64;
                o.s("type", "text").o("file", |f| {
                    f.s("filePath", &call.arg).s("content", &code).n("numLines", lines).n("startLine", 1);
                    f.n("totalLines", lines);
                });
                json_string(&text::numbered(&code))
            }
            "Bash" => {
                let len = self.rng.log_normal(700.0, 1.5, 0, 200_000) as usize;
                let stdout = text::code(&mut self.rng, len.min(room));
                o.s("stdout", &stdout).s("stderr", "").b("interrupted", false).b("isImage", false);
                json_string(&stdout)
            }
            "Edit" => {
                let len = self.rng.log_normal(8_000.0, 1.0, 200, 300_000) as usize;
                let original = text::code(&mut self.rng, len.min(room));
                let snippet = text::numbered(text::cut(&original, 1_500));
                o.s("filePath", &call.arg).s("originalFile", &original).a("structuredPatch", |a| {
                    a.o(|p| {
                        p.n("oldStart", 10).n("oldLines", 3).n("newStart", 10).n("newLines", 4);
                        p.a("lines", |l| {
                            l.s(" context").s("-old line").s("+new line").s("+another");
                        });
                    });
                });
                o.b("userModified", false).b("replaceAll", false);
                let message = format!(
                    "The file {} has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\n{snippet}",
                    call.arg
                );
                json_string(&message)
            }
            "Write" => {
                o.s("type", "create").s("filePath", &call.arg).a("structuredPatch", |_| {});
                json_string(&format!("File created successfully at: {}", call.arg))
            }
            "Grep" | "Glob" => {
                let files: Vec<String> =
                    (0..self.rng.range(0, 40)).map(|_| text::file_path(&mut self.rng, &self.cwd)).collect();
                o.a("filenames", |a| {
                    for file in &files {
                        a.s(file);
                    }
                })
                .n("numFiles", files.len() as u64)
                .n("durationMs", self.rng.range(2, 300));
                json_string(&if files.is_empty() { "No files found".to_owned() } else { files.join("\n") })
            }
            "TodoWrite" => {
                o.a("oldTodos", |_| {}).a("newTodos", |a| {
                    for todo in call.arg.lines() {
                        a.o(|t| {
                            t.s("content", todo).s("status", "pending").s("activeForm", todo);
                        });
                    }
                });
                json_string(
                    "Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.",
                )
            }
            "WebFetch" | "WebSearch" => {
                let len = self.rng.log_normal(3_000.0, 0.8, 100, 50_000) as usize;
                let result = text::prose(&mut self.rng, len.min(room));
                o.s("query", &call.arg).s("result", &result).n("durationMs", self.rng.range(500, 9_000));
                json_string(&result)
            }
            _ => {
                // A screenshot: the image travels as base64 in the result blocks.
                let len = self.rng.log_normal(150_000.0, 0.6, 10_000, 1_500_000) as usize;
                let floor = if self.small { 3_000 } else { 10_000 };
                let image = text::base64(&mut self.rng, len.min(room.max(floor)));
                let mut blocks = Vec::new();
                let mut a = crate::json::Arr::open(&mut blocks);
                a.o(|b| {
                    b.s("type", "text").s("text", "Took the screenshot");
                });
                a.o(|b| {
                    b.s("type", "image").o("source", |s| {
                        s.s("type", "base64").s("media_type", "image/png").s("data", &image);
                    });
                });
                a.close();
                o.close();
                return (blocks, b"[{\"type\":\"text\",\"text\":\"Took the screenshot\"}]".to_vec());
            }
        };
        o.close();
        (content, extra)
    }

    /// A sub-agent run in the era's layout; returns the Task result and its `toolUseResult`
    /// (which repeats the sub-agent's last usage: never to be counted).
    fn task(&mut self, out: &mut Vec<u8>, call: &Call, target: usize) -> (Vec<u8>, Vec<u8>) {
        self.agents += 1;
        let want = self.rng.log_normal(70_000.0, 1.3, 3_000, 16 << 20) as usize;
        let model = if self.rng.chance(0.4) { self.era.small_model() } else { self.model };
        let agent_id = match self.era {
            Era::V1 => None,
            Era::V2 => Some(text::hex(&mut self.rng, 8)),
            Era::V3 => Some(format!("a{}", text::hex(&mut self.rng, 16))),
        };
        let mut child = self.child(agent_id.clone(), model);
        let started = self.now;
        let mut file = Vec::new();
        let size =
            if self.era == Era::V1 { want.min(target.saturating_sub(out.len()) / 2) } else { want.min(self.budget) };
        child.write_agent(&mut file, &call.arg, size.max(2_000));
        self.now = child.now;
        let usage = child.last;
        let tools = file.windows(10).filter(|w| w == b"\"tool_use\"").count() as u64;
        match (self.era, &agent_id) {
            (Era::V1, _) | (_, None) => {
                self.inline_agents += 1;
                out.extend_from_slice(&file);
            }
            (Era::V2, Some(id)) => {
                self.budget = self.budget.saturating_sub(file.len());
                self.extra.push(File { path: format!("projects/{}/agent-{id}.jsonl", self.folder), bytes: file });
            }
            (Era::V3, Some(id)) => {
                self.budget = self.budget.saturating_sub(file.len());
                self.agent_progress(out, call, &file, id);
                let base = format!("projects/{}/{}/subagents/agent-{id}", self.folder, self.session_id);
                if self.rng.chance(0.6) {
                    let mut meta = Vec::new();
                    Obj::open(&mut meta).s("agentType", "general-purpose").s("description", "Explore the code").close();
                    self.extra.push(File { path: format!("{base}.meta.json"), bytes: meta });
                }
                self.extra.push(File { path: format!("{base}.jsonl"), bytes: file });
            }
        }
        let len = self.rng.log_normal(1_500.0, 0.7, 100, 20_000) as usize;
        let answer = text::prose(&mut self.rng, len);
        let mut content = Vec::new();
        let mut a = crate::json::Arr::open(&mut content);
        a.o(|b| {
            b.s("type", "text").s("text", &answer);
        });
        a.close();
        let era = self.era;
        let mut extra = Vec::new();
        let mut o = Obj::open(&mut extra);
        o.s("status", "completed").s("prompt", &call.arg);
        if let Some(id) = &agent_id {
            o.s("agentId", id);
        }
        o.raw("content", &content).n("totalDurationMs", (self.now - started).max(0) as u64);
        o.n("totalTokens", usage.input + usage.cache_creation + usage.cache_read + usage.output);
        o.n("totalToolUseCount", tools).o("usage", |u| write_usage(u, era, &usage)).close();
        (content, extra)
    }

    /// 2.1.x `progress` lines that embed copies of the sub-agent's lines, usage included.
    fn agent_progress(&mut self, out: &mut Vec<u8>, call: &Call, file: &[u8], agent_id: &str) {
        let lines: Vec<&[u8]> = file.split(|&b| b == b'\n').filter(|line| !line.is_empty()).collect();
        let step = (lines.len() / 8).max(1);
        for line in lines.iter().step_by(step).take(8) {
            let uuid = self.uuid();
            let ts = self.tick(5, 200);
            let mut o = self.header(out, "progress");
            o.o("data", |d| {
                d.raw("message", line).a("normalizedMessages", |_| {}).s("type", "agent_progress");
                d.s("prompt", text::cut(&call.arg, 200)).s("agentId", agent_id);
            });
            o.s("toolUseID", &call.id).s("parentToolUseID", &call.id).s("uuid", &uuid).s("timestamp", &ts).close();
            out.push(b'\n');
        }
    }

    fn hook_progress(&mut self, out: &mut Vec<u8>, event: &str, call: &Call) {
        let uuid = self.uuid();
        let ts = self.tick(5, 300);
        let mut o = self.header(out, "progress");
        o.o("data", |d| {
            d.s("type", "hook_progress").s("hookEvent", event).s("hookName", &format!("{event}:{}", call.name));
            d.s("command", "~/.claude/hooks/format.sh");
        });
        o.s("parentToolUseID", &call.id).s("toolUseID", &call.id).s("uuid", &uuid).s("timestamp", &ts).close();
        out.push(b'\n');
    }
}
