//! The account page's picture: the current one and a form to upload another.
//!
//! A plain multipart form (no island): with or without JavaScript the browser posts the file and
//! the server redirects back, so there is nothing for a script to improve.

use crate::components::forms::{error_from_url, upload_limit, ACCEPTED_IMAGES};
use crate::i18n::use_texts;
use crate::server_fns::accounts::UploadAvatar;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn PictureSection(avatar: String) -> impl IntoView {
    let texts = use_texts();
    let t = texts.account;
    let error = error_from_url::<UploadAvatar>().map(|e| texts.common.error_message(&e));
    view! {
        <h2>{t.picture_heading}</h2>
        {(!avatar.is_empty()).then(|| view! {
            <img class="avatar" src=crate::model::paths::picture_src(&avatar) alt=t.picture_alt width="96" height="96" referrerpolicy="no-referrer" />
        })}
        <form method="post" action=UploadAvatar::url() enctype="multipart/form-data" class="stack-form">
            {error.map(|text| view! { <p class="form-alert" role="alert">{text}</p> })}
            <div class="field">
                <label for="field-picture">{t.picture_file}</label>
                <input id="field-picture" type="file" name="avatar" accept=ACCEPTED_IMAGES required aria-describedby="field-picture-hint" />
                <p class="field-hint" id="field-picture-hint">{(t.picture_hint)(upload_limit())}</p>
            </div>
            <button type="submit" class="button">{t.upload_picture}</button>
        </form>
    }
}
