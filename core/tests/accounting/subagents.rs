//! Sub-agents, progress lines, Task results, synthetic lines.

use crate::support::*;

#[test]
fn sub_agents_in_all_three_layouts_count_toward_the_parent_session() {
    let s = "s1";
    let files = [
        // 1.0.x: sidechain lines inline in the main file.
        file(
            &main_file(s),
            &[
                user(s, "u1", &ts("10:00:00"), "do it"),
                tool_use(reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100), "toolu_task", "Task"),
                sidechain(user(s, "iu1", &ts("10:00:30"), "inline sub-task"), None),
                with(
                    sidechain(reply(s, "ia1", &ts("10:00:31"), "m2", HAIKU, 1000, 100), None),
                    "parentUuid",
                    json!("iu1"),
                ),
            ],
        ),
        // 2.0.x: flat agent file in the project folder, parent's sessionId.
        file(
            &format!("{PROJECT}/agent-abc123.jsonl"),
            &[
                sidechain(user(s, "fu1", &ts("10:01:00"), "flat sub-task"), Some("abc123")),
                sidechain(reply(s, "fa1", &ts("10:01:01"), "m3", HAIKU, 2000, 200), Some("abc123")),
            ],
        ),
        // 2.1.x: <session>/subagents/agent-<id>.jsonl.
        file(
            &format!("{PROJECT}/{s}/subagents/agent-a77.jsonl"),
            &[
                sidechain(user(s, "su1", &ts("10:02:00"), "nested sub-task"), Some("a77")),
                sidechain(reply(s, "sa1", &ts("10:03:30"), "m4", HAIKU, 3000, 300), Some("a77")),
            ],
        ),
    ];
    let data = dataset(&files);
    // sonnet m1: 1000*3e-6 + 100*1.5e-5 = 0.0045
    // haiku  m2: 1000*1e-6 + 100*5e-6 = 0.0015; m3: 0.002 + 0.001 = 0.003; m4: 0.003 + 0.0015 = 0.0045
    // total 0.0135
    check_session(
        &data,
        s,
        &[
            ("responses", json!(4)),
            ("cost", json!(0.0135)),
            ("subagents", json!(3)),
            ("inputTokens", json!(7000)),
            ("outputTokens", json!(700)),
            ("startTime", json!("2025-06-01T10:00:00.000Z")),
            ("endTime", json!("2025-06-01T10:03:30.000Z")),
            ("duration", json!(210)),
            ("model", json!(HAIKU)),
            ("projectPath", json!(CWD)),
        ],
    );
    // Agent files are not sessions of their own.
    check(
        &data,
        "overview",
        &[("/totalSessions", json!(1)), ("/totalResponses", json!(4)), ("/totalCost", json!(0.0135))],
    );
    check(&data, "sessions", &[("/pagination/total", json!(1)), ("/sessions/0/id", json!(s))]);
}

#[test]
fn a_nested_sub_agent_line_without_session_id_belongs_to_the_session_of_its_folder() {
    let s = "s1";
    let without = |line: Value| {
        let mut line = line;
        line.as_object_mut().unwrap().remove("sessionId");
        line
    };
    let lines = [
        sidechain(without(reply(s, "sa1", &ts("10:00:05"), "m1", HAIKU, 50, 5)), Some("z")),
        sidechain(user(s, "su1", &ts("10:00:04"), "warm-up"), Some("z")),
    ];
    for order in [[0, 1], [1, 0]] {
        let files = [
            file(&main_file(s), &[user(s, "u1", &ts("10:00:00"), "q")]),
            file(&format!("{PROJECT}/{s}/subagents/agent-z.jsonl"), &order.map(|i| lines[i].clone())),
        ];
        let data = dataset(&files);
        check(&data, "overview", &[("/totalSessions", json!(1)), ("/totalResponses", json!(1))]);
        check_session(&data, s, &[("responses", json!(1)), ("inputTokens", json!(50))]);
    }
}

