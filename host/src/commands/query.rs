//! `cc-analytics query PATH`: the exact body the API would return, read straight from the files.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use cc_analytics_core::{answer, capture_for, is_analytics};

use crate::cli::QueryArgs;
use crate::context::{analyse, open_app, query_context};

/// Prints the body; exits non-zero when the API would answer with an error status.
pub fn run(args: &QueryArgs) -> Result<ExitCode> {
    if !args.path.starts_with('/') {
        bail!("PATH must start with /, e.g. '/api/analytics/overview'");
    }
    if !is_analytics(&args.path) {
        bail!("only /api/analytics/ paths can be answered here (sync control is the server's)");
    }
    let context = query_context(args.source.tz.as_deref(), args.now.as_deref())?;
    let reply = match &args.db {
        Some(db) => open_app(Some(db), &args.source, None)?.analytics_at(&args.path, &context),
        None => answer(&analyse(&args.source, capture_for(&args.path))?.dataset, &args.path, &context),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(reply.body.as_bytes())?;
    if reply.content_type == "application/json" {
        out.write_all(b"\n")?;
    }
    Ok(if reply.status < 300 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
