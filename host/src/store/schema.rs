//! Every table of the database, the schema version, and the ordered migrations that bring an
//! older database up to it.

use redb::{ReadableDatabase, TableDefinition, WriteTransaction};

use super::StoreError;

/// Key-value settings: schema version, record format.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Record key → encoded record (the core's deduplicated facts: lines, responses, summaries).
pub const RECORDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("records");
/// `(session id, record key)` → (): which records make up a session.
pub const SESSION_RECORDS: TableDefinition<(&str, &[u8]), ()> = TableDefinition::new("session_records");
/// Transcript path on disk → encoded [`super::Position`]: how far it has been read.
pub const FILES: TableDefinition<&str, &[u8]> = TableDefinition::new("files");
/// Start (Unix ms) → JSON of a finished sync run.
pub const SYNC_RUNS: TableDefinition<i64, &[u8]> = TableDefinition::new("sync_runs");

/// The schema this program writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One schema step, run inside the migrating transaction.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// Migrations from version `i + 1` to `i + 2`, in order (none yet: version 1 is the first).
const MIGRATIONS: &[Migration] = &[];

/// Creates the tables of a new database, or migrates an older one; refuses a newer one.
pub fn prepare(db: &redb::Database) -> Result<(), StoreError> {
    let found = {
        let read = db.begin_read()?;
        match read.open_table(META) {
            Ok(meta) => meta.get("schema_version")?.map(|v| decode_u32(v.value())),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        }
    };
    let version = match found {
        Some(Some(v)) => v,
        Some(None) => return Err(StoreError::Corrupt("unreadable schema version".into())),
        None => 0,
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "the database has schema version {version}, newer than this program's {SCHEMA_VERSION}: upgrade cc-analytics"
        )));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let write = db.begin_write()?;
    {
        write.open_table(META)?;
        write.open_table(RECORDS)?;
        write.open_table(SESSION_RECORDS)?;
        write.open_table(FILES)?;
        write.open_table(SYNC_RUNS)?;
    }
    if version > 0 {
        for migration in &MIGRATIONS[version as usize - 1..] {
            migration(&write)?;
        }
    }
    {
        let mut meta = write.open_table(META)?;
        meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
        meta.insert("record_format", cc_analytics_core::RECORD_FORMAT.to_le_bytes().as_slice())?;
    }
    write.commit()?;
    Ok(())
}

fn decode_u32(bytes: &[u8]) -> Option<u32> {
    bytes.try_into().ok().map(u32::from_le_bytes)
}
