//! API responses: keys, growing usage, replays.

use crate::support::*;

#[test]
fn growing_output_tokens_largest_wins_and_ties_go_to_the_later_line() {
    let s = "s1";
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u1", &ts("10:00:00"), "hello"),
            // One response written as three lines: output grows 5 -> 50 -> 200.
            assistant(s, "a1", &ts("10:00:01"), Some("m1"), Some("r1"), SONNET, usage(1000, 5)),
            tool_use(
                assistant(s, "a2", &ts("10:00:02"), Some("m1"), Some("r1"), SONNET, usage(1000, 50)),
                "toolu_1",
                "Read",
            ),
            assistant(s, "a3", &ts("10:00:03"), Some("m1"), Some("r1"), SONNET, usage(1000, 200)),
            // A tie on output (300 = 300): the later line's usage (input 4000) wins.
            assistant(s, "b1", &ts("10:01:00"), Some("m2"), Some("r2"), SONNET, usage(2000, 300)),
            assistant(s, "b2", &ts("10:01:01"), Some("m2"), Some("r2"), SONNET, usage(4000, 300)),
            // The largest output wins even when it is not on the last line.
            assistant(s, "c1", &ts("10:02:00"), Some("m3"), Some("r3"), SONNET, usage(10, 100)),
            assistant(s, "c2", &ts("10:02:01"), Some("m3"), Some("r3"), SONNET, usage(20, 60)),
        ],
    )]);
    // input 1000 + 4000 + 10 = 5010, output 200 + 300 + 100 = 600
    // cost 5010 * 3e-6 + 600 * 1.5e-5 = 0.01503 + 0.009 = 0.02403
    check(
        &data,
        "overview",
        &[
            ("/totalResponses", json!(3)),
            ("/inputTokens", json!(5010)),
            ("/outputTokens", json!(600)),
            ("/totalTokens", json!(5610)),
            ("/totalCost", json!(0.02403)),
            ("/totalToolCalls", json!(1)),
        ],
    );
    check_session(&data, s, &[("responses", json!(3)), ("cost", json!(0.02403)), ("toolCalls", json!(1))]);
    // A response is one message: its first line's uuid, its earliest timestamp, the winning usage.
    let detail = check(&data, "sessions/s1", &[("/messages/0/id", json!("u1"))]);
    assert_eq!(
        rows(&detail["messages"], &["id", "role", "timestamp", "inputTokens", "outputTokens", "cost"]),
        json!([
            {"id": "u1", "role": "user", "timestamp": "2025-06-01T10:00:00.000Z", "inputTokens": 0, "outputTokens": 0, "cost": 0.0},
            // 1000 * 3e-6 + 200 * 1.5e-5 = 0.006
            {"id": "a1", "role": "assistant", "timestamp": "2025-06-01T10:00:01.000Z", "inputTokens": 1000, "outputTokens": 200, "cost": 0.006},
            // 4000 * 3e-6 + 300 * 1.5e-5 = 0.0165
            {"id": "b1", "role": "assistant", "timestamp": "2025-06-01T10:01:00.000Z", "inputTokens": 4000, "outputTokens": 300, "cost": 0.0165},
            // 10 * 3e-6 + 100 * 1.5e-5 = 0.00153
            {"id": "c1", "role": "assistant", "timestamp": "2025-06-01T10:02:00.000Z", "inputTokens": 10, "outputTokens": 100, "cost": 0.00153},
        ])
    );
}

#[test]
fn without_request_id_the_key_is_message_id_and_session() {
    let data = dataset(&[
        file(
            &main_file("s1"),
            &[
                user("s1", "u1", &ts("10:00:00"), "hi"),
                // No requestId: three lines of one response, keyed (m1, s1).
                assistant("s1", "a1", &ts("10:00:01"), Some("m1"), None, SONNET, usage(100, 10)),
                assistant("s1", "a2", &ts("10:00:02"), Some("m1"), None, SONNET, usage(100, 20)),
                assistant("s1", "a3", &ts("10:00:03"), Some("m1"), None, SONNET, usage(100, 30)),
                // No message.id: each line is its own response.
                assistant("s1", "a4", &ts("10:00:04"), None, None, SONNET, usage(7, 1)),
                assistant("s1", "a5", &ts("10:00:05"), None, None, SONNET, usage(7, 1)),
            ],
        ),
        file(
            &main_file("s2"),
            &[
                user("s2", "u2", &ts("11:00:00"), "hi"),
                // Same message.id, no requestId, other session: a different response.
                assistant("s2", "b1", &ts("11:00:01"), Some("m1"), None, SONNET, usage(100, 30)),
            ],
        ),
    ]);
    // input 100 + 7 + 7 + 100 = 214, output 30 + 1 + 1 + 30 = 62
    // cost 214 * 3e-6 + 62 * 1.5e-5 = 0.000642 + 0.00093 = 0.001572
    check(
        &data,
        "overview",
        &[
            ("/totalResponses", json!(4)),
            ("/inputTokens", json!(214)),
            ("/outputTokens", json!(62)),
            ("/totalCost", json!(0.001572)),
        ],
    );
    // s1: 100*3e-6 + 30*1.5e-5 + 2 * (7*3e-6 + 1*1.5e-5) = 0.00075 + 0.000072 = 0.000822
    check_session(&data, "s1", &[("responses", json!(3)), ("outputTokens", json!(32)), ("cost", json!(0.000822))]);
    // s2: 100*3e-6 + 30*1.5e-5 = 0.00075
    check_session(&data, "s2", &[("responses", json!(1)), ("outputTokens", json!(30)), ("cost", json!(0.00075))]);
}

