//! `GET /api/v1/products…` and `GET /api/v1/categories…`: the catalog as the Platzi contract
//! reads it (§3, §4 of `docs/api.md`).

use super::errors::ApiError;
use super::filters::product_filter;
use super::json::{Category, Product, WrittenCategory};
use super::path::Segment;
use super::product_json::{product_json, products_json};
use super::schema::ErrorBody;
use crate::server::app::state::{ApiProductKey, AppState};
use crate::server::services::catalog_api::{self as service, Key, ProductFilter, ProductRecordFull};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
    Json,
};

type Answer<T> = Result<Json<T>, ApiError>;

/// A page of products shares a handful of categories: each is written once and shared after.
pub(super) fn products(state: &AppState, records: Vec<ProductRecordFull>) -> Vec<Product> {
    let site = &state.config.server.site_url;
    let mut written: Vec<(i64, WrittenCategory)> = Vec::new();
    records
        .into_iter()
        .map(|mut record| {
            let id = record.category.id;
            let category = match written.iter().find(|(written_id, _)| *written_id == id) {
                Some((_, category)) => category.clone(),
                None => {
                    let category = WrittenCategory::new(std::mem::take(&mut record.category), site);
                    written.push((id, category.clone()));
                    category
                }
            };
            Product::in_category(record, category, site)
        })
        .collect()
}

/// An id from the path; anything but a whole number is upstream's 400.
pub(super) fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::BadId)
}

/// The product list, served from the catalog cache as ready JSON (cleared by every catalog change).
#[utoipa::path(
    get,
    path = "/products",
    tag = "products",
    summary = "List products, filtered and paged",
    description = "Products in id order. Filters combine with AND. `limit` alone works (offset 0); at most 200 a page.",
    params(
        ("title" = Option<String>, Query, description = "Part of the title, any case"),
        ("price" = Option<f64>, Query, description = "Exact price (ignored with a range)"),
        ("price_min" = Option<f64>, Query, description = "Lowest price, from 0"),
        ("price_max" = Option<f64>, Query, description = "Highest price"),
        ("categoryId" = Option<i64>, Query, description = "A category's id"),
        ("categorySlug" = Option<String>, Query, description = "A category's slug (wins over categoryId)"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 200"),
        ("offset" = Option<i64>, Query, description = "Products to skip"),
    ),
    responses(
        (status = 200, description = "The products", body = Vec<Product>),
        (status = 400, description = "A filter is not a number, or below 0", body = ErrorBody),
    ),
    security(()),
)]
pub async fn list_products(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let filter = product_filter(query.as_deref()).map_err(ApiError::Validation)?;
    let load = || async { Ok(products_json(&products(&state, service::list_products(&state, &filter).await?))) };
    let body = state.catalog_cache.api_product_lists.get_or_load(filter.clone(), load).await?;
    Ok(json_answer(body))
}

#[utoipa::path(
    get,
    path = "/products/{id}",
    tag = "products",
    summary = "One product by id",
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such product", body = ErrorBody),
    ),
    security(()),
)]
pub async fn get_product(State(state): State<AppState>, Segment(raw): Segment) -> Result<Response, ApiError> {
    let id = id(&raw)?;
    one_product(&state, ApiProductKey::Id(id), Key::Id(id)).await
}

#[utoipa::path(
    get,
    path = "/products/slug/{slug}",
    tag = "products",
    summary = "One product by slug",
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 404, description = "No such product", body = ErrorBody),
    ),
    security(()),
)]
pub async fn get_product_by_slug(State(state): State<AppState>, Segment(slug): Segment) -> Result<Response, ApiError> {
    one_product(&state, ApiProductKey::Slug(slug.clone()), Key::Slug(&slug)).await
}

/// One product's answer, kept in the catalog cache as sent, as the lists are.
async fn one_product(state: &AppState, cached_as: ApiProductKey, key: Key<'_>) -> Result<Response, ApiError> {
    let load = || async {
        Ok(product_json(&Product::new(service::find_product(state, key).await?, &state.config.server.site_url)))
    };
    let body = state.catalog_cache.api_products.get_or_load(cached_as, load).await?;
    Ok(json_answer(body))
}

