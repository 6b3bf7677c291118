//! [`ApiId`]: an id the API gave, a message's `id`, a `requestId` or a `tool_use` id (`msg_`,
//! `req_` or `toolu_` and 24 characters). A response line carries two, a tool call and its result
//! one each, so they are kept in place, up to 30 bytes, rather than in an allocation each; a longer
//! id is kept as its text. Two ids are equal exactly when their texts are, and an id is encoded as
//! its text.

use std::fmt;
use std::sync::Arc;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use super::line_id::from_text;

/// The longest id kept in place.
const INLINE: usize = 30;

/// An id of the API. Made by [`ApiId::new`] only, so that no short id is held as text, and the
/// bytes after a short id's end are zero: equal texts give equal ids.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum ApiId {
    /// An id of up to [`INLINE`] bytes: its length and bytes.
    Inline(u8, [u8; INLINE]),
    /// A longer id.
    Text(Arc<str>),
}

impl ApiId {
    /// The id of `text`.
    pub fn new(text: &str) -> ApiId {
        if text.len() > INLINE {
            return ApiId::Text(Arc::from(text));
        }
        let mut bytes = [0; INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        ApiId::Inline(text.len() as u8, bytes)
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        match self {
            ApiId::Inline(len, bytes) => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("made from a whole string")
            }
            ApiId::Text(text) => text,
        }
    }
}

impl fmt::Display for ApiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ApiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for ApiId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ApiId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_text(deserializer, "an id", ApiId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_back_and_encoded_as_written() {
        for text in
            ["", "msg_01XFDUDYJgAACzvnptvVoYEL", "toolu_01A09q90qw90lq917835lq9x", "toolu_01A09q90qw90lq917835lq9xy"]
        {
            let id = ApiId::new(text);
            assert_eq!(matches!(id, ApiId::Inline(..)), text.len() <= INLINE, "{text}");
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            let encoded = postcard::to_allocvec(&id).unwrap();
            assert_eq!(encoded, postcard::to_allocvec(text).unwrap());
            assert_eq!(postcard::from_bytes::<ApiId>(&encoded).unwrap(), id);
        }
    }

    #[test]
    fn ids_are_equal_exactly_when_their_texts_are() {
        assert_eq!(ApiId::new("req_1"), ApiId::new("req_1"));
        assert_ne!(ApiId::new("req_1"), ApiId::new("req_1\0"));
        assert_ne!(ApiId::new("req_1"), ApiId::new("req_10"));
        assert_ne!(ApiId::new("REQ_1"), ApiId::new("req_1"));
    }
}
