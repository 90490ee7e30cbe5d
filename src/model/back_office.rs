//! What the admin back office reads: tables, edit forms' starting values, the dashboard.

use super::{Category, Money, ProductQuery, User};
use serde::{Deserialize, Serialize};

/// Admin tables show this many rows per page.
pub const ADMIN_PAGE_SIZE: u32 = 25;

/// A row of the products table, with what an inline edit needs (the version it starts from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub price: Money,
    pub stock: i64,
    pub category_name: String,
    pub image: String,
    pub version: i64,
    /// RFC 3339.
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductTable {
    pub rows: Vec<ProductRow>,
    pub total: u64,
    pub query: ProductQuery,
}

/// A product as its edit form starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableProduct {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub price: Money,
    pub stock: i64,
    pub category_id: i64,
    pub images: Vec<String>,
    pub version: i64,
    pub updated_at: String,
    /// The admin who last changed it; `None` for seed data.
    pub updated_by: Option<String>,
}

/// What the product form offers: the product (when editing) and every category to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFormData {
    pub product: Option<EditableProduct>,
    pub categories: Vec<Category>,
}

/// A row of the categories table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub category: Category,
    pub products: u64,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

/// A row of the users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub user: User,
    pub active: bool,
    /// RFC 3339.
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTable {
    pub rows: Vec<UserRow>,
    pub total: u64,
    pub page: u32,
    pub q: String,
}

/// The dashboard: counts and the data behind its charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub products: u64,
    pub categories: u64,
    pub customers: u64,
    pub admins: u64,
    pub out_of_stock: u64,
    /// (category name, products in it), in category order.
    pub per_category: Vec<(String, u64)>,
    /// Every product's price, for the price distribution.
    pub prices: Vec<Money>,
    pub recent: Vec<RecentChange>,
}

/// A recently changed product, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentChange {
    pub id: i64,
    pub title: String,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

/// The dashboard's sales: one entry per day (days without orders included), and the best sellers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesOverview {
    pub per_day: Vec<DaySales>,
    pub best_sellers: Vec<BestSeller>,
    /// The store's currency: revenue and best sellers count only orders placed in it (amounts in
    /// two do not add up); the orders per day count every order.
    pub currency: crate::model::money::Currency,
}

/// Orders placed on a day (UTC, `YYYY-MM-DD`) and what they came to, cancelled orders left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySales {
    pub day: String,
    pub orders: u64,
    pub revenue: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestSeller {
    pub product_id: i64,
    pub title: String,
    pub units: u64,
    pub revenue: Money,
}
