//! Money is an integer count of minor units (cents); this is the one place that formats or parses it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The currency every price in the store is in (ISO 4217), as structured data needs it.
pub const CURRENCY: &str = "USD";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub fn from_major(units: i64) -> Self {
        Self(units * 100)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// "12.50": the decimal form used in structured data and form fields.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Parses what a shopper types as a price: "12", "12.5", "12.50", " 12 ".
    /// Returns `None` for anything else, including negative numbers and more than two decimals.
    pub fn parse_decimal(input: &str) -> Option<Self> {
        let input = input.trim();
        let (whole, fraction) = match input.split_once('.') {
            Some((_, "")) => return None,
            Some((w, f)) => (w, f),
            None => (input, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 9 || fraction.len() > 2 || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        Some(Self(whole * 100 + fraction))
    }
}

impl fmt::Display for Money {
    /// "$12.50", the form shown to shoppers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units() {
        assert_eq!(Money(1250).to_string(), "$12.50");
        assert_eq!(Money(5).decimal(), "0.05");
        assert_eq!(Money::from_major(98).to_string(), "$98.00");
    }

    #[test]
    fn parses_what_shoppers_type() {
        assert_eq!(Money::parse_decimal("12"), Some(Money(1200)));
        assert_eq!(Money::parse_decimal(" 12.5 "), Some(Money(1250)));
        assert_eq!(Money::parse_decimal("0.07"), Some(Money(7)));
        for bad in ["", "abc", "-1", "1.234", "1e3", "1.", ".5", "9999999999", "1,5"] {
            assert_eq!(Money::parse_decimal(bad), None, "{bad:?} should not parse");
        }
    }
}
