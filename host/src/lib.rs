//! The parts of the `cc-analytics` program that other crates use: the redb store (its write
//! path is benchmarked in `benches/`). Everything else lives in the binary.

#![forbid(unsafe_code)]

pub mod store;
