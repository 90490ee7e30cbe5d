use super::*;

fn load(toml: &str, env: &[(&str, &str)]) -> Result<Config, String> {
    let dir = std::env::temp_dir().join(format!("tienda-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.toml", toml.len()));
    std::fs::write(&path, toml).unwrap();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::load(&path, |k| env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()))
}

#[test]
fn environment_overrides_the_file() {
    let config =
        load("[server]\nport = 4000\n", &[("TIENDA_PORT", "5000"), ("DATABASE_URL", "sqlite://x.db")]).unwrap();
    assert_eq!(config.server.port, 5000);
    assert_eq!(config.database.url, "sqlite://x.db");
}

#[test]
fn malformed_file_is_one_sentence() {
    let err = load("[server\nport = 1", &[]).unwrap_err();
    assert!(err.contains("is malformed"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    let err = load("[server]\nprot = 1\n", &[]).unwrap_err();
    assert!(err.contains("unknown field `prot`"), "{err}");
}

#[test]
fn bad_environment_value_is_named() {
    let err = load("", &[("TIENDA_PORT", "eighty")]).unwrap_err();
    assert!(err.starts_with("TIENDA_PORT=\"eighty\" is invalid"), "{err}");
}

#[test]
fn values_their_type_allows_but_the_store_cannot_use_are_refused() {
    for (var, value, expected) in [
        ("TIENDA_SITE_URL", "shop.example", "must be an http:// or https:// URL"),
        ("TIENDA_DB_MAX_CONNECTIONS", "0", "at least 1"),
        ("TIENDA_CACHE_TTL_SECS", "99999999999", "at most 86400"),
        ("TIENDA_SQLITE_MMAP_MB", "4096", "at most 2047"),
        ("TIENDA_LOG", "info,[[[", "not a valid filter"),
    ] {
        let err = load("", &[(var, value)]).unwrap_err();
        assert!(err.contains(expected), "{var}={value}: {err}");
    }
}

#[test]
fn passwords_are_redacted() {
    assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    let config = DatabaseConfig { url: "postgres://u:secret@h/db".into(), ..Default::default() };
    assert!(!format!("{config:?}").contains("secret"));
}

#[test]
fn secrets_come_from_the_environment_and_production_needs_them() {
    let config = load("[server]\nmode = \"production\"\n", &[]).unwrap();
    assert_eq!(config.server.mode, Mode::Production);
    let err = config.secrets.validate(config.server.mode).unwrap_err();
    assert!(err.starts_with("TIENDA_JWT_ACCESS_SECRET must be set in production mode"), "{err}");

    let long = "k".repeat(auth::MIN_SECRET_BYTES);
    let other = "r".repeat(auth::MIN_SECRET_BYTES);
    let env = [("TIENDA_JWT_ACCESS_SECRET", long.as_str()), ("TIENDA_JWT_REFRESH_SECRET", other.as_str())];
    let config = load("", &env).unwrap();
    assert!(config.secrets.validate(Mode::Production).is_ok());
    assert!(!format!("{config:?}").contains(&long), "secrets are never printed");

    let same = [("TIENDA_JWT_ACCESS_SECRET", long.as_str()), ("TIENDA_JWT_REFRESH_SECRET", long.as_str())];
    assert!(load("", &same).unwrap().secrets.validate(Mode::Production).unwrap_err().contains("must differ"));
    assert!(load("", &[]).unwrap().secrets.validate(Mode::Demo).is_ok(), "demo mode generates its own");
}

#[test]
fn auth_settings_are_checked() {
    let config = load("", &[("TIENDA_MODE", "demo"), ("TIENDA_LOCKOUT_SECS", "5")]).unwrap();
    assert_eq!((config.server.mode, config.auth.lockout_secs), (Mode::Demo, 5));
    assert!(load("", &[("TIENDA_MODE", "staging")]).unwrap_err().contains("expected demo or production"));
    assert!(load("", &[("TIENDA_MAX_FAILED_LOGINS", "0")]).unwrap_err().contains("at least 1"));
}

#[test]
fn every_environment_setting_is_documented_once() {
    let docs = include_str!("../../../docs/configuration.md");
    let mut seen = std::collections::HashSet::new();
    for setting in ENV_SETTINGS {
        assert!(seen.insert(setting.variable), "{} is listed twice", setting.variable);
        let row = format!("| `{}` | `{}` |", setting.variable, setting.key);
        assert!(docs.contains(&row), "docs/configuration.md has no row starting {row}");
    }
}

#[test]
fn every_environment_setting_applies_a_value_of_its_kind() {
    let config = load(
        "",
        &[("TIENDA_LOG_FORMAT", "json"), ("TIENDA_SQLITE_SYNCHRONOUS", "normal"), ("TIENDA_SQLITE_MMAP_MB", "0")],
    )
    .unwrap();
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(config.database.sqlite_synchronous, SqliteSynchronousSetting::Normal);
    assert_eq!(config.database.sqlite_mmap_mb, 0);
    assert!(load("", &[("TIENDA_LOG_FORMAT", "xml")]).unwrap_err().contains("expected pretty or json"));
}

#[test]
fn the_currency_is_one_tienda_can_keep_in_cents() {
    assert_eq!(load("", &[]).unwrap().store.currency, Currency::Usd);
    assert_eq!(load("[store]\ncurrency = \"eur\"\n", &[]).unwrap().store.currency, Currency::Eur);
    assert_eq!(load("", &[("TIENDA_CURRENCY", "mxn")]).unwrap().store.currency, Currency::Mxn);
    // The yen has no cents, and "$" is not a code.
    let err = load("", &[("TIENDA_CURRENCY", "JPY")]).unwrap_err();
    assert!(err.starts_with("TIENDA_CURRENCY=\"JPY\" is invalid") && err.contains("USD, EUR"), "{err}");
    let err = load("[store]\ncurrency = \"$\"\n", &[]).unwrap_err();
    assert!(err.contains("unknown currency \"$\"") && err.contains("expected one of USD"), "{err}");
}
