//! Finding transcripts: every `*.jsonl` file below `projects/` of each Claude dir, recursively.
//! Symlinked folders are not followed (no loops); a folder named `x.jsonl` is not a file.

use std::fs;
use std::path::{Path, PathBuf};

/// One transcript file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path below `projects/`, with `/` separators: the name the core knows it by.
    pub name: String,
}

/// What discovery found, plus folders it could not list.
#[derive(Debug, Default)]
pub struct Found {
    /// Transcripts, ordered by name.
    pub transcripts: Vec<Transcript>,
    /// `(folder, reason)` for folders that could not be read.
    pub errors: Vec<(PathBuf, String)>,
}

/// Every transcript below `<dir>/projects` for each dir.
pub fn transcripts(claude_dirs: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for dir in claude_dirs {
        let root = dir.join("projects");
        if root.is_dir() {
            walk(&root, &root, &mut found);
        }
    }
    found.transcripts.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
    found
}

fn walk(root: &Path, folder: &Path, found: &mut Found) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            found.errors.push((folder.to_path_buf(), e.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            walk(root, &path, found);
        } else if path.extension().is_some_and(|e| e == "jsonl") && (kind.is_file() || path.is_file()) {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.transcripts.push(Transcript { path, name });
        }
    }
}
