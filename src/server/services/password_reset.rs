//! "Forgot your password?": a link by e-mail to set a new one.
//!
//! Asking makes a row (`password_resets`) and, in the same transaction, queues the [`JOB`] that
//! mails the link. The job makes the link's token, 256 random bits, and keeps only its SHA-256:
//! the token is nowhere but in the e-mail (not in the job's input, a log or a backup), and a
//! database read by someone else yields no link that works. A link works once, for
//! [`LINK_LIFETIME`], and only while the account is active and as it was when the link was asked
//! for: setting its password, deactivating it or changing its address (each of which an admin or
//! the owner may do meanwhile) voids the link. Using it sets the password, ends every session and
//! API token of the account, and voids its other links.
//!
//! Asking answers the same page whether an address has an account or not; only its form is
//! checked. (Not in the same time: for an account it writes. Signing up does tell that an address
//! is taken, as it must, so this hides little.) An account gets at most one link per
//! [`ACCOUNT_COOLDOWN`], so a stranger cannot fill someone's inbox, and each client may ask
//! [`REQUESTS_PER_CLIENT_PER_HOUR`] times an hour, so it cannot mail the whole customer list
//! either.

use crate::error::{AppError, FieldError, FieldIssue};
use crate::i18n::Lang;
use crate::model::account::{check_new_password, email_key};
use crate::server::{
    app::state::AppState,
    auth::{password, throttle},
    db::{self, password_resets, Db},
    jobs::JobSpec,
    mail::Email,
    text::{escape_xml, hex, now_ms, random_hex},
};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The job that mails a link. A link is no use after an hour, so its mail is not retried for long.
pub const JOB: JobSpec = JobSpec { kind: "password_reset_email", max_attempts: 5, time_limit: Duration::from_secs(60) };

/// [`JOB`], as the link's transaction queues it.
const MAIL: password_resets::ResetMail = password_resets::ResetMail { kind: JOB.kind, max_attempts: JOB.max_attempts };

/// How long a link works.
pub const LINK_LIFETIME: chrono::Duration = chrono::Duration::hours(1);

/// At most one link per account this often: asked again sooner, the one sent stands.
pub const ACCOUNT_COOLDOWN: chrono::Duration = chrono::Duration::minutes(2);

/// Requests for a link one client may make in an hour.
pub const REQUESTS_PER_CLIENT_PER_HOUR: u32 = 10;

/// A token is 64 hex digits; anything longer is no token, and is not hashed.
const TOKEN_MAX_CHARS: usize = 64;

/// The job's input: which link to mail (never its token, which the job makes); written by
/// [`password_resets::ResetMail::payload`].
#[derive(serde::Deserialize)]
pub struct MailInput {
    pub reset_id: i64,
}

/// Asks for a link for `email`, to be mailed in `lang`. Ok whether or not the address has an
/// account; a field error only for what is not an address at all.
pub async fn request(state: &AppState, email: &str, lang: Lang, client: &str) -> Result<(), AppError> {
    let issue = if email.trim().is_empty() { FieldIssue::Required } else { FieldIssue::InvalidEmail };
    let key = email_key(email).ok_or_else(|| AppError::Validation(vec![FieldError::new("email", issue)]))?;
    throttle::password_reset_request(&state.db, client, REQUESTS_PER_CLIENT_PER_HOUR).await?;
    let Some(user) = db::accounts::select_user_by_email(&state.db, &key).await?.filter(|user| user.active) else {
        return Ok(());
    };
    let now = now_ms();
    let reset = password_resets::NewReset {
        user_id: user.id,
        lang: lang.code(),
        created_at: now,
        expires_at: now + LINK_LIFETIME.num_milliseconds(),
        mail: MAIL,
    };
    let cooldown_since = now - ACCOUNT_COOLDOWN.num_milliseconds();
    let Some(reset_id) = password_resets::insert_reset(&state.db, &reset, cooldown_since).await? else {
        return Ok(()); // A link went out within the cooldown (or the account was just deactivated).
    };
    tracing::info!(user_id = user.id, reset_id, "password reset link asked for");
    Ok(())
}

/// Whether `token`'s link still works (the page asks before it shows the form).
pub async fn link_works(db: &Db, token: &str) -> Result<bool, AppError> {
    let Some(hash) = token_hash(token) else {
        return Ok(false);
    };
    Ok(password_resets::select_live(db, &hash, now_ms()).await?.is_some())
}

