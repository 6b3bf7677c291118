//! [`Analyzer`]: splits pushed bytes into lines and turns each line into facts.

use crate::hash::HashMap;
use std::sync::Arc;

use memchr::memchr_iter;

use super::api_id::ApiId;
use super::facts::{
    Attrs, Fact, Facts, Order, ResponseFact, ResponseKey, ResponsePart, SummaryFact, SyntheticFact, SystemFact,
    TitleFact, UserFact,
};
use super::line_id::LineId;
use super::record::RecordSet;
use crate::api::MessageKind;
use crate::dataset::Dataset;
use crate::money::pico_from_usd;
use crate::parse::{Content, Line, LineKind, cut_chars, parse_line, render_blocks, user_kind};
use crate::pricing::PriceTable;

/// Lines longer than this are line errors (their bytes are skipped, not buffered).
pub const MAX_LINE_BYTES: usize = 32 * 1024 * 1024;

/// Longest session title, in characters.
const TITLE_CHARS: usize = 80;

/// Tool names a file shares copies of.
const TOOL_NAMES: usize = 64;

/// Which sessions keep their rendered conversation for session detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageCapture {
    /// None: figures only.
    None,
    /// Every session.
    All,
    /// One session id.
    Session(String),
}

impl MessageCapture {
    /// Whether `session`'s conversation is kept.
    pub fn wants(&self, session: &str) -> bool {
        match self {
            MessageCapture::None => false,
            MessageCapture::All => true,
            MessageCapture::Session(id) => id == session,
        }
    }
}

/// A line that could not be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The file, as pushed.
    pub file: String,
    /// 1-based line number.
    pub line: u32,
    /// What is wrong with it.
    pub reason: String,
}

/// Counts of what was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Files ended.
    pub files: u64,
    /// Non-blank lines read.
    pub lines: u64,
    /// Bytes pushed.
    pub bytes: u64,
}

/// The result of an analysis: the data, plus the lines that could not be read.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Sessions, responses and the rest, ready for queries.
    pub dataset: Dataset,
    /// Line errors, ordered by file and line.
    pub errors: Vec<LineError>,
    /// Counts of what was read.
    pub stats: IngestStats,
}

/// Collects facts from transcript bytes pushed file by file, in chunks of any size.
///
/// ```
/// use cc_analytics_core::{Analyzer, MessageCapture, PriceTable};
/// let mut analyzer = Analyzer::new(MessageCapture::None);
/// analyzer.push("-home-me-app/s1.jsonl", br#"{"type":"user","sessionId":"s1","uuid":"u1","#);
/// analyzer.push("-home-me-app/s1.jsonl", b"\"timestamp\":\"2025-01-01T00:00:00Z\",\"message\":{\"content\":\"hi\"}}\n");
/// let analysis = analyzer.finish(&PriceTable::builtin());
/// assert_eq!(analysis.dataset.sessions.len(), 1);
/// ```
#[derive(Debug)]
pub struct Analyzer {
    capture: MessageCapture,
    files: HashMap<Arc<str>, FileState>,
    facts: Facts,
    errors: Vec<LineError>,
    stats: IngestStats,
}

/// Per-file reading state: the unfinished last line and recently seen strings.
#[derive(Debug)]
struct FileState {
    path: Arc<str>,
    pending: Vec<u8>,
    /// The pending line grew past [`MAX_LINE_BYTES`]: skip to its end.
    overlong: bool,
    line: u32,
    /// The session of the line being recorded: its `sessionId`, else the file's session.
    session: Arc<str>,
    /// The session the file's path names (ACCOUNTING.md "Sessions"): a main transcript's name, or
    /// the folder of a `<session>/subagents/` file. A flat `agent-<id>.jsonl` names none: its
    /// lines without `sessionId` take that of the line before.
    named: Option<Arc<str>>,
    recent: Vec<Arc<str>>,
    /// The tool names its lines have called so far.
    tools: Vec<Arc<str>>,
    /// The context of the last counted line, for the next lines that carry the same.
    attrs: Option<Arc<Attrs>>,
}

