//! Image files: uploads read from multipart forms, the thumbnails made from them, and which
//! product images are still in use.

pub mod product_images;
pub mod sweep;
pub mod thumbnails;
pub mod uploads;

/// Where uploaded pictures of people live, under the media directory.
pub const PICTURES: &str = "avatars";

/// Whether a link into the store's files (`/media/<path>`, maybe with a query) names a file it
/// serves: a regular file under the media folder, reached by plain names (nothing hidden, nothing
/// outside), and in none of the folders `not_in`. Written plainly, too: the store's files have
/// plain names, and an escaped spelling of one (`%61vatars`) would pass the checks made on its text
/// (whose file it is, and whether any record still shows it before it is deleted).
pub async fn serves(media_dir: &std::path::Path, link: &str, not_in: &[&str]) -> bool {
    let path = link.split(['?', '#']).next().unwrap_or_default();
    let Some(relative) = path.strip_prefix("/media/") else {
        return false;
    };
    if relative.contains('%') {
        return false;
    }
    let mut parts = relative.split('/');
    let plain = parts.clone().all(|part| !part.is_empty() && !part.starts_with('.') && !part.contains(['\\', '\0']));
    if !plain || parts.next().is_some_and(|folder| not_in.contains(&folder)) {
        return false;
    }
    tokio::fs::metadata(media_dir.join(relative)).await.is_ok_and(|file| file.is_file())
}

/// The public address of a stored file: `/media/<folder>/<name>` (served from `media.dir`).
pub fn url(folder: &str, name: &str) -> String {
    format!("/media/{folder}/{name}")
}
