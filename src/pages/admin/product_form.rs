//! `/admin/products/new` and `/admin/products/:id`: a product's every field, its images (links
//! and uploads), saved as one multipart form that works the same with or without JavaScript.

use super::widgets::{short_time, ChangeNotice, Loaded};
use super::AdminGate;
use crate::components::forms::{
    error_from_url, upload_limit, FormAlert, FormField, SelectField, TextAreaField, ACCEPTED_IMAGES,
};
use crate::components::{boxed, PageMeta};
use crate::error::{AppError, Entity, FieldIssue};
use crate::i18n::{use_lang, use_texts, Lang};
use crate::model::back_office::{EditableProduct, ProductFormData};
use crate::model::catalog_edit::{DESCRIPTION_MAX, FILES_PER_PRODUCT_SAVE, TITLE_MAX};
use crate::model::money::Currency;
use crate::model::paths;
use crate::pages::id_from_path;
use crate::server_fns::admin_catalog::{get_product_form, SaveProduct};
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ProductFormPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                match id_from_path() {
                    Some(Err(_)) => view! { <crate::components::ErrorView error=AppError::not_found(Entity::Product) /> }.into_any(),
                    Some(Ok(id)) => form_for(Some(id)).into_any(),
                    None => form_for(None).into_any(),
                }
            }
        </AdminGate>
    }
}

fn form_for(id: Option<i64>) -> impl IntoView {
    view! { <Loaded load=boxed(get_product_form(id)) render=|data| view! { <ProductFormView data /> } /> }
}

#[component]
fn ProductFormView(data: ProductFormData) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().admin;
    let product = data.product.clone();
    let title = product.as_ref().map_or(t.new_product.to_owned(), |p| (t.edit_title)(&p.title));
    let canonical = product.as_ref().map_or(paths::ADMIN_NEW_PRODUCT.to_owned(), |p| paths::admin_product(p.id));
    let initial_error = error_from_url::<SaveProduct>();
    view! {
        <PageMeta title=title.clone() description=t.products_description canonical_path=canonical noindex=true />
        <h1>{title}</h1>
        <ChangeNotice />
        {product.map(|p| view! { <ProductFacts product=p /> })}
        <ProductForm lang data upload_limit=upload_limit() currency=store_currency() initial_error />
    }
}

/// The form posts as multipart, so it works without JavaScript (a refusal then comes back in the
/// URL). With JavaScript it is sent from here instead: a refusal shows at its fields and nothing
/// typed or chosen is lost; a save goes on to the saved product.
#[island(lazy)]
fn ProductForm(
    lang: Lang,
    data: ProductFormData,
    upload_limit: u64,
    currency: Currency,
    initial_error: Option<AppError>,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().admin;
    let error = RwSignal::new(initial_error);
    let pending = RwSignal::new(false);
    let issue = move |field: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_issue(field))))
    };
    let product = data.product;
    let p = product.clone().unwrap_or_else(empty_product);
    let categories: Vec<(String, String)> =
        data.categories.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    let selected = product.as_ref().map(|p| p.category_id.to_string()).unwrap_or_default();
    let on_submit = move |ev: leptos::ev::SubmitEvent| send_in_place(ev, error, pending);
    view! {
        <form class="stack-form product-form" method="post" action=SaveProduct::url() enctype="multipart/form-data"
            novalidate on:submit=on_submit>
            <FormAlert error=error.into() />
            {product.as_ref().map(|p| view! {
                <input type="hidden" name="id" value=p.id />
                <input type="hidden" name="version" value=p.version />
            })}
            <FormField name="title" label=t.field_title value=p.title.clone() maxlength=TITLE_MAX issue=issue("title") />
            <TextAreaField name="description" label=t.field_description value=p.description.clone()
                maxlength=DESCRIPTION_MAX issue=issue("description") />
            <div class="field-row">
                <FormField name="price" label=(t.field_price)(currency.code()) hint=t.price_hint inputmode="decimal"
                    value=product.as_ref().map(|p| p.price.decimal()).unwrap_or_default() issue=issue("price") />
                <FormField name="stock" label=t.field_stock kind="number"
                    value=product.as_ref().map(|p| p.stock.to_string()).unwrap_or_else(|| "0".into()) issue=issue("stock") />
            </div>
            <SelectField name="category_id" label=t.field_category options=categories selected
                placeholder=t.choose_category issue=issue("category_id") />
            <ImageFields images=p.images.clone() upload_limit issue=issue("images") upload_issue=issue("new_images") />
            <button type="submit" class="button" disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
                {t.save_product}
            </button>
        </form>
    }
}

/// Sends the form with its files through the server function, keeping the page (and everything
/// typed in it) when the save is refused. The server's redirect after a save moves the browser on.
fn send_in_place(ev: leptos::ev::SubmitEvent, error: RwSignal<Option<AppError>>, pending: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let form = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok());
        let Some(data) = form.and_then(|form| web_sys::FormData::new_with_form(&form).ok()) else {
            return; // the browser posts the form itself
        };
        ev.prevent_default();
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = crate::server_fns::admin_catalog::save_product(data.into()).await;
            pending.set(false);
            error.set(result.err());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, error, pending);
}

/// The image list (links, one per line, reordered or removed by editing the lines) with
/// previews, and the file input whose uploads are added after them.
#[component]
fn ImageFields(
    images: Vec<String>,
    upload_limit: u64,
    issue: Signal<Option<FieldIssue>>,
    upload_issue: Signal<Option<FieldIssue>>,
) -> impl IntoView {
    let t = use_texts().admin;
    let issue_text = use_texts().account.issue;
    view! {
        <fieldset class="image-fields">
            <legend>{t.current_images}</legend>
            {(!images.is_empty()).then(|| view! {
                <ol class="image-previews">
                    {images.iter().map(|url| view! { <li><img src=crate::model::paths::picture_src(url) alt="" width="96" height="96" loading="lazy" /></li> }).collect_view()}
                </ol>
            })}
            <TextAreaField name="images" label=t.field_images hint=t.images_hint value=images.join("\n") rows=4 issue />
            <div class="field" class:field-invalid=move || upload_issue.get().is_some()>
                <label for="field-new_images">{t.field_new_images}</label>
                <input id="field-new_images" type="file" name="new_images" multiple accept=ACCEPTED_IMAGES
                    aria-invalid=move || upload_issue.get().map(|_| "true")
                    aria-describedby=move || match upload_issue.get() {
                        Some(_) => "field-new_images-hint field-new_images-error",
                        None => "field-new_images-hint",
                    } />
                <p class="field-hint" id="field-new_images-hint">{(t.new_images_hint)(upload_limit, FILES_PER_PRODUCT_SAVE)}</p>
                {move || upload_issue.get().map(|issue| view! {
                    <p class="field-error" id="field-new_images-error">{issue_text(issue)}</p>
                })}
            </div>
        </fieldset>
    }
}

/// When the product last changed and by whom, and a link to it in the store.
#[component]
fn ProductFacts(product: EditableProduct) -> impl IntoView {
    let t = use_texts().admin;
    view! {
        <p class="admin-facts">
            {(t.last_changed)(&short_time(&product.updated_at), product.updated_by.as_deref())}
            " "<a href=paths::product(&product.slug)>{t.view_in_store}</a>
        </p>
    }
}

fn empty_product() -> EditableProduct {
    EditableProduct {
        id: 0,
        title: String::new(),
        slug: String::new(),
        description: String::new(),
        price: crate::model::Money(0),
        stock: 0,
        category_id: 0,
        images: Vec::new(),
        version: 0,
        updated_at: String::new(),
        updated_by: None,
    }
}
