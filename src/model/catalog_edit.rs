//! Changing the catalog: what an admin (or an API client) submits, and the rules it must meet.
//! The back office and the REST API check input with these same functions.

use super::Money;
use crate::error::{AppError, FieldError, FieldIssue};
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 5_000;
pub const CATEGORY_NAME_MAX: usize = 60;
pub const IMAGE_URL_MAX: usize = 500;
pub const IMAGES_MAX: usize = 10;
pub const STOCK_MAX: i64 = 1_000_000;
/// The highest price: nine digits of currency units and two of cents, as
/// [`Money::parse_decimal`] reads them.
pub const PRICE_MAX: Money = Money(99_999_999_999);
/// New images one product save may carry, each up to the upload limit.
pub const FILES_PER_PRODUCT_SAVE: u64 = 4;

/// A category as submitted: a name (its slug is derived from it) and an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryDraft {
    pub name: String,
    pub image: String,
}

/// A product as submitted, every field checked and typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDraft {
    pub title: String,
    pub description: String,
    pub price: Money,
    pub stock: i64,
    pub category_id: i64,
    pub images: Vec<String>,
}

/// A change to one field of a product, as the table's inline edits send it (the PATCH of the
/// back office; a full edit replaces every field, like PUT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductPatch {
    Price(Money),
    Stock(i64),
}

/// A product form's fields as typed (numbers are still text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub price: &'a str,
    pub stock: &'a str,
    pub category_id: &'a str,
    pub images: Vec<String>,
}

/// Checks a category; every problem is reported at once.
pub fn check_category(name: &str, image: &str) -> Result<CategoryDraft, AppError> {
    let mut errors = Vec::new();
    let name = check_text("name", name, CATEGORY_NAME_MAX, &mut errors);
    let image = image.trim();
    if image.is_empty() {
        errors.push(FieldError::new("image", FieldIssue::Required));
    } else if let Some(issue) = image_url_issue(image) {
        errors.push(FieldError::new("image", issue));
    }
    AppError::check(errors)?;
    Ok(CategoryDraft { name, image: image.to_owned() })
}

/// Checks a whole product; every problem is reported at once.
pub fn check_product(input: &ProductInput<'_>) -> Result<ProductDraft, AppError> {
    let mut errors = Vec::new();
    let title = check_text("title", input.title, TITLE_MAX, &mut errors);
    let description = check_text("description", input.description, DESCRIPTION_MAX, &mut errors);
    let price = record(&mut errors, "price", parse_price(input.price));
    let stock = record(&mut errors, "stock", parse_stock(input.stock));
    let category_id = record(&mut errors, "category_id", parse_id(input.category_id));
    let images = check_images(&input.images, &mut errors);
    AppError::check(errors)?;
    Ok(ProductDraft {
        title,
        description,
        price: price.unwrap_or_default(),
        stock: stock.unwrap_or_default(),
        category_id: category_id.unwrap_or_default(),
        images,
    })
}

/// A price as typed: "12", "12.5", "12.50", or with a decimal comma, "12,50" (a Spanish phone's
/// decimal keypad offers only the comma); above zero.
pub fn parse_price(raw: &str) -> Result<Money, FieldIssue> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldIssue::Required);
    }
    // One comma and no point is a decimal comma. "1,234" thus reads as 1.234 and is refused for
    // its decimals, never taken as a thousand.
    let decimal_point = (!raw.contains('.') && raw.matches(',').count() == 1).then(|| raw.replacen(',', ".", 1));
    let raw = decimal_point.as_deref().unwrap_or(raw);
    if let Some(positive) = raw.strip_prefix('-') {
        return Err(if Money::parse_decimal(positive).is_some() {
            FieldIssue::NotPositive
        } else {
            FieldIssue::InvalidNumber
        });
    }
    // "12.340" is 12.34: zeros past the cents change nothing.
    let raw = match raw.split_once('.') {
        Some((whole, fraction)) if fraction.len() > 2 && fraction[2..].bytes().all(|b| b == b'0') => {
            format!("{whole}.{}", &fraction[..2])
        }
        _ => raw.to_owned(),
    };
    let raw = raw.as_str();
    match Money::parse_decimal(raw) {
        Some(price) if price.cents() > 0 => Ok(price),
        Some(_) => Err(FieldIssue::NotPositive),
        None if has_more_decimals_than_money(raw) => Err(FieldIssue::TooManyDecimals),
        None if has_more_digits_than_money(raw) || is_number_above_price_max(raw) => Err(FieldIssue::PriceTooHigh),
        None => Err(FieldIssue::InvalidNumber),
    }
}

/// A plain decimal number (`1.999`) that only fails for its decimals.
fn has_more_decimals_than_money(raw: &str) -> bool {
    decimal_digits(raw).is_some_and(|(whole, fraction)| !whole.is_empty() && fraction.len() > 2)
}

