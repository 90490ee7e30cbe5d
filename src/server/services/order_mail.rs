//! The e-mails about an order: its confirmation when placed, and word when it ships or is ready
//! for pickup. Queued in the transaction that writes the order or its change (so neither exists
//! without the other), sent later by the `order_email` job, in the language the order was
//! placed in.

use crate::error::AppError;
use crate::i18n::{Lang, MailTexts};
use crate::model::orders::{Fulfilment, Order, OrderAction};
use crate::server::{db::orders::OrderFollowUp, db::Db, jobs::JobSpec, mail::Email, text::escape_xml};
use std::time::Duration;

/// The job that sends them. Mail servers go away for a while: many attempts, spread by backoff
/// over about a day.
pub const JOB: JobSpec = JobSpec { kind: "order_email", max_attempts: 12, time_limit: Duration::from_secs(120) };

/// What happened to the order that the customer is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderMailEvent {
    Placed,
    Shipped,
    ReadyForPickup,
}

impl OrderMailEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Shipped => "shipped",
            Self::ReadyForPickup => "ready_for_pickup",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Placed, Self::Shipped, Self::ReadyForPickup].into_iter().find(|event| event.as_str() == text)
    }

    /// The e-mail an admin's change to an order calls for, if any.
    pub fn after(action: OrderAction) -> Option<Self> {
        match action {
            OrderAction::Ship => Some(Self::Shipped),
            OrderAction::ReadyForPickup => Some(Self::ReadyForPickup),
            _ => None,
        }
    }

    /// The job to queue with the order's write.
    pub fn follow_up(self) -> OrderFollowUp {
        OrderFollowUp { kind: JOB.kind, max_attempts: JOB.max_attempts, event: self.as_str() }
    }
}

/// The e-mail about `event` on order `order_id`; `None` when the order is gone.
pub async fn compose(db: &Db, site_url: &str, order_id: i64, event: OrderMailEvent) -> Result<Option<Email>, AppError> {
    let (order, lang) = match super::orders::load_with_language(db, order_id).await {
        Ok(found) => found,
        Err(AppError::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(Some(write(&order, lang, event, site_url)))
}

/// The message itself: the same content as plain text and as HTML, every stored text escaped in
/// the HTML.
fn write(order: &Order, lang: Lang, event: OrderMailEvent, site_url: &str) -> Email {
    let texts = lang.texts();
    let mail = texts.mail;
    let summary = &order.summary;
    let (subject, intro) = match event {
        OrderMailEvent::Placed => ((mail.placed_subject)(summary.id), mail.placed_intro.to_owned()),
        OrderMailEvent::Shipped => ((mail.shipped_subject)(summary.id), mail.shipped_intro.to_owned()),
        OrderMailEvent::ReadyForPickup => ((mail.ready_subject)(summary.id), (mail.ready_intro)(&order.store_name)),
    };
    let link = format!("{}{}", site_url.trim_end_matches('/'), crate::model::paths::my_order(summary.id));
    let facts = facts(order, lang);
    let lines: Vec<(String, String)> = order
        .lines
        .iter()
        .map(|line| (format!("{} × {}", line.quantity, line.title), summary.show(line.total())))
        .collect();
    let total = summary.show(summary.total);
    let greeting = (mail.greeting)(&summary.customer_name);

    let mut text = format!("{greeting}\n\n{intro}\n\n{}:\n", mail.items);
    for (what, amount) in &lines {
        text.push_str(&format!("  {what}  {amount}\n"));
    }
    text.push_str(&format!("{}: {total}\n\n", mail.total));
    for (label, value) in &facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!("\n{}: {link}\n\n{}\n", mail.view_order, mail.signature));

    let html = html(mail, &greeting, &intro, &lines, &total, &facts, &link);
    Email {
        to_address: summary.customer_email.clone(),
        to_name: summary.customer_name.clone(),
        subject,
        text,
        html,
        key: format!("order:{}:{}:mail", summary.id, event.as_str()),
    }
}

/// Where the order goes and how it is paid, as (label, value).
fn facts(order: &Order, lang: Lang) -> Vec<(String, String)> {
    let texts = lang.texts();
    let place = match order.summary.fulfilment {
        Fulfilment::Delivery => (
            texts.mail.deliver_to.to_owned(),
            format!("{}, {}, {} {}", order.recipient, order.address_line, order.postal_code, order.city),
        ),
        Fulfilment::Pickup => (texts.mail.collect_at.to_owned(), order.store_name.clone()),
    };
    let payment = (texts.mail.payment.to_owned(), (texts.orders.payment_method_name)(order.payment_method).to_owned());
    vec![place, payment]
}

fn html(
    mail: &MailTexts,
    greeting: &str,
    intro: &str,
    lines: &[(String, String)],
    total: &str,
    facts: &[(String, String)],
    link: &str,
) -> String {
    let e = escape_xml;
    let rows: String = lines
        .iter()
        .map(|(what, amount)| format!("<tr><td>{}</td><td style=\"text-align:right\">{}</td></tr>", e(what), e(amount)))
        .collect();
    let facts: String =
        facts.iter().map(|(label, value)| format!("<p><strong>{}:</strong> {}</p>", e(label), e(value))).collect();
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#1a1a1a\">\
         <p>{}</p><p>{}</p>\
         <table role=\"presentation\" cellpadding=\"4\"><caption style=\"text-align:left\"><strong>{}</strong></caption>{rows}\
         <tr><td><strong>{}</strong></td><td style=\"text-align:right\"><strong>{}</strong></td></tr></table>\
         {facts}<p><a href=\"{}\">{}</a></p><p>{}</p></body></html>",
        e(greeting),
        e(intro),
        e(mail.items),
        e(mail.total),
        e(total),
        e(link),
        e(mail.view_order),
        e(mail.signature),
    )
}
