//! One module per subcommand.

mod query;
mod report;
mod serve;
mod sync;

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
