//! Whole-corpus ingest throughput: an `Analyzer` fed a generated ~50 MB Claude dir held in
//! memory (1 MiB chunks, as the host reads), with and without building the dataset. Reported as
//! bytes per second on one core.

use std::hint::black_box;

use cc_analytics_benches::corpus::{self, File};
use cc_analytics_core::{Analyzer, MessageCapture, PriceTable};
use criterion::{Criterion, Throughput, criterion_main};

const CORPUS_BYTES: u64 = 50 << 20;
const CHUNK: usize = 1 << 20;

fn push_all(files: &[File]) -> Analyzer {
    let mut analyzer = Analyzer::new(MessageCapture::None);
    for file in files {
        for chunk in file.bytes.chunks(CHUNK) {
            analyzer.push(&file.path, chunk);
        }
        analyzer.end_file(&file.path);
    }
    analyzer
}

fn ingest(c: &mut Criterion) {
    let files = corpus::in_memory(42, CORPUS_BYTES);
    let bytes: u64 = files.iter().map(|file| file.bytes.len() as u64).sum();
    let prices = PriceTable::builtin();
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(bytes)).sample_size(10);
    group.bench_function(format!("push ({} files, {} MB)", files.len(), bytes / 1_000_000), |b| {
        b.iter(|| black_box(push_all(&files)).into_records().0)
    });
    group.bench_function(format!("push+finish ({} files, {} MB)", files.len(), bytes / 1_000_000), |b| {
        b.iter(|| black_box(push_all(&files).finish(&prices)).dataset.responses.len())
    });
    group.finish();
}

fn benches() {
    ingest(&mut Criterion::default().configure_from_args());
}
criterion_main!(benches);
