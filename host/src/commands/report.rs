//! `cc-analytics report KIND`: terminal tables in the manner of ccusage, built from the same API
//! answers as `query` (so the numbers are the same), or those rows as JSON with `--json`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Result, bail};
use cc_analytics_core::api::{DailyUsage, ModelUsage, Session, ToolUsage, UsageBlock};
use cc_analytics_core::money::usd;
use cc_analytics_core::{Dataset, MessageCapture, QueryContext, answer};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cli::{ReportArgs, ReportKind};
use crate::context::{analyse, query_context};
use crate::table::{Align, Table, count, dollars};

/// One month of `report monthly`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Month {
    month: String,
    input_tokens: u64,
    output_tokens: u64,
    cache_creation_tokens: u64,
    cache_read_tokens: u64,
    total_tokens: u64,
    cost: f64,
    models: Vec<String>,
}

/// Prints the report.
pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let context = query_context(args.source.tz.as_deref(), None)?;
    let analysis = analyse(&args.source, MessageCapture::None)?;
    let data = &analysis.dataset;
    let mut query = Vec::new();
    if let Some(since) = &args.since {
        query.push(format!("dateFrom={}", day(since)?));
    }
    if let Some(until) = &args.until {
        query.push(format!("dateTo={}", day(until)?));
    }
    if let Some(tz) = &args.source.tz {
        query.push(format!("tz={tz}"));
    }
    let fetch_at = |endpoint: &str| format!("/api/analytics/{endpoint}?{}", query.join("&"));
    let text = match args.kind {
        ReportKind::Daily => {
            let days: Vec<DailyUsage> = fetch(data, &fetch_at("daily-usage"), &context)?;
            if args.json { json(&days)? } else { daily_table(&days, "Date") }
        }
        ReportKind::Monthly => {
            let days: Vec<DailyUsage> = fetch(data, &fetch_at("daily-usage"), &context)?;
            let months = months(&days);
            if args.json { json(&months)? } else { monthly_table(&months) }
        }
        ReportKind::Sessions => {
            let sessions: Vec<Session> =
                fetch(data, &(fetch_at("export") + "&format=json&entity=sessions&order=asc"), &context)?;
            if args.json { json(&sessions)? } else { sessions_table(&sessions) }
        }
        ReportKind::Models => {
            let models: Vec<ModelUsage> = fetch(data, &fetch_at("model-distribution"), &context)?;
            if args.json { json(&models)? } else { models_table(&models) }
        }
        ReportKind::Tools => {
            let tools: Vec<ToolUsage> = fetch(data, &fetch_at("tool-usage"), &context)?;
            if args.json { json(&tools)? } else { tools_table(&tools) }
        }
        ReportKind::Blocks => {
            let blocks: Vec<UsageBlock> = fetch(data, &fetch_at("blocks"), &context)?;
            if args.json { json(&blocks)? } else { blocks_table(&blocks) }
        }
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `YYYYMMDD` or `YYYY-MM-DD` as `YYYY-MM-DD`.
fn day(text: &str) -> Result<String> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        bail!("dates are YYYY-MM-DD or YYYYMMDD, got {text:?}");
    }
    Ok(format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]))
}

/// The `data` of a successful answer, or the API's error message.
fn fetch<T: DeserializeOwned>(data: &Dataset, target: &str, context: &QueryContext) -> Result<T> {
    let reply = answer(data, target, context);
    let mut body: serde_json::Value = serde_json::from_str(&reply.body)?;
    if reply.status >= 300 {
        let message = body["error"]["message"].as_str().unwrap_or("request failed").to_owned();
        bail!("{message}");
    }
    Ok(serde_json::from_value(body["data"].take())?)
}

fn json<T: Serialize>(rows: &T) -> Result<String> {
    Ok(serde_json::to_string_pretty(rows)? + "\n")
}

fn months(days: &[DailyUsage]) -> Vec<Month> {
    let mut months: BTreeMap<&str, (Month, BTreeMap<String, f64>, u64)> = BTreeMap::new();
    for d in days {
        let (month, models, micro) = months.entry(&d.date[..7]).or_default();
        month.month = d.date[..7].to_owned();
        month.input_tokens += d.input_tokens;
        month.output_tokens += d.output_tokens;
        month.cache_creation_tokens += d.cache_creation_tokens;
        month.cache_read_tokens += d.cache_read_tokens;
        *micro += (d.cost * 1e6).round() as u64;
        for m in &d.models {
            *models.entry(m.model.clone()).or_default() += m.cost;
        }
    }
    months
        .into_values()
        .rev()
        .map(|(mut month, models, micro)| {
            month.total_tokens =
                month.input_tokens + month.output_tokens + month.cache_creation_tokens + month.cache_read_tokens;
            month.cost = usd(micro * 1_000_000);
            let mut models: Vec<(String, f64)> = models.into_iter().collect();
            models.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            month.models = models.into_iter().map(|(m, _)| m).collect();
            month
        })
        .collect()
}

const USAGE_COLUMNS: [(&str, Align); 6] = [
    ("Input", Align::Right),
    ("Output", Align::Right),
    ("Cache Create", Align::Right),
    ("Cache Read", Align::Right),
    ("Total Tokens", Align::Right),
    ("Cost (USD)", Align::Right),
];

