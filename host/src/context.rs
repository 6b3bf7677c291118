//! What the host supplies to the pure core: the data (read from the Claude dirs), the price
//! table, the clock and the machine's time zone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use cc_analytics_core::chrono_tz::Tz;
use cc_analytics_core::time::{Millis, parse_timestamp, parse_zone};
use cc_analytics_core::{Analysis, MessageCapture, PriceTable, QueryContext};

use crate::app::{App, Settings};
use crate::claude_dirs;
use crate::cli::SourceArgs;
use crate::load::load;
use crate::store::{SCHEMA_VERSION, Store};

/// The built-in price table, with the rows of `--pricing FILE` on top.
pub fn prices(file: Option<&Path>) -> Result<PriceTable> {
    let table = PriceTable::builtin();
    let Some(file) = file else { return Ok(table) };
    let text = std::fs::read_to_string(file).with_context(|| format!("reading price file {}", file.display()))?;
    table.with_overrides(&text).with_context(|| format!("price file {}", file.display()))
}

/// `--tz`, else the zone `TZ` names, else the machine's zone, else UTC.
pub fn zone(flag: Option<&str>) -> Result<Tz> {
    if let Some(name) = flag {
        return parse_zone(name)
            .with_context(|| format!("unknown time zone {name:?} (use an IANA name such as Europe/Berlin)"));
    }
    let from_env = std::env::var("TZ").ok().and_then(|tz| zone_of_tz(&tz));
    Ok(from_env
        .or_else(|| iana_time_zone::get_timezone().ok().and_then(|name| parse_zone(&name)))
        .unwrap_or(cc_analytics_core::chrono_tz::UTC))
}

/// The IANA zone a `TZ` value names, as the C library reads it: `Asia/Tokyo`, `:Asia/Tokyo`, or
/// a path into the zone database (`/usr/share/zoneinfo/Asia/Tokyo`). Other rules (`CET-1CEST`)
/// are left to the machine's zone.
fn zone_of_tz(tz: &str) -> Option<Tz> {
    let name = tz.strip_prefix(':').unwrap_or(tz);
    let name = name.rsplit_once("zoneinfo/").map_or(name, |(_, name)| name);
    parse_zone(name)
}

/// `--now`, else the clock.
pub fn now(flag: Option<&str>) -> Result<Millis> {
    match flag {
        Some(text) => {
            parse_timestamp(text).with_context(|| format!("--now must be an RFC 3339 date-time, got {text:?}"))
        }
        None => Ok(chrono::Utc::now().timestamp_millis()),
    }
}

/// The Claude dirs chosen by `source`, or a clear error when there are none or one has no
/// `projects/` folder.
pub fn with_projects(source: &SourceArgs) -> Result<Vec<PathBuf>> {
    let dirs = claude_dirs::resolve(&source.claude_dirs);
    if dirs.is_empty() {
        bail!("no Claude data found in {}", claude_dirs::defaults_description());
    }
    for dir in &dirs {
        if !dir.join("projects").is_dir() {
            bail!("{} has no projects/ folder: is it a Claude config dir?", dir.display());
        }
    }
    Ok(dirs)
}

/// Reads the transcripts of the Claude dirs chosen by `source`, warning on stderr about what
/// could not be read.
pub fn analyse(source: &SourceArgs, capture: MessageCapture) -> Result<Analysis> {
    let dirs = with_projects(source)?;
    let prices = prices(source.pricing.as_deref())?;
    let loaded = load(&dirs, capture, &prices);
    for (path, reason) in &loaded.unreadable {
        eprintln!("cc-analytics: skipped {}: {reason}", path.display());
    }
    let errors = loaded.analysis.errors.len();
    if errors > 0 {
        let first = &loaded.analysis.errors[0];
        eprintln!(
            "cc-analytics: skipped {errors} unreadable line(s); first: {} line {}: {}",
            first.file, first.line, first.reason
        );
    }
    Ok(loaded.analysis)
}

/// The query context for the core.
pub fn query_context(tz: Option<&str>, now_flag: Option<&str>) -> Result<QueryContext> {
    Ok(QueryContext { now: now(now_flag)?, default_zone: zone(tz)? })
}

/// `--db`, else `CC_ANALYTICS_DB`, else `$XDG_DATA_HOME/cc-analytics/analytics.redb`, else
/// `~/.local/share/cc-analytics/analytics.redb`.
pub fn database_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("CC_ANALYTICS_DB").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let data = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME").context("HOME is not set: pass --db PATH")?;
            PathBuf::from(home).join(".local/share")
        }
    };
    Ok(data.join("cc-analytics").join("analytics.redb"))
}

/// Opens an existing database to read from (`query --db`, `report --db`): a missing one is an
/// error, not a new empty database.
pub fn open_to_read(db: &Path, source: &SourceArgs) -> Result<Arc<App>> {
    if !db.exists() {
        bail!("no database at {}: `cc-analytics sync --db {}` makes one", db.display(), db.display());
    }
    open_app(Some(db), source, None)
}

/// Opens the database and the program state over it.
pub fn open_app(db: Option<&Path>, source: &SourceArgs, retention_days: Option<u64>) -> Result<Arc<App>> {
    let path = database_path(db)?;
    let upgrading = |version| {
        eprintln!(
            "cc-analytics: upgrading the database {} from version {version} to {SCHEMA_VERSION} \
             (once; about 10 s per GB)",
            path.display()
        );
    };
    let store = Store::open(&path, upgrading).with_context(|| format!("opening the database {}", path.display()))?;
    let settings = Settings {
        claude_dirs: claude_dirs::resolve(&source.claude_dirs),
        prices: prices(source.pricing.as_deref())?,
        zone: zone(source.tz.as_deref())?,
        retention_days,
    };
    Ok(App::new(store, settings)?)
}
