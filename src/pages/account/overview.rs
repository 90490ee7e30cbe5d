//! `/account`: who you are, your profile and your password. Signed-out visitors are sent to sign in.

use super::picture::PictureSection;
use crate::components::forms::{
    error_from_url, issue_of, latest_error, AvatarField, FormAlert, FormField, NewPasswordField, SubmitButton,
};
use crate::components::{boxed, ErrorView, PageMeta};
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::model::account::NAME_MAX;
use crate::model::{Role, User};
use crate::server_fns::accounts::{ChangePassword, Logout, UpdateProfile};
use crate::server_fns::exports::{my_export_status, ExportMyData};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// What a no-JavaScript form post just saved, as `?saved=` says after its redirect.
const SAVED_PROFILE: &str = "profile";
const SAVED_PASSWORD: &str = "password";
const SAVED_PICTURE: &str = "picture";
const SAVED_EXPORT: &str = "export";

#[component]
pub fn AccountPage() -> impl IntoView {
    match super::viewer() {
        Ok(Some(user)) => view! { <AccountView user /> }.into_any(),
        Ok(None) => {
            crate::pages::redirect_to_login();
            ().into_any()
        }
        Err(error) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn AccountView(user: User) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().account;
    let saved = leptos_router::hooks::use_query_map().get_untracked().get("saved");
    let notice = match saved.as_deref() {
        Some(SAVED_PROFILE) => Some(t.profile_saved),
        Some(SAVED_PASSWORD) => Some(t.password_changed),
        Some(SAVED_PICTURE) => Some(t.picture_saved),
        Some(SAVED_EXPORT) => Some(lang.texts().jobs.export_queued),
        _ => None,
    };
    let profile_error = error_from_url::<UpdateProfile>();
    let password_error = error_from_url::<ChangePassword>();
    let role = match user.role {
        Role::Admin => t.role_admin,
        Role::Customer => t.role_customer,
    };
    view! {
        <PageMeta title=t.account_title description=t.account_description canonical_path="/account" noindex=true />
        <section class="container narrow account-page">
            <h1>{t.account_title}</h1>
            {notice.map(|text| view! { <p class="form-notice" role="status">{text}</p> })}
            <dl class="account-facts">
                <dt>{t.email}</dt><dd>{user.email.clone()}</dd>
                <dt>{t.role}</dt><dd>{role}</dd>
            </dl>
            <p class="account-orders-link">
                <a class="button button-secondary" href=crate::model::paths::MY_ORDERS>{lang.texts().orders.my_orders}</a>
            </p>
            <PictureSection avatar=user.avatar.clone() />
            <h2>{t.profile_heading}</h2>
            <ProfileForm lang name=user.name.clone() avatar=user.avatar.clone() initial_error=profile_error />
            <h2>{t.password_heading}</h2>
            <PasswordForm lang initial_error=password_error />
            <MyDataSection />
            <form method="post" action=Logout::url() class="sign-out-form">
                <button type="submit" class="button button-secondary">{t.sign_out}</button>
            </form>
        </section>
    }
}

/// "Export my data", with where the latest request stands.
#[component]
fn MyDataSection() -> impl IntoView {
    let t = crate::i18n::use_texts().jobs;
    let load = boxed(my_export_status());
    view! {
        <section aria-labelledby="my-data-heading" class="my-data">
            <h2 id="my-data-heading">{t.my_data_heading}</h2>
            <p>{t.my_data_note}</p>
            {Suspend::new(async move {
                load.await.ok().flatten().map(|status| view! {
                    <p class="form-notice" role="status">
                        {(t.my_data_status)(status.state, &crate::components::order_view::short_time(&status.requested_at))}
                        {(status.state == crate::model::jobs::JobState::Done).then(|| view! {
                            " "<a href=crate::model::paths::INBOX>{t.inbox}</a>
                        })}
                    </p>
                })
            })}
            <form method="post" action=ExportMyData::url()>
                <button type="submit" class="button button-secondary">{t.export_my_data}</button>
            </form>
        </section>
    }
}

#[island(lazy)]
fn ProfileForm(lang: Lang, name: String, avatar: String, initial_error: Option<AppError>) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().account;
    let action = ServerAction::<UpdateProfile>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    view! {
        <ActionForm action attr:class="stack-form" attr:novalidate=true>
            <FormAlert error />
            <FormField name="name" label=t.name autocomplete="name" value=name maxlength=NAME_MAX issue=issue_of(error, "name") />
            <AvatarField value=avatar issue=issue_of(error, "avatar") />
            <SubmitButton label=t.save_profile pending=action.pending() />
        </ActionForm>
    }
}

#[island(lazy)]
fn PasswordForm(lang: Lang, initial_error: Option<AppError>) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().account;
    let action = ServerAction::<ChangePassword>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    view! {
        <ActionForm action attr:class="stack-form" attr:novalidate=true>
            <FormAlert error />
            <FormField
                name="current_password"
                label=t.current_password
                kind="password"
                autocomplete="current-password"
                issue=issue_of(error, "current_password")
            />
            <NewPasswordField name="new_password" label=t.new_password issue=issue_of(error, "new_password") />
            <SubmitButton label=t.change_password pending=action.pending() />
        </ActionForm>
    }
}
