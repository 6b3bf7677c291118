//! The one write transaction: merges records into what is stored, moves file positions and
//! records sync runs. Nothing is visible to readers until [`Writer::commit`]; dropping or
//! aborting it leaves the database as it was.

use std::collections::{BTreeSet, HashMap};

use cc_analytics_core::{Record, RecordSet};
use redb::{Database, ReadableTable, WriteTransaction};

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

/// An open write transaction.
pub struct Writer {
    txn: WriteTransaction,
    /// Session id → it has records: it had some before this transaction, or was counted as added.
    known: HashMap<String, bool>,
    changes: Changes,
}

impl Writer {
    pub(super) fn begin(db: &Database) -> Result<Writer, StoreError> {
        Ok(Writer { txn: db.begin_write()?, known: HashMap::new(), changes: Changes::default() })
    }

    /// Merges `records` into the stored ones. Records go in in the order of the records table
    /// (by session, then key) and the key → session table after them in its own order, so the
    /// B-trees are written leaf after leaf rather than at random (on a first sync that is most
    /// of the write cost).
    pub fn merge(&mut self, records: RecordSet) -> Result<MergeStats, StoreError> {
        let mut stats = MergeStats::default();
        let mut records: Vec<(Vec<u8>, Record)> = records.into_records().map(|r| (r.key(), r)).collect();
        records.sort_unstable_by(|a, b| (a.1.session(), &a.0).cmp(&(b.1.session(), &b.0)));
        // (record key, the session it is now stored under), written once the records are in.
        let mut placed: Vec<(Vec<u8>, Option<String>)> = Vec::new();
        let mut table = self.txn.open_table(RECORDS)?;
        let mut sessions = self.txn.open_table(RECORD_SESSIONS)?;
        for (key, record) in records {
            if let Some(session) = record.session() {
                // Whether it had records before, asked before any of its records go in: records
                // come in session order, and a record only moves to the session of the line
                // that moved it.
                if !self.known.contains_key(session) {
                    self.known.insert(session.to_owned(), has_records(&table, session)?);
                }
            }
            // The stored record with this key, and the session it is stored under.
            let stored = match sessions.get(key.as_slice())?.map(|s| s.value().map(str::to_owned)) {
                Some(place) => table
                    .get((place.as_deref(), key.as_slice()))?
                    .map(|v| decode(v.value()).map(|old| (place, old)))
                    .transpose()?,
                None => None,
            };
            match stored {
                Some((place, old)) => {
                    let mut merged = old.clone();
                    merged.merge(record);
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
                    self.changes.note(&key, record.session());
                    if let Some(known) = record.session().and_then(|session| self.known.get_mut(session)) {
                        if !*known {
                            stats.sessions_added += 1;
                            *known = true;
                        }
                    }
                    stats.messages_added += u64::from(record.is_message());
                    table.insert((record.session(), key.as_slice()), record.encode().as_slice())?;
                    placed.push((key, record.session().map(str::to_owned)));
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
