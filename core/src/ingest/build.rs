//! From facts to a [`Dataset`], one session at a time: drops sidechain replays, prices
//! responses, counts each tool call once, and derives every session field of ACCOUNTING.md
//! "Sessions" and "Messages". The rules that reach across sessions (a tool call is counted once,
//! and failed if its earliest result did; a summary titles the session of its leaf line) keep
//! only the ids they need, so a session's facts can be dropped as soon as it is built.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::hash::{HashMap, HashSet};
use std::sync::Arc;

use super::analyzer::MessageCapture;
use super::api_id::ApiId;
use super::facts::{
    Attrs, Fact, Facts, Order, ResponseFact, SummaryFact, SyntheticFact, SystemFact, TitleFact, UserFact,
};
use super::line_id::LineId;
use crate::api::{self, MessageKind, Role, UtcTime};
use crate::dataset::{Dataset, RateLimitRecord, ResponseRecord, SessionRecord, Tokens, ToolCallRecord};
use crate::money::usd;
use crate::pricing::{PriceTable, response_cost};
use crate::time::{Millis, format_utc};

/// The lines of one session, for times, paths and sub-agents.
#[derive(Default)]
struct Parts<'a> {
    users: Vec<&'a UserFact>,
    /// `(order, attrs)` of every counted line.
    lines: Vec<(&'a Order, &'a Attrs)>,
    compactions: u64,
    rate_limits: Vec<Millis>,
}

/// The facts of each kind, in the boxes they were gathered in (taking them out would copy every
/// fact once more; sorting and filtering move pointers).
#[expect(clippy::vec_box, reason = "facts arrive boxed from their table")]
#[derive(Debug, Default, Clone)]
pub(crate) struct Kinds {
    users: Vec<Box<UserFact>>,
    systems: Vec<Box<SystemFact>>,
    synthetics: Vec<Box<SyntheticFact>>,
    responses: Vec<Box<ResponseFact>>,
    summaries: Vec<Box<SummaryFact>>,
    titles: Vec<Box<TitleFact>>,
}

impl Kinds {
    pub fn add(&mut self, fact: Fact) {
        match fact {
            Fact::User(f) => self.users.push(f),
            Fact::System(f) => self.systems.push(f),
            Fact::Synthetic(f) => self.synthetics.push(f),
            Fact::Response(f) => self.responses.push(f),
            Fact::Summary(f) => self.summaries.push(f),
            Fact::Title(f) => self.titles.push(f),
        }
    }
}

/// Builds the dataset from facts with distinct keys: grouped by session (summaries name none),
/// summaries first, then sessions in id order.
pub(crate) fn build(facts: Facts, prices: &PriceTable, capture: &MessageCapture) -> Dataset {
    let mut summaries = Kinds::default();
    let mut by_session: HashMap<Arc<str>, Kinds> = HashMap::default();
    for fact in facts.into_facts() {
        match fact.session() {
            Some(session) => match by_session.get_mut(&**session) {
                Some(kinds) => kinds.add(fact),
                None => {
                    let session = session.clone();
                    by_session.entry(session).or_default().add(fact);
                }
            },
            None => summaries.add(fact),
        }
    }
    let mut sessions: Vec<(Arc<str>, Kinds)> = by_session.into_iter().collect();
    sessions.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let mut builder = Builder::new(prices, capture);
    summaries.summaries.into_iter().for_each(|summary| builder.add_summary(*summary));
    for (session, facts) in sessions {
        builder.add_session(session, facts);
    }
    builder.finish()
}

/// Assembles a dataset from summaries first, then each session's facts, sessions in id order.
pub(crate) struct Builder<'a> {
    prices: &'a PriceTable,
    capture: &'a MessageCapture,
    summaries: Vec<SummaryFact>,
    /// A summary's `leafUuid` → the earliest line with that uuid: `(order, session)`.
    leaf_lines: HashMap<LineId, LeafLine>,
    /// One string per model and tool name (queries grouping by them compare addresses), and per
    /// project path, branch and version (sessions repeat them).
    names: HashSet<Arc<str>>,
    /// What is known of each `tool_use` id so far.
    tool_uses: HashMap<ApiId, ToolUse>,
    /// The last session added.
    last: Option<Arc<str>>,
    sessions: Vec<SessionRecord>,
    rate_limits: Vec<RateLimitRecord>,
    /// Counted responses, each with its position here: session after session, each session's
    /// in line order.
    responses: Vec<(u32, ResponseRecord)>,
    /// Counted tool calls, each with its response's position in `responses` (and not yet
    /// whether it failed).
    tool_calls: Vec<ToolCallRecord>,
}

