//! Facts as storable records. The host keeps every record in its database under its key and
//! merges re-read lines into what is stored; the merge rules are the in-memory ones, so reading a
//! line twice (after a reset, or a file rewritten in place) never doubles anything.

use std::fmt;
use std::sync::Arc;

use super::analyzer::MessageCapture;
use super::build::{Builder, Kinds, build};
use super::facts::{Fact, Facts};
use super::strings::Strings;
use crate::dataset::Dataset;
use crate::pricing::PriceTable;

/// The version of the record encoding; a store written with another version must be migrated.
pub const RECORD_FORMAT: u32 = 1;

/// One deduplicated fact: a user, system or rate-limit line, an API response merged from its
/// lines, a summary or a title.
#[derive(Debug, Clone, PartialEq)]
pub struct Record(pub(crate) Fact);

/// A stored record that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undecodable record: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

impl Record {
    /// The key it is stored under: records with equal keys merge.
    pub fn key(&self) -> Vec<u8> {
        postcard::to_allocvec(&self.0.key()).expect("keys always encode")
    }

    /// The session it belongs to (none for summaries, which find theirs through their leaf line).
    pub fn session(&self) -> Option<&str> {
        self.0.session().map(|s| &**s)
    }

    /// A user line or an API response: one message of a conversation.
    pub fn is_message(&self) -> bool {
        matches!(self.0, Fact::User(_) | Fact::Response(_))
    }

    /// The record without its rendered conversation text: all that the figures need (the text
    /// only serves a session's detail).
    pub fn without_text(mut self) -> Record {
        match &mut self.0 {
            Fact::User(user) => user.text = None,
            Fact::Response(response) => response.parts.iter_mut().for_each(|part| part.text = Box::default()),
            _ => {}
        }
        self
    }

    /// Folds a record with the same key into this one.
    pub fn merge(&mut self, other: Record) {
        self.0.merge(other.0);
    }

    /// The stored form.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the stored form to `out` (a chunk of records is written this way without a copy
    /// of each record of its own).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        postcard::serialize_with_flavor(&self.0, Appending(out)).expect("records always encode");
    }

    /// Reads the stored form back.
    pub fn decode(bytes: &[u8]) -> Result<Record, DecodeError> {
        postcard::from_bytes(bytes).map(Record).map_err(|e| DecodeError(e.to_string()))
    }
}

/// postcard's output appended to a vector that may already hold other records.
struct Appending<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Appending<'_> {
    type Output = ();

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.0.push(byte);
        Ok(())
    }

    fn try_extend(&mut self, bytes: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// A set of records, merged by key.
#[derive(Debug, Default, Clone)]
pub struct RecordSet(pub(crate) Facts);

impl RecordSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record, merging it with the one of the same key.
    pub fn insert(&mut self, record: Record) {
        self.0.add(record.0);
    }

    /// How many records (keys) it holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The records, in no particular order.
    pub fn into_records(self) -> impl Iterator<Item = Record> {
        self.0.into_facts().map(Record)
    }

    /// Applies the accounting rules: the same as [`crate::Analyzer::finish`] on the lines these
    /// records came from.
    pub fn build(self, prices: &PriceTable, capture: &MessageCapture) -> Dataset {
        build(self.0, prices, capture)
    }
}

/// A dataset built from stored records one session at a time, so that only one session's
/// records are held at once: the summaries first (they name no session), then each session's
/// records together, sessions in id order (as the store keeps them). Keys are distinct, as
/// stored, so nothing is merged.
pub struct DatasetBuilder<'a> {
    builder: Builder<'a>,
    /// The session whose records are arriving, and its facts so far.
    session: Option<Arc<str>>,
    facts: Kinds,
    /// One copy of each string the session's records repeat.
    strings: Strings,
}

impl<'a> DatasetBuilder<'a> {
    /// Nothing added yet.
    pub fn new(prices: &'a PriceTable, capture: &'a MessageCapture) -> Self {
        DatasetBuilder {
            builder: Builder::new(prices, capture),
            session: None,
            facts: Kinds::default(),
            strings: Strings::default(),
        }
    }

