//! Which transcripts a sync must read, and from where: new files from the start, grown files
//! from their last position, and from the start again files that were rewritten: shrunk,
//! modified without growing, or grown with another head or without a line ending where the last
//! read ended. (A line read again merges into what is stored, so a needless re-read costs time,
//! never figures.)

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::discover::{Stat, Transcript};
use crate::read::ReadTask;
use crate::store::Position;
use crate::store::position::{HEAD_BYTES, fingerprint};

/// One file to read.
#[derive(Debug, Clone)]
pub struct Planned {
    /// What to read.
    pub task: ReadTask,
    /// Its size now.
    pub size: u64,
    /// Its modification time, Unix ms.
    pub modified: i64,
}

/// The files to read; `(path, reason)` for those that cannot even be looked at.
pub fn plan(
    transcripts: &[Transcript],
    positions: &HashMap<String, Position>,
    full: bool,
) -> (Vec<Planned>, Vec<(PathBuf, String)>) {
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    for transcript in transcripts {
        let Stat { size, modified } = transcript.stat;
        let known = if full { None } else { positions.get(&key(&transcript.path)) };
        // New, shrunk or rewritten files are read from the start, grown ones from where they were left.
        let (from, lines_before) = match known {
            None => (0, 0),
            Some(p) if size == p.offset && modified == p.modified => continue,
            Some(p) if size <= p.offset => (0, 0),
            Some(p) => match continues(&transcript.path, p) {
                Ok(true) => (p.offset, p.lines),
                Ok(false) => (0, 0),
                Err(e) => {
                    errors.push((transcript.path.clone(), e.to_string()));
                    continue;
                }
            },
        };
        let task = ReadTask {
            path: transcript.path.clone(),
            name: transcript.name.clone(),
            from,
            lines_before,
            whole_lines_only: true,
        };
        planned.push(Planned { task, size, modified });
    }
    (planned, errors)
}

/// The position after reading `consumed` bytes and `lines` lines of a planned file, which was
/// last modified at `modified` (Unix ms) when the reading ended.
pub fn advanced(planned: &Planned, consumed: u64, lines: u32, modified: i64) -> std::io::Result<Position> {
    let offset = planned.task.from + consumed;
    let head_len = offset.min(HEAD_BYTES as u64) as usize;
    Ok(Position {
        offset,
        lines: planned.task.lines_before + lines,
        head_len: head_len as u32,
        head_hash: head(&mut File::open(&planned.task.path)?, head_len)?,
        modified,
    })
}

/// The key of a file in the positions table.
pub fn key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Fingerprint of the first `len` bytes of a file.
fn head(file: &mut File, len: usize) -> std::io::Result<u64> {
    let mut bytes = Vec::with_capacity(len);
    file.take(len as u64).read_to_end(&mut bytes)?;
    Ok(fingerprint(&bytes))
}

/// Whether a file that grew past `known` continues what was read of it: the same head, and a
/// line ending just before the offset (where every read ends).
fn continues(path: &Path, known: &Position) -> std::io::Result<bool> {
    let mut file = File::open(path)?;
    if head(&mut file, known.head_len as usize)? != known.head_hash {
        return Ok(false);
    }
    let Some(last) = known.offset.checked_sub(1) else { return Ok(true) };
    let mut byte = [0u8];
    file.seek(SeekFrom::Start(last))?;
    file.read_exact(&mut byte)?;
    Ok(byte[0] == b'\n')
}
