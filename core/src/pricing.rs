//! The model price table: parsing `prices.csv` (built in, plus a user's override file), matching
//! model ids to rows, and the cost of one response (ACCOUNTING.md "Cost").

use std::collections::HashMap;
use std::fmt;

use crate::money::{PICO_PER_USD, parse_decimal};

/// The table shipped with the core (`core/data/prices.csv`, a copy of the reference table).
const BUILTIN_CSV: &str = include_str!("../data/prices.csv");

/// A web search costs one cent.
const WEB_SEARCH_PICO: u64 = PICO_PER_USD / 100;

/// Per-token prices of one tier, in pico-dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Input tokens.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// 5-minute cache writes.
    pub cache_write_5m: u64,
    /// 1-hour cache writes.
    pub cache_write_1h: u64,
    /// Cache reads.
    pub cache_read: u64,
}

/// The prices of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelPrice {
    /// Prices up to the long-context threshold (or always, without one).
    pub base: Rates,
    /// `(threshold, rates)`: a request whose input context exceeds the threshold is billed
    /// entirely at these rates.
    pub long_context: Option<(u64, Rates)>,
    /// Fast-mode multiplier in thousandths (1000 = no change).
    pub fast_multiplier_milli: u64,
}

/// The token counts and flags of one response that its cost depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BilledUsage {
    /// `input_tokens`.
    pub input: u64,
    /// `output_tokens`.
    pub output: u64,
    /// 5-minute cache writes.
    pub cache_write_5m: u64,
    /// 1-hour cache writes.
    pub cache_write_1h: u64,
    /// Total cache writes (`cache_creation_input_tokens`).
    pub cache_creation: u64,
    /// `cache_read_input_tokens`.
    pub cache_read: u64,
    /// `server_tool_use.web_search_requests`.
    pub web_searches: u64,
    /// `usage.speed == "fast"`.
    pub fast: bool,
}

/// What went wrong reading a price file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingError {
    /// 1-based line of the CSV text.
    pub line: usize,
    /// What is wrong there.
    pub reason: String,
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "price table line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for PricingError {}

/// Model id to prices, with the matching rules of ACCOUNTING.md.
#[derive(Debug, Clone)]
pub struct PriceTable {
    models: HashMap<String, ModelPrice>,
    /// Known ids, longest first, for prefix matching.
    by_length: Vec<String>,
}

impl Default for PriceTable {
    fn default() -> Self {
        Self::builtin()
    }
}

impl PriceTable {
    /// The table compiled into the core.
    pub fn builtin() -> Self {
        Self::from_csv(BUILTIN_CSV).expect("the built-in price table parses")
    }

    /// Parses a table with the columns of `prices.csv`.
    pub fn from_csv(text: &str) -> Result<Self, PricingError> {
        Ok(Self::from_map(Self::rows_with_base(text, &HashMap::new())?))
    }

    /// This table with the rows of `overrides` replacing or adding to its own.
    pub fn with_overrides(mut self, overrides: &str) -> Result<Self, PricingError> {
        let extra = Self::rows_with_base(overrides, &self.models)?;
        self.models.extend(extra);
        Ok(Self::from_map(self.models))
    }

    /// The rows of `text`, its aliases resolved against itself first, then `base`.
    fn rows_with_base(
        text: &str,
        base: &HashMap<String, ModelPrice>,
    ) -> Result<HashMap<String, ModelPrice>, PricingError> {
        let mut models = HashMap::new();
        let mut aliases = Vec::new();
        for row in parse_rows(text)? {
            match row {
                Row::Price(id, price) => {
                    models.insert(id, price);
                }
                Row::Alias(id, target, line) => aliases.push((id, target, line)),
            }
        }
        for (id, target, line) in aliases {
            let price = models.get(&target).or_else(|| base.get(&target)).copied();
            let price = price
                .ok_or_else(|| PricingError { line, reason: format!("alias_of names unknown model {target:?}") })?;
            models.insert(id, price);
        }
        Ok(models)
    }

    fn from_map(models: HashMap<String, ModelPrice>) -> Self {
        let mut by_length: Vec<String> = models.keys().cloned().collect();
        by_length.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Self { models, by_length }
    }

