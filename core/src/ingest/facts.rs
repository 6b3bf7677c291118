//! What the lines say, deduplicated: user, system and rate-limit lines by `uuid`, API responses
//! by their key, summaries and titles by their text. Every merge is commutative, associative and
//! idempotent, with ties broken by [`Order`], so the facts depend neither on the order in which
//! files, chunks or lines arrive nor on how often a line is read (a re-read after a reset merges
//! into what is stored without doubling anything).

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use serde::{Deserialize, Serialize};

use super::api_id::ApiId;
use super::line_id::LineId;
use super::strings::Strings;
use crate::api::MessageKind;
use crate::pricing::BilledUsage;
use crate::time::Millis;

/// A total order over lines: timestamp, then file path, then line number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Order {
    pub ts: Millis,
    pub file: Arc<str>,
    pub line: u32,
}

impl Order {
    fn share(&mut self, strings: &mut Strings) {
        strings.share(&mut self.file);
    }
}

/// Context every counted line carries. The lines of a file mostly carry the same, so facts hold
/// it behind an `Arc` that those lines share; it is encoded as what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Attrs {
    pub session: Arc<str>,
    pub cwd: Option<Arc<str>>,
    pub git_branch: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub sidechain: bool,
    pub agent_id: Option<Arc<str>>,
    pub is_root: bool,
}

impl Attrs {
    fn share(&mut self, strings: &mut Strings) {
        strings.share(&mut self.session);
        for text in [&mut self.cwd, &mut self.git_branch, &mut self.version, &mut self.agent_id].into_iter().flatten() {
            strings.share(text);
        }
    }
}

/// A `user` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UserFact {
    pub order: Order,
    pub uuid: LineId,
    pub attrs: Arc<Attrs>,
    pub kind: MessageKind,
    /// `(tool_use_id, is_error)` of its tool results.
    pub tool_results: Box<[(ApiId, bool)]>,
    /// The prompt's first characters, for titles (real prompts only).
    pub title: Option<Box<str>>,
    /// The rendered content, when messages are captured.
    pub text: Option<String>,
}

/// A `system` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SystemFact {
    pub order: Order,
    pub uuid: LineId,
    pub attrs: Arc<Attrs>,
    pub compaction: bool,
}

/// A `<synthetic>` assistant line: a rate-limit event, not a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SyntheticFact {
    pub order: Order,
    pub uuid: LineId,
    pub attrs: Arc<Attrs>,
}

/// How a response is identified (ACCOUNTING.md "API responses").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) enum ResponseKey {
    /// `(message.id, requestId)`.
    Request(ApiId, ApiId),
    /// `(message.id, sessionId)` when there is no `requestId`.
    Session(ApiId, Arc<str>),
    /// A line without `message.id` is its own response (by `uuid`, else position).
    Line(LineId),
}

/// One line of a response: what it adds to the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ResponsePart {
    pub order: Order,
    pub uuid: Option<LineId>,
    /// `(tool_use id, tool name)` of its tool_use blocks.
    pub tool_uses: Box<[(ApiId, Arc<str>)]>,
    /// Rendered blocks, when messages are captured.
    pub text: Box<[String]>,
}

/// An API response merged from its lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ResponseFact {
    pub key: ResponseKey,
    /// The earliest line: the response's timestamp, session, model and id come from it.
    pub first: Order,
    pub attrs: Arc<Attrs>,
    pub model: Arc<str>,
    pub message_id: Option<ApiId>,
    pub last_ts: Millis,
    /// The line whose usage counts: largest `output_tokens`, ties to the later line.
    pub best: (u64, Order),
    pub usage: BilledUsage,
    /// `costUSD` of that line, in pico-dollars.
    pub cost_usd: Option<u64>,
    /// Every line is a sidechain line (else the sidechain lines were left out: see `merge`).
    pub all_sidechain: bool,
    pub parts: Vec<ResponsePart>,
}

impl ResponseFact {
    fn merge(&mut self, other: ResponseFact) {
        // Sidechain lines with a main-chain line's key replay it (ACCOUNTING.md "side-question
        // replays") and are not counted: once a main-chain line is in, it and the other
        // main-chain lines alone make the response (its time, usage and conversation).
        match (self.all_sidechain, other.all_sidechain) {
            (true, false) => {
                *self = other;
                return;
            }
            (false, true) => return,
            _ => {}
        }
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
        for part in other.parts {
            let same = |p: &ResponsePart| match (&p.uuid, &part.uuid) {
                (Some(a), Some(b)) => a == b,
                _ => p.order == part.order,
            };
            match self.parts.iter_mut().find(|p| same(p)) {
                Some(existing) if part.order < existing.order => *existing = part,
                Some(_) => {}
                None => {
                    // Most responses have a line or two: no room is kept for more.
                    self.parts.reserve_exact(1);
                    self.parts.push(part);
                }
            }
        }
    }
}

/// A `summary` line: `(leafUuid, summary)` at a position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SummaryFact {
    pub leaf: Arc<str>,
    pub text: Arc<str>,
    pub order: Order,
}

/// A `custom-title` or `ai-title` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TitleFact {
    pub session: Arc<str>,
    pub custom: bool,
    pub text: Arc<str>,
    pub order: Order,
}

