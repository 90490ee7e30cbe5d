//! The model's field errors in the words of upstream's validator (class-validator), so a client
//! written for the Platzi API reads Tienda's refusals the same way: `"price must be a positive
//! number"`, one sentence per broken rule, fields named as in the JSON (`categoryId`).

use super::errors::ApiError;
use crate::error::{FieldError, FieldIssue};
use crate::model::catalog_edit::PRICE_MAX;

/// Field errors as the API answers them: a taken name or email is a conflict (409, docs/api.md §10), the
/// rest one 400 listing every broken rule.
pub fn validation(errors: &[FieldError]) -> ApiError {
    if let Some(taken) = errors.iter().find(|e| matches!(e.issue, FieldIssue::NameTaken | FieldIssue::EmailTaken)) {
        let sentence = match (taken.issue, taken.field.as_str()) {
            (FieldIssue::EmailTaken, _) => "A user with this email already exists.",
            (_, "title") => "A product with this title already exists; choose another title.",
            _ => "A category with this name already exists; choose another name.",
        };
        return ApiError::Conflict(sentence.into());
    }
    ApiError::Validation(sentences(errors))
}

/// One sentence per field error, as [`validation`] words them.
pub fn sentences(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| message(&e.field, e.issue)).collect()
}

/// The JSON name of a model field: camelCase (`category_id` is `categoryId`); the order's key
/// travels in a header.
fn json_name(field: &str) -> String {
    if field == "idempotency_key" {
        return "Idempotency-Key".into();
    }
    let mut name = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                name.extend(c.to_uppercase());
                upper = false;
            }
            c => name.push(c),
        }
    }
    name
}

fn message(field: &str, issue: FieldIssue) -> String {
    let name = json_name(field);
    let f = name.as_str();
    match issue {
        FieldIssue::Required if f == "images" => "images must contain at least 1 elements".into(),
        FieldIssue::Required => format!("{f} should not be empty"),
        FieldIssue::TooShort { min } => format!("{f} must be longer than or equal to {min} characters"),
        FieldIssue::TooLong { max } if f == "images" => {
            format!("each value in images must be shorter than or equal to {max} characters")
        }
        FieldIssue::TooLong { max } => format!("{f} must be shorter than or equal to {max} characters"),
        FieldIssue::InvalidEmail => format!("{f} must be an email"),
        FieldIssue::InvalidUrl if f == "images" => "each value in images must be a URL address".into(),
        FieldIssue::InvalidUrl => format!("{f} must be a URL address"),
        FieldIssue::InvalidCharacters => format!("{f} must not contain control characters"),
        FieldIssue::NotVisibleAscii => format!("{f} must be visible ASCII characters, without spaces"),
        // Upstream's sentence for a price that is not a positive number; its type check words a
        // non-number the same way.
        FieldIssue::InvalidNumber | FieldIssue::NotPositive if f == "price" => "price must be a positive number".into(),
        FieldIssue::TooManyDecimals => format!("{f} must be a positive number with at most two decimals"),
        FieldIssue::PriceTooHigh => format!("{f} must not be greater than {}", PRICE_MAX.decimal()),
        FieldIssue::InvalidNumber | FieldIssue::NotWholeNumber | FieldIssue::NotPositive => {
            format!("{f} must be a number conforming to the specified constraints")
        }
        FieldIssue::OutOfRange { min, max } => format!("{f} must be a whole number from {min} to {max}"),
        FieldIssue::TooMany { max } => format!("{f} must contain no more than {max} elements"),
        FieldIssue::UnknownCategory => "categoryId must be the id of an existing category".into(),
        FieldIssue::NeedsLetters => format!("{f} must contain a Latin letter or a digit"),
        FieldIssue::NameTaken | FieldIssue::EmailTaken => format!("{f} is already taken"),
        FieldIssue::WrongPassword => format!("{f} is not correct"),
        FieldIssue::PasswordUnchanged => format!("{f} must differ from the current one"),
        FieldIssue::LinkExpired => format!("{f} is not a link that works"),
        FieldIssue::PaymentDoesNotFit => {
            "paymentMethod must be pay_at_pickup for a pickup and cash_on_delivery for a delivery".into()
        }
        FieldIssue::InvalidPhone => format!("{f} must be a phone number"),
        FieldIssue::UnknownProduct => format!("{f} must be the id of a product on sale"),
        FieldIssue::UnknownStore => "storeId must be the id of one of the store locations".into(),
        FieldIssue::NotEnoughStock { available } => format!("{f} must be at most {available} (units left)"),
        FieldIssue::CartFull { max } => format!("a cart holds at most {max} different products"),
        FieldIssue::AllInCart { in_cart } => format!("the cart already holds all {in_cart} units left"),
        FieldIssue::NoSuchFile => format!("{f} must name a file this store serves (upload it first) or another site"),
        FieldIssue::InvalidDate => format!("{f} must be a date (YYYY-MM-DD)"),
        FieldIssue::BadDateRange { max_days } => {
            format!("{f} must be on or after the start, at most {max_days} days later")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_as_in_the_json_and_worded_as_upstream() {
        let errors = [
            FieldError::new("title", FieldIssue::Required),
            FieldError::new("price", FieldIssue::NotPositive),
            FieldError::new("category_id", FieldIssue::Required),
            FieldError::new("images", FieldIssue::InvalidUrl),
        ];
        let ApiError::Validation(messages) = validation(&errors) else { panic!("a validation error") };
        assert_eq!(
            messages,
            [
                "title should not be empty",
                "price must be a positive number",
                "categoryId should not be empty",
                "each value in images must be a URL address",
            ]
        );
    }

    #[test]
    fn a_taken_name_is_a_conflict_whatever_else_is_wrong() {
        let errors =
            [FieldError::new("price", FieldIssue::NotPositive), FieldError::new("title", FieldIssue::NameTaken)];
        assert!(matches!(validation(&errors), ApiError::Conflict(m) if m.contains("title")));
    }
}
