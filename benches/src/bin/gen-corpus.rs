//! `gen-corpus`: writes a realistic Claude dir of a chosen size or number of sessions, or one made
//! of the transcripts of a real Claude dir copied with fresh ids, or appends new lines to one file.
//!
//! ```text
//! gen-corpus --out DIR [--size 1GiB] [--seed 42]
//! gen-corpus --out DIR --sessions 100000 [--seed 42]
//! gen-corpus --out DIR --replicate CLAUDE_DIR [--size 1GiB]
//! gen-corpus --append-to FILE [--bytes 1MB] [--seed 42]
//! ```

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use cc_analytics_benches::corpus::{self, Config};

const USAGE: &str = "usage: gen-corpus --out DIR [--size 1GiB] [--seed 42]\n       gen-corpus --out DIR --sessions 100000 [--seed 42]\n       gen-corpus --out DIR --replicate CLAUDE_DIR [--size 1GiB]\n       gen-corpus --append-to FILE [--bytes 1MB] [--seed 42]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-corpus: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let (mut out, mut append_to, mut size, mut sessions, mut seed) = (None, None, None, None, 42u64);
    let mut replicate = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--append-to" => append_to = Some(PathBuf::from(value()?)),
            "--replicate" => replicate = Some(PathBuf::from(value()?)),
            "--size" | "--bytes" => size = Some(parse_size(&value()?)?),
            "--sessions" => {
                sessions = Some(parse_count(&value()?)?);
            }
            "--seed" => seed = value()?.parse().map_err(|_| "--seed takes an integer".to_owned())?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let started = Instant::now();
    if let Some(source) = replicate {
        let dir = match (out, append_to, sessions) {
            (Some(dir), None, None) => dir,
            _ => return Err("--replicate goes with --out and --size only".to_owned()),
        };
        let files = claude_dir_files(&source).map_err(|e| format!("reading {}: {e}", source.display()))?;
        let copies =
            corpus::replicate(&files, size.unwrap_or(1 << 30), &mut |file| write(&dir.join(&file.path), &file.bytes))
                .map_err(|e| format!("replicating {} into {}: {e}", source.display(), dir.display()))?;
        println!(
            "{} copies of {} files of {}, {} files, {:.1} MB in {:.1} s",
            copies.copies,
            files.len(),
            source.display(),
            copies.files,
            copies.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    match (out, append_to) {
        (Some(dir), None) => {
            let mut sink = |file: &corpus::File| write(&dir.join(&file.path), &file.bytes);
            let summary = match (sessions, size) {
                (Some(_), Some(_)) => return Err("give either --size or --sessions".to_owned()),
                (Some(sessions), None) => corpus::generate_sessions(seed, sessions, &mut sink),
                (None, size) => corpus::generate(&Config { seed, bytes: size.unwrap_or(1 << 30) }, &mut sink),
            }
            .map_err(|e| format!("writing {}: {e}", dir.display()))?;
            println!(
                "{} files ({} transcripts, {} sessions; sub-agents: {} inline, {} flat, {} nested), {:.1} MB in {:.1} s",
                summary.files,
                summary.transcripts,
                summary.sessions,
                summary.inline_agents,
                summary.flat_agents,
                summary.nested_agents,
                summary.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
        }
        (None, Some(_)) if sessions.is_some() => return Err("--sessions goes with --out".to_owned()),
        (None, Some(file)) => {
            let existing = fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            let lines = corpus::append(&existing, seed, size.unwrap_or(1_000_000));
            fs::OpenOptions::new()
                .append(true)
                .open(&file)
                .and_then(|mut f| f.write_all(&lines))
                .map_err(|e| format!("appending to {}: {e}", file.display()))?;
            println!("appended {} bytes to {}", lines.len(), file.display());
        }
        _ => return Err("give either --out or --append-to".to_owned()),
    }
    Ok(())
}

/// Every file below `<dir>/projects` (transcripts and sidecars), paths relative to `dir`, in
/// path order.
fn claude_dir_files(dir: &Path) -> std::io::Result<Vec<corpus::File>> {
    fn walk(dir: &Path, path: &str, files: &mut Vec<corpus::File>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = format!("{path}/{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &name, files)?;
            } else {
                files.push(corpus::File { path: name, bytes: fs::read(entry.path())? });
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(&dir.join("projects"), "projects", &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, bytes)
}

/// `100000`, `100k`, `100_000`: a number of sessions.
fn parse_count(text: &str) -> Result<u64, String> {
    let text = text.trim().replace('_', "");
    let (number, scale) = match text.strip_suffix(['k', 'K']) {
        Some(number) => (number, 1_000),
        None => (text.as_str(), 1),
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n * scale),
        _ => Err(format!("--sessions takes a positive integer, not {text:?}")),
    }
}

/// `1GiB`, `500MiB`, `5MB`, `64k`, `1000`: binary units with `i`, decimal without.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("bad size {text:?}"))?;
    let scale = match unit.to_ascii_lowercase().trim_end_matches('b') {
        "" => 1.0,
        "k" => 1e3,
        "m" => 1e6,
        "g" => 1e9,
        "ki" => 1024.0,
        "mi" => 1024.0 * 1024.0,
        "gi" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("bad size unit in {text:?}")),
    };
    Ok((number * scale) as u64)
}
