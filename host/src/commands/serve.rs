//! `cc-analytics serve`: the API and the dashboard on 127.0.0.1:3001, a sync at start, then a sync
//! whenever Claude Code writes; stops gracefully on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use cc_analytics_core::api::SyncRequest;
use tracing_subscriber::EnvFilter;

use crate::cli::ServeArgs;
use crate::context::{database_path, open_app};
use crate::server::{self, Config};
use crate::{claude_dirs, dashboard, watch};

/// Threads that run the connections. Their work is only IO and replies already computed;
/// everything else (computing a reply, reading the database, syncs) runs on the blocking pool.
/// One is enough for a dashboard, and it keeps the tail shorter when the cores are busy: at 100k
/// sessions under `wrk -c64` on two cores, one worker against two gave a p99 of 4.13 vs 4.56 ms
/// on the overview and 4.66 vs 4.69 ms on a sessions page with two wrk threads, 3.69 vs 5.08 and
/// 4.28 vs 5.33 ms with four (medians of 5–7 rounds), for 5–25% fewer requests/s
/// (benches/RESULTS.md, "One IO worker").
const IO_WORKERS: usize = 1;

/// Serves until a signal arrives.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("CC_ANALYTICS_LOG").unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .init();
    let app = open_app(args.db.db.as_deref(), &args.source, args.retention_days)?;
    let dirs = claude_dirs::resolve(&args.source.claude_dirs);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(IO_WORKERS)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async {
        let mut config = Config::new(app.clone());
        config.addr = SocketAddr::new(args.host, args.port);
        config.token = args.token.clone();
        config.allowed_hosts = args.allowed_hosts.clone();
        config.assets = dashboard::assets();
        let server = server::bind(config).await.with_context(|| format!("listening on {}:{}", args.host, args.port))?;
        let addr = server.local_addr()?;
        println!("cc-analytics: serving http://{addr}");
        if dashboard::FILES.is_empty() {
            println!(
                "  the API only: this binary was built without the dashboard (run scripts/build-web, then rebuild)"
            );
        }
        println!("  database: {}", database_path(args.db.db.as_deref())?.display());
        // The index is built now rather than on the first request; syncs then keep it current.
        let warming = Arc::clone(&app);
        tokio::task::spawn_blocking(move || warming.index());
        let watching = if args.no_sync {
            println!("  not syncing (--no-sync)");
            None
        } else {
            report_sources(&dirs);
            let _ = app.start_sync(SyncRequest::default());
            watch::start(Arc::clone(&app), &dirs)
        };
        server.serve(shutdown_signal()).await?;
        drop(watching);
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn report_sources(dirs: &[std::path::PathBuf]) {
    let found: Vec<_> = dirs.iter().filter(|d| d.join("projects").is_dir()).collect();
    if found.is_empty() {
        println!("  no Claude Code data found in {}", claude_dirs::defaults_description());
    }
    for dir in found {
        println!("  reading {}", dir.join("projects").display());
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return interrupt.await.unwrap_or(()),
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
