//! Uploaded product images: each is decoded (the proof that it is an image) and given a thumbnail
//! for listings before anything is written; the service writes them only once every field passed,
//! and removes them again if the save then fails.

use crate::error::AppError;
use crate::server::media::thumbnails::{thumbnail_blocking, thumbnail_path_for, ThumbnailError};
use crate::server::media::uploads::{stored_file, write_whole, ImageKind};
use crate::server::text::random_hex;
use std::path::Path;

/// The folder under the media directory that holds product images and their thumbnails.
pub const FOLDER: &str = "products";

/// The light thumbnail of a stored product upload; `None` for any other image (an external URL,
/// a demo picture), which is shown as it is.
pub fn thumbnail_of(url: &str) -> Option<String> {
    thumbnail_path_for(url, FOLDER)
}

/// An upload that passed every check, with the URL it will have once written.
pub struct PreparedImage {
    pub url: String,
    name: String,
    bytes: Vec<u8>,
    thumbnail: Vec<u8>,
}

/// Checks an upload by its content and makes its thumbnail. Not an image (whatever its name):
/// 415. Nothing is written yet.
pub async fn prepare(bytes: Vec<u8>) -> Result<PreparedImage, AppError> {
    let kind = ImageKind::sniff(&bytes).ok_or(AppError::UnsupportedMediaType)?;
    let (bytes, thumbnail) = thumbnail_blocking(bytes, kind).await.map_err(|error| {
        let reason = match error {
            ThumbnailError::Unreadable => "does not decode",
            ThumbnailError::TooLarge => "is over the pixel limits",
        };
        tracing::info!(reason, "refused an uploaded image");
        AppError::UnsupportedMediaType
    })?;
    let name = format!("{}.{}", random_hex(), kind.extension());
    Ok(PreparedImage { url: super::url(FOLDER, &name), name, bytes, thumbnail })
}

impl PreparedImage {
    /// Writes the image and its thumbnail. Each is written aside and renamed, so no one is ever
    /// served half a file.
    pub async fn write(&self, media_dir: &Path) -> Result<(), AppError> {
        let dir = media_dir.join(FOLDER);
        let thumbnail_url = thumbnail_path_for(&self.url, FOLDER).ok_or(AppError::Internal)?;
        let thumbnail_name = thumbnail_url.rsplit('/').next().unwrap_or_default();
        let written = async {
            tokio::fs::create_dir_all(&dir).await?;
            write_whole(&dir, thumbnail_name, &self.thumbnail).await?;
            write_whole(&dir, &self.name, &self.bytes).await
        };
        written.await.map_err(|error| {
            tracing::error!(%error, dir = %dir.display(), "cannot store an uploaded image");
            AppError::Internal
        })
    }
}

/// Deletes an uploaded product image and its thumbnail, given the image's URL. URLs that are not
/// our uploads (links elsewhere, demo images) are left alone.
pub async fn remove(media_dir: &Path, url: &str) {
    let Some(thumbnail) = thumbnail_path_for(url, FOLDER) else {
        return;
    };
    for path in [url, thumbnail.as_str()] {
        if let Some(file) = stored_file(media_dir, FOLDER, path) {
            if let Err(error) = tokio::fs::remove_file(&file).await {
                tracing::warn!(%error, file = %file.display(), "cannot delete an unused product image");
            }
        }
    }
}

/// How long an upload may wait, unused, for the product it was made for (an API client uploads
/// first and creates the product after).
pub const UNUSED_GRACE: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
