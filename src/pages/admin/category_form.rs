//! `/admin/categories/new` and `/admin/categories/:id`: a category's name and image.

use super::widgets::Loaded;
use super::AdminGate;
use crate::components::forms::{error_from_url, issue_of, latest_error, FormAlert, FormField, SubmitButton};
use crate::components::{boxed, ErrorView, PageMeta};
use crate::error::{AppError, Entity};
use crate::i18n::{use_lang, Lang};
use crate::model::back_office::CategoryRow;
use crate::model::catalog_edit::{CATEGORY_NAME_MAX, IMAGE_URL_MAX};
use crate::model::paths;
use crate::pages::id_from_path;
use crate::server_fns::admin_catalog::{get_admin_category, SaveCategory};
use leptos::prelude::*;

#[component]
pub fn CategoryFormPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                match id_from_path() {
                    None => view! { <CategoryFormView row=None /> }.into_any(),
                    Some(Ok(id)) => {
                        view! { <Loaded load=boxed(get_admin_category(id)) render=|row| view! { <CategoryFormView row=Some(row) /> } /> }.into_any()
                    }
                    Some(Err(_)) => view! { <ErrorView error=AppError::not_found(Entity::Category) /> }.into_any(),
                }
            }
        </AdminGate>
    }
}

#[component]
fn CategoryFormView(row: Option<CategoryRow>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().admin;
    let title = row.as_ref().map_or(t.new_category.to_owned(), |row| (t.edit_title)(&row.category.name));
    let canonical = row.as_ref().map_or(paths::ADMIN_NEW_CATEGORY.to_owned(), |r| paths::admin_category(r.category.id));
    let initial_error = error_from_url::<SaveCategory>();
    view! {
        <PageMeta title=title.clone() description=t.categories_description canonical_path=canonical noindex=true />
        <h1>{title}</h1>
        <CategoryForm lang row initial_error />
    }
}

/// With JavaScript, a refused save shows its errors in place; a saved one goes to the table.
#[island(lazy)]
fn CategoryForm(lang: Lang, row: Option<CategoryRow>, initial_error: Option<AppError>) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().admin;
    let action = ServerAction::<SaveCategory>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    let (name, image) = row.as_ref().map(|r| (r.category.name.clone(), r.category.image.clone())).unwrap_or_default();
    view! {
        <ActionForm action attr:class="stack-form" attr:novalidate=true>
            <FormAlert error />
            {row.map(|row| view! {
                <input type="hidden" name="id" value=row.category.id />
                <input type="hidden" name="version" value=row.version />
            })}
            <FormField name="name" label=t.field_name value=name maxlength=CATEGORY_NAME_MAX issue=issue_of(error, "name") />
            <FormField name="image" label=t.field_image kind="url" hint=t.image_hint value=image
                maxlength=IMAGE_URL_MAX issue=issue_of(error, "image") />
            <SubmitButton label=t.save_category pending=action.pending() />
        </ActionForm>
    }
}
