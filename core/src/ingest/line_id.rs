//! [`LineId`]: a line's `uuid`, kept in 16 bytes when it is a UUID written the way Claude Code
//! writes them (lowercase hex, 8-4-4-4-12), as nearly all are; any other text is kept as it is.
//! Every user, system and response line has one, so this saves an allocation per line. Two ids
//! are equal exactly when their texts are, and an id is encoded as its text.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A line's `uuid` (or, for a line without one, the text that stands in for it). Made by
/// [`LineId::new`] only, so that no UUID is held as text and equal texts give equal ids.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum LineId {
    /// A lowercase, hyphenated UUID, as its 16 bytes.
    Uuid([u8; 16]),
    /// Any other text.
    Text(Arc<str>),
}

/// Length of a hyphenated UUID.
const UUID_LEN: usize = 36;

/// Where the hyphens of a hyphenated UUID are.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// Where each byte's two hex digits start in a hyphenated UUID (its groups have even lengths).
const PAIRS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

const HEX: &[u8; 16] = b"0123456789abcdef";

impl LineId {
    /// The id of `text`.
    pub fn new(text: &str) -> LineId {
        uuid_bytes(text).map_or_else(|| LineId::Text(Arc::from(text)), LineId::Uuid)
    }

    /// Calls `f` with the id's text.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            LineId::Uuid(bytes) => {
                let mut text = [b'-'; UUID_LEN];
                for (byte, at) in bytes.iter().zip(PAIRS) {
                    text[at] = HEX[usize::from(byte >> 4)];
                    text[at + 1] = HEX[usize::from(byte & 0xf)];
                }
                f(std::str::from_utf8(&text).expect("hex digits and hyphens are ASCII"))
            }
            LineId::Text(text) => f(text),
        }
    }
}

/// The 16 bytes of a lowercase hyphenated UUID; `None` for any other text. Ids are read from every
/// line, so the digits are looked up in a table and checked all at once at the end, rather than
/// with a branch each.
fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != UUID_LEN || HYPHENS.iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut bytes = [0u8; 16];
    let mut digits = 0;
    for (byte, at) in bytes.iter_mut().zip(PAIRS) {
        let (high, low) = (HEX_VALUE[usize::from(text[at])], HEX_VALUE[usize::from(text[at + 1])]);
        digits |= high | low;
        *byte = (high << 4) | (low & 0xf);
    }
    (digits & NOT_HEX == 0).then_some(bytes)
}

/// Marks a byte that is not a lowercase hex digit in [`HEX_VALUE`].
const NOT_HEX: u8 = 0x10;

/// The value of each lowercase hex digit; [`NOT_HEX`] for every other byte.
const HEX_VALUE: [u8; 256] = {
    let mut values = [NOT_HEX; 256];
    let mut i = 0;
    while i < 16 {
        values[HEX[i] as usize] = i as u8;
        i += 1;
    }
    values
};

impl fmt::Display for LineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_text(|text| f.write_str(text))
    }
}

impl fmt::Debug for LineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_text(|text| fmt::Debug::fmt(text, f))
    }
}

impl Serialize for LineId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.with_text(|text| serializer.serialize_str(text))
    }
}

impl<'de> Deserialize<'de> for LineId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_text(deserializer, "a line id", LineId::new)
    }
}

/// Decodes an id encoded as its text, made from it by `new` (`what` names it in errors), without
/// an owned copy of the text.
pub(super) fn from_text<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    what: &'static str,
    new: impl FnOnce(&str) -> T,
) -> Result<T, D::Error> {
    struct Text<F> {
        what: &'static str,
        new: F,
    }
    impl<T, F: FnOnce(&str) -> T> Visitor<'_> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.what)
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            Ok((self.new)(text))
        }
    }
    deserializer.deserialize_str(Text { what, new })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_held_as_bytes_and_read_back_as_written() {
        let text = "0b5a8e0e-1111-4222-8333-944455556666";
        let id = LineId::new(text);
        assert!(matches!(id, LineId::Uuid(_)));
        assert_eq!(id.to_string(), text);
        assert_eq!(id, LineId::new(text));
        let encoded = postcard::to_allocvec(&id).unwrap();
        assert_eq!(encoded, postcard::to_allocvec(text).unwrap());
        assert_eq!(postcard::from_bytes::<LineId>(&encoded).unwrap(), id);
    }

    #[test]
    fn other_texts_are_kept_as_they_are() {
        for text in [
            "",
            "u1",
            "0B5A8E0E-1111-4222-8333-944455556666",
            "0b5a8e0e11114222833394445555666600ab",
            "0b5a8e0e-1111-4222-8333-94445555666g",
            "0b5a8e0e-1111-4222-8333-9444555566667",
            "-home-me-app/s1.jsonl:3",
        ] {
            let id = LineId::new(text);
            assert!(matches!(id, LineId::Text(_)), "{text}");
            assert_eq!(id.to_string(), text);
            assert_eq!(postcard::from_bytes::<LineId>(&postcard::to_allocvec(&id).unwrap()).unwrap(), id);
        }
        assert_ne!(
            LineId::new("0B5A8E0E-1111-4222-8333-944455556666"),
            LineId::new("0b5a8e0e-1111-4222-8333-944455556666"),
        );
    }
}
