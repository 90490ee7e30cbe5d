//! Orders: what a shopper asks for at checkout, what an order holds, and the rules of its life.
//!
//! An order has two separate states: where it is (`OrderStatus`: placed → confirmed → shipped or
//! ready for pickup → delivered, or cancelled) and whether it is paid (`PaymentStatus`). Payment
//! happens when the goods change hands (cash on delivery, or at the shop counter), so an order is
//! paid only once it is on its way or waiting at the shop, and delivered only once paid. Every
//! change goes through [`apply`], which the service calls before writing: the same rules for
//! pages and API, for customers and admins.

use crate::error::{FieldError, FieldIssue};
use crate::model::Money;
use serde::{Deserialize, Serialize};

/// The most units of one product in a cart line or an order line.
pub const MAX_LINE_QUANTITY: i64 = 99;
/// The most distinct products in one order.
pub const MAX_ORDER_LINES: usize = 50;
/// Orders on one page of a list.
pub const ORDERS_PER_PAGE: u32 = 20;
/// The longest idempotency key a client may send.
pub const IDEMPOTENCY_KEY_MAX: usize = 100;

wire_enum!(
    /// Where an order is in its life.
    OrderStatus { Placed = "placed", Confirmed = "confirmed", Shipped = "shipped", ReadyForPickup = "ready_for_pickup", Delivered = "delivered", Cancelled = "cancelled" }
);
wire_enum!(
    /// Whether the store has received the money.
    PaymentStatus { Unpaid = "unpaid", Paid = "paid" }
);
wire_enum!(
    /// How the goods reach the shopper.
    Fulfilment { Delivery = "delivery", Pickup = "pickup" }
);
wire_enum!(
    /// How the shopper pays: in cash when the goods change hands (no card is processed).
    PaymentMethod { PayAtPickup = "pay_at_pickup", CashOnDelivery = "cash_on_delivery" }
);
wire_enum!(
    /// A change someone asks of an order.
    OrderAction { Confirm = "confirm", Ship = "ship", ReadyForPickup = "ready_for_pickup", MarkPaid = "mark_paid", Deliver = "deliver", Cancel = "cancel" }
);

/// Who asks for a change: the order's own customer, or an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Customer,
    Admin,
}

/// The part of an order the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderState {
    pub status: OrderStatus,
    pub payment: PaymentStatus,
    pub fulfilment: Fulfilment,
}

/// Why a change was refused. Pages and the API word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransitionRefusal {
    /// Only an admin may do this (a customer may only cancel).
    AdminOnly,
    /// The action does not apply to an order in this status ("a delivered order cannot be cancelled").
    NotFrom {
        action: OrderAction,
        status: OrderStatus,
    },
    /// Shipping a pickup order, or making a delivery ready for pickup.
    WrongFulfilment {
        action: OrderAction,
        fulfilment: Fulfilment,
    },
    /// Delivering before the payment is recorded.
    NotPaid,
    AlreadyPaid,
}

/// The state after `action`, or why it may not happen.
pub fn apply(state: OrderState, action: OrderAction, actor: Actor) -> Result<OrderState, TransitionRefusal> {
    use OrderAction as A;
    use OrderStatus as S;
    if actor == Actor::Customer && action != A::Cancel {
        return Err(TransitionRefusal::AdminOnly);
    }
    let not_from = Err(TransitionRefusal::NotFrom { action, status: state.status });
    let wrong_fulfilment = Err(TransitionRefusal::WrongFulfilment { action, fulfilment: state.fulfilment });
    let to = |status| Ok(OrderState { status, ..state });
    match (action, state.status) {
        (A::Confirm, S::Placed) => to(S::Confirmed),
        (A::Ship, S::Confirmed) if state.fulfilment == Fulfilment::Delivery => to(S::Shipped),
        (A::Ship, S::Confirmed) => wrong_fulfilment,
        (A::ReadyForPickup, S::Confirmed) if state.fulfilment == Fulfilment::Pickup => to(S::ReadyForPickup),
        (A::ReadyForPickup, S::Confirmed) => wrong_fulfilment,
        (A::MarkPaid, _) if state.payment == PaymentStatus::Paid => Err(TransitionRefusal::AlreadyPaid),
        (A::MarkPaid, S::Shipped | S::ReadyForPickup) => Ok(OrderState { payment: PaymentStatus::Paid, ..state }),
        (A::Deliver, S::Shipped | S::ReadyForPickup) if state.payment == PaymentStatus::Paid => to(S::Delivered),
        (A::Deliver, S::Shipped | S::ReadyForPickup) => Err(TransitionRefusal::NotPaid),
        (A::Cancel, S::Placed | S::Confirmed) => to(S::Cancelled),
        _ => not_from,
    }
}

