//! `cc-analytics report KIND`: terminal tables in the manner of ccusage, built from the same API
//! answers as `query` (so the numbers are the same), or those rows as JSON with `--json`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use cc_analytics_core::api::{DailyUsage, ModelUsage, Overview, Session, ToolUsage, UsageBlock};
use cc_analytics_core::chrono_tz::Tz;
use cc_analytics_core::money::usd;
use cc_analytics_core::time::parse_timestamp;
use cc_analytics_core::{Dataset, MessageCapture, QueryContext, answer};
use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cli::{ReportArgs, ReportKind};
use crate::context::{analyse, open_to_read, query_context};
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
    let since = args.since.as_deref().map(|text| day("--since", text)).transpose()?;
    let until = args.until.as_deref().map(|text| day("--until", text)).transpose()?;
    if let (Some(since), Some(until)) = (since, until) {
        if since > until {
            bail!("--since {since} is after --until {until}");
        }
    }
    let context = query_context(args.source.tz.as_deref(), None)?;
    let (analysis, index);
    let data: &Dataset = match &args.db {
        Some(db) => {
            index = open_to_read(db, &args.source)?.index()?;
            &index.dataset
        }
        None => {
            analysis = analyse(&args.source, MessageCapture::None)?;
            &analysis.dataset
        }
    };
    let mut query = Vec::new();
    query.extend(since.map(|since| format!("dateFrom={since}")));
    query.extend(until.map(|until| format!("dateTo={until}")));
    let fetch_at = |endpoint: &str| format!("/api/analytics/{endpoint}?{}", query.join("&"));
    let zone = context.default_zone;
    let none = match (since, until) {
        (Some(since), Some(until)) => format!("No usage from {since} to {until}."),
        (Some(since), None) => format!("No usage since {since}."),
        (None, Some(until)) => format!("No usage until {until}."),
        (None, None) => "No usage found.".to_owned(),
    };
    let text = match args.kind {
        ReportKind::Daily => {
            let days: Vec<DailyUsage> = fetch(data, &fetch_at("daily-usage"), &context)?;
            render(args.json, &none, &days, || daily_table(&days))?
        }
        ReportKind::Monthly => {
            let days: Vec<DailyUsage> = fetch(data, &fetch_at("daily-usage"), &context)?;
            let months = months(&days);
            render(args.json, &none, &months, || monthly_table(&months))?
        }
        ReportKind::Sessions => {
            let sessions: Vec<Session> =
                fetch(data, &(fetch_at("export") + "&format=json&entity=sessions&order=asc"), &context)?;
            render(args.json, &none, &sessions, || sessions_table(&sessions, zone))?
        }
        ReportKind::Models => {
            let models: Vec<ModelUsage> = fetch(data, &fetch_at("model-distribution"), &context)?;
            render(args.json, &none, &models, || models_table(&models))?
        }
        ReportKind::Tools => {
            let tools: Vec<ToolUsage> = fetch(data, &fetch_at("tool-usage"), &context)?;
            render(args.json, &none, &tools, || tools_table(&tools))?
        }
        ReportKind::Blocks => {
            let blocks: Vec<UsageBlock> = fetch(data, &fetch_at("blocks"), &context)?;
            render(args.json, &none, &blocks, || blocks_table(&blocks, zone))?
        }
    };
    let overview: Overview = fetch(data, &fetch_at("overview"), &context)?;
    if !overview.unpriced_models.is_empty() {
        eprintln!(
            "cc-analytics: no price known for {}: their usage is counted at $0 (add them with --pricing FILE)",
            overview.unpriced_models.join(", ")
        );
    }
    super::print_out(&[text.as_bytes()])?;
    Ok(ExitCode::SUCCESS)
}

/// `rows` as JSON, else as the table `table` makes, or `none` when there are none.
fn render<T: Serialize>(as_json: bool, none: &str, rows: &[T], table: impl FnOnce() -> String) -> Result<String> {
    Ok(match (as_json, rows.is_empty()) {
        (true, _) => json(&rows)?,
        (false, true) => format!("{none}\n"),
        (false, false) => table(),
    })
}

/// The date a `--since`/`--until` value names (`YYYY-MM-DD` or `YYYYMMDD`).
fn day(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .or_else(|| NaiveDate::parse_from_str(text, "%Y%m%d").ok().filter(|_| text.len() == 8))
        .with_context(|| format!("{flag} takes a date, YYYY-MM-DD or YYYYMMDD: {text:?} is not one"))
}

/// Models as a table lists them, in short (`opus-4-5` for `claude-opus-4-5-20251101`, as
/// ccusage writes them), so that a day's or a block's models fit in their cell; JSON keeps ids.
fn model_list(models: &[String]) -> String {
    let short = |model: &str| -> String {
        let model = model.strip_prefix("claude-").unwrap_or(model);
        match model.rsplit_once('-') {
            Some((name, date)) if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
            _ => model.to_owned(),
        }
    };
    models.iter().map(|m| short(m)).collect::<Vec<_>>().join(", ")
}

/// A UTC time of the API as a minute in `zone`.
fn local_minute(utc: &str, zone: Tz) -> String {
    parse_timestamp(utc)
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(|| utc.to_owned(), |time| time.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
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
    let mut cost_total = Dollars::default();
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
        cost_total.add(cost);
        let mut row = vec![label, model_list(&models)];
        row.extend(cells(tokens, cost));
        table.row(row);
    }
    let mut footer = vec!["Total".to_owned(), String::new()];
    footer.extend(cells(totals, cost_total.usd()));
    table.footer(footer);
    table.render()
}

