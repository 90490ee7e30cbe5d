//! `/account/inbox`: the files the signed-in person asked for (exports, their data), ready to
//! download for a week. Opening it marks them seen.

use crate::components::order_view::short_time;
use crate::components::{boxed, ErrorView, Loaded, PageMeta};
use crate::i18n::use_texts;
use crate::model::{jobs::InboxEntry, paths};
use crate::server_fns::exports::my_inbox;
use leptos::prelude::*;

#[component]
pub fn InboxPage() -> impl IntoView {
    match super::viewer() {
        Ok(Some(_)) => {
            view! { <Loaded load=boxed(my_inbox()) render=|entries| view! { <InboxView entries /> } /> }.into_any()
        }
        Ok(None) => {
            crate::pages::redirect_to_login();
            ().into_any()
        }
        Err(error) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn InboxView(entries: Vec<InboxEntry>) -> impl IntoView {
    let t = use_texts().jobs;
    let kinds = use_texts().jobs.kind_name;
    let list = if entries.is_empty() {
        view! { <p>{t.inbox_empty}</p> }.into_any()
    } else {
        view! {
            <ul class="inbox-list">
                {entries.into_iter().map(|entry| {
                    let kind = kinds(&entry.kind).map_or_else(|| entry.kind.clone(), str::to_owned);
                    view! {
                        <li class="inbox-entry">
                            <p class="inbox-title">
                                {(!entry.seen).then(|| view! { <span class="status-badge job-done">{t.new_file}</span>" " })}
                                <strong>{kind}</strong>
                            </p>
                            <p class="muted">
                                {entry.file_name.clone()}" · "{(t.file_size)(entry.byte_size)}" · "
                                {t.expires}" "<time datetime=entry.expires_at.clone()>{short_time(&entry.expires_at)}</time>
                            </p>
                            <a class="button" href=paths::download(entry.id) download=entry.file_name.clone()>
                                {t.download}<span class="visually-hidden">{format!(" {}", entry.file_name)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <PageMeta title=t.inbox description=t.inbox_description canonical_path=paths::INBOX noindex=true />
        <section class="container narrow">
            <h1>{t.inbox}</h1>
            <p class="muted">{t.inbox_description}</p>
            {list}
        </section>
    }
}
