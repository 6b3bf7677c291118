//! The one write transaction: merges records into what is stored, moves file positions and
//! records sync runs. Nothing is visible to readers until [`Writer::commit`], or, for a writer
//! that may checkpoint, a [`Writer::checkpoint`]; dropping or aborting it leaves the database as
//! it was, checkpoints included.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use foldhash::{HashMap, HashSet};

use cc_analytics_core::{Record, RecordSet};
use redb::{Database, Durability, ReadableTable, ReadableTableMetadata, Savepoint, WriteTransaction};

use super::chunk::{self, Appender, ChunkTable};
use super::places::{self, Placed};
use super::schema::{CHUNKS, FILES, PLACES, SYNC_RUNS};
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

/// One record to be written, with its key. It is encoded only where it is written.
struct Entry {
    key: Vec<u8>,
    record: Record,
}

/// `records` with their keys, in the order new records are appended in: by session, then key.
fn entries(records: RecordSet) -> Vec<Entry> {
    let mut entries: Vec<Entry> = records.into_records().map(|record| Entry { key: record.key(), record }).collect();
    entries.sort_unstable_by(|a, b| (a.record.session(), &a.key).cmp(&(b.record.session(), &b.key)));
    entries
}

/// An open write transaction.
pub struct Writer<'db> {
    db: &'db Database,
    /// The open transaction; none once it ended (or a checkpoint could not begin the next).
    txn: Option<WriteTransaction>,
    /// The database as it was when the writer began, for a writer that may checkpoint: one
    /// that ends without its commit goes back to it.
    savepoint: Option<Savepoint>,
    /// Whether a checkpoint committed part of the work.
    checkpointed: bool,
    /// Session id → it has records: it had some before this transaction, or was counted as added.
    known: HashMap<String, bool>,
    /// Hashes of the keys written by this transaction, kept only when it began with no record
    /// stored (a first sync): a key not among them cannot be stored, so the merge does not look
    /// for it.
    written: Option<HashSet<u64>>,
    hasher: RandomState,
    /// The places of the records appended so far, one run per merge, written at the commit.
    placed: Vec<Placed>,
    changes: Changes,
}

