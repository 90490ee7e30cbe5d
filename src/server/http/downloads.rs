//! `/account/downloads/{id}`: a file a job made, sent to its owner or an admin. Anyone else gets
//! the same 404 as for a link that never existed or has expired, so a link's number tells a
//! stranger nothing; a signed-out visitor is first sent to sign in.

use super::{guard, language::request_language, plain_page};
use crate::model::paths;
use crate::server::{app::state::AppState, services::downloads};
use axum::{
    extract::{Path, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tower::ServiceExt;

pub async fn download(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let lang = request_language(request.headers());
    let missing = || {
        let text = &lang.texts().common.download_missing;
        plain_page::error_page(StatusCode::NOT_FOUND, lang, text, false, &state.front_end.stylesheet_href)
    };
    let Ok(id) = id.parse::<i64>() else { return missing() };
    let user = match guard::user_of(request.extensions()) {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(&paths::login(&paths::download(id))).into_response(),
        Err(error) => return failed(&error),
    };
    let file = match downloads::open(&state.db, &state.config, &user, id).await {
        Ok(file) => file,
        Err(crate::error::AppError::NotFound { .. }) => return missing(),
        Err(error) => return failed(&error),
    };
    // ServeFile answers ranges and validators; the name and type are the result's own.
    let Ok(mut response) = tower_http::services::ServeFile::new(&file.path).oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        tracing::error!(id, "a download's file is missing from the private folder");
        return missing();
    }
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    // The name is ours (letters, digits, dashes and a dot), so it needs no quoting rules beyond these.
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response.into_response()
}

/// The store cannot tell now (its database is away): try again shortly.
fn failed(error: &crate::error::AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = status.into_response();
    if let crate::error::AppError::Unavailable { retry_after_secs } = error {
        if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
