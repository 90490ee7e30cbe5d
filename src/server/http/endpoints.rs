//! Plain HTTP endpoints beside the Leptos pages: probes, sitemap, robots.txt.

use crate::error::AppError;
use crate::model::paths;
use crate::server::{
    app::state::{AppState, SitemapFile},
    services::sitemap::{self, ProductFile, URLS_PER_FILE},
    text::escape_xml,
};
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use std::{fmt::Write, sync::Arc, time::Duration};
use tokio::sync::OwnedSemaphorePermit;

/// Liveness: the process is up and serving.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers, so this node can take traffic. While the database is known
/// to be down this answers at once; otherwise a probe decides, within its own timeout.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.db_health.is_down() && state.db_health.check().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    let site = &state.config.server.site_url;
    let body = format!("User-agent: *\nAllow: /\nDisallow: /rpc/\n\nSitemap: {site}{}\n", paths::SITEMAP_INDEX);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

/// How many product files are written at once. Each is megabytes read from the database and
/// written out as the client takes it (a slow client keeps its place for as long as it reads), so
/// many at once would take every core and, with compression, about a megabyte each. A crawler
/// reads them one or two at a time.
pub const PRODUCT_FILE_STREAMS: usize = 8;
/// How long a request for a product file waits for a place before it is told to come back.
const STREAM_WAIT: Duration = Duration::from_secs(3);
/// What that 503 suggests.
const STREAMS_BUSY_RETRY_AFTER_SECS: u64 = 30;

const XML: HeaderValue = HeaderValue::from_static("application/xml; charset=utf-8");
const XML_PROLOG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const URLSET_OPEN: &str = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// `/sitemap.xml`: the sitemap index, listing the pages file and every product file that holds
/// products, each with its newest change. Built once and kept in the catalog cache, which every
/// catalog change clears.
pub async fn sitemap_index(State(state): State<AppState>) -> Response {
    let index =
        state.catalog_cache.sitemap.get_or_load(SitemapFile::Index, || build_index(&state, URLS_PER_FILE)).await;
    xml_or_error(index)
}

/// Marks an answer that its route compresses itself (the sitemap files, gzip only), so that the
/// router's outer compression layer, which would pick brotli, leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct CompressedByRoute;

/// `/sitemaps/<file>`: the pages file (kept in the catalog cache, like the index) or a product
/// file, streamed as it is read. Any other name, and a product file that holds nothing, is a 404.
pub async fn sitemap_file(state: State<AppState>, uri: Uri) -> Response {
    let mut response = sitemap_file_answer(state, uri).await;
    response.extensions_mut().insert(CompressedByRoute);
    response
}

async fn sitemap_file_answer(State(state): State<AppState>, uri: Uri) -> Response {
    // The path as sent, not percent-decoded: every file has exactly one address.
    let path = uri.path();
    if path == paths::SITEMAP_PAGES {
        let pages = state.catalog_cache.sitemap.get_or_load(SitemapFile::Pages, || build_pages(&state)).await;
        return xml_or_error(pages);
    }
    let Some(number) = path.strip_prefix("/sitemaps/").and_then(paths::sitemap_products_number) else {
        return not_found();
    };
    let Ok(Ok(place)) = tokio::time::timeout(STREAM_WAIT, Arc::clone(&state.sitemap_streams).acquire_owned()).await
    else {
        tracing::warn!("every place for a sitemap file is taken");
        return error_response(&AppError::Unavailable { retry_after_secs: STREAMS_BUSY_RETRY_AFTER_SECS });
    };
    match sitemap::product_file(&state, URLS_PER_FILE, number).await {
        Ok(Some(file)) => {
            let site: Arc<str> = state.config.server.site_url.as_str().into();
            ([(header::CONTENT_TYPE, XML)], Body::from_stream(product_file_body(site, file, place))).into_response()
        }
        Ok(None) => not_found(),
        Err(error) => error_response(&error),
    }
}

