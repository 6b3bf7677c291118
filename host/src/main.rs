//! `cc-analytics`: Claude Code usage analytics. The entry point parses the command line and hands
//! over to one command module; all errors end here as one readable line and a non-zero exit.

mod app;
mod claude_dirs;
mod cli;
mod commands;
mod context;
mod dashboard;
mod discover;
mod load;
mod read;
mod server;
mod sync;
mod table;
mod watch;

use std::process::ExitCode;

use cc_analytics_host::store;
use clap::Parser;

/// mimalloc rather than the system allocator: ingest allocates many small, short-lived strings
/// from two threads, where glibc's arenas cost time and keep freed memory resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("cc-analytics: {error:#}");
            ExitCode::FAILURE
        }
    }
}
