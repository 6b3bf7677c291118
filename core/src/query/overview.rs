//! `GET /api/analytics/overview`: the headline figures.

use std::collections::BTreeSet;

use crate::api::{DateRange, Overview, TopModel};
use crate::money::{percent, usd};
use crate::query::models::distribution;
use crate::query::scope::{Scope, UsageSum, mean};
use crate::time::format_utc;

/// Models listed in `topModels`.
const TOP_MODELS: usize = 5;

/// The overview of everything the filters count.
pub fn overview(scope: &Scope<'_>) -> Overview {
    let mut usage = UsageSum::default();
    let mut unpriced = BTreeSet::new();
    for response in scope.responses() {
        usage.add(response);
        if !response.priced {
            unpriced.insert(response.model.to_string());
        }
    }
    let durations: Vec<u64> = scope.sessions().map(|s| s.session.duration).collect();
    let t = usage.tokens;
    let top_models = distribution(scope)
        .into_iter()
        .take(TOP_MODELS)
        .map(|m| TopModel { model: m.model, count: m.count, percentage: m.percentage })
        .collect();
    Overview {
        total_sessions: scope.sessions.len() as u64,
        total_cost: usd(usage.cost),
        total_tokens: t.input.saturating_add(t.output),
        input_tokens: t.input,
        output_tokens: t.output,
        cache_creation_tokens: t.cache_creation,
        cache_read_tokens: t.cache_read,
        tokens_with_cache: t.with_cache(),
        avg_session_duration: mean(&durations),
        top_models,
        date_range: date_range(scope),
        total_responses: usage.responses,
        total_tool_calls: tool_calls(scope),
        cache_hit_rate: percent(t.cache_read, t.input.saturating_add(t.cache_creation).saturating_add(t.cache_read)),
        unpriced_models: unpriced.into_iter().collect(),
        rate_limit_hits: scope.rate_limits(),
    }
}

/// The bounds applied, or the data's first and last activity; `None` when nothing is counted.
pub fn date_range(scope: &Scope<'_>) -> Option<DateRange> {
    if scope.sessions.is_empty() && scope.responses.is_empty() {
        return None;
    }
    let first = scope.sessions().map(|s| s.start()).chain(scope.responses().map(|r| r.timestamp)).min()?;
    let last = scope.sessions().map(|s| s.end()).chain(scope.responses().map(|r| r.timestamp)).max()?;
    Some(DateRange {
        from: format_utc(scope.filters.from.unwrap_or(first)),
        to: format_utc(scope.filters.to.unwrap_or(last)),
    })
}

/// Tool calls made by the counted responses.
pub fn tool_calls(scope: &Scope<'_>) -> u64 {
    let counted = scope.counted_mask();
    scope.data.tool_calls.iter().filter(|c| counted[c.response as usize]).count() as u64
}
