//! End-to-end tests: the built `cc-analytics` program on the real samples in
//! `../shared/samples/claude-home` and on small generated Claude dirs.

mod cli;
mod faults;
mod http;
mod load;
mod peer;
mod samples;
mod serve;
mod support;
mod sync;
