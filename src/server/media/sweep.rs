//! Deleting uploads nothing shows: an upload whose product was never saved, a picture a change
//! replaced while another change raced it. Run by the `housekeeping` job.
//!
//! One sweep reads every record that shows images once, a page at a time, and crosses the names
//! they show off the folder's list; only the files left are checked one by one, on the writer,
//! just before each goes (a product saved meanwhile with an old upload keeps it). Checking every
//! file on its own, as before, scanned every product's images once per file: with 10,000 uploads
//! in use, 10,000 scans of 10,000 rows every ten minutes.

use super::{product_images, uploads, uses_lock::FileUsesLock};
use crate::server::db::catalog::writes::{count_uses_of_image, image_addresses_after, ImageShowers};
use crate::server::db::Db;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// A folder of uploads, and how one of its files goes.
#[derive(Debug, Clone, Copy)]
pub enum Uploads {
    /// Products' and categories' images (with their thumbnails).
    ProductImages,
    /// Accounts' pictures.
    Pictures,
}

impl Uploads {
    fn folder(self) -> &'static str {
        match self {
            Self::ProductImages => product_images::FOLDER,
            Self::Pictures => super::PICTURES,
        }
    }

    async fn remove(self, media_dir: &Path, url: &str) {
        match self {
            Self::ProductImages => product_images::remove(media_dir, url).await,
            Self::Pictures => uploads::remove_image(media_dir, self.folder(), url).await,
        }
    }
}

/// How many records' addresses one read brings.
const PAGE: i64 = 1_000;

/// Deletes the uploads of a folder (under `dirs.0`, the media folder) older than `min_age` that no
/// product, category or account shows, each counted and deleted under the lock over files' uses
/// (in `dirs.1`, the private folder); returns how many. Failures are logged and left for the next
/// sweep.
pub async fn sweep_unused(db: &Db, dirs: (&Path, &Path), uploads: Uploads, min_age: Duration) -> usize {
    let (media_dir, private_dir) = dirs;
    let folder = uploads.folder();
    let mut unshown = old_uploads(media_dir, folder, min_age).await;
    if unshown.is_empty() {
        return 0;
    }
    if let Err(error) = cross_off_shown(db, &mut unshown).await {
        tracing::warn!(%error, folder, "cannot read which uploads are shown; keeping them all");
        return 0;
    }
    let mut deleted = 0;
    for name in unshown.into_values() {
        let url = super::url(folder, &name);
        // A save that names the file waits, or is written before the count sees it.
        let Some(_uses) = FileUsesLock::acquire(private_dir).await else {
            return deleted;
        };
        match count_uses_of_image(db, &url).await {
            Ok(0) => {
                uploads.remove(media_dir, &url).await;
                deleted += 1;
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot tell whether an upload is used; keeping it"),
        }
    }
    if deleted > 0 {
        tracing::info!(deleted, folder, "unused uploads deleted");
    }
    deleted
}

/// The uploads in `folder` older than `min_age`, by their names' stems: files written by
/// [`uploads::store_image`] or [`product_images`] (random hex and an image's extension), not their
/// thumbnails, which go with them, nor a write still in progress.
async fn old_uploads(media_dir: &Path, folder: &str, min_age: Duration) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let Ok(mut entries) = tokio::fs::read_dir(media_dir.join(folder)).await else {
        return names; // nothing uploaded yet
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_upload = super::thumbnails::thumbnail_path_for(&super::url(folder, &name), folder).is_some();
        if is_upload && is_older_than(&entry, min_age).await {
            names.insert(stem(&name).to_owned(), name);
        }
    }
    names
}

async fn is_older_than(entry: &tokio::fs::DirEntry, min_age: Duration) -> bool {
    let modified = entry.metadata().await.and_then(|m| m.modified());
    modified.is_ok_and(|at| at.elapsed().is_ok_and(|age| age >= min_age))
}

/// Takes out of `uploads` every one whose stem an image address of a product, a category or an
/// account ends with: the upload's own name or its thumbnail's, in any folder, written any way (a
/// stem shared by chance keeps a file, which is the safe way to be wrong).
async fn cross_off_shown(db: &Db, uploads: &mut HashMap<String, String>) -> sqlx::Result<()> {
    for showers in [ImageShowers::Products, ImageShowers::Categories, ImageShowers::Accounts] {
        let mut after = 0;
        loop {
            let page = image_addresses_after(db, showers, after, PAGE).await?;
            for address in page.iter().flat_map(|(_, addresses)| addresses) {
                let name = file_name(address);
                let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                uploads.remove(stem(&decoded));
            }
            if uploads.is_empty() {
                return Ok(());
            }
            match page.last() {
                Some((id, _)) if page.len() as i64 == PAGE => after = *id,
                _ => break,
            }
        }
    }
    Ok(())
}

/// The last segment of an address's path: `https://x/media/products/ab.png?v=2` → `ab.png`.
fn file_name(address: &str) -> &str {
    let path = address.split(['?', '#']).next().unwrap_or_default();
    path.rsplit('/').next().unwrap_or(path)
}

/// A file name up to its first dot: an upload's and its thumbnail's (`ab.png`, `ab.thumb.jpg`).
fn stem(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_is_named_by_the_end_of_its_address() {
        assert_eq!(super::file_name("/media/products/ab.png"), "ab.png");
        assert_eq!(super::file_name("https://shop.test/api/v1/files/ab.png?size=large#top"), "ab.png");
        assert_eq!(super::file_name("ab.png"), "ab.png");
        assert_eq!(super::file_name(""), "");
        assert_eq!(super::stem("ab.thumb.jpg"), super::stem("ab.png"));
    }
}
