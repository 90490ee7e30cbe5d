//! The header's account menu: rendered on the server for the person asking, so the page never
//! shows "Sign in" to someone signed in, not even for a moment.

use crate::components::boxed;
use crate::i18n::use_texts;
use crate::model::paths;
use crate::server_fns::accounts::Logout;
use crate::server_fns::exports::unseen_in_inbox;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn AccountMenu() -> impl IntoView {
    let t = use_texts().account;
    let location = leptos_router::hooks::use_location();
    let here = format!("{}{}", location.pathname.get_untracked(), query_suffix(&location.search.get_untracked()));
    let sign_in_href = match here.as_str() {
        "/" | "/login" | "/register" => "/login".to_owned(),
        path => paths::login(path),
    };
    // If the session cannot be read, the visitor can still sign in.
    match super::viewer().ok().flatten() {
        Some(user) => view! {
            <div class="account-menu">
                {user.is_admin().then(|| view! { <a href="/admin" class="account-link">{use_texts().admin.back_office}</a> })}
                <InboxLink />
                <a href="/account" class="account-link" title=(t.signed_in_as)(&user.name)>
                    {user.name.clone()}
                </a>
                <form method="post" action=Logout::url()>
                    <button type="submit" class="link-button">{t.sign_out}</button>
                </form>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="account-menu">
                <a href=sign_in_href class="account-link">{t.sign_in}</a>
            </div>
        }
        .into_any(),
    }
}

fn query_suffix(search: &str) -> String {
    if search.is_empty() {
        String::new()
    } else {
        format!("?{search}")
    }
}

/// The inbox, with how many files are new.
#[component]
fn InboxLink() -> impl IntoView {
    let t = use_texts().jobs;
    // Awaited in place, as a page's data is (`components::Loaded`): nothing renders the header
    // again in the browser. A count that cannot be read shows no badge.
    let load = boxed(unseen_in_inbox());
    let badge = Suspend::new(async move {
        load.await.ok().filter(|n| *n > 0).map(|n| {
            view! {
                " "<span class="badge" aria-hidden="true">{n}</span>
                <span class="visually-hidden">{(t.inbox_new)(n)}</span>
            }
        })
    });
    view! {
        <a href=paths::INBOX class="inbox-link">
            {t.inbox}
            {badge}
        </a>
    }
}
