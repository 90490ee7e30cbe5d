//! Pieces every form uses: fields with their messages, the form-level alert, the error a
//! form post left in the URL.

use crate::error::{AppError, FieldIssue};
use crate::i18n::use_texts;
use crate::model::account::{AVATAR_MAX, PASSWORD_MAX, PASSWORD_MIN};
use leptos::prelude::*;
use leptos::server_fn::{error::ServerFnUrlError, ServerFn};

/// The error a plain form post to server function `S` left in the URL it was redirected to. Only
/// the kinds these forms answer with are shown: anyone can write a URL, so it must not put other
/// words on the page.
pub fn error_from_url<S: ServerFn<Error = AppError>>() -> Option<AppError> {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let encoded = query.get("__err").filter(|_| query.get("__path").as_deref() == Some(S::PATH))?;
    let error = ServerFnUrlError::<AppError>::decode_err(&encoded);
    matches!(
        error,
        AppError::Validation(_)
            | AppError::BadCredentials
            | AppError::RateLimited { .. }
            | AppError::Unavailable { .. }
            | AppError::Unauthorized
            | AppError::TooLarge { .. }
            | AppError::UnsupportedMediaType
            | AppError::StaleEdit
            | AppError::CategoryInUse { .. }
            | AppError::OwnAccount
            | AppError::RoleReserved
            | AppError::Forbidden
            | AppError::NotFound { .. }
            | AppError::Internal
            | AppError::OrderTransition(_)
            | AppError::EmptyCart
            | AppError::CartChanged
            | AppError::IdempotencyKeyReused
            | AppError::OutOfStock(_)
    )
    // The lines of a stock shortfall name products: from a URL, anyone could have written them,
    // so only the fact is kept (the page shows each line's stock from the database).
    .then(|| match error {
        AppError::OutOfStock(_) => AppError::OutOfStock(Vec::new()),
        other => other,
    })
}

/// What a refused plain-form post to server function `S` held, handed back to its page so the
/// form comes back filled in (passwords never are): see `server::http::form_echo`.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct EchoedForm(Vec<(String, String)>);

impl EchoedForm {
    pub fn of<S: ServerFn>() -> Self {
        Self(crate::server_fns::page_context::echoed_form(S::PATH))
    }

    /// The value posted for `name`, or nothing.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(field, _)| field == name).map(|(_, value)| value.clone()).unwrap_or_default()
    }
}

/// A same-site path from the `next` query parameter, if any.
pub fn next_from_url() -> Option<String> {
    leptos_router::hooks::use_query_map().get_untracked().get("next")
}

/// The error to show: the latest call's, or before any call, the one the page was loaded with.
pub fn latest_error<T>(
    value: Signal<Option<Result<T, AppError>>>,
    initial: Option<AppError>,
) -> Signal<Option<AppError>>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|latest| match latest {
            Some(Err(error)) => Some(error.clone()),
            Some(Ok(_)) => None,
            None => initial.clone(),
        })
    })
}

/// The issue of one field in `error`.
pub fn issue_of(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<FieldIssue>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_issue(field))))
}

