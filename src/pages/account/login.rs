//! `/login`.

use crate::components::forms::{
    error_from_url, issue_of, latest_error, next_from_url, EchoedForm, FormAlert, FormField, SubmitButton,
};
use crate::components::PageMeta;
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::model::paths;
use crate::server_fns::accounts::Login;
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().account;
    let next = next_from_url().unwrap_or_default();
    let initial_error = error_from_url::<Login>();
    let email = EchoedForm::of::<Login>().get("email");
    let register_href = paths::register(&next);
    // After a new password was set through a reset link (`/login/reset`).
    let reset = leptos_router::hooks::use_query_map().get_untracked().get("reset").is_some();
    view! {
        <PageMeta title=t.sign_in_title description=t.sign_in_description canonical_path="/login" noindex=true />
        <section class="container narrow account-page">
            <h1>{t.sign_in_title}</h1>
            {reset.then(|| view! { <p class="form-notice" role="status">{t.password_was_reset}</p> })}
            <LoginForm lang next initial_error email />
            <p class="form-switch"><a href=paths::FORGOT_PASSWORD>{t.forgot_link}</a></p>
            <p class="form-switch">{t.no_account}" "<a href=register_href rel="nofollow">{t.register}</a></p>
        </section>
    }
}

#[island(lazy)]
fn LoginForm(
    lang: Lang,
    next: String,
    initial_error: Option<AppError>,
    /// What a refused post without JavaScript held.
    email: String,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().account;
    let action = ServerAction::<Login>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    view! {
        <ActionForm action attr:class="stack-form" attr:novalidate=true>
            <FormAlert error />
            <FormField name="email" label=t.email kind="email" autocomplete="username" value=email
                issue=issue_of(error, "email") />
            <FormField
                name="password"
                label=t.password
                kind="password"
                autocomplete="current-password"
                issue=issue_of(error, "password")
            />
            <input type="hidden" name="next" value=next />
            <SubmitButton label=t.sign_in pending=action.pending() />
        </ActionForm>
    }
}
