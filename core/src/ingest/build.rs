//! From facts to a [`Dataset`]: drops sidechain replays, prices responses, counts each tool call
//! once, and derives every session field of ACCOUNTING.md "Sessions" and "Messages".

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::hash::{HashMap, HashSet};
use std::sync::Arc;

use super::analyzer::MessageCapture;
use super::facts::{
    Attrs, Fact, Facts, Order, ResponseFact, SummaryFact, SyntheticFact, SystemFact, TitleFact, UserFact,
};
use crate::api::{self, MessageKind, Role};
use crate::dataset::{Dataset, RateLimitRecord, ResponseRecord, SessionRecord, Tokens, ToolCallRecord};
use crate::money::usd;
use crate::pricing::{PriceTable, response_cost};
use crate::time::{Millis, format_utc};

/// Everything one session owns while it is being assembled.
#[derive(Default)]
struct Parts<'a> {
    users: Vec<&'a UserFact>,
    responses: Vec<usize>,
    /// `(order, attrs)` of every counted line, for times, paths and sub-agents.
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

impl From<Facts> for Kinds {
    /// Sized up front: the vectors would otherwise copy every fact again as they grow.
    fn from(facts: Facts) -> Self {
        let mut counts = [0usize; 6];
        facts.iter().for_each(|fact| counts[fact.kind()] += 1);
        let mut kinds = Kinds {
            users: Vec::with_capacity(counts[0]),
            systems: Vec::with_capacity(counts[1]),
            synthetics: Vec::with_capacity(counts[2]),
            responses: Vec::with_capacity(counts[3]),
            summaries: Vec::with_capacity(counts[4]),
            titles: Vec::with_capacity(counts[5]),
        };
        facts.into_facts().for_each(|fact| kinds.add(fact));
        kinds
    }
}

