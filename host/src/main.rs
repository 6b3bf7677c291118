//! `cc-analytics`: Claude Code usage analytics. The entry point parses the command line and hands
//! over to one command module; all errors end here as one readable line and a non-zero exit.

mod claude_dirs;
mod cli;
mod commands;
mod context;
mod discover;
mod load;
// The `serve` command wires the server in; until then only its tests call it.
#[cfg_attr(not(test), allow(dead_code))]
mod server;
mod table;

use std::process::ExitCode;

use clap::Parser;

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
