//! The header's account menu: rendered on the server for the person asking, so the page never
//! shows "Sign in" to someone signed in, not even for a moment.
//!
//! It is markup ([`Markup`]), finished inside the header's one wait: nothing in it changes in the
//! browser, and a wait of its own nested in the header's would not be awaited (a `Suspend` inside
//! a `Suspense` only waits for its own future, not for one its view holds).

use crate::components::{boxed, Markup};
use crate::i18n::{use_texts, Texts};
use crate::model::{paths, User};
use crate::server_fns::accounts::Logout;
use crate::server_fns::exports::unseen_in_inbox;
use leptos::prelude::GetUntracked;
use leptos::server_fn::ServerFn;
use std::future::Future;

/// The menu's HTML once it is known: at once for a visitor, after the inbox's count for someone
/// signed in. Called while the page's components are made (it reads who is asking and where they
/// are from the page's context); the future is awaited in the header's wait.
pub fn account_menu() -> impl Future<Output = String> + Send + 'static {
    let texts = use_texts();
    let location = leptos_router::hooks::use_location();
    let here = location.pathname.get_untracked() + &query_suffix(&location.search.get_untracked());
    // If the session cannot be read, the visitor can still sign in.
    let user = crate::server_fns::page_context::viewer().ok().flatten();
    // Only someone signed in has an inbox to count.
    let unseen = user.is_some().then(|| boxed(unseen_in_inbox()));
    async move {
        match (user, unseen) {
            (Some(user), Some(unseen)) => {
                // A count that cannot be read shows no badge.
                let unseen = unseen.await.unwrap_or(0);
                signed_in_menu(texts, &user, unseen)
            }
            _ => visitor_menu(texts, &here),
        }
    }
}

/// The longest address the sign-in link brings a visitor back to; past it (junk in the query),
/// the link brings them back to the page's path.
const RETURN_MAX: usize = 512;

fn visitor_menu(texts: &Texts, here: &str) -> String {
    // Not the one-time notes of the last form (they would be said again after signing in).
    let back = paths::without_notes(here);
    let back = match back.len() > RETURN_MAX {
        true => back.split('?').next().unwrap_or("/").to_owned(),
        false => back,
    };
    // Not back to the sign-in pages themselves: and a reset link's page holds its token in its
    // address, which must not be copied into another.
    let path = back.split('?').next().unwrap_or_default();
    let sign_in_href = match path {
        "/" | "/login" | "/register" => "/login".to_owned(),
        _ if path.starts_with("/login/") => "/login".to_owned(),
        _ => paths::login(&back),
    };
    let mut html = Markup::with_capacity(128);
    // `nofollow`: a crawler would otherwise fetch a sign-in page (noindex) for every page it reads,
    // each with its own `next`.
    html.raw(r#"<div class="account-menu"><a class="account-link" rel="nofollow""#)
        .attr("href", &sign_in_href)
        .raw(">");
    html.text(texts.account.sign_in).raw("</a></div>");
    html.into_string()
}

fn signed_in_menu(texts: &Texts, user: &User, unseen: i64) -> String {
    let mut html = Markup::with_capacity(640);
    html.raw(r#"<div class="account-menu">"#);
    if user.is_admin() {
        html.raw(r#"<a href="/admin" class="account-link">"#).text(texts.admin.back_office).raw("</a>");
    }
    html.raw(r#"<a class="inbox-link""#).attr("href", paths::INBOX).raw(">").text(texts.jobs.inbox);
    if unseen > 0 {
        html.raw(r#" <span class="badge" aria-hidden="true">"#).text(&unseen.to_string()).raw("</span>");
        html.raw(r#"<span class="visually-hidden">"#).text(&(texts.jobs.inbox_new)(unseen)).raw("</span>");
    }
    html.raw("</a>");
    html.raw(r#"<a href="/account" class="account-link""#).attr("title", &(texts.account.signed_in_as)(&user.name));
    html.raw(">").text(&user.name).raw("</a>");
    html.raw(r#"<form method="post""#).attr("action", Logout::url()).raw(">");
    html.raw(r#"<button type="submit" class="link-button">"#).text(texts.account.sign_out).raw("</button></form>");
    html.raw("</div>");
    html.into_string()
}

fn query_suffix(search: &str) -> String {
    if search.is_empty() {
        String::new()
    } else {
        format!("?{search}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::model::Role;

    fn user(name: &str, role: Role) -> User {
        User { id: 7, email: "a@b.c".into(), name: name.into(), role, avatar: String::new() }
    }

    #[test]
    fn a_name_cannot_leave_its_link_or_title() {
        let hostile = r#""><img src=x onerror=alert(1)>"#;
        let html = signed_in_menu(Lang::En.texts(), &user(hostile, Role::Customer), 0);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"title="Signed in as &quot;&gt;&lt;img src=x onerror=alert(1)&gt;""#), "{html}");
        assert!(html.contains("&gt;&lt;img src=x onerror=alert(1)&gt;</a>"), "{html}");
        assert!(!html.contains("badge"), "no badge without new files: {html}");
        assert!(!html.contains("/admin"), "a customer has no back-office link: {html}");
    }

    #[test]
    fn the_inbox_badge_says_how_many_are_new_and_the_admin_gets_the_back_office() {
        let html = signed_in_menu(Lang::Es.texts(), &user("Ana", Role::Admin), 2);
        assert!(html.contains(r#"<a href="/admin" class="account-link">"#), "{html}");
        assert!(
            html.contains(r#"Bandeja <span class="badge" aria-hidden="true">2</span><span class="visually-hidden">, 2 nuevos</span></a>"#),
            "{html}"
        );
    }

    #[test]
    fn a_visitor_signs_in_and_comes_back_where_they_were() {
        let html = visitor_menu(Lang::En.texts(), "/products?q=a&b");
        assert!(html.contains(r#"href="/login?next="#), "{html}");
        assert!(!html.contains("&b\""), "the query is escaped: {html}");
        assert_eq!(
            visitor_menu(Lang::En.texts(), "/login"),
            r#"<div class="account-menu"><a class="account-link" rel="nofollow" href="/login">Sign in</a></div>"#
        );
    }
}