/// Builds the dataset from facts with distinct keys.
pub(crate) fn build(mut kinds: Kinds, prices: &PriceTable, capture: &MessageCapture) -> Dataset {
    let summaries = summary_titles(&kinds);
    let mut responses = counted_responses(std::mem::take(&mut kinds.responses));
    share_models(&mut responses);
    let results = tool_results(&kinds.users);

    let mut sessions: BTreeMap<Arc<str>, Parts<'_>> = BTreeMap::new();
    for user in &kinds.users {
        let parts = sessions.entry(user.attrs.session.clone()).or_default();
        parts.users.push(user);
        parts.lines.push((&user.order, &user.attrs));
    }
    for (index, response) in responses.iter().enumerate() {
        let parts = sessions.entry(response.attrs.session.clone()).or_default();
        parts.responses.push(index);
        parts.lines.push((&response.first, &response.attrs));
    }
    for synthetic in &kinds.synthetics {
        let parts = sessions.entry(synthetic.attrs.session.clone()).or_default();
        parts.lines.push((&synthetic.order, &synthetic.attrs));
        parts.rate_limits.push(synthetic.order.ts);
    }
    for system in &kinds.systems {
        if let Some(parts) = sessions.get_mut(&system.attrs.session) {
            parts.lines.push((&system.order, &system.attrs));
            parts.compactions += u64::from(system.compaction);
        }
    }

    let priced: Vec<(u64, bool)> = responses
        .iter()
        .map(|r| match (r.cost_usd, prices.lookup(&r.model)) {
            (Some(cost), _) => (cost, true),
            (None, Some(price)) => (response_cost(price, &r.usage), true),
            (None, None) => (0, false),
        })
        .collect();
    let mut titles: HashMap<&str, (bool, &Order, &str)> = HashMap::default();
    for title in &kinds.titles {
        let candidate = (title.custom, &title.order, &*title.text);
        let slot = titles.entry(&title.session).or_insert(candidate);
        if (candidate.0, candidate.1) > (slot.0, slot.1) {
            *slot = candidate;
        }
    }

    let mut dataset = Dataset::default();
    let mut response_session = vec![0u32; responses.len()];
    let mut seen_tool_uses: HashSet<&str> = HashSet::default();
    let mut tool_calls: Vec<(usize, &Arc<str>, bool)> = Vec::new();
    for (session_id, mut parts) in sessions {
        if parts.users.is_empty() && parts.responses.is_empty() && parts.rate_limits.is_empty() {
            continue;
        }
        let index = dataset.sessions.len() as u32;
        parts.lines.sort_by(|a, b| a.0.cmp(b.0));
        parts.responses.sort_by(|a, b| responses[*a].first.cmp(&responses[*b].first));
        parts.users.sort_by(|a, b| a.order.cmp(&b.order));

        let mut tokens = Tokens::default();
        let mut cost = 0u64;
        let mut per_model: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        let mut session_tool_calls = 0u64;
        let mut tool_errors = 0u64;
        for &r in &parts.responses {
            let response = &responses[r];
            response_session[r] = index;
            tokens.add(&tokens_of(response));
            cost = cost.saturating_add(priced[r].0);
            let entry = per_model.entry(&response.model).or_default();
            entry.0 += 1;
            entry.1 = entry.1.saturating_add(priced[r].0);
            for part in &response.parts {
                for (id, name) in &part.tool_uses {
                    if seen_tool_uses.insert(id) {
                        let is_error = results.get(&**id).copied().unwrap_or(false);
                        session_tool_calls += 1;
                        tool_errors += u64::from(is_error);
                        tool_calls.push((r, name, is_error));
                    }
                }
            }
        }
        let main_model = per_model
            .iter()
            .max_by_key(|(name, (count, cost))| (*count, *cost, Reverse(*name)))
            .and_then(|(name, _)| parts.responses.iter().map(|&r| &responses[r].model).find(|m| ***m == **name))
            .cloned();
        let mut models: Vec<(&str, u64)> = per_model.iter().map(|(name, (_, cost))| (*name, *cost)).collect();
        models.sort_by_key(|(name, cost)| (Reverse(*cost), *name));

        let mut activity: Vec<Millis> = parts.lines.iter().map(|(order, _)| order.ts).collect();
        activity.extend(parts.responses.iter().map(|&r| responses[r].last_ts));
        activity.sort_unstable();
        activity.dedup();
        let start = activity[0];
        let end = activity[activity.len() - 1];
        let first_with = |pick: fn(&Attrs) -> Option<&Arc<str>>| {
            parts.lines.iter().find_map(|(_, attrs)| pick(attrs)).map(|s| s.to_string())
        };
        let project_path = first_with(|a| a.cwd.as_ref())
            .unwrap_or_else(|| parts.lines[0].0.file.split('/').next().unwrap_or_default().to_owned());
        let subagents = {
            let ids: HashSet<&str> = parts.lines.iter().filter_map(|(_, a)| a.agent_id.as_deref()).collect();
            let roots = parts
                .users
                .iter()
                .filter(|u| u.attrs.sidechain && u.attrs.is_root && u.attrs.agent_id.is_none())
                .count();
            (ids.len() + roots) as u64
        };
        let title = summaries
            .get(&session_id)
            .map(|text| text.to_string())
            .or_else(|| titles.get(&*session_id).map(|(_, _, text)| text.to_string()))
            .or_else(|| parts.users.iter().find_map(|u| u.title.clone()));

        let messages = capture.wants(&session_id).then(|| messages(&session_id, &parts, &responses, &priced));
        let session = api::Session {
            id: session_id.to_string(),
            project_path,
            start_time: format_utc(start),
            end_time: format_utc(end),
            duration: ((end - start) / 1000) as u64,
            input_tokens: tokens.input,
            output_tokens: tokens.output,
            cache_creation_tokens: tokens.cache_creation,
            cache_read_tokens: tokens.cache_read,
            cost: usd(cost),
            model: main_model.as_deref().map(str::to_owned),
            title,
            models: models.into_iter().map(|(name, _)| name.to_owned()).collect(),
            git_branch: first_with(|a| a.git_branch.as_ref()),
            version: first_with(|a| a.version.as_ref()),
            user_prompts: parts.users.iter().filter(|u| u.kind == MessageKind::Prompt).count() as u64,
            responses: parts.responses.len() as u64,
            tool_calls: session_tool_calls,
            tool_errors,
            subagents,
            compactions: parts.compactions,
        };
        dataset
            .rate_limits
            .extend(parts.rate_limits.iter().map(|&timestamp| RateLimitRecord { session: index, timestamp }));
        dataset.sessions.push(SessionRecord { session, main_model, start, end, cost, activity, messages });
    }

    let mut order: Vec<usize> = (0..responses.len()).collect();
    order.sort_by(|a, b| responses[*a].first.cmp(&responses[*b].first));
    let mut position = vec![0u32; responses.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new as u32;
        let response = &responses[old];
        dataset.responses.push(ResponseRecord {
            session: response_session[old],
            timestamp: response.first.ts,
            model: response.model.clone(),
            tokens: tokens_of(response),
            cost: priced[old].0,
            priced: priced[old].1,
        });
    }
    dataset.tool_calls = tool_calls
        .into_iter()
        .map(|(r, tool, is_error)| ToolCallRecord { response: position[r], tool: tool.clone(), is_error })
        .collect();
    dataset.tool_calls.sort_by_key(|c| c.response);
    dataset.rate_limits.sort_by_key(|r| (r.timestamp, r.session));
    dataset
}

