//! Every table of the database, the schema version, and the ordered migrations that bring an
//! older database up to it.

use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::chunk::Appender;
use super::places;
use super::{StoreError, decode};

/// Key-value settings: schema version, record format.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// `(session id, chunk number)` → a chunk of encoded records (the core's deduplicated facts:
/// lines, responses, summaries; see [`super::chunk`]). A session's chunks are neighbours, so
/// reading one session, or every record session by session, reads pages in order; summaries (no
/// session) come first.
pub const CHUNKS: TableDefinition<(Option<&str>, u32), &[u8]> = TableDefinition::new("record_chunks");
/// Record key → the chunk it is stored in: where a re-read line's record is.
pub const PLACES: TableDefinition<&[u8], (Option<&str>, u32)> = TableDefinition::new("record_places");
/// Transcript path on disk → encoded [`super::Position`]: how far it has been read.
pub const FILES: TableDefinition<&str, &[u8]> = TableDefinition::new("files");
/// Start (Unix ms) → JSON of a finished sync run.
pub const SYNC_RUNS: TableDefinition<i64, &[u8]> = TableDefinition::new("sync_runs");

/// The schema this program writes.
pub const SCHEMA_VERSION: u32 = 3;

/// One schema step, run inside the migrating transaction.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// Migrations from version `i + 1` to `i + 2`, in order.
const MIGRATIONS: &[Migration] = &[records_by_session, records_in_chunks];

/// Creates the tables of a new database, or migrates an older one, calling `upgrading` with its
/// version first; refuses a newer one. Returns whether an older one was migrated.
pub fn prepare(db: &redb::Database, upgrading: impl FnOnce(u32)) -> Result<bool, StoreError> {
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
        return Ok(false);
    }
    if version > 0 {
        upgrading(version);
    }
    let write = db.begin_write()?;
    {
        write.open_table(META)?;
        write.open_table(CHUNKS)?;
        write.open_table(PLACES)?;
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
    Ok(version > 0)
}

/// Version 1: record key → encoded record.
const V1_RECORDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("records");
/// Version 1: `(session id, record key)` → (), which records make up a session.
const V1_SESSION_RECORDS: TableDefinition<(&str, &[u8]), ()> = TableDefinition::new("session_records");

/// Version 2: `(session id, record key)` → encoded record.
const V2_RECORDS: TableDefinition<(Option<&str>, &[u8]), &[u8]> = TableDefinition::new("records_by_session");
/// Version 2: record key → the session it is stored under.
const V2_RECORD_SESSIONS: TableDefinition<&[u8], Option<&str>> = TableDefinition::new("record_sessions");

/// Version 1 kept records by key alone, with an index of each session's keys: reading a session
/// took a B-tree search per record, and a sync wrote its records all over the file. Version 2
/// keeps them by session, and each key's session apart.
fn records_by_session(write: &WriteTransaction) -> Result<(), StoreError> {
    {
        let old = write.open_table(V1_RECORDS)?;
        let mut sessions = write.open_table(V2_RECORD_SESSIONS)?;
        // Keys come in key order, the new table's order; the records go in in theirs, so that
        // both B-trees are written leaf after leaf.
        let mut places: Vec<(Option<String>, Vec<u8>)> = Vec::new();
        for entry in old.iter()? {
            let (key, value) = entry?;
            let session = decode(value.value())?.session().map(str::to_owned);
            sessions.insert(key.value(), session.as_deref())?;
            places.push((session, key.value().to_vec()));
        }
        places.sort_unstable();
        let mut records = write.open_table(V2_RECORDS)?;
        for (session, key) in places {
            let value = old.get(key.as_slice())?.ok_or_else(|| StoreError::Corrupt("a record vanished".into()))?;
            records.insert((session.as_deref(), key.as_slice()), value.value())?;
        }
    }
    write.delete_table(V1_RECORDS)?;
    write.delete_table(V1_SESSION_RECORDS)?;
    Ok(())
}

/// Version 2 kept a B-tree entry per record, so a first sync inserted one per record and wrote
/// the file a 4 KiB page at a time. Version 3 keeps each session's records in chunks.
fn records_in_chunks(write: &WriteTransaction) -> Result<(), StoreError> {
    {
        let old = write.open_table(V2_RECORDS)?;
        let mut chunks = write.open_table(CHUNKS)?;
        let mut places = write.open_table(PLACES)?;
        // The old table is in session order: each session's records fill its chunks in turn.
        let mut appender = Appender::default();
        for entry in old.iter()? {
            let (key, value) = entry?;
            let (session, record) = key.value();
            appender.push(&mut chunks, record, session, |chunk| chunk.extend_from_slice(value.value()))?;
        }
        places::write(&[appender.finish(&mut chunks)?], &mut places)?;
    }
    write.delete_table(V2_RECORDS)?;
    write.delete_table(V2_RECORD_SESSIONS)?;
    Ok(())
}

