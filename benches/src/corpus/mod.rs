//! The corpus generator: a realistic Claude dir (`projects/<project>/...`) of a chosen size
//! ([`generate`]) or number of sessions ([`generate_sessions`]), every byte fixed by the seed.
//!
//! Realistic means what real histories hold (see `ACCOUNTING.md`): three eras of Claude Code
//! (1.0.x, 2.0.x, 2.1.x) with their line shapes and sub-agent layouts (inline sidechains, flat
//! `agent-<id>.jsonl`, `<session>/subagents/agent-<id>.jsonl`), responses written one line per
//! content block, large tool results and base64 images, progress lines embedding sub-agent
//! usage, compactions, summaries, titles and rate-limit lines, months of timestamps over a few
//! dozen projects, and a log-normal file-size profile (median about 100 KB, p99 about 5 MB, a few
//! files of tens of MB, about 2,600 files per GiB). A corpus of a chosen number of sessions uses
//! a smaller profile, for many-session measurements (see [`generate_sessions`]). A corpus can
//! also be made of real transcripts, copied with fresh ids up to a size ([`replicate`]).

mod append;
mod replicate;
mod session;
mod tools;

use std::io;

pub use append::append;
pub use replicate::{Copies, MAX_COPIES, fresh_ids, replicate};
use session::Session;

use crate::json::date;
use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Seed of every random choice: the same seed gives the same bytes.
    pub seed: u64,
    /// Total size of the transcripts to write (the last file may overshoot by a few KB).
    pub bytes: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files written (transcripts and sub-agent sidecars).
    pub files: u64,
    /// Transcript (`*.jsonl`) files written.
    pub transcripts: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Sessions (main transcript files).
    pub sessions: u64,
    /// Sub-agent runs written inline into the main file (1.0.x).
    pub inline_agents: u64,
    /// Flat `agent-<id>.jsonl` files (2.0.x).
    pub flat_agents: u64,
    /// `<session>/subagents/agent-<id>.jsonl` files (2.1.x), compactions included.
    pub nested_agents: u64,
}

/// One generated file, its path relative to the Claude dir (`projects/<folder>/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path below the Claude dir, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Generates a corpus, handing each finished file to `sink` (path relative to the Claude dir).
pub fn generate(config: &Config, sink: &mut dyn FnMut(&File) -> io::Result<()>) -> io::Result<Summary> {
    write(config.seed, Goal::Bytes(config.bytes), sink)
}

/// Generates a corpus of exactly `sessions` sessions, handing each finished file to `sink`.
///
/// The sessions are those of [`generate`] (same eras, line kinds, sub-agent layouts, projects and
/// months of timestamps) but smaller: most are one or two exchanges (a main file of median about
/// 6 KB, p99 about 30 KB, a few of hundreds of KB), thinking signatures, pasted images and tool
/// results are drawn smaller, and sub-agents are sized to their session. 100k sessions come to
/// about 750 MB (one exchange in the 2.x line shapes is already about 5 KB). Every byte is fixed
/// by `seed`.
pub fn generate_sessions(
    seed: u64,
    sessions: u64,
    sink: &mut dyn FnMut(&File) -> io::Result<()>,
) -> io::Result<Summary> {
    write(seed, Goal::Sessions(sessions), sink)
}

/// When to stop writing sessions, and how large to make them.
#[derive(Debug, Clone, Copy)]
enum Goal {
    /// Until this many bytes, sessions from the full-size profile.
    Bytes(u64),
    /// This many sessions, from the small profile.
    Sessions(u64),
}

