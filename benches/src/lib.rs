//! Benchmarks of cc-analytics, and the generator of the realistic Claude dirs they run on.
//!
//! [`corpus::generate`] writes a Claude dir of any size whose every byte is fixed by a seed (the
//! `gen-corpus` binary puts it on disk; `benches/compare.sh` runs the program against ccusage on
//! it); [`corpus::in_memory`] gives the transcripts to the criterion benchmarks.
//!
//! ```
//! let files = cc_analytics_benches::corpus::in_memory(42, 200_000);
//! assert!(files.iter().map(|file| file.bytes.len()).sum::<usize>() >= 200_000);
//! ```

pub mod corpus;
pub mod json;
pub mod rng;
pub mod text;
