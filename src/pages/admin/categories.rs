//! `/admin/categories`: every category, how many products it holds, and links to change it.

use super::widgets::{short_time, ChangeNotice, Loaded};
use super::AdminGate;
use crate::components::{boxed, PageMeta, TableFrame};
use crate::i18n::use_texts;
use crate::model::back_office::CategoryRow;
use crate::model::paths;
use crate::server_fns::admin_catalog::list_admin_categories;
use leptos::prelude::*;

#[component]
pub fn AdminCategoriesPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                view! { <Loaded load=boxed(list_admin_categories()) render=|rows| view! { <CategoryTable rows /> } /> }
            }
        </AdminGate>
    }
}

#[component]
fn CategoryTable(rows: Vec<CategoryRow>) -> impl IntoView {
    let t = use_texts().admin;
    view! {
        <PageMeta title=t.nav_categories description=t.categories_description canonical_path="/admin/categories" noindex=true />
        <div class="admin-heading">
            <h1>{t.nav_categories}</h1>
            <a class="button" href=paths::ADMIN_NEW_CATEGORY>{t.new_category}</a>
        </div>
        <ChangeNotice />
        <TableFrame label=t.nav_categories>
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">{t.col_name}</th>
                        <th scope="col">{t.col_slug}</th>
                        <th scope="col">{t.col_products}</th>
                        <th scope="col">{t.col_updated}</th>
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let id = row.category.id;
                        view! {
                            <tr>
                                <th scope="row"><a href=paths::admin_category(id)>{row.category.name.clone()}</a></th>
                                <td><a href=paths::category(&row.category.slug)>{paths::category(&row.category.slug)}</a></td>
                                <td>{row.products}</td>
                                <td>
                                    <time datetime=row.updated_at.clone()>{short_time(&row.updated_at)}</time>
                                    " "{(t.changed_by)(row.updated_by.as_deref())}
                                </td>
                                <td class="row-actions">
                                    <a href=paths::admin_category(id) aria-label=(t.edit_title)(&row.category.name)>{t.edit}</a>
                                    <a href=paths::admin_category_delete(id) aria-label=(t.delete_named)(&row.category.name)>
                                        {t.delete}
                                    </a>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableFrame>
    }
}