fn write(seed: u64, goal: Goal, sink: &mut dyn FnMut(&File) -> io::Result<()>) -> io::Result<Summary> {
    let mut rng = Rng::new(seed);
    let scale = match goal {
        Goal::Bytes(bytes) => bytes,
        Goal::Sessions(sessions) => sessions.saturating_mul(SMALL_MEAN),
    };
    let mut projects = projects(&mut rng, scale);
    let weights: Vec<u32> = (0..projects.len()).map(|i| (1000 / (i + 1)) as u32).collect();
    let mut summary = Summary::default();
    let mut index = 0u64;
    while match goal {
        Goal::Bytes(bytes) => summary.bytes < bytes,
        Goal::Sessions(sessions) => summary.sessions < sessions,
    } {
        let era = match index {
            0 => Era::V1,
            1 => Era::V2,
            2 => Era::V3,
            _ => [Era::V1, Era::V2, Era::V3][rng.weighted(&[25, 30, 45])],
        };
        let project = &mut projects[rng.weighted(&weights)];
        // The main file's size, and the bytes its sub-agent files may take.
        let (target, budget) = match goal {
            Goal::Bytes(bytes) => {
                let remaining = bytes - summary.bytes;
                let target = rng.log_normal(MAIN_MEDIAN, SIGMA, 2_000, MAX_FILE).min(remaining).max(1_000) as usize;
                (target, remaining.saturating_sub(target as u64) as usize)
            }
            Goal::Sessions(_) => {
                let target = rng.log_normal(SMALL_MEDIAN, SMALL_SIGMA, 500, SMALL_MAX) as usize;
                (target, 16_000 + 8 * target)
            }
        };
        let mut session = Session::new(rng.fork(), era, &project.cwd, &project.folder);
        session.force_task = index < 3;
        session.budget = budget;
        session.small = matches!(goal, Goal::Sessions(_));
        session.summaries = std::mem::take(&mut project.leafs);
        let mut out = Vec::with_capacity(target + (target >> 3));
        if era == Era::V1 && !project.v1_head.is_empty() && rng.chance(0.3) {
            // A 1.0.x resume replays the start of an earlier session into the new file.
            out.extend_from_slice(&project.v1_head);
        }
        let replayed = out.len();
        session.write_main(&mut out, target);
        if era == Era::V1 {
            project.v1_head = head(&out[replayed..], 12).to_vec();
        }
        if let Some(leaf) = session.parent.clone() {
            project.leafs.push(leaf);
            project.leafs.truncate(4);
        }
        let main = File { path: format!("projects/{}/{}.jsonl", project.folder, session.session_id), bytes: out };
        summary.sessions += 1;
        summary.inline_agents += session.inline_agents;
        for file in std::iter::once(main).chain(std::mem::take(&mut session.extra)) {
            if file.path.ends_with(".jsonl") {
                summary.transcripts += 1;
                if file.path.contains("/subagents/") {
                    summary.nested_agents += 1;
                } else if file.path.rsplit('/').next().is_some_and(|name| name.starts_with("agent-")) {
                    summary.flat_agents += 1;
                }
            }
            summary.files += 1;
            summary.bytes += file.bytes.len() as u64;
            sink(&file)?;
        }
        index += 1;
    }
    Ok(summary)
}

/// The transcripts of a corpus, held in memory, with paths relative to `projects/` (as the host
/// pushes them to the analyzer).
pub fn in_memory(seed: u64, bytes: u64) -> Vec<File> {
    let mut files = Vec::new();
    let _ = generate(&Config { seed, bytes }, &mut |file| {
        if let Some(path) = file.path.strip_prefix("projects/").filter(|path| path.ends_with(".jsonl")) {
            files.push(File { path: path.to_owned(), bytes: file.bytes.clone() });
        }
        Ok(())
    });
    files
}

/// The transcripts of a corpus of `sessions` sessions ([`generate_sessions`]), held in memory,
/// with paths relative to `projects/`.
pub fn in_memory_sessions(seed: u64, sessions: u64) -> Vec<File> {
    let mut files = Vec::new();
    let _ = generate_sessions(seed, sessions, &mut |file| {
        if let Some(path) = file.path.strip_prefix("projects/").filter(|path| path.ends_with(".jsonl")) {
            files.push(File { path: path.to_owned(), bytes: file.bytes.clone() });
        }
        Ok(())
    });
    files
}

/// Median size of a main session file; with [`SIGMA`] the mean is about 4 times larger.
const MAIN_MEDIAN: f64 = 150_000.0;
/// Shape of the file-size distribution: p99 is about 48 times the median.
const SIGMA: f64 = 1.66;
/// Largest generated file.
const MAX_FILE: u64 = 64 << 20;
/// Median target size of a main session file in a corpus of a chosen number of sessions (a file
/// is written until it reaches its target, so most of them end after their first exchange).
const SMALL_MEDIAN: f64 = 600.0;
/// Shape of that profile: p99 of the target is about 16 times the median.
const SMALL_SIGMA: f64 = 1.2;
/// Largest target size of a main session file in that profile.
const SMALL_MAX: u64 = 4 << 20;
/// About the mean size of a session of that profile, sub-agents included (it only sets how many
/// projects the sessions spread over: 26 for 100k sessions).
const SMALL_MEAN: u64 = 7_500;

