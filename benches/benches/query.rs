//! Query latency: `answer` for the overview, a sessions page, daily usage and one session's
//! detail, on the dataset of a generated ~50 MB Claude dir.

use std::hint::black_box;

use cc_analytics_benches::corpus;
use cc_analytics_core::{Analyzer, MessageCapture, PriceTable, QueryContext, answer, chrono_tz};
use criterion::{Criterion, criterion_main};

/// 2026-05-01T00:00:00Z: after the corpus' last session.
const NOW: i64 = 1_777_593_600_000;

fn query(c: &mut Criterion) {
    let files = corpus::in_memory(42, 50 << 20);
    // The session with the most responses gets its conversation kept, for the detail query.
    let mut first = Analyzer::new(MessageCapture::None);
    for file in &files {
        first.push(&file.path, &file.bytes);
        first.end_file(&file.path);
    }
    let prices = PriceTable::builtin();
    let biggest =
        first.finish(&prices).dataset.sessions.iter().max_by_key(|s| s.session.responses).map(|s| s.session.id.clone());
    let biggest = biggest.expect("the corpus has sessions");
    let mut analyzer = Analyzer::new(MessageCapture::Session(biggest.clone()));
    for file in &files {
        analyzer.push(&file.path, &file.bytes);
        analyzer.end_file(&file.path);
    }
    let data = analyzer.finish(&prices).dataset;
    let context = QueryContext { now: NOW, default_zone: chrono_tz::Europe::Berlin };
    let targets = [
        ("overview", "/api/analytics/overview".to_owned()),
        ("sessions page", "/api/analytics/sessions?limit=50&offset=100&sort=cost&order=desc".to_owned()),
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
