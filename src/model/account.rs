//! Accounts as the pages and the API see them, and the rules their fields follow.
//!
//! The rules live here, on both sides, so a form can be checked in the browser too; the server
//! always checks again.

use crate::error::{FieldError, FieldIssue};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 80;
pub const EMAIL_MAX: usize = 254;
/// NIST SP 800-63B's minimum for passwords people choose.
pub const PASSWORD_MIN: usize = 8;
/// Long enough for any passphrase or manager; short enough that hashing it stays cheap.
pub const PASSWORD_MAX: usize = 128;
pub const AVATAR_MAX: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "customer" => Some(Self::Customer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A signed-in person as pages show them. Deliberately without the password hash: this type
/// crosses the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub avatar: String,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// A password as typed. Its `Debug` shows nothing, so no log line or panic message can carry it
/// (server function arguments derive `Debug`).
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(plain: impl Into<String>) -> Self {
        Self(plain.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The canonical form of a new email: [`email_key`] that also passes today's rules (a real domain,
/// nothing invisible), or `None`.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = email_key(raw)?;
    let (_, domain) = email.split_once('@')?;
    (is_domain_name(domain) && !email.chars().any(is_unseen)).then_some(email)
}

/// The form an email is stored and compared in, without judging it: trimmed and lowercase, with
/// something on both sides of one `@`. Signing in and looking an address up use this, so an
/// account stored under an older, looser rule still signs in; new addresses also pass
/// [`normalize_email`].
pub fn email_key(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    (plausible && email.len() <= EMAIL_MAX).then_some(email)
}

/// Spaces, what no typed text may hold ([`super::is_refused_in_text`]: control characters and the
/// characters that reorder text), and the other invisible ones (zero-width spaces and joiners,
/// direction marks, the byte-order mark), which would make two addresses that look the same differ.
fn is_unseen(c: char) -> bool {
    c.is_whitespace()
        || super::is_refused_in_text(c)
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// A host name as mail can reach it, by the rules upstream's validator applies: at least two
/// labels; each 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen (so no
/// `example..com`, `exam_ple.com` or `-example.com`); a top-level label of letters (or an
/// internationalised `xn--` one).
fn is_domain_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(top) = labels.last() else {
        return false;
    };
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.chars().count())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_ok = top.starts_with("xn--") || (top.chars().count() >= 2 && top.chars().all(char::is_alphabetic));
    labels.len() >= 2 && labels.iter().all(label_ok) && top_ok
}

/// Checks a person's name; returns it trimmed.
pub fn check_name(raw: &str, errors: &mut Vec<FieldError>) -> String {
    let name = raw.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", FieldIssue::Required));
    } else if name.chars().count() > NAME_MAX {
        errors.push(FieldError::new("name", FieldIssue::TooLong { max: NAME_MAX }));
    } else if name.chars().any(super::is_refused_in_text) {
        errors.push(FieldError::new("name", FieldIssue::InvalidCharacters));
    }
    name.to_owned()
}

/// Checks an email; returns its canonical form.
pub fn check_email(raw: &str, errors: &mut Vec<FieldError>) -> String {
    if raw.trim().is_empty() {
        errors.push(FieldError::new("email", FieldIssue::Required));
        return String::new();
    }
    normalize_email(raw).unwrap_or_else(|| {
        errors.push(FieldError::new("email", FieldIssue::InvalidEmail));
        String::new()
    })
}

/// Checks a new password (existing ones are only ever compared, whatever their length).
pub fn check_new_password(field: &str, password: &str, errors: &mut Vec<FieldError>) {
    let length = password.chars().count();
    if length == 0 {
        errors.push(FieldError::new(field, FieldIssue::Required));
    } else if length < PASSWORD_MIN {
        errors.push(FieldError::new(field, FieldIssue::TooShort { min: PASSWORD_MIN }));
    } else if length > PASSWORD_MAX {
        errors.push(FieldError::new(field, FieldIssue::TooLong { max: PASSWORD_MAX }));
    }
}