    /// The prices of `model`: the exact id, else the id without provider prefix and date,
    /// `@date` or `-v1:0` suffixes, else the longest known id it starts with (at a `-`).
    pub fn lookup(&self, model: &str) -> Option<&ModelPrice> {
        if let Some(price) = self.models.get(model) {
            return Some(price);
        }
        let bare = strip_provider_prefix(model);
        let mut candidate = bare;
        loop {
            if let Some(price) = self.models.get(candidate) {
                return Some(price);
            }
            match strip_one_suffix(candidate) {
                Some(shorter) => candidate = shorter,
                None => break,
            }
        }
        self.by_length
            .iter()
            .find(|id| bare.len() > id.len() && bare.starts_with(id.as_str()) && bare.as_bytes()[id.len()] == b'-')
            .and_then(|id| self.models.get(id))
    }
}

/// Removes `anthropic.`, `us.anthropic.`, `bedrock/`, `vertex_ai/` and similar prefixes.
fn strip_provider_prefix(model: &str) -> &str {
    let after_slash = model.rsplit('/').next().unwrap_or(model);
    match after_slash.find("claude") {
        Some(at) if at > 0 && after_slash.as_bytes()[at - 1] == b'.' => &after_slash[at..],
        _ => after_slash,
    }
}

/// Removes one trailing `@...`, `-vN:M` or `-YYYYMMDD` part.
fn strip_one_suffix(model: &str) -> Option<&str> {
    if let Some(at) = model.rfind('@') {
        return Some(&model[..at]);
    }
    let (head, tail) = model.rsplit_once('-')?;
    let is_version = tail.strip_prefix('v').is_some_and(|v| {
        v.split_once(':').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    });
    let is_date = tail.len() == 8 && tail.bytes().all(|c| c.is_ascii_digit());
    (is_version || is_date).then_some(head)
}

/// The cost of one response in pico-dollars (ACCOUNTING.md "Cost").
pub fn response_cost(price: &ModelPrice, usage: &BilledUsage) -> u64 {
    let context = usage.input.saturating_add(usage.cache_creation).saturating_add(usage.cache_read);
    let rates = match price.long_context {
        Some((threshold, above)) if context > threshold => above,
        _ => price.base,
    };
    let tokens = u128::from(usage.input) * u128::from(rates.input)
        + u128::from(usage.output) * u128::from(rates.output)
        + u128::from(usage.cache_write_5m) * u128::from(rates.cache_write_5m)
        + u128::from(usage.cache_write_1h) * u128::from(rates.cache_write_1h)
        + u128::from(usage.cache_read) * u128::from(rates.cache_read)
        + u128::from(usage.web_searches) * u128::from(WEB_SEARCH_PICO);
    let total = if usage.fast { (tokens * u128::from(price.fast_multiplier_milli) + 500) / 1000 } else { tokens };
    u64::try_from(total).unwrap_or(u64::MAX)
}

enum Row {
    Price(String, ModelPrice),
    Alias(String, String, usize),
}

fn parse_rows(text: &str) -> Result<Vec<Row>, PricingError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Ok(Vec::new());
    };
    let columns: Vec<String> = split_csv(header).into_iter().map(|c| c.trim().to_owned()).collect();
    let column = |name: &str| columns.iter().position(|c| c == name);
    let model_col = column("model").ok_or(PricingError { line: 1, reason: "no `model` column".into() })?;
    let mut rows = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let fields = split_csv(line);
        let get = |name: &str| column(name).and_then(|i| fields.get(i)).map(|f| f.trim()).filter(|f| !f.is_empty());
        let model = fields.get(model_col).map(|f| f.trim()).unwrap_or_default();
        if model.is_empty() {
            return Err(PricingError { line: number, reason: "empty model id".into() });
        }
        if let Some(target) = get("alias_of") {
            rows.push(Row::Alias(model.to_owned(), target.to_owned(), number));
            continue;
        }
        let price_of = |name: &str| -> Result<Option<u64>, PricingError> {
            get(name)
                .map(|v| {
                    parse_decimal(v, 12).ok_or_else(|| PricingError {
                        line: number,
                        reason: format!("`{name}` is not a non-negative number: {v:?}"),
                    })
                })
                .transpose()
        };
        let rates = |suffix: &str| -> Result<Option<Rates>, PricingError> {
            let Some(input) = price_of(&format!("input{suffix}"))? else {
                return Ok(None);
            };
            let output = price_of(&format!("output{suffix}"))?.unwrap_or(0);
            Ok(Some(Rates {
                input,
                output,
                cache_write_5m: price_of(&format!("cache_write_5m{suffix}"))?.unwrap_or(input * 5 / 4),
                cache_write_1h: price_of(&format!("cache_write_1h{suffix}"))?.unwrap_or(input * 2),
                cache_read: price_of(&format!("cache_read{suffix}"))?.unwrap_or(input / 10),
            }))
        };
        let base = rates("")?
            .ok_or_else(|| PricingError { line: number, reason: format!("model {model:?} has no input price") })?;
        let long_context = match get("tier_threshold") {
            Some(v) => {
                let threshold = v.parse::<u64>().map_err(|_| PricingError {
                    line: number,
                    reason: format!("`tier_threshold` is not a whole number: {v:?}"),
                })?;
                rates("_above")?.map(|above| (threshold, above))
            }
            None => None,
        };
        let fast_multiplier_milli = match get("fast_multiplier") {
            Some(v) => parse_decimal(v, 3).ok_or_else(|| PricingError {
                line: number,
                reason: format!("`fast_multiplier` is not a number: {v:?}"),
            })?,
            None => 1000,
        };
        rows.push(Row::Price(model.to_owned(), ModelPrice { base, long_context, fast_multiplier_milli }));
    }
    Ok(rows)
}