/// A labelled input with its hint and its error, tied together for screen readers.
#[component]
pub fn FormField(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: String,
    #[prop(default = true)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// The keyboard a phone shows, where `kind` does not imply it ("decimal" for a price).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    issue: Signal<Option<FieldIssue>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let describedby = {
        let (hint_id, error_id, has_hint) = (hint_id.clone(), error_id.clone(), hint.is_some());
        move || {
            let ids: Vec<&str> = [has_hint.then_some(hint_id.as_str()), issue.get().map(|_| error_id.as_str())]
                .into_iter()
                .flatten()
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let issue_text = use_texts().account.issue;
    view! {
        <div class="field" class:field-invalid=move || issue.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                required=required
                maxlength=maxlength
                inputmode=inputmode
                aria-invalid=move || issue.get().map(|_| "true")
                aria-describedby=describedby
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            {move || issue.get().map(|issue| view! { <p class="field-error" id=error_id.clone()>{issue_text(issue)}</p> })}
        </div>
    }
}

/// A password being chosen, with its length rule as the hint.
#[component]
pub fn NewPasswordField(name: &'static str, label: &'static str, issue: Signal<Option<FieldIssue>>) -> impl IntoView {
    let hint = (use_texts().account.password_hint)(PASSWORD_MIN);
    view! {
        <FormField name label kind="password" autocomplete="new-password" hint maxlength=PASSWORD_MAX issue />
    }
}

/// The optional avatar link, at registration and on the profile.
#[component]
pub fn AvatarField(#[prop(optional, into)] value: String, issue: Signal<Option<FieldIssue>>) -> impl IntoView {
    let t = use_texts().account;
    view! {
        <FormField
            name="avatar"
            label=t.avatar
            kind="url"
            autocomplete="photo"
            hint=t.avatar_hint
            value
            required=false
            maxlength=AVATAR_MAX
            issue
        />
    }
}

/// What went wrong with the form as a whole (wrong credentials, too many attempts, ...), or, when
/// fields were refused, that some were: each field shows its own problem, and this line is what a
/// screen reader says at once.
///
/// A refused submit would otherwise leave the keyboard nowhere (the submit button was disabled
/// while the call ran, so focus fell to the page), so in an island, after each refused call,
/// focus moves to the first refused field of the form, or back to its submit button when no
/// field is to blame. Not for an error the page was loaded with: the island hydrates a while
/// after the page shows, and focus must not jump under someone already typing.
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let common = use_texts().common;
    let message = move || error.get().map(|e| common.error_message(&e));
    let slot = NodeRef::<leptos::html::Div>::new();
    Effect::watch(
        move || error.with(Option::is_some),
        move |refused, _, _| {
            if let (true, Some(slot)) = (*refused, slot.get_untracked()) {
                // After this turn's updates, so that the fields already carry their new state.
                request_animation_frame(move || crate::components::browser::focus_first_problem(&slot));
            }
        },
        false,
    );
    view! {
        <div class="form-alert-slot" role="alert" node_ref=slot>
            {move || message().map(|text| view! { <p class="form-alert">{text}</p> })}
        </div>
    }
}

/// The submit button, disabled while the form's call is under way.
#[component]
pub fn SubmitButton(label: &'static str, pending: Memo<bool>) -> impl IntoView {
    let working = use_texts().account.working;
    view! {
        <button type="submit" class="button" disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { working } else { label }}
        </button>
    }
}

/// A labelled multi-line text field with its hint and its error.
#[component]
pub fn TextAreaField(
    name: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: String,
    #[prop(default = 6)] rows: u32,
    #[prop(optional)] maxlength: Option<usize>,
    issue: Signal<Option<FieldIssue>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let described = described_by(hint.is_some().then(|| hint_id.clone()), error_id.clone(), issue);
    let issue_text = use_texts().account.issue;
    // The renderer writes a textarea's text unescaped: a stored `</textarea>` would end it.
    let value = super::raw_text::escaped_on_server(&value);
    view! {
        <div class="field" class:field-invalid=move || issue.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows=rows maxlength=maxlength
                aria-invalid=move || issue.get().map(|_| "true") aria-describedby=described>{value}</textarea>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            {move || issue.get().map(|issue| view! { <p class="field-error" id=error_id.clone()>{issue_text(issue)}</p> })}
        </div>
    }
}

/// A labelled drop-down of `(value, text)` options with its error.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    /// Shown first with an empty value, so nothing is chosen by accident.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    issue: Signal<Option<FieldIssue>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described = described_by(None, error_id.clone(), issue);
    let issue_text = use_texts().account.issue;
    view! {
        <div class="field" class:field-invalid=move || issue.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-invalid=move || issue.get().map(|_| "true") aria-describedby=described>
                {placeholder.map(|text| view! { <option value="">{text}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || issue.get().map(|issue| view! { <p class="field-error" id=error_id.clone()>{issue_text(issue)}</p> })}
        </div>
    }
}

/// The `aria-describedby` of a field: its hint, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    issue: Signal<Option<FieldIssue>>,
) -> impl Fn() -> Option<String> {
    move || {
        let ids: Vec<&str> =
            [hint_id.as_deref(), issue.get().map(|_| error_id.as_str())].into_iter().flatten().collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// What file inputs offer to pick; the server checks the bytes whatever the browser says.
pub const ACCEPTED_IMAGES: &str = "image/png,image/jpeg,image/webp,image/gif";

pub use crate::server_fns::page_context::upload_limit;
