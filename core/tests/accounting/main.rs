//! The accounting rules of ACCOUNTING.md, one test per rule, checked through the public API:
//! transcript bytes in through [`Analyzer`], JSON out through [`answer`].
//!
//! Expected costs are computed by hand from `core/data/prices.csv` (per-token USD):
//!
//! | model              | input | output  | cache 5m | cache 1h | cache read | above 200k (in/out/5m/1h/read)  |
//! |--------------------|-------|---------|----------|----------|------------|---------------------------------|
//! | claude-sonnet-4-5  | 3e-6  | 1.5e-5  | 3.75e-6  | 6e-6     | 3e-7       | 6e-6 / 2.25e-5 / 7.5e-6 / 1.2e-5 / 6e-7 |
//! | claude-haiku-4-5   | 1e-6  | 5e-6    | 1.25e-6  | 2e-6     | 1e-7       | -                               |
//! | claude-opus-4-6    | 5e-6  | 2.5e-5  | 6.25e-6  | 1e-5     | 5e-7       | - (fast x6)                     |
//!
//! Costs are published rounded to 6 decimals.

mod cost;
mod errors;
mod lines;
mod order;
mod responses;
mod subagents;
mod support;
mod time;
