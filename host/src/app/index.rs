//! The in-memory index the API answers from: the core's dataset built from every stored record
//! (figures only; conversations stay in the database and are read per request), and brought up
//! to date after a sync by rebuilding only the sessions it changed when nothing links them to
//! other sessions.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use cc_analytics_core::api::Message;
use cc_analytics_core::{
    ApiError, Conversations, Dataset, DatasetBuilder, Links, MessageCapture, PriceTable, Reply, with_sessions_rebuilt,
};

use crate::store::{Changes, Store, StoreError};

/// Most replies kept for one second.
const MAX_REPLIES: usize = 64;
/// Larger bodies (big pages, exports) are answered but not kept.
const MAX_KEPT_BODY: usize = 256 << 10;

/// A consistent view of the stored data.
#[derive(Debug, Default)]
pub struct Index {
    /// Sessions, responses and the rest.
    pub dataset: Dataset,
    /// Stored messages (user lines and responses).
    pub messages: u64,
    /// What links the stored records across sessions, until the update that succeeds this
    /// index takes it (an index without it is succeeded by a full build).
    links: Mutex<Option<Links>>,
    /// Replies computed from this index during the current second.
    pub replies: Replies,
}

impl Index {
    /// Builds the index from everything stored.
    pub fn load(store: &Store, prices: &PriceTable) -> Result<Index, StoreError> {
        let mut builder = DatasetBuilder::new(prices, &MessageCapture::None);
        let mut links = Links::new();
        let messages = store.build(&mut builder, &mut links)?;
        Ok(Index { dataset: builder.finish(), messages, links: Mutex::new(Some(links)), replies: Replies::default() })
    }

    /// This index after a sync that made `changes` and added `messages_added` messages: the
    /// sessions it changed rebuilt from their stored records, or everything built again when
    /// the changes reach other sessions (see [`Links`]).
    pub fn updated(
        &self,
        store: &Store,
        prices: &PriceTable,
        changes: &Changes,
        messages_added: u64,
    ) -> Result<Index, StoreError> {
        let Some(mut links) = self.links.lock().expect("links lock").take() else {
            return Index::load(store, prices);
        };
        if changes.wide {
            return Index::load(store, prices);
        }
        let changed: HashSet<&[u8]> = changes.keys.iter().map(Vec::as_slice).collect();
        let mut builder = DatasetBuilder::new(prices, &MessageCapture::None);
        for session in &changes.sessions {
            for record in store.session_records(session)?.into_records() {
                // Noted as it goes: a tool id two changed sessions share is then refused too.
                let admitted = !changed.contains(record.key().as_slice()) || links.admits(&record);
                if !admitted || !links.owned_by(session, &record) {
                    return Index::load(store, prices);
                }
                links.note(&record);
                builder.push(record.without_text());
            }
        }
        Ok(Index {
            dataset: with_sessions_rebuilt(&self.dataset, builder.finish()),
            messages: self.messages + messages_added,
            links: Mutex::new(Some(links)),
            replies: Replies::default(),
        })
    }
}

/// The replies of one second, by request target, and those computed ahead for the next second.
/// The data cannot change under an index, and the clock is read to the second, so a request
/// repeated within that second has the same answer: it is computed once, and identical requests
/// arriving meanwhile wait for that one computation instead of repeating it. A target asked for
/// again within its second is hot: its reply for the next second is handed out to be computed
/// ahead, so its requests do not wait when the clock turns.
#[derive(Debug, Default)]
pub struct Replies {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    second: i64,
    current: HashMap<String, Cell>,
    next: HashMap<String, Cell>,
}

impl Kept {
    /// Moves the kept replies on to `second`; false for the second just passed (a request that
    /// read the clock as it turned), which is answered without keeping anything.
    fn advance(&mut self, second: i64) -> bool {
        if second == self.second + 1 {
            self.current = std::mem::take(&mut self.next);
        } else if second == self.second - 1 {
            return false;
        } else if second != self.second {
            self.current.clear();
            self.next.clear();
        }
        self.second = second;
        true
    }

    /// The next second's cell for `target`, when no one has taken it yet.
    fn ahead(&mut self, target: &str) -> Option<Cell> {
        if self.next.contains_key(target) || self.next.len() >= MAX_REPLIES {
            return None;
        }
        let cell = Cell::default();
        self.next.insert(target.to_owned(), cell.clone());
        Some(cell)
    }
}

/// One reply, computed by the first request that needs it (or ahead of its second), and shared
/// by every request answered with it.
pub type Cell = Arc<OnceLock<Arc<Reply>>>;

/// A reply, and the next second's cell to fill when this caller is the one to compute it ahead.
#[derive(Debug)]
pub struct Answered {
    /// The reply.
    pub reply: Arc<Reply>,
    /// The same target's cell for the next second: the caller computes it ahead.
    pub ahead: Option<Cell>,
}

