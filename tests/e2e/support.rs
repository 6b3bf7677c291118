//! Running the program and locating the shared samples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The Claude dir of the real samples (present beside the repository, also in CI).
pub fn samples() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/claude-home");
    assert!(dir.join("projects").is_dir(), "the samples are missing at {}", dir.display());
    dir
}

/// `cc-analytics ARGS...` with a clean environment for Claude dir resolution.
pub fn run(args: &[&str]) -> Output {
    command(args).output().expect("cc-analytics runs")
}

/// The command, not yet run.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cc-analytics"));
    command.args(args).env_remove("CLAUDE_CONFIG_DIR").env("TZ", "UTC");
    command
}

/// `cc-analytics query --claude-dir DIR --tz UTC --now NOW PATH`, its stdout and exit status.
pub fn query(dir: &Path, path: &str) -> (String, bool) {
    let out = run(&["query", "--claude-dir", dir.to_str().unwrap(), "--tz", "UTC", "--now", NOW, path]);
    (String::from_utf8(out.stdout).expect("UTF-8 output"), out.status.success())
}

/// The `data` of a successful query.
pub fn data(dir: &Path, path: &str) -> serde_json::Value {
    let (body, ok) = query(dir, path);
    assert!(ok, "{path} failed: {body}");
    let mut value: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(value["success"], true);
    value["data"].take()
}

/// "Now" for the sample snapshots: one hour after the newest sample's last response, so the
/// newest 5-hour block is active and shows a burn rate.
pub const NOW: &str = "2026-04-18T16:00:00Z";

/// A scratch folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh folder named after the test.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cc-analytics-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Its Claude dir, `claude/` (the transcripts go in its `projects/`).
    pub fn claude(&self) -> PathBuf {
        self.0.join("claude")
    }

    /// Its database path, `analytics.redb`.
    pub fn db(&self) -> PathBuf {
        self.0.join("analytics.redb")
    }

    /// Writes `text` at `relative` (creating folders).
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `Vm*` line of `/proc/<pid>/status` (`VmRSS`, `VmHWM`, ...) in KiB; `None` once it is gone.
pub fn vm_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
