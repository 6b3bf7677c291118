//! Order independence: file orders, chunk boundaries, interleaved pushes.

use crate::support::*;

/// A small but rich set of files: sub-agents in all layouts, replays across files, sidechain
/// replays, ties, synthetic lines, tool errors, a compaction, summaries and titles, malformed
/// lines, a last line without newline, responses across DST switches and days, several models.
fn rich_files() -> Vec<File> {
    let s1 = "s1";
    let mut main = Vec::new();
    for line in [
        with(user(s1, "u1", "2025-10-25T21:30:00.000Z", "Refactor the parser please"), "parentUuid", Value::Null),
        assistant(s1, "a1", "2025-10-25T21:30:01.000Z", Some("m1"), Some("r1"), SONNET, usage(1000, 5)),
        tool_use(
            assistant(s1, "a2", "2025-10-25T21:30:02.000Z", Some("m1"), Some("r1"), SONNET, usage(1000, 80)),
            "toolu_1",
            "Read",
        ),
        json!({"parentUuid": "a2", "isSidechain": false, "cwd": CWD, "sessionId": s1, "type": "user",
               "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "no such file", "is_error": true}]},
               "uuid": "u2", "timestamp": "2025-10-25T21:30:03.000Z"}),
        assistant(s1, "a3", "2025-10-25T21:30:04.000Z", Some("m2"), Some("r2"), SONNET, usage(2000, 300)),
        assistant(s1, "a4", "2025-10-25T21:30:05.000Z", Some("m2"), Some("r2"), SONNET, usage(4000, 300)),
        sidechain(user(s1, "iu1", "2025-10-25T22:10:00.000Z", "side question"), None),
        sidechain(
            assistant(s1, "ix1", "2025-10-25T22:10:01.000Z", Some("m1"), Some("r-side"), SONNET, usage(1000, 80)),
            None,
        ),
        sidechain(reply(s1, "ia1", "2025-10-25T22:10:02.000Z", "m3", HAIKU, 500, 50), None),
        {
            let mut line =
                assistant(s1, "z1", "2025-10-26T00:30:00.000Z", Some("syn1"), None, "<synthetic>", usage(0, 0));
            line["isApiErrorMessage"] = json!(true);
            line
        },
        json!({"parentUuid": "a4", "isSidechain": false, "cwd": CWD, "sessionId": s1, "type": "system",
               "subtype": "compact_boundary", "content": "Conversation compacted", "uuid": "c1",
               "timestamp": "2025-10-26T01:30:00.000Z"}),
        json!({"type": "progress", "sessionId": s1, "data": {"type": "agent_progress", "message": {"type": "assistant",
               "message": {"id": "m-prog", "model": OPUS, "usage": {"input_tokens": 5555, "output_tokens": 555}}}},
               "uuid": "pr1", "timestamp": "2025-10-26T01:31:00.000Z"}),
        assistant(
            s1,
            "a5",
            "2025-10-26T01:35:00.000Z",
            Some("m4"),
            Some("r4"),
            OPUS,
            json!({"input_tokens": 10, "output_tokens": 20, "cache_creation_input_tokens": 300, "cache_read_input_tokens": 4000,
                         "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200}, "speed": "fast"}),
        ),
        json!({"type": "ai-title", "sessionId": s1, "aiTitle": "Parser refactor"}),
    ] {
        main.extend_from_slice(line.to_string().as_bytes());
        main.push(b'\n');
    }
    main.extend_from_slice(b"{\"type\":\"user\",\"broken\n");
    main.extend_from_slice(b"\n");
    main.extend_from_slice(
        reply(s1, "a6", "2025-10-26T02:00:00.000Z", "m5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 7, 7)
            .to_string()
            .as_bytes(),
    );

    let flat = file(
        &format!("{PROJECT}/agent-abc123.jsonl"),
        &[
            sidechain(user(s1, "fu1", "2025-10-25T21:31:00.000Z", "sub-task"), Some("abc123")),
            sidechain(reply(s1, "fa1", "2025-10-25T21:31:01.000Z", "m6", HAIKU, 2000, 200), Some("abc123")),
            sidechain(
                assistant(
                    s1,
                    "fa2",
                    "2025-10-25T21:31:02.000Z",
                    Some("m7"),
                    Some("r7"),
                    HAIKU,
                    json!({"input_tokens": 5, "output_tokens": 5, "server_tool_use": {"web_search_requests": 2}}),
                ),
                Some("abc123"),
            ),
        ],
    );
    let nested = file(
        &format!("{PROJECT}/{s1}/subagents/agent-a77.jsonl"),
        &[
            sidechain(user(s1, "su1", "2025-10-25T21:32:00.000Z", "nested"), Some("a77")),
            sidechain(reply(s1, "sa1", "2025-10-25T21:32:01.000Z", "m8", "claude-mystery-9", 100, 10), Some("a77")),
        ],
    );
    // A resume that replays s1's first response with a smaller provisional output, then goes on.
    let resume = file(
        &main_file("s2"),
        &[
            json!({"type": "summary", "summary": "Parser work", "leafUuid": "a4"}),
            with(user(s1, "u1", "2025-10-25T21:30:00.000Z", "Refactor the parser please"), "parentUuid", Value::Null),
            assistant(s1, "a1", "2025-10-25T21:30:01.000Z", Some("m1"), Some("r1"), SONNET, usage(1000, 5)),
            user("s2", "v1", "2025-10-26T22:59:59.999Z", "next day in Berlin"),
            reply("s2", "b1", "2025-10-26T23:00:00.000Z", "m9", SONNET, 150_000, 1000),
            with(
                assistant(
                    "s2",
                    "b2",
                    "2025-10-26T23:00:01.000Z",
                    Some("m10"),
                    None,
                    SONNET,
                    json!({"input_tokens": 150_001, "output_tokens": 10, "cache_read_input_tokens": 50_000}),
                ),
                "cwd",
                json!("/home/me/app"),
            ),
            json!({"type": "custom-title", "sessionId": "s2", "customTitle": "Next day"}),
        ],
    );
    let other = file(
        "-home-me-other/s3.jsonl",
        &[
            with(user("s3", "w1", "2025-03-30T00:59:00.000Z", "old times"), "cwd", json!("/home/me/other")),
            with(
                with(
                    reply("s3", "c1", "2025-03-30T01:00:00.000Z", "m11", "claude-3-5-sonnet-20241022", 10, 10),
                    "costUSD",
                    json!(0.25),
                ),
                "cwd",
                json!("/home/me/other"),
            ),
            with(reply("s3", "c2", "2025-03-30T09:00:00.000Z", "m12", OPUS, 10, 10), "cwd", json!("/home/me/other")),
        ],
    );
    let summaries =
        file(&format!("{PROJECT}/sums.jsonl"), &[json!({"type": "summary", "summary": "Nothing", "leafUuid": "none"})]);
    vec![raw_file(&main_file(s1), &main), flat, nested, resume, other, summaries]
}

const RICH_SESSIONS: [&str; 3] = ["s1", "s2", "s3"];

/// Every endpoint's answer, byte for byte.
fn all_answers(data: &Dataset) -> Vec<(String, Reply)> {
    let mut targets: Vec<String> = [
        "overview",
        "overview?tz=Europe/Berlin&dateFrom=2025-10-26&dateTo=2025-10-26",
        "sessions?limit=1000",
        "sessions?sort=cost&order=asc",
        "daily-usage",
        "daily-usage?tz=Europe/Berlin",
        "model-distribution",
        "tool-usage",
        "projects",
        "heatmap",
        "heatmap?tz=Europe/Berlin",
        "blocks",
        "export?format=csv&entity=sessions",
        "export?format=json&entity=daily",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    targets.extend(RICH_SESSIONS.iter().map(|id| format!("sessions/{id}")));
    let context = QueryContext { now: 1_761_523_200_000, default_zone: chrono_tz::UTC }; // 2025-10-27T00:00:00Z
    targets
        .into_iter()
        .map(|t| {
            let reply = answer(data, &format!("/api/analytics/{t}"), &context);
            (t, reply)
        })
        .collect()
}

/// Every endpoint's answer plus the line errors `(file, line, reason)`.
type Fingerprint = (Vec<(String, Reply)>, Vec<(String, u32, String)>);

/// Everything an analysis yields that must not depend on reading order.
fn fingerprint(analysis: Analysis) -> Fingerprint {
    let errors = analysis.errors.iter().map(|e| (e.file.clone(), e.line, e.reason.clone())).collect();
    (all_answers(&analysis.dataset), errors)
}

/// Feeds `pushes` (file index, byte range) in order, then ends every file.
fn analyze_pushes(files: &[File], pushes: &[(usize, std::ops::Range<usize>)]) -> Analysis {
    let mut analyzer = Analyzer::new(MessageCapture::All);
    for (index, range) in pushes {
        let (path, bytes) = &files[*index];
        analyzer.push(path, &bytes[range.clone()]);
    }
    for (path, _) in files {
        analyzer.end_file(path);
    }
    analyzer.finish(&PriceTable::builtin())
}

fn assert_same(expected: &Fingerprint, got: &Fingerprint, how: &str) {
    assert_eq!(expected.1, got.1, "line errors differ when {how}");
    for ((target, want), (_, reply)) in expected.0.iter().zip(&got.0) {
        assert_eq!(want, reply, "/api/analytics/{target} differs when {how}");
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for smaller in permutations(n - 1) {
        for at in 0..=smaller.len() {
            let mut p = smaller.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

/// A small deterministic pseudo-random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn the_rich_fixture_exercises_the_rules() {
    let analysis = analyze(&rich_files());
    let errors: Vec<(String, u32)> = analysis.errors.iter().map(|e| (e.file.clone(), e.line)).collect();
    assert_eq!(errors, vec![(main_file("s1"), 15)]);
    let data = analysis.dataset;
    // Responses: s1 m1 m2 m3 m4 m5 + flat m6 m7 + nested m8; s2 m9 m10; s3 m11 m12 = 12.
    check(
        &data,
        "overview",
        &[
            ("/totalSessions", json!(3)),
            ("/totalResponses", json!(12)),
            ("/rateLimitHits", json!(1)),
            ("/unpricedModels", json!(["claude-mystery-9"])),
            ("/totalToolCalls", json!(1)),
        ],
    );
    check_session(
        &data,
        "s1",
        &[
            ("responses", json!(8)),
            // m1's largest output (80) wins over the resume's replayed provisional line (5).
            ("inputTokens", json!(7622)),
            ("outputTokens", json!(672)),
            // sonnet m1 0.0042 + m2 0.0165 + m5 0.000126; haiku m3 0.00075 + m6 0.003
            // + m7 0.00003 + 2 web searches 0.02; opus fast m4 (0.00005 + 0.0005 + 100*6.25e-6
            // + 200*1e-5 + 4000*5e-7 = 0.005175) x6 = 0.03105; unknown m8 0
            ("cost", json!(0.075656)),
            ("subagents", json!(3)),
            ("compactions", json!(1)),
            ("toolErrors", json!(1)),
            ("title", json!("Parser work")),
        ],
    );
    // s2: m9 150000 context, base: 150000*3e-6 + 1000*1.5e-5 = 0.465;
    //     m10 200001 context, above: 150001*6e-6 + 10*2.25e-5 + 50000*6e-7 = 0.900006 + 0.000225 + 0.03 = 0.930231
    check_session(&data, "s2", &[("responses", json!(2)), ("cost", json!(1.395231)), ("title", json!("Next day"))]);
    // s3: costUSD 0.25 + opus 10*5e-6 + 10*2.5e-5 = 0.0003
    check_session(&data, "s3", &[("responses", json!(2)), ("cost", json!(0.2503))]);
}

#[test]
fn answers_do_not_depend_on_file_order() {
    let files = rich_files();
    let whole: Vec<(usize, std::ops::Range<usize>)> = (0..files.len()).map(|i| (i, 0..files[i].1.len())).collect();
    let expected = fingerprint(analyze_pushes(&files, &whole));
    for order in permutations(files.len()) {
        let pushes: Vec<_> = order.iter().map(|&i| (i, 0..files[i].1.len())).collect();
        assert_same(
            &expected,
            &fingerprint(analyze_pushes(&files, &pushes)),
            &format!("files are read in order {order:?}"),
        );
    }
}

#[test]
fn answers_do_not_depend_on_chunking() {
    let files = rich_files();
    let whole: Vec<(usize, std::ops::Range<usize>)> = (0..files.len()).map(|i| (i, 0..files[i].1.len())).collect();
    let expected = fingerprint(analyze_pushes(&files, &whole));
    // Every split point of every file: each round cuts every file at CUTS evenly spaced
    // points shifted by the round number, so over the rounds each byte offset of each file is
    // a cut (together with cuts elsewhere in the same and in the other files).
    const CUTS: usize = 8;
    let stride = |len: usize| (len + 1).div_ceil(CUTS);
    let rounds = files.iter().map(|(_, bytes)| stride(bytes.len())).max().unwrap_or(0);
    for round in 0..rounds {
        let mut pushes = Vec::new();
        let mut cuts_made = Vec::new();
        for (index, (_, bytes)) in files.iter().enumerate() {
            let step = stride(bytes.len());
            let cuts: Vec<usize> =
                (0..CUTS).map(|j| (round + index) % step + j * step).filter(|&at| at <= bytes.len()).collect();
            let mut start = 0;
            for &at in &cuts {
                pushes.push((index, start..at));
                start = at;
            }
            pushes.push((index, start..bytes.len()));
            cuts_made.push(cuts);
        }
        assert_same(
            &expected,
            &fingerprint(analyze_pushes(&files, &pushes)),
            &format!("files are cut at bytes {cuts_made:?}"),
        );
    }
}

#[test]
fn answers_do_not_depend_on_interleaved_random_chunks() {
    let files = rich_files();
    let whole: Vec<(usize, std::ops::Range<usize>)> = (0..files.len()).map(|i| (i, 0..files[i].1.len())).collect();
    let expected = fingerprint(analyze_pushes(&files, &whole));
    let mut rng = Rng(0x00C0_FFEE);
    for round in 0..300 {
        // Cut every file into random chunks (1 byte up to a few hundred), then interleave the
        // files' chunk sequences at random, keeping each file's own chunks in order.
        let max = [1, 8, 64, 512][round % 4];
        let mut queues: Vec<Vec<std::ops::Range<usize>>> = files
            .iter()
            .map(|(_, bytes)| {
                let mut chunks = Vec::new();
                let mut start = 0;
                while start < bytes.len() {
                    let end = (start + 1 + rng.below(max)).min(bytes.len());
                    chunks.push(start..end);
                    start = end;
                }
                chunks.reverse();
                chunks
            })
            .collect();
        let mut pushes = Vec::new();
        loop {
            let open: Vec<usize> = (0..queues.len()).filter(|&i| !queues[i].is_empty()).collect();
            if open.is_empty() {
                break;
            }
            let pick = open[rng.below(open.len())];
            pushes.push((pick, queues[pick].pop().expect("a chunk")));
        }
        assert_same(
            &expected,
            &fingerprint(analyze_pushes(&files, &pushes)),
            &format!("chunked at random (round {round})"),
        );
    }
}
