//! What the lines say, deduplicated: user, system and rate-limit lines by `uuid`, API responses
//! by their key. Every merge is commutative and associative, with ties broken by [`Order`], so
//! the facts do not depend on the order in which files, chunks or lines arrive.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use crate::api::MessageKind;
use crate::pricing::BilledUsage;
use crate::time::Millis;

/// A total order over lines: timestamp, then file path, then line number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Order {
    pub ts: Millis,
    pub file: Arc<str>,
    pub line: u32,
}

/// Context every counted line carries.
#[derive(Debug, Clone)]
pub(crate) struct Attrs {
    pub session: Arc<str>,
    pub cwd: Option<Arc<str>>,
    pub git_branch: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub sidechain: bool,
    pub agent_id: Option<Arc<str>>,
    pub is_root: bool,
}

/// A `user` line.
#[derive(Debug, Clone)]
pub(crate) struct UserFact {
    pub order: Order,
    pub uuid: Arc<str>,
    pub attrs: Attrs,
    pub kind: MessageKind,
    /// `(tool_use_id, is_error)` of its tool results.
    pub tool_results: Vec<(Arc<str>, bool)>,
    /// The prompt's first characters, for titles (real prompts only).
    pub title: Option<String>,
    /// The rendered content, when messages are captured.
    pub text: Option<String>,
}

/// A `system` line.
#[derive(Debug, Clone)]
pub(crate) struct SystemFact {
    pub order: Order,
    pub uuid: Arc<str>,
    pub attrs: Attrs,
    pub compaction: bool,
}

/// A `<synthetic>` assistant line: a rate-limit event, not a response.
#[derive(Debug, Clone)]
pub(crate) struct SyntheticFact {
    pub order: Order,
    pub attrs: Attrs,
}

/// How a response is identified (ACCOUNTING.md "API responses").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ResponseKey {
    /// `(message.id, requestId)`.
    Request(Arc<str>, Arc<str>),
    /// `(message.id, sessionId)` when there is no `requestId`.
    Session(Arc<str>, Arc<str>),
    /// A line without `message.id` is its own response (by `uuid`, else position).
    Line(Arc<str>),
}

/// One line of a response: what it adds to the conversation.
#[derive(Debug, Clone)]
pub(crate) struct ResponsePart {
    pub order: Order,
    pub uuid: Option<Arc<str>>,
    /// `(tool_use id, tool name)` of its tool_use blocks.
    pub tool_uses: Vec<(Arc<str>, Arc<str>)>,
    /// Rendered blocks, when messages are captured.
    pub text: Vec<String>,
}

/// An API response merged from its lines.
#[derive(Debug, Clone)]
pub(crate) struct ResponseFact {
    /// The earliest line: the response's timestamp, session, model and id come from it.
    pub first: Order,
    pub attrs: Attrs,
    pub model: Arc<str>,
    pub message_id: Option<Arc<str>>,
    pub last_ts: Millis,
    /// The line whose usage counts: largest `output_tokens`, ties to the later line.
    pub best: (u64, Order),
    pub usage: BilledUsage,
    /// `costUSD` of that line, in pico-dollars.
    pub cost_usd: Option<u64>,
    /// Every line is a sidechain line.
    pub all_sidechain: bool,
    pub parts: Vec<ResponsePart>,
}

impl ResponseFact {
    fn merge(&mut self, other: ResponseFact) {
        if other.first < self.first {
            self.first = other.first;
            self.attrs = other.attrs;
            self.model = other.model;
            self.message_id = other.message_id;
        }
        self.last_ts = self.last_ts.max(other.last_ts);
        if other.best > self.best {
            self.best = other.best;
            self.usage = other.usage;
            self.cost_usd = other.cost_usd;
        }
        self.all_sidechain &= other.all_sidechain;
        self.parts.extend(other.parts);
    }
}

/// A `summary` line: `(leafUuid, summary)` at a position.
#[derive(Debug, Clone)]
pub(crate) struct SummaryFact {
    pub leaf: Arc<str>,
    pub text: Arc<str>,
    pub order: Order,
}

/// A `custom-title` or `ai-title` line.
#[derive(Debug, Clone)]
pub(crate) struct TitleFact {
    pub session: Arc<str>,
    pub custom: bool,
    pub text: Arc<str>,
    pub order: Order,
}

/// All facts gathered so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    pub users: HashMap<Arc<str>, UserFact>,
    pub systems: HashMap<Arc<str>, SystemFact>,
    pub synthetics: HashMap<Arc<str>, SyntheticFact>,
    pub responses: HashMap<ResponseKey, ResponseFact>,
    pub summaries: Vec<SummaryFact>,
    pub titles: Vec<TitleFact>,
}

impl Facts {
    pub fn add_user(&mut self, fact: UserFact) {
        keep_earliest(&mut self.users, fact.uuid.clone(), fact, |f| &f.order);
    }

    pub fn add_system(&mut self, fact: SystemFact) {
        keep_earliest(&mut self.systems, fact.uuid.clone(), fact, |f| &f.order);
    }

    pub fn add_synthetic(&mut self, uuid: Arc<str>, fact: SyntheticFact) {
        keep_earliest(&mut self.synthetics, uuid, fact, |f| &f.order);
    }

    pub fn add_response(&mut self, key: ResponseKey, fact: ResponseFact) {
        match self.responses.entry(key) {
            Entry::Occupied(mut entry) => entry.get_mut().merge(fact),
            Entry::Vacant(entry) => {
                entry.insert(fact);
            }
        }
    }

    /// Folds `other` into `self`; the result is the same in either direction.
    pub fn merge(&mut self, other: Facts) {
        for (_, fact) in other.users {
            self.add_user(fact);
        }
        for (_, fact) in other.systems {
            self.add_system(fact);
        }
        for (uuid, fact) in other.synthetics {
            self.add_synthetic(uuid, fact);
        }
        for (key, fact) in other.responses {
            self.add_response(key, fact);
        }
        self.summaries.extend(other.summaries);
        self.titles.extend(other.titles);
    }
}

fn keep_earliest<T>(map: &mut HashMap<Arc<str>, T>, key: Arc<str>, fact: T, order: fn(&T) -> &Order) {
    match map.entry(key) {
        Entry::Occupied(mut entry) => {
            if order(&fact) < order(entry.get()) {
                entry.insert(fact);
            }
        }
        Entry::Vacant(entry) => {
            entry.insert(fact);
        }
    }
}