/// Makes every response of one model hold the same string, so that queries grouping by model
/// compare addresses rather than text.
fn share_models(responses: &mut [Box<ResponseFact>]) {
    let mut shared: HashSet<Arc<str>> = HashSet::default();
    for response in responses {
        match shared.get(&response.model) {
            Some(model) => response.model = model.clone(),
            None => {
                shared.insert(response.model.clone());
            }
        }
    }
}

/// Responses minus sidechain replays (a sidechain response whose `message.id` also appears on a
/// main-chain response of the same session), in line order, each with its parts ordered and
/// deduplicated by `uuid`.
#[expect(clippy::vec_box, reason = "facts arrive boxed from their table")]
fn counted_responses(facts: Vec<Box<ResponseFact>>) -> Vec<Box<ResponseFact>> {
    let main_chain: HashSet<(Arc<str>, Arc<str>)> = facts
        .iter()
        .filter(|r| !r.all_sidechain)
        .filter_map(|r| r.message_id.clone().map(|id| (r.attrs.session.clone(), id)))
        .collect();
    let mut responses: Vec<Box<ResponseFact>> = facts
        .into_iter()
        .filter(|r| {
            !(r.all_sidechain
                && r.message_id.as_ref().is_some_and(|id| main_chain.contains(&(r.attrs.session.clone(), id.clone()))))
        })
        .collect();
    // A line is the first line of one response at most, so the order is total.
    responses.sort_unstable_by(|a, b| a.first.cmp(&b.first));
    for response in &mut responses {
        response.parts.sort_by(|a, b| a.order.cmp(&b.order));
        let mut seen = HashSet::default();
        response.parts.retain(|p| p.uuid.as_ref().is_none_or(|u| seen.insert(u.clone())));
    }
    responses
}

/// `tool_use_id` → is_error, from the earliest result of each call.
fn tool_results(users: &[Box<UserFact>]) -> HashMap<&str, bool> {
    let mut sorted: Vec<&UserFact> = users.iter().map(|u| &**u).filter(|u| !u.tool_results.is_empty()).collect();
    sorted.sort_by(|a, b| a.order.cmp(&b.order));
    let mut results = HashMap::default();
    for user in sorted {
        for (id, is_error) in &user.tool_results {
            results.entry(&**id).or_insert(*is_error);
        }
    }
    results
}

/// Session → its newest summary: of the summaries whose `leafUuid` is one of the session's
/// lines, the one whose leaf is the latest line, then the one written last.
fn summary_titles(facts: &Kinds) -> HashMap<Arc<str>, Arc<str>> {
    let leaves: HashSet<&str> = facts.summaries.iter().map(|s| &*s.leaf).collect();
    // A uuid written more than once (replays) is the leaf line of its earliest copy.
    let mut leaf_lines: HashMap<&str, (Order, Arc<str>)> = HashMap::default();
    let mut note = |uuid: &Arc<str>, session: &Arc<str>, order: &Order| {
        if let Some(leaf) = leaves.get(&**uuid) {
            let slot = leaf_lines.entry(leaf).or_insert_with(|| (order.clone(), session.clone()));
            if *order < slot.0 {
                *slot = (order.clone(), session.clone());
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
    type Rank<'a> = (Millis, &'a Order);
    let mut best: HashMap<Arc<str>, (Rank<'_>, &Arc<str>)> = HashMap::default();
    for summary in &facts.summaries {
        if let Some((leaf, session)) = leaf_lines.get(&*summary.leaf) {
            let candidate = ((leaf.ts, &summary.order), &summary.text);
            let slot = best.entry(session.clone()).or_insert(candidate);
            if candidate.0 > slot.0 {
                *slot = candidate;
            }
        }
    }
    best.into_iter().map(|(session, (_, text))| (session, text.clone())).collect()
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
    for &r in &parts.responses {
        let response = &responses[r];
        let content: Vec<&str> = response.parts.iter().flat_map(|p| p.text.iter().map(String::as_str)).collect();
        let id = response.parts.iter().find_map(|p| p.uuid.as_deref()).unwrap_or_default();
        out.push((
            &response.first,
            api::Message {
                id: id.to_owned(),
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
                cost: usd(priced[r].0),
            },
        ));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out.into_iter().map(|(_, m)| m).collect()
}