/// A `tool_use` id: the tool call counted for it (its index in `tool_calls`), and its earliest
/// result: `(order, is_error)`.
#[derive(Default)]
struct ToolUse {
    call: Option<u32>,
    result: Option<(Order, bool)>,
}

impl<'a> Builder<'a> {
    pub fn new(prices: &'a PriceTable, capture: &'a MessageCapture) -> Self {
        Builder {
            prices,
            capture,
            summaries: Vec::new(),
            leaf_lines: HashMap::default(),
            names: HashSet::default(),
            tool_uses: HashMap::default(),
            last: None,
            sessions: Vec::new(),
            rate_limits: Vec::new(),
            responses: Vec::new(),
            tool_calls: Vec::new(),
        }
    }

    /// Adds a summary; every summary comes before the first session.
    pub fn add_summary(&mut self, summary: SummaryFact) {
        debug_assert!(self.last.is_none(), "summaries come before sessions");
        self.leaf_lines.entry(LineId::new(&summary.leaf)).or_default();
        self.summaries.push(summary);
    }

    /// Adds every fact of one session; sessions come in id order.
    pub fn add_session(&mut self, session_id: Arc<str>, facts: Kinds) {
        debug_assert!(self.last.as_ref().is_none_or(|last| *last < session_id), "sessions come in id order");
        self.last = Some(session_id.clone());
        self.note_leaf_lines(&facts);
        self.note_results(&facts.users);
        let mut responses = counted_responses(facts.responses);
        for response in &mut responses {
            share(&mut self.names, &mut response.model);
        }

        let mut parts = Parts::default();
        for user in &facts.users {
            parts.users.push(user);
            parts.lines.push((&user.order, &user.attrs));
        }
        for response in &responses {
            parts.lines.push((&response.first, &response.attrs));
        }
        for synthetic in &facts.synthetics {
            parts.lines.push((&synthetic.order, &synthetic.attrs));
            parts.rate_limits.push(synthetic.order.ts);
        }
        if parts.users.is_empty() && responses.is_empty() && parts.rate_limits.is_empty() {
            return;
        }
        for system in &facts.systems {
            parts.lines.push((&system.order, &system.attrs));
            parts.compactions += u64::from(system.compaction);
        }
        let index = self.sessions.len() as u32;
        parts.lines.sort_by(|a, b| a.0.cmp(b.0));
        parts.users.sort_by(|a, b| a.order.cmp(&b.order));

        let priced: Vec<(u64, bool)> = responses
            .iter()
            .map(|r| match (r.cost_usd, self.prices.lookup(&r.model)) {
                (Some(cost), _) => (cost, true),
                (None, Some(price)) => (response_cost(price, &r.usage), true),
                (None, None) => (0, false),
            })
            .collect();
        let mut tokens = Tokens::default();
        let mut cost = 0u64;
        let mut per_model: BTreeMap<&Arc<str>, (u64, u64)> = BTreeMap::new();
        let mut session_tool_calls = 0u64;
        for (response, &(response_cost, priced)) in responses.iter().zip(&priced) {
            tokens.add(&tokens_of(response));
            cost = cost.saturating_add(response_cost);
            let entry = per_model.entry(&response.model).or_default();
            entry.0 += 1;
            entry.1 = entry.1.saturating_add(response_cost);
            let position = self.responses.len() as u32;
            for part in &response.parts {
                for (id, name) in &part.tool_uses {
                    let call = match self.tool_uses.get_mut(id) {
                        Some(tool_use) if tool_use.call.is_some() => continue,
                        Some(tool_use) => &mut tool_use.call,
                        None => &mut self.tool_uses.entry(id.clone()).or_default().call,
                    };
                    *call = Some(self.tool_calls.len() as u32);
                    session_tool_calls += 1;
                    let mut tool = name.clone();
                    share(&mut self.names, &mut tool);
                    self.tool_calls.push(ToolCallRecord { response: position, tool, is_error: false });
                }
            }
            self.responses.push((
                position,
                ResponseRecord {
                    session: index,
                    timestamp: response.first.ts,
                    model: response.model.clone(),
                    tokens: tokens_of(response),
                    cost: response_cost,
                    priced,
                },
            ));
        }
        let main_model =
            per_model.iter().max_by_key(|(name, (count, cost))| (*count, *cost, Reverse(*name))).map(|(name, _)| *name);
        let mut models: Vec<(&Arc<str>, u64)> = per_model.iter().map(|(name, (_, cost))| (*name, *cost)).collect();
        models.sort_by_key(|(name, cost)| (Reverse(*cost), *name));

        let mut activity: Vec<Millis> = parts.lines.iter().map(|(order, _)| order.ts).collect();
        activity.extend(responses.iter().map(|r| r.last_ts));
        activity.sort_unstable();
        activity.dedup();
        activity.shrink_to_fit();
        let start = activity[0];
        let end = activity[activity.len() - 1];
        let names = &mut self.names;
        let mut first_with = |pick: fn(&Attrs) -> Option<&Arc<str>>| {
            parts.lines.iter().find_map(|(_, attrs)| pick(attrs)).map(|text| shared(names, text))
        };
        let git_branch = first_with(|a| a.git_branch.as_ref());
        let version = first_with(|a| a.version.as_ref());
        let project_path = first_with(|a| a.cwd.as_ref()).unwrap_or_else(|| {
            let folder = parts.lines[0].0.file.split('/').next().unwrap_or_default();
            shared(&mut self.names, &Arc::from(folder))
        });
        let subagents = {
            let ids: HashSet<&str> = parts.lines.iter().filter_map(|(_, a)| a.agent_id.as_deref()).collect();
            let roots = parts
                .users
                .iter()
                .filter(|u| u.attrs.sidechain && u.attrs.is_root && u.attrs.agent_id.is_none())
                .count();
            (ids.len() + roots) as u64
        };
        // A summary, found once every session is in, may still take the title's place.
        let title = facts
            .titles
            .iter()
            .max_by(|a, b| (a.custom, &a.order).cmp(&(b.custom, &b.order)))
            .map(|title| title.text.to_string())
            .or_else(|| parts.users.iter().find_map(|u| u.title.as_deref().map(str::to_owned)));

        let messages = self.capture.wants(&session_id).then(|| messages(&session_id, &parts, &responses, &priced));
        let session = api::Session {
            id: session_id.to_string(),
            project_path,
            start_time: UtcTime(start),
            end_time: UtcTime(end),
            duration: ((end - start) / 1000) as u64,
            input_tokens: tokens.input,
            output_tokens: tokens.output,
            cache_creation_tokens: tokens.cache_creation,
            cache_read_tokens: tokens.cache_read,
            cost: usd(cost),
            model: main_model.cloned(),
            title,
            models: models.into_iter().map(|(name, _)| name.clone()).collect(),
            git_branch,
            version,
            user_prompts: parts.users.iter().filter(|u| u.kind == MessageKind::Prompt).count() as u64,
            responses: responses.len() as u64,
            tool_calls: session_tool_calls,
            // Counted once every result is in (see `finish`).
            tool_errors: 0,
            subagents,
            compactions: parts.compactions,
        };
        self.rate_limits
            .extend(parts.rate_limits.iter().map(|&timestamp| RateLimitRecord { session: index, timestamp }));
        let user_lines = parts.users.len() as u64;
        self.sessions.push(SessionRecord { session, cost, summary_title: false, user_lines, activity, messages });
    }

