//! `/admin/orders` (every order, filtered by status and days, searched by customer) and
//! `/admin/orders/{id}` (one order, with its possible next steps as buttons).

use super::widgets::{page_count, Loaded, Pager};
use super::AdminGate;
use crate::components::forms::error_from_url;
use crate::components::order_view::{short_time, OrderActions, OrderDetails, PaymentBadge, StatusBadge};
use crate::components::{boxed, ErrorView, PageMeta, TableFrame};
use crate::error::{AppError, Entity};
use crate::i18n::use_texts;
use crate::model::orders::{parse_day, Order, OrderAction, OrderFilter, OrderPage, OrderStatus, ORDERS_PER_PAGE};
use crate::model::paths;
use crate::model::product_query::percent_encode;
use crate::server_fns::orders::{admin_orders, get_order, ChangeOrder};
use leptos::prelude::*;

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                let filter = filter_from_url();
                view! { <Loaded load=boxed(admin_orders(filter.clone())) render=|page| view! { <OrdersView page filter=filter_from_url() /> } /> }
            }
        </AdminGate>
    }
}

/// The list's filter as the address gives it; what cannot be read is left out.
fn filter_from_url() -> OrderFilter {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    OrderFilter {
        status: query.get("status").and_then(|s| OrderStatus::parse(&s)),
        from: query.get("from").and_then(|d| parse_day(&d)),
        to: query.get("to").and_then(|d| parse_day(&d)),
        customer: query.get("customer").unwrap_or_default().chars().take(100).collect(),
        page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

fn orders_href(filter: &OrderFilter, page: u32) -> String {
    let mut pairs = Vec::new();
    if let Some(status) = filter.status {
        pairs.push(format!("status={}", status.as_str()));
    }
    if let Some(from) = &filter.from {
        pairs.push(format!("from={from}"));
    }
    if let Some(to) = &filter.to {
        pairs.push(format!("to={to}"));
    }
    if !filter.customer.is_empty() {
        pairs.push(format!("customer={}", percent_encode(&filter.customer)));
    }
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        paths::ADMIN_ORDERS.to_owned()
    } else {
        format!("{}?{}", paths::ADMIN_ORDERS, pairs.join("&"))
    }
}

#[component]
fn OrdersView(page: OrderPage, filter: OrderFilter) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    view! {
        <PageMeta title=t.admin_orders description=t.admin_orders_description canonical_path=paths::ADMIN_ORDERS noindex=true />
        <h1>{t.admin_orders}</h1>
        <form class="admin-search order-filters" method="get" action=paths::ADMIN_ORDERS role="search" aria-label=t.filter>
            <div class="field">
                <label for="orders-status">{t.filter_status}</label>
                <select id="orders-status" name="status">
                    <option value="">{t.any_status}</option>
                    {OrderStatus::ALL.iter().map(|status| view! {
                        <option value=status.as_str() selected=filter.status == Some(*status)>{(t.status_name)(*status)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="orders-from">{t.from_day}</label>
                <input id="orders-from" type="date" name="from" value=filter.from.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="orders-to">{t.to_day}</label>
                <input id="orders-to" type="date" name="to" value=filter.to.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="orders-customer">{t.search_customer}</label>
                <input id="orders-customer" type="search" name="customer" value=filter.customer.clone() maxlength="100" />
            </div>
            <button type="submit" class="button">{t.filter}</button>
        </form>
        <p class="result-count" role="status">{(t.orders_found)(page.total)}</p>
        <TableFrame label=t.admin_orders>
            <table class="admin-table orders-table">
                <thead>
                    <tr>
                        <th scope="col">{t.order_number}</th>
                        <th scope="col">{t.date}</th>
                        <th scope="col">{t.customer}</th>
                        <th scope="col">{t.status}</th>
                        <th scope="col">{t.payment_status_label}</th>
                        <th scope="col" class="numeric">{t.total}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.orders.into_iter().map(|order| view! {
                        <tr>
                            <th scope="row"><a href=paths::admin_order(order.id)>{(t.order_title)(order.id)}</a></th>
                            <td>{short_time(&order.created_at)}</td>
                            <td>{order.customer_name.clone()}<br /><small class="muted">{order.customer_email.clone()}</small></td>
                            <td><StatusBadge status=order.status /><br /><small class="muted">{(t.fulfilment_name)(order.fulfilment)}</small></td>
                            <td><PaymentBadge status=order.payment_status /></td>
                            <td class="numeric">{order.show(order.total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableFrame>
        <Pager page=page.page page_count=page_count(page.total, ORDERS_PER_PAGE) href=move |n| orders_href(&filter, n) />
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    view! {
        <AdminGate>
            {match crate::pages::id_from_path() {
                Some(Ok(id)) => {
                    view! { <Loaded load=boxed(get_order(id)) render=|(order, actions)| view! { <AdminOrderView order actions /> } /> }
                        .into_any()
                }
                _ => view! { <ErrorView error=AppError::not_found(Entity::Order) /> }.into_any(),
            }}
        </AdminGate>
    }
}

#[component]
fn AdminOrderView(order: Order, actions: Vec<OrderAction>) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    let id = order.summary.id;
    let title = (t.order_title)(id);
    let error = error_from_url::<ChangeOrder>();
    let saved = leptos_router::hooks::use_query_map().get_untracked().get("saved").is_some();
    let customer = format!("{} · {}", order.summary.customer_name, order.summary.customer_email);
    view! {
        <PageMeta title=title.clone() description=t.admin_orders_description canonical_path=paths::admin_order(id) noindex=true />
        <p><a href=paths::ADMIN_ORDERS>{t.admin_orders}</a></p>
        <h1>{title}</h1>
        {saved.then(|| view! { <p class="form-notice" role="status">{texts.admin.saved}</p> })}
        {error.map(|error| view! { <p class="form-alert" role="alert">{texts.common.error_message(&error)}</p> })}
        <p><strong>{t.customer}": "</strong>{customer}</p>
        <section aria-labelledby="next-steps-heading" class="next-steps">
            <h2 id="next-steps-heading">{t.next_steps}</h2>
            {if actions.is_empty() {
                view! { <p class="muted">{t.no_next_steps}</p> }.into_any()
            } else {
                view! { <OrderActions order_id=id actions /> }.into_any()
            }}
        </section>
        <OrderDetails order />
    }
}
