//! A validating JSON skimmer. It walks a line once, checks that it is well-formed JSON, and hands
//! back the raw text of the values of a few chosen keys, so that only those small values are
//! deserialized. Strings are skipped 64 bytes at a time, with their escapes worked out for the
//! whole block at once (see [`string_end`]), which is what makes long tool results and pasted
//! files cheap: most bytes of a transcript are inside strings nobody needs.
//!
//! Raw control characters inside strings are rejected, as JSON requires; a text without any (all
//! that Claude Code writes) is told apart in one pass, so its strings are not checked byte by
//! byte. Keys are compared as written, without unescaping.

use wide::u8x16;

use super::content::char_start;

/// Deepest nesting accepted (as serde_json's default).
const MAX_DEPTH: u32 = 128;

/// Reads one member's value: `(cursor at the value, key as written, depth)`.
type Member<'m, 'a> = dyn FnMut(&mut Skim<'a>, &[u8], u32) -> Result<(), String> + 'm;
/// Reads one element: `(cursor at the element, depth)`.
type Element<'m, 'a> = dyn FnMut(&mut Skim<'a>, u32) -> Result<(), String> + 'm;

/// A cursor over JSON text that reads what it is asked for and skips (while validating) the rest.
pub struct Skim<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The text has bytes below 0x20 (control characters, tabs, carriage returns).
    controls: bool,
}

impl<'a> Skim<'a> {
    /// A cursor at the start of `text` (leading white space skipped).
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut skim = Skim { text, bytes, pos: 0, controls: has_controls(bytes) };
        skim.ws();
        skim
    }

    /// Whether the text has control characters (which only white space outside strings may be).
    pub fn has_controls(&self) -> bool {
        self.controls
    }

    /// The next byte (not white space).
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Checks that nothing but white space follows.
    pub fn end(&mut self) -> Result<(), String> {
        self.ws();
        if self.pos == self.bytes.len() { Ok(()) } else { Err(self.error("trailing characters")) }
    }

    /// Skips the value at the cursor, returning its text.
    pub fn skip(&mut self, depth: u32) -> Result<&'a str, String> {
        let start = self.pos;
        self.value(depth)?;
        Ok(&self.text[start..self.pos])
    }

    /// The members of the object at the cursor: `member(cursor, key, depth)` must consume each
    /// value (with [`Skim::skip`] or a nested read).
    pub fn members(&mut self, depth: u32, member: &mut Member<'_, 'a>) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.expect(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            member(self, key, depth + 1)?;
            self.ws();
            match self.next() {
                Some(b',') => continue,
                Some(b'}') => return Ok(()),
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// The elements of the array at the cursor: `element(cursor, depth)` must consume each.
    pub fn elements(&mut self, depth: u32, element: &mut Element<'_, 'a>) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.expect(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            element(self, depth + 1)?;
            self.ws();
            match self.next() {
                Some(b',') => continue,
                Some(b']') => return Ok(()),
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// The values of `keys` in the object at the cursor; every other member is skipped.
    pub fn fields<const N: usize>(&mut self, depth: u32, keys: [&str; N]) -> Result<[Option<&'a str>; N], String> {
        let mut found = [None; N];
        self.members(depth, &mut |skim, key, depth| {
            let value = skim.skip(depth)?;
            if let Some(i) = keys.iter().position(|k| k.as_bytes() == key) {
                found[i] = Some(value);
            }
            Ok(())
        })?;
        Ok(found)
    }
}

impl<'a> Skim<'a> {
    fn error(&self, what: &str) -> String {
        format!("{what} at column {}", self.pos + 1)
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        self.pos += usize::from(b.is_some());
        b
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.next() == Some(b) { Ok(()) } else { Err(self.error(&format!("expected `{}`", b as char))) }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: u32) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.members(depth, &mut |skim, _, depth| skim.value(depth)),
            Some(b'[') => self.elements(depth, &mut |skim, depth| skim.value(depth)),
            Some(b'"') => self.string().map(|_| ()),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// A string; returns its raw inner bytes (escapes as written), validating each escape.
    fn string(&mut self) -> Result<&'a [u8], String> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = string_end(self.bytes, start).map_err(|(at, what)| {
            self.pos = at;
            self.error(what)
        })?;
        let raw = &self.bytes[start..end];
        if let Some(control) = self.controls.then(|| raw.iter().position(|&b| b < 0x20)).flatten() {
            self.pos = start + control;
            return Err(self.error("control character in a string"));
        }
        self.pos = end + 1;
        Ok(raw)
    }

    fn literal(&mut self, word: &str) -> Result<(), String> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<(), String> {
        let digits = |s: &mut Self| {
            let start = s.pos;
            while matches!(s.peek(), Some(b'0'..=b'9')) {
                s.pos += 1;
            }
            s.pos - start
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(())
    }
}

/// Bytes of a string looked at together.
const BLOCK: usize = 64;

/// Where the string whose text starts at `start` ends (the index of its closing quote), every
/// escape before it checked; or where (the cursor for the error) and why it is not a string.
/// Strings are read a block at a time: the quotes and backslashes of a block are found at once
/// with SIMD compares (SSE2 natively, simd128 in WebAssembly), and which bytes a backslash
/// escapes is worked out for the whole block with integer arithmetic, instead of a stop, and a
/// branch the processor cannot predict, at each of the escapes that code and tool output are full
/// of. A block with neither hands the rest of its run to memchr's wider search (base64 images and
/// pasted files are long plain runs).
fn string_end(bytes: &[u8], start: usize) -> Result<usize, (usize, &'static str)> {
    let mut at = start;
    // Whether the block's first byte is escaped by a backslash that ends the block before.
    let mut carried = 0;
    loop {
        let (quotes, backslashes) = quotes_and_backslashes(bytes, at);
        let (escaped, carry) = escaped_bytes(backslashes, carried);
        let quotes = quotes & !escaped;
        let before_end = match quotes {
            0 => escaped,
            _ => escaped & ((1 << quotes.trailing_zeros()) - 1),
        };
        if before_end != 0 {
            check_escapes(bytes, at, before_end)?;
        }
        if quotes != 0 {
            return Ok(at + quotes.trailing_zeros() as usize);
        }
        if at + BLOCK >= bytes.len() {
            let what = if carry == 1 { "invalid escape" } else { "EOF while parsing a string" };
            return Err((bytes.len(), what));
        }
        carried = carry;
        at += BLOCK;
        if backslashes == 0 && carried == 0 {
            match memchr::memchr2(b'"', b'\\', &bytes[at..]) {
                Some(found) => at += found,
                None => return Err((bytes.len(), "EOF while parsing a string")),
            }
        }
    }
}

/// The quotes and backslashes among the [`BLOCK`] bytes from `at`, as bits (bit `i` for byte
/// `at + i`); bytes past the end of `bytes` are neither.
fn quotes_and_backslashes(bytes: &[u8], at: usize) -> (u64, u64) {
    let mut padded = [b' '; BLOCK];
    let block = match bytes.get(at..at + BLOCK) {
        Some(whole) => whole,
        None => {
            let rest = &bytes[at.min(bytes.len())..];
            padded[..rest.len()].copy_from_slice(rest);
            &padded
        }
    };
    let (mut quotes, mut backslashes) = (0, 0);
    for (i, lanes) in block.chunks_exact(16).enumerate() {
        let lanes = u8x16::from(<[u8; 16]>::try_from(lanes).expect("16 bytes"));
        quotes |= u64::from(lanes.simd_eq(u8x16::splat(b'"')).to_bitmask()) << (16 * i);
        backslashes |= u64::from(lanes.simd_eq(u8x16::splat(b'\\')).to_bitmask()) << (16 * i);
    }
    (quotes, backslashes)
}

/// Which bytes of a block are escaped, as bits, and whether the next block's first byte is,
/// given the block's backslashes and whether its own first byte is escaped. A byte is escaped
/// when an odd run of backslashes ends just before it. Subtracting the bits of the backslashes
/// that can start an escape from their successors, with every odd bit set, makes a run's borrow
/// flip the parity of the bits it crosses, which marks the escaped byte after each run by whether
/// the run started on an even or an odd bit.
fn escaped_bytes(backslashes: u64, carried: u64) -> (u64, u64) {
    const ODD_BITS: u64 = 0xAAAA_AAAA_AAAA_AAAA;
    let starts = backslashes & !carried;
    let codes = (((starts << 1) | ODD_BITS).wrapping_sub(starts)) ^ ODD_BITS;
    (codes ^ (backslashes | carried), (codes & backslashes) >> 63)
}

/// The letters that may follow a backslash in JSON (`u` also needs four hex digits after it).
const ESCAPE_LETTERS: [bool; 256] = {
    let mut letters = [false; 256];
    let mut i = 0;
    while i < 9 {
        letters[b"\"\\/bfnrtu"[i] as usize] = true;
        i += 1;
    }
    letters
};

/// Checks the escaped bytes `escaped` (bits) of the block at `at`: each must be one of JSON's
/// escape letters, and a `u` must be followed by four hex digits. (A table rather than a match:
/// the letters vary from escape to escape, and a jump on each would be mispredicted.)
fn check_escapes(bytes: &[u8], at: usize, escaped: u64) -> Result<(), (usize, &'static str)> {
    let mut left = escaped;
    while left != 0 {
        let letter = at + left.trailing_zeros() as usize;
        let Some(&byte) = bytes.get(letter).filter(|&&b| ESCAPE_LETTERS[usize::from(b)]) else {
            return Err(((letter + 1).min(bytes.len()), "invalid escape"));
        };
        if byte == b'u' {
            let hex = bytes.get(letter + 1..letter + 5).unwrap_or_default();
            if hex.len() != 4 || !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err((letter + 1, "invalid unicode escape"));
            }
        }
        left &= left - 1;
    }
    Ok(())
}

