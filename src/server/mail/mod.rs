//! Sending e-mail: through the SMTP server of `[mail]`, or, without one, into `.eml` files in the
//! outbox folder. Every send is bounded by `mail.send_timeout_secs` as a whole (lettre's own
//! timeout covers only each network read and write, so a server that trickles could hold a
//! worker for ever).
//!
//! A message's Message-ID is made from its idempotency key, so a message sent twice (a worker
//! killed between sending and recording it) is recognisable as the same one, and the outbox
//! writes it to the same file.

use crate::server::config::{Config, SmtpTls};
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sha2::{Digest, Sha256};
use std::{path::PathBuf, time::Duration};

/// A message to one person.
#[derive(Debug, Clone)]
pub struct Email {
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Names this message for good: the same key is the same message (see the module's note).
    pub key: String,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message cannot be sent as it is (an address that is not one): retrying cannot help.
    #[error("the message cannot be sent: {0}")]
    Unsendable(String),
    /// The server refused, failed or took too long; another attempt may succeed.
    #[error("the mail server: {0}")]
    Failed(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends e-mail as `[mail]` says. Cheap to share: the SMTP transport keeps a connection pool.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    timeout: Duration,
}

impl Mailer {
    /// The mailer of `config`; fails on settings that cannot work (checked again at start-up).
    pub fn new(config: &Config) -> Result<Self, String> {
        let mail = &config.mail;
        let from: Mailbox = mail.from.parse().map_err(|e| format!("mail.from {:?}: {e}", mail.from))?;
        let timeout = Duration::from_secs(mail.send_timeout_secs);
        let transport = if mail.smtp_host.is_empty() {
            Transport::Outbox(mail.outbox_dir.clone())
        } else {
            let host = mail.smtp_host.as_str();
            let builder = match mail.smtp_tls {
                SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
                SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
            }
            .map_err(|e| format!("mail.smtp_host {host:?}: {e}"))?;
            let mut builder = builder.port(mail.smtp_port).timeout(Some(timeout));
            if !mail.smtp_username.is_empty() {
                let password = config.secrets.smtp_password.as_ref().map_or("", |p| p.expose_text());
                builder = builder.credentials(Credentials::new(mail.smtp_username.clone(), password.to_owned()));
            }
            Transport::Smtp(builder.build())
        };
        Ok(Self { transport, from, timeout })
    }

    /// Where messages go, for the start-up log.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Outbox(dir) => format!("the outbox folder {}", dir.display()),
        }
    }

    /// Sends `email`, within the send timeout.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = self.build(email)?;
        let sending = async {
            match &self.transport {
                Transport::Smtp(smtp) => {
                    smtp.send(message).await.map(|_| ()).map_err(|e| MailError::Failed(e.to_string()))
                }
                Transport::Outbox(dir) => write_to_outbox(dir, &email.key, &message.formatted()).await,
            }
        };
        tokio::time::timeout(self.timeout, sending)
            .await
            .map_err(|_| MailError::Failed(format!("no answer within {} s", self.timeout.as_secs())))?
    }

    fn build(&self, email: &Email) -> Result<Message, MailError> {
        let address = email.to_address.parse().map_err(|e| MailError::Unsendable(format!("the address: {e}")))?;
        // A name is shown, never trusted: no line breaks or other controls reach a header.
        let name: String = email.to_name.chars().filter(|c| !c.is_control()).collect();
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(name).filter(|n| !n.trim().is_empty()), address))
            .subject(email.subject.replace(['\r', '\n'], " "))
            .message_id(Some(format!("<{}@{domain}>", key_digest(&email.key))))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(email.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(email.html.clone())),
            )
            .map_err(|e| MailError::Unsendable(e.to_string()))
    }
}

/// The first 32 hex digits of the key's SHA-256: a Message-ID and file name that reveal nothing.
fn key_digest(key: &str) -> String {
    crate::server::text::hex(&Sha256::digest(key.as_bytes())[..16])
}

/// Writes the message as `<digest>.eml` in `dir`: first under a temporary name, then renamed, so
/// a reader never finds half a message and a second write of the same key replaces the first.
async fn write_to_outbox(dir: &std::path::Path, key: &str, message: &[u8]) -> Result<(), MailError> {
    let failed = |e: std::io::Error| MailError::Failed(format!("the outbox {}: {e}", dir.display()));
    tokio::fs::create_dir_all(dir).await.map_err(failed)?;
    let name = key_digest(key);
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, message).await.map_err(failed)?;
    tokio::fs::rename(&partial, dir.join(format!("{name}.eml"))).await.map_err(failed)
}
