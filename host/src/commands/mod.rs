//! One module per subcommand.

mod query;
mod report;
mod serve;
mod sync;

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Query(args) => query::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Sync(args) => sync::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// Writes `parts` to stdout. A reader that went away (`report daily | head -n 3`) has all it
/// wanted: that ends the output quietly, like any filter, instead of as an error.
fn print_out(parts: &[&[u8]]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match parts.iter().try_for_each(|part| out.write_all(part)).and_then(|()| out.flush()) {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}