/// The actions `actor` may take on an order in `state`, in the order a page offers them.
pub fn allowed_actions(state: OrderState, actor: Actor) -> Vec<OrderAction> {
    OrderAction::ALL.iter().copied().filter(|action| apply(state, *action, actor).is_ok()).collect()
}

/// What a shopper fills in at checkout, as the form or the API sends it (text, checked here).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckoutInput {
    /// `delivery` or `pickup`.
    pub fulfilment: String,
    /// `cash_on_delivery` or `pay_at_pickup`; empty: the one that goes with `fulfilment`.
    pub payment_method: String,
    pub recipient: String,
    pub phone: String,
    /// Delivery only.
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    /// Pickup only: the shop to collect from.
    pub store_id: Option<i64>,
}

/// A checked checkout: where and how, ready to be written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub fulfilment: Fulfilment,
    pub payment_method: PaymentMethod,
    pub recipient: String,
    pub phone: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub store_id: Option<i64>,
}

pub const RECIPIENT_MAX: usize = 100;
pub const PHONE_MAX: usize = 30;
pub const ADDRESS_MAX: usize = 200;
pub const CITY_MAX: usize = 100;
pub const POSTAL_CODE_MAX: usize = 20;

impl CheckoutInput {
    /// Checks every field and reports every problem at once. Whether the shop exists is the
    /// service's question.
    pub fn validate(&self) -> Result<Delivery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let fulfilment = Fulfilment::parse(self.fulfilment.trim());
        if fulfilment.is_none() {
            errors.push(FieldError::new("fulfilment", FieldIssue::Required));
        }
        // Each way of receiving has one way of paying, so the method may be left to follow it.
        let payment_method = match (self.payment_method.trim(), fulfilment) {
            ("", Some(Fulfilment::Delivery)) => Some(PaymentMethod::CashOnDelivery),
            ("", Some(Fulfilment::Pickup)) => Some(PaymentMethod::PayAtPickup),
            (text, _) => PaymentMethod::parse(text),
        };
        match (fulfilment, payment_method) {
            (None, None) => {}
            (_, None) => errors.push(FieldError::new("payment_method", FieldIssue::Required)),
            (Some(Fulfilment::Pickup), Some(PaymentMethod::CashOnDelivery))
            | (Some(Fulfilment::Delivery), Some(PaymentMethod::PayAtPickup)) => {
                errors.push(FieldError::new("payment_method", FieldIssue::PaymentDoesNotFit))
            }
            _ => {}
        }
        let recipient = text_field(&mut errors, "recipient", &self.recipient, RECIPIENT_MAX, true);
        let phone = text_field(&mut errors, "phone", &self.phone, PHONE_MAX, true);
        if !phone.is_empty() && !is_phone_number(&phone) {
            errors.push(FieldError::new("phone", FieldIssue::InvalidPhone));
        }
        let delivering = fulfilment == Some(Fulfilment::Delivery);
        let address_line = text_field(&mut errors, "address_line", &self.address_line, ADDRESS_MAX, delivering);
        let city = text_field(&mut errors, "city", &self.city, CITY_MAX, delivering);
        let postal_code = text_field(&mut errors, "postal_code", &self.postal_code, POSTAL_CODE_MAX, delivering);
        let store_id = match fulfilment {
            Some(Fulfilment::Pickup) => match self.store_id {
                Some(id) if id > 0 => Some(id),
                // No store has an id of zero or below: it is an unknown store, not a missing one.
                Some(_) => {
                    errors.push(FieldError::new("store_id", FieldIssue::UnknownStore));
                    None
                }
                None => {
                    errors.push(FieldError::new("store_id", FieldIssue::Required));
                    None
                }
            },
            _ => None,
        };
        match (fulfilment, payment_method) {
            (Some(fulfilment), Some(payment_method)) if errors.is_empty() => {
                // A pickup keeps no delivery address, whatever the form also sent.
                let (address_line, city, postal_code) =
                    if delivering { (address_line, city, postal_code) } else { Default::default() };
                Ok(Delivery { fulfilment, payment_method, recipient, phone, address_line, city, postal_code, store_id })
            }
            _ => Err(errors),
        }
    }
}

