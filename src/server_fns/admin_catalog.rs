//! The back office's catalog: reads for its pages, and every change to categories and products.
//! Each function authorizes first (admins only: 401 signed out, 403 for customers). Changes
//! redirect on success, so a plain form post and a call from an island both land on a page that
//! shows the new state.

use crate::error::AppError;
use crate::model::back_office::{CategoryRow, Dashboard, ProductFormData, ProductTable};
use crate::model::ProductQuery;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::server::{
    http::guard::signed_in_admin,
    services::{
        back_office,
        catalog_edits::{self, Target},
        Editor,
    },
};

#[server(prefix = "/rpc", endpoint = "admin/dashboard", input = GetUrl)]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    back_office::dashboard(&state, &admin).await
}

#[server(prefix = "/rpc", endpoint = "admin/products", input = GetUrl)]
pub async fn list_admin_products(#[server(default)] query: ProductQuery) -> Result<ProductTable, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    back_office::product_table(&state, &admin, query).await
}

/// The product form's starting values: the product with `id`, or an empty form without one.
#[server(prefix = "/rpc", endpoint = "admin/products/form", input = GetUrl)]
pub async fn get_product_form(#[server(default)] id: Option<i64>) -> Result<ProductFormData, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    back_office::product_form(&state, &super::catalog::page_categories(), &admin, id).await
}

/// Creates a product, or with `id` and `version` replaces every field of one (a full edit).
/// Multipart: the fields, `images` (one URL per line, in display order) and `new_images` files.
#[server(prefix = "/rpc", endpoint = "admin/products/save", input = MultipartFormData)]
pub async fn save_product(data: MultipartData) -> Result<(), AppError> {
    use crate::model::catalog_edit::{image_lines, ProductInput, FILES_PER_PRODUCT_SAVE};
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let (max_files, max_file_bytes) = (FILES_PER_PRODUCT_SAVE as usize, state.config.media.max_upload_bytes);
    let mut form =
        crate::server::media::uploads::read_form(&mut multipart, "new_images", max_files, max_file_bytes).await?;
    let uploads = std::mem::take(&mut form.files);
    let target = match (form.text("id"), form.text("version")) {
        ("", _) => None,
        (id, version) => Some(Target { id: parse_number(id, "id")?, version: parse_number(version, "version")? }),
    };
    let input = ProductInput {
        title: form.text("title"),
        description: form.text("description"),
        price: form.text("price"),
        stock: form.text("stock"),
        category_id: form.text("category_id"),
        images: image_lines(form.text("images")),
    };
    let id = catalog_edits::save_product(&state, Editor::Person(&admin), target, input, uploads).await?;
    leptos_axum::redirect(&format!("{}?saved=1", crate::model::paths::admin_product(id)));
    Ok(())
}

/// Changes one field of a product from the table (the PATCH of the back office): its price or its
/// stock, whichever is sent. Goes back to the table page it came from.
#[server(prefix = "/rpc", endpoint = "admin/products/patch")]
pub async fn patch_product(
    id: i64,
    version: i64,
    price: Option<String>,
    stock: Option<String>,
    return_to: Option<String>,
) -> Result<(), AppError> {
    use crate::error::FieldError;
    use crate::model::catalog_edit::{parse_price, parse_stock, ProductPatch};
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    let field_error = |field: &str, issue| AppError::Validation(vec![FieldError::new(field, issue)]);
    let patch = match (price, stock) {
        (Some(price), None) => ProductPatch::Price(parse_price(&price).map_err(|issue| field_error("price", issue))?),
        (None, Some(stock)) => ProductPatch::Stock(parse_stock(&stock).map_err(|issue| field_error("stock", issue))?),
        _ => return Err(AppError::BadRequest("send either price or stock".into())),
    };
    catalog_edits::patch_product(&state, Editor::Person(&admin), Target { id, version }, patch).await?;
    leptos_axum::redirect(&super::back_office_path(return_to, "/admin/products"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "admin/products/delete")]
pub async fn delete_product(id: i64) -> Result<(), AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    catalog_edits::delete_product(&state, Editor::Person(&admin), id).await?;
    leptos_axum::redirect("/admin/products?deleted=1");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "admin/categories", input = GetUrl)]
pub async fn list_admin_categories() -> Result<Vec<CategoryRow>, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    back_office::category_rows(&state, &admin).await
}

#[server(prefix = "/rpc", endpoint = "admin/categories/one", input = GetUrl)]
pub async fn get_admin_category(id: i64) -> Result<CategoryRow, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    back_office::category_row(&state, &admin, id).await
}

/// Creates a category, or with `id` and `version` edits one.
#[server(prefix = "/rpc", endpoint = "admin/categories/save")]
pub async fn save_category(id: Option<i64>, version: Option<i64>, name: String, image: String) -> Result<(), AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    match (id, version) {
        (Some(id), Some(version)) => {
            catalog_edits::update_category(&state, Editor::Person(&admin), Target { id, version }, &name, &image)
                .await?
        }
        (None, _) => {
            catalog_edits::create_category(&state, Editor::Person(&admin), &name, &image).await?;
        }
        (Some(_), None) => return Err(AppError::BadRequest("an edit names the version it started from".into())),
    }
    leptos_axum::redirect("/admin/categories?saved=1");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "admin/categories/delete")]
pub async fn delete_category(id: i64) -> Result<(), AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    catalog_edits::delete_category(&state, Editor::Person(&admin), id).await?;
    leptos_axum::redirect("/admin/categories?deleted=1");
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_number(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| AppError::BadRequest(format!("{what} is not a number")))
}
