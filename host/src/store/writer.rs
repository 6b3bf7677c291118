//! The one write transaction: merges records into what is stored, moves file positions and
//! records sync runs. Nothing is visible to readers until [`Writer::commit`]; dropping or
//! aborting it leaves the database as it was.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use cc_analytics_core::RecordSet;
use redb::{Database, ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::schema::{FILES, RECORD_SESSIONS, RECORDS, SYNC_RUNS};
use super::{Position, StoreError, decode, has_records};

/// What a merge added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Sessions that had no record before.
    pub sessions_added: u64,
    /// Messages (user lines, responses) that had no record before.
    pub messages_added: u64,
}

/// Most changed records listed in [`Changes`]; past that, an index is built again in full.
const MAX_LISTED: usize = 20_000;

/// What merges changed, for bringing an index of the records up to date.
#[derive(Debug, Default)]
pub struct Changes {
    /// Sessions with a record added or changed.
    pub sessions: BTreeSet<String>,
    /// Keys of the records added or changed.
    pub keys: Vec<Vec<u8>>,
    /// Changes only a full build accounts for: a summary added or changed, a record now in
    /// another session, or more than `MAX_LISTED` records.
    pub wide: bool,
}

impl Changes {
    /// Whether no record changed.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && !self.wide
    }

    fn note(&mut self, key: &[u8], session: Option<&str>) {
        match session {
            Some(session) if !self.wide && self.keys.len() < MAX_LISTED => {
                self.sessions.insert(session.to_owned());
                self.keys.push(key.to_vec());
            }
            _ => {
                self.wide = true;
                self.sessions.clear();
                self.keys.clear();
            }
        }
    }
}

/// Records ready to be written: each with its key and its stored form, in the order of the
/// records table (by session, then key). Preparing needs no transaction, so a sync prepares the
/// next batch while the previous one is being written.
pub struct Prepared(Vec<Entry>);

/// One record: its key, the session it is stored under, whether it is a message (a user line or
/// a response), and its encoded form.
struct Entry {
    key: Vec<u8>,
    session: Option<String>,
    is_message: bool,
    value: Vec<u8>,
}

impl Prepared {
    /// Encodes `records` and puts them in the records table's order.
    pub fn new(records: RecordSet) -> Prepared {
        let mut entries: Vec<Entry> = records
            .into_records()
            .map(|record| Entry {
                key: record.key(),
                session: record.session().map(str::to_owned),
                is_message: record.is_message(),
                value: record.encode(),
            })
            .collect();
        entries.sort_unstable_by(|a, b| (a.session.as_deref(), &a.key).cmp(&(b.session.as_deref(), &b.key)));
        Prepared(entries)
    }
}

/// An open write transaction.
pub struct Writer {
    txn: WriteTransaction,
    /// Session id → it has records: it had some before this transaction, or was counted as added.
    known: HashMap<String, bool>,
    /// Hashes of the keys written by this transaction, kept only when it began with no record
    /// stored (a first sync): a key not among them cannot be stored, so the merge does not look
    /// for it.
    written: Option<HashSet<u64>>,
    hasher: RandomState,
    changes: Changes,
}

impl Writer {
    pub(super) fn begin(db: &Database) -> Result<Writer, StoreError> {
        let txn = db.begin_write()?;
        let empty = txn.open_table(RECORDS)?.is_empty()?;
        Ok(Writer {
            txn,
            known: HashMap::new(),
            written: empty.then(HashSet::new),
            hasher: RandomState::new(),
            changes: Changes::default(),
        })
    }

