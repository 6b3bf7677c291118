//! Applying a sync's changes to a dataset built from stored records, session by session, instead
//! of building it again from every record. Two accounting rules reach across sessions: a tool
//! call is counted by the first session naming its `tool_use` id (and failed if its earliest
//! result did), and a summary titles the session of its leaf line. A session can be rebuilt on
//! its own when neither rule links it to another: no changed record is a summary or one of their
//! leaf lines, and no `tool_use` id of the session is named by another session. [`Links`] keeps
//! what it takes to tell; [`with_sessions_rebuilt`] puts the rebuilt sessions in place.

use std::hash::BuildHasher;
use std::sync::Arc;

use super::build::share;
use super::facts::Fact;
use super::line_id::LineId;
use super::record::Record;
use crate::dataset::{Dataset, RateLimitRecord, ResponseRecord, SessionRecord, ToolCallRecord};
use crate::hash::{HashMap, HashSet};

/// What links stored records across sessions: the sessions naming each `tool_use` id, and the
/// summaries' leaf lines. Ids are kept as 64-bit hashes: two ids that collide look like one,
/// which can only send an update to a full build (sessions are told apart by hash too; two of
/// them colliding while also sharing a tool id is not a practical concern).
#[derive(Debug, Clone, Default)]
pub struct Links {
    hasher: foldhash::fast::RandomState,
    /// `tool_use` id → the one session naming it, or [`SHARED`] when several do.
    tools: HashMap<u64, u64>,
    /// Every summary's `leafUuid`.
    leaves: HashSet<u64>,
}

/// A `tool_use` id named by several sessions (a session whose hash is this looks shared too,
/// which only sends its updates to a full build).
const SHARED: u64 = 0;

impl Links {
    /// Nothing noted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes a stored record (every record of the dataset, and then every record rebuilt).
    pub fn note(&mut self, record: &Record) {
        match &record.0 {
            Fact::Summary(summary) => {
                self.leaves.insert(self.hasher.hash_one(LineId::new(&summary.leaf)));
            }
            fact => {
                let Some(session) = fact.session() else { return };
                let owner = self.hasher.hash_one(&**session);
                for id in tool_ids(fact) {
                    let id = self.hasher.hash_one(id);
                    self.tools.entry(id).and_modify(|o| *o = if *o == owner { owner } else { SHARED }).or_insert(owner);
                }
            }
        }
    }

    /// Whether a record a sync added or changed leaves every session but its own as it was:
    /// it is no summary, and none of its lines is a summary's leaf.
    pub fn admits(&self, changed: &Record) -> bool {
        let fact = &changed.0;
        !matches!(fact, Fact::Summary(_)) && line_ids(fact).all(|id| !self.leaves.contains(&self.hasher.hash_one(id)))
    }

    /// Whether every `tool_use` id `record` names (it belongs to `session`) is named by no
    /// other session so far.
    pub fn owned_by(&self, session: &str, record: &Record) -> bool {
        let owner = self.hasher.hash_one(session);
        owner != SHARED
            && tool_ids(&record.0).all(|id| self.tools.get(&self.hasher.hash_one(id)).is_none_or(|o| *o == owner))
    }
}

/// The `tool_use` ids a fact names: its calls and its results.
fn tool_ids(fact: &Fact) -> Box<dyn Iterator<Item = &str> + '_> {
    match fact {
        Fact::User(user) => Box::new(user.tool_results.iter().map(|(id, _)| id.as_str())),
        Fact::Response(response) => {
            Box::new(response.parts.iter().flat_map(|part| part.tool_uses.iter().map(|(id, _)| id.as_str())))
        }
        _ => Box::new(std::iter::empty()),
    }
}

/// The `uuid`s of a fact's lines.
fn line_ids(fact: &Fact) -> Box<dyn Iterator<Item = &LineId> + '_> {
    match fact {
        Fact::User(user) => Box::new(std::iter::once(&user.uuid)),
        Fact::System(system) => Box::new(std::iter::once(&system.uuid)),
        Fact::Synthetic(synthetic) => Box::new(std::iter::once(&synthetic.uuid)),
        Fact::Response(response) => Box::new(response.parts.iter().filter_map(|part| part.uuid.as_ref())),
        Fact::Summary(_) | Fact::Title(_) => Box::new(std::iter::empty()),
    }
}

