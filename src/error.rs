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

/// A message about one form or query field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0} was not found")]
    NotFound(String),
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
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests; please wait a moment")]
    RateLimited,
    #[error("something went wrong on our side")]
    Internal,
    /// The request never reached the server function or its answer could not be read.
    #[error("the request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// The HTTP status this error stands for.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::BadRequest(_) => 400,
            Self::Validation(_) => 422,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::Conflict(_) => 409,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments are the caller's fault, never a 500.
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => Self::BadRequest(msg),
            other => Self::Transport(other.to_string()),
        }
    }
}
