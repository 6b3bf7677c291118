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

/// Most replies kept for an index, and most kept for one second.
const MAX_REPLIES: usize = 64;
/// Larger bodies (big pages, exports) are answered but not kept.
const MAX_KEPT_BODY: usize = 256 << 10;
/// Most bytes of bodies kept for an index.
const MAX_KEPT_BYTES: usize = 4 << 20;
// A reply that may be kept fits within the budget, so keeping it never needs to forget itself.
const _: () = assert!(MAX_KEPT_BODY <= MAX_KEPT_BYTES);

/// Whether a reply is kept for the next requests: not a large body, nor a server error (a
/// database that could not be read may be readable at the next request).
fn keeps(reply: &Reply) -> bool {
    reply.body.len() <= MAX_KEPT_BODY && reply.status < 500
}

/// A consistent view of the stored data.
#[derive(Debug, Default)]
pub struct Index {
    /// Sessions, responses and the rest.
    pub dataset: Dataset,
    /// What links the stored records across sessions, until the update that succeeds this
    /// index takes it (an index without it is succeeded by a full build).
    links: Mutex<Option<Links>>,
    /// Replies computed from this index (see [`Replies`]).
    pub replies: Replies,
}

impl Index {
    /// Builds the index from everything stored.
    pub fn load(store: &Store, prices: &PriceTable) -> Result<Index, StoreError> {
        let mut builder = DatasetBuilder::new(prices, &MessageCapture::None);
        let mut links = Links::new();
        store.build(&mut builder, &mut links)?;
        Ok(Index { dataset: builder.finish(), links: Mutex::new(Some(links)), replies: Replies::default() })
    }

    /// This index after a sync that made `changes`: the sessions it changed rebuilt from their
    /// stored records, or everything built again when the changes reach other sessions (see
    /// [`Links`]).
    pub fn updated(&self, store: &Store, prices: &PriceTable, changes: &Changes) -> Result<Index, StoreError> {
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
            links: Mutex::new(Some(links)),
            replies: Replies::default(),
        })
    }
}

/// How long a reply holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// As long as its index: the answer reads no clock (see the core's `reads_clock`).
    Index,
    /// One second of the clock (the 5-hour blocks, which tell the active one).
    Second(i64),
}

/// The replies computed from one index, by request target: those that read no clock for as long
/// as the index (within a count and a byte budget, see [`Lasting`]), the others for their second,
/// with those computed ahead for the next second.
/// The data cannot change under an index, and the clock is read to the second, so a request
/// repeated within its reply's span has the same answer: it is computed once, and identical
/// requests arriving meanwhile wait for that one computation instead of repeating it. A target
/// that reads the clock and is asked for again within its second is hot: its reply for the next
/// second is handed out to be computed ahead, so its requests do not wait when the clock turns.
#[derive(Debug, Default)]
pub struct Replies {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    lasting: Lasting,
    second: i64,
    current: HashMap<String, Cell>,
    next: HashMap<String, Cell>,
}

/// The replies kept for the index's life: at most [`MAX_REPLIES`] and [`MAX_KEPT_BYTES`] of
/// bodies, the one asked for least recently going first.
#[derive(Debug, Default)]
struct Lasting {
    replies: HashMap<String, Lasted>,
    /// Bytes of the bodies computed and kept.
    bytes: usize,
    /// Counts the requests, to tell which reply was asked for least recently.
    asked: u64,
}

#[derive(Debug)]
struct Lasted {
    cell: Cell,
    /// The `asked` count when it was last asked for.
    last_asked: u64,
    /// Its body's length, once computed and kept.
    bytes: usize,
}

impl Lasting {
    /// The cell of `target`, a new one unless it is kept.
    fn cell(&mut self, target: &str) -> Cell {
        self.asked += 1;
        if let Some(kept) = self.replies.get_mut(target) {
            kept.last_asked = self.asked;
            return kept.cell.clone();
        }
        if self.replies.len() >= MAX_REPLIES {
            self.forget_oldest(target, false);
        }
        let cell = Cell::default();
        self.replies.insert(target.to_owned(), Lasted { cell: cell.clone(), last_asked: self.asked, bytes: 0 });
        cell
    }

