//! Reading transcripts into the core: files streamed in fixed-size chunks, spread over one
//! analyzer per core, merged at the end. Nothing holds a whole file in memory.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use cc_analytics_core::{Analysis, Analyzer, MessageCapture, PriceTable};

use crate::discover::{self, Transcript};

/// Bytes read from a file at a time.
const CHUNK: usize = 1 << 20;

/// An analysis plus the files and folders that could not be read.
pub struct Loaded {
    /// The analysis.
    pub analysis: Analysis,
    /// `(path, reason)` of unreadable files and folders.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Reads every transcript of `claude_dirs`.
pub fn load(claude_dirs: &[PathBuf], capture: MessageCapture, prices: &PriceTable) -> Loaded {
    let found = discover::transcripts(claude_dirs);
    let next = AtomicUsize::new(0);
    let workers = thread::available_parallelism().map_or(1, |n| n.get()).min(found.transcripts.len().max(1));
    let results: Vec<(Analyzer, Vec<(PathBuf, String)>)> = thread::scope(|scope| {
        let handles: Vec<_> =
            (0..workers).map(|_| scope.spawn(|| read_share(&found.transcripts, &next, capture.clone()))).collect();
        handles.into_iter().map(|h| h.join().expect("reader thread panicked")).collect()
    });
    let mut unreadable = found.errors;
    let mut merged = Analyzer::new(capture);
    for (analyzer, errors) in results {
        merged.merge(analyzer);
        unreadable.extend(errors);
    }
    unreadable.sort();
    Loaded { analysis: merged.finish(prices), unreadable }
}

/// Takes files off the shared list until none are left.
fn read_share(files: &[Transcript], next: &AtomicUsize, capture: MessageCapture) -> (Analyzer, Vec<(PathBuf, String)>) {
    let mut analyzer = Analyzer::new(capture);
    let mut errors = Vec::new();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(file) = files.get(index) else { break };
        if let Err(e) = read_file(&mut analyzer, file, &mut buffer) {
            errors.push((file.path.clone(), e.to_string()));
        }
        analyzer.end_file(&file.name);
    }
    (analyzer, errors)
}

fn read_file(analyzer: &mut Analyzer, file: &Transcript, buffer: &mut [u8]) -> std::io::Result<()> {
    let mut handle = File::open(&file.path)?;
    loop {
        let n = match handle.read(buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        analyzer.push(&file.name, &buffer[..n]);
    }
}