impl Analyzer {
    /// An empty analyzer.
    pub fn new(capture: MessageCapture) -> Self {
        Self {
            capture,
            files: HashMap::default(),
            facts: Facts::default(),
            errors: Vec::new(),
            stats: IngestStats::default(),
        }
    }

    /// Feeds the next bytes of `file` (its path below `projects/`, e.g. `-home-me-app/<id>.jsonl`).
    pub fn push(&mut self, file: &str, bytes: &[u8]) {
        self.stats.bytes += bytes.len() as u64;
        let state = self.files.entry(Arc::from(file)).or_insert_with_key(|path| FileState::new(path.clone()));
        let mut start = 0;
        for end in memchr_iter(b'\n', bytes) {
            let piece = &bytes[start..end];
            start = end + 1;
            if state.pending.is_empty() && !state.overlong {
                ingest(&mut self.facts, &mut self.errors, &mut self.stats, &self.capture, state, piece);
            } else {
                state.append(piece);
                let line = std::mem::take(&mut state.pending);
                ingest(&mut self.facts, &mut self.errors, &mut self.stats, &self.capture, state, &line);
                state.pending = line;
                state.pending.clear();
                state.overlong = false;
            }
        }
        state.append(&bytes[start..]);
    }

    /// Ends `file`: a last line without a newline is read now.
    pub fn end_file(&mut self, file: &str) {
        if let Some(mut state) = self.files.remove(file) {
            if !state.pending.is_empty() || state.overlong {
                let line = std::mem::take(&mut state.pending);
                ingest(&mut self.facts, &mut self.errors, &mut self.stats, &self.capture, &mut state, &line);
            }
            self.stats.files += 1;
        }
    }

    /// Stops reading `file` without its unfinished last line: those bytes are dropped unread, so
    /// an incremental reader can resume at the start of that line once it is complete. Returns
    /// the number of the file's last whole line (counting from [`Analyzer::resume_file`]'s
    /// `lines_before`), 0 for a file that is not open.
    pub fn suspend_file(&mut self, file: &str) -> u32 {
        match self.files.remove(file) {
            Some(state) => {
                self.stats.files += 1;
                state.line
            }
            None => 0,
        }
    }

    /// Folds another analyzer's facts into this one (for reading files in parallel).
    pub fn merge(&mut self, other: Analyzer) {
        let mut other = other;
        other.end_all();
        self.facts.merge(other.facts);
        self.errors.extend(other.errors);
        self.stats.files += other.stats.files;
        self.stats.lines += other.stats.lines;
        self.stats.bytes += other.stats.bytes;
    }

    /// Starts reading `file` in the middle: its next line is line `lines_before + 1` (for an
    /// incremental read that resumes where the last one stopped).
    pub fn resume_file(&mut self, file: &str, lines_before: u32) {
        let state = self.files.entry(Arc::from(file)).or_insert_with_key(|path| FileState::new(path.clone()));
        state.line = lines_before;
    }

    /// Applies the accounting rules to everything pushed and returns the result.
    pub fn finish(self, prices: &PriceTable) -> Analysis {
        let capture = self.capture.clone();
        let (records, errors, stats) = self.into_records();
        Analysis { dataset: records.build(prices, &capture), errors, stats }
    }

    /// Everything pushed as records (for storage), with the line errors and counts.
    pub fn into_records(mut self) -> (RecordSet, Vec<LineError>, IngestStats) {
        self.end_all();
        let mut errors = self.errors;
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        (RecordSet(self.facts), errors, self.stats)
    }

    fn end_all(&mut self) {
        let open: Vec<Arc<str>> = self.files.keys().cloned().collect();
        for file in open {
            self.end_file(&file);
        }
    }
}

