//! `/admin/products`: the catalog as a searchable, sortable, paginated table, with the price and
//! stock of each product editable in place.

use super::widgets::{page_count, short_time, ChangeNotice, Loaded, Pager};
use super::AdminGate;
use crate::components::forms::{error_from_url, latest_error};
use crate::components::{boxed, PageMeta, TableFrame};
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts, Lang, Texts};
use crate::model::back_office::{ProductRow, ProductTable, ADMIN_PAGE_SIZE};
use crate::model::paths;
use crate::model::{ProductQuery, SortOrder};
use crate::server_fns::admin_catalog::{list_admin_products, PatchProduct};
use leptos::prelude::*;

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                let query = leptos_router::hooks::use_query_map().get_untracked();
                let (query, _) = ProductQuery::parse(|key| query.get(key));
                view! { <Loaded load=boxed(list_admin_products(query.clone())) render=|table| view! { <ProductTableView table /> } /> }
            }
        </AdminGate>
    }
}

#[component]
fn ProductTableView(table: ProductTable) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().admin;
    let here = format!("/admin/products{}", table.query.to_query_string(table.query.page(), true));
    let pages = page_count(table.total, ADMIN_PAGE_SIZE);
    let query = table.query.clone();
    view! {
        <PageMeta title=t.nav_products description=t.products_description canonical_path="/admin/products" noindex=true />
        <div class="admin-heading">
            <h1>{t.nav_products}</h1>
            <a class="button" href=paths::ADMIN_NEW_PRODUCT>{t.new_product}</a>
        </div>
        <ChangeNotice />
        <PatchErrorFromUrl />
        <SearchForm query=table.query.clone() />
        <p class="result-count" role="status">{(t.count_products)(table.total)}</p>
        <TableFrame label=t.nav_products>
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">{t.col_title}</th>
                        <th scope="col">{t.col_category}</th>
                        <th scope="col">{t.col_price}</th>
                        <th scope="col">{t.col_stock}</th>
                        <th scope="col">{t.col_updated}</th>
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {table.rows.into_iter().map(|row| view! { <ProductTableRow row lang return_to=here.clone() /> }).collect_view()}
                </tbody>
            </table>
        </TableFrame>
        {(table.total == 0).then(|| view! { <p>{t.no_matches}</p> })}
        <Pager page=query.page() page_count=pages href=move |page| format!("/admin/products{}", query.to_query_string(page, true)) />
    }
}

#[component]
fn ProductTableRow(row: ProductRow, lang: Lang, return_to: String) -> impl IntoView {
    let t = lang.texts().admin;
    view! {
        <tr>
            <th scope="row">
                <a href=paths::admin_product(row.id)>{row.title.clone()}</a>
            </th>
            <td>{row.category_name.clone()}</td>
            <td>
                <InlineEdit lang id=row.id version=row.version price=true value=row.price.decimal()
                    label=(t.price_of)(&row.title) return_to=return_to.clone() />
            </td>
            <td>
                <InlineEdit lang id=row.id version=row.version price=false value=row.stock.to_string()
                    label=(t.stock_of)(&row.title) return_to />
            </td>
            <td><time datetime=row.updated_at.clone()>{short_time(&row.updated_at)}</time></td>
            <td class="row-actions">
                <a href=paths::admin_product(row.id) aria-label=(t.edit_title)(&row.title)>{t.edit}</a>
                <a href=paths::admin_product_delete(row.id) aria-label=(t.delete_named)(&row.title)>{t.delete}</a>
            </td>
        </tr>
    }
}

/// One field of one product, saved on its own (price when `price`, else stock). With JavaScript
/// a refusal shows beside the field; without, the page comes back with it at the top.
#[island(lazy)]
fn InlineEdit(
    lang: Lang,
    id: i64,
    version: i64,
    price: bool,
    value: String,
    label: String,
    return_to: String,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts();
    let field = if price { "price" } else { "stock" };
    let input_id = format!("{field}-{id}");
    let error_id = format!("{input_id}-error");
    let action = ServerAction::<PatchProduct>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), None);
    let message = move || error.get().map(|error| refusal_text(t, &error));
    view! {
        <ActionForm action attr:class="inline-edit" attr:novalidate=true>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <input type="hidden" name="return_to" value=return_to />
            <label class="visually-hidden" for=input_id.clone()>{label}</label>
            <input id=input_id name=field value=value size="7" inputmode=if price { "decimal" } else { "numeric" }
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=move || error.get().map(|_| error_id.clone()) />
            <button type="submit" class="button button-small" disabled=move || action.pending().get()>{t.admin.save}</button>
            {move || message().map(|text| view! { <p class="field-error" id=format!("{field}-{id}-error")>{text}</p> })}
        </ActionForm>
    }
}

/// Without JavaScript an inline edit's refusal comes back in the URL; it is shown above the table.
#[component]
fn PatchErrorFromUrl() -> impl IntoView {
    let t = use_texts();
    error_from_url::<PatchProduct>()
        .map(|error| view! { <p class="form-alert" role="alert">{refusal_text(t, &error)}</p> })
}

/// Why an inline edit was refused, in a sentence: the field's message, or the error's.
fn refusal_text(t: &Texts, error: &AppError) -> String {
    match error {
        AppError::Validation(errors) => errors.iter().map(|e| (t.account.issue)(e.issue)).collect::<Vec<_>>().join(" "),
        other => t.common.error_message(other),
    }
}

/// Search and sort, as a plain GET form: the URL holds the table's state.
#[component]
fn SearchForm(query: ProductQuery) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().admin;
    view! {
        <form class="admin-search" method="get" action="/admin/products" role="search" aria-label=t.product_filters>
            <label for="admin-q">{t.search}</label>
            <input id="admin-q" type="search" name="q" value=query.q.clone() maxlength="100" />
            <label for="admin-sort">{t.sort_by}</label>
            <select id="admin-sort" name="sort">
                {SortOrder::ALL.into_iter().map(|sort| view! {
                    <option value=sort.key() selected=sort == query.sort>{sort.label(lang)}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button">{t.search_button}</button>
        </form>
    }
}
