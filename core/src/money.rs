//! Exact money: amounts are integer pico-dollars (1e-12 USD), so sums do not depend on the
//! order in which responses are added and rounding to the published 6 decimals is exact.

/// Pico-dollars per US dollar.
pub const PICO_PER_USD: u64 = 1_000_000_000_000;

/// Parses a decimal number such as `3.75e-06` or `0.01` into an exact integer of
/// `10^-scale` units (scale 12 for pico-dollars). Rounds half away from zero past that.
pub fn parse_decimal(text: &str, scale: i32) -> Option<u64> {
    let text = text.trim();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let mantissa = mantissa.strip_prefix('+').unwrap_or(mantissa);
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = format!("{whole}{frac}");
    let digits = digits.trim_start_matches('0');
    let shift = scale + exponent - frac.len() as i32;
    let mut value: u128 = 0;
    for b in digits.bytes() {
        value = value.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
    }
    let value = if shift >= 0 {
        value.checked_mul(10u128.checked_pow(shift as u32)?)?
    } else {
        let div = 10u128.checked_pow((-shift) as u32).unwrap_or(u128::MAX);
        value / div + u128::from(value % div >= div - div / 2)
    };
    u64::try_from(value).ok()
}

/// Converts a dollar amount given as a float (the transcripts' `costUSD`) to pico-dollars.
pub fn pico_from_usd(usd: f64) -> u64 {
    if usd.is_finite() && usd > 0.0 { (usd * PICO_PER_USD as f64).round() as u64 } else { 0 }
}

/// Rounds pico-dollars to the published 6 decimals, as a JSON number.
pub fn usd(pico: u64) -> f64 {
    let micro = pico.saturating_add(500_000) / 1_000_000;
    micro as f64 / 1e6
}

/// Rounds a float to `decimals` places (half away from zero).
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

/// `100 * part / whole` rounded to one decimal; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let tenths = (u128::from(part) * 2000 + u128::from(whole)) / (2 * u128::from(whole));
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("3e-06", 12), Some(3_000_000));
        assert_eq!(parse_decimal("3.75e-06", 12), Some(3_750_000));
        assert_eq!(parse_decimal("1.25e-07", 12), Some(125_000));
        assert_eq!(parse_decimal("0.01", 12), Some(10_000_000_000));
        assert_eq!(parse_decimal("2.0", 3), Some(2000));
        assert_eq!(parse_decimal("6", 3), Some(6000));
        assert_eq!(parse_decimal("", 3), None);
        assert_eq!(parse_decimal("-1", 3), None);
        assert_eq!(parse_decimal("abc", 3), None);
        assert_eq!(parse_decimal(&format!("{}e-50", "3".repeat(39)), 12), Some(3), "rounds without overflowing");
        assert_eq!(parse_decimal("2.5e-12", 12), Some(3));
        assert_eq!(parse_decimal("2.4e-12", 12), Some(2));
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(usd(1_500_000), 0.000002);
        assert_eq!(usd(1_499_999), 0.000001);
        assert_eq!(usd(123_456_789_012_345), 123.456789);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(0, 0), 0.0);
    }
}
