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

/// How long mimalloc keeps a freed page before giving it back to the system, in milliseconds, for
/// the commands that hold their data to the end or stay running. Its default, one second,
/// outlasts a whole report: the pages reading freed stayed resident to the end, and an idle
/// server keeps them until it next allocates. A tenth of a second keeps their reuse and returns
/// the rest (benches/RESULTS.md).
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_t` (`include/mimalloc.h`), which
/// the bindings leave unnamed.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets [`PURGE_DELAY_MS`] unless `MIMALLOC_PURGE_DELAY` asks for another delay. Not for `sync`:
/// it reads in batches that free and allocate about as much again every tenth of a second or so,
/// and giving those pages back only to fault them in again cost it 6–10% more CPU time; it keeps
/// mimalloc's default, and its peak stays bounded by two batches.
#[allow(unsafe_code)]
fn tune_allocator(command: &cli::Command) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() && !matches!(command, cli::Command::Sync(_)) {
        // SAFETY: sets one integer option of the linked mimalloc, on the main thread before any
        // other thread exists (options are not synchronised).
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tune_allocator(&cli.command);
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("cc-analytics: {error:#}");
            ExitCode::FAILURE
        }
    }
}
