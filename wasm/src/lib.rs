//! Browser bindings of the cc-analytics core for the dashboard's drop-files mode: push the bytes
//! of dropped transcripts (in chunks of any size), finish, then ask API paths and get the same
//! JSON the native host serves. Only conversion lives here; every rule is the core's.

#![forbid(unsafe_code)]

use cc_analytics_core::chrono_tz::Tz;
use cc_analytics_core::time::parse_zone;
use cc_analytics_core::{
    Analyzer, ApiError, Dataset, MessageCapture, PriceTable, QueryContext, Reply, answer, is_analytics,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// An analysis of dropped files.
#[wasm_bindgen]
pub struct Workspace {
    analyzer: Option<Analyzer>,
    dataset: Option<Dataset>,
    prices: PriceTable,
}

/// What `finish` read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    files: u64,
    lines: u64,
    bytes: u64,
    line_errors: usize,
    first_errors: Vec<String>,
}

/// An answer: status, content type, extra headers and body, as the host would send them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: String,
}

#[wasm_bindgen]
impl Workspace {
    /// An empty workspace with the built-in prices.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Workspace {
        Workspace { analyzer: Some(Analyzer::new(MessageCapture::All)), dataset: None, prices: PriceTable::builtin() }
    }

    /// Adds the rows of a price file (the columns of prices.csv) to the built-in table.
    #[wasm_bindgen(js_name = setPricing)]
    pub fn set_pricing(&mut self, csv: &str) -> Result<(), JsError> {
        self.prices = PriceTable::builtin().with_overrides(csv).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(())
    }

    /// Feeds the next bytes of `path` (its path below `projects/`).
    pub fn push(&mut self, path: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.analyzer_mut()?.push(path, bytes);
        Ok(())
    }

    /// Ends `path`: a last line without a newline is read now.
    #[wasm_bindgen(js_name = endFile)]
    pub fn end_file(&mut self, path: &str) -> Result<(), JsError> {
        self.analyzer_mut()?.end_file(path);
        Ok(())
    }

    /// Applies the accounting rules to everything pushed; returns `{files, lines, bytes,
    /// lineErrors, firstErrors}`.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let analyzer = self.analyzer.take().ok_or_else(|| JsError::new("finish was already called"))?;
        let analysis = analyzer.finish(&self.prices);
        let summary = Summary {
            files: analysis.stats.files,
            lines: analysis.stats.lines,
            bytes: analysis.stats.bytes,
            line_errors: analysis.errors.len(),
            first_errors: analysis
                .errors
                .iter()
                .take(5)
                .map(|e| format!("{} line {}: {}", e.file, e.line, e.reason))
                .collect(),
        };
        self.dataset = Some(analysis.dataset);
        to_js(&summary)
    }

    /// Answers a GET of an API path: `{status, contentType, headers, body}`. `nowMs` is the
    /// clock, `zone` the default IANA zone (the browser's).
    pub fn query(&self, target: &str, now_ms: f64, zone: &str) -> Result<JsValue, JsError> {
        let dataset = self.dataset.as_ref().ok_or_else(|| JsError::new("call finish before query"))?;
        let zone: Tz = parse_zone(zone).unwrap_or(cc_analytics_core::chrono_tz::UTC);
        let reply = if is_analytics(target) {
            answer(dataset, target, &QueryContext { now: now_ms as i64, default_zone: zone })
        } else {
            Reply::error(&ApiError::NotFound(
                "Not available here: this page analyses dropped files in the browser; sync and live \
                 updates need the native host (cc-analytics serve)"
                    .to_owned(),
            ))
        };
        to_js(&Answer {
            status: reply.status,
            content_type: reply.content_type.to_owned(),
            headers: reply.headers,
            body: reply.body,
        })
    }

    fn analyzer_mut(&mut self) -> Result<&mut Analyzer, JsError> {
        self.analyzer.as_mut().ok_or_else(|| JsError::new("finish was already called"))
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}
