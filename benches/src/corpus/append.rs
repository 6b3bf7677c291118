//! New lines for an existing transcript (the incremental-sync benchmark appends to one file).

use serde_json::Value;

use super::Era;
use super::session::Session;
use crate::json::parse_timestamp;
use crate::rng::Rng;

/// About `bytes` bytes of new lines that continue the conversation of `existing` (same session,
/// cwd, version and sidechain; later timestamps; fresh ids). Different `existing` lengths give
/// different lines, so appending repeatedly never repeats ids.
pub fn append(existing: &[u8], seed: u64, bytes: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ (existing.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let lines: Vec<&[u8]> = existing.split(|&b| b == b'\n').rev().filter(|l| !l.is_empty()).take(400).collect();
    let values: Vec<Value> = lines.iter().filter_map(|line| serde_json::from_slice(line).ok()).collect();
    let field = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let context = values.iter().find(|v| field(v, "sessionId").is_some() && field(v, "cwd").is_some());
    let cwd = context.and_then(|v| field(v, "cwd")).unwrap_or_else(|| "/home/dev/appended".to_owned());
    let version = context.and_then(|v| field(v, "version")).unwrap_or_else(|| "2.1.114".to_owned());
    let era = match version.get(..3) {
        Some("1.0") => Era::V1,
        Some("2.0") => Era::V2,
        _ => Era::V3,
    };
    let folder: String = cwd.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let mut session = Session::new(rng.fork(), era, &cwd, &folder);
    if let Some(v) = context {
        session.session_id = field(v, "sessionId").unwrap_or_default();
        session.version = era.versions().iter().copied().find(|known| *known == version).unwrap_or(session.version);
        session.parent = field(v, "uuid");
        session.sidechain = v.get("isSidechain").and_then(Value::as_bool).unwrap_or(false);
        session.agent_id = field(v, "agentId");
        if let Some(model) = values.iter().find_map(|v| v.pointer("/message/model")?.as_str().map(str::to_owned)) {
            session.model = era.models().0.iter().copied().find(|known| *known == model).unwrap_or(session.model);
        }
    }
    if let Some(latest) = values.iter().filter_map(|v| parse_timestamp(v.get("timestamp")?.as_str()?)).max() {
        session.now = latest;
    }
    session.allow_tasks = false;
    session.context = rng.range(20_000, 120_000);
    let mut out = Vec::with_capacity(bytes as usize + (1 << 16));
    if existing.last().is_some_and(|&b| b != b'\n') {
        out.push(b'\n');
    }
    if session.sidechain {
        session.write_steps(&mut out, bytes as usize);
    } else {
        session.write_turns(&mut out, bytes as usize);
    }
    out
}