/// Splits one CSV record (RFC 4180 quoting, no embedded newlines).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, output: u64) -> BilledUsage {
        BilledUsage { input, output, ..BilledUsage::default() }
    }

    #[test]
    fn exact_prefixed_and_suffixed_ids_match() {
        let table = PriceTable::builtin();
        let sonnet = table.lookup("claude-sonnet-4-5-20250929").copied();
        assert!(sonnet.is_some());
        assert_eq!(table.lookup("us.anthropic.claude-sonnet-4-5-20250929-v1:0").copied(), sonnet);
        assert_eq!(table.lookup("anthropic.claude-sonnet-4-5-20250929").copied(), sonnet);
        assert_eq!(table.lookup("claude-sonnet-4-5@20250929").copied(), table.lookup("claude-sonnet-4-5").copied());
        assert_eq!(table.lookup("claude-opus-4-6-20990101").copied(), table.lookup("claude-opus-4-6").copied());
        assert!(table.lookup("gpt-4o").is_none());
        assert!(table.lookup("claude-opus-4-50").is_none());
        assert!(table.lookup("<synthetic>").is_none());
    }

    #[test]
    fn aliases_take_their_targets_prices() {
        let table = PriceTable::builtin();
        assert_eq!(table.lookup("claude-opus-latest"), table.lookup("claude-opus-5-5"));
    }

    #[test]
    fn long_context_applies_only_above_the_threshold() {
        let table = PriceTable::builtin();
        let price = table.lookup("claude-sonnet-4-5").unwrap();
        let at = BilledUsage { input: 100_000, cache_read: 100_000, output: 10, ..BilledUsage::default() };
        assert_eq!(response_cost(price, &at), 100_000 * 3_000_000 + 100_000 * 300_000 + 10 * 15_000_000);
        let above = BilledUsage { input: 100_001, ..at };
        assert_eq!(response_cost(price, &above), 100_001 * 6_000_000 + 100_000 * 600_000 + 10 * 22_500_000);
    }

    #[test]
    fn fast_mode_and_web_search() {
        let table = PriceTable::builtin();
        let price = table.lookup("claude-opus-4-6").unwrap();
        let fast = BilledUsage { fast: true, web_searches: 1, ..usage(1000, 100) };
        let normal = BilledUsage { fast: false, ..fast };
        assert_eq!(response_cost(price, &normal), 1000 * 5_000_000 + 100 * 25_000_000 + WEB_SEARCH_PICO);
        assert_eq!(response_cost(price, &fast), 6 * response_cost(price, &normal));
    }

    #[test]
    fn overrides_replace_and_add_rows_and_defaults_fill_gaps() {
        let table = PriceTable::builtin()
            .with_overrides("model,input,output\nmy-model,1e-06,2e-06\nclaude-opus-4-6,1e-06,1e-06\n")
            .unwrap();
        let mine = table.lookup("my-model").unwrap();
        assert_eq!(mine.base.cache_write_5m, 1_250_000);
        assert_eq!(mine.base.cache_write_1h, 2_000_000);
        assert_eq!(mine.base.cache_read, 100_000);
        assert_eq!(table.lookup("claude-opus-4-6").unwrap().base.output, 1_000_000);
        let broken = PriceTable::builtin().with_overrides("model,input\nx,abc\n");
        assert_eq!(broken.unwrap_err().line, 2);
    }
}