    /// The reply to `target`, if computed.
    fn ready(&mut self, target: &str) -> Option<Arc<Reply>> {
        let kept = self.replies.get_mut(target)?;
        let reply = kept.cell.get()?.clone();
        self.asked += 1;
        kept.last_asked = self.asked;
        Some(reply)
    }

    /// Counts the reply `cell` now holds for `target`, dropping others while the bodies exceed
    /// [`MAX_KEPT_BYTES`]; or forgets it when it is not to be kept.
    fn settle(&mut self, target: &str, cell: &Cell, reply: &Reply) {
        let Some(kept) = self.replies.get_mut(target).filter(|kept| Arc::ptr_eq(&kept.cell, cell)) else {
            return;
        };
        if !keeps(reply) {
            let bytes = kept.bytes;
            self.replies.remove(target);
            self.bytes -= bytes;
            return;
        }
        if kept.bytes == 0 {
            kept.bytes = reply.body.len();
            self.bytes += kept.bytes;
        }
        while self.bytes > MAX_KEPT_BYTES && self.forget_oldest(target, true) {}
    }

    /// Forgets the reply asked for least recently, other than `target`'s, and only among those
    /// whose bytes are counted when `counted` (forgetting one still being computed frees none);
    /// false if there is none.
    fn forget_oldest(&mut self, target: &str, counted: bool) -> bool {
        let oldest = self
            .replies
            .iter()
            .filter(|(kept_target, kept)| kept_target.as_str() != target && (!counted || kept.bytes > 0))
            .min_by_key(|(_, kept)| kept.last_asked)
            .map(|(kept_target, _)| kept_target.clone());
        let Some(kept) = oldest.and_then(|oldest| self.replies.remove(&oldest)) else {
            return false;
        };
        self.bytes -= kept.bytes;
        true
    }
}

impl Kept {
    /// The second's replies after moving them on to `second`; none for the second just passed (a
    /// request that read the clock as it turned), which is answered without keeping anything.
    fn of_second(&mut self, second: i64) -> Option<&mut HashMap<String, Cell>> {
        self.advance(second).then_some(&mut self.current)
    }

    /// Moves the kept replies on to `second`; false for the second just passed.
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
    /// The reply to `target` for `span`, computed by `answer` unless already known.
    pub fn get(&self, span: Span, target: &str, answer: impl FnOnce() -> Reply) -> Answered {
        let (cell, hit) = {
            let mut kept = self.kept.lock().expect("replies lock");
            match span {
                // Whether it was kept only matters to computing a second's reply ahead.
                Span::Index => (kept.lasting.cell(target), false),
                Span::Second(second) => {
                    let Some(replies) = kept.of_second(second) else {
                        return Answered { reply: Arc::new(answer()), ahead: None };
                    };
                    if replies.len() >= MAX_REPLIES && !replies.contains_key(target) {
                        replies.clear();
                    }
                    let hit = replies.contains_key(target);
                    (replies.entry(target.to_owned()).or_default().clone(), hit)
                }
            }
        };
        let reply = cell.get_or_init(|| Arc::new(answer())).clone();
        let mut kept = self.kept.lock().expect("replies lock");
        let ahead = match span {
            Span::Index => {
                kept.lasting.settle(target, &cell, &reply);
                None
            }
            Span::Second(_) if !keeps(&reply) => {
                if kept.current.get(target).is_some_and(|k| Arc::ptr_eq(k, &cell)) {
                    kept.current.remove(target);
                }
                None
            }
            Span::Second(second) if hit && kept.second == second => kept.ahead(target),
            Span::Second(_) => None,
        };
        Answered { reply, ahead }
    }

