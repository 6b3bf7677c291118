//! Browser bindings of the cc-analytics core (drop-files mode). The wasm-bindgen surface arrives
//! with the dashboard; until then this crate proves the core links for `wasm32-unknown-unknown`.

pub use cc_analytics_core::{Analyzer, PriceTable, answer};
