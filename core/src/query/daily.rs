//! `GET /api/analytics/daily-usage`: responses bucketed by local date in the query's zone.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::api::{DailyUsage, ModelCost};
use crate::money::usd;
use crate::query::scope::{Scope, UsageSum, mean};
use crate::query::tally::Tally;
use crate::time::LocalDates;

#[derive(Default)]
struct Day<'a> {
    usage: UsageSum,
    /// Sessions of its responses, repeated (sorted and deduplicated at the end).
    sessions: Vec<u32>,
    models: Tally<'a, UsageSum>,
}

/// One row per day with responses, newest first.
pub fn daily(scope: &Scope<'_>) -> Vec<DailyUsage> {
    let mut days: BTreeMap<NaiveDate, Day<'_>> = BTreeMap::new();
    let mut dates = LocalDates::new(scope.filters.zone);
    // Responses come in time order, so a day's responses mostly follow each other.
    let mut current: Option<(NaiveDate, Day<'_>)> = None;
    for response in scope.responses() {
        let date = dates.date(response.timestamp);
        if current.as_ref().is_none_or(|(d, _)| *d != date) {
            if let Some((d, day)) = current.take() {
                days.insert(d, day);
            }
            current = Some((date, days.remove(&date).unwrap_or_default()));
        }
        let day = &mut current.as_mut().expect("a current day").1;
        day.usage.add(response);
        day.sessions.push(response.session);
        day.models.slot(&response.model).add(response);
    }
    if let Some((d, day)) = current {
        days.insert(d, day);
    }
    days.into_iter()
        .rev()
        .map(|(date, day)| {
            let mut sessions = day.sessions;
            sessions.sort_unstable();
            sessions.dedup();
            let durations: Vec<u64> =
                sessions.iter().map(|&s| scope.data.sessions[s as usize].session.duration).collect();
            let mut models: Vec<(&str, UsageSum)> = day.models.into_rows();
            models.sort_by_key(|(model, usage)| (Reverse(usage.cost), *model));
            let t = day.usage.tokens;
            DailyUsage {
                date: date.format("%Y-%m-%d").to_string(),
                sessions: sessions.len() as u64,
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