/// A trimmed text field, with its problems added to `errors`.
fn text_field(errors: &mut Vec<FieldError>, name: &str, value: &str, max: usize, required: bool) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(FieldError::new(name, FieldIssue::Required));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(name, FieldIssue::TooLong { max }));
    } else if value.chars().any(super::is_refused_in_text) {
        errors.push(FieldError::new(name, FieldIssue::InvalidCharacters));
    }
    value.to_owned()
}

/// Digits with the usual separators (`+57 300 123-4567`, `(555) 010 2030`), 6 to 15 digits.
fn is_phone_number(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let only_phone_characters = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    only_phone_characters && (6..=15).contains(&digits)
}

/// An idempotency key as a client sends it: visible ASCII, at most [`IDEMPOTENCY_KEY_MAX`].
pub fn check_idempotency_key(key: &str) -> Result<&str, FieldError> {
    let key = key.trim();
    if key.is_empty() {
        Err(FieldError::new("idempotency_key", FieldIssue::Required))
    } else if key.len() > IDEMPOTENCY_KEY_MAX {
        Err(FieldError::new("idempotency_key", FieldIssue::TooLong { max: IDEMPOTENCY_KEY_MAX }))
    } else if !key.bytes().all(|b| b.is_ascii_graphic()) {
        Err(FieldError::new("idempotency_key", FieldIssue::NotVisibleAscii))
    } else {
        Ok(key)
    }
}

/// A quantity as typed: a whole number from 1 to [`MAX_LINE_QUANTITY`].
pub fn parse_quantity(text: &str) -> Result<i64, FieldIssue> {
    let quantity: i64 = text.trim().parse().map_err(|_| {
        let looks_numeric = text.trim().trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
        if looks_numeric && !text.trim().is_empty() {
            FieldIssue::OutOfRange { min: 1, max: MAX_LINE_QUANTITY }
        } else {
            FieldIssue::NotWholeNumber
        }
    })?;
    check_quantity(quantity)
}

pub fn check_quantity(quantity: i64) -> Result<i64, FieldIssue> {
    if (1..=MAX_LINE_QUANTITY).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(FieldIssue::OutOfRange { min: 1, max: MAX_LINE_QUANTITY })
    }
}

/// One product and how many, as an API client asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRequest {
    pub product_id: i64,
    pub quantity: i64,
}

/// Requested lines checked: quantities in bounds, the same product named twice added up, at most
/// [`MAX_ORDER_LINES`], sorted by product (the order stock rows are locked in, so two checkouts
/// never wait on each other in a circle).
pub fn merge_lines(lines: &[LineRequest]) -> Result<Vec<LineRequest>, FieldError> {
    if lines.is_empty() {
        return Err(FieldError::new("lines", FieldIssue::Required));
    }
    let mut merged: Vec<LineRequest> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        check_quantity(line.quantity).map_err(|issue| FieldError::new(&format!("lines[{i}].quantity"), issue))?;
        if line.product_id <= 0 {
            return Err(FieldError::new(&format!("lines[{i}].productId"), FieldIssue::UnknownProduct));
        }
        match merged.iter_mut().find(|m| m.product_id == line.product_id) {
            Some(existing) => {
                existing.quantity = check_quantity(existing.quantity + line.quantity)
                    .map_err(|issue| FieldError::new(&format!("lines[{i}].quantity"), issue))?;
            }
            None => merged.push(*line),
        }
    }
    if merged.len() > MAX_ORDER_LINES {
        return Err(FieldError::new("lines", FieldIssue::TooMany { max: MAX_ORDER_LINES }));
    }
    merged.sort_by_key(|line| line.product_id);
    Ok(merged)
}

