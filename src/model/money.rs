//! Money is an integer count of minor units (cents); this is the one place that formats or parses it.

use serde::{Deserialize, Serialize};

/// The currency the store sells in (the `store.currency` setting), as ISO 4217 knows it. Only
/// currencies whose minor unit is a hundredth are offered: every amount is kept in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Currency {
    #[default]
    #[serde(rename = "USD")]
    Usd,
    #[serde(rename = "EUR")]
    Eur,
    #[serde(rename = "GBP")]
    Gbp,
    #[serde(rename = "MXN")]
    Mxn,
    #[serde(rename = "COP")]
    Cop,
    #[serde(rename = "ARS")]
    Ars,
    #[serde(rename = "PEN")]
    Pen,
    #[serde(rename = "BRL")]
    Brl,
    #[serde(rename = "CAD")]
    Cad,
    #[serde(rename = "AUD")]
    Aud,
    #[serde(rename = "CHF")]
    Chf,
}

impl Currency {
    pub const ALL: [Currency; 11] = [
        Self::Usd,
        Self::Eur,
        Self::Gbp,
        Self::Mxn,
        Self::Cop,
        Self::Ars,
        Self::Pen,
        Self::Brl,
        Self::Cad,
        Self::Aud,
        Self::Chf,
    ];

    /// The ISO 4217 code ("USD"), as orders record it and structured data states it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
            Self::Mxn => "MXN",
            Self::Cop => "COP",
            Self::Ars => "ARS",
            Self::Pen => "PEN",
            Self::Brl => "BRL",
            Self::Cad => "CAD",
            Self::Aud => "AUD",
            Self::Chf => "CHF",
        }
    }

    /// The code as written in a setting or a stored order, in any case.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The sign shoppers of a one-currency store know it by: the local one, so a Mexican store's
    /// prices read "$" as they do on its shelves (the code is in the structured data).
    fn symbol(self) -> &'static str {
        match self {
            Self::Usd | Self::Mxn | Self::Cop | Self::Ars | Self::Cad | Self::Aud => "$",
            Self::Eur => "€",
            Self::Gbp => "£",
            Self::Pen => "S/\u{a0}",
            Self::Brl => "R$",
            Self::Chf => "CHF\u{a0}",
        }
    }

    /// "$10", "€10": whole units, for the labels of a chart's ranges.
    pub fn format_whole(self, units: i64) -> String {
        format!("{}{units}", self.symbol())
    }

    /// "$12.50", "€12.50", "S/ 12.50": an amount as shoppers see it.
    pub fn format(self, amount: Money) -> String {
        amount.written_after(self.symbol())
    }
}

/// Read as [`Currency::from_code`] reads it, in any case: `currency = "eur"` in the settings file
/// means what `TIENDA_CURRENCY=eur` means.
impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code).ok_or_else(|| {
            let codes: Vec<&str> = Currency::ALL.iter().map(|c| c.code()).collect();
            serde::de::Error::custom(format!("unknown currency {code:?}: expected one of {}", codes.join(", ")))
        })
    }
}

/// An amount in the currency an order recorded (`code`): a code Tienda no longer offers is shown
/// as "XYZ 12.50" rather than in the wrong money.
pub fn format_in(code: &str, amount: Money) -> String {
    match Currency::from_code(code) {
        Some(currency) => currency.format(amount),
        None => format!("{code}\u{a0}{}", amount.decimal()),
    }
}

/// Appends `cents` as "12.50". Written digit by digit: every price on a page goes through here
/// (a listing shows 24), and the two `format!` calls this replaces cost about 1,500 instructions
/// a price (callgrind).
fn push_units_and_cents(cents: u64, text: &mut String) {
    let push_digit = |text: &mut String, digit: u64| text.push(char::from(b'0' + digit as u8));
    let units = cents / 100;
    let mut place = 1;
    while units / place >= 10 {
        place *= 10;
    }
    while place > 0 {
        push_digit(text, units / place % 10);
        place /= 10;
    }
    text.push('.');
    push_digit(text, cents % 100 / 10);
    push_digit(text, cents % 10);
}

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
        self.written_after("")
    }

    /// The sign, then `symbol`, then the amount: "-$12.50" ([`Currency::format`]), "-12.50"
    /// ([`Self::decimal`]).
    fn written_after(self, symbol: &str) -> String {
        let mut text = String::with_capacity(24);
        if self.0 < 0 {
            text.push('-');
        }
        text.push_str(symbol);
        push_units_and_cents(self.0.unsigned_abs(), &mut text);
        text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units() {
        assert_eq!(Currency::Usd.format(Money(1250)), "$12.50");
        assert_eq!(Money(5).decimal(), "0.05");
        assert_eq!(Currency::Usd.format(Money::from_major(98)), "$98.00");
        assert_eq!(Currency::Eur.format(Money(-5)), "-€0.05");
        assert_eq!(Currency::Pen.format(Money(1999)), "S/\u{a0}19.99");
        assert_eq!(Money(i64::MIN).decimal(), "-92233720368547758.08");
        assert_eq!(Currency::Usd.format(Money(i64::MIN)), "-$92233720368547758.08");
        assert_eq!(Money(i64::MAX).decimal(), "92233720368547758.07");
    }

    #[test]
    fn amounts_are_written_as_format_writes_them() {
        let samples = (0..2_000).chain([9_999, 10_000, 99_999, 100_000, 123_456_789, 1 << 40]);
        for cents in samples.flat_map(|c: i64| [c, -c]) {
            let abs = cents.unsigned_abs();
            let sign = if cents < 0 { "-" } else { "" };
            assert_eq!(Money(cents).decimal(), format!("{sign}{}.{:02}", abs / 100, abs % 100));
            assert_eq!(Currency::Eur.format(Money(cents)), format!("{sign}€{}.{:02}", abs / 100, abs % 100));
        }
    }

    #[test]
    fn currencies_by_code() {
        assert_eq!(Currency::from_code("eur"), Some(Currency::Eur));
        assert_eq!(Currency::from_code(" MXN "), Some(Currency::Mxn));
        for unknown in ["", "JPY", "US", "USDX", "€"] {
            assert_eq!(Currency::from_code(unknown), None, "{unknown:?}");
        }
        for currency in Currency::ALL {
            assert_eq!(Currency::from_code(currency.code()), Some(currency));
            let json = serde_json::to_string(&currency).unwrap();
            assert_eq!(json, format!("\"{}\"", currency.code()));
            assert_eq!(serde_json::from_str::<Currency>(&json.to_lowercase()).unwrap(), currency);
        }
        assert_eq!(format_in("GBP", Money(100)), "£1.00");
        assert_eq!(format_in("XYZ", Money(100)), "XYZ\u{a0}1.00");
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