#[test]
fn cross_file_replays_are_counted_once_in_either_file_order() {
    let original = file(
        &main_file("s1"),
        &[
            user("s1", "u1", &ts("10:00:00"), "first"),
            reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100),
            user("s1", "u2", &ts("10:01:00"), "second"),
            reply("s1", "a2", &ts("10:01:01"), "m2", SONNET, 2000, 200),
        ],
    );
    // A 1.0.x resume: the new file starts with a copy of the earlier lines, then goes on.
    let resumed = file(
        &main_file("s2"),
        &[
            user("s1", "u1", &ts("10:00:00"), "first"),
            reply("s1", "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100),
            user("s1", "u2", &ts("10:01:00"), "second"),
            reply("s1", "a2", &ts("10:01:01"), "m2", SONNET, 2000, 200),
            user("s2", "u3", &ts("12:00:00"), "third"),
            reply("s2", "a3", &ts("12:00:01"), "m3", SONNET, 5000, 500),
        ],
    );
    for files in [[original.clone(), resumed.clone()], [resumed, original]] {
        let data = dataset(&files);
        // input 1000 + 2000 + 5000 = 8000, output 800
        // cost 8000 * 3e-6 + 800 * 1.5e-5 = 0.024 + 0.012 = 0.036
        check(
            &data,
            "overview",
            &[
                ("/totalSessions", json!(2)),
                ("/totalResponses", json!(3)),
                ("/inputTokens", json!(8000)),
                ("/outputTokens", json!(800)),
                ("/totalCost", json!(0.036)),
            ],
        );
        // s1: 3000 * 3e-6 + 300 * 1.5e-5 = 0.0135; replayed prompts are not counted twice.
        check_session(&data, "s1", &[("responses", json!(2)), ("userPrompts", json!(2)), ("cost", json!(0.0135))]);
        // s2: 5000 * 3e-6 + 500 * 1.5e-5 = 0.0225
        check_session(&data, "s2", &[("responses", json!(1)), ("userPrompts", json!(1)), ("cost", json!(0.0225))]);
    }
}

#[test]
fn sidechain_replays_of_a_main_chain_response_are_not_counted_again() {
    let s = "s1";
    let data = dataset(&[
        file(
            &main_file(s),
            &[
                user(s, "u1", &ts("10:00:00"), "hi"),
                // A side-question replay written before the original, with another requestId.
                sidechain(
                    assistant(s, "x1", &ts("09:59:00"), Some("m1"), Some("r-side"), SONNET, usage(1000, 100)),
                    None,
                ),
                reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100),
                // ... and one without requestId.
                sidechain(assistant(s, "x2", &ts("10:00:05"), Some("m1"), None, SONNET, usage(1000, 100)), None),
                // A genuine sidechain response (its message.id is nowhere on the main chain): counted.
                sidechain(reply(s, "x3", &ts("10:00:06"), "m5", SONNET, 10, 10), None),
            ],
        ),
        file(
            &main_file("s2"),
            &[
                user("s2", "u2", &ts("11:00:00"), "hi"),
                // Same message.id as s1's main-chain response, but another session: counted.
                sidechain(
                    assistant("s2", "y1", &ts("11:00:01"), Some("m1"), Some("r-other"), SONNET, usage(2000, 20)),
                    None,
                ),
            ],
        ),
    ]);
    // s1: m1 1000*3e-6 + 100*1.5e-5 = 0.0045; m5 10*3e-6 + 10*1.5e-5 = 0.00018; total 0.00468
    check_session(&data, s, &[("responses", json!(2)), ("inputTokens", json!(1010)), ("cost", json!(0.00468))]);
    // s2: 2000*3e-6 + 20*1.5e-5 = 0.0063
    check_session(&data, "s2", &[("responses", json!(1)), ("cost", json!(0.0063))]);
    check(&data, "overview", &[("/totalResponses", json!(3)), ("/totalCost", json!(0.01098))]);
}

#[test]
fn a_sidechain_replay_with_the_original_request_id_adds_nothing_to_the_response() {
    let s = "s1";
    let main = file(
        &main_file(s),
        &[user(s, "u1", &ts("10:00:00"), "hi"), reply(s, "a1", &ts("10:00:01"), "m1", SONNET, 1000, 100)],
    );
    // The replay has the original's key, an earlier time and a larger output: none of it counts.
    let replay = file(
        &format!("{PROJECT}/{s}/subagents/agent-aside.jsonl"),
        &[sidechain(
            assistant(s, "x1", &ts("09:59:00"), Some("m1"), Some("req_m1"), SONNET, usage(5000, 999)),
            Some("aside"),
        )],
    );
    for files in [[main.clone(), replay.clone()], [replay, main]] {
        let data = dataset(&files);
        // 1000 * 3e-6 + 100 * 1.5e-5 = 0.0045
        check_session(&data, s, &[("responses", json!(1)), ("outputTokens", json!(100)), ("cost", json!(0.0045))]);
        let detail = check(&data, "sessions/s1", &[]);
        assert_eq!(
            rows(&detail["messages"], &["id", "timestamp", "content", "outputTokens", "isSidechain"]),
            json!([
                {"id": "u1", "timestamp": "2025-06-01T10:00:00.000Z", "content": "hi", "outputTokens": 0, "isSidechain": false},
                {"id": "a1", "timestamp": "2025-06-01T10:00:01.000Z", "content": "reply a1", "outputTokens": 100, "isSidechain": false},
            ])
        );
    }
}