impl<'db> Writer<'db> {
    pub(super) fn begin(db: &'db Database, checkpoints: bool) -> Result<Writer<'db>, StoreError> {
        let txn = db.begin_write()?;
        // Taken before any table is opened, as redb requires.
        let savepoint = checkpoints.then(|| txn.ephemeral_savepoint()).transpose()?;
        let empty = txn.open_table(CHUNKS)?.is_empty()?;
        Ok(Writer {
            db,
            txn: Some(txn),
            savepoint,
            checkpointed: false,
            known: HashMap::default(),
            written: empty.then(HashSet::default),
            hasher: RandomState::default(),
            placed: Vec::new(),
            changes: Changes::default(),
        })
    }

    /// Merges `records` into the stored ones. A record already stored is merged in its chunk,
    /// which is written again only when the record changed; new records, and records now in
    /// another session, are appended to their sessions' chunks, session by session (so that
    /// the chunks' B-tree is written leaf after leaf rather than at random). Their places are
    /// kept, sorted, until the commit writes them all in key order.
    pub fn merge(&mut self, records: RecordSet) -> Result<MergeStats, StoreError> {
        let mut stats = MergeStats::default();
        let txn = self.txn.as_ref().ok_or_else(ended)?;
        let mut chunks = txn.open_table(CHUNKS)?;
        let places = txn.open_table(PLACES)?;
        // The records found stored, by the chunk that holds them; the records to append, in
        // session order.
        let mut stored: BTreeMap<(Option<String>, u32), Vec<Entry>> = BTreeMap::new();
        let mut fresh: Vec<Entry> = Vec::new();
        for entry in entries(records) {
            if let Some(session) = entry.record.session() {
                // Whether it had records before, asked before any record goes in.
                if !self.known.contains_key(session) {
                    let had = self.written.is_none() && has_records(&chunks, session)?;
                    self.known.insert(session.to_owned(), had);
                }
            }
            let hash = self.hasher.hash_one(&entry.key);
            let may_be_stored = self.written.as_ref().is_none_or(|written| written.contains(&hash));
            let place = match may_be_stored {
                // The latest place made by this transaction, else the stored one.
                true => match self.placed.iter().rev().find_map(|run| run.get(&entry.key)) {
                    Some((session, number)) => Some((session.map(str::to_owned), number)),
                    None => places.get(entry.key.as_slice())?.map(|place| {
                        let (session, number) = place.value();
                        (session.map(str::to_owned), number)
                    }),
                },
                false => None,
            };
            match place {
                Some(place) => stored.entry(place).or_default().push(entry),
                None => {
                    if let Some(written) = &mut self.written {
                        written.insert(hash);
                    }
                    fresh.push(entry);
                }
            }
        }
        let mut appended: Vec<Entry> = Vec::new();
        for ((session, number), entries) in stored {
            let merged = merge_into_chunk(&mut chunks, (session.as_deref(), number), entries, &mut self.changes)?;
            appended.extend(merged.moved);
            // Not where its place says (a sound database has no such record): written again.
            fresh.extend(merged.lost);
        }
        for entry in fresh {
            self.changes.note(&entry.key, entry.record.session());
            stats.messages_added += u64::from(entry.record.is_message());
            appended.push(entry);
        }
        // A session that had no record and gets one, new or moved there, is added.
        for entry in &appended {
            if let Some(known) = entry.record.session().and_then(|session| self.known.get_mut(session)) {
                if !*known {
                    stats.sessions_added += 1;
                    *known = true;
                }
            }
        }
        // Stable: a moved record joins the records of its new session.
        appended.sort_by(|a, b| a.record.session().cmp(&b.record.session()));
        let mut appender = Appender::default();
        for Entry { key, record } in appended {
            appender.push(&mut chunks, &key, record.session(), |chunk| record.encode_into(chunk))?;
        }
        self.placed.push(appender.finish(&mut chunks)?);
        Ok(stats)
    }

    /// Moves a transcript's read position.
    pub fn set_position(&mut self, path: &str, position: &Position) -> Result<(), StoreError> {
        self.txn()?.open_table(FILES)?.insert(path, position.encode().as_slice())?;
        Ok(())
    }

    /// Records a finished sync run.
    pub fn add_run(&mut self, started: i64, json: &[u8]) -> Result<(), StoreError> {
        self.txn()?.open_table(SYNC_RUNS)?.insert(started, json)?;
        Ok(())
    }

    /// Deletes every record of these sessions; returns how many records went.
    pub fn purge(&mut self, sessions: &[String]) -> Result<u64, StoreError> {
        self.write_places()?;
        let txn = self.txn()?;
        let mut chunks = txn.open_table(CHUNKS)?;
        let mut places = txn.open_table(PLACES)?;
        let mut removed = 0;
        for session in sessions {
            let session = Some(session.as_str());
            let (mut numbers, mut keys) = (Vec::new(), Vec::new());
            for entry in chunks.range(chunk::of_session(session))? {
                let (at, chunk) = entry?;
                numbers.push(at.value().1);
                for value in chunk::records(chunk.value()) {
                    keys.push(decode(value?)?.key());
                }
            }
            for number in numbers {
                chunks.remove((session, number))?;
            }
            for key in &keys {
                places.remove(key.as_slice())?;
            }
            removed += keys.len() as u64;
        }
        Ok(removed)
    }

    /// What the merges so far changed (and forgets it).
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// For a writer that may checkpoint: makes what was written so far visible to readers,
    /// without waiting for the disk, and goes on in a new transaction, so that the commit has
    /// only what came after to write. The records' places are still written at the commit; a
    /// crash before it loses the checkpoints (only durable commits survive one), and a writer
    /// that ends without it goes back to where it began. Does nothing for another writer.
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        if self.savepoint.is_none() {
            return Ok(());
        }
        let mut txn = self.txn.take().ok_or_else(ended)?;
        txn.set_durability(Durability::None)?;
        self.checkpointed = true;
        txn.commit()?;
        self.txn = Some(self.db.begin_write()?);
        Ok(())
    }

