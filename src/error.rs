//! The one error type that crosses the wire between server and browser.
//!
//! Server functions return `Result<T, AppError>`; pages render it and, during SSR, turn it into the
//! HTTP status of the response. Internal causes never travel: the server logs them and sends
//! `Internal` alone.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What is wrong with one form field. Pages word it in the visitor's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub issue: FieldIssue,
}

/// The rule a field's value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldIssue {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    InvalidEmail,
    EmailTaken,
    InvalidUrl,
    /// The current password, asked for before a sensitive change, is not the right one.
    WrongPassword,
    /// A new password equal to the current one.
    PasswordUnchanged,
    /// A password reset link that no longer works: used, expired, replaced, or never sent.
    LinkExpired,
    /// Invisible control characters (other than line breaks and tabs).
    InvalidCharacters,
    /// Not only visible ASCII (letters, digits, punctuation): a space, a control character or
    /// a letter outside ASCII, where a token (an idempotency key) is expected.
    NotVisibleAscii,
    /// Not a number at all (a price of "abc").
    InvalidNumber,
    /// Not a whole number where one is expected (a quantity or a stock of "two" or 1.5).
    NotWholeNumber,
    /// A number that must be above zero (a price).
    NotPositive,
    /// An amount with more decimals than money has (a price of 1.999).
    TooManyDecimals,
    /// An amount above the highest price the store takes
    /// ([`crate::model::catalog_edit::PRICE_MAX`]).
    PriceTooHigh,
    /// A whole number outside its bounds (a stock of -1).
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// More entries than a list may hold (images of a product).
    TooMany {
        max: usize,
    },
    /// A category id that names no category.
    UnknownCategory,
    /// A name with no letter or digit, which gives no web address (slug).
    NeedsLetters,
    /// Another product or category already has this name's web address (slug).
    NameTaken,
    /// A payment method that does not go with the way of delivery (cash on delivery for a pickup).
    PaymentDoesNotFit,
    /// Not a phone number.
    InvalidPhone,
    /// A product id that names no product on sale.
    UnknownProduct,
    /// A shop id that names none of the store's shops.
    UnknownStore,
    /// More units than are left.
    NotEnoughStock {
        available: i64,
    },
    /// The cart already holds every unit left.
    AllInCart {
        in_cart: i64,
    },
    /// Not a calendar day (`YYYY-MM-DD`).
    InvalidDate,
    /// A range of days that ends before it starts, or spans more days than allowed.
    BadDateRange {
        max_days: i64,
    },
    /// A cart that already holds as many different products as one order may.
    CartFull {
        max: usize,
    },
    /// A link into the store's own files (`/media/...`) that names no file it keeps, or a file it
    /// keeps for something else (an account's picture shown as a product's).
    NoSuchFile,
}

impl FieldError {
    pub fn new(field: &str, issue: FieldIssue) -> Self {
        Self { field: field.to_owned(), issue }
    }
}

/// What a "not found" is about. Pages name it to the visitor ("this product"); the API names it in
/// upstream's 404 body (`EntityNotFoundError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entity {
    /// An address that names no page at all.
    Page,
    Product,
    Category,
    User,
    Order,
    /// A background job (an export, a report), in the back office or behind a download link.
    Job,
}

impl Entity {
    /// The entity's name in the API's 404 body, as upstream spells it.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Page => "Page",
            Self::Product => "Product",
            Self::Category => "Category",
            Self::User => "User",
            Self::Order => "Order",
            Self::Job => "Job",
        }
    }
}

