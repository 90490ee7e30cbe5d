//! The catalog's search, filter and sort form.
//!
//! An ordinary GET form: without JavaScript it loads the filtered page. With JavaScript the
//! catalog's island (`pages::catalog::in_place`) asks for that same address and swaps in the new
//! results without loading a document.

use crate::i18n::{use_lang, use_texts};
use crate::model::{Category, ProductQuery, SortOrder};
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;

#[component]
pub fn FilterForm(
    /// Where the form submits: `/products` or a category's page.
    action: String,
    query: ProductQuery,
    /// The categories to choose from; empty on a category page, whose path fixes the category.
    categories: Vec<Category>,
) -> impl IntoView {
    let lang = use_lang();
    let texts = &use_texts().catalog.filters;
    let currency = store_currency().code();
    let price = |m: Option<crate::model::Money>| m.map(|m| m.decimal()).unwrap_or_default();
    let category_select = (!categories.is_empty()).then(|| {
        let selected = query.category.clone().unwrap_or_default();
        view! {
            <div class="field">
                <label for="filter-category">{texts.category}</label>
                <select id="filter-category" name="category">
                    <option value="" selected=selected.is_empty()>{texts.all_categories}</option>
                    {categories
                        .into_iter()
                        .map(|c| {
                            let is_selected = c.slug == selected;
                            view! { <option value=c.slug selected=is_selected>{c.name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    });
    view! {
        <form method="get" action=action class="filter-form">
            <div class="filters" role="group" aria-label=texts.group_label>
                <div class="field field-wide">
                    <label for="filter-q">{texts.search}</label>
                    <input id="filter-q" type="search" name="q" value=query.q.clone() maxlength="100"
                        placeholder=texts.search_placeholder />
                </div>
                {category_select}
                <div class="field">
                    <label for="filter-sort">{texts.sort_by}</label>
                    <select id="filter-sort" name="sort">
                        {SortOrder::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.key() selected=s == query.sort>{s.label(lang)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-price-min">{(texts.price_min)(currency)}</label>
                    <input id="filter-price-min" type="number" name="price_min" min="0" step="0.01"
                        inputmode="decimal" value=price(query.price_min) />
                </div>
                <div class="field">
                    <label for="filter-price-max">{(texts.price_max)(currency)}</label>
                    <input id="filter-price-max" type="number" name="price_max" min="0" step="0.01"
                        inputmode="decimal" value=price(query.price_max) />
                </div>
                <div class="field field-actions">
                    <button type="submit" class="button">{texts.apply}</button>
                </div>
            </div>
        </form>
    }
}
