//! `/api/v1/files` (§7 of `docs/api.md`): upload an image in form field `file`, then use
//! its `location` in a product. Stricter than upstream (§10): images only, judged by their
//! bytes (415 otherwise), the configured size limit (413), a missing file is a 400, and uploads
//! need the same right as catalog writes.

use super::caller::CatalogEditor;
use super::errors::ApiError;
use super::path::Segment;
use super::schema::refusals::{CatalogEditorRefused, TooManyWrites};
use super::schema::{ErrorBody, FileUpload, UploadedFile};
use crate::server::app::state::AppState;
use crate::server::media::uploads::{self, ImageKind};
use crate::server::services::catalog_edits as service;
use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

/// The form field that carries the file, as upstream names it.
const FIELD: &str = "file";

#[utoipa::path(
    post,
    path = "/files/upload",
    tag = "files",
    summary = "Upload an image (JPEG, PNG, GIF or WebP) in form field `file`",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored; use `location` in a product's images", body = UploadedFile),
        (status = 400, description = "Not multipart, no file, or a file in another field", body = ErrorBody),
        CatalogEditorRefused,
        (status = 413, description = "Over the upload size limit (5 MB by default)", body = ErrorBody),
        (status = 415, description = "Not an image, judged by its bytes", body = ErrorBody),
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    editor: CatalogEditor,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| ApiError::Malformed(format!("Send multipart/form-data with the image in field `{FIELD}`.")))?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let (original_name, bytes) = read_file(&mut multipart, state.config.media.max_upload_bytes).await?;
    let name = service::store_image(&state, editor.editor(), bytes).await?;
    let location = format!("{}{}/files/{name}", state.config.server.site_url, super::PREFIX);
    Ok((StatusCode::CREATED, Json(json!({ "originalname": original_name, "filename": name, "location": location }))))
}

/// The file in field `file` and the name the client gave it. A file in any other field is
/// upstream's "Unexpected field"; none at all is a 400 saying what to send.
async fn read_file(multipart: &mut multer::Multipart<'static>, max_bytes: u64) -> Result<(String, Vec<u8>), ApiError> {
    while let Some(mut part) = multipart.next_field().await.map_err(uploads::unreadable)? {
        let name = part.name().unwrap_or_default().to_owned();
        let Some(original_name) = part.file_name().map(str::to_owned) else {
            continue; // text fields are allowed and ignored, as upstream
        };
        if name != FIELD {
            return Err(ApiError::Malformed(format!("Unexpected field - {name}")));
        }
        let bytes = uploads::read_part(&mut part, max_bytes).await?;
        if !bytes.is_empty() {
            return Ok((original_name, bytes));
        }
    }
    Err(ApiError::Validation(vec![format!("{FIELD} should not be empty")]))
}

/// An uploaded file. Names are random and files never change, so clients may keep them.
#[utoipa::path(
    get,
    path = "/files/{name}",
    tag = "files",
    summary = "An uploaded image",
    params(("name" = String, Path, description = "The `filename` an upload answered")),
    responses(
        (status = 200, description = "The image", content_type = "image/*", body = Vec<u8>),
        (status = 404, description = "No such file", body = ErrorBody),
    ),
    security(()),
)]
pub async fn download(State(state): State<AppState>, Segment(name): Segment) -> Response {
    let Some(bytes) = service::read_image(&state, &name).await else {
        let body = json!({"message": format!("No file named {name}"), "error": "Not Found", "statusCode": 404});
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    };
    let content_type = ImageKind::sniff(&bytes).map_or("application/octet-stream", ImageKind::mime_type);
    let headers =
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")];
    (headers, bytes).into_response()
}
