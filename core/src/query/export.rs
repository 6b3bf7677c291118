//! `GET /api/analytics/export`: every matching session or day as JSON or RFC 4180 CSV.

use serde::Serialize;
use serde_json::Value;

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
    let rows: Vec<Value> = match entity {
        "daily" => to_values(daily(scope))?,
        _ => to_values(sorted(scope, params)?.into_iter().map(|s| &s.session).collect())?,
    };
    if format == "json" {
        return Ok(Reply::success(&rows));
    }
    let name = format!("cc-analytics-{entity}-{}.csv", span(scope));
    let mut reply =
        Reply { status: 200, content_type: "text/csv; charset=utf-8", headers: Vec::new(), body: csv(&rows) };
    reply.headers.push(("Content-Disposition".to_owned(), format!("attachment; filename=\"{name}\"")));
    Ok(reply)
}

fn to_values<T: Serialize>(rows: Vec<T>) -> Result<Vec<Value>, ApiError> {
    rows.into_iter().map(|r| serde_json::to_value(r).map_err(|e| ApiError::Internal(e.to_string()))).collect()
}

/// `<from>-<to>` as local dates of the range exported, or `all` when it is empty.
fn span(scope: &Scope<'_>) -> String {
    let zone = scope.filters.zone;
    let date = |iso: &str| parse_timestamp(iso).map(|ms| local_date(ms, zone).format("%Y-%m-%d").to_string());
    match date_range(scope) {
        Some(range) => format!("{}-{}", date(&range.from).unwrap_or_default(), date(&range.to).unwrap_or_default()),
        None => "all".to_owned(),
    }
}

/// RFC 4180: a header of the field names, CRLF line ends, lists joined by `;`.
fn csv(rows: &[Value]) -> String {
    let mut out = String::new();
    let Some(Value::Object(first)) = rows.first() else { return out };
    let header: Vec<&String> = first.keys().collect();
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
