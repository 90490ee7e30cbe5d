//! Image files: uploads read from multipart forms, the thumbnails made from them, and which
//! product images are still in use.

pub mod product_images;
pub mod thumbnails;
pub mod uploads;

/// The public address of a stored file: `/media/<folder>/<name>` (served from `media.dir`).
pub fn url(folder: &str, name: &str) -> String {
    format!("/media/{folder}/{name}")
}