    /// Applies what needed every session: tool errors, summary titles, and responses and tool
    /// calls in time order.
    pub fn finish(self) -> Dataset {
        let Builder {
            summaries,
            leaf_lines,
            tool_uses,
            mut sessions,
            mut rate_limits,
            mut responses,
            mut tool_calls,
            ..
        } = self;
        for tool_use in tool_uses.into_values() {
            if let (Some(call), Some((_, true))) = (tool_use.call, tool_use.result) {
                let call = &mut tool_calls[call as usize];
                call.is_error = true;
                sessions[responses[call.response as usize].1.session as usize].session.tool_errors += 1;
            }
        }
        for (session, text) in summary_titles(&summaries, &leaf_lines) {
            if let Ok(i) = sessions.binary_search_by(|s| s.session.id.as_str().cmp(session)) {
                sessions[i].session.title = Some(text.to_string());
                sessions[i].summary_title = true;
            }
        }

        // Responses at the same instant stay in session order, then line order (their positions
        // here); unstable, as no two keys are equal, so no scratch copy of the responses.
        responses.sort_unstable_by_key(|(position, response)| (response.timestamp, *position));
        let mut position = vec![0u32; responses.len()];
        for (new, (old, _)) in responses.iter().enumerate() {
            position[*old as usize] = new as u32;
        }
        // In place: the records take the room their positions leave.
        let mut responses: Vec<ResponseRecord> = responses.into_iter().map(|(_, response)| response).collect();
        responses.shrink_to_fit();

        tool_calls.iter_mut().for_each(|call| call.response = position[call.response as usize]);
        tool_calls.sort_by_key(|c| c.response);
        rate_limits.sort_by_key(|r| (r.timestamp, r.session));
        Dataset { sessions, responses, tool_calls, rate_limits }
    }