    /// Makes everything written visible, atomically and durably.
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.write_places()?;
        self.txn.take().ok_or_else(ended)?.commit()?;
        self.savepoint = None;
        Ok(())
    }

    /// Drops everything written, checkpoints included.
    pub fn abort(mut self) -> Result<(), StoreError> {
        if let Some(txn) = self.txn.take() {
            txn.abort()?;
        }
        self.go_back()
    }

    fn txn(&self) -> Result<&WriteTransaction, StoreError> {
        self.txn.as_ref().ok_or_else(ended)
    }

    /// Writes the places made so far to the places table.
    fn write_places(&mut self) -> Result<(), StoreError> {
        let runs = std::mem::take(&mut self.placed);
        if !runs.is_empty() {
            places::write(&runs, &mut self.txn()?.open_table(PLACES)?)?;
        }
        Ok(())
    }

    /// Undoes the checkpoints, if any: the open transaction is dropped (aborted), and the
    /// database restored to the savepoint, durably.
    fn go_back(&mut self) -> Result<(), StoreError> {
        let Some(savepoint) = self.savepoint.take() else { return Ok(()) };
        if !self.checkpointed {
            return Ok(());
        }
        drop(self.txn.take());
        let mut txn = self.db.begin_write()?;
        txn.restore_savepoint(&savepoint)?;
        txn.commit()?;
        Ok(())
    }
}

impl Drop for Writer<'_> {
    /// A writer that ends without its commit (an error, a panic) leaves the database as it was.
    fn drop(&mut self) {
        let _ = self.go_back();
    }
}

/// The error of a writer used after its transaction ended.
fn ended() -> StoreError {
    StoreError::Engine("the write transaction has ended".into())
}

/// What merging into a chunk leaves to append.
struct Merged {
    /// Records merged and now of another session, or grown past the chunk's size.
    moved: Vec<Entry>,
    /// Entries whose record the chunk does not hold.
    lost: Vec<Entry>,
}

