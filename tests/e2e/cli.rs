//! The command line's behaviour: exit codes, error bodies, Claude dir resolution, reports,
//! pricing overrides and unreadable lines.

use crate::support::{Scratch, command, query, run, samples};

const LINE: &str = r#"{"type":"assistant","sessionId":"s1","uuid":"a1","cwd":"/w/app","timestamp":"2025-05-01T10:00:00.000Z","requestId":"r1","message":{"id":"m1","model":"my-model","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":1000000,"output_tokens":0}}}"#;

#[test]
fn errors_answer_with_the_envelope_and_a_failing_exit_code() {
    let dir = samples();
    let (body, ok) = query(&dir, "/api/analytics/sessions?limit=0");
    assert!(!ok);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["success"], false);
    assert_eq!(value["error"]["code"], "VALIDATION_ERROR");
    assert_eq!(value["error"]["details"]["field"], "limit");
    let (body, ok) = query(&dir, "/api/analytics/sessions/no-such-session");
    assert!(!ok);
    assert!(body.contains("NOT_FOUND"));
    let (body, ok) = query(&dir, "/api/analytics/nope");
    assert!(!ok);
    assert!(body.contains("NOT_FOUND"));
}

#[test]
fn query_answers_the_other_reading_paths_from_the_database_as_the_server_does() {
    let scratch = Scratch::new("query-db");
    let (db, claude) = (scratch.0.join("db.redb"), samples());
    let (db, claude) = (db.to_str().unwrap(), claude.to_str().unwrap());
    assert!(run(&["sync", "--db", db, "--claude-dir", claude]).status.success());
    let get = |path: &str| {
        let out = command(&["query", "--db", db, path]).env("CLAUDE_CONFIG_DIR", claude).output().unwrap();
        (serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), out.status.success())
    };
    let sessions = crate::support::data(&samples(), "/api/analytics/overview")["totalSessions"].clone();
    let (stats, ok) = get("/api/sync/stats");
    assert!(ok && stats["data"]["totalSessions"] == sessions, "{stats}");
    let (status, ok) = get("/api/sync/status");
    assert!(ok && status["data"]["lastSync"].is_string(), "{status}");
    assert_eq!(status["data"]["lastSyncStats"]["sessionsAdded"], sessions, "{status}");
    let (preview, ok) = get("/api/sync/preview?ignored=1");
    assert!(ok && preview["data"]["totalPendingFiles"] == 0, "{preview}");
    let (health, ok) = get("/api/health");
    assert!(ok && health["data"]["status"] == "ok", "{health}");
    for (path, code) in [("/api/sync/run", "METHOD_NOT_ALLOWED"), ("/api/nope", "NOT_FOUND")] {
        let (body, ok) = get(path);
        assert!(!ok && body["error"]["code"] == code, "{path}: {body}");
    }
    // Without a database there is no sync to tell of, as in the browser.
    let (body, ok) = query(&samples(), "/api/sync/status");
    assert!(!ok && body.contains("NOT_FOUND") && body.contains("--db"), "{body}");

    // Reports read the database too, with the same numbers as the transcripts.
    for kind in ["daily", "sessions", "models", "tools", "blocks"] {
        let from_db = run(&["report", kind, "--json", "--tz", "UTC", "--db", db]);
        let from_files = run(&["report", kind, "--json", "--tz", "UTC", "--claude-dir", claude]);
        assert!(from_db.status.success(), "{}", String::from_utf8_lossy(&from_db.stderr));
        assert_eq!(from_db.stdout, from_files.stdout, "report {kind}");
    }
    // Reading a database that is not there is an error, and makes none.
    let missing = scratch.0.join("missing.redb");
    for args in [vec!["query", "/api/analytics/overview"], vec!["report", "daily"]] {
        let out = command(&args).args(["--db", missing.to_str().unwrap()]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("no database at"), "{args:?}: {stderr}");
        assert!(!missing.exists(), "{args:?} made a database");
    }
}

#[test]
fn claude_config_dir_lists_dirs_and_accepts_projects_paths() {
    let scratch = Scratch::new("config-dir");
    scratch.write("other/projects/-w-app/s1.jsonl", &format!("{LINE}\n"));
    let list = format!("{}/projects, {}", samples().display(), scratch.0.join("other").display());
    let out =
        command(&["query", "--tz", "UTC", "/api/analytics/overview"]).env("CLAUDE_CONFIG_DIR", list).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["data"]["totalSessions"], 9);
    assert_eq!(value["data"]["unpricedModels"], serde_json::json!(["my-model"]));
}