fn decode_u32(bytes: &[u8]) -> Option<u32> {
    bytes.try_into().ok().map(u32::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use cc_analytics_core::{
        Analyzer, DatasetBuilder, Links, MessageCapture, PriceTable, QueryContext, RecordSet, answer, chrono_tz,
    };

    use redb::{ReadableTableMetadata, TableHandle};

    use super::*;
    use crate::store::Store;

    const LINES: &str = r#"{"type":"user","sessionId":"s1","uuid":"u1","timestamp":"2025-01-01T00:00:00Z","cwd":"/w/a","message":{"content":"hi"}}
{"type":"assistant","sessionId":"s1","uuid":"a1","timestamp":"2025-01-01T00:00:01Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":10,"output_tokens":1}}}
{"type":"assistant","sessionId":"s1","uuid":"a2","timestamp":"2025-01-01T00:00:02Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t","name":"Read","input":{}}],"usage":{"input_tokens":10,"output_tokens":7}}}
{"type":"summary","summary":"Greeting","leafUuid":"a2"}
{"type":"user","sessionId":"s2","uuid":"u2","timestamp":"2025-01-02T00:00:00Z","cwd":"/w/b","message":{"content":"again"}}
{"type":"assistant","sessionId":"s2","uuid":"a3","timestamp":"2025-01-02T00:00:01Z","requestId":"r2","message":{"id":"m2","model":"claude-opus-4-1","content":[{"type":"text","text":"y"}],"usage":{"input_tokens":5,"output_tokens":3}}}
"#;

    fn records() -> RecordSet {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        analyzer.push("p/s.jsonl", LINES.as_bytes());
        analyzer.into_records().0
    }

    fn answers(data: &cc_analytics_core::Dataset) -> Vec<String> {
        let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
        ["overview", "sessions", "daily-usage", "tool-usage", "projects"]
            .iter()
            .map(|e| answer(data, &format!("/api/analytics/{e}"), &context).body)
            .collect()
    }

    /// What version 1 wrote.
    fn write_version_1(write: &WriteTransaction) {
        let mut table = write.open_table(V1_RECORDS).unwrap();
        let mut index = write.open_table(V1_SESSION_RECORDS).unwrap();
        for record in records().into_records() {
            table.insert(record.key().as_slice(), record.encode().as_slice()).unwrap();
            if let Some(session) = record.session() {
                index.insert((session, record.key().as_slice()), ()).unwrap();
            }
        }
    }

    /// What version 2 wrote.
    fn write_version_2(write: &WriteTransaction) {
        let mut table = write.open_table(V2_RECORDS).unwrap();
        let mut sessions = write.open_table(V2_RECORD_SESSIONS).unwrap();
        for record in records().into_records() {
            table.insert((record.session(), record.key().as_slice()), record.encode().as_slice()).unwrap();
            sessions.insert(record.key().as_slice(), record.session()).unwrap();
        }
    }

    /// Writes a database of schema `version` with `write`, opens it, and checks that every
    /// record, position and answer came through, and that the old tables are gone.
    fn migrates_with_every_record(version: u32, write_old: fn(&WriteTransaction)) {
        let folder = std::env::temp_dir().join(format!("cc-analytics-schema-{}-v{version}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("old.redb");
        let _ = std::fs::remove_file(&path);
        {
            let db = redb::Database::create(&path).unwrap();
            let write = db.begin_write().unwrap();
            write.open_table(META).unwrap().insert("schema_version", version.to_le_bytes().as_slice()).unwrap();
            write_old(&write);
            write.open_table(FILES).unwrap().insert("/p/s.jsonl", [1u8].as_slice()).unwrap();
            write.commit().unwrap();
        }

        let mut upgraded_from = Vec::new();
        let store = Store::open(&path, |version| upgraded_from.push(version)).unwrap();
        assert_eq!(upgraded_from, [version], "told once, before migrating");
        let (prices, capture) = (PriceTable::builtin(), MessageCapture::All);
        let mut builder = DatasetBuilder::new(&prices, &capture);
        store.build(&mut builder, &mut Links::new()).unwrap();
        let migrated = builder.finish();
        assert_eq!(migrated.messages(), 4);
        let expected = records().build(&prices, &capture);
        assert_eq!(expected.sessions.len(), 2);
        assert_eq!(answers(&migrated), answers(&expected));
        let mut lookup = store.lookup().unwrap();
        for session in ["s1", "s2"] {
            assert!(lookup.has_session(session).unwrap());
            let mut stored: Vec<Vec<u8>> =
                store.session_records(session).unwrap().into_records().map(|r| r.encode()).collect();
            let mut original: Vec<Vec<u8>> =
                records().into_records().filter(|r| r.session() == Some(session)).map(|r| r.encode()).collect();
            stored.sort();
            original.sort();
            assert_eq!(stored, original, "{session}'s records, conversation text and all");
        }
        assert!(records().into_records().all(|r| lookup.contains(&r.key()).unwrap()));
        assert!(!lookup.has_session("s").unwrap() && !lookup.contains(b"nothing").unwrap());
        drop((lookup, store));

        // The current version now, without the old tables; opening it again changes nothing.
        let db = redb::Database::open(&path).unwrap();
        let read = db.begin_read().unwrap();
        let found = read.open_table(META).unwrap().get("schema_version").unwrap().map(|v| decode_u32(v.value()));
        assert_eq!(found, Some(Some(SCHEMA_VERSION)));
        for gone in [V1_RECORDS.name(), V1_SESSION_RECORDS.name(), V2_RECORDS.name(), V2_RECORD_SESSIONS.name()] {
            let table = read.list_tables().unwrap().find(|table| table.name() == gone);
            assert!(table.is_none(), "{gone} is gone");
        }
        assert_eq!(read.open_table(CHUNKS).unwrap().len().unwrap(), 3, "the summary's, s1's and s2's");
        assert_eq!(read.open_table(PLACES).unwrap().len().unwrap(), 5);
        assert_eq!(read.open_table(FILES).unwrap().len().unwrap(), 1, "positions are kept");
        drop((read, db));
        let again = Store::open(&path, |version| panic!("version {version} migrated again")).unwrap();
        assert!(again.lookup().unwrap().has_session("s2").unwrap());
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_version_1_database_is_migrated_with_every_record() {
        migrates_with_every_record(1, write_version_1);
    }

    #[test]
    fn a_version_2_database_is_migrated_with_every_record() {
        migrates_with_every_record(2, write_version_2);
    }
}
