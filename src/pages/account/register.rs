//! `/register`.

use crate::components::forms::{
    error_from_url, issue_of, latest_error, next_from_url, AvatarField, EchoedForm, FormAlert, FormField,
    NewPasswordField, SubmitButton,
};
use crate::components::PageMeta;
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::model::account::{EMAIL_MAX, NAME_MAX};
use crate::model::paths;
use crate::server_fns::accounts::Register;
use leptos::prelude::*;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().account;
    let next = next_from_url().unwrap_or_default();
    let initial_error = error_from_url::<Register>();
    let echoed = EchoedForm::of::<Register>();
    let (name, email, avatar) = (echoed.get("name"), echoed.get("email"), echoed.get("avatar"));
    let login_href = paths::login(&next);
    view! {
        <PageMeta title=t.register_title description=t.register_description canonical_path="/register" noindex=true />
        <section class="container narrow account-page">
            <h1>{t.register_title}</h1>
            <RegisterForm lang next initial_error name email avatar />
            <p class="form-switch">{t.have_account}" "<a href=login_href rel="nofollow">{t.sign_in}</a></p>
        </section>
    }
}

#[island(lazy)]
fn RegisterForm(
    lang: Lang,
    next: String,
    initial_error: Option<AppError>,
    /// What a refused post without JavaScript held (never the password).
    name: String,
    email: String,
    avatar: String,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().account;
    let action = ServerAction::<Register>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    view! {
        <ActionForm action attr:class="stack-form" attr:novalidate=true>
            <FormAlert error />
            <FormField name="name" label=t.name autocomplete="name" maxlength=NAME_MAX value=name
                issue=issue_of(error, "name") />
            <FormField
                name="email"
                label=t.email
                kind="email"
                autocomplete="email"
                maxlength=EMAIL_MAX
                value=email
                issue=issue_of(error, "email")
            />
            <NewPasswordField name="password" label=t.password issue=issue_of(error, "password") />
            <AvatarField value=avatar issue=issue_of(error, "avatar") />
            <input type="hidden" name="next" value=next />
            <SubmitButton label=t.register pending=action.pending() />
        </ActionForm>
    }
}