#[test]
fn missing_data_is_a_clear_error() {
    let scratch = Scratch::new("empty-home");
    let out = command(&["query", "/api/analytics/overview"]).env("HOME", &scratch.0).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no Claude data found"), "{stderr}");
    let out = run(&["query", "--claude-dir", scratch.0.to_str().unwrap(), "/api/analytics/overview"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no projects/ folder"));
    // A sync says the same, before it makes a database.
    let db = scratch.0.join("db.redb");
    let out = run(&["sync", "--db", db.to_str().unwrap(), "--claude-dir", scratch.0.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("has no projects/ folder"));
    assert!(!db.exists());
}

#[test]
fn a_pricing_file_prices_unknown_models() {
    let scratch = Scratch::new("pricing");
    scratch.write("claude/projects/-w-app/s1.jsonl", &format!("{LINE}\n"));
    scratch.write("prices.csv", "model,input,output\nmy-model,2e-06,1e-05\n");
    let claude = scratch.claude();
    let prices = scratch.0.join("prices.csv");
    let out = run(&[
        "query",
        "--claude-dir",
        claude.to_str().unwrap(),
        "--pricing",
        prices.to_str().unwrap(),
        "/api/analytics/overview",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["data"]["totalCost"], 2.0);
    assert_eq!(value["data"]["unpricedModels"], serde_json::json!([]));
    scratch.write("prices.csv", "model,input\nmy-model,lots\n");
    let out = run(&[
        "query",
        "--claude-dir",
        claude.to_str().unwrap(),
        "--pricing",
        prices.to_str().unwrap(),
        "/api/analytics/overview",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn unreadable_lines_are_reported_and_the_rest_is_read() {
    let scratch = Scratch::new("bad-lines");
    scratch.write("projects/-w-app/s1.jsonl", &format!("{{not json\n{LINE}\n\u{0}\u{1}junk\n"));
    let (body, ok) = query(&scratch.0, "/api/analytics/overview");
    assert!(ok);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["data"]["totalResponses"], 1);
    let out = run(&["query", "--claude-dir", scratch.0.to_str().unwrap(), "/api/analytics/overview"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped 2 unreadable line(s)") && stderr.contains("-w-app/s1.jsonl line 1"), "{stderr}");
}

#[test]
fn reports_show_the_same_numbers_as_the_api() {
    let dir = samples();
    let dir = dir.to_str().unwrap();
    let json = run(&["report", "daily", "--json", "--tz", "UTC", "--claude-dir", dir]);
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let (body, _) = query(&samples(), "/api/analytics/daily-usage");
    let api: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rows, api["data"]);

    let table = String::from_utf8(run(&["report", "daily", "--tz", "UTC", "--claude-dir", dir]).stdout).unwrap();
    let total = table.lines().last().unwrap();
    assert!(total.starts_with("Total") && total.contains("8,431,445") && total.ends_with("$9.28"), "{total}");

    let monthly = run(&["report", "monthly", "--json", "--tz", "UTC", "--since", "20251101", "--claude-dir", dir]);
    let months: serde_json::Value = serde_json::from_slice(&monthly.stdout).unwrap();
    let months: Vec<&str> = months.as_array().unwrap().iter().map(|m| m["month"].as_str().unwrap()).collect();
    assert_eq!(months, ["2026-04", "2026-02", "2026-01", "2025-12", "2025-11"]);

    // Every table ends with the totals of its rows: the samples' 8 sessions, 231 responses,
    // 8,431,445 tokens and $9.28, and 261 tool calls of which 15 failed.
    let totals = [
        ("sessions", vec!["8 sessions", "42", "231", "8,431,445", "$9.28"]),
        ("models", vec!["8", "231", "11,980", "61,919", "570,730", "7,786,816", "$9.28"]),
        ("tools", vec!["261", "15"]),
        ("blocks", vec!["231", "8,431,445", "$9.28"]),
    ];
    for (kind, cells) in totals {
        let out = run(&["report", kind, "--tz", "UTC", "--claude-dir", dir]);
        assert!(out.status.success(), "report {kind}: {}", String::from_utf8_lossy(&out.stderr));
        let table = String::from_utf8(out.stdout).unwrap();
        let total = table.lines().last().unwrap();
        let words: Vec<&str> = total.split("  ").map(str::trim).filter(|w| !w.is_empty()).collect();
        assert_eq!(words[0], "Total", "report {kind}: {total}");
        assert_eq!(words[1..], cells, "report {kind}: {total}");
    }
}

#[test]
fn report_flags_read_dates_zones_and_empty_ranges() {
    let dir = samples();
    let dir = dir.to_str().unwrap();
    let report = |args: &[&str], tz: &str| {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--claude-dir", dir]);
        let out = command(&all).env("TZ", tz).output().unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let first_date = |stdout: &str| -> String {
        let rows: serde_json::Value = serde_json::from_str(stdout).unwrap();
        rows.as_array().unwrap().last().unwrap()["date"].as_str().unwrap().to_owned()
    };
    // The first response is at 2025-06-14 23:42 UTC: the zone TZ names moves it to the 15th,
    // written as the C library reads it, and --tz (or -z) wins over TZ.
    assert_eq!(first_date(&report(&["daily", "--json"], "UTC").1), "2025-06-14");
    for tz in ["Asia/Tokyo", ":Asia/Tokyo", "/usr/share/zoneinfo/Asia/Tokyo"] {
        assert_eq!(first_date(&report(&["daily", "-j"], tz).1), "2025-06-15", "TZ={tz}");
    }
    assert_eq!(first_date(&report(&["daily", "--json", "-z", "UTC"], "Asia/Tokyo").1), "2025-06-14");
    // Session and block times are shown in that zone, and say so.
    let (_, sessions, _) = report(&["session", "--timezone", "Asia/Tokyo"], "UTC");
    assert!(sessions.starts_with("Started (Asia/Tokyo)"), "{sessions}");
    assert!(sessions.contains("2025-06-15 08:42"), "{sessions}");
    let (_, blocks, _) = report(&["blocks"], "Asia/Tokyo");
    assert!(blocks.starts_with("Block start (Asia/Tokyo)") && blocks.contains("2025-06-15 08:00"), "{blocks}");

    // Dates are checked as the flags were written.
    for (args, message) in [
        (["daily", "--since", "2025-07-21", "--until", "2025-06-14"], "--since 2025-07-21 is after --until 2025-06-14"),
        (
            ["daily", "--since", "20-25-06-14", "-u", "2025-06-14"],
            r#"--since takes a date, YYYY-MM-DD or YYYYMMDD: "20-25-06-14""#,
        ),
        (
            ["daily", "-s", "2025-06-01", "--until", "20250230"],
            r#"--until takes a date, YYYY-MM-DD or YYYYMMDD: "20250230""#,
        ),
    ] {
        let (ok, _, stderr) = report(&args, "UTC");
        assert!(!ok && stderr.contains(message), "{args:?}: {stderr}");
    }
    // A range without usage says so, as a table; as JSON it is no rows.
    let (ok, table, _) = report(&["tools", "-s", "20300101", "-u", "2030-02-01"], "UTC");
    assert!(ok);
    assert_eq!(table, "No usage from 2030-01-01 to 2030-02-01.\n");
    assert_eq!(report(&["daily", "--json", "--since", "2030-01-01"], "UTC").1, "[]\n");
}

#[test]
fn reports_warn_of_models_without_a_price() {
    let scratch = Scratch::new("report-unpriced");
    scratch.write("claude/projects/-w-app/s1.jsonl", &format!("{LINE}\n"));
    let claude = scratch.claude();
    let out = run(&["report", "models", "--claude-dir", claude.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no price known for my-model") && stderr.contains("--pricing FILE"), "{stderr}");
}

#[test]
fn output_cut_short_by_its_reader_ends_quietly() {
    let scratch = Scratch::new("broken-pipe");
    // Enough sessions for the report to outgrow a pipe's buffer.
    for n in 0..1500 {
        let line = LINE
            .replace(r#""sessionId":"s1""#, &format!(r#""sessionId":"s{n}""#))
            .replace(r#""m1""#, &format!(r#""m{n}""#));
        scratch.write(&format!("claude/projects/-w-app/s{n}.jsonl"), &format!("{line}\n"));
    }
    let claude = scratch.claude();
    for args in [vec!["report", "sessions"], vec!["query", "/api/analytics/export?format=json&entity=sessions"]] {
        let mut child = command(&args)
            .args(["--claude-dir", claude.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !stderr.contains("panicked"), "{args:?}: {:?} {stderr}", out.status);
    }
}
