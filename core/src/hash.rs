//! Hash maps and sets keyed by transcript strings. foldhash instead of SipHash: hashing ids is a
//! hot path of ingest, and the keys come from the user's own files, so flooding resistance buys
//! nothing here (the seed is still random per process).

/// A hash map with the fast hasher.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set with the fast hasher.
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
