//! Cost: long context, cache writes, fast mode, web searches, costUSD, model ids.

use crate::support::*;

#[test]
fn long_context_tier_applies_only_above_the_threshold_and_to_all_tokens() {
    let context = |input: u64| {
        json!({"input_tokens": input, "output_tokens": 1000, "cache_creation_input_tokens": 50000,
               "cache_read_input_tokens": 50000})
    };
    let data = dataset(&[
        file(
            &main_file("at"),
            &[
                user("at", "u1", &ts("10:00:00"), "hi"),
                // 100000 + 50000 + 50000 = 200000: exactly the threshold, base prices.
                assistant("at", "a1", &ts("10:00:01"), Some("m1"), Some("r1"), SONNET, context(100_000)),
            ],
        ),
        file(
            &main_file("above"),
            &[
                user("above", "u2", &ts("11:00:00"), "hi"),
                // 200001: everything, output included, at the *_above prices.
                assistant("above", "a2", &ts("11:00:01"), Some("m2"), Some("r2"), SONNET, context(100_001)),
            ],
        ),
    ]);
    // 100000*3e-6 + 50000*3.75e-6 + 50000*3e-7 + 1000*1.5e-5 = 0.3 + 0.1875 + 0.015 + 0.015 = 0.5175
    check_session(&data, "at", &[("cost", json!(0.5175))]);
    // 100001*6e-6 + 50000*7.5e-6 + 50000*6e-7 + 1000*2.25e-5 = 0.600006 + 0.375 + 0.03 + 0.0225 = 1.027506
    check_session(&data, "above", &[("cost", json!(1.027506))]);
    check(&data, "overview", &[("/totalCost", json!(1.545006))]);
}

