//! Tokens for clients that cannot keep cookies (phones, microcontrollers, scripts).
//!
//! An access token is short-lived and checked by signature alone, plus the user's auth version
//! (so a password change ends it). A refresh token is long-lived, signed with a separate key for a
//! separate audience, and single-use: each refresh returns a new pair and marks the old refresh
//! token used. Presenting a used one means it was copied, so its whole family (the chain since
//! sign-in) is revoked.

use crate::error::AppError;
use crate::server::{
    config::{Config, Mode, Secret, Secrets},
    db::{
        refresh_tokens::{self, Claimed, NewRefreshToken},
        secrets, Db,
    },
    text::{hex, random_hex},
};
use blake2::{Blake2s256, Digest};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ACCESS_AUDIENCE: &str = "tienda-access";
const REFRESH_AUDIENCE: &str = "tienda-refresh";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: i64,
    /// The user's auth version when issued.
    pub ver: i64,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct RefreshClaims {
    sub: i64,
    ver: i64,
    /// Random id; the database knows it by hash.
    jti: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// What a client receives at sign-in and at each refresh.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }
}

pub struct TokenService {
    access: Keys,
    refresh: Keys,
    access_secs: i64,
    refresh_secs: i64,
}

impl TokenService {
    /// Keys from the environment; in demo mode, missing ones are generated once and kept in the
    /// database, so tokens survive restarts and work on every node.
    pub async fn load(db: &Db, config: &Config) -> Result<Self, KeyError> {
        let secrets = &config.secrets;
        let access =
            key_or_generated(db, config, secrets.jwt_access.as_ref(), Secrets::ACCESS_VAR, "jwt_access").await?;
        let refresh =
            key_or_generated(db, config, secrets.jwt_refresh.as_ref(), Secrets::REFRESH_VAR, "jwt_refresh").await?;
        let minutes = |m: u64| i64::try_from(m.saturating_mul(60)).unwrap_or(i64::MAX);
        Ok(Self {
            access: Keys::new(access.expose()),
            refresh: Keys::new(refresh.expose()),
            access_secs: minutes(config.auth.access_token_mins),
            refresh_secs: minutes(config.auth.refresh_token_days.saturating_mul(24 * 60)),
        })
    }

    /// A new pair, starting a new refresh family (one per sign-in).
    pub async fn issue(&self, db: &Db, user_id: i64, auth_version: i64) -> Result<TokenPair, AppError> {
        self.issue_in_family(db, user_id, auth_version, &random_hex()).await
    }

    /// The claims of a valid access token; anything else (expired, forged, a refresh token) is 401.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, AppError> {
        decode::<AccessClaims>(token, &self.access.decoding, &validation(ACCESS_AUDIENCE))
            .map(|data| data.claims)
            .map_err(|_| AppError::Unauthorized)
    }

    /// Trades a refresh token for a new pair. `current_version` gives the user's auth version now
    /// (`None` when the user no longer exists), so a password change also ends refresh chains.
    pub async fn refresh<F, Fut>(&self, db: &Db, refresh_token: &str, current_version: F) -> Result<TokenPair, AppError>
    where
        F: FnOnce(i64) -> Fut,
        Fut: std::future::Future<Output = Result<Option<i64>, AppError>>,
    {
        let claims = self.verify_refresh(refresh_token)?;
        match refresh_tokens::claim_refresh_token(db, &hash(&claims.jti), now()).await? {
            Claimed::Fresh { family, user_id } if user_id == claims.sub => {
                if current_version(user_id).await? != Some(claims.ver) {
                    refresh_tokens::delete_family(db, &family).await?;
                    return Err(AppError::Unauthorized);
                }
                self.issue_in_family(db, user_id, claims.ver, &family).await
            }
            Claimed::Fresh { family, .. } | Claimed::Replayed { family } => {
                tracing::warn!(user_id = claims.sub, "refresh token replayed; revoking its family");
                refresh_tokens::delete_family(db, &family).await?;
                Err(AppError::Unauthorized)
            }
            Claimed::Unknown => Err(AppError::Unauthorized),
        }
    }

    /// Ends the sign-in this refresh token belongs to (logout from one device).
    pub async fn revoke(&self, db: &Db, refresh_token: &str) -> Result<(), AppError> {
        let claims = self.verify_refresh(refresh_token)?;
        if let Some(family) = refresh_tokens::select_family_of(db, &hash(&claims.jti)).await? {
            refresh_tokens::delete_family(db, &family).await?;
        }
        Ok(())
    }

    /// Ends every sign-in of a user (their password changed).
    pub async fn revoke_all(db: &Db, user_id: i64) -> Result<(), AppError> {
        refresh_tokens::delete_user_tokens(db, user_id).await?;
        Ok(())
    }

    fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, AppError> {
        decode::<RefreshClaims>(token, &self.refresh.decoding, &validation(REFRESH_AUDIENCE))
            .map(|data| data.claims)
            .map_err(|_| AppError::Unauthorized)
    }

    async fn issue_in_family(&self, db: &Db, user_id: i64, ver: i64, family: &str) -> Result<TokenPair, AppError> {
        let iat = now();
        let access = AccessClaims { sub: user_id, ver, aud: ACCESS_AUDIENCE.into(), iat, exp: iat + self.access_secs };
        let jti = random_hex();
        let exp = iat + self.refresh_secs;
        let refresh = RefreshClaims { sub: user_id, ver, jti: jti.clone(), aud: REFRESH_AUDIENCE.into(), iat, exp };
        let stored = NewRefreshToken { token_hash: &hash(&jti), family, user_id, expires_at: exp, created_at: iat };
        refresh_tokens::insert_refresh_token(db, &stored).await?;
        Ok(TokenPair { access_token: sign(&access, &self.access)?, refresh_token: sign(&refresh, &self.refresh)? })
    }
}

fn validation(audience: &str) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[audience]);
    validation.leeway = 0;
    validation
}

fn sign<T: Serialize>(claims: &T, keys: &Keys) -> Result<String, AppError> {
    encode(&Header::new(Algorithm::HS256), claims, &keys.encoding).map_err(|error| {
        tracing::error!(%error, "cannot sign a token");
        AppError::Internal
    })
}

/// Why the token keys cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Outside demo mode keys come only from the environment (start-up validation says so
    /// first; this keeps any other caller from minting keys of its own).
    #[error("{0} must be set outside demo mode")]
    Missing(&'static str),
    #[error("cannot keep the generated token keys in the database: {0}")]
    Database(#[from] sqlx::Error),
}

async fn key_or_generated(
    db: &Db,
    config: &Config,
    from_env: Option<&Secret>,
    variable: &'static str,
    name: &str,
) -> Result<Secret, KeyError> {
    match from_env {
        Some(secret) => Ok(secret.clone()),
        None if config.server.mode == Mode::Demo => {
            let stored = secrets::generated_secret(db, name, &(random_hex() + &random_hex())).await?;
            Ok(Secret::new(stored))
        }
        None => Err(KeyError::Missing(variable)),
    }
}

fn hash(value: &str) -> String {
    hex(&Blake2s256::digest(value.as_bytes()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