/// Why one line of an order could not be had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub product_id: i64,
    pub title: String,
    pub requested: i64,
    /// Units left; 0 when sold out or no longer sold.
    pub available: i64,
    /// The product was deleted (or never existed).
    pub gone: bool,
}

/// One line of a placed order, as it was sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: i64,
    pub title: String,
    pub sku: String,
    pub unit_price: Money,
    pub quantity: i64,
}

impl OrderLine {
    pub fn total(&self) -> Money {
        Money(self.unit_price.cents() * self.quantity)
    }
}

/// One change in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    /// `placed`, or an [`OrderAction`]'s name.
    pub action: String,
    pub actor_name: Option<String>,
    pub at: String,
}

/// An order in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub user_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub fulfilment: Fulfilment,
    pub total: Money,
    /// The ISO 4217 code of the store's currency when the order was placed.
    pub currency: String,
    pub item_count: i64,
    pub created_at: String,
}

impl OrderSummary {
    /// An amount of this order as shoppers read it, in the currency it was placed in.
    pub fn show(&self, amount: Money) -> String {
        crate::model::money::format_in(&self.currency, amount)
    }
}

/// A whole order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub summary: OrderSummary,
    pub payment_method: PaymentMethod,
    pub recipient: String,
    pub phone: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub store_id: Option<i64>,
    pub store_name: String,
    pub updated_at: String,
    pub lines: Vec<OrderLine>,
    pub events: Vec<OrderEvent>,
}

impl Order {
    /// The sum of the lines (what the stored total must be).
    pub fn lines_total(&self) -> Money {
        Money(self.lines.iter().map(|line| line.total().cents()).sum())
    }

    pub fn state(&self) -> OrderState {
        OrderState {
            status: self.summary.status,
            payment: self.summary.payment_status,
            fulfilment: self.summary.fulfilment,
        }
    }
}

/// A page of orders and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub orders: Vec<OrderSummary>,
    pub total: u64,
    pub page: u32,
}

/// Which orders an admin list shows. Dates are `YYYY-MM-DD` (UTC days), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Part of the customer's name or email.
    pub customer: String,
    pub page: u32,
}

