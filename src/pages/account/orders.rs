//! `/account/orders` and `/account/orders/{id}`: a customer's own orders. Someone else's order is
//! "not found", exactly like an order that does not exist.

use crate::components::forms::error_from_url;
use crate::components::order_view::{short_time, OrderActions, OrderDetails, PaymentBadge, StatusBadge};
use crate::components::{boxed, page_count, Pager};
use crate::components::{ErrorView, Loaded, PageMeta, TableFrame};
use crate::error::{AppError, Entity};
use crate::i18n::use_texts;
use crate::model::orders::{Order, OrderAction, OrderPage};
use crate::model::paths;
use crate::server_fns::orders::{get_order, my_orders, ChangeOrder};
use leptos::prelude::*;

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    match super::viewer() {
        Ok(Some(_)) => {
            let page = leptos_router::hooks::use_query_map().get_untracked().get("page").and_then(|p| p.parse().ok());
            view! { <Loaded load=boxed(my_orders(page)) render=|page| view! { <MyOrdersView page /> } /> }.into_any()
        }
        Ok(None) => {
            crate::pages::redirect_to_login();
            ().into_any()
        }
        Err(error) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn MyOrdersView(page: OrderPage) -> impl IntoView {
    let t = use_texts().orders;
    let list = if page.orders.is_empty() {
        view! { <p>{t.no_orders}" "<a href="/products">{t.continue_shopping}</a></p> }.into_any()
    } else {
        view! {
            <TableFrame label=t.my_orders>
                <table class="admin-table orders-table">
                    <thead>
                        <tr>
                            <th scope="col">{t.order_number}</th>
                            <th scope="col">{t.date}</th>
                            <th scope="col">{t.status}</th>
                            <th scope="col">{t.payment_status_label}</th>
                            <th scope="col" class="numeric">{t.items}</th>
                            <th scope="col" class="numeric">{t.total}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.orders.into_iter().map(|order| view! {
                            <tr>
                                <th scope="row"><a href=paths::my_order(order.id)>{(t.order_title)(order.id)}</a></th>
                                <td>{short_time(&order.created_at)}</td>
                                <td><StatusBadge status=order.status /></td>
                                <td><PaymentBadge status=order.payment_status /></td>
                                <td class="numeric">{order.item_count}</td>
                                <td class="numeric">{order.show(order.total)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableFrame>
        }
        .into_any()
    };
    view! {
        <PageMeta title=t.my_orders description=t.my_orders_description canonical_path=paths::MY_ORDERS noindex=true />
        <section class="container section account-page">
            <h1>{t.my_orders}</h1>
            {list}
            <Pager page=page.page page_count=page_count(page.total, crate::model::orders::ORDERS_PER_PAGE)
                href=|page| format!("{}?page={page}", paths::MY_ORDERS) />
        </section>
    }
}

#[component]
pub fn MyOrderPage() -> impl IntoView {
    match (super::viewer(), crate::pages::id_from_path()) {
        (Ok(Some(_)), Some(Ok(id))) => {
            view! { <Loaded load=boxed(get_order(id)) render=|(order, actions)| view! { <MyOrderView order actions /> } /> }
                .into_any()
        }
        (Ok(Some(_)), _) => view! { <ErrorView error=AppError::not_found(Entity::Order) /> }.into_any(),
        (Ok(None), _) => {
            crate::pages::redirect_to_login();
            ().into_any()
        }
        (Err(error), _) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn MyOrderView(order: Order, actions: Vec<OrderAction>) -> impl IntoView {
    let t = use_texts().orders;
    let texts = use_texts();
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let note = if query.get("placed").is_some() {
        Some(t.order_placed_note)
    } else if query.get("saved").is_some() {
        Some(texts.admin.saved)
    } else {
        None
    };
    let error = error_from_url::<ChangeOrder>();
    let id = order.summary.id;
    let title = (t.order_title)(id);
    view! {
        <PageMeta title=title.clone() description=t.my_orders_description canonical_path=paths::my_order(id) noindex=true />
        <section class="container section order-page">
            <p><a href=paths::MY_ORDERS>{t.my_orders}</a></p>
            <h1>{title}</h1>
            {note.map(|text| view! { <p class="form-notice" role="status">{text}</p> })}
            {error.map(|error| view! { <p class="form-alert" role="alert">{texts.common.error_message(&error)}</p> })}
            <OrderDetails order />
            {(!actions.is_empty()).then(|| view! {
                <p class="muted">{t.cancel_note}</p>
                <OrderActions order_id=id actions />
            })}
        </section>
    }
}
