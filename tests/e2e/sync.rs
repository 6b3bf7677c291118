//! `cc-analytics sync` into a real database file: incremental reads, half-written lines,
//! rewritten, truncated and deleted files, reset, full and dry runs, and parity with reading the
//! files directly.

use std::path::Path;

use crate::support::{Scratch, run, samples};

const ENDPOINTS: [&str; 9] = [
    "overview",
    "sessions?limit=1000",
    "daily-usage",
    "model-distribution",
    "tool-usage",
    "projects",
    "heatmap",
    "blocks",
    "export?format=csv&entity=sessions",
];

fn line(session: &str, uuid: &str, second: u32, output: u64) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"{session}","uuid":"{uuid}","cwd":"/w/app","timestamp":"2025-05-01T10:00:{second:02}.000Z","requestId":"r-{uuid}","message":{{"id":"m-{uuid}","model":"claude-sonnet-4-5","content":[{{"type":"text","text":"hi"}}],"usage":{{"input_tokens":1000,"output_tokens":{output}}}}}}}"#
    )
}

fn sync(db: &Path, claude: &Path, extra: &[&str]) -> String {
    let mut args = vec!["sync", "--db", db.to_str().unwrap(), "--claude-dir", claude.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn from_db(db: &Path, path: &str) -> String {
    let out = run(&["query", "--db", db.to_str().unwrap(), "--tz", "UTC", "--now", crate::support::NOW, path]);
    assert!(out.status.success(), "{path}: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stdout).unwrap()
}

fn from_files(claude: &Path, path: &str) -> String {
    crate::support::query(claude, path).0
}

fn overview(db: &Path) -> serde_json::Value {
    let body: serde_json::Value = serde_json::from_str(&from_db(db, "/api/analytics/overview")).unwrap();
    body["data"].clone()
}

fn assert_parity(db: &Path, claude: &Path) {
    for endpoint in ENDPOINTS {
        let path = format!("/api/analytics/{endpoint}");
        assert_eq!(from_db(db, &path), from_files(claude, &path), "{path}");
    }
}

#[test]
fn the_database_answers_exactly_what_the_files_say() {
    let scratch = Scratch::new("sync-parity");
    let db = scratch.db();
    let out = sync(&db, &samples(), &[]);
    assert!(out.contains("14 files read") && out.contains("8 sessions and 538 messages added"), "{out}");
    assert_parity(&db, &samples());
    let sessions: serde_json::Value = serde_json::from_str(&from_db(&db, "/api/analytics/sessions")).unwrap();
    for session in sessions["data"]["sessions"].as_array().unwrap() {
        let path = format!("/api/analytics/sessions/{}", session["id"].as_str().unwrap());
        assert_eq!(from_db(&db, &path), from_files(&samples(), &path), "{path}");
    }
    let again = sync(&db, &samples(), &[]);
    assert!(again.starts_with("0 files read"), "{again}");
}

#[test]
fn appended_lines_are_read_and_a_half_written_line_waits() {
    let scratch = Scratch::new("sync-append");
    let (claude, db) = (scratch.claude(), scratch.db());
    let file = claude.join("projects/-w-app/s1.jsonl");
    scratch.write("claude/projects/-w-app/s1.jsonl", &format!("{}\n", line("s1", "a1", 1, 10)));
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalResponses"], 1);

    let second = line("s1", "a2", 2, 20);
    let (head, tail) = second.split_at(40);
    append(&file, head);
    let out = sync(&db, &claude, &[]);
    assert!(out.starts_with("1 files read"), "{out}");
    assert_eq!(overview(&db)["totalResponses"], 1, "a half-written line is left for later");

    append(&file, &format!("{tail}\n{}\n", line("s1", "a3", 3, 30)));
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalResponses"], 3);
    assert_eq!(overview(&db)["outputTokens"], 60);
    assert_parity(&db, &claude);
}

#[test]
fn a_line_without_ids_keeps_its_number_across_incremental_reads() {
    let scratch = Scratch::new("sync-line-numbers");
    let (claude, db) = (scratch.claude(), scratch.db());
    let file = claude.join("projects/-w-app/s1.jsonl");
    scratch.write("claude/projects/-w-app/s1.jsonl", &format!("{}\n\n", line("s1", "a1", 1, 10)));
    sync(&db, &claude, &[]);
    // No uuid and no message.id: the response is known by its file and line number only.
    let anonymous = r#"{"type":"assistant","sessionId":"s1","cwd":"/w/app","timestamp":"2025-05-01T10:00:05.000Z","message":{"model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":5,"output_tokens":7}}}"#;
    append(&file, &format!("\n{anonymous}\n"));
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalResponses"], 2);
    let full = sync(&db, &claude, &["--full"]);
    assert!(full.contains("0 sessions and 0 messages added"), "{full}");
    assert_eq!(overview(&db)["totalResponses"], 2, "read again from the start, the line has the same number");
    assert_parity(&db, &claude);
}

#[test]
fn rewritten_truncated_and_deleted_files() {
    let scratch = Scratch::new("sync-rewrite");
    let (claude, db) = (scratch.claude(), scratch.db());
    let lines = |n: u32| (1..=n).map(|i| line("s1", &format!("a{i}"), i, 10) + "\n").collect::<String>();
    scratch.write("claude/projects/-w-app/s1.jsonl", &lines(3));
    scratch.write("claude/projects/-w-app/s2.jsonl", &format!("{}\n", line("s2", "b1", 9, 5)));
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalSessions"], 2);

    // Truncated to one line, then grown by a different line: read again from the start.
    scratch.write(
        "claude/projects/-w-app/s1.jsonl",
        &format!("{}\n{}\n", line("s1", "a1", 1, 10), line("s1", "x9", 20, 7)),
    );
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalResponses"], 5, "a1..a3 and b1 stay, x9 is new");
    assert_eq!(overview(&db)["outputTokens"], 42);

    // A deleted file's session stays in the database.
    std::fs::remove_file(claude.join("projects/-w-app/s2.jsonl")).unwrap();
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalSessions"], 2);
}

#[test]
fn rewrites_that_keep_the_head_and_the_size_or_grow_are_read_again() {
    let scratch = Scratch::new("sync-rewrite-past-head");
    let (claude, db) = (scratch.claude(), scratch.db());
    let path = "claude/projects/-w-app/s1.jsonl";
    let file = claude.join("projects/-w-app/s1.jsonl");
    // A first line longer than the fingerprinted head, so that rewrites below leave the head alone.
    let prompt = format!(
        r#"{{"type":"user","sessionId":"s1","uuid":"u1","cwd":"/w/app","timestamp":"2025-05-01T10:00:00.000Z","message":{{"role":"user","content":"{}"}}}}"#,
        "p".repeat(5000)
    );
    let write = |lines: &[String], seconds_later: u64| {
        scratch.write(path, &lines.iter().map(|l| format!("{l}\n")).collect::<String>());
        let modified = std::time::SystemTime::now() + std::time::Duration::from_secs(seconds_later);
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(modified).unwrap();
    };
    write(&[prompt.clone(), line("s1", "a1", 1, 10), line("s1", "a2", 2, 10)], 0);
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["outputTokens"], 20);

    // Rewritten in place past the head, same size: a2 now says 99.
    write(&[prompt.clone(), line("s1", "a1", 1, 10), line("s1", "a2", 2, 99)], 5);
    let same_size = sync(&db, &claude, &[]);
    assert!(same_size.contains("1 files read") && same_size.contains(" 0 errors"), "{same_size}");
    assert_eq!(overview(&db)["outputTokens"], 109);
    assert_parity(&db, &claude);

    // Rewritten past the head and grown: a1 gone (it stays stored), a3 new. Reading on from the
    // old offset would start inside a line.
    write(&[prompt, line("s1", "a2", 2, 99), line("s1", "a3", 3, 12345)], 10);
    let grown = sync(&db, &claude, &[]);
    assert!(grown.contains("1 files read") && grown.contains(" 0 errors"), "{grown}");
    assert_eq!(overview(&db)["totalResponses"], 3);
    assert_eq!(overview(&db)["outputTokens"], 10 + 99 + 12345);
}

#[test]
fn a_resumed_session_taking_over_replayed_lines_is_counted_as_added() {
    // Claude Code 1.0.x replays earlier lines into a resumed session's file, timestamps and all;
    // a tie goes to the file whose path sorts first, so the replay takes the line over.
    let scratch = Scratch::new("sync-resumed");
    let (claude, db) = (scratch.claude(), scratch.db());
    let prompt = |session: &str, uuid: &str, second: u32| {
        format!(
            r#"{{"type":"user","sessionId":"{session}","uuid":"{uuid}","cwd":"/w/app","timestamp":"2025-05-01T10:00:{second:02}.000Z","message":{{"role":"user","content":"go on"}}}}"#
        )
    };
    scratch.write(
        "claude/projects/-w-app/z-first.jsonl",
        &format!(
            "{}
{}
",
            prompt("s-a", "u1", 1),
            line("s-a", "a1", 2, 10)
        ),
    );
    let first = sync(&db, &claude, &[]);
    assert!(first.contains("1 sessions and 2 messages added"), "{first}");
    scratch.write(
        "claude/projects/-w-app/a-resumed.jsonl",
        &format!(
            "{}
{}
",
            prompt("s-b", "u1", 1),
            prompt("s-b", "u2", 5)
        ),
    );
    let resumed = sync(&db, &claude, &[]);
    assert!(resumed.contains("1 sessions and 1 messages added"), "the replayed line moved, u2 is new: {resumed}");
    assert_eq!(overview(&db)["totalSessions"], 2);
    assert_parity(&db, &claude);
}

#[test]
fn full_and_dry_runs_change_no_number() {
    let scratch = Scratch::new("sync-reset");
    let db = scratch.db();
    let dry = sync(&db, &samples(), &["--dry-run"]);
    assert!(dry.starts_with("dry run, nothing stored: 14 files read") && dry.ends_with("database none\n"), "{dry}");
    assert!(!db.exists(), "a dry run leaves no database file where there was none");
    sync(&db, &samples(), &[]);
    let before: Vec<String> = ENDPOINTS.iter().map(|e| from_db(&db, &format!("/api/analytics/{e}"))).collect();
    let full = sync(&db, &samples(), &["--full"]);
    assert!(full.contains("0 sessions and 0 messages added"), "{full}");
    let after: Vec<String> = ENDPOINTS.iter().map(|e| from_db(&db, &format!("/api/analytics/{e}"))).collect();
    assert_eq!(before, after, "a full re-read doubles nothing");
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[test]
fn retention_deletes_sessions_that_ended_long_ago() {
    let scratch = Scratch::new("sync-retention");
    let (claude, db) = (scratch.claude(), scratch.db());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let recent = cc_analytics_core::time::format_utc(now - 2 * 86_400_000);
    scratch.write("claude/projects/-w-app/old.jsonl", &format!("{}\n", line("old", "o1", 1, 10)));
    scratch.write(
        "claude/projects/-w-app/new.jsonl",
        &format!("{}\n", line("new", "n1", 1, 10).replace("2025-05-01T10:00:01.000Z", &recent)),
    );
    sync(&db, &claude, &[]);
    assert_eq!(overview(&db)["totalSessions"], 2, "kept forever by default");
    sync(&db, &claude, &["--retention-days", "30"]);
    let body: serde_json::Value = serde_json::from_str(&from_db(&db, "/api/analytics/sessions")).unwrap();
    let ids: Vec<&str> =
        body["data"]["sessions"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["new"]);
}