    /// Adds a record whose key no other record here has: a summary before any session's record,
    /// or the next record of the current session, or the first of a session after it.
    pub fn push(&mut self, record: Record) {
        let mut fact = record.0;
        match fact {
            Fact::Summary(summary) => self.builder.add_summary(*summary),
            _ => {
                let session = fact.session().expect("every record but a summary has a session");
                if self.session.as_ref() != Some(session) {
                    self.end_session();
                    self.session = Some(session.clone());
                }
                fact.share(&mut self.strings);
                self.facts.add(fact);
            }
        }
    }

    /// Applies the accounting rules, as [`RecordSet::build`] does on the same records.
    pub fn finish(mut self) -> Dataset {
        self.end_session();
        self.builder.finish()
    }

    fn end_session(&mut self) {
        if let Some(session) = self.session.take() {
            self.builder.add_session(session, std::mem::take(&mut self.facts));
            self.strings.clear();
        }
    }
}

impl FromIterator<Record> for RecordSet {
    fn from_iter<I: IntoIterator<Item = Record>>(records: I) -> Self {
        let mut set = RecordSet::new();
        for record in records {
            set.insert(record);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer;
    use crate::query::{QueryContext, answer};

    const FILE: &str = r#"{"type":"user","sessionId":"s","uuid":"u1","timestamp":"2025-01-01T00:00:00Z","message":{"content":"hi"}}
{"type":"assistant","sessionId":"s","uuid":"a1","timestamp":"2025-01-01T00:00:01Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":10,"output_tokens":1}}}
{"type":"assistant","sessionId":"s","uuid":"a2","timestamp":"2025-01-01T00:00:02Z","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t","name":"Read","input":{}}],"usage":{"input_tokens":10,"output_tokens":7}}}
{"type":"summary","summary":"Greeting","leafUuid":"a2"}
"#;

    fn records(text: &str) -> RecordSet {
        let mut analyzer = Analyzer::new(MessageCapture::All);
        analyzer.push("p/s.jsonl", text.as_bytes());
        analyzer.into_records().0
    }

    fn answers(set: RecordSet) -> Vec<String> {
        answers_of(&set.build(&PriceTable::builtin(), &MessageCapture::All))
    }

    fn answers_of(data: &Dataset) -> Vec<String> {
        let context = QueryContext { now: 0, default_zone: chrono_tz::UTC };
        ["overview", "sessions", "sessions/s", "tool-usage"]
            .iter()
            .map(|e| answer(data, &format!("/api/analytics/{e}"), &context).body)
            .collect()
    }

    #[test]
    fn record_keys_keep_their_stored_encoding() {
        // Stored databases find records by these bytes: variant index, then each string's length
        // and bytes (postcard), whatever the in-memory key type.
        let mut keys: Vec<Vec<u8>> = records(FILE).into_records().map(|r| r.key()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                vec![0, 2, b'u', b'1'],
                vec![3, 0, 1, b'm', 1, b'r'],
                vec![4, 2, b'a', b'2', 8, b'G', b'r', b'e', b'e', b't', b'i', b'n', b'g'],
            ]
        );
    }

    #[test]
    fn records_survive_encoding_and_rereading_doubles_nothing() {
        let stored: Vec<(Vec<u8>, Vec<u8>)> = records(FILE).into_records().map(|r| (r.key(), r.encode())).collect();
        let decoded: RecordSet = stored.iter().map(|(_, bytes)| Record::decode(bytes).unwrap()).collect();
        let expected = answers(records(FILE));
        assert_eq!(answers(decoded.clone()), expected);
        let mut by_session: Vec<Record> = stored.iter().map(|(_, bytes)| Record::decode(bytes).unwrap()).collect();
        by_session.sort_by(|a, b| a.session().cmp(&b.session()));
        let (prices, capture) = (PriceTable::builtin(), MessageCapture::All);
        let mut builder = DatasetBuilder::new(&prices, &capture);
        by_session.into_iter().for_each(|record| builder.push(record));
        assert_eq!(answers_of(&builder.finish()), expected);

        let mut reread = decoded;
        for record in records(FILE).into_records() {
            reread.insert(record);
        }
        assert_eq!(reread.len(), stored.len());
        assert_eq!(answers(reread), expected);
        assert!(Record::decode(b"\xff\xff").is_err());
    }
}
