//! Query latency: `answer` for the overview, a sessions page, daily usage and one session's
//! detail, on the dataset of a generated Claude dir of 100k sessions (`gen-corpus --sessions
//! 100000`, about 750 MB, built in memory: about 10 s of setup).
//!
//! `QUERY_SESSIONS=10000 cargo bench -p cc-analytics-benches --bench query` measures a smaller
//! dataset.

use std::hint::black_box;
use std::time::Instant;

use cc_analytics_benches::corpus;
use cc_analytics_core::{Analyzer, MessageCapture, PriceTable, QueryContext, answer, chrono_tz};
use criterion::{Criterion, criterion_main};

/// 2026-05-01T00:00:00Z: after the corpus' last session.
const NOW: i64 = 1_777_593_600_000;
/// Sessions in the dataset, unless `QUERY_SESSIONS` says otherwise.
const SESSIONS: u64 = 100_000;

fn query(c: &mut Criterion) {
    let sessions = match std::env::var("QUERY_SESSIONS") {
        Ok(value) => value.parse().expect("QUERY_SESSIONS is a number of sessions"),
        Err(_) => SESSIONS,
    };
    let started = Instant::now();
    let files = corpus::in_memory_sessions(42, sessions);
    let bytes: usize = files.iter().map(|file| file.bytes.len()).sum();
    // The session with the largest main file gets its conversation kept, for the detail query.
    let biggest = files
        .iter()
        .filter(|file| file.path.matches('/').count() == 1 && !file.path.contains("/agent-"))
        .max_by_key(|file| file.bytes.len())
        .and_then(|file| file.path.rsplit('/').next()?.strip_suffix(".jsonl"))
        .expect("the corpus has sessions")
        .to_owned();
    let mut analyzer = Analyzer::new(MessageCapture::Session(biggest.clone()));
    for file in &files {
        analyzer.push(&file.path, &file.bytes);
        analyzer.end_file(&file.path);
    }
    drop(files);
    let data = analyzer.finish(&PriceTable::builtin()).dataset;
    assert_eq!(data.sessions.len() as u64, sessions);
    eprintln!(
        "query: {} sessions, {} responses from {:.0} MB of transcripts, set up in {:.1} s",
        data.sessions.len(),
        data.responses.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let context = QueryContext { now: NOW, default_zone: chrono_tz::Europe::Berlin };
    let targets = [
        ("overview", "/api/analytics/overview".to_owned()),
        ("overview, 30 days", "/api/analytics/overview?dateFrom=2026-04-01&dateTo=2026-04-30".to_owned()),
        ("sessions page", "/api/analytics/sessions?limit=50&offset=100&sort=cost&order=desc".to_owned()),
        ("sessions page, default order", "/api/analytics/sessions?limit=50&offset=0".to_owned()),
        ("daily usage", "/api/analytics/daily-usage".to_owned()),
        ("daily usage, 30 days", "/api/analytics/daily-usage?dateFrom=2026-04-01&dateTo=2026-04-30".to_owned()),
        ("session detail", format!("/api/analytics/sessions/{biggest}?messagesLimit=100")),
    ];
    let mut group =
        c.benchmark_group(format!("query ({} sessions, {} responses)", data.sessions.len(), data.responses.len()));
    for (name, target) in &targets {
        let reply = answer(&data, target, &context);
        assert_eq!(reply.status, 200, "{target}: {}", reply.body);
        group.bench_function(*name, |b| b.iter(|| answer(black_box(&data), black_box(target), &context).body.len()));
    }
    group.finish();
}

fn benches() {
    query(&mut Criterion::default().configure_from_args());
}
criterion_main!(benches);