    /// The reply to `target` for `span` if it has been computed (never waits for one being
    /// computed).
    pub fn ready(&self, span: Span, target: &str) -> Option<Answered> {
        let mut kept = self.kept.try_lock().ok()?;
        match span {
            Span::Index => Some(Answered { reply: kept.lasting.ready(target)?, ahead: None }),
            Span::Second(second) => {
                let reply = kept.of_second(second)?.get(target)?.get()?.clone();
                Some(Answered { reply, ahead: kept.ahead(target) })
            }
        }
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

    /// Answers that count how many were computed.
    #[derive(Default)]
    struct Computed(AtomicUsize);

    impl Computed {
        fn answer(&self, body: &str) -> Reply {
            self.0.fetch_add(1, Ordering::SeqCst);
            reply(body.to_owned())
        }

        fn count(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn a_reply_is_computed_once_per_second_and_target() {
        let replies = Replies::default();
        let computed = Computed::default();
        assert_eq!(replies.get(Span::Second(7), "/a", || computed.answer("a1")).reply.body, "a1");
        assert_eq!(replies.get(Span::Second(7), "/a", || computed.answer("a2")).reply.body, "a1");
        assert_eq!(replies.get(Span::Second(7), "/b", || computed.answer("b1")).reply.body, "b1");
        assert_eq!(computed.count(), 2);
        assert_eq!(replies.ready(Span::Second(7), "/b").map(|r| r.reply.body.clone()), Some("b1".to_owned()));
        assert!(replies.ready(Span::Second(7), "/c").is_none());
        assert!(replies.ready(Span::Second(8), "/b").is_none(), "a reply is only ready in its own second");
        assert_eq!(
            replies.get(Span::Second(8), "/a", || computed.answer("a3")).reply.body,
            "a3",
            "a new second computes again"
        );
        assert_eq!(computed.count(), 3);
        assert_eq!(
            replies.get(Span::Second(7), "/a", || computed.answer("a4")).reply.body,
            "a4",
            "a late request is answered"
        );
        assert_eq!(replies.get(Span::Second(8), "/a", || computed.answer("a5")).reply.body, "a3", "and keeps nothing");
    }

    #[test]
    fn a_reply_that_reads_no_clock_is_kept_for_the_index() {
        let replies = Replies::default();
        let computed = Computed::default();
        assert_eq!(replies.get(Span::Index, "/a", || computed.answer("a1")).reply.body, "a1");
        assert_eq!(replies.get(Span::Second(7), "/b", || computed.answer("b1")).reply.body, "b1");
        assert_eq!(
            replies.get(Span::Second(9), "/b", || computed.answer("b2")).reply.body,
            "b2",
            "a new second computes again"
        );
        let again = replies.get(Span::Index, "/a", || computed.answer("a2"));
        assert_eq!(again.reply.body, "a1", "kept whatever the second");
        assert!(again.ahead.is_none(), "nothing to compute ahead");
        let ready = replies.ready(Span::Index, "/a").expect("kept");
        assert_eq!(ready.reply.body, "a1");
        assert!(ready.ahead.is_none());
        assert!(replies.ready(Span::Index, "/b").is_none(), "a second's reply is not the index's");
        assert_eq!(computed.count(), 3);
    }

    #[test]
    fn a_hot_target_is_computed_ahead_once() {
        let replies = Replies::default();
        let first = replies.get(Span::Second(3), "/hot", || reply("3".to_owned()));
        assert!(first.ahead.is_none(), "one request is not hot");
        let again = replies.get(Span::Second(3), "/hot", || unreachable!());
        let ahead = again.ahead.expect("asked again within its second");
        assert!(replies.ready(Span::Second(3), "/hot").expect("kept").ahead.is_none(), "handed out once");
        assert!(replies.ready(Span::Second(4), "/hot").is_none(), "not computed yet");
        ahead.set(Arc::new(reply("4".to_owned()))).unwrap();
        let next = replies.ready(Span::Second(4), "/hot").expect("computed ahead");
        assert_eq!(next.reply.body, "4");
        assert!(next.ahead.is_some(), "still hot: the second after is handed out");
        assert!(replies.ready(Span::Second(6), "/hot").is_none(), "a skipped second keeps nothing");
    }

    #[test]
    fn concurrent_identical_requests_share_one_computation() {
        let replies = Replies::default();
        let computed = Computed::default();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    replies.get(Span::Second(1), "/slow", || {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        computed.answer("done")
                    })
                });
            }
        });
        assert_eq!(computed.count(), 1);
    }

    #[test]
    fn the_reply_asked_for_least_recently_is_forgotten_first() {
        let replies = Replies::default();
        let computed = Computed::default();
        replies.get(Span::Index, "/overview", || computed.answer("overview"));
        for i in 0..MAX_REPLIES {
            // The overview is asked for between every other target, as the dashboard does, through
            // either way of asking.
            replies.get(Span::Index, &format!("/sessions/{i}"), || computed.answer("detail"));
            if i % 2 == 0 {
                assert!(replies.ready(Span::Index, "/overview").is_some(), "kept after {} other targets", i + 1);
            } else {
                replies.get(Span::Index, "/overview", || computed.answer("overview again"));
            }
        }
        assert_eq!(computed.count(), 1 + MAX_REPLIES);
        assert!(replies.ready(Span::Index, "/sessions/0").is_none(), "the oldest went");
        assert!(replies.ready(Span::Index, &format!("/sessions/{}", MAX_REPLIES - 1)).is_some());
        assert_eq!(replies.kept.lock().unwrap().lasting.replies.len(), MAX_REPLIES);
    }

    #[test]
    fn kept_bodies_stay_within_their_byte_budget() {
        let replies = Replies::default();
        let body = "x".repeat(MAX_KEPT_BODY);
        let fit = MAX_KEPT_BYTES / MAX_KEPT_BODY;
        for i in 0..fit + 3 {
            replies.get(Span::Index, &format!("/page/{i}"), || reply(body.clone()));
        }
        let kept = replies.kept.lock().unwrap();
        let bytes: usize = kept.lasting.replies.values().map(|entry| entry.bytes).sum();
        assert_eq!((kept.lasting.bytes, kept.lasting.replies.len()), (bytes, fit));
        assert!(kept.lasting.bytes <= MAX_KEPT_BYTES);
        assert!(kept.lasting.replies.contains_key(&format!("/page/{}", fit + 2)), "the newest is kept");
        assert!(!kept.lasting.replies.contains_key("/page/2"), "the oldest went");
    }

    #[test]
    fn a_reply_being_computed_is_not_forgotten_to_free_bytes() {
        let replies = Replies::default();
        let body = "x".repeat(MAX_KEPT_BODY);
        std::thread::scope(|scope| {
            // Made inside the scope, so that a failed assertion drops `go` and the thread ends.
            let (go, wait) = std::sync::mpsc::channel::<()>();
            let replies = &replies;
            let slow = scope.spawn(move || {
                replies.get(Span::Index, "/slow", || {
                    wait.recv().unwrap();
                    reply("slow".to_owned())
                })
            });
            while !replies.kept.lock().unwrap().lasting.replies.contains_key("/slow") {
                std::thread::yield_now();
            }
            for i in 0..=MAX_KEPT_BYTES / MAX_KEPT_BODY {
                replies.get(Span::Index, &format!("/page/{i}"), || reply(body.clone()));
            }
            assert!(replies.kept.lock().unwrap().lasting.replies.contains_key("/slow"), "oldest, but frees nothing");
            go.send(()).unwrap();
            assert_eq!(slow.join().unwrap().reply.body, "slow");
        });
        assert!(replies.ready(Span::Index, "/slow").is_some());
    }

    #[test]
    fn large_bodies_server_errors_and_many_targets_are_not_kept() {
        let replies = Replies::default();
        let big = "x".repeat(MAX_KEPT_BODY + 1);
        let failed = Reply { status: 500, ..reply("failed".to_owned()) };
        for span in [Span::Index, Span::Second(1)] {
            replies.get(span, "/export", || reply(big.clone()));
            assert_eq!(replies.get(span, "/export", || reply("again".to_owned())).reply.body, "again");
            replies.get(span, "/sessions/a", || failed.clone());
            assert_eq!(replies.get(span, "/sessions/a", || reply("read".to_owned())).reply.body, "read");
            for i in 0..=MAX_REPLIES {
                replies.get(span, &format!("/t{i}"), || reply(String::new()));
            }
        }
        let kept = replies.kept.lock().unwrap();
        assert!(kept.lasting.replies.len() <= MAX_REPLIES && kept.current.len() <= MAX_REPLIES);
    }
}
