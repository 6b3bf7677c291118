//! Where transcripts live (ACCOUNTING.md "Where transcripts live"): `--claude-dir` flags, else
//! `CLAUDE_CONFIG_DIR` (comma-separated), else `~/.config/claude` and `~/.claude`, whichever have
//! a `projects/` folder.

use std::path::{Path, PathBuf};

/// The Claude dirs to read, in the order given.
pub fn resolve(flags: &[PathBuf]) -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if !flags.is_empty() {
        return flags.iter().map(|d| normalise(d, home.as_deref())).collect();
    }
    if let Some(list) = std::env::var_os("CLAUDE_CONFIG_DIR").filter(|v| !v.is_empty()) {
        return list
            .to_string_lossy()
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| normalise(Path::new(d), home.as_deref()))
            .collect();
    }
    let Some(home) = home else { return Vec::new() };
    [home.join(".config/claude"), home.join(".claude")].into_iter().filter(|d| d.join("projects").is_dir()).collect()
}

/// The default places, for messages that say where we looked.
pub fn defaults_description() -> &'static str {
    "~/.config/claude/projects and ~/.claude/projects (set CLAUDE_CONFIG_DIR or pass --claude-dir)"
}

/// Expands `~` and turns `.../projects` into its parent.
fn normalise(dir: &Path, home: Option<&Path>) -> PathBuf {
    let expanded = match (dir.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => dir.to_path_buf(),
    };
    match expanded.file_name() {
        Some(name) if name == "projects" => expanded.parent().map(Path::to_path_buf).unwrap_or(expanded),
        _ => expanded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_and_projects_suffix_are_normalised() {
        let home = Path::new("/home/me");
        assert_eq!(normalise(Path::new("~/.claude"), Some(home)), PathBuf::from("/home/me/.claude"));
        assert_eq!(normalise(Path::new("/data/claude/projects"), Some(home)), PathBuf::from("/data/claude"));
        assert_eq!(normalise(Path::new("/data/claude"), None), PathBuf::from("/data/claude"));
    }
}
