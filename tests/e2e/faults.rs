//! Faults injected into syncs of real database files: files deleted, truncated, rewritten or
//! growing while they are read; unreadable files and folders, folders named `x.jsonl`, symlink
//! loops, FIFOs, non-UTF-8 names, I/O errors; a 100 MB line; a read-only database file or folder
//! and a full disk. Each ends with the errors counted, no crash, and nothing already stored lost.
//! Then a crash loop: `serve` SIGKILLed over and over during a large first sync.

#[allow(dead_code, unused_qualifications, clippy::duplicate_mod)]
#[path = "serve/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::{Serving, now_ms, poll};
use crate::support::{NOW, Scratch, command, query, vm_kib};
use corpus::{corpus_file, generate};

/// The program under test.
const BIN: &str = env!("CARGO_BIN_EXE_cc-analytics");
/// Any single command of these tests must end within this (a hang fails the test).
const DEADLINE: Duration = Duration::from_secs(90);
/// A sync of the generated corpora in a debug build on a busy 2-core machine.
const SYNC_TIMEOUT: Duration = Duration::from_secs(60);
/// The unprivileged user the tests drop to when they run as root (`nobody`).
const NOBODY: u32 = 65534;

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `command` to its end within [`DEADLINE`]; kills it and fails otherwise.
fn finish(mut command: Command, what: &str) -> Output {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn().unwrap_or_else(|e| panic!("{what}: {e}"));
    let pid = child.id();
    let (done, outcome) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match outcome.recv_timeout(DEADLINE) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("{what} did not end within {DEADLINE:?}: a hang");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The error count of a `sync` summary line (`..., N errors in M ms; ...`).
fn summary_errors(stdout: &str) -> u64 {
    let end = stdout.find(" errors in ").unwrap_or_else(|| panic!("no summary: {stdout}"));
    stdout[..end].rsplit(' ').next().unwrap().parse().unwrap()
}

/// Who runs the program, and whether file permissions bind it.
struct User {
    /// Dropped to `nobody` with `setpriv` (the tests run as root, for whom permissions do not
    /// deny reads or writes).
    nobody: bool,
    /// Why permission denials cannot be tested here, if they cannot.
    no_denials: Option<String>,
}

impl User {
    /// Finds out whether `chmod` denies this process; as root, drops to `nobody` if `setpriv`
    /// works, so that denials are real.
    fn detect(scratch: &Path) -> User {
        let probe = scratch.join("probe");
        fs::write(&probe, "x").unwrap();
        fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).unwrap();
        let bypassed = fs::File::open(&probe).is_ok();
        fs::remove_file(&probe).unwrap();
        if !bypassed {
            return User { nobody: false, no_denials: None };
        }
        let setpriv = Command::new("setpriv")
            .args([&format!("--reuid={NOBODY}"), &format!("--regid={NOBODY}"), "--clear-groups", BIN, "--version"])
            .output();
        match setpriv {
            Ok(out) if out.status.success() => {
                eprintln!("running as root: the program is run as uid {NOBODY} (setpriv) so that chmod denies");
                User { nobody: true, no_denials: None }
            }
            other => User {
                nobody: false,
                no_denials: Some(format!(
                    "this test runs as root, for whom chmod denies nothing, and `setpriv` to drop to uid {NOBODY} \
                     failed ({other:?})"
                )),
            },
        }
    }

    /// `cc-analytics ARGS...` as this user.
    fn command(&self, args: &[&str]) -> Command {
        if !self.nobody {
            return command(args);
        }
        let mut command = Command::new("setpriv");
        command
            .args([&format!("--reuid={NOBODY}"), &format!("--regid={NOBODY}"), "--clear-groups", BIN])
            .args(args)
            .env_remove("CLAUDE_CONFIG_DIR")
            .env("TZ", "UTC");
        command
    }

    /// Makes everything below `root` this user's (before any chmod).
    fn own(&self, root: &Path) {
        if !self.nobody {
            return;
        }
        std::os::unix::fs::lchown(root, Some(NOBODY), Some(NOBODY)).unwrap();
        let meta = fs::symlink_metadata(root).unwrap();
        if meta.is_dir() {
            for entry in fs::read_dir(root).unwrap() {
                self.own(&entry.unwrap().path());
            }
        }
    }

    /// `cc-analytics sync --db DB --claude-dir CLAUDE EXTRA...` to its end.
    fn sync(&self, db: &Path, claude: &Path, extra: &[&str]) -> Output {
        let mut args = vec!["sync", "--db", arg(db), "--claude-dir", arg(claude)];
        args.extend_from_slice(extra);
        finish(self.command(&args), "sync")
    }

    /// A sync that must succeed; its stdout.
    fn sync_ok(&self, db: &Path, claude: &Path) -> String {
        let out = self.sync(db, claude, &[]);
        assert!(out.status.success(), "sync failed: {}{}", text(&out.stdout), text(&out.stderr));
        text(&out.stdout)
    }

    /// What the database holds: the overview and every session by id.
    fn stored(&self, db: &Path) -> Stored {
        let get = |path: &str| {
            let out = finish(self.command(&["query", "--db", arg(db), "--tz", "UTC", "--now", NOW, path]), "query");
            assert!(out.status.success(), "query --db {path}: {}{}", text(&out.stdout), text(&out.stderr));
            let mut body: Value = serde_json::from_slice(&out.stdout).unwrap();
            body["data"].take()
        };
        Stored::new(get("/api/analytics/overview"), get("/api/analytics/sessions?limit=1000"))
    }
}

