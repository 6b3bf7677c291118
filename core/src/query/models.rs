//! `GET /api/analytics/model-distribution`: sessions by main model, usage by serving model.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::api::ModelUsage;
use crate::money::{percent, usd};
use crate::query::scope::{Scope, UsageSum};

/// One row per model that served a counted response or is a counted session's main model.
pub fn distribution(scope: &Scope<'_>) -> Vec<ModelUsage> {
    let mut rows: BTreeMap<&str, (u64, UsageSum)> = BTreeMap::new();
    let mut with_model = 0u64;
    for session in scope.sessions() {
        if let Some(model) = &session.session.model {
            rows.entry(model).or_default().0 += 1;
            with_model += 1;
        }
    }
    for response in scope.responses() {
        rows.entry(&response.model).or_default().1.add(response);
    }
    let mut rows: Vec<(&str, u64, UsageSum)> = rows.into_iter().map(|(m, (count, usage))| (m, count, usage)).collect();
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
