//! What the back office's pages read: the dashboard, the product table, a product's edit form and
//! the category rows. Admins only, checked here as well as in the server functions, so a new face
//! (GraphQL, a CLI) cannot forget it.

use super::catalog::PageCategories;
use super::ensure_admin;
use crate::error::{AppError, Entity};
use crate::model::back_office::{CategoryRow, Dashboard, ProductFormData, ProductTable};
use crate::model::{ProductQuery, User};
use crate::server::{app::state::AppState, db::back_office as db};

pub async fn dashboard(state: &AppState, actor: &User) -> Result<Dashboard, AppError> {
    ensure_admin(actor)?;
    Ok(db::select_dashboard(&state.db).await?)
}

pub async fn product_table(state: &AppState, actor: &User, query: ProductQuery) -> Result<ProductTable, AppError> {
    ensure_admin(actor)?;
    let query = query.normalized();
    let (rows, total) = db::select_product_table(&state.db, &query).await?;
    Ok(ProductTable { rows, total, query })
}

/// The product form's starting values: the product with `id`, or an empty form without one. Its
/// category select lists the render's categories, which the page's header reads too.
pub async fn product_form(
    state: &AppState,
    page_categories: &PageCategories,
    actor: &User,
    id: Option<i64>,
) -> Result<ProductFormData, AppError> {
    ensure_admin(actor)?;
    let product = match id {
        Some(id) => Some(
            db::select_editable_product(&state.db, id)
                .await?
                .ok_or_else(|| AppError::missing_id(Entity::Product, id))?,
        ),
        None => None,
    };
    let categories = page_categories.get(state).await?.as_ref().clone();
    Ok(ProductFormData { product, categories })
}

/// Every category with its product count.
pub async fn category_rows(state: &AppState, actor: &User) -> Result<Vec<CategoryRow>, AppError> {
    ensure_admin(actor)?;
    Ok(db::select_category_rows(&state.db, None).await?)
}

pub async fn category_row(state: &AppState, actor: &User, id: i64) -> Result<CategoryRow, AppError> {
    ensure_admin(actor)?;
    let rows = db::select_category_rows(&state.db, Some(id)).await?;
    rows.into_iter().next().ok_or_else(|| AppError::missing_id(Entity::Category, id))
}
