//! [`LineId`]: a line's `uuid`, kept in 16 bytes when it is a UUID written the way Claude Code
//! writes them (lowercase hex, 8-4-4-4-12), as nearly all are; any other text is kept as it is.
//! Every user, system and response line has one, so this saves an allocation per line. Two ids
//! are equal exactly when their texts are, and an id is encoded as its text.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A line's `uuid` (or, for a line without one, the text that stands in for it).
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
                let mut text = [0u8; UUID_LEN];
                let mut digits = text.iter_mut().enumerate().filter(|(at, _)| !HYPHENS.contains(at)).map(|(_, d)| d);
                for byte in bytes {
                    *digits.next().expect("32 digits") = HEX[usize::from(byte >> 4)];
                    *digits.next().expect("32 digits") = HEX[usize::from(byte & 0xf)];
                }
                HYPHENS.iter().for_each(|&at| text[at] = b'-');
                f(std::str::from_utf8(&text).expect("hex digits and hyphens are ASCII"))
            }
            LineId::Text(text) => f(text),
        }
    }
}

/// The 16 bytes of a lowercase hyphenated UUID; `None` for any other text.
fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != UUID_LEN || HYPHENS.iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut digits = text.iter().enumerate().filter(|(at, _)| !HYPHENS.contains(at)).map(|(_, &d)| d);
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        let (high, low) = (digits.next()?, digits.next()?);
        *byte = (hex_value(high)? << 4) | hex_value(low)?;
    }
    Some(bytes)
}

/// The value of a lowercase hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

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
        struct Text;
        impl Visitor<'_> for Text {
            type Value = LineId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a line id")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<LineId, E> {
                Ok(LineId::new(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
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