/// Whether any byte is below 0x20, eight bytes at a time: a byte below 0x20 is the only way
/// `byte - 0x20` borrows into its top bit while the byte's own top bit is clear.
fn has_controls(bytes: &[u8]) -> bool {
    const LOW: u64 = 0x2020_2020_2020_2020;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        found |= word.wrapping_sub(LOW) & !word;
    }
    found & TOP != 0 || words.remainder().iter().any(|&b| b < 0x20)
}

/// The first `max_chars` characters of a JSON string `literal` (quotes included) that the skimmer
/// validated, unescaped without reading past them: a tool result can be megabytes, of which
/// session detail shows 2,000 characters. `None` when the literal holds a `\u` escape of a
/// UTF-16 surrogate anywhere (whole decoding decides whether those pair up), or is not a string.
pub(crate) fn string_prefix(literal: &str, max_chars: usize) -> Option<String> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let surrogate = |at: usize| {
        let hex = inner.as_bytes().get(at + 2..at + 4).unwrap_or_default();
        matches!(hex, [b'd' | b'D', b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'])
    };
    if memchr::memmem::find_iter(inner.as_bytes(), b"\\u").any(surrogate) {
        return None;
    }
    let mut out = String::with_capacity(inner.len().min(max_chars));
    let mut left = max_chars;
    let mut rest = inner;
    while left > 0 {
        let plain_end = memchr::memchr(b'\\', rest.as_bytes()).unwrap_or(rest.len());
        let plain = &rest[..plain_end];
        match char_start(plain, left) {
            Ok(at) => {
                out.push_str(&plain[..at]);
                break;
            }
            Err(count) => {
                out.push_str(plain);
                left -= count;
            }
        }
        let Some(escape) = rest.get(plain_end..).filter(|e| !e.is_empty()) else { break };
        if left == 0 {
            break;
        }
        let (decoded, len) = match escape.as_bytes().get(1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => (char::from_u32(u32::from_str_radix(escape.get(2..6)?, 16).ok()?)?, 6),
            _ => return None,
        };
        out.push(decoded);
        left -= 1;
        rest = &escape[len..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_prefix_is_what_whole_decoding_then_cutting_gives() {
        let texts = [
            r#""#,
            r#"plain"#,
            r#"line\nbreak \"quoted\" back\\slash \/ \b\f\r\t tab"#,
            r#"\u00e9t\u00C9 \u001b[31mred\u001b[0m \u0000 nul"#,
            r#"caf\u00e9 na\u00efve \u4e2d\u6587 ünï cödé 😀 emoji"#,
            r#"\\u0041 is not an escape of A"#,
        ];
        for text in texts {
            let literal = format!("\"{text}\"");
            let whole: String = serde_json::from_str(&literal).unwrap();
            for max in [0, 1, 2, 5, 9, 10, 11, 40, 1_000] {
                let expected: String = whole.chars().take(max).collect();
                assert_eq!(string_prefix(&literal, max).as_deref(), Some(expected.as_str()), "{literal} {max}");
            }
        }
    }

    #[test]
    fn surrogate_escapes_and_non_strings_are_left_to_whole_decoding() {
        for literal in [r#""\ud83d\ude00""#, r#""a\uD800b""#, r#""\udc00""#, "[]", "12", "\"open"] {
            assert_eq!(string_prefix(literal, 10), None, "{literal}");
        }
    }

    /// The values of `keys` in the JSON object `json` (text of each value as written), or why `json`
    /// is not a well-formed object. A repeated key keeps its last value.
    pub fn object_fields<'a, const N: usize>(json: &'a str, keys: [&str; N]) -> Result<[Option<&'a str>; N], String> {
        let mut skim = Skim::new(json);
        let found = skim.fields(0, keys)?;
        skim.end()?;
        Ok(found)
    }

    #[test]
    fn picks_the_values_of_chosen_keys() {
        let json = r#" {"a": [1, {"b": "x\"y"}], "k": "v\u00e9\n", "n": -1.5e+3, "t": true, "z": null} "#;
        let [a, k, n, missing] = object_fields(json, ["a", "k", "n", "missing"]).unwrap();
        assert_eq!(a, Some(r#"[1, {"b": "x\"y"}]"#));
        assert_eq!(k, Some(r#""v\u00e9\n""#));
        assert_eq!(n, Some("-1.5e+3"));
        assert_eq!(missing, None);
        let mut elements = Vec::new();
        let mut skim = Skim::new(r#"[ {"x":1} , "s", 2 ]"#);
        skim.elements(0, &mut |skim, depth| skim.skip(depth).map(|e| elements.push(e))).unwrap();
        assert_eq!(elements, [r#"{"x":1}"#, r#""s""#, "2"]);
    }

    /// Which bytes are escaped, one byte at a time: the definition `escaped_bytes` computes.
    fn escaped_one_by_one(backslashes: u64, carried: u64) -> (u64, u64) {
        let mut escaped = 0;
        let mut escaping = carried == 1;
        for i in 0..BLOCK {
            escaped |= u64::from(escaping) << i;
            escaping = !escaping && backslashes & (1 << i) != 0;
        }
        (escaped, u64::from(escaping))
    }

    #[test]
    fn escaped_bytes_follow_odd_runs_of_backslashes() {
        // Every pattern of 16 bytes at the block's start, in its middle, at its end, and spread
        // over it, with and without an escape carried in: runs of every length and parity meet
        // each other and both ends.
        for carried in [0, 1] {
            for half in 0..1u64 << 16 {
                let spread = half | (half << 16) | (half.reverse_bits() >> 16) | (half << 48);
                for backslashes in [half, half << 24, half << 48, spread, !spread, !half] {
                    assert_eq!(
                        escaped_bytes(backslashes, carried),
                        escaped_one_by_one(backslashes, carried),
                        "{backslashes:#066b} carried {carried}"
                    );
                }
            }
        }
    }

    #[test]
    fn strings_end_at_their_closing_quote_or_say_where_they_break() {
        let end = |text: &str| string_end(text.as_bytes(), 1);
        assert_eq!(end(r#""""#), Ok(1));
        assert_eq!(end(r#""a\\"b"#), Ok(4));
        assert_eq!(end(r#""a\"b" "#), Ok(5));
        let across = format!(r#""{}\\\\\\\"x""#, "y".repeat(BLOCK - 4));
        assert_eq!(end(&across), Ok(across.len() - 1), "a run of backslashes across two blocks");
        assert_eq!(end(r#""ab"#), Err((3, "EOF while parsing a string")));
        assert_eq!(end(r#""ab\"#), Err((4, "invalid escape")), "a backslash at the very end");
        assert_eq!(end(r#""ab\x""#), Err((5, "invalid escape")));
        assert_eq!(end(r#""ab\u12"#), Err((5, "invalid unicode escape")));
        assert_eq!(end(r#""ab\u12zz""#), Err((5, "invalid unicode escape")));
        assert_eq!(end(r#""ab\u00e9\\x""#), Ok(12), "hex digits are not escaped");
        assert_eq!(end(r#""ok" then \x""#), Ok(3), "what follows the end is not looked at");
    }

    proptest::proptest! {
        /// Strings of escapes, quotes, backslashes and plain runs, long enough to cross blocks at
        /// any offset, are accepted exactly when serde_json accepts them.
        #[test]
        fn strings_are_accepted_as_serde_json_accepts_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "plain text that runs past thirty-two bytes", "\"", "\\", "\\n", "\\\\",
                    "\\\"", "\\u00e9", "\\uD83D\\uDE00", "\\u12", "\\x", "é", "😀", "\t", "\u{1}", "u", "0",
                ]),
                0..24,
            )
        ) {
            let text = format!("{{\"a\":\"{}\",\"b\":1}}", pieces.concat());
            let ours = object_fields(&text, ["b"]).is_ok();
            let theirs = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
            proptest::prop_assert_eq!(ours, theirs, "{}", text);
        }
    }

    #[test]
    fn control_characters_are_found_anywhere() {
        let clean: Vec<u8> = (0x20..=0xff).collect();
        assert!(!has_controls(&clean));
        for at in 0..clean.len() {
            for control in [0x00, 0x09, 0x1f] {
                let mut text = clean.clone();
                text[at] = control;
                assert!(has_controls(&text), "{control:#x} at {at}");
            }
        }
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in [
            "",
            "{",
            "[1,2]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":tru}"#,
            r#"{"a":1} x"#,
            r#"{a:1}"#,
            r#"{"a":[1 2]}"#,
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"bell\u{7}\"}",
            "{\"a\u{1f}\":1}",
            "{\"a\":1,\u{b}\"b\":2}",
        ] {
            assert!(object_fields(bad, ["a"]).is_err(), "{bad:?} should be rejected");
        }
        let [a] = object_fields("{\"a\":\t\"x\"\r}", ["a"]).expect("tabs and returns between tokens");
        assert_eq!(a, Some("\"x\""));
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(object_fields(&deep, ["a"]).is_err());
    }
}