/// The overview and the sessions by id, from the database or from the files.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    overview: Value,
    sessions: BTreeMap<String, Value>,
}

impl Stored {
    fn new(overview: Value, sessions: Value) -> Stored {
        let sessions = sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap().to_owned(), s.clone()))
            .collect();
        Stored { overview, sessions }
    }

    /// What `query --claude-dir` says about the files.
    fn of_files(claude: &Path) -> Stored {
        let get = |path: &str| {
            let (body, ok) = query(claude, path);
            assert!(ok, "{path}: {body}");
            let mut body: Value = serde_json::from_str(&body).unwrap();
            body["data"].take()
        };
        Stored::new(get("/api/analytics/overview"), get("/api/analytics/sessions?limit=1000"))
    }

    /// Every session of `before` is still here with the same numbers (except `changed`), and no
    /// total went down.
    fn keeps(&self, before: &Stored, changed: &[&str]) {
        for (id, session) in &before.sessions {
            let now = self.sessions.get(id).unwrap_or_else(|| panic!("session {id} was lost"));
            if !changed.contains(&id.as_str()) {
                assert_eq!(now, session, "session {id} changed");
            }
        }
        for total in ["totalSessions", "totalResponses", "outputTokens", "inputTokens", "totalToolCalls"] {
            assert!(
                self.overview[total].as_u64() >= before.overview[total].as_u64(),
                "{total} went down: {} -> {}",
                before.overview[total],
                self.overview[total]
            );
        }
    }
}

/// A main session file of `lines` lines: session id `id`, unique line ids from `file`.
fn transcript(id: &str, file: usize, lines: usize) -> String {
    corpus_file(id, file, &format!("/w/fault{}", file % 5), file, lines, None)
}

fn session_id(n: usize) -> String {
    format!("fa017000-0000-4000-8000-{n:012x}")
}

fn write(path: &Path, text: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn files_deleted_while_a_sync_reads_them() {
    let scratch = Scratch::new("fault-delete");
    let (claude, db) = (scratch.claude(), scratch.db());
    let user = User { nobody: false, no_denials: None };
    generate(&claude, 8, 60);
    user.sync_ok(&db, &claude);
    let before = user.stored(&db);

    // Two large files are read first (their names sort first; one reader per core, 2 cores), 30
    // small ones after them: deleted once the sync has planned, the small ones cannot be opened.
    let projects = claude.join("projects");
    for i in 0..2 {
        write(
            &projects.join(format!("-a-big/big{i}.jsonl")),
            transcript(&session_id(900 + i), 900 + i, 60_000).as_bytes(),
        );
    }
    let small: Vec<PathBuf> = (0..30).map(|i| projects.join(format!("-z-small/s{i:02}.jsonl"))).collect();
    for (i, path) in small.iter().enumerate() {
        write(path, transcript(&session_id(1000 + i), 1000 + i, 20).as_bytes());
    }

    // `--no-sync`: no start-up sync and no watcher; the one sync is the one asked for.
    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude), "--no-sync"]);
    let asked = now_ms();
    assert_eq!(server.post("/api/sync/run", "").status, 202);
    poll(SYNC_TIMEOUT, || {
        let status = server.status();
        (status["progress"]["filesTotal"].as_u64() > Some(0)).then_some(())
    });
    for path in &small {
        fs::remove_file(path).unwrap();
    }
    // Deleted while (or just before) it is read: an open file stays readable on Linux.
    fs::remove_file(projects.join("-a-big/big1.jsonl")).unwrap();
    let progress = server.status()["progress"].clone();
    let before_small = progress["filesDone"] == 0;
    let status = server.wait_for_sync(asked, SYNC_TIMEOUT);
    let errors = status["lastSyncStats"]["errors"].as_u64().unwrap();
    eprintln!("deleted 31 of 32 files right after the plan ({progress}); errors counted: {errors}");
    if before_small {
        // Every small file was deleted before any was opened; big1 may count once more (deleted
        // before being opened or before its position was fingerprinted).
        assert!((30..=31).contains(&errors), "{status}");
    } else {
        eprintln!("the large files were read before the deletions landed: only an upper bound is checked");
        assert!(errors <= 31, "{status}");
    }
    assert_eq!(server.get("/api/health").status, 200);
    drop(server);

    let after = user.stored(&db);
    after.keeps(&before, &[]);
    assert!(after.sessions.contains_key(&session_id(900)), "the large file that stayed was read");
    // The next sync has nothing to read and loses nothing.
    let again = user.sync_ok(&db, &claude);
    assert_eq!(summary_errors(&again), 0, "{again}");
    user.stored(&db).keeps(&after, &[]);
}

