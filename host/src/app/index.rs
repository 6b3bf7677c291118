//! The in-memory index the API answers from: the core's dataset built from every stored record
//! (figures only; conversations stay in the database and are read per request).

use cc_analytics_core::api::Message;
use cc_analytics_core::{ApiError, Conversations, Dataset, MessageCapture, PriceTable};

use crate::store::{Store, StoreError};

/// A consistent view of the stored data.
#[derive(Debug, Default)]
pub struct Index {
    /// Sessions, responses and the rest.
    pub dataset: Dataset,
    /// Stored messages (user lines and responses).
    pub messages: u64,
}

impl Index {
    /// Builds the index from everything stored.
    pub fn load(store: &Store, prices: &PriceTable) -> Result<Index, StoreError> {
        let (records, messages) = store.records()?;
        Ok(Index { dataset: records.build(prices, &MessageCapture::None), messages })
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
