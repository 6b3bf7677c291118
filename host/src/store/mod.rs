//! The database: one redb file that keeps every record the core produced, how far each
//! transcript has been read, and the history of sync runs. One writer at a time (redb's write
//! transaction); readers see the last committed state and are never blocked.

mod chunk;
mod places;
pub mod position;
mod schema;
mod writer;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use cc_analytics_core::{DatasetBuilder, Links, Record, RecordSet};
use redb::{Database, ReadOnlyTable, ReadableDatabase, ReadableTable};

pub use position::Position;
pub use schema::SCHEMA_VERSION;
pub use writer::{Changes, MergeStats, Writer};

use schema::{CHUNKS, FILES, PLACES, SYNC_RUNS};

/// What went wrong with the database.
#[derive(Debug)]
pub enum StoreError {
    /// The storage engine failed (IO, disk full, locked by another process, ...).
    Engine(String),
    /// The contents are not what this program wrote.
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Engine(m) => write!(f, "database error: {m}"),
            StoreError::Corrupt(m) => write!(f, "database content error: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// The cause without the kind, for messages to people.
    pub fn cause(&self) -> &str {
        match self {
            StoreError::Engine(m) | StoreError::Corrupt(m) => m,
        }
    }
}

macro_rules! engine_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Engine(e.to_string())
            }
        }
    )*};
}
engine_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::CompactionError,
    redb::SavepointError,
    redb::SetDurabilityError,
    redb::CursorError,
    std::io::Error
);

/// redb's page cache. Its default (1 GiB) keeps every page a sync or an index load touched, so
/// a long-running `serve` would grow with the database. The API answers from the in-memory
/// index, an index load reads the chunks once in order, and a sync appends chunks session by
/// session and writes the record places in key order at its end, so a small cache costs them nothing
/// measurable (at 1 GiB of transcripts, 4 MiB instead of 64 MiB took 60 MB off the first
/// sync's and the index load's peaks, at the same speed).
const CACHE_BYTES: usize = 4 << 20;