impl FileState {
    fn new(path: Arc<str>) -> Self {
        let mut parts = path.rsplit('/');
        let name = parts.next().unwrap_or(&path);
        let stem = name.strip_suffix(".jsonl").unwrap_or(name);
        let named = match (parts.next(), parts.next()) {
            (Some("subagents"), Some(session)) => Some(session),
            _ if stem.starts_with("agent-") => None,
            _ => Some(stem),
        };
        let named: Option<Arc<str>> = named.map(Arc::from);
        Self {
            session: named.clone().unwrap_or_else(|| Arc::from(stem)),
            named,
            path,
            pending: Vec::new(),
            overlong: false,
            line: 0,
            recent: Vec::new(),
            tools: Vec::new(),
            attrs: None,
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.overlong {
            return;
        }
        if self.pending.len() + bytes.len() > MAX_LINE_BYTES {
            self.overlong = true;
            self.pending = Vec::new();
        } else {
            self.pending.extend_from_slice(bytes);
        }
    }

    /// A shared copy of `text`, reusing one from recent lines (paths, ids and branches repeat).
    fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(found) = self.recent.iter().find(|s| &***s == text) {
            return found.clone();
        }
        let fresh: Arc<str> = Arc::from(text);
        if self.recent.len() >= 8 {
            self.recent.remove(0);
        }
        self.recent.push(fresh.clone());
        fresh
    }

    /// A shared copy of a tool's name: a session calls a few tools many times. Only the first
    /// [`TOOL_NAMES`] names are kept for sharing, so a file of made-up names stays linear.
    fn tool(&mut self, name: &str) -> Arc<str> {
        if let Some(found) = self.tools.iter().find(|s| &***s == name) {
            return found.clone();
        }
        let fresh: Arc<str> = Arc::from(name);
        if self.tools.len() < TOOL_NAMES {
            self.tools.push(fresh.clone());
        }
        fresh
    }
}

/// `make` of each of `items`, in a list of exactly their number: facts keep these lists as long
/// as they live, and most hold one item or none.
fn exactly<I: Iterator + Clone, T>(items: I, make: impl FnMut(I::Item) -> T) -> Box<[T]> {
    let mut list = Vec::with_capacity(items.clone().count());
    list.extend(items.map(make));
    list.into_boxed_slice()
}

fn ingest(
    facts: &mut Facts,
    errors: &mut Vec<LineError>,
    stats: &mut IngestStats,
    capture: &MessageCapture,
    state: &mut FileState,
    bytes: &[u8],
) {
    state.line += 1;
    let number = state.line;
    let error = |reason: String| LineError { file: state.path.to_string(), line: number, reason };
    if state.overlong || bytes.len() > MAX_LINE_BYTES {
        errors.push(error(format!("line longer than {MAX_LINE_BYTES} bytes")));
        return;
    }
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match parse_line(bytes) {
        Ok(Some(line)) => {
            stats.lines += 1;
            record(facts, capture, state, number, line);
        }
        Ok(None) => {}
        Err(reason) => {
            stats.lines += 1;
            errors.push(error(reason));
        }
    }
}