/// Sets the password of `token`'s account to `new_password`; the account's id.
pub async fn reset(db: &Db, token: &str, new_password: String) -> Result<i64, AppError> {
    let mut errors = Vec::new();
    check_new_password("password", &new_password, &mut errors);
    AppError::check(errors)?;
    let link_gone = || AppError::Validation(vec![FieldError::new("token", FieldIssue::LinkExpired)]);
    let hash = token_hash(token).ok_or_else(link_gone)?;
    // Checked before the password is hashed, which takes a good part of a core for a while: a
    // made-up token must not cost that.
    if password_resets::select_live(db, &hash, now_ms()).await?.is_none() {
        return Err(link_gone());
    }
    let password_hash = password::hash(new_password).await.map_err(super::accounts::internal)?;
    let user_id = password_resets::reset_password(db, &hash, &password_hash, now_ms()).await?.ok_or_else(link_gone)?;
    tracing::info!(user_id, "password set through a reset link; sessions and tokens ended");
    Ok(user_id)
}

/// The stored form of a token: its SHA-256 in hex; `None` for what cannot be a token.
fn token_hash(token: &str) -> Option<String> {
    let token = token.trim();
    let plausible = !token.is_empty() && token.len() <= TOKEN_MAX_CHARS && token.bytes().all(|b| b.is_ascii_hexdigit());
    plausible.then(|| hex(&Sha256::digest(token.to_ascii_lowercase().as_bytes())))
}

/// The e-mail for link `reset_id`, with a new token (its hash now stored in place of any earlier
/// one); `None` when the link is no longer worth mailing (used, expired, the account deactivated
/// or gone).
pub async fn compose_mail(db: &Db, site_url: &str, reset_id: i64) -> Result<Option<Email>, AppError> {
    let Some(reset) = password_resets::select_to_mail(db, reset_id, now_ms()).await? else {
        return Ok(None);
    };
    let token = format!("{}{}", random_hex(), random_hex());
    let hash = token_hash(&token).ok_or(AppError::Internal)?;
    if !password_resets::set_token_hash(db, reset_id, &hash).await? {
        return Ok(None);
    }
    let lang = Lang::from_tag(&reset.lang).unwrap_or_default();
    let link = format!("{}{}", site_url.trim_end_matches('/'), crate::model::paths::password_reset(&token));
    Ok(Some(write_mail(&reset, lang, &link, reset_id)))
}

fn write_mail(reset: &password_resets::ResetToMail, lang: Lang, link: &str, reset_id: i64) -> Email {
    let mail = lang.texts().mail;
    let greeting = (mail.greeting)(&reset.name);
    let minutes = LINK_LIFETIME.num_minutes();
    let expires = (mail.reset_expires)(minutes);
    let text = format!(
        "{greeting}\n\n{}\n\n{link}\n\n{expires}\n{}\n\n{}\n",
        mail.reset_body, mail.reset_not_you, mail.signature
    );
    let e = escape_xml;
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#1a1a1a\">\
         <p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p><p>{}</p><p>{}</p><p>{}</p></body></html>",
        e(&greeting),
        e(mail.reset_body),
        e(link),
        e(mail.reset_action),
        e(&expires),
        e(mail.reset_not_you),
        e(mail.signature),
    );
    Email {
        to_address: reset.email.clone(),
        to_name: reset.name.clone(),
        subject: mail.reset_subject.to_owned(),
        text,
        html,
        key: mail_key(reset_id),
    }
}

/// What names the mail of link `reset_id` for good (its Message-ID, and the job's record that it
/// went out). The job checks that record before [`compose_mail`] makes a token: a second token
/// would void the link already mailed.
pub fn mail_key(reset_id: i64) -> String {
    format!("password_reset:{reset_id}:mail")
}

#[cfg(test)]
mod tests {
    use super::{token_hash, MailInput, MAIL};

    #[test]
    fn the_queued_input_is_what_the_job_reads() {
        let input: MailInput = serde_json::from_str(&MAIL.payload(42)).unwrap();
        assert_eq!(input.reset_id, 42);
    }

    #[test]
    fn only_what_could_be_a_token_is_hashed() {
        let token = "0123456789abcdef".repeat(4);
        assert_eq!(token_hash(&token).map(|hash| hash.len()), Some(64));
        assert_eq!(token_hash(&token.to_uppercase()), token_hash(&token), "hex in either case");
        for junk in ["", " ", "zz", "' OR 1=1 --", &"a".repeat(65), "é", "12\u{0}34"] {
            assert_eq!(token_hash(junk), None, "{junk:?}");
        }
    }
}