#[test]
fn progress_lines_with_embedded_usage_are_never_counted() {
    let s = "s1";
    let embedded = json!({
        "type": "assistant", "requestId": "req_sub",
        "message": {"id": "msg_sub", "model": OPUS, "type": "message", "role": "assistant",
                    "content": [{"type": "text", "text": "sub-agent says"}],
                    "usage": {"input_tokens": 99999, "output_tokens": 9999}},
        "uuid": "emb1", "timestamp": ts("10:00:02")
    });
    let progress = json!({
        "parentUuid": "a1", "isSidechain": false, "cwd": CWD, "sessionId": s, "version": "2.1.17",
        "type": "progress", "data": {"type": "agent_progress", "message": embedded, "prompt": "x"},
        "toolUseID": "toolu_task", "parentToolUseID": "toolu_task",
        "uuid": "p1", "timestamp": ts("10:00:02")
    });
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u1", &ts("10:00:00"), "hi"),
            tool_use(reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100), "toolu_task", "Task"),
            progress.clone(),
            with(progress, "uuid", json!("p2")),
        ],
    )]);
    check(
        &data,
        "overview",
        &[
            ("/totalResponses", json!(1)),
            ("/inputTokens", json!(1000)),
            ("/outputTokens", json!(100)),
            ("/totalCost", json!(0.0045)),
            ("/unpricedModels", json!([])),
        ],
    );
    let models = check(&data, "model-distribution", &[]);
    assert_eq!(rows(&models, &["model", "responses"]), json!([{"model": SONNET, "responses": 1}]));
}

#[test]
fn task_results_with_usage_in_tool_use_result_are_never_counted() {
    let s = "s1";
    let task_result = json!({
        "parentUuid": "a1", "isSidechain": false, "cwd": CWD, "sessionId": s, "version": "2.0.37",
        "type": "user",
        "message": {"role": "user", "content": [{"tool_use_id": "toolu_task", "type": "tool_result",
                    "content": [{"type": "text", "text": "Done."}]}]},
        "toolUseResult": {
            "status": "completed", "prompt": "do the thing", "totalDurationMs": 4000,
            "totalTokens": 6000, "totalToolUseCount": 3,
            "usage": {"input_tokens": 5000, "output_tokens": 1000, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "service_tier": "standard"},
            "content": [{"type": "text", "text": "Done."}]
        },
        "uuid": "u2", "timestamp": ts("10:00:10")
    });
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u1", &ts("10:00:00"), "hi"),
            tool_use(reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100), "toolu_task", "Task"),
            task_result,
        ],
    )]);
    check(
        &data,
        "overview",
        &[
            ("/totalResponses", json!(1)),
            ("/inputTokens", json!(1000)),
            ("/outputTokens", json!(100)),
            ("/totalCost", json!(0.0045)),
        ],
    );
    check_session(
        &data,
        s,
        &[("responses", json!(1)), ("userPrompts", json!(1)), ("toolCalls", json!(1)), ("toolErrors", json!(0))],
    );
}

#[test]
fn synthetic_lines_are_rate_limit_events_not_responses() {
    let s = "s1";
    let synthetic = |uuid: &str, at: &str| {
        let mut line = assistant(s, uuid, at, Some(&format!("syn-{uuid}")), None, "<synthetic>", usage(0, 0));
        line["isApiErrorMessage"] = json!(true);
        line["message"]["content"] = json!([{"type": "text", "text": "Claude AI usage limit reached|1748800800"}]);
        line
    };
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u1", &ts("10:00:00"), "hi"),
            reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100),
            synthetic("z1", &ts("10:05:00")),
            user(s, "u2", &ts("10:06:00"), "again"),
            synthetic("z2", &ts("10:06:01")),
        ],
    )]);
    check(
        &data,
        "overview",
        &[
            ("/totalResponses", json!(1)),
            ("/totalCost", json!(0.0045)),
            ("/rateLimitHits", json!(2)),
            ("/unpricedModels", json!([])),
            ("/topModels", json!([{"model": SONNET, "count": 1, "percentage": 100.0}])),
        ],
    );
    check_session(
        &data,
        s,
        &[("responses", json!(1)), ("model", json!(SONNET)), ("models", json!([SONNET])), ("cost", json!(0.0045))],
    );
    let models = check(&data, "model-distribution", &[]);
    assert_eq!(
        rows(&models, &["model", "responses", "totalCost"]),
        json!([{"model": SONNET, "responses": 1, "totalCost": 0.0045}])
    );
    let daily = check(&data, "daily-usage", &[]);
    assert_eq!(rows(&daily, &["date", "responses"]), json!([{"date": "2025-06-01", "responses": 1}]));
}
