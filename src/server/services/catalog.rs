//! Reading the catalog: the rules for what a shopper sees, behind the cache.

use crate::error::{AppError, Entity};
use crate::model::{
    CatalogData, Category, HomeData, ProductDetail, ProductPage, ProductQuery, ProductSummary, PAGE_SIZE,
};
use crate::server::{app::state::AppState, db::catalog as db, media::product_images};
use futures_util::future::{BoxFuture, FutureExt, Shared};
use std::sync::{Arc, OnceLock};

/// Product cards show an uploaded image as its light thumbnail.
fn with_card_thumbnails(mut cards: Vec<ProductSummary>) -> Vec<ProductSummary> {
    for card in &mut cards {
        if let Some(thumbnail) = product_images::thumbnail_of(&card.image) {
            card.image = thumbnail;
        }
    }
    cards
}

/// How many products the home page and a product's "related" strip show.
const NEWEST_ON_HOME: i64 = 8;
const RELATED_ON_PRODUCT: i64 = 4;

pub async fn list_categories(state: &AppState) -> Result<Arc<Vec<Category>>, AppError> {
    state
        .catalog_cache
        .categories
        .get_or_load((), || async { Ok(Arc::new(db::select_categories(&state.db).await?)) })
        .await
}

/// The categories for one page. A page shows them twice: the header links to them, and the
/// catalog's filter (or the home page, or the back office's product form) lists them; with the
/// cache off, each part read them from the database, a third of an uncached catalog page's
/// queries. A render holds one of these (faces create it as the render begins), so the page reads
/// them once. Whichever part asks first starts the read and every part that asks shares it: any
/// of them may drive it to its end, so none waits on a part that is not being polled.
#[derive(Clone, Default)]
pub struct PageCategories(Arc<OnceLock<SharedRead>>);

type SharedRead = Shared<BoxFuture<'static, Result<Arc<Vec<Category>>, AppError>>>;

impl PageCategories {
    pub async fn get(&self, state: &AppState) -> Result<Arc<Vec<Category>>, AppError> {
        let read = self.0.get_or_init(|| {
            let state = state.clone();
            async move { list_categories(&state).await }.boxed().shared()
        });
        read.clone().await
    }
}

pub async fn home(state: &AppState, page_categories: &PageCategories) -> Result<Arc<HomeData>, AppError> {
    state
        .catalog_cache
        .home
        .get_or_load((), || async {
            let categories = Arc::unwrap_or_clone(page_categories.get(state).await?);
            let newest = with_card_thumbnails(db::select_newest(&state.db, NEWEST_ON_HOME).await?);
            Ok(Arc::new(HomeData { categories, newest }))
        })
        .await
}

pub async fn search_products(state: &AppState, query: ProductQuery) -> Result<Arc<ProductPage>, AppError> {
    state
        .catalog_cache
        .listings
        .get_or_load(query.clone(), || async {
            let listed = db::listing::select_listing(&state.db, &state.page_anchors, &query, PAGE_SIZE).await?;
            let mut page = ProductPage {
                items: with_card_thumbnails(listed.items),
                total: listed.total,
                page: query.page(),
                has_previous: listed.more_before,
                has_next: listed.more_after,
                more_match_than_listed: listed.more_match_than_listed,
            };
            // A page found by cursor carries its number only as a label, which the catalog may
            // have outgrown (or a hand-edited address may have made up): keep it believable.
            if query.cursor.is_some() && query.pages_by_cursor() && !page.items.is_empty() {
                page.page = if page.has_previous { page.page.clamp(2, page.page_count().max(2)) } else { 1 };
            }
            Ok(Arc::new(page))
        })
        .await
}

/// The catalog listing with the categories its filter form offers.
pub async fn catalog(
    state: &AppState,
    page_categories: &PageCategories,
    query: ProductQuery,
) -> Result<CatalogData, AppError> {
    // Kept for a query that names a category: one that names none lists nothing, and is listed
    // again without it.
    let asked = query.category.is_some().then(|| query.clone());
    let (categories, mut results) = tokio::try_join!(page_categories.get(state), search_products(state, query))?;
    if let Some(asked) = asked.filter(|asked| results.items.is_empty() && asked.names_unknown_category(&categories)) {
        results = search_products(state, ProductQuery { category: None, ..asked }).await?;
    }
    // Moved out when nothing else holds them (the cache off, or the entry already evicted to stay
    // within the cache's byte budget); copied when the cache keeps the original.
    Ok(CatalogData { categories: Arc::unwrap_or_clone(categories), results: Arc::unwrap_or_clone(results) })
}

/// A category and one page of its products; `NotFound` for an unknown slug.
pub async fn category_listing(
    state: &AppState,
    page_categories: &PageCategories,
    slug: &str,
    mut query: ProductQuery,
) -> Result<(Category, CatalogData), AppError> {
    let categories = page_categories.get(state).await?;
    let category = categories
        .iter()
        .find(|c| c.slug == slug)
        .cloned()
        .ok_or_else(|| AppError::missing_slug(Entity::Category, slug))?;
    query.category = Some(category.slug.clone());
    let results = search_products(state, query).await?;
    let data = CatalogData { categories: Arc::unwrap_or_clone(categories), results: Arc::unwrap_or_clone(results) };
    Ok((category, data))
}

/// A product and its related products; `NotFound` for an unknown slug.
pub async fn product_detail(state: &AppState, slug: &str) -> Result<Arc<ProductDetail>, AppError> {
    state
        .catalog_cache
        .products
        .get_or_load(slug.to_owned(), || async {
            let (product, related) = db::select_product_page(&state.db, slug, RELATED_ON_PRODUCT)
                .await?
                .ok_or_else(|| AppError::missing_slug(Entity::Product, slug))?;
            Ok(Arc::new(ProductDetail { product, related: with_card_thumbnails(related) }))
        })
        .await
}
