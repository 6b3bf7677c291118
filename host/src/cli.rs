//! The command line: every subcommand and flag, with their help texts.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Claude Code usage analytics: sessions, tokens and cost from your transcripts.
#[derive(Debug, Parser)]
#[command(name = "cc-analytics", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the JSON body the API would return for a GET of PATH (e.g. '/api/analytics/overview?tz=UTC').
    Query(QueryArgs),
    /// Print a usage report as a terminal table (or JSON).
    Report(ReportArgs),
    /// Serve the dashboard and the JSON API, syncing as Claude Code writes.
    Serve(ServeArgs),
    /// Read new transcript lines into the database (which keeps them after Claude Code deletes
    /// its files).
    Sync(SyncArgs),
}

/// Where the database is.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database file. Default: $CC_ANALYTICS_DB, else
    /// $XDG_DATA_HOME/cc-analytics/analytics.redb (~/.local/share/cc-analytics/analytics.redb).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Re-read every file from the start (stored data is never doubled).
    #[arg(long)]
    pub full: bool,
    /// Show what would be read and added; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete sessions that ended more than N days ago (default: keep everything forever).
    #[arg(long, value_name = "N")]
    pub retention_days: Option<u64>,
}

/// Where data comes from and how it is priced and dated.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// A Claude config dir holding `projects/` (repeatable). Default: CLAUDE_CONFIG_DIR, else
    /// ~/.config/claude and ~/.claude.
    #[arg(long = "claude-dir", value_name = "DIR")]
    pub claude_dirs: Vec<PathBuf>,
    /// A price file with the columns of prices.csv whose rows replace or add to the built-in table.
    #[arg(long, value_name = "FILE")]
    pub pricing: Option<PathBuf>,
    /// IANA time zone for dates (default: the zone TZ names, else this machine's).
    #[arg(long, short = 'z', visible_alias = "timezone", value_name = "ZONE")]
    pub tz: Option<String>,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Answer from this database (as the server does) instead of reading the transcripts.
    #[arg(long, value_name = "PATH", conflicts_with = "claude_dirs")]
    pub db: Option<PathBuf>,
    /// "Now" as an RFC 3339 date-time (default: the clock), for the active 5-hour block.
    #[arg(long, value_name = "ISO")]
    pub now: Option<String>,
    /// The API path with its query string.
    #[arg(value_name = "PATH")]
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// Usage per day.
    Daily,
    /// Usage per month.
    Monthly,
    /// Every session.
    #[value(alias = "session")]
    Sessions,
    /// Usage per model.
    Models,
    /// Tool calls per tool.
    Tools,
    /// 5-hour usage windows.
    Blocks,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub kind: ReportKind,
    #[command(flatten)]
    pub source: SourceArgs,
    /// First day to include (YYYY-MM-DD or YYYYMMDD).
    #[arg(long, short = 's', value_name = "DATE")]
    pub since: Option<String>,
    /// Last day to include (YYYY-MM-DD or YYYYMMDD).
    #[arg(long, short = 'u', value_name = "DATE")]
    pub until: Option<String>,
    /// Report from this database (the history `serve` and `sync` keep, with the sessions whose
    /// transcripts Claude Code has deleted) instead of reading the transcripts.
    #[arg(long, value_name = "PATH", conflicts_with = "claude_dirs")]
    pub db: Option<PathBuf>,
    /// Print the rows as JSON instead of a table.
    #[arg(long, short = 'j')]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback requires --token.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 3001)]
    pub port: u16,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Serve what the database holds; neither sync at start nor watch the files.
    #[arg(long)]
    pub no_sync: bool,
    /// Delete sessions that ended more than N days ago after each sync (default: keep forever).
    #[arg(long, value_name = "N")]
    pub retention_days: Option<u64>,
    /// Access token every API request must carry (`Authorization: Bearer <token>`).
    #[arg(long, env = "CC_ANALYTICS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A host name to accept in the Host header besides localhost and the bound address
    /// (repeatable).
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,
}
