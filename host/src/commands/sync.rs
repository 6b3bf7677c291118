//! `cc-analytics sync`: one sync into the database, with a progress bar on a terminal and plain
//! lines otherwise, a summary at the end, and a non-zero exit when it fails.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::SyncArgs;
use crate::context::{database_path, open_app, with_projects};
use crate::sync::{Scope, SyncOptions};

/// Runs the sync and prints its summary.
pub fn run(args: &SyncArgs) -> Result<ExitCode> {
    with_projects(&args.source)?;
    // A dry run stores nothing: not even a database file where there was none.
    let path = database_path(args.db.db.as_deref())?;
    let scratch = args.dry_run && !path.exists();
    let app = open_app(Some(&path), &args.source, args.retention_days)?;
    let started = Instant::now();
    let options = SyncOptions { full: args.full, dry_run: args.dry_run };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("syncing");
        bar
    });
    let report = std::thread::scope(|scope| {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let (app, bar) = (&app, &bar);
        scope.spawn(move || {
            // A bar on a terminal; otherwise a plain line every few seconds.
            let every = if bar.is_some() { Duration::from_millis(100) } else { Duration::from_secs(3) };
            while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(every) {
                let Some(p) = app.status().progress else { continue };
                match bar {
                    Some(bar) => {
                        bar.set_length(p.bytes_total);
                        bar.set_position(p.bytes_done);
                        bar.set_message(format!("{}/{} files", p.files_done, p.files_total));
                    }
                    None => eprintln!(
                        "syncing: {}/{} files, {:.1}/{:.1} MB",
                        p.files_done,
                        p.files_total,
                        p.bytes_done as f64 / 1e6,
                        p.bytes_total as f64 / 1e6
                    ),
                }
            }
        });
        let report = app.sync_now(Scope::Everything, options);
        drop(done);
        report
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = report.map_err(|e| anyhow::anyhow!(e.message()))?;
    for (path, reason) in &report.unreadable {
        eprintln!("cc-analytics: could not read {}: {reason}", path.display());
    }
    if let Some(first) = report.line_errors.first() {
        eprintln!(
            "cc-analytics: skipped {} unreadable line(s); first: {} line {}: {}",
            report.line_errors.len(),
            first.file,
            first.line,
            first.reason
        );
    }
    let size = app.close();
    let database = match scratch {
        true => std::fs::remove_file(&path)
            .map_or_else(|_| format!("{size} (left at {})", path.display()), |()| "none".to_owned()),
        false => size,
    };
    println!(
        "{}{} files read ({:.1} MB), {} sessions and {} messages added, {} errors in {} ms; database {database}",
        if args.dry_run { "dry run, nothing stored: " } else { "" },
        report.files_processed,
        report.bytes_read as f64 / 1e6,
        report.added.sessions_added,
        report.added.messages_added,
        report.errors(),
        started.elapsed().as_millis(),
    );
    Ok(ExitCode::SUCCESS)
}
