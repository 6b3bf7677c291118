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
    first_sorted(scope, params, usize::MAX)
}

/// The first `n` of [`sorted`], without ordering the rest.
fn first_sorted<'d>(scope: &Scope<'d>, params: &Params, n: usize) -> Result<Vec<&'d SessionRecord>, ApiError> {
    let sort = params.choice("sort", &["startTime", "cost", "duration", "tokens"], "startTime")?;
    let descending = params.choice("order", &["asc", "desc"], "desc")? == "desc";
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
            _ => i128::from(s.start()),
        };
        (primary, i128::from(s.start()))
    };
    // Keys once per session; ids are unique, so this is a total order and the first `n` of a
    // selection are exactly the first `n` of a full sort.
    let mut keyed: Vec<((i128, i128), &SessionRecord)> = scope.sessions().map(|s| (key(s), s)).collect();
    let order = |a: &((i128, i128), &SessionRecord), b: &((i128, i128), &SessionRecord)| {
        let by_key = a.0.cmp(&b.0).then_with(|| a.1.session.id.cmp(&b.1.session.id));
        if descending { by_key.reverse() } else { by_key }
    };
    if n < keyed.len() {
        keyed.select_nth_unstable_by(n, order);
        keyed.truncate(n);
    }
    keyed.sort_unstable_by(order);
    Ok(keyed.into_iter().map(|(_, s)| s).collect())
}

/// One page of sessions.
pub fn page(scope: &Scope<'_>, params: &Params) -> Result<SessionPage, ApiError> {
    let limit = params.integer("limit", 20, 1, MAX_LIMIT)?;
    let offset = params.integer("offset", 0, 0, u64::MAX)?;
    let total = scope.sessions.len() as u64;
    let end = usize::try_from(offset.saturating_add(limit)).unwrap_or(usize::MAX);
    let first = first_sorted(scope, params, end)?;
    let sessions: Vec<Session> =
        first.into_iter().skip(offset.min(total) as usize).map(|s| s.session.clone()).collect();
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