/// A sum of the API's dollar amounts (six decimals), kept in whole micro-dollars so that a
/// table's total is exactly the sum of its rows.
#[derive(Default)]
struct Dollars(u64);

impl Dollars {
    fn add(&mut self, usd: f64) {
        self.0 += (usd * 1e6).round() as u64;
    }

    fn usd(&self) -> f64 {
        usd(self.0 * 1_000_000)
    }
}

fn daily_table(days: &[DailyUsage]) -> String {
    usage_table(
        "Date",
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

fn sessions_table(sessions: &[Session], zone: Tz) -> String {
    let started = format!("Started ({})", zone.name());
    let mut table = Table::new(&[
        (&started, Align::Left),
        ("Project", Align::Left),
        ("Model", Align::Left),
        ("Prompts", Align::Right),
        ("Responses", Align::Right),
        ("Tokens", Align::Right),
        ("Cost (USD)", Align::Right),
        ("Title", Align::Left),
    ]);
    let (mut prompts, mut responses, mut tokens, mut cost) = (0, 0, 0, Dollars::default());
    for s in sessions {
        let session_tokens = s.input_tokens + s.output_tokens + s.cache_creation_tokens + s.cache_read_tokens;
        (prompts, responses, tokens) = (prompts + s.user_prompts, responses + s.responses, tokens + session_tokens);
        cost.add(s.cost);
        table.row(vec![
            local_minute(&s.start_time.to_string(), zone),
            s.project_path.to_string(),
            s.model.as_deref().unwrap_or("-").to_owned(),
            count(s.user_prompts),
            count(s.responses),
            count(session_tokens),
            dollars(s.cost),
            s.title.clone().unwrap_or_default(),
        ]);
    }
    let n = sessions.len();
    table.footer(vec![
        "Total".to_owned(),
        format!("{} session{}", count(n as u64), if n == 1 { "" } else { "s" }),
        String::new(),
        count(prompts),
        count(responses),
        count(tokens),
        dollars(cost.usd()),
    ]);
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
    let (mut responses, mut tokens, mut cost) = (0, [0u64; 4], Dollars::default());
    for m in models {
        let model_tokens = [m.input_tokens, m.output_tokens, m.cache_creation_tokens, m.cache_read_tokens];
        responses += m.responses;
        tokens.iter_mut().zip(model_tokens).for_each(|(total, t)| *total += t);
        cost.add(m.total_cost);
        let mut row = vec![m.model.clone(), count(m.count), format!("{:.1}%", m.percentage), count(m.responses)];
        row.extend(model_tokens.map(count));
        row.push(dollars(m.total_cost));
        table.row(row);
    }
    // A session counts under its main model only, so the sessions add up; the share is left blank.
    let mut footer =
        vec!["Total".to_owned(), count(models.iter().map(|m| m.count).sum()), String::new(), count(responses)];
    footer.extend(tokens.map(count));
    footer.push(dollars(cost.usd()));
    table.footer(footer);
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
    // A session that calls several tools is in several rows: its count does not add up.
    let (calls, errors) = tools.iter().fold((0, 0), |(calls, errors), t| (calls + t.count, errors + t.errors));
    table.footer(vec!["Total".to_owned(), count(calls), String::new(), count(errors)]);
    table.render()
}

fn blocks_table(blocks: &[UsageBlock], zone: Tz) -> String {
    let start = format!("Block start ({})", zone.name());
    let mut table = Table::new(&[
        (&start, Align::Left),
        ("Status", Align::Left),
        ("Responses", Align::Right),
        ("Tokens", Align::Right),
        ("Cost (USD)", Align::Right),
        ("Burn rate", Align::Right),
        ("Projected", Align::Right),
        ("Models", Align::Left),
    ]);
    let (mut responses, mut tokens, mut cost) = (0, 0, Dollars::default());
    for b in blocks.iter().rev() {
        (responses, tokens) = (responses + b.responses, tokens + b.tokens_with_cache);
        cost.add(b.cost);
        let burn = b
            .burn_rate
            .as_ref()
            .map(|r| format!("{}/min {}/h", count(r.tokens_per_minute.round() as u64), dollars(r.cost_per_hour)));
        let projected = b
            .projection
            .as_ref()
            .map(|p| format!("{} {} ({} min left)", count(p.tokens_with_cache), dollars(p.cost), p.remaining_minutes));
        table.row(vec![
            local_minute(&b.start_time, zone),
            if b.is_active { "ACTIVE".to_owned() } else { String::new() },
            count(b.responses),
            count(b.tokens_with_cache),
            dollars(b.cost),
            burn.unwrap_or_default(),
            projected.unwrap_or_default(),
            model_list(&b.models),
        ]);
    }
    table.footer(vec!["Total".to_owned(), String::new(), count(responses), count(tokens), dollars(cost.usd())]);
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_lists_drop_the_family_prefix_and_the_date() {
        let models = ["claude-opus-4-5-20251101", "claude-opus-4-7", "claude-3-5-haiku-20241022", "gpt-4o-2024-08-06"];
        let models: Vec<String> = models.iter().map(|m| (*m).to_owned()).collect();
        assert_eq!(model_list(&models), "opus-4-5, opus-4-7, 3-5-haiku, gpt-4o-2024-08-06");
    }
}
