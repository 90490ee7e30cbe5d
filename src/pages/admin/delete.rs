//! `/admin/products/:id/delete` and `/admin/categories/:id/delete`: the confirmation step before
//! deleting, as a page of its own so it works without JavaScript (no `confirm()` dialog).

use super::widgets::Loaded;
use super::AdminGate;
use crate::components::forms::error_from_url;
use crate::components::{boxed, ErrorView, PageMeta};
use crate::error::{AppError, Entity};
use crate::i18n::use_texts;
use crate::model::paths;
use crate::pages::id_from_path;
use crate::server_fns::admin_catalog::{get_admin_category, get_product_form, DeleteCategory, DeleteProduct};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn DeleteProductPage() -> impl IntoView {
    view! {
        <AdminGate>
            {match id_from_path().and_then(Result::ok) {
                Some(id) => {
                    view! { <Loaded load=boxed(get_product_form(Some(id))) render=move |data| {
                        let title = data.product.map(|p| p.title).unwrap_or_default();
                        let t = use_texts().admin;
                        let error = error_from_url::<DeleteProduct>();
                        let cancel_href = paths::admin_product(id);
                        view! {
                            <ConfirmDelete name=title warning=t.delete_product_warning action=DeleteProduct::url()
                                id cancel_href error />
                        }
                    } /> }.into_any()
                }
                None => view! { <ErrorView error=AppError::not_found(Entity::Product) /> }.into_any(),
            }}
        </AdminGate>
    }
}

#[component]
pub fn DeleteCategoryPage() -> impl IntoView {
    view! {
        <AdminGate>
            {match id_from_path().and_then(Result::ok) {
                Some(id) => {
                    view! { <Loaded load=boxed(get_admin_category(id)) render=move |row| {
                        let t = use_texts().admin;
                        // Say so before the click when the category is in use (the server refuses anyway).
                        let error = error_from_url::<DeleteCategory>()
                            .or((row.products > 0).then_some(AppError::CategoryInUse { products: row.products }));
                        view! {
                            <ConfirmDelete name=row.category.name warning=t.delete_category_warning action=DeleteCategory::url()
                                id cancel_href="/admin/categories".to_owned() error />
                        }
                    } /> }.into_any()
                }
                None => view! { <ErrorView error=AppError::not_found(Entity::Category) /> }.into_any(),
            }}
        </AdminGate>
    }
}

#[component]
fn ConfirmDelete(
    name: String,
    warning: &'static str,
    action: &'static str,
    id: i64,
    cancel_href: String,
    error: Option<AppError>,
) -> impl IntoView {
    let texts = use_texts();
    let t = texts.admin;
    let title = (t.confirm_title)(&name);
    view! {
        <PageMeta title=title.clone() description=warning canonical_path=cancel_href.clone() noindex=true />
        <section class="confirm-delete">
            <h1>{title}</h1>
            <p>{warning}</p>
            {error.map(|error| view! { <p class="form-alert" role="alert">{texts.common.error_message(&error)}</p> })}
            <form method="post" action=action class="confirm-actions">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button button-danger">{t.confirm_delete}</button>
                <a href=cancel_href>{t.cancel}</a>
            </form>
        </section>
    }
}
