//! Catalog reads. All are GETs: safe to repeat and free of side effects.

use crate::error::AppError;
use crate::model::{CatalogData, Category, HomeData, ProductDetail, ProductQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::services::catalog;

/// The render's categories (see [`catalog::PageCategories`]); a server function called over HTTP
/// has none from a render, and reads its own.
#[cfg(feature = "ssr")]
pub(super) fn page_categories() -> catalog::PageCategories {
    use_context().unwrap_or_default()
}

#[server(prefix = "/rpc", endpoint = "home", input = GetUrl)]
pub async fn get_home() -> Result<HomeData, AppError> {
    let state = super::app_state()?;
    Ok(std::sync::Arc::unwrap_or_clone(catalog::home(&state, &page_categories()).await?))
}

#[server(prefix = "/rpc", endpoint = "categories", input = GetUrl)]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    let state = super::app_state()?;
    Ok(std::sync::Arc::unwrap_or_clone(page_categories().get(&state).await?))
}

#[server(prefix = "/rpc", endpoint = "catalog", input = GetUrl)]
pub async fn list_catalog(query: ProductQuery) -> Result<CatalogData, AppError> {
    let state = super::app_state()?;
    catalog::catalog(&state, &page_categories(), query.normalized()).await
}

#[server(prefix = "/rpc", endpoint = "category", input = GetUrl)]
pub async fn get_category(slug: String, query: ProductQuery) -> Result<(Category, CatalogData), AppError> {
    let state = super::app_state()?;
    catalog::category_listing(&state, &page_categories(), &slug, query.normalized()).await
}

#[server(prefix = "/rpc", endpoint = "product", input = GetUrl)]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    let state = super::app_state()?;
    Ok(std::sync::Arc::unwrap_or_clone(catalog::product_detail(&state, &slug).await?))
}