fn xml_or_error(xml: Result<Bytes, AppError>) -> Response {
    match xml {
        Ok(xml) => ([(header::CONTENT_TYPE, XML)], xml).into_response(),
        Err(error) => error_response(&error),
    }
}

/// A database that is down or busy is a 503 with `Retry-After`, as for pages; anything else a 500.
fn error_response(error: &AppError) -> Response {
    tracing::error!(%error, "cannot build a sitemap file");
    match error {
        AppError::Unavailable { retry_after_secs } => {
            (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, retry_after_secs.to_string())]).into_response()
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "no such sitemap file\n")
        .into_response()
}

fn lastmod(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One `<url>` (or, with `tag` "sitemap", one index entry) for `path` of `site`, escaped.
fn entry(xml: &mut String, tag: &str, site: &str, path: &str, updated_at: Option<DateTime<Utc>>) {
    let _ = write!(xml, "  <{tag}><loc>{}</loc>", escape_xml(&format!("{site}{path}")));
    if let Some(at) = updated_at {
        let _ = write!(xml, "<lastmod>{}</lastmod>", lastmod(at));
    }
    let _ = writeln!(xml, "</{tag}>");
}

async fn build_index(state: &AppState, per_file: i64) -> Result<Bytes, AppError> {
    let index = sitemap::index(state, per_file).await?;
    let site = &state.config.server.site_url;
    let mut xml = String::from(XML_PROLOG);
    xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    entry(&mut xml, "sitemap", site, paths::SITEMAP_PAGES, index.pages_updated_at);
    for file in &index.product_files {
        entry(&mut xml, "sitemap", site, &paths::sitemap_products(file.number), Some(file.updated_at));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml.into())
}

/// The home page, the catalog, the stores page and every category.
async fn build_pages(state: &AppState) -> Result<Bytes, AppError> {
    let pages = sitemap::pages(state).await?;
    let site = &state.config.server.site_url;
    let mut xml = format!("{XML_PROLOG}{URLSET_OPEN}");
    entry(&mut xml, "url", site, "/", pages.newest);
    entry(&mut xml, "url", site, "/products", pages.newest);
    entry(&mut xml, "url", site, "/stores", None);
    for row in &pages.categories {
        entry(&mut xml, "url", site, &paths::category(&row.slug), Some(row.updated_at));
    }
    xml.push_str(URLSET_CLOSE);
    Ok(xml.into())
}

/// A product file as a stream of chunks of XML, each written from one read of the database: the
/// opening with the first chunk, then one piece per chunk, then the closing tag. A database error
/// half-way ends the stream with an error, so the client sees a broken transfer (the connection
/// closes without the body's end), never a file that looks complete but is not. Fused: the
/// compression layer polls a body once more after its end, which would make `unfold` panic (and
/// cut every compressed file short).
fn product_file_body(
    site: Arc<str>,
    file: ProductFile,
    place: OwnedSemaphorePermit,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    // The place is given back when the stream is dropped: the file written, or the client gone.
    futures_util::stream::unfold(Some((file, true, place)), move |step| {
        let site = Arc::clone(&site);
        async move {
            let (mut file, first, place) = step?;
            let rows = match file.next_rows().await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(%error, "a sitemap file broke off");
                    return Some((Err(std::io::Error::other("the sitemap file broke off")), None));
                }
            };
            let mut xml = String::with_capacity(if first { 128 } else { 0 } + rows.len() * 128);
            if first {
                xml.push_str(XML_PROLOG);
                xml.push_str(URLSET_OPEN);
            }
            if rows.is_empty() {
                xml.push_str(URLSET_CLOSE);
                return Some((Ok(xml.into()), None));
            }
            for row in &rows {
                entry(&mut xml, "url", &site, &paths::product(&row.slug), Some(row.updated_at));
            }
            Some((Ok(xml.into()), Some((file, false, place))))
        }
    })
    .fuse()
}
