//! A corpus of real transcripts: the files of a Claude dir copied until a size is reached, every
//! copy with ids of its own. The accounting deduplicates lines, responses and tool calls by their
//! ids across all files, so plain copies would count once; with fresh ids each copy counts as
//! the original does, and the corpus has the original's line shapes and proportions at any size.

use std::io;

use super::File;

/// The prefixes of the ids, other than UUIDs, that the accounting keys on: `message.id`,
/// `requestId` and `tool_use` ids (server tools' `srvtoolu_` included).
const PREFIXES: [&[u8]; 3] = [b"msg_", b"req_", b"toolu_"];

/// Length of a hyphenated UUID, and where its hyphens are.
const UUID_LEN: usize = 36;
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// Most copies: a copy's number is written as four hex digits.
pub const MAX_COPIES: u64 = 1 << 16;

/// What [`replicate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copies {
    /// Copies of the source written.
    pub copies: u64,
    /// Files written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Writes copies of `source` (files of a Claude dir, paths `projects/<folder>/...`) to `sink`
/// until at least `bytes` are written. Copy `k` of `projects/<folder>/<rest>` is
/// `projects/c<k>-<folder>/<rest>`, its ids (in paths and text) made those of copy `k` by
/// [`fresh_ids`]. Fails when `source` is empty or more than [`MAX_COPIES`] copies would be needed.
pub fn replicate(source: &[File], bytes: u64, sink: &mut dyn FnMut(&File) -> io::Result<()>) -> io::Result<Copies> {
    let size: u64 = source.iter().map(|file| file.bytes.len() as u64).sum();
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    if size == 0 {
        return Err(invalid("the source has no transcript bytes".to_owned()));
    }
    let copies = bytes.div_ceil(size).max(1);
    if copies > MAX_COPIES {
        return Err(invalid(format!("{copies} copies of {size} bytes would be needed; at most {MAX_COPIES}")));
    }
    let mut written = Copies { copies, ..Copies::default() };
    for copy in 0..copies {
        let copy = copy as u16;
        for file in source {
            let path = match file.path.strip_prefix("projects/") {
                Some(rest) => format!("projects/c{copy:04x}-{rest}"),
                None => file.path.clone(),
            };
            let path = String::from_utf8(fresh_ids(path.as_bytes(), copy)).expect("hex digits keep UTF-8");
            let copied = File { path, bytes: fresh_ids(&file.bytes, copy) };
            sink(&copied)?;
            written.files += 1;
            written.bytes += copied.bytes.len() as u64;
        }
    }
    Ok(written)
}

/// Characters after its prefix that an id needs for the copy's number to take the place of its
/// first four and leave it unique (real ids have 24, of which the first two are a version).
const LONG_ID: usize = 20;

/// `text` with its ids made those of copy `copy`, at the length real ids have: the first four
/// digits of each UUID become the copy's number in hex, and so do the first four characters after
/// each `msg_`, `req_` and `toolu_` (inserted there when the id is shorter than real ones). Ids of
/// one copy stay equal where they were equal, and differ from every other copy's.
pub fn fresh_ids(text: &[u8], copy: u16) -> Vec<u8> {
    let number = format!("{copy:04x}");
    let number = number.as_bytes();
    let mut out = Vec::with_capacity(text.len() + text.len() / 32);
    let mut at = 0;
    while at < text.len() {
        if is_uuid(&text[at..]) && (at == 0 || !text[at - 1].is_ascii_hexdigit()) {
            out.extend_from_slice(number);
            out.extend_from_slice(&text[at + 4..at + UUID_LEN]);
            at += UUID_LEN;
        } else if let Some(prefix) = PREFIXES.iter().find(|prefix| text[at..].starts_with(prefix)) {
            out.extend_from_slice(prefix);
            out.extend_from_slice(number);
            at += prefix.len();
            if text[at..].iter().take_while(|b| b.is_ascii_alphanumeric()).count() >= LONG_ID {
                at += number.len();
            }
        } else {
            out.push(text[at]);
            at += 1;
        }
    }
    out
}

/// Whether `text` starts with a hyphenated UUID (hex digits of either case).
fn is_uuid(text: &[u8]) -> bool {
    text.len() >= UUID_LEN
        && text[..UUID_LEN]
            .iter()
            .enumerate()
            .all(|(i, b)| if HYPHENS.contains(&i) { *b == b'-' } else { b.is_ascii_hexdigit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_between_copies_and_stay_equal_within_one() {
        let line = br#"{"uuid":"0a1b2c3d-1111-4222-8333-444455556666","parentUuid":"0a1b2c3d-1111-4222-8333-444455556666","message":{"id":"msg_01AB","content":[{"type":"tool_use","id":"toolu_01X"},{"type":"server_tool_use","id":"srvtoolu_01Y"}]},"requestId":"req_01C","sha":"ff0a1b2c3d-1111-4222-8333-444455556666"}"#;
        let first = String::from_utf8(fresh_ids(line, 1)).unwrap();
        assert_eq!(
            first,
            r#"{"uuid":"00012c3d-1111-4222-8333-444455556666","parentUuid":"00012c3d-1111-4222-8333-444455556666","message":{"id":"msg_000101AB","content":[{"type":"tool_use","id":"toolu_000101X"},{"type":"server_tool_use","id":"srvtoolu_000101Y"}]},"requestId":"req_000101C","sha":"ff0a1b2c3d-1111-4222-8333-444455556666"}"#
        );
        assert_ne!(fresh_ids(line, 2), fresh_ids(line, 1));
        let real = br#"{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","requestId":"req_011CQmFvbFNbT2oDBKAwRNGT"}"#;
        assert_eq!(
            fresh_ids(real, 0x2a),
            br#"{"id":"msg_002aDUDYJgAACzvnptvVoYEL","requestId":"req_002aQmFvbFNbT2oDBKAwRNGT"}"#
        );
        assert_eq!(fresh_ids(b"no ids here", 3), b"no ids here");
    }

    #[test]
    fn copies_are_written_until_the_size_is_reached() {
        let source = [
            File { path: "projects/-w-app/s.jsonl".to_owned(), bytes: vec![b'x'; 60] },
            File { path: "projects/-w-app/s/subagents/agent-a1.jsonl".to_owned(), bytes: vec![b'y'; 40] },
        ];
        let mut paths = Vec::new();
        let copies = replicate(&source, 250, &mut |file| {
            paths.push(file.path.clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(copies, Copies { copies: 3, files: 6, bytes: 300 });
        assert_eq!(paths[2], "projects/c0001--w-app/s.jsonl");
        assert!(replicate(&[], 10, &mut |_| Ok(())).is_err());
        assert!(replicate(&source, 100 * (MAX_COPIES + 1), &mut |_| Ok(())).is_err());
    }
}
