//! Which sessions and responses the filters count (ACCOUNTING.md "Time"): responses whose
//! timestamp is in range; sessions with any activity in range.

use crate::dataset::{Dataset, ResponseRecord, SessionRecord};
use crate::query::params::Filters;
use crate::time::Millis;

/// The filtered view every analytics endpoint reads.
pub struct Scope<'d> {
    /// All data.
    pub data: &'d Dataset,
    /// The filters applied.
    pub filters: Filters,
    /// Indices of counted sessions, ordered by id.
    pub sessions: Vec<u32>,
    /// Indices of counted responses, ordered by timestamp.
    pub responses: Vec<u32>,
}

impl<'d> Scope<'d> {
    /// Applies `filters` to `data`.
    pub fn new(data: &'d Dataset, filters: Filters) -> Self {
        let project_ok = |s: &SessionRecord| filters.project.as_deref().is_none_or(|p| &*s.session.project_path == p);
        let mut sessions = Vec::with_capacity(data.sessions.len());
        sessions.extend(
            data.sessions
                .iter()
                .enumerate()
                .filter(|(_, s)| project_ok(s))
                .filter(|(_, s)| filters.model.as_deref().is_none_or(|m| s.session.models.iter().any(|x| &**x == m)))
                .filter(|(_, s)| active_in(s, &filters))
                .map(|(i, _)| i as u32),
        );
        let lower = filters.from.map_or(0, |f| data.responses.partition_point(|r| r.timestamp < f));
        let upper = filters.to.map_or(data.responses.len(), |t| data.responses.partition_point(|r| r.timestamp <= t));
        let mut responses = Vec::with_capacity(upper.saturating_sub(lower));
        responses.extend(
            (lower..upper.max(lower))
                .filter(|&i| {
                    let r = &data.responses[i];
                    filters.model.as_deref().is_none_or(|m| &*r.model == m)
                        && project_ok(&data.sessions[r.session as usize])
                })
                .map(|i| i as u32),
        );
        Scope { data, filters, sessions, responses }
    }

    /// The counted sessions.
    pub fn sessions(&self) -> impl Iterator<Item = &'d SessionRecord> + '_ {
        self.sessions.iter().map(|&i| &self.data.sessions[i as usize])
    }

    /// The counted responses, oldest first.
    pub fn responses(&self) -> impl Iterator<Item = &'d ResponseRecord> + '_ {
        self.responses.iter().map(|&i| &self.data.responses[i as usize])
    }

    /// The session of a response.
    pub fn session_of(&self, response: &ResponseRecord) -> &'d SessionRecord {
        &self.data.sessions[response.session as usize]
    }

    /// `mask[i]`: response `i` is counted.
    pub fn counted_mask(&self) -> Vec<bool> {
        let mut mask = vec![false; self.data.responses.len()];
        for &i in &self.responses {
            mask[i as usize] = true;
        }
        mask
    }

    /// Rate-limit events in range (they have no model, so a model filter excludes them all).
    pub fn rate_limits(&self) -> u64 {
        if self.filters.model.is_some() {
            return 0;
        }
        let project = self.filters.project.as_deref();
        self.data
            .rate_limits
            .iter()
            .filter(|e| self.filters.contains(e.timestamp))
            .filter(|e| {
                project.is_none_or(|p| self.data.sessions[e.session as usize].session.project_path.as_ref() == p)
            })
            .count() as u64
    }
}

fn active_in(session: &SessionRecord, filters: &Filters) -> bool {
    // `start` and `end` are the first and last activity: most sessions are settled by them
    // without reaching into the activity list.
    let (from, to) = (filters.from.unwrap_or(Millis::MIN), filters.to.unwrap_or(Millis::MAX));
    if session.end() < from || session.start() > to {
        return false;
    }
    if session.start() >= from || session.end() <= to {
        return true;
    }
    let first = filters.from.map_or(0, |f| session.activity.partition_point(|&t| t < f));
    session.activity.get(first).is_some_and(|&t| filters.to.is_none_or(|to| t <= to))
}

/// Tokens, cost and response count added up over responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct UsageSum {
    /// Token counts.
    pub tokens: crate::dataset::Tokens,
    /// Cost in pico-dollars.
    pub cost: u64,
    /// Responses added.
    pub responses: u64,
}

impl UsageSum {
    /// Adds one response.
    pub fn add(&mut self, response: &ResponseRecord) {
        self.tokens.add(&response.tokens);
        self.cost = self.cost.saturating_add(response.cost);
        self.responses += 1;
    }
}

/// The mean of whole seconds, rounded to whole seconds; 0 for none.
pub fn mean(values: &[u64]) -> u64 {
    if values.is_empty() {
        return 0;
    }
    let n = values.len() as u128;
    let sum: u128 = values.iter().map(|&v| u128::from(v)).sum();
    ((2 * sum + n) / (2 * n)) as u64
}