    /// Merges `records` into the stored ones. Records go in in the order of the records table
    /// and the key → session table after them in its own order, so the B-trees are written leaf
    /// after leaf rather than at random (on a first sync that is most of the write cost).
    pub fn merge(&mut self, records: Prepared) -> Result<MergeStats, StoreError> {
        let mut stats = MergeStats::default();
        // (record key, the session it is now stored under), written once the records are in.
        let mut placed: Vec<(Vec<u8>, Option<String>)> = Vec::new();
        let mut table = self.txn.open_table(RECORDS)?;
        let mut sessions = self.txn.open_table(RECORD_SESSIONS)?;
        for Entry { key, session, is_message, value } in records.0 {
            if let Some(session) = &session {
                // Whether it had records before, asked before any of its records go in: records
                // come in session order, and a record only moves to the session of the line
                // that moved it.
                if !self.known.contains_key(session) {
                    let had = self.written.is_none() && has_records(&table, session)?;
                    self.known.insert(session.clone(), had);
                }
            }
            // The session the record with this key is stored under, if one is.
            let hash = self.hasher.hash_one(&key);
            let may_be_stored = self.written.as_ref().is_none_or(|written| written.contains(&hash));
            let place =
                if may_be_stored { sessions.get(key.as_slice())?.map(|s| s.value().map(str::to_owned)) } else { None };
            // That record, and the session.
            let stored = match place {
                Some(place) => table
                    .get((place.as_deref(), key.as_slice()))?
                    .map(|v| decode(v.value()).map(|old| (place, old)))
                    .transpose()?,
                None => None,
            };
            match stored {
                Some((place, old)) => {
                    let mut merged = old.clone();
                    merged.merge(decode(&value)?);
                    if merged == old {
                        continue;
                    }
                    let session = (old.session() == merged.session()).then(|| merged.session()).flatten();
                    self.changes.note(&key, session);
                    if place.as_deref() != merged.session() {
                        table.remove((place.as_deref(), key.as_slice()))?;
                        placed.push((key.clone(), merged.session().map(str::to_owned)));
                    }
                    table.insert((merged.session(), key.as_slice()), merged.encode().as_slice())?;
                }
                None => {
                    self.changes.note(&key, session.as_deref());
                    if let Some(known) = session.as_deref().and_then(|session| self.known.get_mut(session)) {
                        if !*known {
                            stats.sessions_added += 1;
                            *known = true;
                        }
                    }
                    stats.messages_added += u64::from(is_message);
                    table.insert((session.as_deref(), key.as_slice()), value.as_slice())?;
                    if let Some(written) = &mut self.written {
                        written.insert(hash);
                    }
                    placed.push((key, session));
                }
            }
        }
        // Keys are unique within a set, so no two entries are for the same key.
        placed.sort_unstable();
        for (key, session) in placed {
            sessions.insert(key.as_slice(), session.as_deref())?;
        }
        Ok(stats)
    }

    /// Moves a transcript's read position.
    pub fn set_position(&mut self, path: &str, position: &Position) -> Result<(), StoreError> {
        self.txn.open_table(FILES)?.insert(path, position.encode().as_slice())?;
        Ok(())
    }

    /// Records a finished sync run.
    pub fn add_run(&mut self, started: i64, json: &[u8]) -> Result<(), StoreError> {
        self.txn.open_table(SYNC_RUNS)?.insert(started, json)?;
        Ok(())
    }

