//! Filler text of the kinds transcripts hold: prose, source code, `Read` output with line
//! numbers, file paths, ids and base64 (images, thinking signatures).

use crate::rng::Rng;

const WORDS: &[&str] = &[
    "the",
    "parser",
    "session",
    "request",
    "response",
    "file",
    "line",
    "token",
    "cache",
    "model",
    "value",
    "error",
    "result",
    "test",
    "build",
    "config",
    "server",
    "client",
    "query",
    "index",
    "table",
    "record",
    "update",
    "check",
    "we",
    "should",
    "can",
    "now",
    "then",
    "first",
    "next",
    "also",
    "this",
    "that",
    "with",
    "from",
    "into",
    "for",
    "and",
    "or",
    "not",
    "a",
    "an",
    "of",
    "to",
    "in",
    "is",
    "it",
    "be",
    "are",
    "handler",
    "stream",
    "buffer",
    "chunk",
    "offset",
    "state",
    "async",
    "future",
    "task",
    "thread",
    "lock",
    "queue",
    "event",
    "schema",
    "field",
    "type",
    "struct",
    "module",
    "function",
    "method",
    "return",
    "option",
    "string",
    "number",
    "array",
    "object",
    "path",
    "directory",
    "project",
    "branch",
    "commit",
    "merge",
    "diff",
    "patch",
    "review",
    "deploy",
    "release",
    "version",
    "migration",
    "database",
    "transaction",
    "latency",
    "throughput",
    "memory",
    "cost",
    "price",
    "daily",
    "report",
];

const IDENTS: &[&str] = &[
    "parse_line",
    "session_id",
    "read_chunk",
    "total_cost",
    "cache_read",
    "build_index",
    "handle_request",
    "offset",
    "buffer",
    "records",
    "user",
    "config",
    "response",
    "message",
    "tokens",
    "price",
    "window",
    "state",
    "result",
    "err",
    "ctx",
    "items",
    "path",
    "entry",
    "writer",
    "reader",
    "key",
    "value",
    "count",
    "limit",
];

const TYPES: &[&str] = &["String", "u64", "Vec<u8>", "Option<&str>", "Result<()>", "HashMap<String, u64>", "bool"];

const EXTENSIONS: &[&str] = &[".rs", ".ts", ".tsx", ".py", ".go", ".md", ".json", ".toml", ".css", ".sql"];

/// A word of prose.
pub fn word(rng: &mut Rng) -> &'static str {
    WORDS[rng.below(WORDS.len() as u64) as usize]
}

/// A phrase of `n` words.
pub fn phrase(rng: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word(rng));
    }
    out
}

/// Markdown-ish prose of about `bytes` bytes: sentences, paragraphs, bullets, inline code.
pub fn prose(rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 64);
    while out.len() < bytes {
        match rng.below(12) {
            0 => out.push_str("\n\n"),
            1 => out.push_str("\n- "),
            2 => {
                out.push_str(" `");
                out.push_str(IDENTS[rng.below(IDENTS.len() as u64) as usize]);
                out.push_str("` ");
            }
            3 => out.push_str(" **Note:** "),
            _ => {}
        }
        let n = rng.range(5, 16) as usize;
        for i in 0..n {
            let w = word(rng);
            if i == 0 {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    out.push(c.to_ascii_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push_str(if rng.chance(0.1) { "? " } else { ". " });
    }
    out
}

/// Source code of about `bytes` bytes (quotes, braces, indentation, a few non-ASCII comments).
pub fn code(rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 128);
    let mut depth = 0usize;
    while out.len() < bytes {
        let indent = "    ".repeat(depth);
        let (a, b, t) = (rng.pick(IDENTS), rng.pick(IDENTS), rng.pick(TYPES));
        let line = match rng.below(10) {
            0 if depth < 3 => {
                depth += 1;
                format!("{indent}pub fn {a}_{b}(&self, {b}: {t}) -> Result<{t}> {{")
            }
            1 if depth > 0 => {
                depth -= 1;
                format!("{}}}", "    ".repeat(depth))
            }
            2 => format!("{indent}let {a} = self.{b}.get(\"{}\")?;", word(rng)),
            3 => format!("{indent}// {} — {}", phrase(rng, 6), word(rng)),
            4 => format!("{indent}if {a}.len() > {} {{ return Err(\"{a} too long\".into()); }}", rng.below(4096)),
            5 => format!("{indent}const {a}: {t} = {};", rng.below(100_000)),
            6 => String::new(),
            7 => format!("{indent}import {{ {a}, {b} }} from './{}';", word(rng)),
            _ => format!("{indent}{a}.push({b}.clone()); // {}", phrase(rng, 3)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `code` as the `Read` tool shows it: a right-aligned line number and `→` before each line.
pub fn numbered(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 4);
    for (i, line) in code.lines().enumerate() {
        out.push_str(&format!("{:>6}→{line}\n", i + 1));
    }
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A source file path below `cwd`.
pub fn file_path(rng: &mut Rng, cwd: &str) -> String {
    let dir = *rng.pick(&["src", "lib", "tests", "app/components", "server/api", "docs", "scripts"]);
    format!("{cwd}/{dir}/{}_{}{}", rng.pick(IDENTS), word(rng), rng.pick(EXTENSIONS))
}

/// `n` base64 characters (a multiple of 4), as in images and thinking signatures.
pub fn base64(rng: &mut Rng, n: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let n = n.div_ceil(4) * 4;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut bits = rng.next_u64();
        for _ in 0..10 {
            out.push(ALPHABET[(bits & 63) as usize]);
            bits >>= 6;
        }
    }
    out.truncate(n);
    String::from_utf8(out).unwrap_or_default()
}

/// A random version-4 UUID.
pub fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// `prefix` then `n` base62 characters (`msg_01…`, `req_011C…`, `toolu_01…`).
pub fn api_id(rng: &mut Rng, prefix: &str, n: usize) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(prefix.len() + n);
    out.push_str(prefix);
    for _ in 0..n {
        out.push(ALPHABET[rng.below(62) as usize] as char);
    }
    out
}

/// `n` lowercase hex digits.
pub fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_about_what_was_asked() {
        let mut rng = Rng::new(1);
        for n in [10, 1000, 100_000] {
            assert!((n..n + 200).contains(&prose(&mut rng, n).len()));
            assert!((n..n + 200).contains(&code(&mut rng, n).len()));
        }
        assert_eq!(base64(&mut rng, 1001).len(), 1004);
        assert_eq!(uuid(&mut rng).len(), 36);
    }
}
