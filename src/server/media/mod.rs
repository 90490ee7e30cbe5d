//! Image files: uploads read from multipart forms, the thumbnails made from them, and which
//! product images are still in use.

pub mod product_images;
pub mod sweep;
pub mod thumbnails;
pub mod uploads;
pub mod uses_lock;

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

/// Where the REST API serves product uploads too (`POST /api/v1/files/upload` answers with it).
const API_FILES: &str = "/api/v1/files/";

/// An address as a record stores it: the store's own files as their paths, so they are recognised
/// (checked, and kept while shown) whoever sends them and however. `{site}/media/…` becomes
/// `/media/…`, and an upload's `{site}/api/v1/files/<name>` its `/media/products/<name>`; other
/// addresses are kept as sent. The site is recognised however its host and port are written
/// (`127.1`, `0x7f.0.0.1`, `:03000`, upper case, a trailing dot), as a browser reads them:
/// otherwise such an address would pass as another site's, unchecked.
pub fn as_stored(site_url: &str, address: &str) -> String {
    let address = address.trim();
    let Some(path) = path_on_site(site_url, address) else {
        return address.to_owned();
    };
    if let Some(name) = path.strip_prefix(API_FILES) {
        return url(product_images::FOLDER, name);
    }
    if path.starts_with("/media/") {
        path
    } else {
        address.to_owned()
    }
}

/// [`as_stored`], but a record's `current` address as it is when the typed one names the same (a
/// form sent back unchanged leaves the record's own spelling alone).
pub fn as_stored_keeping<'a>(site_url: &str, typed: &str, current: impl IntoIterator<Item = &'a str>) -> String {
    let stored = as_stored(site_url, typed);
    current.into_iter().find(|address| as_stored(site_url, address) == stored).map_or(stored, str::to_owned)
}

/// The path, query and fragment of `address` when it is an address of the site at `site_url`.
fn path_on_site(site_url: &str, address: &str) -> Option<String> {
    let (site, parsed) = (url::Url::parse(site_url).ok()?, url::Url::parse(address).ok()?);
    if parsed.origin() != site.origin() || !parsed.username().is_empty() || parsed.password().is_some() {
        return None;
    }
    let mut path = parsed.path().to_owned();
    for (mark, part) in [('?', parsed.query()), ('#', parsed.fragment())] {
        if let Some(part) = part {
            path.push(mark);
            path.push_str(part);
        }
    }
    Some(path)
}

/// The public address of a stored file: `/media/<folder>/<name>` (served from `media.dir`).
pub fn url(folder: &str, name: &str) -> String {
    format!("/media/{folder}/{name}")
}

#[cfg(test)]
mod tests {
    use super::{as_stored, as_stored_keeping};

    #[test]
    fn an_address_sent_back_unchanged_keeps_the_records_spelling() {
        let site = "http://127.0.0.1:3000";
        let current = ["http://127.1:3000/media/a.png", "https://example.com/b.png"];
        assert_eq!(as_stored_keeping(site, "/media/a.png", current), "http://127.1:3000/media/a.png");
        assert_eq!(as_stored_keeping(site, "http://127.0.0.1:3000/media/c.png", current), "/media/c.png");
        assert_eq!(as_stored_keeping(site, "", [""]), "");
    }

    #[test]
    fn the_sites_own_addresses_are_known_however_written() {
        let site = "http://127.0.0.1:3000";
        for spelled in [
            "http://127.0.0.1:3000/media/products/ab.png",
            "http://127.1:3000/media/products/ab.png",
            "http://0x7f.0.0.1:3000/media/products/ab.png",
            "http://127.0.0.1:03000/media/products/ab.png",
            "http://127.0.0.1.:3000/media/products/ab.png",
            "HTTP://127.0.0.1:3000/media/products/ab.png",
            "http://127.0.0.1:3000/api/v1/files/ab.png",
        ] {
            assert_eq!(as_stored(site, spelled), "/media/products/ab.png", "{spelled}");
        }
        assert_eq!(as_stored(site, "http://127.0.0.1:3000/media/a.png?v=2#x"), "/media/a.png?v=2#x");
        for elsewhere in [
            "http://127.0.0.2:3000/media/products/ab.png",
            "https://127.0.0.1:3000/media/products/ab.png",
            "http://127.0.0.1:3001/media/products/ab.png",
            "http://user@127.0.0.1:3000/media/products/ab.png",
            "https://example.com/media/products/ab.png",
            "/media/products/ab.png",
        ] {
            assert_eq!(as_stored(site, elsewhere), elsewhere, "{elsewhere}");
        }
    }
}
