//! Lines and files: malformed, half-written, overlong, summary-only and empty.

use crate::support::*;

#[test]
fn malformed_and_half_written_lines_are_line_errors_and_the_rest_is_read() {
    let a = main_file("s1");
    let b = main_file("s2");
    let mut text_a = Vec::new();
    let mut line = |bytes: &[u8]| {
        text_a.extend_from_slice(bytes);
        text_a.push(b'\n');
    };
    line(user("s1", "u1", &ts("10:00:00"), "hi").to_string().as_bytes()); // 1
    line(br#"{"type":"assistant","sessionId":"s1","#); // 2: truncated JSON
    line(reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100).to_string().as_bytes()); // 3
    line(b"not json at all"); // 4
    line(b""); // 5: blank, skipped
    line(b"\x00\x01\x02binary junk"); // 6
    line(b"{\"type\":\"user\",\"sessionId\":\"s1\",\"x\":\"\xff\xfe\"}"); // 7: invalid UTF-8
    let negative = assistant(
        "s1",
        "a8",
        &ts("10:00:08"),
        Some("m8"),
        Some("r8"),
        SONNET,
        json!({"input_tokens": -5, "output_tokens": 1}),
    );
    line(negative.to_string().as_bytes()); // 8: negative count
    let fractional = assistant(
        "s1",
        "a9",
        &ts("10:00:09"),
        Some("m9"),
        Some("r9"),
        SONNET,
        json!({"input_tokens": 5, "output_tokens": 1.5}),
    );
    line(fractional.to_string().as_bytes()); // 9: non-integer count
    line(b"   "); // 10: blank, skipped
    // 11: a complete last line without a newline is accepted.
    text_a.extend_from_slice(reply("s1", "a2", &ts("10:00:11"), "m2", SONNET, 2000, 200).to_string().as_bytes());

    let mut text_b = Vec::new();
    text_b.extend_from_slice(user("s2", "u2", &ts("11:00:00"), "hi").to_string().as_bytes());
    text_b.push(b'\n');
    text_b.extend_from_slice(reply("s2", "b1", &ts("11:00:01"), "m3", SONNET, 3000, 300).to_string().as_bytes());
    text_b.push(b'\n');
    // 3: half-written last line.
    text_b.extend_from_slice(br#"{"type":"assistant","sessionId":"s2","uuid":"b2","timestamp":"2025-06-01T11:00:02.000Z","message":{"id":"m4","#);

    let analysis = analyze(&[raw_file(&a, &text_a), raw_file(&b, &text_b)]);
    let errors: Vec<(String, u32)> = analysis.errors.iter().map(|e| (e.file.clone(), e.line)).collect();
    assert_eq!(
        errors,
        vec![
            (a.clone(), 2),
            (a.clone(), 4),
            (a.clone(), 6),
            (a.clone(), 7),
            (a.clone(), 8),
            (a.clone(), 9),
            (b.clone(), 3)
        ],
        "{:#?}",
        analysis.errors
    );
    assert!(analysis.errors.iter().all(|e| !e.reason.is_empty()), "{:#?}", analysis.errors);
    // m1, m2 (last line without newline) and m3: 6000 in, 600 out; 0.018 + 0.009 = 0.027
    check(
        &analysis.dataset,
        "overview",
        &[
            ("/totalSessions", json!(2)),
            ("/totalResponses", json!(3)),
            ("/inputTokens", json!(6000)),
            ("/outputTokens", json!(600)),
            ("/totalCost", json!(0.027)),
        ],
    );
    check_session(&analysis.dataset, "s1", &[("responses", json!(2)), ("endTime", json!("2025-06-01T10:00:11.000Z"))]);
}

#[test]
fn an_overlong_line_is_a_line_error_and_the_next_line_is_read() {
    let path = main_file("s1");
    let mut analyzer = Analyzer::new(MessageCapture::None);
    analyzer.push(&path, format!("{}\n", user("s1", "u1", &ts("10:00:00"), "hi")).as_bytes());
    analyzer.push(&path, br#"{"type":"user","sessionId":"s1","junk":""#);
    let megabyte = vec![b'a'; 1 << 20];
    for _ in 0..50 {
        analyzer.push(&path, &megabyte);
    }
    analyzer.push(&path, b"\"}\n");
    analyzer.push(&path, format!("{}\n", reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100)).as_bytes());
    analyzer.end_file(&path);
    let analysis = analyzer.finish(&PriceTable::builtin());
    let errors: Vec<(String, u32)> = analysis.errors.iter().map(|e| (e.file.clone(), e.line)).collect();
    assert_eq!(errors, vec![(path, 2)]);
    check(&analysis.dataset, "overview", &[("/totalResponses", json!(1)), ("/totalCost", json!(0.0045))]);
}

#[test]
fn summary_only_and_empty_files_make_no_session() {
    let summaries = file(
        &format!("{PROJECT}/5ummary-only.jsonl"),
        &[
            json!({"type": "summary", "summary": "Old work", "leafUuid": "elsewhere-1"}),
            json!({"type": "summary", "summary": "Older work", "leafUuid": "elsewhere-2"}),
        ],
    );
    let empty = raw_file(&format!("{PROJECT}/empty-resume.jsonl"), b"");
    let snapshot_only = file(
        &format!("{PROJECT}/snap.jsonl"),
        &[json!({"type": "file-history-snapshot", "messageId": "x", "snapshot": {}, "isSnapshotUpdate": false})],
    );
    let real = file(
        &main_file("s1"),
        &[user("s1", "u1", &ts("10:00:00"), "hi"), reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100)],
    );
    let analysis = analyze(&[summaries, empty, snapshot_only, real]);
    assert!(analysis.errors.is_empty(), "{:#?}", analysis.errors);
    let data = analysis.dataset;
    check(&data, "overview", &[("/totalSessions", json!(1)), ("/totalResponses", json!(1))]);
    let list = check(&data, "sessions", &[("/pagination/total", json!(1))]);
    assert_eq!(rows(&list["sessions"], &["id"]), json!([{"id": "s1"}]));
    for id in ["5ummary-only", "empty-resume", "snap"] {
        check_error(&data, &format!("sessions/{id}"), 404, "NOT_FOUND", None);
    }
    // Nothing at all: no sessions, no date range.
    let nothing = dataset(&[raw_file(&format!("{PROJECT}/empty.jsonl"), b"")]);
    check(
        &nothing,
        "overview",
        &[("/totalSessions", json!(0)), ("/totalCost", json!(0.0)), ("/dateRange", Value::Null)],
    );
}