/// A plain decimal number (`1000000000`) that only fails for having more whole digits than a
/// price may (leading zeros aside).
fn has_more_digits_than_money(raw: &str) -> bool {
    decimal_digits(raw).is_some_and(|(whole, fraction)| fraction.len() <= 2 && whole.trim_start_matches('0').len() > 9)
}

/// A number in another notation (`1e21`, as a program's JSON writes a large float) whose value is
/// above the highest price: too high is what is wrong with it, whatever else is. ("inf" names no
/// number here: it has no digit.)
fn is_number_above_price_max(raw: &str) -> bool {
    raw.bytes().any(|b| b.is_ascii_digit()) && raw.parse::<f64>().is_ok_and(|n| n > PRICE_MAX.cents() as f64 / 100.0)
}

/// `raw`'s whole and fractional digits (`"12.5"`: `("12", "5")`; either may be empty), when it is
/// written with nothing but digits and at most one point.
fn decimal_digits(raw: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (all_digits(whole) && all_digits(fraction)).then_some((whole, fraction))
}

/// Units in stock: a whole number from 0 to `STOCK_MAX`.
pub fn parse_stock(raw: &str) -> Result<i64, FieldIssue> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldIssue::Required);
    }
    let stock: i64 = raw.parse().map_err(|_| FieldIssue::NotWholeNumber)?;
    if (0..=STOCK_MAX).contains(&stock) {
        Ok(stock)
    } else {
        Err(FieldIssue::OutOfRange { min: 0, max: STOCK_MAX })
    }
}

fn parse_id(raw: &str) -> Result<i64, FieldIssue> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldIssue::Required);
    }
    raw.parse().ok().filter(|id| *id > 0).ok_or(FieldIssue::UnknownCategory)
}

/// The image list of a form's text area: one URL per line, in display order, blanks ignored.
pub fn image_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect()
}

/// At least one image, at most `IMAGES_MAX`, each a web link or one of our own uploads.
fn check_images(images: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let images: Vec<String> = images.iter().map(|url| url.trim().to_owned()).filter(|url| !url.is_empty()).collect();
    let issue = if images.is_empty() {
        Some(FieldIssue::Required)
    } else if images.len() > IMAGES_MAX {
        Some(FieldIssue::TooMany { max: IMAGES_MAX })
    } else {
        images.iter().find_map(|url| image_url_issue(url))
    };
    if let Some(issue) = issue {
        errors.push(FieldError::new("images", issue));
    }
    images
}

/// What is wrong with an image address, if anything: it must be an http(s) link with a host, or
/// a path to an image this store serves.
/// Whether `rest`, an address after its `scheme://`, begins with a host: a name or an `[IPv6]`
/// address, and at most a port after it. Never user information (`user@`, `@`): it hides which
/// host the address names from whoever reads it, and `https://@/` names none.
pub fn names_a_host(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']').unwrap_or((bracketed, "")),
        None => authority.split_once(':').map_or((authority, ""), |(host, port)| (host, port)),
    };
    let port = port.strip_prefix(':').unwrap_or(port);
    !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

pub fn image_url_issue(url: &str) -> Option<FieldIssue> {
    if url.len() > IMAGE_URL_MAX {
        return Some(FieldIssue::TooLong { max: IMAGE_URL_MAX });
    }
    let unsafe_char = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\');
    let well_formed = match url.split_once("://") {
        Some(("http" | "https", rest)) => names_a_host(rest),
        Some(_) => false,
        // An escaped dot (`%2e%2e`) is a dot to a browser resolving the address.
        None => url.starts_with("/media/") && !super::account::has_dot_segment(url) && !url.contains(".."),
    };
    (!well_formed || url.chars().any(unsafe_char)).then_some(FieldIssue::InvalidUrl)
}

/// Trimmed text that must be present, at most `max` characters, without control characters
/// (line breaks and tabs are allowed: descriptions have paragraphs, and pasted text has tabs) or
/// characters that reorder the text ([`super::is_refused_in_text`]).
fn check_text(field: &str, raw: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let text = raw.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field, FieldIssue::Required));
    } else if text.chars().count() > max {
        errors.push(FieldError::new(field, FieldIssue::TooLong { max }));
    } else if text.chars().any(|c| super::is_refused_in_text(c) && !matches!(c, '\n' | '\r' | '\t')) {
        errors.push(FieldError::new(field, FieldIssue::InvalidCharacters));
    }
    text.to_owned()
}

