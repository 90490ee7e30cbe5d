//! `/admin/users`: accounts, searchable, with their role and whether they may sign in. Each
//! change is a small plain form; the page comes back with the new state.

use super::widgets::{page_count, short_time, ChangeNotice, Loaded, Pager};
use super::AdminGate;
use crate::components::forms::error_from_url;
use crate::components::{boxed, PageMeta, TableFrame};
use crate::i18n::use_texts;
use crate::model::back_office::{UserRow, UserTable, ADMIN_PAGE_SIZE};
use crate::model::product_query::percent_encode;
use crate::model::Role;
use crate::server_fns::admin_users::{list_users, SetUserActive, SetUserRole};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                let query = leptos_router::hooks::use_query_map().get_untracked();
                let q = query.get("q");
                let page = query.get("page").and_then(|p| p.parse().ok());
                view! { <Loaded load=boxed(list_users(q, page)) render=|table| view! { <UserTableView table /> } /> }
            }
        </AdminGate>
    }
}

fn users_href(q: &str, page: u32) -> String {
    match (q.is_empty(), page) {
        (true, 1) => "/admin/users".to_owned(),
        (true, page) => format!("/admin/users?page={page}"),
        (false, 1) => format!("/admin/users?q={}", percent_encode(q)),
        (false, page) => format!("/admin/users?q={}&page={page}", percent_encode(q)),
    }
}

#[component]
fn UserTableView(table: UserTable) -> impl IntoView {
    let texts = use_texts();
    let t = texts.admin;
    let here = users_href(&table.q, table.page);
    let me = super::super::viewer().ok().flatten().map(|user| user.id).unwrap_or_default();
    let error = error_from_url::<SetUserRole>().or_else(error_from_url::<SetUserActive>);
    let q = table.q.clone();
    view! {
        <PageMeta title=t.nav_users description=t.users_description canonical_path="/admin/users" noindex=true />
        <h1>{t.nav_users}</h1>
        <ChangeNotice />
        {error.map(|error| view! { <p class="form-alert" role="alert">{texts.common.error_message(&error)}</p> })}
        <form class="admin-search" method="get" action="/admin/users" role="search" aria-label=t.user_filters>
            <label for="users-q">{t.search_users}</label>
            <input id="users-q" type="search" name="q" value=table.q.clone() maxlength="100" />
            <button type="submit" class="button">{t.search_button}</button>
        </form>
        <p class="result-count" role="status">{(t.count_users)(table.total)}</p>
        <TableFrame label=t.nav_users>
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">{t.col_name}</th>
                        <th scope="col">{t.col_email}</th>
                        <th scope="col">{t.col_role}</th>
                        <th scope="col">{t.col_status}</th>
                    </tr>
                </thead>
                <tbody>
                    {table.rows.into_iter().map(|row| view! { <UserTableRow is_me=row.user.id == me row return_to=here.clone() /> }).collect_view()}
                </tbody>
            </table>
        </TableFrame>
        <Pager page=table.page page_count=page_count(table.total, ADMIN_PAGE_SIZE) href=move |page| users_href(&q, page) />
    }
}

#[component]
fn UserTableRow(row: UserRow, is_me: bool, return_to: String) -> impl IntoView {
    let texts = use_texts();
    let t = texts.admin;
    let id = row.user.id;
    let select_id = format!("role-{id}");
    let roles = [(Role::Customer, texts.account.role_customer), (Role::Admin, texts.account.role_admin)];
    view! {
        <tr class:inactive-row=!row.active>
            <th scope="row">
                {row.user.name.clone()}
                {is_me.then(|| view! { " "<span class="muted">{t.you}</span> })}
            </th>
            <td>{row.user.email.clone()}<br /><small class="muted">{short_time(&row.created_at)}</small></td>
            <td>
                <form method="post" action=SetUserRole::url() class="inline-edit">
                    <input type="hidden" name="user_id" value=id />
                    <input type="hidden" name="return_to" value=return_to.clone() />
                    <label class="visually-hidden" for=select_id.clone()>{(t.role_of)(&row.user.name)}</label>
                    <select id=select_id name="role" disabled=is_me>
                        {roles.into_iter().map(|(role, label)| view! {
                            <option value=role.as_str() selected=role == row.user.role>{label}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button button-small" disabled=is_me>{t.change_role}</button>
                </form>
            </td>
            <td>
                <form method="post" action=SetUserActive::url() class="inline-edit">
                    <input type="hidden" name="user_id" value=id />
                    <input type="hidden" name="return_to" value=return_to />
                    <input type="hidden" name="active" value=(!row.active).to_string() />
                    <span>{if row.active { t.active } else { t.inactive }}</span>
                    <button type="submit" class="button button-small button-secondary" disabled=is_me>
                        {if row.active { t.deactivate } else { t.reactivate }}
                    </button>
                </form>
            </td>
        </tr>
    }
}
