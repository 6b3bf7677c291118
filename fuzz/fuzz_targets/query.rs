//! API query-string and path parsing on arbitrary request targets, over a small fixed dataset:
//! never panics; the status is one of the API's; the body is the JSON envelope matching the
//! status, or RFC 4180 CSV for an export.
//!
//! Input: a target starting with `/` is used as is; otherwise the first byte picks an analytics
//! endpoint and the rest is its query string.
#![no_main]

use std::sync::OnceLock;

use cc_analytics_core::{
    Analyzer, Dataset, MessageCapture, PriceTable, QueryContext, answer, capture_for, chrono_tz, is_analytics,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const ENDPOINTS: [&str; 12] = [
    "overview",
    "sessions",
    "sessions/s1",
    "sessions/s%202%3F%26%2F%C3%A9",
    "daily-usage",
    "model-distribution",
    "tool-usage",
    "projects",
    "heatmap",
    "blocks",
    "export",
    "nope",
];

fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        analyzer.push("-home-me-app/s1.jsonl", include_bytes!("dataset.jsonl"));
        let analysis = analyzer.finish(&PriceTable::builtin());
        assert!(analysis.errors.is_empty(), "the fixed dataset reads cleanly: {:?}", analysis.errors);
        analysis.dataset
    })
}

/// Checks RFC 4180: quoted fields close, quotes inside are doubled, records end with CRLF and
/// all have the header's field count.
fn check_csv(target: &str, body: &str) {
    if body.is_empty() {
        return;
    }
    assert!(body.ends_with("\r\n"), "{target}: CSV ends with CRLF");
    let mut widths = Vec::new();
    let (mut fields, mut quoted, mut at_start, mut chars) = (1usize, false, true, body.chars().peekable());
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                    assert!(matches!(chars.peek(), None | Some(',') | Some('\r')), "{target}: text after a quote");
                }
            }
            continue;
        }
        match c {
            '"' => {
                assert!(at_start, "{target}: a quote inside an unquoted field");
                quoted = true;
            }
            ',' => {
                fields += 1;
                at_start = true;
                continue;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "{target}: CR without LF");
                widths.push(fields);
                fields = 1;
                at_start = true;
                continue;
            }
            '\n' => panic!("{target}: a bare LF outside quotes"),
            _ => {}
        }
        at_start = false;
    }
    assert!(!quoted, "{target}: an unterminated quoted field");
    assert!(widths.iter().all(|&w| w == widths[0]), "{target}: records of different widths {widths:?}");
}

fuzz_target!(|data: &[u8]| {
    let target = match data.split_first() {
        Some((b'/', _)) => String::from_utf8_lossy(data).into_owned(),
        Some((&pick, rest)) => format!(
            "/api/analytics/{}?{}",
            ENDPOINTS[usize::from(pick) % ENDPOINTS.len()],
            String::from_utf8_lossy(rest)
        ),
        None => String::new(),
    };
    let _ = is_analytics(&target);
    let _ = capture_for(&target);
    let context = QueryContext { now: 1_748_822_400_000, default_zone: chrono_tz::Europe::Berlin };
    let reply = answer(dataset(), &target, &context);
    assert!(matches!(reply.status, 200 | 400 | 404), "{target}: status {}", reply.status);
    if reply.content_type.starts_with("text/csv") {
        assert_eq!(reply.status, 200, "{target}");
        assert!(reply.headers.iter().any(|(k, _)| k == "Content-Disposition"), "{target}: no Content-Disposition");
        check_csv(&target, &reply.body);
        return;
    }
    assert_eq!(reply.content_type, "application/json", "{target}");
    let body: Value = serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{target}: not JSON ({e})"));
    assert_eq!(body["success"], Value::Bool(reply.status == 200), "{target}: {body}");
    if reply.status != 200 {
        let code = match reply.status {
            400 => "VALIDATION_ERROR",
            _ => "NOT_FOUND",
        };
        assert_eq!(body["error"]["code"], Value::from(code), "{target}: {body}");
        assert!(body["error"]["message"].is_string(), "{target}: {body}");
    }
});