/// What identifies a fact, borrowed from it: two facts with the same key merge into one. Its
/// encoding is a record's key in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub(crate) enum FactKey<'a> {
    User(&'a LineId),
    System(&'a LineId),
    Synthetic(&'a LineId),
    Response(&'a ResponseKey),
    Summary(&'a str, &'a str),
    Title(&'a str, bool, &'a str),
}

/// One deduplicated fact. Each kind is boxed at its own size: facts move (into their table, into
/// per-kind lists, while sorting) as pointers, and a line's fact takes no room for a response's
/// fields. A box is encoded as what it holds, so records are stored the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Fact {
    User(Box<UserFact>),
    System(Box<SystemFact>),
    Synthetic(Box<SyntheticFact>),
    Response(Box<ResponseFact>),
    Summary(Box<SummaryFact>),
    Title(Box<TitleFact>),
}

impl Fact {
    pub fn key(&self) -> FactKey<'_> {
        match self {
            Fact::User(f) => FactKey::User(&f.uuid),
            Fact::System(f) => FactKey::System(&f.uuid),
            Fact::Synthetic(f) => FactKey::Synthetic(&f.uuid),
            Fact::Response(f) => FactKey::Response(&f.key),
            Fact::Summary(f) => FactKey::Summary(&f.leaf, &f.text),
            Fact::Title(f) => FactKey::Title(&f.session, f.custom, &f.text),
        }
    }

    /// The session the fact belongs to (summaries belong to the session of their leaf line).
    pub fn session(&self) -> Option<&Arc<str>> {
        match self {
            Fact::User(f) => Some(&f.attrs.session),
            Fact::System(f) => Some(&f.attrs.session),
            Fact::Synthetic(f) => Some(&f.attrs.session),
            Fact::Response(f) => Some(&f.attrs.session),
            Fact::Title(f) => Some(&f.session),
            Fact::Summary(_) => None,
        }
    }

    /// Makes the strings facts repeat (session, paths, version, model, tool names) shared copies;
    /// ids unique to the fact stay as they are.
    pub fn share(&mut self, strings: &mut Strings) {
        match self {
            Fact::User(f) => share_line(&mut f.order, &mut f.attrs, strings),
            Fact::System(f) => share_line(&mut f.order, &mut f.attrs, strings),
            Fact::Synthetic(f) => share_line(&mut f.order, &mut f.attrs, strings),
            Fact::Response(f) => {
                f.first.share(strings);
                f.best.1.share(strings);
                Arc::make_mut(&mut f.attrs).share(strings);
                strings.share(&mut f.model);
                if let ResponseKey::Session(_, session) = &mut f.key {
                    strings.share(session);
                }
                for part in &mut f.parts {
                    part.order.share(strings);
                    part.tool_uses.iter_mut().for_each(|(_, name)| strings.share(name));
                }
            }
            Fact::Summary(f) => f.order.share(strings),
            Fact::Title(f) => {
                strings.share(&mut f.session);
                f.order.share(strings);
            }
        }
    }

    /// Folds `other` (same key) into `self`: lines keep their earliest copy, responses merge,
    /// summaries and titles keep their latest position.
    pub fn merge(&mut self, other: Fact) {
        match (self, other) {
            (Fact::User(a), Fact::User(b)) => keep_earliest(a, b, |f| &f.order),
            (Fact::System(a), Fact::System(b)) => keep_earliest(a, b, |f| &f.order),
            (Fact::Synthetic(a), Fact::Synthetic(b)) => keep_earliest(a, b, |f| &f.order),
            (Fact::Response(a), Fact::Response(b)) => a.merge(*b),
            (Fact::Summary(a), Fact::Summary(b)) if b.order > a.order => *a = b,
            (Fact::Title(a), Fact::Title(b)) if b.order > a.order => *a = b,
            _ => {}
        }
    }
}

/// All facts gathered so far, found by their key. The table holds the facts alone (16 bytes
/// each) and hashes and compares keys in place, rather than keeping a copy of every key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    table: HashTable<Fact>,
    hasher: foldhash::fast::RandomState,
}

impl Facts {
    pub fn add(&mut self, fact: Fact) {
        let hasher = &self.hasher;
        match self.table.entry(
            key_hash(hasher, &fact),
            |known| known.key() == fact.key(),
            |known| key_hash(hasher, known),
        ) {
            Entry::Occupied(mut entry) => entry.get_mut().merge(fact),
            Entry::Vacant(entry) => {
                entry.insert(fact);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Every fact, in no particular order.
    pub fn into_facts(self) -> impl Iterator<Item = Fact> {
        self.table.into_iter()
    }

    /// Folds `other` into `self`; the result is the same in either direction (so the smaller
    /// table is folded into the larger).
    pub fn merge(&mut self, mut other: Facts) {
        if other.len() > self.len() {
            std::mem::swap(self, &mut other);
        }
        let hasher = &self.hasher;
        self.table.reserve(other.len(), |known| key_hash(hasher, known));
        for fact in other.table {
            self.add(fact);
        }
    }
}

/// The hash a fact is found by: its key's.
fn key_hash(hasher: &foldhash::fast::RandomState, fact: &Fact) -> u64 {
    hasher.hash_one(fact.key())
}

fn share_line(order: &mut Order, attrs: &mut Arc<Attrs>, strings: &mut Strings) {
    order.share(strings);
    Arc::make_mut(attrs).share(strings);
}

fn keep_earliest<T>(current: &mut T, other: T, order: fn(&T) -> &Order) {
    if order(&other) < order(current) {
        *current = other;
    }
}
