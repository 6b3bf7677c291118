//! Benchmarks of cc-analytics.
