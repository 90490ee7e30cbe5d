//! An order as its customer and the back office both see it: where it is, what it holds, how it
//! is received and paid, and its history; plus the buttons for the changes the viewer may make.

use crate::components::TableFrame;
use crate::i18n::use_texts;
use crate::model::orders::{Fulfilment, Order, OrderAction, OrderStatus, PaymentStatus};
use crate::server_fns::orders::ChangeOrder;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// "2026-11-28T21:36:12Z" → "2026-11-28 21:36 UTC": readable, and the same for every visitor.
pub fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

#[component]
pub fn StatusBadge(status: OrderStatus) -> impl IntoView {
    let name = (use_texts().orders.status_name)(status);
    view! { <span class=format!("status-badge status-{}", status.as_str())>{name}</span> }
}

#[component]
pub fn PaymentBadge(status: PaymentStatus) -> impl IntoView {
    let name = (use_texts().orders.payment_status_name)(status);
    view! { <span class=format!("status-badge payment-{}", status.as_str())>{name}</span> }
}

#[component]
pub fn OrderDetails(order: Order) -> impl IntoView {
    let t = use_texts().orders;
    let summary = &order.summary;
    let total = order.summary.total;
    let (receive_label, receive_lines) = match summary.fulfilment {
        Fulfilment::Delivery => (
            t.delivery_to,
            vec![
                order.recipient.clone(),
                order.address_line.clone(),
                format!("{} {}", order.city, order.postal_code),
                order.phone.clone(),
            ],
        ),
        Fulfilment::Pickup => {
            (t.pickup_at, vec![order.store_name.clone(), order.recipient.clone(), order.phone.clone()])
        }
    };
    let line_rows = order
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <th scope="row">{line.title.clone()}<br /><small class="muted">{line.sku.clone()}</small></th>
                    <td class="numeric">{summary.show(line.unit_price)}</td>
                    <td class="numeric">{line.quantity}</td>
                    <td class="numeric">{summary.show(line.total())}</td>
                </tr>
            }
        })
        .collect_view();
    let total_shown = summary.show(total);
    view! {
        <dl class="order-facts">
            <div><dt>{t.date}</dt><dd><time datetime=summary.created_at.clone()>{short_time(&summary.created_at)}</time></dd></div>
            <div><dt>{t.status}</dt><dd><StatusBadge status=summary.status /></dd></div>
            <div><dt>{t.payment_status_label}</dt><dd><PaymentBadge status=summary.payment_status />" · "{(t.payment_method_name)(order.payment_method)}</dd></div>
            <div><dt>{receive_label}</dt><dd>{receive_lines.into_iter().filter(|l| !l.trim().is_empty()).map(|l| view! { {l}<br /> }).collect_view()}</dd></div>
        </dl>
        <TableFrame label=t.items class="order-lines">
            <table class="review-table">
                <thead>
                    <tr>
                        <th scope="col">{t.product}</th>
                        <th scope="col" class="numeric">{t.unit_price}</th>
                        <th scope="col" class="numeric">{t.quantity}</th>
                        <th scope="col" class="numeric">{t.line_total}</th>
                    </tr>
                </thead>
                <tbody>{line_rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="3">{t.total}</th>
                        <td class="numeric"><strong>{total_shown}</strong></td>
                    </tr>
                </tfoot>
            </table>
        </TableFrame>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t.history}</h2>
            <ol class="order-history">
                {order.events.iter().map(|event| view! {
                    <li>
                        <strong>{(t.event_name)(&event.action)}</strong>" · "
                        <time datetime=event.at.clone()>{short_time(&event.at)}</time>
                        {event.actor_name.clone().map(|name| view! { " · "{name} })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// One small form per change the viewer may make now: plain posts, which come back to the order.
#[component]
pub fn OrderActions(order_id: i64, actions: Vec<OrderAction>) -> impl IntoView {
    let t = use_texts().orders;
    view! {
        <div class="order-actions">
            {actions.into_iter().map(|action| {
                let class = if action == OrderAction::Cancel { "button button-secondary" } else { "button" };
                view! {
                    <form method="post" action=ChangeOrder::url()>
                        <input type="hidden" name="id" value=order_id />
                        <input type="hidden" name="action" value=action.as_str() />
                        <button type="submit" class=class>{(t.action_name)(action)}</button>
                    </form>
                }
            }).collect_view()}
        </div>
    }
}