/// `dataset` with the sessions of `rebuilt` in place of their former selves (or added).
/// `rebuilt` was built, without summaries, from every record of those sessions, which [`Links`]
/// found linked to no other session; a session a summary titled keeps that title. The result is
/// what building every record again would give: each session's figures, and responses, tool
/// calls and rate-limit events in the order a full build puts them.
pub fn with_sessions_rebuilt(dataset: &Dataset, rebuilt: Dataset) -> Dataset {
    let Dataset { sessions: new_sessions, responses: new_responses, tool_calls: new_calls, rate_limits: new_limits } =
        rebuilt;
    let mut names = Names::of(dataset);

    // Sessions by id: the old ones not rebuilt, and the rebuilt ones; each side's position to
    // its place in the result.
    let mut sessions: Vec<SessionRecord> = Vec::with_capacity(dataset.sessions.len() + new_sessions.len());
    let mut old_place = vec![None; dataset.sessions.len()];
    let mut new_place = vec![0u32; new_sessions.len()];
    let mut old = dataset.sessions.iter().enumerate().peekable();
    for (n, mut session) in new_sessions.into_iter().enumerate() {
        while let Some((i, kept)) = old.next_if(|(_, s)| s.session.id < session.session.id) {
            old_place[i] = Some(sessions.len() as u32);
            sessions.push(kept.clone());
        }
        if let Some((_, former)) = old.next_if(|(_, s)| s.session.id == session.session.id) {
            if former.summary_title {
                session.session.title.clone_from(&former.session.title);
                session.summary_title = true;
            }
        }
        names.share_session(&mut session);
        new_place[n] = sessions.len() as u32;
        sessions.push(session);
    }
    for (i, kept) in old {
        old_place[i] = Some(sessions.len() as u32);
        sessions.push(kept.clone());
    }

    // Responses by time, then session, then line: kept and rebuilt ones each come in that order
    // already and no session has both, so a stable sort by (time, session) interleaves them.
    let mut responses: Vec<(usize, ResponseRecord)> = Vec::with_capacity(dataset.responses.len() + new_responses.len());
    for (i, response) in dataset.responses.iter().enumerate() {
        if let Some(place) = old_place[response.session as usize] {
            responses.push((i, ResponseRecord { session: place, ..response.clone() }));
        }
    }
    let (kept_responses, rebuilt_responses) = (dataset.responses.len(), new_responses.len());
    for (i, mut response) in new_responses.into_iter().enumerate() {
        response.session = new_place[response.session as usize];
        names.share(&mut response.model);
        responses.push((kept_responses + i, response));
    }
    responses.sort_by_key(|(_, r)| (r.timestamp, r.session));
    // Old and rebuilt positions (rebuilt ones after the old) → place in the result.
    let mut place = vec![None; kept_responses + rebuilt_responses];
    for (new, (from, _)) in responses.iter().enumerate() {
        place[*from] = Some(new as u32);
    }
    let responses: Vec<ResponseRecord> = responses.into_iter().map(|(_, r)| r).collect();

    // Tool calls by response, each response's in their order.
    let mut tool_calls: Vec<ToolCallRecord> = dataset
        .tool_calls
        .iter()
        .filter_map(|call| place[call.response as usize].map(|response| ToolCallRecord { response, ..call.clone() }))
        .collect();
    for mut call in new_calls {
        call.response = place[kept_responses + call.response as usize].expect("every rebuilt response is placed");
        names.share(&mut call.tool);
        tool_calls.push(call);
    }
    tool_calls.sort_by_key(|c| c.response);

    let mut rate_limits: Vec<RateLimitRecord> = dataset
        .rate_limits
        .iter()
        .filter_map(|r| old_place[r.session as usize].map(|session| RateLimitRecord { session, ..*r }))
        .collect();
    rate_limits.extend(new_limits.into_iter().map(|r| RateLimitRecord { session: new_place[r.session as usize], ..r }));
    rate_limits.sort_by_key(|r| (r.timestamp, r.session));

    Dataset { sessions, responses, tool_calls, rate_limits }
}

/// The shared strings of a dataset (model and tool names, and what sessions repeat), so that a
/// rebuilt part uses the same copies: queries group model rows by address.
struct Names(HashSet<Arc<str>>);

impl Names {
    fn of(dataset: &Dataset) -> Names {
        let mut names = HashSet::default();
        names.extend(dataset.responses.iter().map(|r| r.model.clone()));
        names.extend(dataset.tool_calls.iter().map(|c| c.tool.clone()));
        for record in &dataset.sessions {
            let session = &record.session;
            names.insert(session.project_path.clone());
            names.extend(session.models.iter().cloned());
            names.extend([&session.git_branch, &session.version].into_iter().flatten().cloned());
        }
        Names(names)
    }

    fn share(&mut self, name: &mut Arc<str>) {
        share(&mut self.0, name);
    }