/// Products as a JSON answer, for the reads the catalog cache does not keep.
fn products_answer(state: &AppState, records: Vec<ProductRecordFull>) -> Response {
    json_answer(products_json(&products(state, records)))
}

/// A JSON answer from the bytes the catalog cache keeps.
fn json_answer(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[utoipa::path(
    get,
    path = "/products/{id}/related",
    tag = "products",
    summary = "The other products of a product's category",
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The related products", body = Vec<Product>),
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such product", body = ErrorBody),
    ),
    security(()),
)]
pub async fn related_by_id(State(state): State<AppState>, Segment(raw): Segment) -> Result<Response, ApiError> {
    let key = Key::Id(id(&raw)?);
    let related = service::related_products(&state, key).await?;
    Ok(products_answer(&state, related))
}

#[utoipa::path(
    get,
    path = "/products/slug/{slug}/related",
    tag = "products",
    summary = "The other products of a product's category",
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The related products", body = Vec<Product>),
        (status = 404, description = "No such product", body = ErrorBody),
    ),
    security(()),
)]
pub async fn related_by_slug(State(state): State<AppState>, Segment(slug): Segment) -> Result<Response, ApiError> {
    let key = Key::Slug(&slug);
    let related = service::related_products(&state, key).await?;
    Ok(products_answer(&state, related))
}

#[utoipa::path(
    get,
    path = "/categories",
    tag = "categories",
    summary = "List categories",
    params(("limit" = Option<i64>, Query, description = "At most this many (1 to 200); other values are ignored")),
    responses((status = 200, description = "The categories, in id order", body = Vec<Category>)),
    security(()),
)]
pub async fn list_categories(State(state): State<AppState>, RawQuery(query): RawQuery) -> Answer<Vec<Category>> {
    let limit = super::filters::positive_limit(query.as_deref());
    let site = state.config.server.site_url.clone();
    let records = service::list_categories(&state, limit).await?;
    Ok(Json(records.into_iter().map(|record| Category::new(record, &site)).collect()))
}

#[utoipa::path(
    get,
    path = "/categories/{id}",
    tag = "categories",
    summary = "One category",
    params(("id" = i64, Path, description = "The category's id")),
    responses(
        (status = 200, description = "The category", body = Category),
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
    ),
    security(()),
)]
pub async fn get_category(State(state): State<AppState>, Segment(raw): Segment) -> Answer<Category> {
    let key = Key::Id(id(&raw)?);
    let record = service::find_category(&state, key).await?;
    Ok(Json(Category::new(record, &state.config.server.site_url)))
}

#[utoipa::path(
    get,
    path = "/categories/slug/{slug}",
    tag = "categories",
    summary = "One category",
    params(("slug" = String, Path, description = "The category's slug")),
    responses(
        (status = 200, description = "The category", body = Category),
        (status = 404, description = "No such category", body = ErrorBody),
    ),
    security(()),
)]
pub async fn get_category_by_slug(State(state): State<AppState>, Segment(slug): Segment) -> Answer<Category> {
    let key = Key::Slug(&slug);
    let record = service::find_category(&state, key).await?;
    Ok(Json(Category::new(record, &state.config.server.site_url)))
}

/// A category's products, paged like the product list; an unknown id gives `[]`, as upstream.
#[utoipa::path(
    get,
    path = "/categories/{id}/products",
    tag = "categories",
    summary = "A category's products, paged",
    params(
        ("id" = i64, Path, description = "The category's id"),
        ("limit" = Option<i64>, Query, description = "Page size, 1 to 200"),
        ("offset" = Option<i64>, Query, description = "Products to skip"),
    ),
    responses(
        (status = 200, description = "The products (none for an unknown category)", body = Vec<Product>),
        (status = 400, description = "The id or a paging value is not a number", body = ErrorBody),
    ),
    security(()),
)]
pub async fn category_products(
    State(state): State<AppState>,
    Segment(raw): Segment,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let category_id = id(&raw)?;
    let paging = product_filter(query.as_deref()).map_err(ApiError::Validation)?;
    let filter = ProductFilter {
        category_id: Some(category_id),
        limit: paging.limit,
        offset: paging.offset,
        ..Default::default()
    };
    Ok(products_answer(&state, service::list_products(&state, &filter).await?))
}