/// The opened database.
pub struct Store {
    db: Database,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the database at `path`, creating its folder and migrating its schema;
    /// `upgrading` is told the version of an older database before it is migrated (which takes
    /// a while). A new file is readable by its owner only (it holds the user's conversations).
    pub fn open(path: &Path, upgrading: impl FnOnce(u32)) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let is_new = !path.exists();
        let mut db = Database::builder().set_cache_size(CACHE_BYTES).create(path)?;
        if is_new {
            owner_only(path)?;
        }
        if schema::prepare(&db, upgrading)? {
            // A migration leaves the old tables' pages free all over the file: give them back.
            db.compact()?;
        }
        Ok(Store { db, path: path.to_path_buf() })
    }

    /// The size of the database file in bytes. While it is open the file keeps the pages its
    /// transactions freed at the end; see [`Store::close`].
    pub fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    /// Closes the database, which trims the free pages at the end of the file, and returns the
    /// file's size at rest in bytes.
    pub fn close(self) -> u64 {
        let Store { db, path } = self;
        drop(db);
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
    }

    /// Starts the one write transaction.
    pub fn writer(&self) -> Result<Writer<'_>, StoreError> {
        Writer::begin(&self.db, false)
    }

    /// Starts a write transaction that may make its progress visible before its commit, with
    /// [`Writer::checkpoint`] (a sync of several batches).
    pub fn checkpointed_writer(&self) -> Result<Writer<'_>, StoreError> {
        Writer::begin(&self.db, true)
    }

    /// Every record without its conversation text (see [`Record::without_text`]) into `builder`,
    /// in the order it takes them and the chunks table keeps: the summaries, then session by
    /// session, so that it holds one session's records at a time; each also noted in `links`.
    pub fn build(&self, builder: &mut DatasetBuilder<'_>, links: &mut Links) -> Result<(), StoreError> {
        let read = self.db.begin_read()?;
        for entry in read.open_table(CHUNKS)?.iter()? {
            let (_, chunk) = entry?;
            for value in chunk::records(chunk.value()) {
                let record = decode(value?)?;
                links.note(&record);
                builder.push(record.without_text());
            }
        }
        Ok(())
    }

    /// The records of one session (its lines and responses).
    pub fn session_records(&self, session: &str) -> Result<RecordSet, StoreError> {
        let read = self.db.begin_read()?;
        let mut set = RecordSet::new();
        for entry in read.open_table(CHUNKS)?.range(chunk::of_session(Some(session)))? {
            let (_, chunk) = entry?;
            for value in chunk::records(chunk.value()) {
                set.insert(decode(value?)?);
            }
        }
        Ok(set)
    }

    /// A view of the records as they are now, for many lookups.
    pub fn lookup(&self) -> Result<Lookup, StoreError> {
        let read = self.db.begin_read()?;
        Ok(Lookup { chunks: read.open_table(CHUNKS)?, places: read.open_table(PLACES)?, known: HashMap::new() })
    }

    /// How far each transcript (by path on disk) has been read.
    pub fn positions(&self) -> Result<HashMap<String, Position>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(FILES)?;
        let mut positions = HashMap::new();
        for entry in table.iter()? {
            let (path, value) = entry?;
            positions.insert(path.value().to_owned(), Position::decode(value.value())?);
        }
        Ok(positions)
    }

    /// How far these transcripts (by path on disk) have been read, for those read before.
    pub fn positions_of(
        &self,
        paths: impl IntoIterator<Item = String>,
    ) -> Result<HashMap<String, Position>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(FILES)?;
        let mut positions = HashMap::new();
        for path in paths {
            if let Some(value) = table.get(path.as_str())? {
                positions.insert(path, Position::decode(value.value())?);
            }
        }
        Ok(positions)
    }

    /// The newest finished sync run (its JSON), if any.
    pub fn last_run(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(SYNC_RUNS)?;
        let last = table.last()?;
        Ok(last.map(|(_, v)| v.value().to_vec()))
    }

    /// Records a finished sync run (its JSON) under its start time.
    pub fn add_run(&self, started: i64, json: &[u8]) -> Result<(), StoreError> {
        let mut writer = self.writer()?;
        writer.add_run(started, json)?;
        writer.commit()
    }

    /// Forgets every file position: the next sync re-reads everything (and, records being
    /// idempotent, doubles nothing).
    pub fn reset(&self) -> Result<(), StoreError> {
        let write = self.db.begin_write()?;
        {
            let mut files = write.open_table(FILES)?;
            files.retain(|_, _| false)?;
        }
        write.commit()?;
        Ok(())
    }

    /// Deletes the records of these sessions (retention).
    pub fn purge(&self, sessions: &[String]) -> Result<u64, StoreError> {
        let mut writer = self.writer()?;
        let removed = writer.purge(sessions)?;
        writer.commit()?;
        Ok(removed)
    }
}

/// The stored records as they were when it was made (see [`Store::lookup`]).
pub struct Lookup {
    chunks: ReadOnlyTable<(Option<&'static str>, u32), &'static [u8]>,
    places: ReadOnlyTable<&'static [u8], (Option<&'static str>, u32)>,
    /// Session id → it has stored records, for the sessions asked about so far.
    known: HashMap<String, bool>,
}

impl Lookup {
    /// Whether a record with this key is stored.
    pub fn contains(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(self.places.get(key)?.is_some())
    }

    /// Whether any record of this session is stored (found once per session).
    pub fn has_session(&mut self, session: &str) -> Result<bool, StoreError> {
        if let Some(&known) = self.known.get(session) {
            return Ok(known);
        }
        let known = has_records(&self.chunks, session)?;
        self.known.insert(session.to_owned(), known);
        Ok(known)
    }
}

/// Whether any record of `session` is stored (a session's chunks are never empty).
fn has_records(
    chunks: &impl ReadableTable<(Option<&'static str>, u32), &'static [u8]>,
    session: &str,
) -> Result<bool, StoreError> {
    Ok(chunks.range(chunk::of_session(Some(session)))?.next().transpose()?.is_some())
}

#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

fn decode(bytes: &[u8]) -> Result<Record, StoreError> {
    Record::decode(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}
