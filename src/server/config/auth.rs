//! Settings of accounts: the run mode, sessions, sign-in throttling, JWT lifetimes and keys.

use serde::Deserialize;
use std::fmt;

/// `demo` runs with generated secrets and allows the demo data (with its well-known passwords);
/// `production` refuses to start without secrets from the environment and refuses demo data.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Demo,
    #[default]
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// A signed-in visitor who stays away this long must sign in again; each visit restarts it.
    pub session_idle_mins: u64,
    /// Failed sign-ins allowed for one account before it is locked for a while.
    pub max_failed_logins: u32,
    /// Failed sign-ins allowed from one client address (across accounts) before it is locked.
    pub max_failed_logins_per_client: u32,
    /// The first lock's length; each further failure doubles it, up to a quarter of an hour.
    pub lockout_secs: u64,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Accounts one client address may register in an hour (through the web form; later the API).
    pub signups_per_client_per_hour: u32,
    pub access_token_mins: u64,
    pub refresh_token_days: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            session_idle_mins: 7 * 24 * 60,
            max_failed_logins: 5,
            max_failed_logins_per_client: 20,
            lockout_secs: 30,
            trust_forwarded_for: false,
            signups_per_client_per_hour: 20,
            access_token_mins: 15,
            refresh_token_days: 30,
        }
    }
}

/// A secret string: never printed, never serialised.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn expose_text(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Secrets come from the environment only, never from the settings file.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub jwt_access: Option<Secret>,
    pub jwt_refresh: Option<Secret>,
    /// The SMTP server's password, with `mail.smtp_username`.
    pub smtp_password: Option<Secret>,
}

/// Shorter keys make HMAC-signed tokens guessable offline.
pub const MIN_SECRET_BYTES: usize = 32;

impl Secrets {
    pub const ACCESS_VAR: &'static str = "TIENDA_JWT_ACCESS_SECRET";
    pub const REFRESH_VAR: &'static str = "TIENDA_JWT_REFRESH_SECRET";
    pub const SMTP_PASSWORD_VAR: &'static str = "TIENDA_SMTP_PASSWORD";

    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        let read = |var: &str| env(var).filter(|v| !v.is_empty()).map(Secret::new);
        Self {
            jwt_access: read(Self::ACCESS_VAR),
            jwt_refresh: read(Self::REFRESH_VAR),
            smtp_password: read(Self::SMTP_PASSWORD_VAR),
        }
    }

    /// Production needs both keys, long enough and different; demo mode generates missing ones.
    pub fn validate(&self, mode: Mode) -> Result<(), String> {
        for (var, secret) in [(Self::ACCESS_VAR, &self.jwt_access), (Self::REFRESH_VAR, &self.jwt_refresh)] {
            match secret {
                None if mode == Mode::Production => {
                    return Err(format!("{var} must be set in production mode (at least {MIN_SECRET_BYTES} random bytes, e.g. `openssl rand -base64 48`)."));
                }
                Some(secret) if secret.expose().len() < MIN_SECRET_BYTES => {
                    return Err(format!("{var} must be at least {MIN_SECRET_BYTES} bytes long."));
                }
                _ => {}
            }
        }
        if let (Some(access), Some(refresh)) = (&self.jwt_access, &self.jwt_refresh) {
            if access.expose() == refresh.expose() {
                return Err(format!("{} and {} must differ.", Self::ACCESS_VAR, Self::REFRESH_VAR));
            }
        }
        Ok(())
    }
}
