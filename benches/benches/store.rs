//! Database write throughput: the records of a generated ~20 MB Claude dir (conversations
//! captured, as a sync stores them) merged into a fresh redb database in one transaction and
//! committed, which is what a first sync writes; and the same records merged again into the filled
//! database, which finds every one stored and writes nothing (a re-read after a reset). Reported
//! as transcript bytes per second.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use cc_analytics_benches::corpus;
use cc_analytics_core::{Analyzer, MessageCapture, RecordSet};
use cc_analytics_host::store::Store;
use criterion::{BatchSize, Criterion, Throughput, criterion_main};

const CORPUS_BYTES: u64 = 20 << 20;

/// A database path of its own in the temp folder.
fn fresh_path() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("cc-analytics-bench-store-{}-{n}.redb", std::process::id()))
}

/// Merges `records` into `store` in one transaction and commits.
fn write(store: &Store, records: RecordSet) {
    let mut writer = store.writer().expect("a write transaction");
    writer.merge(records).expect("merged");
    writer.commit().expect("committed");
}

fn store(c: &mut Criterion) {
    let files = corpus::in_memory(42, CORPUS_BYTES);
    let bytes: u64 = files.iter().map(|file| file.bytes.len() as u64).sum();
    let mut analyzer = Analyzer::new(MessageCapture::All);
    for file in &files {
        analyzer.push(&file.path, &file.bytes);
        analyzer.end_file(&file.path);
    }
    let records = analyzer.into_records().0;
    let mut group = c.benchmark_group(format!("store ({} records)", records.len()));
    group.throughput(Throughput::Bytes(bytes)).sample_size(10);
    group.bench_function("first write (empty database)", |b| {
        b.iter_batched(
            || (records.clone(), fresh_path()),
            |(records, path)| {
                let store = Store::open(&path, |_| {}).expect("a new database");
                write(&store, records);
                drop(store);
                let _ = std::fs::remove_file(&path);
            },
            BatchSize::PerIteration,
        );
    });
    let path = fresh_path();
    let filled = Store::open(&path, |_| {}).expect("a new database");
    write(&filled, records.clone());
    group.bench_function("same records again (nothing new)", |b| {
        b.iter_batched(|| records.clone(), |records| write(&filled, records), BatchSize::PerIteration);
    });
    group.finish();
    drop(filled);
    let _ = std::fs::remove_file(&path);
}

fn benches() {
    store(&mut Criterion::default().configure_from_args());
}
criterion_main!(benches);