#[test]
fn one_hour_cache_writes_are_priced_at_cache_write_1h() {
    let split = json!({"input_tokens": 10, "output_tokens": 10, "cache_creation_input_tokens": 3000,
                       "cache_read_input_tokens": 0,
                       "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000}});
    let unsplit = json!({"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 2000,
                         "cache_read_input_tokens": 0});
    let data = dataset(&[
        file(
            &main_file("s1"),
            &[
                user("s1", "u1", &ts("10:00:00"), "hi"),
                assistant("s1", "a1", &ts("10:00:01"), Some("m1"), Some("r1"), SONNET, split),
            ],
        ),
        file(
            &main_file("s2"),
            &[
                user("s2", "u2", &ts("11:00:00"), "hi"),
                assistant("s2", "a2", &ts("11:00:01"), Some("m2"), Some("r2"), SONNET, unsplit),
            ],
        ),
    ]);
    // 10*3e-6 + 10*1.5e-5 + 1000*3.75e-6 + 2000*6e-6 = 0.00003 + 0.00015 + 0.00375 + 0.012 = 0.01593
    check_session(&data, "s1", &[("cost", json!(0.01593)), ("cacheCreationTokens", json!(3000))]);
    // Without the split every write is a 5-minute write: 2000 * 3.75e-6 = 0.0075
    check_session(&data, "s2", &[("cost", json!(0.0075)), ("cacheCreationTokens", json!(2000))]);
    check(&data, "overview", &[("/totalCost", json!(0.02343)), ("/cacheCreationTokens", json!(5000))]);
}

#[test]
fn fast_mode_multiplies_the_cost_by_the_fast_multiplier() {
    let fast = json!({"input_tokens": 1000, "output_tokens": 100, "speed": "fast"});
    let standard = json!({"input_tokens": 1000, "output_tokens": 100, "speed": "standard"});
    let data = dataset(&[
        file(
            &main_file("fast"),
            &[
                user("fast", "u1", &ts("10:00:00"), "hi"),
                assistant("fast", "a1", &ts("10:00:01"), Some("m1"), Some("r1"), OPUS, fast),
            ],
        ),
        file(
            &main_file("std"),
            &[
                user("std", "u2", &ts("11:00:00"), "hi"),
                assistant("std", "a2", &ts("11:00:01"), Some("m2"), Some("r2"), OPUS, standard),
            ],
        ),
    ]);
    // 1000*5e-6 + 100*2.5e-5 = 0.0075; fast: x6 = 0.045
    check_session(&data, "fast", &[("cost", json!(0.045))]);
    check_session(&data, "std", &[("cost", json!(0.0075))]);
    check(&data, "overview", &[("/totalCost", json!(0.0525))]);
}

#[test]
fn web_searches_cost_one_cent_each() {
    let searching = json!({"input_tokens": 1000, "output_tokens": 100,
                           "server_tool_use": {"web_search_requests": 3, "web_fetch_requests": 2}});
    let data = dataset(&[file(
        &main_file("s1"),
        &[
            user("s1", "u1", &ts("10:00:00"), "hi"),
            assistant("s1", "a1", &ts("10:00:01"), Some("m1"), Some("r1"), SONNET, searching),
        ],
    )]);
    // 1000*3e-6 + 100*1.5e-5 + 3*0.01 = 0.0045 + 0.03 = 0.0345
    check(&data, "overview", &[("/totalCost", json!(0.0345)), ("/inputTokens", json!(1000))]);
    check_session(&data, "s1", &[("cost", json!(0.0345))]);
}

#[test]
fn cost_usd_lines_use_cost_usd_as_the_cost() {
    let s = "s1";
    let old = |uuid: &str, at: &str, id: &str, cost: f64| {
        let line = assistant(
            s,
            uuid,
            at,
            Some(id),
            Some(&format!("req_{id}")),
            "claude-3-5-sonnet-20241022",
            usage(1000, 100),
        );
        with(with(line, "costUSD", json!(cost)), "version", json!("1.0.8"))
    };
    let data = dataset(&[file(
        &main_file(s),
        &[
            user(s, "u1", &ts("10:00:00"), "hi"),
            old("a1", &ts("10:00:01"), "m1", 0.123456),
            old("a2", &ts("10:00:02"), "m2", 0.5),
        ],
    )]);
    // Not 2 * (1000*3e-6 + 100*1.5e-5) = 0.009: the lines' costUSD, 0.123456 + 0.5.
    check(
        &data,
        "overview",
        &[("/totalCost", json!(0.623456)), ("/totalResponses", json!(2)), ("/unpricedModels", json!([]))],
    );
    check_session(&data, s, &[("cost", json!(0.623456))]);
}

#[test]
fn unknown_models_cost_nothing_and_prefixed_ids_are_matched() {
    let session = |id: &str, hour: &str, model: &str| {
        file(
            &main_file(id),
            &[
                user(id, &format!("u-{id}"), &ts(&format!("{hour}:00:00")), "hi"),
                reply(id, &format!("a-{id}"), &ts(&format!("{hour}:00:01")), &format!("m-{id}"), model, 1000, 100),
            ],
        )
    };
    let data = dataset(&[
        session("unknown", "10", "claude-mystery-9"),
        session("bedrock", "11", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        session("bedrock-haiku", "12", "anthropic.claude-haiku-4-5-20251001-v1:0"),
        session("vertex", "13", "claude-opus-4-6@20260205"),
    ]);
    check_session(&data, "unknown", &[("cost", json!(0.0))]);
    // priced as claude-sonnet-4-5-20250929: 1000*3e-6 + 100*1.5e-5 = 0.0045
    check_session(&data, "bedrock", &[("cost", json!(0.0045))]);
    // priced as claude-haiku-4-5-20251001: 1000*1e-6 + 100*5e-6 = 0.0015
    check_session(&data, "bedrock-haiku", &[("cost", json!(0.0015))]);
    // priced as claude-opus-4-6: 1000*5e-6 + 100*2.5e-5 = 0.0075
    check_session(&data, "vertex", &[("cost", json!(0.0075))]);
    check(
        &data,
        "overview",
        &[
            ("/totalCost", json!(0.0135)),
            ("/totalResponses", json!(4)),
            ("/unpricedModels", json!(["claude-mystery-9"])),
        ],
    );
    let models = check(&data, "model-distribution", &[]);
    let unknown = models.as_array().unwrap().iter().find(|m| m["model"] == json!("claude-mystery-9")).expect("a row");
    assert_eq!(unknown["totalCost"], json!(0.0));
    assert_eq!(unknown["responses"], json!(1));
    assert_eq!(unknown["totalTokens"], json!(1100));
}
