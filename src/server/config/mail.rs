//! `[mail]`: how the store sends e-mail. With an SMTP host, through that server; without one,
//! into files in the outbox folder (demo mode, and machines with no mail server yet).

use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server; empty writes every message to `outbox_dir` instead.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    /// With the password from TIENDA_SMTP_PASSWORD; empty sends without signing in.
    pub smtp_username: String,
    /// The sender, as `Name <address>` or a bare address.
    pub from: String,
    /// Where messages go as `.eml` files when there is no SMTP host.
    pub outbox_dir: PathBuf,
    /// The longest one message may take to send, connecting included; a server that hangs
    /// fails the attempt, which is retried later.
    pub send_timeout_secs: u64,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on this machine or a test.
    None,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: String::new(),
            from: "Tienda <tienda@localhost>".into(),
            outbox_dir: "data/outbox".into(),
            send_timeout_secs: 30,
        }
    }
}

impl MailConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "mail.from {:?} must be an address, or a name and an address as `Name <address>`.",
                self.from
            ));
        }
        if !(1..=600).contains(&self.send_timeout_secs) {
            return Err("mail.send_timeout_secs must be between 1 and 600.".into());
        }
        Ok(())
    }
}
