//! `GET /api/analytics/model-distribution`: sessions by main model, usage by serving model.

use std::cmp::Reverse;

use crate::api::ModelUsage;
use crate::money::{percent, usd};
use crate::query::scope::{Scope, UsageSum};
use crate::query::tally::Tally;

/// One row per model that served a counted response or is a counted session's main model.
pub fn distribution(scope: &Scope<'_>) -> Vec<ModelUsage> {
    // Responses first; they and the sessions' main models share one string per model name, so
    // rows are found by address.
    let mut rows: Tally<'_, (u64, UsageSum)> = Tally::default();
    for response in scope.responses() {
        rows.slot(&response.model).1.add(response);
    }
    let mut with_model = 0u64;
    for session in scope.sessions() {
        if let Some(model) = &session.session.model {
            rows.slot(model).0 += 1;
            with_model += 1;
        }
    }
    let mut rows: Vec<(&str, u64, UsageSum)> =
        rows.into_rows().into_iter().map(|(m, (count, usage))| (m, count, usage)).collect();
    rows.sort_by_key(|(model, count, usage)| (Reverse(*count), Reverse(usage.cost), *model));
    rows.into_iter()
        .map(|(model, count, usage)| ModelUsage {
            model: model.to_owned(),
            count,
            percentage: percent(count, with_model),
            total_cost: usd(usage.cost),
            total_tokens: usage.tokens.with_cache(),
            responses: usage.responses,
            input_tokens: usage.tokens.input,
            output_tokens: usage.tokens.output,
            cache_creation_tokens: usage.tokens.cache_creation,
            cache_read_tokens: usage.tokens.cache_read,
        })
        .collect()
}
