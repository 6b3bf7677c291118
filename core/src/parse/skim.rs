//! A validating JSON skimmer. It walks a line once, checks that it is well-formed JSON, and hands
//! back the raw text of the values of a few chosen keys, so that only those small values are
//! deserialized. Strings are skipped by searching for `"` and `\` (the next 32 bytes eight at a
//! time, then SIMD over a longer plain run), which is what makes long tool results and pasted
//! files cheap: most bytes of a transcript are inside strings nobody needs.
//!
//! Raw control characters inside strings are rejected, as JSON requires; a text without any (all
//! that Claude Code writes) is told apart in one pass, so its strings are not checked byte by
//! byte. Keys are compared as written, without unescaping.

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
        let mut from = start;
        while let Some(at) = quote_or_backslash(self.bytes, from) {
            if self.bytes[at] == b'"' {
                let raw = &self.bytes[start..at];
                if let Some(control) = self.controls.then(|| raw.iter().position(|&b| b < 0x20)).flatten() {
                    self.pos = start + control;
                    return Err(self.error("control character in a string"));
                }
                self.pos = at + 1;
                return Ok(raw);
            }
            self.pos = at + 1;
            match self.next() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                Some(b'u') => {
                    let hex = self.bytes.get(self.pos..self.pos + 4).unwrap_or_default();
                    if hex.len() != 4 || !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(self.error("invalid unicode escape"));
                    }
                    self.pos += 4;
                }
                _ => return Err(self.error("invalid escape")),
            }
            from = self.pos;
        }
        self.pos = self.bytes.len();
        Err(self.error("EOF while parsing a string"))
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

/// The first `"` or `\` at or after `from`. Escapes come close together in code and tool
/// output, so the first 32 bytes are searched eight at a time with integer arithmetic (a call
/// into the SIMD search costs more than that); a longer plain run goes to memchr's SIMD search.
/// In a word `w`, the bytes equal to `b` are the zero bytes of `w ^ b`; `zero_bytes` flags the
/// lowest zero byte exactly (a byte above it may be flagged falsely), which is the one wanted.
fn quote_or_backslash(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & TOP;
    let mut at = from;
    for _ in 0..4 {
        let Some(word) = bytes.get(at..at + 8) else { break };
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let found = zero_bytes(word ^ (ONES * u64::from(b'"'))) | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr::memchr2(b'"', b'\\', bytes.get(at..)?).map(|i| at + i)
}

/// Whether any byte is below 0x20, eight bytes at a time: a byte below 0x20 is the only way
/// `byte - 0x20` borrows into its top bit while the byte's own top bit is clear. Plain integer
/// arithmetic, so it is as fast in WebAssembly (no SIMD there) as natively.
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
    let mut out = String::new();
    let mut left = max_chars;
    let mut rest = inner;
    while left > 0 {
        let plain_end = memchr::memchr(b'\\', rest.as_bytes()).unwrap_or(rest.len());
        let plain = &rest[..plain_end];
        match plain.char_indices().nth(left) {
            Some((at, _)) => {
                out.push_str(&plain[..at]);
                break;
            }
            None => {
                out.push_str(plain);
                left -= plain.chars().count();
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

    #[test]
    fn the_first_quote_or_backslash_is_found_from_any_start() {
        // Every other byte value, and plain runs long enough for the SIMD search; then quotes and
        // backslashes alone, side by side in one word, and far apart.
        let mut text: Vec<u8> = (0..=255u8).filter(|&b| b != b'"' && b != b'\\').collect();
        text.extend(std::iter::repeat_n(b'x', 100));
        let plain = text.clone();
        for at in [0, 3, 4, 70, 71, 72, 79, 80, 200, text.len() - 1] {
            text.insert(at, if at % 2 == 0 { b'"' } else { b'\\' });
        }
        for text in [&plain, &text] {
            for from in 0..=text.len() {
                let naive = text[from..].iter().position(|&b| b == b'"' || b == b'\\').map(|i| from + i);
                assert_eq!(quote_or_backslash(text, from), naive, "from {from}");
            }
        }
        assert_eq!(quote_or_backslash(b"", 0), None);
        assert_eq!(quote_or_backslash(b"abc", 4), None, "past the end");
    }

    proptest::proptest! {
        /// Strings of escapes, quotes, backslashes and plain runs (short and past the SIMD search's
        /// threshold) are accepted exactly when serde_json accepts them.
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