/// Checks an optional avatar: empty, an http(s) URL, or a path to one of our own images.
pub fn check_avatar(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let avatar = raw.trim();
    if avatar.is_empty() {
        return None;
    }
    let looks_like_url = match avatar.strip_prefix("https://").or_else(|| avatar.strip_prefix("http://")) {
        Some(rest) => super::catalog_edit::names_a_host(rest),
        None => avatar.starts_with("/media/") && !has_dot_segment(avatar),
    } && !avatar.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    if avatar.len() > AVATAR_MAX {
        errors.push(FieldError::new("avatar", FieldIssue::TooLong { max: AVATAR_MAX }));
    } else if !looks_like_url {
        errors.push(FieldError::new("avatar", FieldIssue::InvalidUrl));
    }
    Some(avatar.to_owned())
}

/// True when a path has a `.` or `..` segment (or an escaped dot, which a server may decode into
/// one): such a path can name something outside the folder it seems to be in.
pub fn has_dot_segment(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.to_ascii_lowercase().contains("%2e")
        || path.split(['/', '\\']).any(|segment| segment == "." || segment == "..")
}

/// True for a path on this site. `//host` and `/\\host` would leave it: browsers read both as
/// another origin.
pub fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// Where to send a person after signing in: only a path on this site, never another origin, and
/// never back to a sign-in form.
pub fn safe_return_path(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        Some(path) if is_same_site_path(path) && !path.starts_with("/login") && !path.starts_with("/register") => {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email("  John@Mail.COM "), Some("john@mail.com".into()));
        for bad in ["", "john", "john@", "@mail.com", "john@mail", "jo hn@mail.com", "a@b@c.com", "john@.com"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
        assert_eq!(normalize_email(&format!("{}@mail.com", "a".repeat(250))), None);
        for bad in [
            "user@example..com",
            "user@exam_ple.com",
            "user@-example.com",
            "user@example-.com",
            "user@example.c0m",
            "a\u{200b}@mail.com",
            "a@ma\u{feff}il.com",
            "\u{202e}nhoj@mail.com",
            "jo\u{2066}hn@mail.com",
            "john\u{2069}@mail.com",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
        for good in ["user@sub.example.co", "user@my-shop.es", "user@correo.españa.es", "user@example.xn--p1ai"] {
            assert!(normalize_email(good).is_some(), "{good}");
        }
    }

    #[test]
    fn names_with_control_or_reordering_characters_are_refused() {
        for bad in ["Ana\u{7}", "\u{202E}nimda", "Ana \u{2066}Ruiz"] {
            let mut errors = Vec::new();
            check_name(bad, &mut errors);
            assert_eq!(errors, [FieldError::new("name", FieldIssue::InvalidCharacters)], "{bad:?}");
        }
        let mut errors = Vec::new();
        assert_eq!(check_name(" عائشة ", &mut errors), "عائشة");
        assert!(errors.is_empty());
    }

    #[test]
    fn passwords_do_not_show_in_debug_output() {
        assert_eq!(format!("{:?}", Password::new("hunter2")), "Password(***)");
    }

    #[test]
    fn avatars_are_links_with_a_host_or_pictures_of_this_site() {
        let accepted = |avatar: &str| {
            let mut errors = Vec::new();
            check_avatar(avatar, &mut errors);
            errors.is_empty()
        };
        for good in ["https://example.com/a.png", "http://example.com/a.png", "/media/avatars/a.png"] {
            assert!(accepted(good), "{good}");
        }
        for bad in [
            "https://",
            "https:///a.png",
            "http://?x",
            "/media/%2e%2e/etc/passwd",
            "javascript:alert(1)",
            "/x.png",
            "https://@/",
            "https://:443/",
            "https://user@/a.png",
        ] {
            assert!(!accepted(bad), "{bad}");
        }
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/products?page=2")), "/products?page=2");
        for hostile in ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/login"] {
            assert_eq!(safe_return_path(Some(hostile)), "/account", "{hostile}");
        }
        assert_eq!(safe_return_path(None), "/account");
    }

    #[test]
    fn new_passwords_have_bounds() {
        let mut errors = Vec::new();
        check_new_password("password", "short", &mut errors);
        check_new_password("password", &"x".repeat(PASSWORD_MAX + 1), &mut errors);
        check_new_password("password", "long enough", &mut errors);
        let issues: Vec<_> = errors.iter().map(|e| e.issue).collect();
        assert_eq!(issues, [FieldIssue::TooShort { min: PASSWORD_MIN }, FieldIssue::TooLong { max: PASSWORD_MAX }]);
    }
}