/// A Claude Code generation: its versions, dates, models and line shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Era {
    /// 1.0.x: sidechains inline, summaries, no snapshots.
    V1,
    /// 2.0.x: flat `agent-<id>.jsonl`, snapshots, queue operations, 5m/1h cache split.
    V2,
    /// 2.1.x: nested sub-agents with sidecars, progress and attachment lines, titles.
    V3,
}

impl Era {
    pub(crate) fn versions(self) -> &'static [&'static str] {
        match self {
            Era::V1 => &["1.0.24", "1.0.44", "1.0.56", "1.0.88", "1.0.128"],
            Era::V2 => &["2.0.14", "2.0.37", "2.0.55", "2.0.74"],
            Era::V3 => &["2.1.17", "2.1.38", "2.1.77", "2.1.114"],
        }
    }

    /// The months this era's sessions start in: `[from, to)` in ms.
    pub(crate) fn dates(self) -> (i64, i64) {
        match self {
            Era::V1 => (date(2025, 6, 1), date(2025, 10, 1)),
            Era::V2 => (date(2025, 10, 1), date(2026, 1, 1)),
            Era::V3 => (date(2026, 1, 1), date(2026, 5, 1)),
        }
    }

    /// Main models and their weights.
    pub(crate) fn models(self) -> (&'static [&'static str], &'static [u32]) {
        match self {
            Era::V1 => (
                &[
                    "claude-sonnet-4-20250514",
                    "claude-opus-4-20250514",
                    "claude-opus-4-1-20250805",
                    "claude-3-5-haiku-20241022",
                ],
                &[60, 20, 15, 5],
            ),
            Era::V2 => (
                &[
                    "claude-sonnet-4-5-20250929",
                    "claude-opus-4-5-20251101",
                    "claude-haiku-4-5-20251001",
                    "claude-opus-4-1-20250805",
                ],
                &[60, 25, 10, 5],
            ),
            Era::V3 => (
                &[
                    "claude-opus-4-6",
                    "claude-opus-4-7",
                    "claude-sonnet-4-6",
                    "claude-sonnet-4-5-20250929",
                    "claude-haiku-4-5-20251001",
                ],
                &[30, 25, 25, 10, 10],
            ),
        }
    }

    /// The small model of the era (quick calls, many sub-agents).
    pub(crate) fn small_model(self) -> &'static str {
        match self {
            Era::V1 => "claude-3-5-haiku-20241022",
            Era::V2 | Era::V3 => "claude-haiku-4-5-20251001",
        }
    }
}

/// A model id no price table knows (it must show up as unpriced, never as Sonnet).
pub(crate) const UNKNOWN_MODEL: &str = "claude-nova-9-20260301";

struct Project {
    cwd: String,
    folder: String,
    /// Last line uuids of recent sessions, for the next session's `summary` lines.
    leafs: Vec<String>,
    /// The first lines of the last 1.0.x session, replayed by resumes.
    v1_head: Vec<u8>,
}

fn projects(rng: &mut Rng, bytes: u64) -> Vec<Project> {
    const HOMES: &[&str] = &["/home/dev", "/Users/alex", "/home/marco/projects", "/Users/sam/work", "/srv/build"];
    const NAMES: &[&str] = &[
        "api-gateway",
        "billing_service",
        "web-app",
        "cc-analytics",
        "infra",
        "docs.site",
        "mobile-app",
        "data_pipeline",
        "auth",
        "search-ui",
        "ml.experiments",
        "cli-tools",
        "payments",
        "notebook",
        "kernel-patches",
        "dotfiles",
    ];
    let count = (8 + bytes / (40 << 20)).min(48) as usize;
    (0..count)
        .map(|i| {
            let name = NAMES[i % NAMES.len()];
            let cwd = if i < NAMES.len() {
                format!("{}/{name}", rng.pick(HOMES))
            } else {
                format!("{}/{name}/worktrees/feature-{i}", rng.pick(HOMES))
            };
            let folder = cwd.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            Project { cwd, folder, leafs: Vec::new(), v1_head: Vec::new() }
        })
        .collect()
}

/// The first `n` lines of `bytes`.
fn head(bytes: &[u8], n: usize) -> &[u8] {
    let mut end = 0;
    for _ in 0..n {
        match bytes[end..].iter().position(|&b| b == b'\n') {
            Some(at) => end += at + 1,
            None => break,
        }
    }
    &bytes[..end]
}