    /// Notes the lines that are some summary's leaf, keeping the earliest copy of each uuid.
    fn note_leaf_lines(&mut self, facts: &Kinds) {
        if self.leaf_lines.is_empty() {
            return;
        }
        let mut note = |uuid: &LineId, session: &Arc<str>, order: &Order| {
            if let Some(slot) = self.leaf_lines.get_mut(uuid) {
                if slot.as_ref().is_none_or(|(earliest, _)| order < earliest) {
                    *slot = Some((order.clone(), session.clone()));
                }
            }
        };
        facts.users.iter().for_each(|u| note(&u.uuid, &u.attrs.session, &u.order));
        facts.systems.iter().for_each(|s| note(&s.uuid, &s.attrs.session, &s.order));
        for response in &facts.responses {
            for part in &response.parts {
                if let Some(uuid) = &part.uuid {
                    note(uuid, &response.attrs.session, &part.order);
                }
            }
        }
    }

    /// Notes the earliest result of each tool call.
    fn note_results(&mut self, users: &[Box<UserFact>]) {
        for user in users {
            for (id, is_error) in &user.tool_results {
                let result = match self.tool_uses.get_mut(id) {
                    Some(tool_use) => &mut tool_use.result,
                    None => &mut self.tool_uses.entry(id.clone()).or_default().result,
                };
                if result.as_ref().is_none_or(|(earliest, _)| user.order < *earliest) {
                    *result = Some((user.order.clone(), *is_error));
                }
            }
        }
    }
}

/// Makes `name` the one shared copy of its text.
pub(super) fn share(names: &mut HashSet<Arc<str>>, name: &mut Arc<str>) {
    *name = shared(names, name);
}

/// The one shared copy of `text`.
fn shared(names: &mut HashSet<Arc<str>>, text: &Arc<str>) -> Arc<str> {
    match names.get(text) {
        Some(shared) => shared.clone(),
        None => {
            names.insert(text.clone());
            text.clone()
        }
    }
}