/// How a missing record was asked for: the API's 404 body shows it as the search's criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lookup {
    Id(i64),
    Slug(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{entity:?} was not found")]
    NotFound { entity: Entity, by: Option<Lookup> },
    /// A request the server cannot read at all (a malformed argument), as opposed to readable
    /// input that breaks a rule (`Validation`).
    #[error("the request is malformed: {0}")]
    BadRequest(String),
    #[error("some fields are invalid")]
    Validation(Vec<FieldError>),
    #[error("please sign in first")]
    Unauthorized,
    #[error("you are not allowed to do that")]
    Forbidden,
    /// Too many attempts; the caller may try again after this many seconds.
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// An upload (or any request body) over the size limit.
    #[error("the upload is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// An upload that is not one of the accepted kinds of file, judged by its content.
    #[error("that kind of file is not accepted")]
    UnsupportedMediaType,
    /// Someone saved the record after this edit began; saving would overwrite their change.
    #[error("someone else changed this in the meantime")]
    StaleEdit,
    /// A category that still holds products cannot be deleted.
    #[error("the category still holds {products} products")]
    CategoryInUse { products: u64 },
    /// An admin may not take away their own admin role or deactivate themselves (the store
    /// could be left without anyone able to run it).
    #[error("you cannot do that to your own account")]
    OwnAccount,
    /// A role other than customer, asked for by someone who is not an admin (a sign-up through
    /// the API asking to be an admin): refused, never silently downgraded.
    #[error("only an admin may give that role")]
    RoleReserved,
    /// Lines of an order that cannot be had: sold out, fewer left than asked, or no longer sold.
    /// Nothing was ordered.
    #[error("some products are not available in the quantity asked")]
    OutOfStock(Vec<crate::model::orders::Shortfall>),
    /// A change the order's state does not allow.
    #[error("the order cannot change that way: {0:?}")]
    OrderTransition(crate::model::orders::TransitionRefusal),
    #[error("the cart is empty")]
    EmptyCart,
    /// An account with orders cannot be deleted: the store keeps its orders (deactivate it).
    #[error("the account has orders")]
    HasOrders,
    /// The cart or its prices changed between the review and the order: nothing was ordered.
    #[error("the cart changed since it was reviewed")]
    CartChanged,
    /// An idempotency key already used for a different order.
    #[error("this idempotency key was used for a different order")]
    IdempotencyKeyReused,
    /// The email and password do not match an account (never saying which one was wrong).
    #[error("the email or password is not correct")]
    BadCredentials,
    #[error("something went wrong on our side")]
    Internal,
    /// The store cannot serve this now (its database is unreachable); try again after this many
    /// seconds.
    #[error("the store is briefly unavailable; try again in {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// The request never reached the server function or its answer could not be read.
    #[error("the request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// A page (or record) that is not there, when how it was asked for does not matter.
    pub fn not_found(entity: Entity) -> Self {
        Self::NotFound { entity, by: None }
    }

    /// The record of `entity` with this id is not there.
    pub fn missing_id(entity: Entity, id: i64) -> Self {
        Self::NotFound { entity, by: Some(Lookup::Id(id)) }
    }

    /// The record of `entity` with this slug is not there.
    pub fn missing_slug(entity: Entity, slug: &str) -> Self {
        Self::NotFound { entity, by: Some(Lookup::Slug(slug.to_owned())) }
    }

    /// Field errors, or `Ok` when there are none.
    pub fn check(errors: Vec<FieldError>) -> Result<(), Self> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self::Validation(errors))
        }
    }

    /// The issue reported for `field`, if any.
    pub fn field_issue(&self, field: &str) -> Option<FieldIssue> {
        match self {
            Self::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.issue),
            _ => None,
        }
    }

    /// The HTTP status this error stands for.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::BadRequest(_) => 400,
            Self::Validation(_) => 422,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::RoleReserved => 403,
            Self::StaleEdit | Self::CategoryInUse { .. } | Self::OwnAccount | Self::OutOfStock(_) => 409,
            Self::OrderTransition(crate::model::orders::TransitionRefusal::AdminOnly) => 403,
            Self::OrderTransition(_) | Self::IdempotencyKeyReused | Self::HasOrders | Self::CartChanged => 409,
            Self::EmptyCart => 422,
            Self::RateLimited { .. } => 429,
            Self::BadCredentials => 401,
            Self::TooLarge { .. } => 413,
            Self::UnsupportedMediaType => 415,
            Self::Internal => 500,
            Self::Unavailable { .. } => 503,
            Self::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments are the caller's fault, never a 500.
            // A body that is not valid UTF-8 or not the encoding the function takes is malformed too.
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => Self::BadRequest(msg),
            other => Self::Transport(other.to_string()),
        }
    }
}
