//! `GET /api/analytics/daily-usage`: responses bucketed by local date in the query's zone.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::api::{DailyUsage, ModelCost};
use crate::money::usd;
use crate::query::scope::{Scope, UsageSum, mean};
use crate::time::local_date;

#[derive(Default)]
struct Day<'a> {
    usage: UsageSum,
    sessions: BTreeSet<u32>,
    models: BTreeMap<&'a str, UsageSum>,
}

/// One row per day with responses, newest first.
pub fn daily(scope: &Scope<'_>) -> Vec<DailyUsage> {
    let mut days: BTreeMap<NaiveDate, Day<'_>> = BTreeMap::new();
    for response in scope.responses() {
        let day = days.entry(local_date(response.timestamp, scope.filters.zone)).or_default();
        day.usage.add(response);
        day.sessions.insert(response.session);
        day.models.entry(&response.model).or_default().add(response);
    }
    days.into_iter()
        .rev()
        .map(|(date, day)| {
            let durations: Vec<u64> =
                day.sessions.iter().map(|&s| scope.data.sessions[s as usize].session.duration).collect();
            let mut models: Vec<(&str, UsageSum)> = day.models.into_iter().collect();
            models.sort_by_key(|(model, usage)| (Reverse(usage.cost), *model));
            let t = day.usage.tokens;
            DailyUsage {
                date: date.format("%Y-%m-%d").to_string(),
                sessions: day.sessions.len() as u64,
                input_tokens: t.input,
                output_tokens: t.output,
                cost: usd(day.usage.cost),
                avg_duration: mean(&durations),
                cache_creation_tokens: t.cache_creation,
                cache_read_tokens: t.cache_read,
                responses: day.usage.responses,
                models: models
                    .into_iter()
                    .map(|(model, u)| ModelCost {
                        model: model.to_owned(),
                        cost: usd(u.cost),
                        tokens: u.tokens.with_cache(),
                    })
                    .collect(),
            }
        })
        .collect()
}