    fn share_session(&mut self, record: &mut SessionRecord) {
        let session = &mut record.session;
        self.share(&mut session.project_path);
        for name in session.model.iter_mut().chain(session.models.iter_mut()) {
            self.share(name);
        }
        for name in [&mut session.git_branch, &mut session.version].into_iter().flatten() {
            self.share(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Analyzer, DatasetBuilder, MessageCapture, RecordSet};
    use crate::pricing::PriceTable;
    use crate::query::{QueryContext, answer};

    const CALL: &str = r#"{"type":"assistant","sessionId":"s1","uuid":"a1","timestamp":"2025-01-01T00:00:00Z","requestId":"r1","message":{"id":"m1","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t1","name":"Read","input":{}}],"usage":{"input_tokens":10,"output_tokens":5}}}"#;
    const FAILED_RESULT: &str = r#"{"type":"user","sessionId":"s2","uuid":"u2","timestamp":"2025-01-01T00:00:01Z","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"no","is_error":true}]}}"#;
    const PROMPT: &str = r#"{"type":"user","sessionId":"s1","uuid":"u3","timestamp":"2025-01-01T00:00:02Z","message":{"content":"next"}}"#;
    const SUMMARY: &str = r#"{"type":"summary","summary":"Reading","leafUuid":"u3"}"#;

    /// Records of `(file, lines)`, in the store's order.
    fn stored(files: &[(&str, &[&str])]) -> Vec<Record> {
        let mut analyzer = Analyzer::new(MessageCapture::None);
        for (file, lines) in files {
            analyzer.push(file, format!("{}\n", lines.join("\n")).as_bytes());
        }
        let (set, _, _): (RecordSet, _, _) = analyzer.into_records();
        let mut records: Vec<Record> = set.into_records().collect();
        records.sort_by_key(|r| (r.session().map(str::to_owned), r.key()));
        records
    }

    fn built(records: &[Record]) -> Dataset {
        let (prices, capture) = (PriceTable::builtin(), MessageCapture::None);
        let mut builder = DatasetBuilder::new(&prices, &capture);
        records.iter().for_each(|r| builder.push(r.clone()));
        builder.finish()
    }

    fn links(records: &[Record]) -> Links {
        let mut links = Links::new();
        records.iter().for_each(|r| links.note(r));
        links
    }

    fn sessions_page(data: &Dataset) -> String {
        answer(data, "/api/analytics/sessions", &QueryContext { now: 0, default_zone: chrono_tz::UTC }).body
    }

    #[test]
    fn a_session_linked_by_a_tool_id_is_not_rebuilt_alone() {
        let before = stored(&[("p/s1.jsonl", &[CALL]), ("p/s2.jsonl", &[FAILED_RESULT])]);
        let after = stored(&[("p/s1.jsonl", &[CALL, PROMPT]), ("p/s2.jsonl", &[FAILED_RESULT])]);
        let s1: Vec<Record> = after.iter().filter(|r| r.session() == Some("s1")).cloned().collect();
        let links = links(&before);
        assert!(!s1.iter().all(|r| links.owned_by("s1", r)));
        // Rebuilt alone, s1 would lose the failure its call's result in s2 gives it.
        let alone = with_sessions_rebuilt(&built(&before), built(&s1));
        assert_ne!(sessions_page(&alone), sessions_page(&built(&after)));
    }

    #[test]
    fn a_session_with_its_own_tool_ids_is_rebuilt_alone() {
        let before = stored(&[("p/s1.jsonl", &[CALL]), ("p/s2.jsonl", &[FAILED_RESULT.replace("t1", "t2").as_str()])]);
        let after =
            stored(&[("p/s1.jsonl", &[CALL, PROMPT]), ("p/s2.jsonl", &[FAILED_RESULT.replace("t1", "t2").as_str()])]);
        let s1: Vec<Record> = after.iter().filter(|r| r.session() == Some("s1")).cloned().collect();
        let links = links(&before);
        assert!(s1.iter().all(|r| links.owned_by("s1", r) && links.admits(r)));
        let updated = with_sessions_rebuilt(&built(&before), built(&s1));
        assert_eq!(sessions_page(&updated), sessions_page(&built(&after)));
    }

    #[test]
    fn a_changed_leaf_line_or_summary_is_not_admitted() {
        let before = stored(&[("p/s1.jsonl", &[CALL, SUMMARY])]);
        let after = stored(&[("p/s1.jsonl", &[CALL, SUMMARY, PROMPT])]);
        let links = links(&before);
        let prompt = after.iter().find(|r| r.is_message() && !before.contains(r)).expect("the new prompt");
        assert!(!links.admits(prompt));
        let summary = before.iter().find(|r| r.session().is_none()).expect("the summary");
        assert!(!links.admits(summary));
    }
}