/// `YYYY-MM-DD` that is a real calendar day (Gregorian), years 2000 to 2999.
pub fn parse_day(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !digits_at(0..4)
        || !digits_at(5..7)
        || !digits_at(8..10)
    {
        return None;
    }
    let (year, month, day): (u32, u32, u32) =
        (text[0..4].parse().ok()?, text[5..7].parse().ok()?, text[8..10].parse().ok()?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((2000..=2999).contains(&year) && (1..=days_in_month).contains(&day)).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as A;
    use OrderStatus as S;

    fn state(status: OrderStatus, payment: PaymentStatus, fulfilment: Fulfilment) -> OrderState {
        OrderState { status, payment, fulfilment }
    }

    #[test]
    fn a_delivery_goes_placed_confirmed_shipped_paid_delivered() {
        let mut order = state(S::Placed, PaymentStatus::Unpaid, Fulfilment::Delivery);
        for action in [A::Confirm, A::Ship, A::MarkPaid, A::Deliver] {
            order = apply(order, action, Actor::Admin).unwrap();
        }
        assert_eq!(order, state(S::Delivered, PaymentStatus::Paid, Fulfilment::Delivery));
    }

    #[test]
    fn impossible_changes_say_why() {
        let placed = state(S::Placed, PaymentStatus::Unpaid, Fulfilment::Pickup);
        assert_eq!(apply(placed, A::Confirm, Actor::Customer), Err(TransitionRefusal::AdminOnly));
        assert_eq!(
            apply(placed, A::Deliver, Actor::Admin),
            Err(TransitionRefusal::NotFrom { action: A::Deliver, status: S::Placed })
        );
        let confirmed = apply(placed, A::Confirm, Actor::Admin).unwrap();
        assert_eq!(
            apply(confirmed, A::Ship, Actor::Admin),
            Err(TransitionRefusal::WrongFulfilment { action: A::Ship, fulfilment: Fulfilment::Pickup })
        );
        let ready = apply(confirmed, A::ReadyForPickup, Actor::Admin).unwrap();
        assert_eq!(apply(ready, A::Deliver, Actor::Admin), Err(TransitionRefusal::NotPaid));
        assert_eq!(
            apply(ready, A::Cancel, Actor::Customer),
            Err(TransitionRefusal::NotFrom { action: A::Cancel, status: S::ReadyForPickup })
        );
        let paid = apply(ready, A::MarkPaid, Actor::Admin).unwrap();
        assert_eq!(apply(paid, A::MarkPaid, Actor::Admin), Err(TransitionRefusal::AlreadyPaid));
        let cancelled = apply(placed, A::Cancel, Actor::Customer).unwrap();
        assert!(allowed_actions(cancelled, Actor::Admin).is_empty());
    }

    #[test]
    fn keys_are_visible_ascii_and_store_ids_positive() {
        assert_eq!(check_idempotency_key(" k-1 "), Ok("k-1"));
        for bad in ["a b", "café", "tab\there"] {
            assert_eq!(check_idempotency_key(bad).unwrap_err().issue, FieldIssue::NotVisibleAscii, "{bad:?}");
        }
        let pickup = |store_id| {
            CheckoutInput {
                fulfilment: "pickup".into(),
                payment_method: "pay_at_pickup".into(),
                recipient: "Ana".into(),
                phone: "300 123 4567".into(),
                store_id,
                ..Default::default()
            }
            .validate()
        };
        let issue = |store_id| pickup(store_id).unwrap_err().into_iter().map(|e| e.issue).collect::<Vec<_>>();
        assert_eq!(issue(None), [FieldIssue::Required]);
        assert_eq!(issue(Some(-1)), [FieldIssue::UnknownStore], "no store has a negative id");
        assert_eq!(issue(Some(0)), [FieldIssue::UnknownStore]);
        assert!(pickup(Some(2)).is_ok());
    }

    #[test]
    fn checkout_fields_are_checked_together() {
        let errors = CheckoutInput {
            fulfilment: "delivery".into(),
            payment_method: "pay_at_pickup".into(),
            address_line: "x".repeat(10_000),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["payment_method", "recipient", "phone", "address_line", "city", "postal_code"]);
        let pickup = CheckoutInput {
            fulfilment: "pickup".into(),
            payment_method: String::new(),
            recipient: " Ana ".into(),
            phone: "+57 300 123-4567".into(),
            address_line: "ignored".into(),
            store_id: Some(3),
            ..Default::default()
        };
        let delivery = pickup.validate().unwrap();
        assert_eq!(
            (delivery.recipient.as_str(), delivery.address_line.as_str(), delivery.store_id),
            ("Ana", "", Some(3))
        );
        assert_eq!(delivery.payment_method, PaymentMethod::PayAtPickup, "the method follows the way of receiving");
    }

    #[test]
    fn quantities_and_lines() {
        assert_eq!(parse_quantity("3"), Ok(3));
        assert_eq!(parse_quantity("0"), Err(FieldIssue::OutOfRange { min: 1, max: 99 }));
        assert_eq!(parse_quantity("-2"), Err(FieldIssue::OutOfRange { min: 1, max: 99 }));
        assert_eq!(parse_quantity("99999999999999999999"), Err(FieldIssue::OutOfRange { min: 1, max: 99 }));
        assert_eq!(parse_quantity("two"), Err(FieldIssue::NotWholeNumber));
        let merged = merge_lines(&[
            LineRequest { product_id: 9, quantity: 1 },
            LineRequest { product_id: 2, quantity: 2 },
            LineRequest { product_id: 9, quantity: 3 },
        ])
        .unwrap();
        assert_eq!(merged, [LineRequest { product_id: 2, quantity: 2 }, LineRequest { product_id: 9, quantity: 4 }]);
        assert!(merge_lines(&[]).is_err());
        assert!(merge_lines(&[
            LineRequest { product_id: 1, quantity: 60 },
            LineRequest { product_id: 1, quantity: 60 }
        ])
        .is_err());
    }

    #[test]
    fn days_are_calendar_days() {
        assert_eq!(parse_day("2026-02-28").as_deref(), Some("2026-02-28"));
        assert_eq!(parse_day("2028-02-29").as_deref(), Some("2028-02-29"));
        for bad in
            ["2026-02-30", "2026-2-3", "yesterday", "2026-02-28T00:00", "2026-13-01", "1999-01-01", "２０２６-01-01"]
        {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
