//! `cc-analytics query PATH`: the exact body the API would return for a GET of PATH, read
//! straight from the files, or from the database with `--db` (which also answers the sync and
//! health endpoints, as the server does).

use std::process::ExitCode;

use anyhow::{Result, bail};
use cc_analytics_core::{ApiError, Reply, answer, capture_for, is_analytics};

use crate::cli::QueryArgs;
use crate::context::{analyse, open_to_read, query_context};
use crate::server;

/// Prints the body; exits non-zero when the API would answer with an error status.
pub fn run(args: &QueryArgs) -> Result<ExitCode> {
    if !args.path.starts_with('/') {
        bail!("PATH must start with /, e.g. '/api/analytics/overview'");
    }
    let context = query_context(args.source.tz.as_deref(), args.now.as_deref())?;
    let path = args.path.split('?').next().unwrap_or_default();
    if path == "/api/events" {
        bail!("/api/events is a stream of server-sent events: ask `cc-analytics serve` for it");
    }
    let reply = match &args.db {
        Some(db) => {
            let app = open_to_read(db, &args.source)?;
            match is_analytics(&args.path) {
                true => app.analytics_at(&args.path, &context),
                false => server::read(&*app, path).unwrap_or_else(|error| Reply::error(&error)),
            }
        }
        None if is_analytics(&args.path) => {
            answer(&analyse(&args.source, capture_for(&args.path))?.dataset, &args.path, &context)
        }
        None => Reply::error(&ApiError::NotFound(format!(
            "{path} is answered from the database only: give --db (from the files, only /api/analytics/ paths are)"
        ))),
    };
    let newline: &[u8] = if reply.content_type == "application/json" { b"\n" } else { b"" };
    super::print_out(&[reply.body.as_bytes(), newline])?;
    Ok(if reply.status < 300 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
