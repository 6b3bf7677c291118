//! The in-memory index the API answers from: the core's dataset built from every stored record
//! (figures only; conversations stay in the database and are read per request).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cc_analytics_core::api::Message;
use cc_analytics_core::{ApiError, Conversations, Dataset, MessageCapture, PriceTable, Reply};

use crate::store::{Store, StoreError};

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
    /// Replies computed from this index during the current second.
    pub replies: Replies,
}

impl Index {
    /// Builds the index from everything stored.
    pub fn load(store: &Store, prices: &PriceTable) -> Result<Index, StoreError> {
        let (records, messages) = store.records()?;
        Ok(Index { dataset: records.build(prices, &MessageCapture::None), messages, replies: Replies::default() })
    }
}

/// The replies of one second, by request target. The data cannot change under an index, and the
/// clock is read to the second, so a request repeated within that second has the same answer:
/// it is computed once, and identical requests arriving meanwhile wait for that one computation
/// instead of repeating it.
#[derive(Debug, Default)]
pub struct Replies {
    second: Mutex<(i64, HashMap<String, Cell>)>,
}

/// One reply, computed by the first request that needs it.
type Cell = Arc<OnceLock<Reply>>;

impl Replies {
    /// The reply to `target` at `second`, computed by `answer` unless already known.
    pub fn get(&self, second: i64, target: &str, answer: impl FnOnce() -> Reply) -> Reply {
        let cell = {
            let mut slot = self.second.lock().expect("replies lock");
            if slot.0 != second || (slot.1.len() >= MAX_REPLIES && !slot.1.contains_key(target)) {
                *slot = (second, HashMap::new());
            }
            slot.1.entry(target.to_owned()).or_default().clone()
        };
        let reply = cell.get_or_init(answer).clone();
        if reply.body.len() > MAX_KEPT_BODY {
            let mut slot = self.second.lock().expect("replies lock");
            if slot.1.get(target).is_some_and(|kept| Arc::ptr_eq(kept, &cell)) {
                slot.1.remove(target);
            }
        }
        reply
    }

    /// The reply to `target` at `second` if it has been computed (never waits for one being
    /// computed).
    pub fn ready(&self, second: i64, target: &str) -> Option<Reply> {
        let slot = self.second.try_lock().ok()?;
        if slot.0 != second {
            return None;
        }
        slot.1.get(target)?.get().cloned()
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
        assert_eq!(replies.get(7, "/a", || answer("a1")).body, "a1");
        assert_eq!(replies.get(7, "/a", || answer("a2")).body, "a1");
        assert_eq!(replies.get(7, "/b", || answer("b1")).body, "b1");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
        assert_eq!(replies.ready(7, "/b").map(|r| r.body), Some("b1".to_owned()));
        assert_eq!(replies.ready(7, "/c"), None);
        assert_eq!(replies.ready(8, "/b"), None, "a reply is only ready in its own second");
        assert_eq!(replies.get(8, "/a", || answer("a3")).body, "a3", "a new second computes again");
        assert_eq!(computed.load(Ordering::SeqCst), 3);
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
        assert_eq!(replies.get(1, "/export", || reply("again".to_owned())).body, "again");
        for i in 0..=MAX_REPLIES {
            replies.get(1, &format!("/t{i}"), || reply(String::new()));
        }
        assert!(replies.second.lock().unwrap().1.len() <= MAX_REPLIES);
    }
}