impl Replies {
    /// The reply to `target` at `second`, computed by `answer` unless already known.
    pub fn get(&self, second: i64, target: &str, answer: impl FnOnce() -> Reply) -> Answered {
        let (cell, hit) = {
            let mut kept = self.kept.lock().expect("replies lock");
            if !kept.advance(second) {
                return Answered { reply: Arc::new(answer()), ahead: None };
            }
            if kept.current.len() >= MAX_REPLIES && !kept.current.contains_key(target) {
                kept.current.clear();
            }
            let hit = kept.current.contains_key(target);
            (kept.current.entry(target.to_owned()).or_default().clone(), hit)
        };
        let reply = cell.get_or_init(|| Arc::new(answer())).clone();
        let mut kept = self.kept.lock().expect("replies lock");
        if reply.body.len() > MAX_KEPT_BODY {
            if kept.current.get(target).is_some_and(|k| Arc::ptr_eq(k, &cell)) {
                kept.current.remove(target);
            }
            return Answered { reply, ahead: None };
        }
        let ahead = if hit && kept.second == second { kept.ahead(target) } else { None };
        Answered { reply, ahead }
    }

    /// The reply to `target` at `second` if it has been computed (never waits for one being
    /// computed).
    pub fn ready(&self, second: i64, target: &str) -> Option<Answered> {
        let mut kept = self.kept.try_lock().ok()?;
        if !kept.advance(second) {
            return None;
        }
        let reply = kept.current.get(target)?.get()?.clone();
        Some(Answered { reply, ahead: kept.ahead(target) })
    }
}

/// Conversations read from the database, one session at a time.
pub struct StoredConversations<'a> {
    /// The database.
    pub store: &'a Store,
    /// Prices for per-response costs.
    pub prices: &'a PriceTable,
}

impl Conversations for StoredConversations<'_> {
    fn messages(&self, session: &str) -> Result<Option<Vec<Message>>, ApiError> {
        let records = self.store.session_records(session).map_err(|e| ApiError::Database(e.to_string()))?;
        let capture = MessageCapture::Session(session.to_owned());
        let data = records.build(self.prices, &capture);
        Ok(data.session(session).and_then(|s| s.messages.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn reply(body: String) -> Reply {
        Reply { status: 200, content_type: "application/json", headers: Vec::new(), body }
    }

    #[test]
    fn a_reply_is_computed_once_per_second_and_target() {
        let replies = Replies::default();
        let computed = AtomicUsize::new(0);
        let answer = |body: &str| {
            computed.fetch_add(1, Ordering::SeqCst);
            reply(body.to_owned())
        };
        assert_eq!(replies.get(7, "/a", || answer("a1")).reply.body, "a1");
        assert_eq!(replies.get(7, "/a", || answer("a2")).reply.body, "a1");
        assert_eq!(replies.get(7, "/b", || answer("b1")).reply.body, "b1");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
        assert_eq!(replies.ready(7, "/b").map(|r| r.reply.body.clone()), Some("b1".to_owned()));
        assert!(replies.ready(7, "/c").is_none());
        assert!(replies.ready(8, "/b").is_none(), "a reply is only ready in its own second");
        assert_eq!(replies.get(8, "/a", || answer("a3")).reply.body, "a3", "a new second computes again");
        assert_eq!(computed.load(Ordering::SeqCst), 3);
        assert_eq!(replies.get(7, "/a", || answer("a4")).reply.body, "a4", "a late request is answered");
        assert_eq!(replies.get(8, "/a", || answer("a5")).reply.body, "a3", "and keeps nothing");
    }

    #[test]
    fn a_hot_target_is_computed_ahead_once() {
        let replies = Replies::default();
        let first = replies.get(3, "/hot", || reply("3".to_owned()));
        assert!(first.ahead.is_none(), "one request is not hot");
        let again = replies.get(3, "/hot", || unreachable!());
        let ahead = again.ahead.expect("asked again within its second");
        assert!(replies.ready(3, "/hot").expect("kept").ahead.is_none(), "handed out once");
        assert!(replies.ready(4, "/hot").is_none(), "not computed yet");
        ahead.set(Arc::new(reply("4".to_owned()))).unwrap();
        let next = replies.ready(4, "/hot").expect("computed ahead");
        assert_eq!(next.reply.body, "4");
        assert!(next.ahead.is_some(), "still hot: the second after is handed out");
        assert!(replies.ready(6, "/hot").is_none(), "a skipped second keeps nothing");
    }

    #[test]
    fn concurrent_identical_requests_share_one_computation() {
        let replies = Replies::default();
        let computed = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    replies.get(1, "/slow", || {
                        computed.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        reply("done".to_owned())
                    })
                });
            }
        });
        assert_eq!(computed.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn large_bodies_and_many_targets_are_not_kept() {
        let replies = Replies::default();
        let big = "x".repeat(MAX_KEPT_BODY + 1);
        replies.get(1, "/export", || reply(big.clone()));
        assert_eq!(replies.get(1, "/export", || reply("again".to_owned())).reply.body, "again");
        for i in 0..=MAX_REPLIES {
            replies.get(1, &format!("/t{i}"), || reply(String::new()));
        }
        assert!(replies.kept.lock().unwrap().current.len() <= MAX_REPLIES);
    }
}