fn record(facts: &mut Facts, capture: &MessageCapture, state: &mut FileState, number: u32, line: Line<'_>) {
    match line.session_id.as_deref() {
        Some(session) if &*state.session != session => state.session = state.intern(session),
        Some(_) => {}
        None => {
            if let Some(named) = &state.named {
                state.session = named.clone();
            }
        }
    }
    let order = Order { ts: line.timestamp.unwrap_or(0), file: state.path.clone(), line: number };
    // A line without a `uuid` goes by its position; only the kinds that are deduplicated by it
    // need one.
    let line_id = || match line.uuid.as_deref() {
        Some(uuid) => LineId::new(uuid),
        None => LineId::new(&format!("{}:{number}", state.path)),
    };
    match line.kind {
        LineKind::User => {
            let uuid = line_id();
            let attrs = attrs(state, &line);
            let captured = capture.wants(&attrs.session);
            let kind = user_kind(&line);
            let content = line.message.as_ref().map(|m| &m.content).unwrap_or(&Content::None);
            let tool_results = match content {
                Content::Blocks(blocks) => {
                    let results = blocks
                        .iter()
                        .filter(|b| b.kind == "tool_result")
                        .filter_map(|b| Some((b.tool_use_id.as_deref()?, b.is_error == Some(true))));
                    exactly(results, |(id, is_error)| (ApiId::new(id), is_error))
                }
                _ => Box::default(),
            };
            let title = (kind == MessageKind::Prompt && !attrs.sidechain).then(|| prompt_title(content)).flatten();
            let text = captured.then(|| rendered(content));
            facts.add(Fact::User(Box::new(UserFact { order, uuid, attrs, kind, tool_results, title, text })));
        }
        LineKind::Assistant => {
            let uuid = line_id();
            let attrs = attrs(state, &line);
            let Some(message) = line.message.as_ref() else { return };
            let model = message.model.as_deref().unwrap_or("unknown");
            if model == "<synthetic>" {
                facts.add(Fact::Synthetic(Box::new(SyntheticFact { order, uuid, attrs })));
                return;
            }
            let key = match (message.id.as_deref(), line.request_id.as_deref()) {
                (Some(id), Some(request)) => ResponseKey::Request(ApiId::new(id), ApiId::new(request)),
                (Some(id), None) => ResponseKey::Session(ApiId::new(id), attrs.session.clone()),
                (None, _) => ResponseKey::Line(uuid.clone()),
            };
            let tool_uses = match &message.content {
                Content::Blocks(blocks) => {
                    exactly(blocks.iter().enumerate().filter(|(_, b)| b.kind == "tool_use"), |(i, b)| {
                        let id = b.id.as_deref().map_or_else(|| ApiId::new(&format!("{uuid}#{i}")), ApiId::new);
                        (id, state.tool(b.name.as_deref().unwrap_or("unknown")))
                    })
                }
                _ => Box::default(),
            };
            let text = if capture.wants(&attrs.session) {
                let mut parts = Vec::new();
                render_blocks(&message.content, &mut parts);
                parts.into_boxed_slice()
            } else {
                Box::default()
            };
            let usage = message.usage.unwrap_or_default();
            let message_id = match &key {
                ResponseKey::Request(id, _) | ResponseKey::Session(id, _) => Some(id.clone()),
                ResponseKey::Line(_) => None,
            };
            let fact = ResponseFact {
                key,
                first: order.clone(),
                model: state.intern(model),
                message_id,
                last_ts: order.ts,
                best: (usage.output, order.clone()),
                usage,
                cost_usd: line.cost_usd.map(pico_from_usd),
                all_sidechain: attrs.sidechain,
                parts: vec![ResponsePart { order, uuid: line.uuid.is_some().then(|| uuid.clone()), tool_uses, text }],
                attrs,
            };
            facts.add(Fact::Response(Box::new(fact)));
        }
        LineKind::System => {
            let uuid = line_id();
            let attrs = attrs(state, &line);
            let compaction = line.subtype.as_deref() == Some("compact_boundary");
            facts.add(Fact::System(Box::new(SystemFact { order, uuid, attrs, compaction })));
        }
        LineKind::Summary => {
            if let Some((text, leaf)) = &line.summary {
                facts.add(Fact::Summary(Box::new(SummaryFact {
                    leaf: Arc::from(&**leaf),
                    text: Arc::from(&**text),
                    order,
                })));
            }
        }
        LineKind::CustomTitle | LineKind::AiTitle => {
            if let Some(text) = line.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                facts.add(Fact::Title(Box::new(TitleFact {
                    session: state.session.clone(),
                    custom: line.kind == LineKind::CustomTitle,
                    text: Arc::from(text),
                    order,
                })));
            }
        }
        LineKind::Other => {}
    }
}

/// The line's context: the one the file's previous counted line carried when it is the same.
fn attrs(state: &mut FileState, line: &Line<'_>) -> Arc<Attrs> {
    let fields =
        [&line.cwd, &line.git_branch, &line.version, &line.agent_id].map(|v| v.as_deref().filter(|v| !v.is_empty()));
    if let Some(last) = &state.attrs {
        let held = [&last.cwd, &last.git_branch, &last.version, &last.agent_id].map(|v| v.as_deref());
        if Arc::ptr_eq(&last.session, &state.session)
            && held == fields
            && (last.sidechain, last.is_root) == (line.is_sidechain, line.is_root)
        {
            return last.clone();
        }
    }
    let [cwd, git_branch, version, agent_id] = fields.map(|v| v.map(|v| state.intern(v)));
    let fresh = Arc::new(Attrs {
        cwd,
        git_branch,
        version,
        agent_id,
        session: state.session.clone(),
        sidechain: line.is_sidechain,
        is_root: line.is_root,
    });
    state.attrs = Some(fresh.clone());
    fresh
}

