//! Whole-file ingest on arbitrary bytes: never panics, and the answers do not depend on chunk
//! boundaries, on reading with two analyzers and merging them, or on a trip through stored
//! records.
//!
//! Input layout: 4 header bytes, then the files' bytes separated by `0x1E` (at most 8 files).
//! - `h[0]`: which path each file gets (main files, the three sub-agent layouts, odd names).
//! - `h[1]`, `h[2]`: chunk sizes (1..=256 bytes, varying from chunk to chunk).
//! - `h[3]`: bit 0 reads with two analyzers and merges them; bit 1 suspends (drops the
//!   unfinished last line of) every other file instead of ending it, which must tell its number
//!   of whole lines; bits 2-3 pick the zone;
//!   bit 4 also rebuilds from encoded and decoded records.
#![no_main]

use cc_analytics_core::{
    Analyzer, Dataset, MessageCapture, PriceTable, QueryContext, Record, RecordSet, answer, chrono_tz,
};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 10] = [
    "-home-me-app/s1.jsonl",
    "-home-me-app/s2.jsonl",
    "-home-me-app/agent-a1b2c3.jsonl",
    "-home-me-app/s1/subagents/agent-a77.jsonl",
    "-home-me-app/s1/subagents/agent-acompact-c3.jsonl",
    "-home-me-other/0b5a8e0e-1111-4222-8333-944455556666.jsonl",
    "s1.jsonl",
    "-home-me-app/noext",
    "",
    "-home-me-app/ünï cödé %41+&?.jsonl",
];

const ZONES: [&str; 4] = ["UTC", "Europe/Berlin", "America/Santiago", "Pacific/Chatham"];

/// `2025-06-02T00:00:00Z`.
const NOW: i64 = 1_748_822_400_000;

/// What happens after a file's bytes are pushed.
#[derive(Clone, Copy)]
enum End {
    End,
    Suspend,
}

struct Plan<'a> {
    files: Vec<(&'static str, &'a [u8], End)>,
    chunk: [u8; 2],
    two_analyzers: bool,
    zone: &'static str,
    records: bool,
}

fn plan(data: &[u8]) -> Option<Plan<'_>> {
    let (header, body) = data.split_first_chunk::<4>()?;
    let files = body
        .split(|&b| b == 0x1E)
        .take(8)
        .enumerate()
        .map(|(i, bytes)| {
            let path = PATHS[(usize::from(header[0]) + i) % PATHS.len()];
            let end = if header[3] & 2 != 0 && i % 2 == 1 { End::Suspend } else { End::End };
            (path, bytes, end)
        })
        .collect();
    Some(Plan {
        files,
        chunk: [header[1], header[2]],
        two_analyzers: header[3] & 1 != 0,
        zone: ZONES[usize::from(header[3] >> 2) & 3],
        records: header[3] & 16 != 0,
    })
}

/// Ends or suspends the file; a suspended file's last whole line is its count of newlines.
fn finish_file(analyzer: &mut Analyzer, path: &str, bytes: &[u8], end: End) {
    match end {
        End::End => analyzer.end_file(path),
        End::Suspend => {
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(analyzer.suspend_file(path) as usize, newlines, "{path}");
        }
    }
}

/// Every file pushed whole, in order, into one analyzer.
fn whole(plan: &Plan<'_>) -> Analyzer {
    let mut analyzer = Analyzer::new(MessageCapture::All);
    for &(path, bytes, end) in &plan.files {
        analyzer.push(path, bytes);
        finish_file(&mut analyzer, path, bytes, end);
    }
    analyzer
}

/// Every file pushed in chunks of varying size, alternately into two analyzers when asked.
fn chunked(plan: &Plan<'_>) -> Analyzer {
    let mut analyzers = [Analyzer::new(MessageCapture::All), Analyzer::new(MessageCapture::All)];
    let mut step = 0usize;
    for (i, &(path, bytes, end)) in plan.files.iter().enumerate() {
        let analyzer = &mut analyzers[if plan.two_analyzers { i % 2 } else { 0 }];
        let mut rest = bytes;
        loop {
            // At least one push per file, as the whole read does, even of no bytes.
            let size = 1 + usize::from(plan.chunk[step % 2].wrapping_add((step / 2) as u8));
            step += 1;
            let (chunk, tail) = rest.split_at(size.min(rest.len()));
            analyzer.push(path, chunk);
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
        finish_file(analyzer, path, bytes, end);
    }
    let [mut first, second] = analyzers;
    first.merge(second);
    first
}

/// Percent-encodes everything but ASCII letters and digits.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The answers of a handful of endpoints (session detail of the first and last sessions).
fn answers(data: &Dataset, zone: &str) -> Vec<String> {
    let context = QueryContext { now: NOW, default_zone: chrono_tz::UTC };
    let mut targets: Vec<String> = [
        "overview",
        "sessions?limit=1000",
        "sessions?limit=3&offset=1&sort=cost&order=asc",
        "daily-usage",
        "model-distribution",
        "tool-usage",
        "projects",
        "heatmap",
        "blocks",
        "export?format=csv&entity=daily",
        "export?format=csv&entity=sessions",
    ]
    .iter()
    .map(|t| format!("/api/analytics/{t}{}tz={zone}", if t.contains('?') { '&' } else { '?' }))
    .collect();
    for session in data.sessions.first().into_iter().chain(data.sessions.last()) {
        targets.push(format!("/api/analytics/sessions/{}?tz={zone}", encode(&session.session.id)));
    }
    targets
        .iter()
        .map(|target| {
            let reply = answer(data, target, &context);
            assert_eq!(reply.status, 200, "{target}: {}", reply.body);
            if reply.content_type == "application/json" {
                let body: serde_json::Value =
                    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{target}: not JSON ({e})"));
                assert_eq!(body["success"], serde_json::Value::Bool(true), "{target}");
            }
            reply.body
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some(plan) = plan(data) else { return };
    let prices = PriceTable::builtin();

    let (records, mut errors, stats) = whole(&plan).into_records();
    errors.sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));
    let expected = answers(&records.clone().build(&prices, &MessageCapture::All), plan.zone);

    let mut chunked = chunked(&plan).finish(&prices);
    chunked.errors.sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));
    assert_eq!(chunked.errors, errors, "line errors depend on chunking");
    assert_eq!(chunked.stats, stats, "counts depend on chunking");
    assert_eq!(answers(&chunked.dataset, plan.zone), expected, "answers depend on chunking or merging");

    if plan.records {
        let stored: Vec<Vec<u8>> = records.into_records().map(|r| r.encode()).collect();
        let mut set = RecordSet::new();
        for _ in 0..2 {
            for bytes in &stored {
                set.insert(Record::decode(bytes).expect("encoded records decode"));
            }
        }
        assert_eq!(set.len(), stored.len(), "re-inserted records merge by key");
        let rebuilt = set.build(&prices, &MessageCapture::All);
        assert_eq!(answers(&rebuilt, plan.zone), expected, "answers change through stored records");
    }
});
