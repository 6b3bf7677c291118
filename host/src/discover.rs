//! Finding transcripts: every `*.jsonl` file below `projects/` of each Claude dir, recursively.
//! Symlinked folders are not followed (no loops); a folder named `x.jsonl` is not a file. The
//! project folders are walked on every core, and each file's size and modification time are
//! read as it is listed, relative to its folder (a sync compares them with what it read last).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::read::on_every_core;

/// One transcript file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path below `projects/`, with `/` separators: the name the core knows it by.
    pub name: String,
    /// Its size and modification time when it was found.
    pub stat: Stat,
}

/// A file's size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Bytes.
    pub size: u64,
    /// Unix ms (0 when the file system does not say).
    pub modified: i64,
}

impl Stat {
    /// The size and modification time in `meta`.
    pub fn of(meta: &fs::Metadata) -> Stat {
        let modified =
            meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_millis() as i64);
        Stat { size: meta.len(), modified }
    }
}

/// What discovery found, plus folders it could not list.
#[derive(Debug, Default)]
pub struct Found {
    /// Transcripts, ordered by name.
    pub transcripts: Vec<Transcript>,
    /// `(folder, reason)` for folders that could not be read, ordered by folder.
    pub errors: Vec<(PathBuf, String)>,
}

/// Every transcript below `<dir>/projects` for each dir.
pub fn transcripts(claude_dirs: &[PathBuf]) -> Found {
    let mut found = Found::default();
    // `(root, project folder)`: the folders below each `projects/`, walked on every core.
    let mut folders = Vec::new();
    for dir in claude_dirs {
        let root = dir.join("projects");
        if root.is_dir() {
            folders.extend(list(&root, &root, &mut found).into_iter().map(|folder| (root.clone(), folder)));
        }
    }
    let walked = on_every_core(&folders, |folders| {
        let mut found = Found::default();
        while let Some((_, (root, folder))) = folders.take() {
            walk(root, folder, &mut found);
        }
        found
    });
    for part in walked {
        found.transcripts.extend(part.transcripts);
        found.errors.extend(part.errors);
    }
    found.transcripts.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
    found.errors.sort();
    found
}

/// The transcripts among `paths` (named by file notifications), exactly as [`transcripts`] lists
/// them: `*.jsonl` files below `<dir>/projects` of a Claude dir, not inside a symlinked folder,
/// with the paths discovery gives them. A path may name a file below a root as given, as made
/// absolute (as notifications name them when a dir was given as a relative path), or with
/// links resolved. Paths that are not such files (any more) are passed over.
pub fn among(claude_dirs: &[PathBuf], paths: &[PathBuf]) -> Found {
    let roots: Vec<(PathBuf, Vec<PathBuf>)> = claude_dirs
        .iter()
        .map(|dir| {
            let root = dir.join("projects");
            let spellings = [std::path::absolute(&root), fs::canonicalize(&root)].into_iter().flatten().collect();
            (root, spellings)
        })
        .collect();
    let mut found = Found::default();
    for path in paths {
        let Some((root, path)) = roots.iter().find_map(|(root, spellings)| {
            let below = std::iter::once(root).chain(spellings).find_map(|r| path.strip_prefix(r).ok())?;
            Some((root, root.join(below)))
        }) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "jsonl") || !in_real_folders(root, &path) {
            continue;
        }
        if let Some(meta) = fs::metadata(&path).ok().filter(fs::Metadata::is_file) {
            let name = name(root, &path);
            found.transcripts.push(Transcript { path, name, stat: Stat::of(&meta) });
        }
    }
    found.transcripts.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
    found.transcripts.dedup();
    found
}

/// Whether every folder from below `root` down to `path`'s is a folder, not a link to one (the
/// walk does not follow those).
fn in_real_folders(root: &Path, path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .take_while(|folder| *folder != root)
        .all(|folder| fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_dir()))
}

/// A transcript's path below `root`, with `/` separators.
fn name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lists `folder` and every folder below it.
fn walk(root: &Path, folder: &Path, found: &mut Found) {
    for below in list(root, folder, found) {
        walk(root, &below, found);
    }
}