fn rendered(content: &Content<'_>) -> String {
    let mut parts = Vec::new();
    render_blocks(content, &mut parts);
    parts.join("\n\n")
}

/// The title a prompt gives its session: its first text that is not markup Claude Code wraps
/// around commands and selections, on one line, cut to 80 characters.
fn prompt_title(content: &Content<'_>) -> Option<Box<str>> {
    let texts: Vec<&str> = match content {
        Content::Text(text) => vec![text],
        Content::Blocks(blocks) => {
            blocks.iter().filter(|b| b.kind == "text").filter_map(|b| b.text.as_deref()).collect()
        }
        Content::None => Vec::new(),
    };
    let text = texts.into_iter().map(str::trim).find(|t| !t.is_empty() && !t.starts_with('<'))?;
    Some(one_line_cut(text, TITLE_CHARS).into_boxed_str())
}

/// `text`'s words joined by single spaces, cut to `max` characters; only the words it shows are
/// copied (a prompt can be a pasted file).
fn one_line_cut(text: &str, max: usize) -> String {
    let (mut line, mut chars) = (String::new(), 0);
    for word in text.split_whitespace() {
        if chars >= max {
            break;
        }
        if !line.is_empty() {
            line.push(' ');
            chars += 1;
        }
        line.push_str(word);
        chars += word.chars().count();
    }
    cut_chars(&line, max).to_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_title_is_the_text_on_one_line_cut() {
        let long = "word ".repeat(100);
        for text in [
            "",
            "  one  ",
            "a\n\tb   c",
            "é à 😀  ünï",
            long.as_str(),
            &"x".repeat(200),
            &format!("{} tail", "é".repeat(79)),
        ] {
            let whole = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for max in [0, 1, 2, 79, 80, 81] {
                assert_eq!(one_line_cut(text, max), cut_chars(&whole, max), "{text:?} {max}");
            }
        }
    }

    #[test]
    fn a_suspended_file_tells_its_last_whole_line() {
        let mut analyzer = Analyzer::new(MessageCapture::None);
        analyzer.resume_file("-app/s1.jsonl", 5);
        analyzer.push("-app/s1.jsonl", b"{}\n\n{\"type\":\"us");
        analyzer.push("-app/s1.jsonl", b"er\"}\n{\"half");
        assert_eq!(analyzer.suspend_file("-app/s1.jsonl"), 8);
        assert_eq!(analyzer.suspend_file("-app/s1.jsonl"), 0);
    }

    #[test]
    fn lines_of_a_file_with_the_same_context_share_one_copy() {
        let line = |uuid: &str, branch: &str| {
            format!(
                r#"{{"type":"user","sessionId":"s1","uuid":"{uuid}","cwd":"/app","gitBranch":"{branch}","timestamp":"2025-01-01T00:00:00Z","message":{{"content":"hi"}}}}"#
            )
        };
        let mut analyzer = Analyzer::new(MessageCapture::None);
        analyzer.push(
            "-app/s1.jsonl",
            [line("u1", "main"), line("u2", "main"), line("u3", "dev"), String::new()].join("\n").as_bytes(),
        );
        let (records, _, _) = analyzer.into_records();
        let attrs: BTreeMap<String, Arc<Attrs>> = records
            .0
            .into_facts()
            .filter_map(|fact| match fact {
                Fact::User(user) => Some((user.uuid.to_string(), user.attrs)),
                _ => None,
            })
            .collect();
        assert!(Arc::ptr_eq(&attrs["u1"], &attrs["u2"]));
        assert!(!Arc::ptr_eq(&attrs["u2"], &attrs["u3"]));
        assert_eq!(attrs["u3"].git_branch.as_deref(), Some("dev"));
        assert_eq!(attrs["u1"].git_branch.as_deref(), Some("main"));
    }
}
