//! `GET /api/analytics/export`: every matching session or day as JSON or RFC 4180 CSV.

use serde::Serialize;
use serde_json::Value;

use crate::api::{DailyUsage, Session};
use crate::error::ApiError;
use crate::query::Reply;
use crate::query::daily::daily;
use crate::query::overview::date_range;
use crate::query::params::Params;
use crate::query::scope::Scope;
use crate::query::sessions::sorted;
use crate::time::{local_date, parse_timestamp};

/// The export of `entity` in `format`.
pub fn export(scope: &Scope<'_>, params: &Params) -> Result<Reply, ApiError> {
    let format = params.choice("format", &["csv", "json"], "json")?;
    let entity = params.choice("entity", &["sessions", "daily"], "sessions")?;
    // The header comes from the row type, so an export with no rows still names its columns.
    let (header, rows): (Value, Vec<Value>) = match entity {
        "daily" => (to_value(DailyUsage::default())?, to_values(daily(scope))?),
        _ => (
            to_value(Session::default())?,
            to_values(sorted(scope, params)?.into_iter().map(|s| &s.session).collect())?,
        ),
    };
    if format == "json" {
        return Ok(Reply::success(&rows));
    }
    let name = format!("cc-analytics-{entity}-{}.csv", span(scope));
    let mut reply =
        Reply { status: 200, content_type: "text/csv; charset=utf-8", headers: Vec::new(), body: csv(&header, &rows) };
    reply.headers.push(("Content-Disposition".to_owned(), format!("attachment; filename=\"{name}\"")));
    Ok(reply)
}

fn to_values<T: Serialize>(rows: Vec<T>) -> Result<Vec<Value>, ApiError> {
    rows.into_iter().map(to_value).collect()
}

fn to_value<T: Serialize>(row: T) -> Result<Value, ApiError> {
    serde_json::to_value(row).map_err(|e| ApiError::Internal(e.to_string()))
}

/// `<from>-<to>` as local dates of the range exported (the bounds applied, else the data's first
/// and last activity), or `all` when that is unknown: no rows and not both bounds given.
fn span(scope: &Scope<'_>) -> String {
    let bounds = match date_range(scope) {
        Some(range) => parse_timestamp(&range.from).zip(parse_timestamp(&range.to)),
        None => scope.filters.from.zip(scope.filters.to),
    };
    let date = |ms| local_date(ms, scope.filters.zone).format("%Y-%m-%d");
    bounds.map_or_else(|| "all".to_owned(), |(from, to)| format!("{}-{}", date(from), date(to)))
}

/// RFC 4180: a header of the field names (those of `header`, a row of the same type), CRLF line
/// ends, lists joined by `;`.
fn csv(header: &Value, rows: &[Value]) -> String {
    let mut out = String::new();
    let Value::Object(fields) = header else { return out };
    let header: Vec<&String> = fields.keys().collect();
    push_record(&mut out, header.iter().map(|k| k.to_string()));
    for row in rows {
        push_record(&mut out, header.iter().map(|k| cell(row.get(k.as_str()).unwrap_or(&Value::Null))));
    }
    out
}

fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// A value as CSV text; a list of objects shows each object's first field (a model's name).
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(fields) => fields.values().next().map(cell).unwrap_or_default(),
                other => cell(other),
            })
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::Dataset;
    use crate::query::{QueryContext, answer};

    #[test]
    fn an_empty_export_still_names_its_columns() {
        let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
        let sessions = answer(&Dataset::default(), "/api/analytics/export?format=csv&entity=sessions", &context);
        assert!(sessions.body.starts_with("id,projectPath,startTime,endTime,duration,"), "{}", sessions.body);
        assert_eq!(sessions.body.lines().count(), 1);
        let daily = answer(&Dataset::default(), "/api/analytics/export?format=csv&entity=daily", &context);
        assert!(daily.body.starts_with("date,sessions,inputTokens,"), "{}", daily.body);
        assert_eq!(sessions.headers[0].1, "attachment; filename=\"cc-analytics-sessions-all.csv\"");
    }

    #[test]
    fn an_empty_export_is_named_by_the_bounds_applied() {
        let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
        let name = |query: &str| {
            answer(&Dataset::default(), &format!("/api/analytics/export?format=csv&{query}"), &context).headers[0]
                .1
                .clone()
        };
        assert_eq!(
            name("entity=daily&dateFrom=2030-01-01&dateTo=2030-01-31&tz=Europe/Berlin"),
            "attachment; filename=\"cc-analytics-daily-2030-01-01-2030-01-31.csv\""
        );
        assert_eq!(name("entity=daily&dateTo=2030-01-31"), "attachment; filename=\"cc-analytics-daily-all.csv\"");
    }
}
