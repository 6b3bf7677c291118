//! `parse_line` on a typical line of each kind (the median-length line of that kind in a
//! generated corpus), as bytes throughput.

use std::collections::BTreeMap;
use std::hint::black_box;

use cc_analytics_benches::corpus;
use cc_analytics_core::parse_line;
use criterion::{Criterion, Throughput, criterion_main};
use serde_json::Value;

/// The kind of a line: its type, plus what its content is for user and assistant lines.
fn kind(line: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(line).ok()?;
    let kind = value.get("type")?.as_str()?;
    let first_block = |v: &Value| v.pointer("/message/content/0/type").and_then(Value::as_str).map(str::to_owned);
    Some(match kind {
        "user" => match first_block(&value).as_deref() {
            Some("tool_result") if value.pointer("/toolUseResult/totalTokens").is_some() => "user-task-result".into(),
            Some("tool_result") => "user-tool-result".into(),
            _ => "user-prompt".into(),
        },
        "assistant" if value.pointer("/message/model").and_then(Value::as_str) == Some("<synthetic>") => {
            "assistant-synthetic".into()
        }
        "assistant" => format!("assistant-{}", first_block(&value).unwrap_or_default()),
        "system" => format!("system-{}", value.get("subtype").and_then(Value::as_str).unwrap_or("hook")),
        "progress" => format!("progress-{}", value.pointer("/data/type").and_then(Value::as_str).unwrap_or("")),
        other => other.to_owned(),
    })
}

fn typical_lines() -> BTreeMap<String, Vec<u8>> {
    let mut by_kind: BTreeMap<String, Vec<&[u8]>> = BTreeMap::new();
    let files = corpus::in_memory(11, 8_000_000);
    for file in &files {
        for line in file.bytes.split(|&b| b == b'\n').filter(|line| !line.is_empty()) {
            if let Some(kind) = kind(line) {
                by_kind.entry(kind).or_default().push(line);
            }
        }
    }
    by_kind
        .into_iter()
        .map(|(kind, mut lines)| {
            lines.sort_by_key(|line| line.len());
            (kind, lines[lines.len() / 2].to_vec())
        })
        .collect()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_line");
    for (kind, line) in typical_lines() {
        assert!(matches!(parse_line(&line), Ok(Some(_))), "{kind} does not parse");
        group.throughput(Throughput::Bytes(line.len() as u64));
        group.bench_function(format!("{kind} ({} B)", line.len()), |b| b.iter(|| parse_line(black_box(&line)).is_ok()));
    }
    group.finish();
}

fn benches() {
    parse(&mut Criterion::default().configure_from_args());
}
criterion_main!(benches);
