//! What every request handler and server function can reach.

use crate::components::front_end::FrontEndHead;
use crate::model::{Category, HomeData, ProductDetail, ProductPage, ProductQuery};
use crate::server::{
    auth::jwt::TokenService,
    cache::{json_weight, weight, TtlCache},
    config::Config,
    db::catalog::api::ProductFilter,
    db::health::DbHealth,
    db::Db,
    http::page_cache::PageCache,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::{sync::Arc, time::Duration};

/// A handle on [`SharedState`]. Serving a page clones the state about seventy times (counted with
/// callgrind on `/products`: the router's handlers, Leptos's contexts, the server functions), so a
/// clone is one reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    pub fn new(shared: SharedState) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

pub struct SharedState {
    pub db: Db,
    /// Whether the database can be reached right now (fast 503s while it cannot).
    pub db_health: DbHealth,
    pub config: Arc<Config>,
    pub catalog_cache: Arc<CatalogCache>,
    /// Rendered public pages; cleared together with the catalog cache.
    pub page_cache: PageCache,
    /// Where the deep pages of the catalog's listings begin; forgotten when the catalog changes
    /// (not when stock alone does).
    pub page_anchors: crate::server::db::catalog::listing::PageAnchors,
    pub leptos_options: LeptosOptions,
    /// The stylesheet and island loader every page's head carries (the built files' names).
    pub front_end: FrontEndHead,
    /// The files at the top of the site root, served by the router's fallback.
    pub top_level_files: crate::server::http::static_files::TopLevelFiles,
    /// Signs and checks API tokens.
    pub tokens: Arc<TokenService>,
    /// New guest carts per client (each is a session and a cart in the database): a script that
    /// keeps no cookies must not fill the database.
    pub new_guest_carts: crate::server::rest::PerClientLimiter,
    /// Product sitemap files being written right now: each is megabytes read from the database and
    /// written out, so only a few at a time (see `http::endpoints::PRODUCT_FILE_STREAMS`).
    pub sitemap_streams: Arc<tokio::sync::Semaphore>,
    /// Page renders and server functions begun and not yet cleaned up.
    pub live_renders: crate::server::http::request_scope::LiveRenders,
}

impl SharedState {
    /// Forgets every cached catalog read, rendered page and page anchor: every service that changes
    /// the catalog calls it.
    pub fn catalog_changed(&self) {
        // Anchors first: a page rendered between the two clears must not be kept from them.
        self.page_anchors.forget_all();
        self.stock_changed();
    }

    /// Forgets every cached catalog read and rendered page after a change of stock alone (a
    /// product sold out, or back): pages show it, but no listing's order or products change, so
    /// where its pages begin stays known.
    pub fn stock_changed(&self) {
        self.catalog_cache.invalidate_all();
        self.page_cache.invalidate_all();
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Cached catalog reads, one cache per shape of answer.
pub struct CatalogCache {
    pub categories: TtlCache<(), Arc<Vec<Category>>>,
    pub home: TtlCache<(), Arc<HomeData>>,
    pub listings: TtlCache<ProductQuery, Arc<ProductPage>>,
    pub products: TtlCache<String, Arc<ProductDetail>>,
    /// REST product lists as the JSON bytes sent: serialising 24 whole products costs more than
    /// reading them, so the answer itself is kept.
    pub api_product_lists: TtlCache<ProductFilter, axum::body::Bytes>,
    /// A REST product as the JSON bytes sent, by the id or the slug it was asked by: an app's
    /// detail view asks for it as often as a browser asks for a product page.
    pub api_products: TtlCache<ApiProductKey, axum::body::Bytes>,
    /// The sitemap index and the pages file as sent (the product files are streamed from the
    /// database, never kept).
    pub sitemap: TtlCache<SitemapFile, axum::body::Bytes>,
}

/// A product as the REST API is asked for it. Only products that exist are kept (a 404 is not
/// cached), so the keys are bounded by the catalog, not by what clients send.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiProductKey {
    Id(i64),
    Slug(String),
}

/// The sitemap files kept in the catalog cache: both small (a line per file, a line per category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SitemapFile {
    Index,
    Pages,
}

impl CatalogCache {
    /// Splits `max_bytes` between the caches: categories, the home page and the sitemap get a
    /// sixteenth each, and the four keyed by what visitors ask for share the rest.
    pub fn new(ttl: Duration, max_bytes: u64) -> Self {
        let small = max_bytes / 16;
        let sitemap = small;
        let keyed = (max_bytes - 2 * small - sitemap) / 4;
        Self {
            categories: TtlCache::new(ttl, small, |_, value| json_weight(0, value)),
            home: TtlCache::new(ttl, small, |_, value| json_weight(0, value)),
            listings: TtlCache::new(ttl, keyed, |query, page| json_weight(query_bytes(query), page)),
            products: TtlCache::new(ttl, keyed, |slug, product| json_weight(slug.len(), product)),
            api_product_lists: TtlCache::new(ttl, keyed, |filter, body| weight(filter_bytes(filter) + body.len())),
            api_products: TtlCache::new(ttl, keyed, |key, body| weight(api_product_key_bytes(key) + body.len())),
            sitemap: TtlCache::new(ttl, sitemap, |_, xml| weight(xml.len())),
        }
    }

    pub fn invalidate_all(&self) {
        self.categories.invalidate_all();
        self.home.invalidate_all();
        self.listings.invalidate_all();
        self.products.invalidate_all();
        self.api_product_lists.invalidate_all();
        self.api_products.invalidate_all();
        self.sitemap.invalidate_all();
    }
}

fn query_bytes(query: &ProductQuery) -> usize {
    std::mem::size_of::<ProductQuery>() + query.q.len() + query.category.as_ref().map_or(0, String::len)
}

fn api_product_key_bytes(key: &ApiProductKey) -> usize {
    std::mem::size_of::<ApiProductKey>() + if let ApiProductKey::Slug(slug) = key { slug.len() } else { 0 }
}

fn filter_bytes(filter: &ProductFilter) -> usize {
    let text = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    std::mem::size_of::<ProductFilter>() + text(&filter.title) + text(&filter.category_slug)
}
