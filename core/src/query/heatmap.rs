//! `GET /api/analytics/heatmap`: responses by local weekday and hour, always 168 cells.

use crate::api::HeatCell;
use crate::money::usd;
use crate::query::scope::{Scope, UsageSum};
use crate::time::weekday_hour;

/// Monday 00:00 to Sunday 23:00 in the query's zone.
pub fn heatmap(scope: &Scope<'_>) -> Vec<HeatCell> {
    let mut cells = [UsageSum::default(); 168];
    for response in scope.responses() {
        let (weekday, hour) = weekday_hour(response.timestamp, scope.filters.zone);
        cells[(weekday * 24 + hour) as usize].add(response);
    }
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| HeatCell {
            weekday: i as u32 / 24,
            hour: i as u32 % 24,
            responses: cell.responses,
            cost: usd(cell.cost),
            tokens_with_cache: cell.tokens.with_cache(),
        })
        .collect()
}