fn usage_table(first: &'static str, rows: impl Iterator<Item = (String, Vec<String>, [u64; 4], f64)>) -> String {
    let mut columns = vec![(first, Align::Left), ("Models", Align::Left)];
    columns.extend(USAGE_COLUMNS);
    let mut table = Table::new(&columns);
    let mut totals = [0u64; 4];
    let mut total_micro = 0u64;
    let cells = |tokens: [u64; 4], cost: f64| {
        let mut cells: Vec<String> = tokens.iter().map(|t| count(*t)).collect();
        cells.push(count(tokens.iter().sum()));
        cells.push(dollars(cost));
        cells
    };
    for (label, models, tokens, cost) in rows {
        for (total, t) in totals.iter_mut().zip(tokens) {
            *total += t;
        }
        total_micro += (cost * 1e6).round() as u64;
        let mut row = vec![label, models.join(", ")];
        row.extend(cells(tokens, cost));
        table.row(row);
    }
    let mut footer = vec!["Total".to_owned(), String::new()];
    footer.extend(cells(totals, usd(total_micro * 1_000_000)));
    table.footer(footer);
    table.render()
}

fn daily_table(days: &[DailyUsage], label: &'static str) -> String {
    usage_table(
        label,
        days.iter().rev().map(|d| {
            let models = d.models.iter().map(|m| m.model.clone()).collect();
            (
                d.date.clone(),
                models,
                [d.input_tokens, d.output_tokens, d.cache_creation_tokens, d.cache_read_tokens],
                d.cost,
            )
        }),
    )
}

fn monthly_table(months: &[Month]) -> String {
    usage_table(
        "Month",
        months.iter().rev().map(|m| {
            let tokens = [m.input_tokens, m.output_tokens, m.cache_creation_tokens, m.cache_read_tokens];
            (m.month.clone(), m.models.clone(), tokens, m.cost)
        }),
    )
}

fn sessions_table(sessions: &[Session]) -> String {
    let mut table = Table::new(&[
        ("Started (UTC)", Align::Left),
        ("Project", Align::Left),
        ("Model", Align::Left),
        ("Prompts", Align::Right),
        ("Responses", Align::Right),
        ("Tokens", Align::Right),
        ("Cost (USD)", Align::Right),
        ("Title", Align::Left),
    ]);
    for s in sessions {
        let tokens = s.input_tokens + s.output_tokens + s.cache_creation_tokens + s.cache_read_tokens;
        table.row(vec![
            s.start_time.to_string()[..16].replace('T', " "),
            s.project_path.to_string(),
            s.model.as_deref().unwrap_or("-").to_owned(),
            count(s.user_prompts),
            count(s.responses),
            count(tokens),
            dollars(s.cost),
            s.title.clone().unwrap_or_default(),
        ]);
    }
    table.render()
}

fn models_table(models: &[ModelUsage]) -> String {
    let mut table = Table::new(&[
        ("Model", Align::Left),
        ("Sessions", Align::Right),
        ("Share", Align::Right),
        ("Responses", Align::Right),
        ("Input", Align::Right),
        ("Output", Align::Right),
        ("Cache Create", Align::Right),
        ("Cache Read", Align::Right),
        ("Cost (USD)", Align::Right),
    ]);
    for m in models {
        table.row(vec![
            m.model.clone(),
            count(m.count),
            format!("{:.1}%", m.percentage),
            count(m.responses),
            count(m.input_tokens),
            count(m.output_tokens),
            count(m.cache_creation_tokens),
            count(m.cache_read_tokens),
            dollars(m.total_cost),
        ]);
    }
    table.render()
}

fn tools_table(tools: &[ToolUsage]) -> String {
    let mut table = Table::new(&[
        ("Tool", Align::Left),
        ("Calls", Align::Right),
        ("Share", Align::Right),
        ("Errors", Align::Right),
        ("Sessions", Align::Right),
    ]);
    for t in tools {
        table.row(vec![
            t.tool.clone(),
            count(t.count),
            format!("{:.1}%", t.percentage),
            count(t.errors),
            count(t.sessions),
        ]);
    }
    table.render()
}

fn blocks_table(blocks: &[UsageBlock]) -> String {
    let mut table = Table::new(&[
        ("Block start (UTC)", Align::Left),
        ("Status", Align::Left),
        ("Responses", Align::Right),
        ("Tokens", Align::Right),
        ("Cost (USD)", Align::Right),
        ("Burn rate", Align::Right),
        ("Projected", Align::Right),
        ("Models", Align::Left),
    ]);
    for b in blocks.iter().rev() {
        let burn = b
            .burn_rate
            .as_ref()
            .map(|r| format!("{}/min {}/h", count(r.tokens_per_minute.round() as u64), dollars(r.cost_per_hour)));
        let projected = b
            .projection
            .as_ref()
            .map(|p| format!("{} {} ({} min left)", count(p.tokens_with_cache), dollars(p.cost), p.remaining_minutes));
        table.row(vec![
            b.start_time[..16].replace('T', " "),
            if b.is_active { "ACTIVE".to_owned() } else { String::new() },
            count(b.responses),
            count(b.tokens_with_cache),
            dollars(b.cost),
            burn.unwrap_or_default(),
            projected.unwrap_or_default(),
            b.models.join(", "),
        ]);
    }
    table.render()
}
