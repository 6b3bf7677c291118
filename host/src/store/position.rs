//! How far a transcript has been read: the byte offset after its last complete line, the lines
//! before it, and a fingerprint of its head to notice a file rewritten in place.

use serde::{Deserialize, Serialize};

use super::StoreError;

/// Bytes of a file's head that are fingerprinted.
pub const HEAD_BYTES: usize = 4096;

/// A transcript's read position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Bytes consumed: always just after a newline (a half-written last line is left).
    pub offset: u64,
    /// Lines consumed.
    pub lines: u32,
    /// How many head bytes were fingerprinted (the file's first `min(offset, HEAD_BYTES)`).
    pub head_len: u32,
    /// FNV-1a of those bytes.
    pub head_hash: u64,
    /// Modification time seen, Unix ms.
    pub modified: i64,
}

impl Position {
    /// The stored form.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("positions always encode")
    }

    /// Reads the stored form back.
    pub fn decode(bytes: &[u8]) -> Result<Position, StoreError> {
        postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt(format!("file position: {e}")))
    }
}

/// FNV-1a, 64 bits: a cheap fingerprint, not a defence against anyone.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