    /// Deletes every record of these sessions; returns how many records went.
    pub fn purge(&mut self, sessions: &[String]) -> Result<u64, StoreError> {
        let mut table = self.txn.open_table(RECORDS)?;
        let mut keys = self.txn.open_table(RECORD_SESSIONS)?;
        let mut removed = 0;
        for session in sessions {
            let session = Some(session.as_str());
            let mut gone = Vec::new();
            for entry in table.range((session, &[][..])..)? {
                let (key, _) = entry?;
                let (owner, record) = key.value();
                if owner != session {
                    break;
                }
                gone.push(record.to_vec());
            }
            for key in gone {
                table.remove((session, key.as_slice()))?;
                keys.remove(key.as_slice())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// What the merges so far changed (and forgets it).
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Makes everything written visible, atomically and durably.
    pub fn commit(self) -> Result<(), StoreError> {
        self.txn.commit()?;
        Ok(())
    }

    /// Drops everything written.
    pub fn abort(self) -> Result<(), StoreError> {
        self.txn.abort()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use cc_analytics_core::{Analyzer, MessageCapture};

    use super::*;
    use crate::store::Store;

    /// The records of one transcript.
    fn records(path: &str, lines: &[String]) -> Prepared {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        analyzer.push(path, lines.join("\n").as_bytes());
        analyzer.end_file(path);
        Prepared::new(analyzer.into_records().0)
    }

    fn prompt(session: &str, uuid: &str) -> String {
        format!(
            r#"{{"type":"user","sessionId":"{session}","uuid":"{uuid}","timestamp":"2025-01-01T00:00:00Z","cwd":"/w","message":{{"content":"go"}}}}"#
        )
    }

    fn response(session: &str, uuid: &str, output: u64) -> String {
        format!(
            r#"{{"type":"assistant","sessionId":"{session}","uuid":"{uuid}","timestamp":"2025-01-01T00:00:01Z","requestId":"r","message":{{"id":"m","model":"claude-sonnet-4-5","content":[{{"type":"text","text":"x"}}],"usage":{{"input_tokens":10,"output_tokens":{output}}}}}}}"#
        )
    }

    /// Two batches: the second grows the first's response and replays its prompt into another
    /// session, from a file whose path sorts first (so the replay takes the prompt over).
    fn batches() -> [Prepared; 2] {
        [
            records("p/z.jsonl", &[prompt("s1", "u1"), response("s1", "a1", 1)]),
            records("p/a.jsonl", &[prompt("s2", "u1"), response("s1", "a2", 7), prompt("s2", "u2")]),
        ]
    }

    /// Each session's stored records, encoded and sorted.
    fn stored(store: &Store) -> Vec<(String, Vec<Vec<u8>>)> {
        ["s1", "s2"]
            .iter()
            .map(|session| {
                let mut encoded: Vec<_> =
                    store.session_records(session).unwrap().into_records().map(|r| r.encode()).collect();
                encoded.sort();
                (session.to_string(), encoded)
            })
            .collect()
    }

    #[test]
    fn a_first_sync_merges_a_record_met_again_in_a_later_batch() {
        let folder = std::env::temp_dir().join(format!("cc-analytics-writer-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let (fresh, stepwise) = (folder.join("fresh.redb"), folder.join("stepwise.redb"));
        let _ = std::fs::remove_file(&fresh);
        let _ = std::fs::remove_file(&stepwise);

        // Both batches in one transaction on an empty database: the second's lookups are skipped
        // except for the keys the first wrote.
        let one = Store::open(&fresh, |_| {}).unwrap();
        let mut writer = one.writer().unwrap();
        let [first, second] = batches();
        let mut added = vec![writer.merge(first).unwrap(), writer.merge(second).unwrap()];
        writer.commit().unwrap();

        // The same batches in two transactions: the second looks every key up.
        let two = Store::open(&stepwise, |_| {}).unwrap();
        for batch in batches() {
            let mut writer = two.writer().unwrap();
            added.push(writer.merge(batch).unwrap());
            writer.commit().unwrap();
        }
        let total = |stats: &[MergeStats]| {
            (stats.iter().map(|s| s.sessions_added).sum::<u64>(), stats.iter().map(|s| s.messages_added).sum::<u64>())
        };
        assert_eq!(total(&added[..2]), (2, 3), "s1 and s2; u1, the response, u2");
        assert_eq!(total(&added[..2]), total(&added[2..]));
        assert_eq!(stored(&one), stored(&two));
        let [(_, s1), (_, s2)] = &stored(&one)[..] else { unreachable!() };
        assert_eq!((s1.len(), s2.len()), (1, 2), "the response stays in s1, both prompts are s2's");
        let mut lookup = one.lookup().unwrap();
        for batch in batches() {
            assert!(batch.0.iter().all(|entry| lookup.contains(&entry.key).unwrap()));
        }
        assert!(lookup.has_session("s2").unwrap());
        drop((lookup, one, two));
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
