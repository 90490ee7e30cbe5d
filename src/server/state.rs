//! What every request handler and server function can reach.

use super::{
    auth::jwt::TokenService, cache::TtlCache, config::Config, db::catalog_api::ProductFilter, db::Db,
    page_cache::PageCache,
};
use crate::model::{Category, HomeData, ProductDetail, ProductPage, ProductQuery};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::{sync::Arc, time::Duration};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub catalog_cache: Arc<CatalogCache>,
    /// Rendered public pages; cleared together with the catalog cache.
    pub page_cache: PageCache,
    pub leptos_options: LeptosOptions,
    /// Signs and checks API tokens.
    pub tokens: Arc<TokenService>,
}

impl AppState {
    /// Forgets every cached catalog read and rendered page: every service that changes the catalog calls it.
    pub fn catalog_changed(&self) {
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
}

impl CatalogCache {
    pub fn new(ttl: Duration, max_entries: u64) -> Self {
        Self {
            categories: TtlCache::new(ttl, 1),
            home: TtlCache::new(ttl, 1),
            listings: TtlCache::new(ttl, max_entries),
            products: TtlCache::new(ttl, max_entries),
            api_product_lists: TtlCache::new(ttl, max_entries),
        }
    }

    pub fn invalidate_all(&self) {
        self.categories.invalidate_all();
        self.home.invalidate_all();
        self.listings.invalidate_all();
        self.products.invalidate_all();
        self.api_product_lists.invalidate_all();
    }
}