/// Adds the transcripts in `folder` to `found`; returns its folders (not links to folders).
fn list(root: &Path, folder: &Path, found: &mut Found) -> Vec<PathBuf> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            found.errors.push((folder.to_path_buf(), e.to_string()));
            return Vec::new();
        }
    };
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            folders.push(path);
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            // A file's own metadata is read relative to the open folder; a link's, through it.
            let meta = if kind.is_file() { entry.metadata() } else { fs::metadata(&path) };
            if let Some(meta) = meta.ok().filter(fs::Metadata::is_file) {
                let name = name(root, &path);
                found.transcripts.push(Transcript { path, name, stat: Stat::of(&meta) });
            }
        }
    }
    folders
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path below `folder`, through links to folders too (notifications may name those).
    fn every_path(folder: &Path, out: &mut Vec<PathBuf>, depth: usize) {
        for entry in fs::read_dir(folder).unwrap().flatten() {
            out.push(entry.path());
            if entry.path().is_dir() && depth < 8 {
                every_path(&entry.path(), out, depth + 1);
            }
        }
    }

    #[test]
    fn the_transcripts_among_paths_are_those_the_walk_lists() {
        let base = std::env::temp_dir().join(format!("cc-analytics-discover-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let (claude, elsewhere) = (base.join("claude"), base.join("elsewhere"));
        let projects = claude.join("projects");
        for (path, text) in [
            ("claude/projects/-w-app/s1.jsonl", "{}\n"),
            ("claude/projects/-w-app/s1/subagents/agent-a.jsonl", "{}\n"),
            ("claude/projects/-w-app/notes.txt", "x"),
            ("claude/projects/-w-app/folder.jsonl/inside.jsonl", "{}\n"),
            ("claude/top.jsonl", "{}\n"),
            ("elsewhere/linked/s9.jsonl", "{}\n"),
            ("elsewhere/target.jsonl", "{}\n"),
        ] {
            fs::create_dir_all(base.join(path).parent().unwrap()).unwrap();
            fs::write(base.join(path), text).unwrap();
        }
        std::os::unix::fs::symlink(elsewhere.join("linked"), projects.join("-w-linked")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("target.jsonl"), projects.join("-w-app/link.jsonl")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("gone.jsonl"), projects.join("-w-app/dangling.jsonl")).unwrap();

        let dirs = [claude.clone()];
        let walked = transcripts(&dirs).transcripts;
        let names: Vec<&str> = walked.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "-w-app/folder.jsonl/inside.jsonl",
                "-w-app/link.jsonl",
                "-w-app/s1.jsonl",
                "-w-app/s1/subagents/agent-a.jsonl"
            ]
        );
        let mut paths = Vec::new();
        every_path(&base, &mut paths, 0);
        paths.push(projects.join("-w-app/never-written.jsonl"));
        paths.extend(paths.clone());
        assert_eq!(among(&dirs, &paths).transcripts, walked);
        assert_eq!(among(&dirs, &[projects.join("-w-app/s1.jsonl")]).transcripts, walked[2..3]);

        // A dir given as a relative path: notifications name files by the current folder joined
        // with it (`..` and all).
        let cwd = std::env::current_dir().unwrap();
        let up: PathBuf = cwd.components().skip(1).map(|_| "..").collect();
        let relative = [up.join(claude.strip_prefix("/").unwrap())];
        let walked = transcripts(&relative).transcripts;
        assert!(walked.iter().all(|t| t.path.is_relative()) && walked.len() == 4, "{walked:?}");
        let notified: Vec<PathBuf> = paths.iter().map(|p| cwd.join(&up).join(p.strip_prefix("/").unwrap())).collect();
        assert_eq!(among(&relative, &notified).transcripts, walked);
        assert_eq!(among(&relative, &paths).transcripts, walked, "paths with links resolved");
        fs::remove_dir_all(&base).unwrap();
    }
}
