//! Where each record is: the places table (record key → the chunk that holds it), and the places
//! a write transaction has made but not written yet. A transaction writes its places once, at
//! its end, in key order: written after each merge, they went to leaves all over the table, and
//! with a small page cache each merge read back and wrote again most of the table's pages.

use std::ops::Bound;

use redb::{ReadableTableMetadata, Table};

use super::StoreError;

/// The table of places: record key → `(session id, chunk number)` of the chunk that holds it.
pub type PlaceTable<'txn> = Table<'txn, &'static [u8], (Option<&'static str>, u32)>;

/// Where a chunk is: its session and its number.
pub type ChunkAt<'a> = (Option<&'a str>, u32);

/// The places of one merge's appended records, in key order once [`Placed::sort`] ran.
#[derive(Default)]
pub struct Placed {
    /// The sessions appended to, in turn.
    sessions: Vec<Option<String>>,
    /// The records' keys, one after another.
    keys: Vec<u8>,
    places: Vec<Place>,
}

/// One record's place: its key (`len` bytes at `start` in [`Placed::keys`]), its session (in
/// [`Placed::sessions`]) and its chunk's number.
struct Place {
    start: u32,
    len: u32,
    session: u32,
    number: u32,
}

impl Placed {
    /// The session appended to last.
    pub fn last_session(&self) -> Option<Option<&str>> {
        self.sessions.last().map(Option::as_deref)
    }

    /// Starts placing the records of `session`.
    pub fn start_session(&mut self, session: Option<&str>) {
        self.sessions.push(session.map(str::to_owned));
    }

    /// Places the record with this key in chunk `number` of the last session started.
    pub fn add(&mut self, key: &[u8], number: u32) {
        let small = |n: usize| u32::try_from(n).expect("a merge places less than 4 GiB of keys");
        let start = small(self.keys.len());
        self.keys.extend_from_slice(key);
        let session = small(self.sessions.len().checked_sub(1).expect("a session is started first"));
        self.places.push(Place { start, len: small(key.len()), session, number });
    }

    /// Puts the places in key order (keys are unique, as a record set's are), and gives back
    /// the room they no longer need to grow into, as they are kept until the commit.
    pub fn sort(&mut self) {
        let keys = &self.keys;
        self.places.sort_unstable_by(|a, b| key(keys, a).cmp(key(keys, b)));
        self.keys.shrink_to_fit();
        self.places.shrink_to_fit();
    }

    /// The place of the record with this key, if it is one of these.
    pub fn get(&self, wanted: &[u8]) -> Option<ChunkAt<'_>> {
        let found = self.places.binary_search_by(|place| key(&self.keys, place).cmp(wanted)).ok()?;
        Some(self.resolve(&self.places[found]).1)
    }

    fn resolve(&self, place: &Place) -> (&[u8], ChunkAt<'_>) {
        (key(&self.keys, place), (self.sessions[place.session as usize].as_deref(), place.number))
    }
}

/// The key of `place` among `keys`.
fn key<'a>(keys: &'a [u8], place: &Place) -> &'a [u8] {
    let start = place.start as usize;
    &keys[start..start + place.len as usize]
}

/// Writes the places of `runs` (in the order they were made: a record placed again, having moved,
/// is in a later run) to the table, in key order.
pub fn write(runs: &[Placed], table: &mut PlaceTable<'_>) -> Result<(), StoreError> {
    let mut all: Vec<(&[u8], ChunkAt<'_>)> =
        runs.iter().flat_map(|run| run.places.iter().map(|place| run.resolve(place))).collect();
    if runs.len() > 1 {
        // Stable: of two places of one key, the later run's stays after the earlier's.
        all.sort_by(|a, b| a.0.cmp(b.0));
    }
    let latest = all.iter().enumerate().filter(|(i, (key, _))| all.get(i + 1).is_none_or(|next| next.0 != *key));
    if table.is_empty()? {
        // Every key is new and they come in order: appended through a cursor at the table's end,
        // which fills each leaf before starting the next, rather than looked up one by one.
        let mut end = table.upper_bound_mut(Bound::<&[u8]>::Unbounded)?;
        for (_, (key, place)) in latest {
            end.insert_before(*key, *place)?;
        }
        end.close()?;
    } else {
        for (_, (key, place)) in latest {
            table.insert(*key, *place)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::ReadableTable;

    use super::*;

    fn run(places: &[(&str, &[u8], u32)]) -> Placed {
        let mut run = Placed::default();
        for &(session, key, number) in places {
            if run.last_session() != Some(Some(session)) {
                run.start_session(Some(session));
            }
            run.add(key, number);
        }
        run.sort();
        run
    }

    #[test]
    fn a_run_finds_its_places_by_key() {
        let run = run(&[("s1", b"m", 0), ("s1", b"c", 1), ("s2", b"x", 0), ("s2", b"a", 3)]);
        assert_eq!(run.get(b"c"), Some((Some("s1"), 1)));
        assert_eq!(run.get(b"a"), Some((Some("s2"), 3)));
        assert_eq!(run.get(b"x"), Some((Some("s2"), 0)));
        assert_eq!(run.get(b"b"), None);
    }

    #[test]
    fn the_later_run_wins_when_a_record_moved() {
        let db = redb::Database::builder().create_with_backend(redb::backends::InMemoryBackend::new()).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut table = txn.open_table(super::super::schema::PLACES).unwrap();
            let runs = [run(&[("s1", b"a", 0), ("s1", b"b", 0)]), run(&[("s2", b"a", 4), ("s2", b"c", 4)])];
            write(&runs, &mut table).unwrap();
            let places: Vec<_> = table
                .iter()
                .unwrap()
                .map(|entry| {
                    let (key, place) = entry.unwrap();
                    let (session, number) = place.value();
                    (key.value().to_vec(), session.map(str::to_owned), number)
                })
                .collect();
            let expected = [(b"a", "s2", 4), (b"b", "s1", 0), (b"c", "s2", 4)]
                .map(|(key, session, number)| (key.to_vec(), Some(session.to_owned()), number));
            assert_eq!(places, expected);
        }
        txn.abort().unwrap();
    }
}