/// Merges `entries` into the records of the chunk at `at`, noting what changed in `changes`, and
/// writes the chunk again if a record changed. A merged record that now belongs to another
/// session, or that would make the chunk pass [`chunk::CHUNK_BYTES`] (unless it is alone in
/// it), leaves the chunk to be appended to its session's chunks.
fn merge_into_chunk(
    chunks: &mut ChunkTable<'_>,
    at: (Option<&str>, u32),
    entries: Vec<Entry>,
    changes: &mut Changes,
) -> Result<Merged, StoreError> {
    let Some(chunk) = chunks.get(at)?.map(|chunk| chunk.value().to_vec()) else {
        return Ok(Merged { moved: Vec::new(), lost: entries });
    };
    // The chunk's records, each decoded and encoded, found by key; `None` once moved out.
    let mut kept: Vec<Option<(Record, Vec<u8>)>> = Vec::new();
    let mut by_key = HashMap::default();
    for value in chunk::records(&chunk) {
        let value = value?;
        let record = decode(value)?;
        by_key.insert(record.key(), kept.len());
        kept.push(Some((record, value.to_vec())));
    }
    let (mut size, mut left) = (chunk.len(), kept.len());
    let mut changed = false;
    let mut rest = Merged { moved: Vec::new(), lost: Vec::new() };
    for Entry { key, record } in entries {
        let Some((i, (old, old_value))) = by_key.get(&key).and_then(|&i| Some((i, kept[i].as_ref()?))) else {
            rest.lost.push(Entry { key, record });
            continue;
        };
        let mut merged = old.clone();
        merged.merge(record);
        if merged == *old {
            continue;
        }
        changed = true;
        let session = (old.session() == merged.session()).then(|| merged.session()).flatten();
        changes.note(&key, session);
        let value = merged.encode();
        let old_len = old_value.len();
        let grown = size - old_len + value.len();
        if merged.session() == at.0 && (grown <= chunk::CHUNK_BYTES || left == 1) {
            size = grown;
            kept[i] = Some((merged, value));
        } else {
            size -= chunk::framed(old_len);
            left -= 1;
            kept[i] = None;
            rest.moved.push(Entry { key, record: merged });
        }
    }
    if changed {
        let mut rewritten = Vec::with_capacity(size);
        for (_, value) in kept.iter().flatten() {
            chunk::push(&mut rewritten, value);
        }
        match rewritten.is_empty() {
            true => chunks.remove(at)?,
            false => chunks.insert(at, rewritten.as_slice())?,
        };
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use cc_analytics_core::{Analyzer, MessageCapture, PriceTable, QueryContext, answer, chrono_tz};
    use proptest::prelude::*;
    use redb::ReadableDatabase;

    use super::*;
    use crate::store::Store;

    /// The records of one transcript.
    fn records(path: &str, lines: &[String]) -> RecordSet {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        analyzer.push(path, lines.join("\n").as_bytes());
        analyzer.end_file(path);
        analyzer.into_records().0
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
    fn batches() -> [RecordSet; 2] {
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
            assert!(batch.into_records().all(|record| lookup.contains(&record.key()).unwrap()));
        }
        assert!(lookup.has_session("s2").unwrap());
        drop((lookup, one, two));
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_writer_that_ends_without_its_commit_takes_its_checkpoints_back() {
        for abort in [true, false] {
            let (store, folder) = fresh_store(&format!("checkpoints-{abort}"));
            let [first, second] = batches();
            let at = |offset| Position { offset, lines: 1, head_len: 0, head_hash: 0, modified: 0 };
            let mut writer = store.writer().unwrap();
            writer.merge(first).unwrap();
            writer.set_position("p/z.jsonl", &at(10)).unwrap();
            writer.commit().unwrap();
            let before = (stored(&store), store.positions().unwrap());

            let mut writer = store.checkpointed_writer().unwrap();
            writer.merge(second).unwrap();
            writer.set_position("p/z.jsonl", &at(20)).unwrap();
            writer.checkpoint().unwrap();
            assert_ne!(stored(&store), before.0, "readers see a checkpoint");
            writer.merge(records("p/b.jsonl", &[prompt("s2", "u3")])).unwrap();
            match abort {
                true => writer.abort().unwrap(),
                false => drop(writer),
            }
            assert_eq!((stored(&store), store.positions().unwrap()), before);
            let path = store.path.clone();
            drop(store);
            let store = Store::open(&path, |_| {}).unwrap();
            assert_eq!((stored(&store), store.positions().unwrap()), before, "and so does the file");
            drop(store);
            std::fs::remove_dir_all(&folder).unwrap();
        }
    }

    /// A prompt of `session` with about 3 kB of text.
    fn long_prompt(session: &str, uuid: &str) -> String {
        prompt(session, uuid).replace(r#""content":"go""#, &format!(r#""content":"{}""#, "words ".repeat(500)))
    }

    /// A database of its own in the temp folder, with its folder.
    fn fresh_store(name: &str) -> (Store, std::path::PathBuf) {
        let folder = std::env::temp_dir().join(format!("cc-analytics-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("store.redb");
        let _ = std::fs::remove_file(&path);
        (Store::open(&path, |_| {}).unwrap(), folder)
    }

    /// Each chunk: where it is, its size and how many records it holds.
    fn chunks(store: &Store) -> Vec<((Option<String>, u32), usize, usize)> {
        let read = store.db.begin_read().unwrap();
        let table = read.open_table(CHUNKS).unwrap();
        let mut out = Vec::new();
        for entry in table.iter().unwrap() {
            let (at, chunk) = entry.unwrap();
            let (session, number) = at.value();
            let records = chunk::records(chunk.value()).count();
            out.push(((session.map(str::to_owned), number), chunk.value().len(), records));
        }
        out
    }

    /// Every stored record, read chunk by chunk.
    fn every_record(store: &Store) -> Vec<Record> {
        let read = store.db.begin_read().unwrap();
        let table = read.open_table(CHUNKS).unwrap();
        let mut records = Vec::new();
        for entry in table.iter().unwrap() {
            let (_, chunk) = entry.unwrap();
            records.extend(chunk::records(chunk.value()).map(|value| decode(value.unwrap()).unwrap()));
        }
        records
    }

    /// What a dataset answers: totals, sessions and each session's detail, conversation included.
    fn answers(records: Vec<Record>) -> Vec<String> {
        let data = records.into_iter().collect::<RecordSet>().build(&PriceTable::builtin(), &MessageCapture::All);
        let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
        let mut targets: Vec<String> = ["overview", "sessions?limit=100", "daily-usage", "tool-usage", "projects"]
            .iter()
            .map(|endpoint| format!("/api/analytics/{endpoint}"))
            .collect();
        targets.extend(data.sessions.iter().map(|s| format!("/api/analytics/sessions/{}", s.session.id)));
        targets.iter().map(|target| answer(&data, target, &context).body).collect()
    }

    /// Checks that `store` holds the records one analysis of `files` gives (each under its session,
    /// answering the same; the parts of a response merged in another order are the same parts),
    /// each in the chunk its place names, in no chunk empty or past its size but for a lone
    /// record; returns them.
    fn holds_one_analysis(store: &Store, files: &[(&str, &[String])]) -> Vec<Record> {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        for (path, lines) in files {
            analyzer.push(path, lines.join("\n").as_bytes());
            analyzer.end_file(path);
        }
        let expected: Vec<Record> = analyzer.into_records().0.into_records().collect();
        let placed = |records: &[Record]| {
            let mut keys: Vec<_> = records.iter().map(|r| (r.session().map(str::to_owned), r.key())).collect();
            keys.sort();
            keys
        };
        let stored = every_record(store);
        assert_eq!(placed(&stored), placed(&expected), "every record once, under its session");
        assert_eq!(answers(stored), answers(expected.clone()));
        let read = store.db.begin_read().unwrap();
        let (chunk_table, places) = (read.open_table(CHUNKS).unwrap(), read.open_table(PLACES).unwrap());
        assert_eq!(places.len().unwrap(), expected.len() as u64);
        for record in &expected {
            let place = places.get(record.key().as_slice()).unwrap().unwrap();
            let (session, number) = place.value();
            let chunk = chunk_table.get((session, number)).unwrap().unwrap();
            let held: Vec<Vec<u8>> = chunk::records(chunk.value()).map(|r| decode(r.unwrap()).unwrap().key()).collect();
            assert!(held.contains(&record.key()) && session == record.session());
        }
        for (at, size, records) in chunks(store) {
            assert!(
                records > 0 && (size <= chunk::CHUNK_BYTES || records == 1),
                "{at:?}: {size} bytes, {records} records"
            );
        }
        expected
    }

    #[test]
    fn a_sessions_records_fill_chunks_and_a_later_merge_rewrites_only_what_changed() {
        let (store, folder) = fresh_store("chunks");
        let first: Vec<String> =
            (0..60).map(|i| long_prompt("s1", &format!("u{i}"))).chain([response("s1", "a1", 1)]).collect();
        // From a file whose path sorts first: u5 goes to s2, the response grows.
        let second = vec![prompt("s2", "u5"), response("s1", "a2", 9)];
        let mut added = Vec::new();
        for batch in [records("p/z.jsonl", &first), records("p/a.jsonl", &second)] {
            let mut writer = store.writer().unwrap();
            added.push(writer.merge(batch).unwrap());
            writer.commit().unwrap();
        }
        assert_eq!(added[0], MergeStats { sessions_added: 1, messages_added: 61 });
        assert_eq!(added[1], MergeStats { sessions_added: 1, messages_added: 0 }, "s2, by the prompt moved to it");
        let expected = holds_one_analysis(&store, &[("p/z.jsonl", &first), ("p/a.jsonl", &second)]);
        let s1 = chunks(&store).iter().filter(|((s, _), ..)| s.as_deref() == Some("s1")).count();
        assert!(s1 >= 3, "60 prompts of 3 kB fill {s1} chunks");
        assert_eq!(chunks(&store).last().unwrap().0, (Some("s2".to_owned()), 0));

        let lookup = store.lookup().unwrap();
        let mut writer = store.writer().unwrap();
        assert_eq!(writer.purge(&["s1".to_owned()]).unwrap(), 60, "59 prompts and the response");
        writer.commit().unwrap();
        let mut lookup_after = store.lookup().unwrap();
        assert!(!lookup_after.has_session("s1").unwrap() && lookup_after.has_session("s2").unwrap());
        assert!(store.session_records("s1").unwrap().is_empty());
        assert!(!lookup_after.contains(&expected.iter().find(|r| r.session() == Some("s1")).unwrap().key()).unwrap());
        assert!(lookup.contains(&expected[0].key()).unwrap(), "a lookup sees the records as they were");
        assert_eq!(chunks(&store).len(), 1, "s2's");
        drop((lookup, lookup_after, store));
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_record_that_grows_past_its_chunks_size_moves_to_the_end_of_its_session() {
        let (store, folder) = fresh_store("grown");
        // The response first, then prompts up to just under a chunk's size.
        let first: Vec<String> =
            [response("s1", "a1", 1)].into_iter().chain((0..20).map(|i| long_prompt("s1", &format!("u{i}")))).collect();
        let big = response("s1", "a2", 9).replace(r#""text":"x""#, &format!(r#""text":"{}""#, "more ".repeat(2_000)));
        let second = vec![big];
        for batch in [records("p/s1.jsonl", &first), records("p/s1-more.jsonl", &second)] {
            let mut writer = store.writer().unwrap();
            writer.merge(batch).unwrap();
            writer.commit().unwrap();
        }
        holds_one_analysis(&store, &[("p/s1.jsonl", &first), ("p/s1-more.jsonl", &second)]);
        let sizes: Vec<(u32, usize)> =
            chunks(&store).into_iter().map(|((_, number), size, _)| (number, size)).collect();
        assert_eq!(sizes.len(), 2, "the grown response left its full chunk for a new one: {sizes:?}");
        drop(store);
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn records_whose_chunk_is_gone_are_written_again_when_met_again() {
        let (store, folder) = fresh_store("lost");
        let lines: Vec<String> = (0..3).map(|i| prompt("s1", &format!("u{i}"))).chain([prompt("s2", "v")]).collect();
        let mut writer = store.writer().unwrap();
        writer.merge(records("p/s.jsonl", &lines)).unwrap();
        writer.commit().unwrap();
        // s1's chunk lost (no sound database loses one): its records' places still name it.
        let write = store.db.begin_write().unwrap();
        write.open_table(CHUNKS).unwrap().remove((Some("s1"), 0)).unwrap();
        write.commit().unwrap();

        let mut writer = store.writer().unwrap();
        let added = writer.merge(records("p/s.jsonl", &lines)).unwrap();
        writer.commit().unwrap();
        assert_eq!(added, MergeStats { sessions_added: 1, messages_added: 3 }, "s1 and its prompts again");
        holds_one_analysis(&store, &[("p/s.jsonl", &lines)]);
        drop(store);
        std::fs::remove_dir_all(&folder).unwrap();
    }

    /// A line of the histories the property below generates: few sessions, ids and summaries,
    /// so that lines meet again across files (replays that move records, responses that grow)
    /// and texts large enough to cross chunk boundaries.
    #[derive(Debug, Clone)]
    enum Line {
        Prompt { session: u8, uuid: u8, minute: u8, words: u16 },
        Response { session: u8, uuid: u8, message: u8, output: u16, minute: u8, words: u16 },
        Summary { text: u8, leaf: u8 },
    }

    impl Line {
        fn json(&self) -> String {
            let at = |minute: &u8| format!("2025-01-01T00:{minute:02}:00Z");
            match self {
                Line::Prompt { session, uuid, minute, words } => format!(
                    r#"{{"type":"user","sessionId":"s{session}","uuid":"u{uuid}","timestamp":"{}","cwd":"/w","message":{{"content":"{}"}}}}"#,
                    at(minute),
                    "word ".repeat(usize::from(*words))
                ),
                Line::Response { session, uuid, message, output, minute, words } => format!(
                    r#"{{"type":"assistant","sessionId":"s{session}","uuid":"a{uuid}","timestamp":"{}","requestId":"r{message}","message":{{"id":"m{message}","model":"claude-sonnet-4-5","content":[{{"type":"text","text":"{}"}}],"usage":{{"input_tokens":10,"output_tokens":{output}}}}}}}"#,
                    at(minute),
                    "word ".repeat(usize::from(*words))
                ),
                Line::Summary { text, leaf } => {
                    format!(r#"{{"type":"summary","summary":"S{text}","leafUuid":"u{leaf}"}}"#)
                }
            }
        }
    }

    fn line() -> impl Strategy<Value = Line> {
        let words = prop_oneof![0..200u16, 2_000..5_000u16];
        prop_oneof![
            4 => (0..3u8, 0..8u8, 0..60u8, words.clone())
                .prop_map(|(session, uuid, minute, words)| Line::Prompt { session, uuid, minute, words }),
            4 => (0..3u8, 0..8u8, 0..4u8, 1..500u16, 0..60u8, words)
                .prop_map(|(session, uuid, message, output, minute, words)| Line::Response { session, uuid, message, output, minute, words }),
            1 => (0..3u8, 0..8u8).prop_map(|(text, leaf)| Line::Summary { text, leaf }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Files merged one by one, in transactions of any size, with checkpoints after any of
        /// them, leave the store holding what one analysis of them all gives, each record in one
        /// chunk of its session that its place names, and no chunk past its size but for a lone
        /// record.
        #[test]
        fn any_files_in_any_transactions_store_what_one_analysis_gives(
            files in prop::collection::vec(prop::collection::vec(line(), 1..12), 1..6),
            transaction_of in prop::collection::vec(0..3usize, 6),
            checkpoint_after in prop::collection::vec(any::<bool>(), 6),
        ) {
            let (store, folder) = fresh_store("property");
            let files: Vec<(String, Vec<String>)> = files
                .iter()
                .enumerate()
                .map(|(i, lines)| (format!("p/f{i}.jsonl"), lines.iter().map(Line::json).collect()))
                .collect();
            for transaction in 0..3 {
                let mut writer = store.checkpointed_writer().unwrap();
                for (i, (path, lines)) in files.iter().enumerate() {
                    if transaction_of[i] == transaction {
                        writer.merge(records(path, lines)).unwrap();
                        if checkpoint_after[i] {
                            writer.checkpoint().unwrap();
                        }
                    }
                }
                writer.commit().unwrap();
            }
            let files: Vec<(&str, &[String])> = files.iter().map(|(path, lines)| (path.as_str(), &lines[..])).collect();
            holds_one_analysis(&store, &files);
            drop(store);
            std::fs::remove_dir_all(&folder).unwrap();
        }
    }
}
