//! `/login/forgot` (ask for a link to set a new password) and `/login/reset` (the page the link
//! opens). Plain forms, no island: each post redirects, with or without JavaScript, and there is
//! nothing for a script to improve. A refused post comes back with its error in the address, as
//! every plain form does; the address a reset link opened keeps its token through that.

use crate::components::forms::{error_from_url, issue_of, EchoedForm, FormAlert, FormField, NewPasswordField};
use crate::components::{boxed, Loaded, PageMeta};
use crate::error::FieldIssue;
use crate::i18n::use_texts;
use crate::model::paths;
use crate::server_fns::accounts::{reset_link_works, RequestPasswordReset, ResetPassword};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_texts().account;
    let sent = leptos_router::hooks::use_query_map().get_untracked().get("sent").is_some();
    let error = error_from_url::<RequestPasswordReset>();
    let email = EchoedForm::of::<RequestPasswordReset>().get("email");
    let body = if sent && error.is_none() {
        view! {
            <p class="form-notice" role="status">{t.link_sent}</p>
            <p><a href=paths::login("")>{t.sign_in}</a></p>
        }
        .into_any()
    } else {
        let error = Signal::stored(error);
        view! {
            <p>{t.forgot_intro}</p>
            <form method="post" action=RequestPasswordReset::url() class="stack-form" novalidate>
                <FormAlert error />
                <FormField name="email" label=t.email kind="email" autocomplete="username" value=email
                    issue=issue_of(error, "email") />
                <button type="submit" class="button">{t.send_link}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <PageMeta title=t.forgot_title description=t.forgot_description canonical_path=paths::FORGOT_PASSWORD noindex=true />
        <section class="container narrow account-page">
            <h1>{t.forgot_title}</h1>
            {body}
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_texts().account;
    let token = leptos_router::hooks::use_query_map().get_untracked().get("token").unwrap_or_default();
    let load = boxed(reset_link_works(token.clone()));
    view! {
        <PageMeta title=t.reset_title description=t.reset_description canonical_path=paths::RESET_PASSWORD noindex=true />
        <section class="container narrow account-page">
            <h1>{t.reset_title}</h1>
            <Loaded load render=move |works| view! { <ResetForm works token=token.clone() /> } />
        </section>
    }
}

/// The new password's form, or word that the link no longer works.
#[component]
fn ResetForm(works: bool, token: String) -> impl IntoView {
    let texts = use_texts();
    let t = texts.account;
    let error = error_from_url::<ResetPassword>();
    let link_gone = error.as_ref().and_then(|error| error.field_issue("token"));
    if let Some(issue) = link_gone.or((!works).then_some(FieldIssue::LinkExpired)) {
        return view! {
            <p class="form-alert" role="alert">{(t.issue)(issue)}</p>
            <p><a class="button" href=paths::FORGOT_PASSWORD>{t.ask_new_link}</a></p>
        }
        .into_any();
    }
    let error = Signal::stored(error);
    view! {
        <form method="post" action=ResetPassword::url() class="stack-form" novalidate>
            <FormAlert error />
            <input type="hidden" name="token" value=token />
            <NewPasswordField name="password" label=t.new_password issue=issue_of(error, "password") />
            <button type="submit" class="button">{t.save_new_password}</button>
        </form>
    }
    .into_any()
}
