//! Answering API requests: given the analysed data, a request target (`/api/...?query`), "now"
//! and a default zone, the exact status and body of API.md. Pure: the host and the wasm build
//! wrap these replies in HTTP or JS.

mod blocks;
mod daily;
mod export;
mod heatmap;
mod models;
mod overview;
mod params;
mod projects;
mod scope;
mod sessions;
mod tally;
mod tools;

use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;

pub use params::{Filters, Params};
pub use scope::Scope;
pub use sessions::{Conversations, InDataset};

use crate::dataset::Dataset;
use crate::error::ApiError;
use crate::ingest::MessageCapture;
use crate::time::Millis;

/// Prefix of every analytics path.
const ANALYTICS: &str = "/api/analytics/";

/// What the caller supplies besides the data: the clock and the zone are never read here.
#[derive(Debug, Clone, Copy)]
pub struct QueryContext {
    /// "Now", for the active 5-hour block.
    pub now: Millis,
    /// The zone used when the query has no `tz`.
    pub default_zone: Tz,
}

/// A complete answer: status, content type, extra headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers, such as `Content-Disposition`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Reply {
    /// `{"success": true, "data": ...}` with status 200.
    pub fn success<T: Serialize>(data: &T) -> Reply {
        let body =
            serde_json::to_string(&json!({ "success": true, "data": data })).expect("API values always serialise");
        Reply { status: 200, content_type: "application/json", headers: Vec::new(), body }
    }

    /// The error envelope with its status.
    pub fn error(error: &ApiError) -> Reply {
        let mut headers = Vec::new();
        match error {
            ApiError::MethodNotAllowed(allow) => headers.push(("Allow".to_owned(), (*allow).to_owned())),
            ApiError::Unauthorized => headers.push(("WWW-Authenticate".to_owned(), "Bearer".to_owned())),
            _ => {}
        }
        Reply { status: error.status(), content_type: "application/json", headers, body: error.envelope().to_string() }
    }
}

/// Answers a GET of `target` (path and optional query string) from `data`.
pub fn answer(data: &Dataset, target: &str, context: &QueryContext) -> Reply {
    answer_with(data, target, context, &InDataset)
}

/// [`answer`], taking conversations the dataset does not hold from `conversations`.
pub fn answer_with(data: &Dataset, target: &str, context: &QueryContext, conversations: &dyn Conversations) -> Reply {
    match route(data, target, context, conversations) {
        Ok(reply) => reply,
        Err(error) => Reply::error(&error),
    }
}

/// Whether `target` is an analytics path this module answers.
pub fn is_analytics(target: &str) -> bool {
    target.split('?').next().is_some_and(|path| path.starts_with(ANALYTICS))
}

/// Whether the answer to `target` reads the caller's clock: only the 5-hour blocks do (which
/// block is active, its burn rate and projection). Any other answer depends on the data and the
/// target alone, so it holds for as long as the data does.
pub fn reads_clock(target: &str) -> bool {
    let path = target.split('?').next().unwrap_or_default();
    path.strip_prefix(ANALYTICS).is_some_and(|endpoint| endpoint.trim_end_matches('/') == "blocks")
}

/// What an analysis must keep of the conversations to answer `target`: only session detail
/// needs them, and only for its one session.
pub fn capture_for(target: &str) -> MessageCapture {
    let path = target.split('?').next().unwrap_or_default();
    match path.strip_prefix(ANALYTICS).and_then(|rest| rest.strip_prefix("sessions/")) {
        Some(id) if !id.is_empty() => {
            MessageCapture::Session(Params::parse(&format!("id={id}")).get("id").unwrap_or_default().to_owned())
        }
        _ => MessageCapture::None,
    }
}

fn route(
    data: &Dataset,
    target: &str,
    context: &QueryContext,
    conversations: &dyn Conversations,
) -> Result<Reply, ApiError> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = Params::parse(query);
    let Some(endpoint) = path.strip_prefix(ANALYTICS) else {
        return Err(ApiError::NotFound(format!("No such endpoint: {path}")));
    };
    let endpoint = endpoint.trim_end_matches('/');
    if let Some(id) = endpoint.strip_prefix("sessions/") {
        // The shared filters do not narrow a session's detail, but are validated as everywhere.
        Filters::from_params(&params, context.default_zone)?;
        let id = Params::parse(&format!("id={id}")).get("id").unwrap_or_default().to_owned();
        return Ok(Reply::success(&sessions::detail(data, &id, &params, conversations)?));
    }
    let known = [
        "overview",
        "sessions",
        "daily-usage",
        "model-distribution",
        "tool-usage",
        "projects",
        "heatmap",
        "blocks",
        "export",
    ];
    if !known.contains(&endpoint) {
        return Err(ApiError::NotFound(format!("No such endpoint: {path}")));
    }
    let scope = Scope::new(data, Filters::from_params(&params, context.default_zone)?);
    Ok(match endpoint {
        "overview" => Reply::success(&overview::overview(&scope)),
        "sessions" => Reply::success(&sessions::page(&scope, &params)?),
        "daily-usage" => Reply::success(&daily::daily(&scope)),
        "model-distribution" => Reply::success(&models::distribution(&scope)),
        "tool-usage" => Reply::success(&tools::tool_usage(&scope)),
        "projects" => Reply::success(&projects::projects(&scope)),
        "heatmap" => Reply::success(&heatmap::heatmap(&scope)),
        "blocks" => Reply::success(&blocks::blocks(&scope, context.now)),
        _ => export::export(&scope, &params)?,
    })
}