/// Keeps a parsed value, or records its issue against `field`.
fn record<T>(errors: &mut Vec<FieldError>, field: &str, parsed: Result<T, FieldIssue>) -> Option<T> {
    parsed.map_err(|issue| errors.push(FieldError::new(field, issue))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput<'static> {
        ProductInput {
            title: "Oak chair",
            description: "Solid oak.",
            price: "49.90",
            stock: "3",
            category_id: "2",
            images: vec!["https://example.com/chair.png".into()],
        }
    }

    fn issues(result: Result<ProductDraft, AppError>) -> Vec<(String, FieldIssue)> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.issue)).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn text_that_reorders_itself_is_refused_but_right_to_left_text_is_not() {
        for posing in ["\u{202E}gpj.exe", "Oak \u{2067}chair", "Chair\u{202A}"] {
            let bad = ProductInput { title: posing, description: posing, ..input() };
            assert_eq!(
                issues(check_product(&bad)),
                [
                    ("title".into(), FieldIssue::InvalidCharacters),
                    ("description".into(), FieldIssue::InvalidCharacters)
                ],
                "{posing:?}"
            );
        }
        let hebrew = ProductInput {
            title: "כיסא \u{200F}אלון", description: "כיסא\nעץ אלון מלא.", ..input()
        };
        assert_eq!(check_product(&hebrew).unwrap().title, "כיסא \u{200F}אלון");
    }

    #[test]
    fn a_good_product_is_typed() {
        let draft = check_product(&input()).unwrap();
        assert_eq!((draft.price, draft.stock, draft.category_id), (Money(4990), 3, 2));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad =
            ProductInput { title: " ", description: "", price: "0", stock: "-1", category_id: "x", images: vec![] };
        assert_eq!(
            issues(check_product(&bad)),
            [
                ("title".into(), FieldIssue::Required),
                ("description".into(), FieldIssue::Required),
                ("price".into(), FieldIssue::NotPositive),
                ("stock".into(), FieldIssue::OutOfRange { min: 0, max: STOCK_MAX }),
                ("category_id".into(), FieldIssue::UnknownCategory),
                ("images".into(), FieldIssue::Required),
            ]
        );
    }

    #[test]
    fn prices_must_be_positive_numbers() {
        assert_eq!(parse_price("12.5"), Ok(Money(1250)));
        assert_eq!(parse_price("-3"), Err(FieldIssue::NotPositive));
        assert_eq!(parse_price("0.00"), Err(FieldIssue::NotPositive));
        assert_eq!(parse_price("twelve"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price("1.999"), Err(FieldIssue::TooManyDecimals));
        assert_eq!(parse_price(" 0.001 "), Err(FieldIssue::TooManyDecimals));
        assert_eq!(parse_price("0.000"), Err(FieldIssue::NotPositive));
        assert_eq!(parse_price("12.340"), Ok(Money(1234)));
        assert_eq!(parse_price("12,5"), Ok(Money(1250)), "a decimal comma");
        assert_eq!(parse_price(" 0,99 "), Ok(Money(99)));
        assert_eq!(parse_price("1,234"), Err(FieldIssue::TooManyDecimals), "never a thousands separator");
        assert_eq!(parse_price("1,234.50"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price("999999999.99"), Ok(PRICE_MAX));
        assert_eq!(parse_price("1000000000"), Err(FieldIssue::PriceTooHigh));
        assert_eq!(parse_price("12345678901.5"), Err(FieldIssue::PriceTooHigh));
        assert_eq!(parse_price("1e21"), Err(FieldIssue::PriceTooHigh));
        assert_eq!(parse_price("1E400"), Err(FieldIssue::PriceTooHigh));
        assert_eq!(parse_price("1e2"), Err(FieldIssue::InvalidNumber), "plain decimals only, when not too high");
        assert_eq!(parse_price("inf"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price("NaN"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price("1,2,3"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price("19.000"), Ok(Money(1900)));
        assert_eq!(parse_price("1.2.3"), Err(FieldIssue::InvalidNumber));
        assert_eq!(parse_price(""), Err(FieldIssue::Required));
    }

    #[test]
    fn image_addresses_are_links_or_our_own_files() {
        for good in [
            "https://example.com/a.png",
            "http://cdn.example/x?y=1",
            "/media/products/ab.png",
            "https://shop.example:8443/a.png",
            "http://[::1]:3000/a.png",
        ] {
            assert_eq!(image_url_issue(good), None, "{good}");
        }
        for bad in [
            "example.com/a.png",
            "javascript:alert(1)",
            "https://",
            "/etc/passwd",
            "/media/../x",
            "https://a b",
            "/media/%2e%2e/%2E%2E/etc/passwd",
            "https://@/a.png",
            "https://:443/a.png",
            "https://u:p@/a.png",
            "https://user@evil.example/a.png",
        ] {
            assert_eq!(image_url_issue(bad), Some(FieldIssue::InvalidUrl), "{bad}");
        }
        let many = ProductInput { images: vec!["https://e.com/a.png".into(); IMAGES_MAX + 1], ..input() };
        assert_eq!(issues(check_product(&many)), [("images".into(), FieldIssue::TooMany { max: IMAGES_MAX })]);
    }

    #[test]
    fn categories_need_a_name_and_an_image() {
        let Err(AppError::Validation(errors)) = check_category("", "not a link") else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.issue)).collect();
        assert_eq!(fields, [("name", FieldIssue::Required), ("image", FieldIssue::InvalidUrl)]);
        assert_eq!(image_lines(" a \n\n b\r\n").len(), 2);
    }
}
