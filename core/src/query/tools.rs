//! `GET /api/analytics/tool-usage`: tool calls of the counted responses, by tool name.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use crate::api::ToolUsage;
use crate::money::percent;
use crate::query::scope::Scope;

/// One row per tool, most used first.
pub fn tool_usage(scope: &Scope<'_>) -> Vec<ToolUsage> {
    let counted = scope.counted_mask();
    let mut tools: BTreeMap<&str, (u64, u64, BTreeSet<u32>)> = BTreeMap::new();
    let mut total = 0u64;
    for call in scope.data.tool_calls.iter().filter(|c| counted[c.response as usize]) {
        let row = tools.entry(&call.tool).or_default();
        row.0 += 1;
        row.1 += u64::from(call.is_error);
        row.2.insert(scope.data.responses[call.response as usize].session);
        total += 1;
    }
    let mut rows: Vec<ToolUsage> = tools
        .into_iter()
        .map(|(tool, (count, errors, sessions))| ToolUsage {
            tool: tool.to_owned(),
            count,
            percentage: percent(count, total),
            errors,
            sessions: sessions.len() as u64,
        })
        .collect();
    rows.sort_by(|a, b| (Reverse(a.count), &a.tool).cmp(&(Reverse(b.count), &b.tool)));
    rows
}
