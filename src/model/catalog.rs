//! The catalog as pages and server functions see it.

use super::{Cursor, CursorSide, Money, ProductQuery};
use serde::{Deserialize, Serialize};

/// Every listing shows this many products per page.
pub const PAGE_SIZE: u32 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub image: String,
}

/// What a product card needs: enough for a grid, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub price: Money,
    pub image: String,
    pub category_name: String,
    pub in_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub price: Money,
    pub images: Vec<String>,
    pub category: Category,
    pub stock: i64,
    /// RFC 3339, for `lastmod` and structured data.
    pub updated_at: String,
}

/// The stock-keeping unit of the product with this id (an order line keeps it as sold).
pub fn sku_of(product_id: i64) -> String {
    format!("TND-{product_id:05}")
}

impl Product {
    /// The stock-keeping unit shown on the page and in structured data.
    pub fn sku(&self) -> String {
        sku_of(self.id)
    }
}

/// A product page: the product and a few others from its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub product: Product,
    pub related: Vec<ProductSummary>,
}

/// One page of a filtered, sorted listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub items: Vec<ProductSummary>,
    pub total: u64,
    /// The page number as shown (a page reached by cursor carries it as a label).
    pub page: u32,
    pub has_previous: bool,
    pub has_next: bool,
    /// Whether more products match than `total`: a search ranked by relevance lists only its
    /// most recently added matches when it has very many (`RANKED_MATCHES_MAX` on the server).
    pub more_match_than_listed: bool,
}

impl ProductPage {
    /// At least one page, even when nothing matches.
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(PAGE_SIZE as u64) as u32).max(1)
    }

    pub fn is_past_the_end(&self) -> bool {
        self.items.is_empty() && self.page > self.page_count()
    }

    /// Where the page before this one is, if there is one.
    pub fn previous(&self, query: &ProductQuery) -> Option<PageAddress> {
        let page = self.page.saturating_sub(1).max(1);
        // The first page needs no cursor: its plain address is the one search engines know.
        let cursor = (page > 1 && query.pages_by_cursor())
            .then(|| self.items.first().map(|p| Cursor::beside(CursorSide::Before, p, query.sort)));
        self.has_previous.then_some(PageAddress { page, cursor: cursor.flatten() })
    }

    /// Where the page after this one is, if there is one.
    pub fn next(&self, query: &ProductQuery) -> Option<PageAddress> {
        let cursor = query
            .pages_by_cursor()
            .then(|| self.items.last().map(|p| Cursor::beside(CursorSide::After, p, query.sort)));
        self.has_next.then_some(PageAddress { page: self.page + 1, cursor: cursor.flatten() })
    }
}

/// A listing page's address: its number, and the cursor that finds it when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAddress {
    pub page: u32,
    pub cursor: Option<Cursor>,
}

/// The category list and the newest arrivals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub categories: Vec<Category>,
    pub newest: Vec<ProductSummary>,
}

/// A catalog listing together with the categories its filter form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogData {
    pub categories: Vec<Category>,
    pub results: ProductPage,
}