#[test]
fn truncated_rewritten_and_growing_files() {
    let scratch = Scratch::new("fault-change");
    let (claude, db) = (scratch.claude(), scratch.db());
    let user = User { nobody: false, no_denials: None };
    let projects = claude.join("projects");
    let (a, b, g) = (projects.join("-w-a/a.jsonl"), projects.join("-w-b/b.jsonl"), projects.join("-w-g/g.jsonl"));
    let (sa, sb, sg) = (session_id(1), session_id(2), session_id(3));
    write(&a, transcript(&sa, 1, 200).as_bytes());
    write(&b, transcript(&sb, 2, 200).as_bytes());
    user.sync_ok(&db, &claude);
    let before = user.stored(&db);

    // A: truncated in the middle of a line. B: rewritten (same session, other lines). G: new,
    // large, and growing while the sync reads it, in pieces that split lines.
    let bytes = fs::read(&a).unwrap();
    let mut cut = bytes.len() * 3 / 5;
    while bytes[cut - 1] == b'\n' || bytes[cut] == b'\n' {
        cut += 7;
    }
    fs::OpenOptions::new().write(true).open(&a).unwrap().set_len(cut as u64).unwrap();
    write(&b, transcript(&sb, 22, 150).as_bytes());
    let full = transcript(&sg, 3, 43_000);
    let split = full.match_indices('\n').nth(39_999).unwrap().0 + 1;
    write(&g, &full.as_bytes()[..split]);
    let tail = full[split..].to_owned();
    let grow = {
        let g = g.clone();
        std::thread::spawn(move || {
            let mut file = fs::OpenOptions::new().append(true).open(&g).unwrap();
            for piece in tail.as_bytes().chunks(1777) {
                file.write_all(piece).unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let first = user.sync_ok(&db, &claude);
    grow.join().unwrap();
    let second = user.sync_ok(&db, &claude);
    eprintln!("while growing: {first}after: {second}");
    assert_eq!(summary_errors(&first), 0, "{first}");
    assert_eq!(summary_errors(&second), 0, "{second}");

    let after = user.stored(&db);
    let files = Stored::of_files(&claude);
    // Truncation loses nothing and doubles nothing: A is what it was.
    after.keeps(&before, &[&sb]);
    // The rewrite adds B's new lines to what was stored.
    let (old_b, new_b, now_b) = (&before.sessions[&sb], &files.sessions[&sb], &after.sessions[&sb]);
    for field in ["responses", "outputTokens", "inputTokens", "toolCalls"] {
        assert_eq!(
            now_b[field].as_u64(),
            Some(old_b[field].as_u64().unwrap() + new_b[field].as_u64().unwrap()),
            "{field}"
        );
    }
    // The grown file ends up exactly as the files say, every appended line counted once.
    assert_eq!(after.sessions[&sg], files.sessions[&sg], "the file that grew while read");
    // Only A's unfinished last line is looked at again (it waits for its end), adding nothing.
    let third = user.sync_ok(&db, &claude);
    assert!(third.contains(" 0 sessions and 0 messages added, 0 errors "), "{third}");
    assert_eq!(user.stored(&db), after, "{third}");
}

#[test]
fn unreadable_odd_and_hostile_entries_are_counted_or_skipped() {
    let scratch = Scratch::new("fault-odd");
    let (claude, db) = (scratch.claude(), scratch.db());
    let user = User::detect(&scratch.0);
    let projects = claude.join("projects");
    let ok = projects.join("-w-ok");
    write(&ok.join("ok.jsonl"), transcript(&session_id(1), 1, 50).as_bytes());
    user.own(&scratch.0);
    user.sync_ok(&db, &claude);
    let before = user.stored(&db);

    // Permission denied on a file and on a folder.
    let denied_file = ok.join("denied.jsonl");
    write(&denied_file, transcript(&session_id(2), 2, 30).as_bytes());
    let locked = projects.join("-w-locked");
    write(&locked.join("inner.jsonl"), transcript(&session_id(3), 3, 30).as_bytes());
    // A folder named like a transcript (with a transcript inside), a symlink loop, a FIFO (opening
    // it would block forever), a dangling symlink, a non-UTF-8 name, and a file whose read fails
    // with EIO even for root (`/proc/self/mem` at offset 0 is unmapped).
    write(&ok.join("folder.jsonl/nested.jsonl"), transcript(&session_id(4), 4, 30).as_bytes());
    std::os::unix::fs::symlink("..", ok.join("loop")).unwrap();
    std::os::unix::fs::symlink(".", ok.join("self.jsonl")).unwrap();
    let fifo = ok.join("fifo.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo");
    std::os::unix::fs::symlink("/nonexistent/x.jsonl", ok.join("dangling.jsonl")).unwrap();
    let odd_name = ok.join(OsStr::from_bytes(b"caf\xe9-\xff\xfe.jsonl"));
    write(&odd_name, transcript(&session_id(5), 5, 30).as_bytes());
    std::os::unix::fs::symlink("/proc/self/mem", ok.join("eio.jsonl")).unwrap();
    user.own(&scratch.0);
    fs::set_permissions(&denied_file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();

    let started = Instant::now();
    let out = user.sync(&db, &claude, &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    eprintln!("sync over odd entries ({:?}): {stdout}{stderr}", started.elapsed());
    assert!(out.status.success(), "{stdout}{stderr}");
    let after = user.stored(&db);
    after.keeps(&before, &[]);
    for (n, what) in [(4, "a transcript inside a folder named x.jsonl"), (5, "a transcript with a non-UTF-8 name")] {
        assert!(after.sessions.contains_key(&session_id(n)), "{what} is read");
    }
    assert!(stderr.contains("eio.jsonl"), "the I/O error is reported: {stderr}");
    match &user.no_denials {
        None => {
            assert_eq!(summary_errors(&stdout), 3, "the denied file, the locked folder, the EIO: {stdout}{stderr}");
            assert!(stderr.contains("denied.jsonl") && stderr.contains("-w-locked"), "{stderr}");
            assert!(!after.sessions.contains_key(&session_id(2)) && !after.sessions.contains_key(&session_id(3)));
        }
        Some(why) => {
            eprintln!("SKIPPED the permission-denied assertions: {why}");
            assert_eq!(summary_errors(&stdout), 1, "the EIO: {stdout}{stderr}");
        }
    }

    // Readable again: read on the next sync, nothing else changes.
    fs::set_permissions(&denied_file, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let again = user.sync(&db, &claude, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(summary_errors(&text(&again.stdout)), 1, "only the EIO is left: {}", text(&again.stdout));
    let last = user.stored(&db);
    last.keeps(&after, &[]);
    assert!(last.sessions.contains_key(&session_id(2)) && last.sessions.contains_key(&session_id(3)));
}

#[test]
fn a_100_mb_line_is_one_line_error_in_bounded_memory() {
    let scratch = Scratch::new("fault-long-line");
    let (claude, db) = (scratch.claude(), scratch.db());
    let path = claude.join("projects/-w-long/long.jsonl");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    file.write_all(transcript(&session_id(1), 1, 5).as_bytes()).unwrap();
    file.write_all(br#"{"type":"user","message":{"role":"user","content":""#).unwrap();
    let filler = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        file.write_all(&filler).unwrap();
    }
    file.write_all(b"\"}}\n").unwrap();
    file.write_all(transcript(&session_id(2), 2, 5).as_bytes()).unwrap();
    file.flush().unwrap();
    drop(file);

    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude), "--no-sync"]);
    let asked = now_ms();
    assert_eq!(server.post("/api/sync/run", "").status, 202);
    let status = server.wait_for_sync(asked, SYNC_TIMEOUT);
    let peak = vm_kib(server.pid(), "VmHWM").expect("the server's peak RSS");
    eprintln!("a 100 MiB line: peak RSS of serve {} MiB; {}", peak / 1024, status["lastSyncStats"]);
    assert_eq!(status["lastSyncStats"]["errors"], 1, "{status}");
    let overview = server.get("/api/analytics/overview?tz=UTC").data();
    assert_eq!((overview["totalSessions"].as_u64(), overview["totalResponses"].as_u64()), (Some(2), Some(2)));
    assert!(peak < 200 * 1024, "peak RSS {peak} KiB reading a 100 MiB line");
}

#[test]
fn a_read_only_database_file_or_folder_is_a_clear_error() {
    let scratch = Scratch::new("fault-read-only");
    let (claude, db) = (scratch.claude(), scratch.db());
    let user = User::detect(&scratch.0);
    if let Some(why) = &user.no_denials {
        eprintln!("SKIPPED: {why}");
        return;
    }
    generate(&claude, 6, 40);
    user.own(&scratch.0);
    user.sync_ok(&db, &claude);
    let before = user.stored(&db);
    write(&claude.join("projects/-w-new/new.jsonl"), transcript(&session_id(7), 7, 40).as_bytes());
    user.own(&scratch.0);

    fs::set_permissions(&db, fs::Permissions::from_mode(0o444)).unwrap();
    let out = user.sync(&db, &claude, &[]);
    let stderr = text(&out.stderr);
    eprintln!("read-only database file: {:?}: {stderr}", out.status);
    assert!(!out.status.success(), "a sync into a read-only database must fail");
    assert!(stderr.contains("cc-analytics:") && stderr.to_lowercase().contains("permission denied"), "{stderr}");
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(user.stored(&db), before, "the database is intact and holds what it held");

    // A new database in a read-only folder.
    let folder = scratch.0.join("read-only");
    fs::create_dir(&folder).unwrap();
    user.own(&folder);
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let out = user.sync(&folder.join("analytics.redb"), &claude, &[]);
    let stderr = text(&out.stderr);
    eprintln!("database in a read-only folder: {:?}: {stderr}", out.status);
    assert!(!out.status.success(), "creating a database in a read-only folder must fail");
    assert!(stderr.to_lowercase().contains("permission denied"), "{stderr}");

    // Writable again: the sync goes on from where the database was.
    let out = user.sync_ok(&db, &claude);
    assert_eq!(summary_errors(&out), 0, "{out}");
    let after = user.stored(&db);
    after.keeps(&before, &[]);
    assert_eq!(after, Stored::of_files(&claude), "the database now says what the files say");
}

/// A tmpfs mounted for a test (root only), unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).unwrap();
        let options = format!("size={size}");
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", &options, "tmpfs"]).arg(at).output().ok()?;
        if !out.status.success() {
            eprintln!("mount -t tmpfs failed ({}): {}", out.status, text(&out.stderr));
            return None;
        }
        Some(Tmpfs(at.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let options = format!("remount,size={size}");
        let out = Command::new("mount").args(["-o", &options]).arg(&self.0).output().unwrap();
        assert!(out.status.success(), "remount {size}: {}", text(&out.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let scratch = Scratch::new("fault-disk-full");
    let claude = scratch.claude();
    generate(&claude, 6, 40);
    let mount = Tmpfs::mount(&scratch.0.join("disk"), "64m");
    let db = scratch.0.join("disk/analytics.redb");
    let user = User { nobody: false, no_denials: None };
    user.sync_ok(&db, &claude);
    let before = user.stored(&db);
    let size = fs::metadata(&db).unwrap().len();
    // Far more than the room left: ~20 MB of new transcripts.
    for i in 0..40 {
        write(
            &claude.join(format!("projects/-w-more/m{i}.jsonl")),
            transcript(&session_id(100 + i), 100 + i, 800).as_bytes(),
        );
    }

    let out = match &mount {
        Some(disk) => {
            // The file system is full 256 KiB past the database.
            let room = (size + (256 << 10)).div_ceil(4096) * 4096;
            disk.resize(&room.to_string());
            eprintln!("disk full: a {room}-byte tmpfs holding a {size}-byte database");
            user.sync(&db, &claude, &[])
        }
        None => {
            // Not root: the file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes writes past
            // 256 KiB more fail with EFBIG, as a full disk fails them with ENOSPC.
            let blocks = (size + (256 << 10)).div_ceil(512);
            eprintln!("disk full: no tmpfs; ulimit -f {blocks} (512-byte blocks) on a {size}-byte database");
            let script = format!("ulimit -f {blocks} && trap '' XFSZ && exec \"$0\" \"$@\"");
            let mut sh = Command::new("sh");
            sh.args(["-c", &script, BIN, "sync", "--db", arg(&db), "--claude-dir", arg(&claude)])
                .env_remove("CLAUDE_CONFIG_DIR")
                .env("TZ", "UTC");
            finish(sh, "sync with a file size limit")
        }
    };
    let stderr = text(&out.stderr);
    eprintln!("full disk: {:?}: {}{stderr}", out.status, text(&out.stdout));
    assert!(!out.status.success(), "a sync that cannot write must fail");
    // A clear error names the cause: ENOSPC on the tmpfs, EFBIG under the file size limit.
    let cause = if mount.is_some() { "No space left on device" } else { "File too large" };
    assert!(stderr.contains("cc-analytics:") && stderr.contains("database"), "an error about the database: {stderr}");
    assert_eq!(user.stored(&db), before, "the database is intact and holds what it held");

    // Room again: the sync completes.
    if let Some(disk) = &mount {
        disk.resize("256m");
    }
    let out = user.sync_ok(&db, &claude);
    assert_eq!(summary_errors(&out), 0, "{out}");
    assert_eq!(user.stored(&db), Stored::of_files(&claude), "after the disk has room again");
    // Checked last, so that everything above is verified whatever the message says.
    assert!(stderr.contains(cause), "the error must name its cause ({cause}): {stderr}");
}

#[test]
fn serve_killed_twenty_times_during_its_first_sync_ends_with_the_files_numbers() {
    let scratch = Scratch::new("fault-crash-loop");
    let (claude, db) = (scratch.claude(), scratch.db());
    let corpus = generate(&claude, 300, 300);
    let compared = [
        "/api/analytics/overview?tz=UTC",
        "/api/analytics/sessions?limit=1000&tz=UTC",
        "/api/analytics/daily-usage?tz=UTC",
    ];
    let expected: Vec<String> = compared.iter().map(|path| query(&claude, path).0).collect();
    let started = Instant::now();

    // 20 kills 50-400 ms after the start, then 5 anywhere in the first 3 s (reaching the merge and
    // the commit); a linear congruential generator with a fixed seed picks the instants.
    let mut seed: u64 = 0x5eed_c0ff_ee15_b00c;
    let mut random = |low: u64, high: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        low + (seed >> 33) % (high - low + 1)
    };
    let (mut during_sync, mut complete_seen) = (0, 0);
    let mut delays = Vec::new();
    for round in 0..25 {
        let delay = if round < 20 { random(50, 400) } else { random(400, 3000) };
        let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
        // The database holds the previous state or the new one, never a part of a sync.
        let sessions = server.get("/api/sync/stats").data()["totalSessions"].as_u64().unwrap();
        assert!(sessions == 0 || sessions == corpus.sessions as u64, "round {round}: {sessions} sessions stored");
        if sessions > 0 {
            complete_seen += 1;
        }
        std::thread::sleep(Duration::from_millis(delay));
        if server.status()["isRunning"] == true {
            during_sync += 1;
        }
        server.kill();
        delays.push(delay);
    }
    eprintln!(
        "crash loop: 25 SIGKILLs ({during_sync} while the sync ran; {complete_seen} restarts found the sync \
         complete) after {delays:?} ms, in {:?}",
        started.elapsed()
    );
    assert!(during_sync >= 20, "at least 20 kills must land while the sync runs ({during_sync})");

    let server = Serving::start(&["--db", arg(&db), "--claude-dir", arg(&claude)]);
    let status = server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    assert_eq!(status["lastSyncStats"]["errors"], 0, "{status}");
    for (path, expected) in compared.iter().zip(&expected) {
        assert_eq!(&server.get(path).as_printed(), expected, "after the crash loop: {path}");
    }
    assert_eq!(server.get("/api/sync/stats").data()["totalSessions"], corpus.sessions as u64);
    eprintln!("crash loop done in {:?}", started.elapsed());
}
