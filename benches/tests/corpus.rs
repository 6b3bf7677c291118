//! The generated corpus is what the core reads without a single line error, has every sub-agent
//! layout, and is the same bytes for the same seed, by size and by number of sessions.

use std::path::{Path, PathBuf};
use std::{fs, process};

use cc_analytics_benches::corpus::{self, Config, File};
use cc_analytics_core::{Analysis, Analyzer, MessageCapture, PriceTable};

const SIZE: u64 = 5_000_000;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cc-analytics-corpus-{name}-{}", process::id()));
        let _ = fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every `*.jsonl` below `dir/projects`, as (path below `projects/`, bytes), in path order.
fn transcripts(dir: &Path) -> Vec<File> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<File>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else if path.extension().is_some_and(|ext| ext == "jsonl") {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                files.push(File { path: relative, bytes: fs::read(&path).unwrap() });
            }
        }
    }
    let mut files = Vec::new();
    walk(&dir.join("projects"), &dir.join("projects"), &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn analyse(files: &[File]) -> Analysis {
    let mut analyzer = Analyzer::new(MessageCapture::All);
    for file in files {
        // Chunks of odd sizes, as a reader would push them.
        for chunk in file.bytes.chunks(65_537) {
            analyzer.push(&file.path, chunk);
        }
        analyzer.end_file(&file.path);
    }
    analyzer.finish(&PriceTable::builtin())
}

#[test]
fn a_generated_corpus_reads_without_line_errors_and_has_every_layout() {
    let dir = TempDir::new("layouts");
    let summary = corpus::generate(&Config { seed: 42, bytes: SIZE }, &mut |file| {
        let path = dir.0.join(&file.path);
        fs::create_dir_all(path.parent().unwrap())?;
        fs::write(path, &file.bytes)
    })
    .unwrap();
    assert!(summary.bytes >= SIZE && summary.bytes < SIZE + SIZE / 2, "{summary:?}");
    assert!(summary.inline_agents > 0 && summary.flat_agents > 0 && summary.nested_agents > 0, "{summary:?}");

    let files = transcripts(&dir.0);
    assert_eq!(files.len() as u64, summary.transcripts);
    let names: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    assert!(names.iter().any(|p| p.contains("/subagents/agent-a")), "2.1.x layout missing");
    assert!(names.iter().any(|p| p.split('/').count() == 2 && p.split('/').nth(1).unwrap().starts_with("agent-")));
    let inline = files.iter().any(|file| {
        let text = String::from_utf8_lossy(&file.bytes);
        !file.path.contains("agent-") && text.contains("\"isSidechain\":true") && text.contains("\"version\":\"1.0.")
    });
    assert!(inline, "1.0.x inline sidechains missing");
    for kind in [
        "\"type\":\"summary\"",
        "\"type\":\"file-history-snapshot\"",
        "\"type\":\"queue-operation\"",
        "\"type\":\"progress\"",
        "\"type\":\"agent_progress\"",
        "\"type\":\"attachment\"",
        "\"type\":\"permission-mode\"",
        "\"type\":\"last-prompt\"",
        "\"subtype\":\"compact_boundary\"",
        "\"type\":\"thinking\"",
        "\"type\":\"image\"",
        "\"totalTokens\":",
    ] {
        assert!(files.iter().any(|file| memchr_find(&file.bytes, kind.as_bytes())), "no {kind} line");
    }

    let analysis = analyse(&files);
    assert!(analysis.errors.is_empty(), "line errors: {:?}", &analysis.errors[..analysis.errors.len().min(5)]);
    assert!(!analysis.dataset.sessions.is_empty());
    assert!(!analysis.dataset.responses.is_empty());
    assert!(!analysis.dataset.tool_calls.is_empty());
    assert_eq!(analysis.dataset.sessions.len() as u64, summary.sessions);
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = corpus::in_memory(7, 1_000_000);
    let b = corpus::in_memory(7, 1_000_000);
    assert_eq!(a, b);
    let c = corpus::in_memory(8, 1_000_000);
    assert_ne!(a, c);
}

/// FNV-1a over paths and bytes, in path order.
fn fingerprint(files: &[File]) -> u64 {
    let mut files: Vec<&File> = files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for file in files {
        for &b in file.path.as_bytes().iter().chain(&[0]).chain(&file.bytes) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[test]
fn the_size_profile_keeps_its_bytes() {
    // Corpora on disk (target/bench-corpus-<size>) are reused while size and seed match, and
    // results are compared across commits: a change to the bytes of `--size` must be deliberate
    // (update this value and say so).
    let files = corpus::in_memory(42, 3_000_000);
    assert_eq!(files.len(), 11);
    assert_eq!(fingerprint(&files), 0xed5a_e586_d8ec_a969, "the bytes of a sized corpus changed");
}

#[test]
fn a_corpus_of_a_chosen_number_of_sessions_has_them_all_and_reads_without_line_errors() {
    const SESSIONS: u64 = 3_000;
    let mut files = Vec::new();
    let summary = corpus::generate_sessions(5, SESSIONS, &mut |file| {
        files.push(file.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.sessions, SESSIONS);
    assert!(summary.inline_agents > 0 && summary.flat_agents > 0 && summary.nested_agents > 0, "{summary:?}");
    let per_session = summary.bytes / SESSIONS;
    assert!((4_000..12_000).contains(&per_session), "{per_session} bytes a session: {summary:?}");
    assert_eq!(files.iter().map(|file| file.bytes.len() as u64).sum::<u64>(), summary.bytes);
    // Most sessions are small, a few are not.
    let mut mains: Vec<usize> = files
        .iter()
        .filter(|file| file.path.split('/').count() == 3 && !file.path.contains("/agent-"))
        .map(|file| file.bytes.len())
        .collect();
    mains.sort_unstable();
    assert_eq!(mains.len() as u64, SESSIONS);
    assert!(mains[mains.len() / 2] < 10_000 && mains[mains.len() - 1] > 30_000, "{:?}", &mains[mains.len() / 2]);

    let transcripts = corpus::in_memory_sessions(5, SESSIONS);
    assert_eq!(transcripts.len() as u64, summary.transcripts);
    let analysis = analyse(&transcripts);
    assert!(analysis.errors.is_empty(), "line errors: {:?}", &analysis.errors[..analysis.errors.len().min(5)]);
    assert_eq!(analysis.dataset.sessions.len() as u64, SESSIONS);
    // Months of timestamps: from the 1.0.x months to the 2.1.x ones.
    let starts: Vec<i64> = analysis.dataset.sessions.iter().map(|s| s.start()).collect();
    let span = starts.iter().max().unwrap() - starts.iter().min().unwrap();
    assert!(span > 300 * 86_400_000, "{} days", span / 86_400_000);
}

#[test]
fn the_same_seed_gives_the_same_sessions() {
    let a = corpus::in_memory_sessions(7, 300);
    assert_eq!(a, corpus::in_memory_sessions(7, 300));
    assert_ne!(a, corpus::in_memory_sessions(8, 300));
}

#[test]
fn appended_lines_continue_a_file_without_line_errors() {
    let mut files = corpus::in_memory(3, 2_000_000);
    let before = analyse(&files);
    let target = files.iter_mut().max_by_key(|file| file.bytes.len()).unwrap();
    let lines = corpus::append(&target.bytes, 3, 200_000);
    assert!(lines.len() >= 200_000);
    assert_eq!(lines, corpus::append(&target.bytes, 3, 200_000), "append is deterministic");
    target.bytes.extend_from_slice(&lines);
    let after = analyse(&files);
    assert!(after.errors.is_empty(), "line errors: {:?}", &after.errors[..after.errors.len().min(5)]);
    assert_eq!(after.dataset.sessions.len(), before.dataset.sessions.len(), "same session, not a new one");
    assert!(after.dataset.responses.len() > before.dataset.responses.len());
}

/// Everything a copy must add again: sessions, messages, responses, tool calls and tool errors,
/// tokens, cost, rate-limit events.
fn totals(analysis: &Analysis) -> [u64; 10] {
    let dataset = &analysis.dataset;
    let sessions = dataset.sessions.iter().map(|s| &s.session);
    [
        dataset.sessions.len() as u64,
        dataset.messages(),
        dataset.responses.len() as u64,
        dataset.tool_calls.len() as u64,
        sessions.map(|s| s.tool_errors).sum(),
        dataset.responses.iter().map(|r| r.tokens.input).sum(),
        dataset.responses.iter().map(|r| r.tokens.output).sum(),
        dataset.responses.iter().map(|r| r.tokens.cache_creation + r.tokens.cache_read).sum(),
        dataset.responses.iter().map(|r| r.cost).sum(),
        dataset.rate_limits.len() as u64,
    ]
}

#[test]
fn each_copy_of_real_transcripts_counts_as_the_original_does() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/claude-home");
    let mut source = transcripts(&samples);
    source.iter_mut().for_each(|file| file.path.insert_str(0, "projects/"));
    let size: u64 = source.iter().map(|file| file.bytes.len() as u64).sum();
    let mut copies = Vec::new();
    let written = corpus::replicate(&source, 2 * size + 1, &mut |file| {
        copies.push(file.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(written.copies, 3);
    copies.iter_mut().for_each(|file| file.path = file.path.strip_prefix("projects/").unwrap().to_owned());

    let (one, three) = (analyse(&transcripts(&samples)), analyse(&copies));
    // (The samples have no rate-limit event.)
    assert!(totals(&one)[..9].iter().all(|&total| total > 0), "{:?}", totals(&one));
    assert_eq!(totals(&three), totals(&one).map(|total| 3 * total));
    assert_eq!(three.errors.len(), 3 * one.errors.len());
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
