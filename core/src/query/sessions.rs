//! `GET /api/analytics/sessions` (paged, sorted) and `GET /api/analytics/sessions/:id`.

use crate::api::{Message, Pagination, Session, SessionDetail, SessionPage};
use crate::dataset::{Dataset, SessionRecord};
use crate::error::ApiError;
use crate::query::params::Params;
use crate::query::scope::Scope;

/// Largest page.
const MAX_LIMIT: u64 = 1000;

/// The counted sessions in the order `sort` / `order` ask for (default: newest start first).
pub fn sorted<'d>(scope: &Scope<'d>, params: &Params) -> Result<Vec<&'d SessionRecord>, ApiError> {
    let sort = params.choice("sort", &["startTime", "cost", "duration", "tokens"], "startTime")?;
    let order = params.choice("order", &["asc", "desc"], "desc")?;
    let key = |s: &SessionRecord| -> (i128, i128) {
        let t = &s.session;
        let primary = match sort {
            "cost" => i128::from(s.cost),
            "duration" => i128::from(t.duration),
            "tokens" => {
                i128::from(t.input_tokens)
                    + i128::from(t.output_tokens)
                    + i128::from(t.cache_creation_tokens)
                    + i128::from(t.cache_read_tokens)
            }
            _ => i128::from(s.start),
        };
        (primary, i128::from(s.start))
    };
    let mut sessions: Vec<&SessionRecord> = scope.sessions().collect();
    sessions.sort_by(|a, b| {
        let by_key = key(a).cmp(&key(b)).then_with(|| a.session.id.cmp(&b.session.id));
        if order == "asc" { by_key } else { by_key.reverse() }
    });
    Ok(sessions)
}

/// One page of sessions.
pub fn page(scope: &Scope<'_>, params: &Params) -> Result<SessionPage, ApiError> {
    let limit = params.integer("limit", 20, 1, MAX_LIMIT)?;
    let offset = params.integer("offset", 0, 0, u64::MAX)?;
    let all = sorted(scope, params)?;
    let total = all.len() as u64;
    let sessions: Vec<Session> =
        all.into_iter().skip(offset.min(total) as usize).take(limit as usize).map(|s| s.session.clone()).collect();
    Ok(SessionPage {
        pagination: Pagination { total, limit, offset, has_more: offset.saturating_add(limit) < total },
        sessions,
    })
}

/// One session with its conversation: from the dataset when it holds it, else from `source`.
pub fn detail(
    data: &Dataset,
    id: &str,
    params: &Params,
    source: &dyn Conversations,
) -> Result<SessionDetail, ApiError> {
    let limit = params.integer("messagesLimit", u64::MAX, 1, u64::MAX)?;
    let offset = params.integer("messagesOffset", 0, 0, u64::MAX)?;
    let record = data.session(id).ok_or_else(|| ApiError::NotFound(format!("Session {id:?} not found")))?;
    let messages = match &record.messages {
        Some(messages) => messages.clone(),
        None => source
            .messages(id)?
            .ok_or_else(|| ApiError::Internal("The conversation of this session is not available".to_owned()))?,
    };
    Ok(SessionDetail {
        session: record.session.clone(),
        messages: messages
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect(),
    })
}

/// Where a conversation comes from when the dataset does not hold it (the host's database).
pub trait Conversations {
    /// The messages of `session`, `None` when they are not kept anywhere.
    fn messages(&self, session: &str) -> Result<Option<Vec<Message>>, ApiError>;
}

/// No conversations besides those in the dataset.
pub struct InDataset;

impl Conversations for InDataset {
    fn messages(&self, _session: &str) -> Result<Option<Vec<Message>>, ApiError> {
        Ok(None)
    }
}
