//! Fixture builders and the `check` helpers every test uses.

pub use cc_analytics_core::{
    Analysis, Analyzer, Dataset, MessageCapture, PriceTable, QueryContext, Reply, answer, chrono_tz,
};
pub use serde_json::{Value, json};

pub const PROJECT: &str = "-home-me-app";
pub const CWD: &str = "/home/me/app";
pub const SONNET: &str = "claude-sonnet-4-5";
pub const HAIKU: &str = "claude-haiku-4-5";
pub const OPUS: &str = "claude-opus-4-6";

/// A transcript file: its path below `projects/` and its bytes.
pub type File = (String, Vec<u8>);

/// `2025-06-01T<hms>.000Z`.
pub fn ts(hms: &str) -> String {
    format!("2025-06-01T{hms}.000Z")
}

/// `<PROJECT>/<session>.jsonl`.
pub fn main_file(session: &str) -> String {
    format!("{PROJECT}/{session}.jsonl")
}

/// A file whose lines are the compact JSON of `lines`, each ended by a newline.
pub fn file(path: &str, lines: &[Value]) -> File {
    let mut bytes = Vec::new();
    for line in lines {
        bytes.extend_from_slice(line.to_string().as_bytes());
        bytes.push(b'\n');
    }
    (path.to_owned(), bytes)
}

/// A file from raw text lines (for malformed lines and missing final newlines).
pub fn raw_file(path: &str, text: &[u8]) -> File {
    (path.to_owned(), text.to_vec())
}

/// A real user prompt.
pub fn user(session: &str, uuid: &str, timestamp: &str, text: &str) -> Value {
    json!({
        "parentUuid": null, "isSidechain": false, "userType": "external", "cwd": CWD,
        "sessionId": session, "version": "2.0.37", "gitBranch": "main", "type": "user",
        "message": {"role": "user", "content": text},
        "uuid": uuid, "timestamp": timestamp
    })
}

/// `{input_tokens, output_tokens}`.
pub fn usage(input: u64, output: u64) -> Value {
    json!({"input_tokens": input, "output_tokens": output, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
}

/// One assistant line (one text block) of a response.
pub fn assistant(
    session: &str,
    uuid: &str,
    timestamp: &str,
    id: Option<&str>,
    request: Option<&str>,
    model: &str,
    usage: Value,
) -> Value {
    let mut line = json!({
        "parentUuid": "p", "isSidechain": false, "userType": "external", "cwd": CWD,
        "sessionId": session, "version": "2.0.37", "gitBranch": "main", "type": "assistant",
        "message": {
            "model": model, "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": format!("reply {uuid}")}],
            "stop_reason": null, "usage": usage
        },
        "uuid": uuid, "timestamp": timestamp
    });
    if let Some(id) = id {
        line["message"]["id"] = json!(id);
    }
    if let Some(request) = request {
        line["requestId"] = json!(request);
    }
    line
}

/// The usual case: an assistant line with both ids and plain input/output usage.
pub fn reply(session: &str, uuid: &str, timestamp: &str, id: &str, model: &str, input: u64, output: u64) -> Value {
    assistant(session, uuid, timestamp, Some(id), Some(&format!("req_{id}")), model, usage(input, output))
}

/// `line` with a top-level field set.
pub fn with(mut line: Value, key: &str, value: Value) -> Value {
    line[key] = value;
    line
}

/// `line` as a sidechain line (optionally of a named agent).
pub fn sidechain(line: Value, agent: Option<&str>) -> Value {
    let line = with(line, "isSidechain", json!(true));
    match agent {
        Some(agent) => with(line, "agentId", json!(agent)),
        None => line,
    }
}

/// `line` with `message.content` replaced by one `tool_use` block.
pub fn tool_use(mut line: Value, id: &str, name: &str) -> Value {
    line["message"]["content"] = json!([{"type": "tool_use", "id": id, "name": name, "input": {"path": "a.rs"}}]);
    line
}

/// Feeds whole files in the given order (messages of every session captured).
pub fn analyze(files: &[File]) -> Analysis {
    let mut analyzer = Analyzer::new(MessageCapture::All);
    for (path, bytes) in files {
        analyzer.push(path, bytes);
        analyzer.end_file(path);
    }
    analyzer.finish(&PriceTable::builtin())
}

pub fn dataset(files: &[File]) -> Dataset {
    analyze(files).dataset
}

/// `2025-06-02T00:00:00Z`, a fixed "now".
pub const NOW: i64 = 1_748_822_400_000;

pub fn reply_in(data: &Dataset, target: &str, zone: chrono_tz::Tz) -> Reply {
    answer(data, &format!("/api/analytics/{target}"), &QueryContext { now: NOW, default_zone: zone })
}

/// `(status, parsed body)` of `GET /api/analytics/<target>` with UTC as the default zone.
pub fn get(data: &Dataset, target: &str) -> (u16, Value) {
    let reply = reply_in(data, target, chrono_tz::UTC);
    let body = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("{target}: body is not JSON ({e}): {}", reply.body));
    (reply.status, body)
}

/// Asserts a 200 answer whose fields at the given JSON pointers (below `data`) equal the
/// expectations; returns `data` for further checks.
pub fn check(data: &Dataset, target: &str, expected: &[(&str, Value)]) -> Value {
    let (status, body) = get(data, target);
    assert_eq!(status, 200, "{target}: {body}");
    assert_eq!(body["success"], json!(true), "{target}: {body}");
    let data = body["data"].clone();
    for (pointer, want) in expected {
        let got = data.pointer(pointer).unwrap_or_else(|| panic!("{target}: no field {pointer} in {data:#}"));
        assert_eq!(got, want, "{target}: field {pointer}\nwhole answer: {data:#}");
    }
    data
}

/// Asserts an error envelope: status, code and (when given) `details.field`.
pub fn check_error(data: &Dataset, target: &str, status: u16, code: &str, field: Option<&[&str]>) {
    let (got_status, body) = get(data, target);
    assert_eq!(got_status, status, "{target}: {body}");
    assert_eq!(body["success"], json!(false), "{target}: {body}");
    assert_eq!(body["error"]["code"], json!(code), "{target}: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{target}: {body}");
    if let Some(fields) = field {
        let got = body["error"]["details"]["field"].as_str().unwrap_or_default();
        assert!(fields.contains(&got), "{target}: details.field {got:?}, expected one of {fields:?}: {body}");
    }
}

/// The session `id` from the sessions list.
pub fn session<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["sessions"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == json!(id)))
        .unwrap_or_else(|| panic!("no session {id} in {list:#}"))
}

/// Asserts the fields of session `id` in the sessions list.
pub fn check_session(data: &Dataset, id: &str, expected: &[(&str, Value)]) {
    let list = check(data, "sessions?limit=1000", &[]);
    let found = session(&list, id);
    for (key, want) in expected {
        assert_eq!(&found[key], want, "session {id}: field {key}\nsession: {found:#}");
    }
}

/// Each row of an array answer reduced to the named fields.
pub fn rows(data: &Value, fields: &[&str]) -> Value {
    Value::Array(
        data.as_array()
            .expect("an array")
            .iter()
            .map(|row| Value::Object(fields.iter().map(|f| ((*f).to_owned(), row[*f].clone())).collect()))
            .collect(),
    )
}