/// Responses minus sidechain replays (a sidechain response whose `message.id` also appears on a
/// main-chain response of the same session; these are one session's), in line order, each with
/// its parts ordered and deduplicated by `uuid`.
#[expect(clippy::vec_box, reason = "facts arrive boxed from their table")]
fn counted_responses(facts: Vec<Box<ResponseFact>>) -> Vec<Box<ResponseFact>> {
    let main_chain: HashSet<ApiId> =
        facts.iter().filter(|r| !r.all_sidechain).filter_map(|r| r.message_id.clone()).collect();
    let mut responses: Vec<Box<ResponseFact>> = facts
        .into_iter()
        .filter(|r| !(r.all_sidechain && r.message_id.as_ref().is_some_and(|id| main_chain.contains(id))))
        .collect();
    // A line is the first line of one response at most, so the order is total.
    responses.sort_unstable_by(|a, b| a.first.cmp(&b.first));
    for response in responses.iter_mut().filter(|r| r.parts.len() > 1) {
        response.parts.sort_by(|a, b| a.order.cmp(&b.order));
        let mut seen = HashSet::default();
        response.parts.retain(|p| p.uuid.as_ref().is_none_or(|u| seen.insert(u.clone())));
    }
    responses
}

/// A leaf line: its earliest copy's position and session.
type LeafLine = Option<(Order, Arc<str>)>;

/// Session → its newest summary: of the summaries whose `leafUuid` is one of the session's
/// lines, the one whose leaf is the latest line, then the one written last.
fn summary_titles<'s>(
    summaries: &'s [SummaryFact],
    leaf_lines: &'s HashMap<LineId, LeafLine>,
) -> HashMap<&'s str, &'s Arc<str>> {
    type Rank<'a> = (Millis, &'a Order);
    let mut best: HashMap<&str, (Rank<'_>, &Arc<str>)> = HashMap::default();
    for summary in summaries {
        if let Some(Some((leaf, session))) = leaf_lines.get(&LineId::new(&summary.leaf)) {
            let candidate = ((leaf.ts, &summary.order), &summary.text);
            let slot = best.entry(session).or_insert(candidate);
            if candidate.0 > slot.0 {
                *slot = candidate;
            }
        }
    }
    best.into_iter().map(|(session, (_, text))| (session, text)).collect()
}

fn tokens_of(response: &ResponseFact) -> Tokens {
    Tokens {
        input: response.usage.input,
        output: response.usage.output,
        cache_creation: response.usage.cache_creation,
        cache_read: response.usage.cache_read,
    }
}

/// The conversation: user lines and responses by timestamp, then file order.
fn messages(
    session: &str,
    parts: &Parts<'_>,
    responses: &[Box<ResponseFact>],
    priced: &[(u64, bool)],
) -> Vec<api::Message> {
    let mut out: Vec<(&Order, api::Message)> = Vec::new();
    for user in &parts.users {
        out.push((
            &user.order,
            api::Message {
                id: user.uuid.to_string(),
                session_id: session.to_owned(),
                timestamp: format_utc(user.order.ts),
                role: Role::User,
                content: user.text.clone().unwrap_or_default(),
                input_tokens: 0,
                output_tokens: 0,
                kind: user.kind,
                model: None,
                is_sidechain: user.attrs.sidechain,
                agent_id: user.attrs.agent_id.as_deref().map(str::to_owned),
                cache_creation_tokens: 0,
                cache_read_tokens: 0,
                cost: 0.0,
            },
        ));
    }
    for (response, (cost, _)) in responses.iter().zip(priced) {
        let content: Vec<&str> = response.parts.iter().flat_map(|p| p.text.iter().map(String::as_str)).collect();
        let id = response.parts.iter().find_map(|p| p.uuid.as_ref()).map(LineId::to_string).unwrap_or_default();
        out.push((
            &response.first,
            api::Message {
                id,
                session_id: session.to_owned(),
                timestamp: format_utc(response.first.ts),
                role: Role::Assistant,
                content: content.join("\n\n"),
                input_tokens: response.usage.input,
                output_tokens: response.usage.output,
                kind: MessageKind::Response,
                model: Some(response.model.to_string()),
                is_sidechain: response.all_sidechain,
                agent_id: response.attrs.agent_id.as_deref().map(str::to_owned),
                cache_creation_tokens: response.usage.cache_creation,
                cache_read_tokens: response.usage.cache_read,
                cost: usd(*cost),
            },
        ));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out.into_iter().map(|(_, m)| m).collect()
}
