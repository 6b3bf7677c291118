//! `GET /api/analytics/blocks`: 5-hour usage windows, with burn rate and projection for the
//! block still active at "now".

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::api::{BurnRate, Projection, UsageBlock};
use crate::dataset::ResponseRecord;
use crate::money::{round_to, usd};
use crate::query::scope::{Scope, UsageSum};
use crate::time::{HOUR, Millis, format_utc};

/// A block's length.
const BLOCK: Millis = 5 * HOUR;
const MINUTE: f64 = 60_000.0;

struct Block<'a> {
    start: Millis,
    first: Millis,
    last: Millis,
    usage: UsageSum,
    models: BTreeMap<&'a str, u64>,
}

impl<'a> Block<'a> {
    fn open(response: &'a ResponseRecord) -> Self {
        let start = response.timestamp.div_euclid(HOUR) * HOUR;
        Block {
            start,
            first: response.timestamp,
            last: response.timestamp,
            usage: UsageSum::default(),
            models: BTreeMap::new(),
        }
    }

    fn add(&mut self, response: &'a ResponseRecord) {
        self.last = response.timestamp;
        self.usage.add(response);
        let cost = self.models.entry(&response.model).or_default();
        *cost = cost.saturating_add(response.cost);
    }
}

/// Blocks of the counted responses, newest first.
pub fn blocks(scope: &Scope<'_>, now: Millis) -> Vec<UsageBlock> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for response in scope.responses() {
        let t = response.timestamp;
        match blocks.last_mut() {
            Some(block) if t - block.start <= BLOCK && t - block.last <= BLOCK => block.add(response),
            _ => {
                let mut block = Block::open(response);
                block.add(response);
                blocks.push(block);
            }
        }
    }
    blocks.into_iter().rev().map(|b| publish(b, now)).collect()
}

fn publish(block: Block<'_>, now: Millis) -> UsageBlock {
    let end = block.start + BLOCK;
    let is_active = now < end && now - block.last < BLOCK;
    let tokens = block.usage.tokens.with_cache();
    let span_minutes = (block.last - block.first) as f64 / MINUTE;
    let rates = (is_active && span_minutes >= 1.0).then(|| {
        let per_minute = tokens as f64 / span_minutes;
        let cost_per_minute = block.usage.cost as f64 / 1e12 / span_minutes;
        (per_minute, cost_per_minute)
    });
    let burn_rate = rates.map(|(per_minute, cost_per_minute)| BurnRate {
        tokens_per_minute: round_to(per_minute, 1),
        cost_per_hour: round_to(cost_per_minute * 60.0, 6),
    });
    let projection = rates.map(|(per_minute, cost_per_minute)| {
        let remaining = ((end - now) as f64 / MINUTE).max(0.0);
        Projection {
            tokens_with_cache: (tokens as f64 + per_minute * remaining).round() as u64,
            cost: round_to(block.usage.cost as f64 / 1e12 + cost_per_minute * remaining, 6),
            remaining_minutes: remaining.round() as u64,
        }
    });
    let mut models: Vec<(&str, u64)> = block.models.into_iter().collect();
    models.sort_by_key(|(model, cost)| (Reverse(*cost), *model));
    let t = block.usage.tokens;
    UsageBlock {
        id: format_utc(block.start),
        start_time: format_utc(block.start),
        end_time: format_utc(end),
        last_activity: format_utc(block.last),
        is_active,
        responses: block.usage.responses,
        input_tokens: t.input,
        output_tokens: t.output,
        cache_creation_tokens: t.cache_creation,
        cache_read_tokens: t.cache_read,
        tokens_with_cache: tokens,
        cost: usd(block.usage.cost),
        models: models.into_iter().map(|(m, _)| m.to_owned()).collect(),
        burn_rate,
        projection,
    }
}
