//! The line parser on arbitrary bytes: never panics; a parsed user, assistant or system line
//! always has a timestamp, and blank input is `Ok(None)`.
#![no_main]

use cc_analytics_core::{LineKind, parse_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_line(data) {
        Ok(None) => assert!(data.iter().all(u8::is_ascii_whitespace), "only blank lines are skipped"),
        Ok(Some(line)) => {
            if matches!(line.kind, LineKind::User | LineKind::Assistant | LineKind::System) {
                assert!(line.timestamp.is_some(), "user, assistant and system lines carry a timestamp");
            }
            if matches!(line.kind, LineKind::User | LineKind::Assistant) {
                assert!(line.message.is_some(), "user and assistant lines carry a message");
            }
            // Touch every borrowed field (and the content blocks) so nothing is optimised away.
            let _ = format!("{line:?}");
        }
        Err(reason) => assert!(!reason.is_empty(), "a line error has a reason"),
    }
});
