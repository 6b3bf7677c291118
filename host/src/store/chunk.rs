//! How a session's records are kept: in chunks, each a run of encoded records with their
//! lengths. A first sync writes a few values of many kilobytes per session, in page-sized
//! writes, instead of a B-tree entry per record; an incremental sync rewrites only the chunks
//! that hold a record it changed, and the last chunk of a session it added to.

use std::ops::RangeInclusive;

use redb::{ReadableTable, Table};

use super::StoreError;
use super::places::Placed;

/// The table chunks are kept in: `(session id, chunk number)` → chunk.
pub type ChunkTable<'txn> = Table<'txn, (Option<&'static str>, u32), &'static [u8]>;

/// The size a chunk grows to by appending records, and that a record merged in place may not
/// make it pass (it is moved to the end of its session's chunks instead). A record larger than
/// that is a chunk of its own. Just under 64 KiB, so that a full chunk fills most of the redb
/// leaf it is written in (a leaf that outgrows a page takes a power-of-two number of pages).
pub const CHUNK_BYTES: usize = (64 << 10) - 256;

/// Bytes before each record: its length, little-endian.
const LENGTH_BYTES: usize = 4;

/// Whether a record of `len` bytes may still be appended to `chunk`.
pub fn fits(chunk: &[u8], len: usize) -> bool {
    chunk.is_empty() || chunk.len() + framed(len) <= CHUNK_BYTES
}

/// The bytes a record of `len` bytes takes in a chunk.
pub fn framed(len: usize) -> usize {
    LENGTH_BYTES + len
}

/// Appends one encoded record.
pub fn push(chunk: &mut Vec<u8>, record: &[u8]) {
    push_with(chunk, |chunk| chunk.extend_from_slice(record));
}

/// Appends one record that `write` encodes at the end of the chunk, and returns its length
/// (written before it once known).
pub fn push_with(chunk: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) -> usize {
    let start = chunk.len();
    chunk.extend_from_slice(&[0; LENGTH_BYTES]);
    write(chunk);
    let len = chunk.len() - start - LENGTH_BYTES;
    let framed = u32::try_from(len).expect("a record is smaller than 4 GiB");
    chunk[start..start + LENGTH_BYTES].copy_from_slice(&framed.to_le_bytes());
    len
}

/// The encoded records of a chunk, in the order they were appended.
pub fn records(chunk: &[u8]) -> Records<'_> {
    Records(chunk)
}

/// See [`records`].
pub struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = Result<&'a [u8], StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let record = self.0.split_first_chunk::<LENGTH_BYTES>().and_then(|(len, rest)| {
            let len = u32::from_le_bytes(*len) as usize;
            (len <= rest.len()).then(|| rest.split_at(len))
        });
        match record {
            Some((record, rest)) => {
                self.0 = rest;
                Some(Ok(record))
            }
            None => {
                self.0 = &[];
                Some(Err(StoreError::Corrupt("a chunk of records ends inside a record".into())))
            }
        }
    }
}

/// Where every chunk of `session` is.
pub fn of_session(session: Option<&str>) -> RangeInclusive<(Option<&str>, u32)> {
    (session, 0)..=(session, u32::MAX)
}

/// The number of a session's last chunk, if it has any, with its contents put in `into`
/// (emptied first).
fn last(
    table: &impl ReadableTable<(Option<&'static str>, u32), &'static [u8]>,
    session: Option<&str>,
    into: &mut Vec<u8>,
) -> Result<Option<u32>, StoreError> {
    into.clear();
    let Some((key, chunk)) = table.range(of_session(session))?.next_back().transpose()? else { return Ok(None) };
    into.extend_from_slice(chunk.value());
    Ok(Some(key.value().1))
}

/// Appends records, given session by session, to the end of their sessions' chunks (to a
/// session's last chunk while it has room, then to new ones), and places them. Each record is
/// encoded straight into the chunk it goes to.
#[derive(Default)]
pub struct Appender {
    /// The chunk of the session appended to last.
    open: Open,
    /// The sessions appended to, and the records' places.
    placed: Placed,
}

/// The chunk being appended to (the last session's), its buffer reused from session to session.
#[derive(Default)]
struct Open {
    number: u32,
    chunk: Vec<u8>,
    /// Whether `chunk` has records not yet written.
    dirty: bool,
}

impl Appender {
    /// Appends the record with this key, which `write` encodes at the end of a chunk, to the
    /// chunks of `session`.
    pub fn push(
        &mut self,
        chunks: &mut ChunkTable<'_>,
        key: &[u8],
        session: Option<&str>,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), StoreError> {
        let open = &mut self.open;
        if self.placed.last_session() != Some(session) {
            if let Some(last) = self.placed.last_session() {
                open.write(chunks, last)?;
            }
            open.number = last(chunks, session, &mut open.chunk)?.unwrap_or_default();
            self.placed.start_session(session);
        }
        let start = open.chunk.len();
        let len = push_with(&mut open.chunk, write);
        if !fits(&open.chunk[..start], len) {
            // The records before it fill their chunk; it starts the next one.
            if open.dirty {
                chunks.insert((session, open.number), &open.chunk[..start])?;
            }
            open.chunk.drain(..start);
            open.number += 1;
        }
        open.dirty = true;
        self.placed.add(key, open.number);
        Ok(())
    }

    /// Writes the chunk appended to last, and returns the records' places, in key order, for
    /// the places table.
    pub fn finish(mut self, chunks: &mut ChunkTable<'_>) -> Result<Placed, StoreError> {
        if let Some(last) = self.placed.last_session() {
            self.open.write(chunks, last)?;
        }
        self.placed.sort();
        Ok(self.placed)
    }
}

impl Open {
    fn write(&mut self, chunks: &mut ChunkTable<'_>, session: Option<&str>) -> Result<(), StoreError> {
        if self.dirty {
            chunks.insert((session, self.number), self.chunk.as_slice())?;
            self.dirty = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_as_they_were_pushed() {
        let mut chunk = Vec::new();
        for record in [&b"one"[..], b"", b"three"] {
            assert!(fits(&chunk, record.len()));
            push(&mut chunk, record);
        }
        let back: Vec<&[u8]> = records(&chunk).collect::<Result<_, _>>().unwrap();
        assert_eq!(back, [&b"one"[..], b"", b"three"]);
    }

    #[test]
    fn a_chunk_fills_up_to_its_size_and_takes_a_larger_record_only_when_empty() {
        let record = vec![7u8; CHUNK_BYTES / 2];
        let mut chunk = Vec::new();
        assert!(fits(&chunk, CHUNK_BYTES * 3), "an empty chunk takes any record");
        push(&mut chunk, &record);
        assert!(!fits(&chunk, record.len()), "a second half would pass the size with the lengths");
        assert!(fits(&chunk, CHUNK_BYTES / 2 - 2 * LENGTH_BYTES));
    }

    #[test]
    fn a_cut_chunk_is_an_error() {
        let mut chunk = Vec::new();
        push(&mut chunk, b"whole");
        push(&mut chunk, b"cut short");
        chunk.truncate(chunk.len() - 3);
        let back: Vec<_> = records(&chunk).collect();
        assert!(matches!(back[..], [Ok(b"whole"), Err(StoreError::Corrupt(_))]));
        assert!(matches!(records(&[1, 0]).next(), Some(Err(StoreError::Corrupt(_)))));
    }
}
