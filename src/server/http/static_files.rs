//! Files served from a folder (the built front end, media, the site root's icon), with the rules
//! every such folder shares: addresses no file can have are 404s before the disk is asked, the
//! precompressed copies are internal, and only a file that was found is cached.
//!
//! tower-http's `ServeDir` answers 500 to a name longer than the file system allows (and logs an
//! error each time), redirects a directory to a slash address that loses a nested router's
//! prefix, and serves `x.br` as a file of its own, which the response compression then
//! compresses again. None of that reaches it from here.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::path::Path;
use tower_http::services::ServeDir;

/// Longer than any file name Tienda writes (uploads are 32 hex digits and an extension; the built
/// files a name, a 22-character hash and an extension), and well within every file system's limit
/// of 255 bytes with `.br` added.
const MAX_NAME_BYTES: usize = 160;
const MAX_PATH_BYTES: usize = 512;

/// The files under `dir`, each also as its `.br` or `.gz` copy where one exists and the browser
/// accepts it. A directory is a 404, never a redirect.
pub fn serve_dir(dir: impl AsRef<Path>) -> ServeDir {
    ServeDir::new(dir).precompressed_br().precompressed_gzip().append_index_html_on_directories(false)
}

/// Whether `path` (as the request names it, percent-encoded) could name a file we serve. It is
/// judged decoded, as `ServeDir` will read it: `%2F` is a slash there and `%2Ebr` an extension.
pub fn could_be_a_file(path: &str) -> bool {
    let Some(path) = decoded(path) else { return false };
    let lowercase = path.to_ascii_lowercase();
    path.len() <= MAX_PATH_BYTES
        && path.split('/').all(|segment| segment.len() <= MAX_NAME_BYTES && segment != "." && segment != "..")
        && !path.contains('\\')
        && !lowercase.ends_with(".br")
        && !lowercase.ends_with(".gz")
        && !path.ends_with('/')
}

/// The files at the top of the site root (the icon, from `public/`), listed once at start-up. They
/// come from the build, which a deploy restarts with; so the disk is asked only for a name on the
/// list, not for every made-up one (`/wp-login.php`, `/.env`) that a scanner sends, each of which
/// would cost a trip to a blocking thread, and take one of them while it lasts.
#[derive(Debug, Default)]
pub struct TopLevelFiles(std::collections::HashSet<String>);

impl TopLevelFiles {
    /// Lists `site_root`'s files (not its folders); a site root that cannot be read has none.
    pub fn read(site_root: &Path) -> Self {
        let Ok(entries) = std::fs::read_dir(site_root) else { return Self::default() };
        let names = entries
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| could_be_a_file(&format!("/{name}")))
            .collect();
        Self(names)
    }

    /// Whether `path` (as the request names it, percent-encoded) is one of the listed files. It is
    /// judged decoded, as `ServeDir` reads it; a listed name has no slash and passed
    /// [`could_be_a_file`] when listed, so nothing else needs checking.
    pub fn lists(&self, path: &str) -> bool {
        decoded(path).is_some_and(|path| path.strip_prefix('/').is_some_and(|name| self.0.contains(name)))
    }
}

/// `path` with its `%XX` escapes decoded; `None` if an escape is malformed or the result is not UTF-8.
fn decoded(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How long browsers may keep a folder's files: one `Cache-Control` for all, or one chosen by the
/// file's name (from the path within the folder).
#[derive(Clone, Copy)]
pub enum Caching {
    Fixed(&'static str),
    ByName(fn(&str) -> &'static str),
}

/// Middleware: 404 for an address no served file can have; the `Cache-Control` only on a file
/// that was found (a 404 cached for a year would outlive the deploy that caused it).
pub async fn guard(State(caching): State<Caching>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !could_be_a_file(path) {
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response();
    }
    let cache_control = match caching {
        Caching::Fixed(value) => value,
        Caching::ByName(choose) => choose(path),
    };
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    if found {
        cache_found_file(&mut response, cache_control);
    } else {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The headers of a file that was found: how long it may be kept, and that the copy sent depends
/// on Accept-Encoding (a shared cache must keep one per encoding).
pub fn cache_found_file(response: &mut Response, cache_control: &'static str) {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_file_names_reach_the_disk() {
        assert!(could_be_a_file("/tienda.O0NFLsXBC1PM1wXKkF6KcA.css"));
        assert!(could_be_a_file("/demo/oak-table.svg"));
        assert!(!could_be_a_file(&format!("/{}", "a".repeat(256))));
        assert!(!could_be_a_file(&"/a".repeat(300)));
        assert!(!could_be_a_file("/tienda.css.br"));
        assert!(!could_be_a_file("/tienda.css.gz"));
        assert!(!could_be_a_file("/."));
        assert!(!could_be_a_file("/demo/"));
        // Judged as ServeDir reads them: decoded.
        assert!(!could_be_a_file("/tienda.css%2Ebr"));
        assert!(!could_be_a_file("/tienda.css.BR"));
        assert!(!could_be_a_file("/%2e%2e/secret"));
        assert!(!could_be_a_file("/a%5C..%5Cb"));
        assert!(!could_be_a_file("/bad%zz"));
        assert!(!could_be_a_file(&format!("/{}", "%61".repeat(200))));
        assert!(could_be_a_file("/Caf%C3%A9.svg"));
    }

    #[test]
    fn only_the_site_roots_own_top_level_files_are_looked_for() {
        let root = std::env::temp_dir().join(format!("tienda-top-level-{}", std::process::id()));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("pkg").join("tienda.css"), "").unwrap();
        std::fs::write(root.join("favicon.svg"), "<svg/>").unwrap();
        std::fs::write(root.join("favicon.svg.br"), "").unwrap();
        let files = TopLevelFiles::read(&root);
        assert!(files.lists("/favicon.svg"));
        assert!(files.lists("/favicon%2Esvg"), "judged decoded");
        assert!(!files.lists("/favicon.svg.br"), "a compressed copy is internal");
        assert!(!files.lists("/pkg"), "a folder is not a file");
        assert!(!files.lists("/pkg/favicon.svg"));
        assert!(!files.lists("/pkg%2Ftienda.css"), "a slash, once decoded, is below the top");
        assert!(!files.lists("//favicon.svg"));
        assert!(!files.lists("/wp-login.php"));
        assert!(!files.lists("/"));
        assert!(TopLevelFiles::read(&root.join("missing")).0.is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
