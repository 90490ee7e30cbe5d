//! Values on their way from one database to another. A backup stores each backend's own form
//! (SQLite's file; PostgreSQL's `COPY` text); a restore reads either into [`Cell`]s by the
//! column's source type, then binds them the way the target backend stores them: a SQLite
//! timestamp is the text sqlx writes, a PostgreSQL one a `timestamptz`; a boolean is 0/1 or a
//! `bool`. No value is reinterpreted by guessing from its text.

use chrono::{DateTime, Utc};

/// One value of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Bool(bool),
    Time(DateTime<Utc>),
    Text(String),
}

impl Cell {
    /// The value as PostgreSQL reads it back with `CAST($n AS <type>)`.
    pub fn to_pg_text(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Int(n) => Some(n.to_string()),
            // Rust writes the shortest text that reads back as the same double.
            Cell::Real(x) => Some(x.to_string()),
            Cell::Bool(b) => Some(if *b { "t" } else { "f" }.to_owned()),
            Cell::Time(at) => Some(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Cell::Text(text) => Some(text.clone()),
        }
    }
}

impl Cell {
    /// Whether the value is of the kind a SQLite column of the `declared` type holds (by SQLite's
    /// affinity rules: INT, then CHAR/CLOB/TEXT, then REAL/FLOA/DOUB).
    pub fn fits_sqlite_column(&self, declared: &str) -> bool {
        let declared = declared.to_ascii_uppercase();
        match self {
            Cell::Null => true,
            _ if declared.contains("INT") => matches!(self, Cell::Int(_) | Cell::Bool(_)),
            _ if ["CHAR", "CLOB", "TEXT"].iter().any(|t| declared.contains(t)) => {
                matches!(self, Cell::Text(_) | Cell::Time(_))
            }
            _ if ["REAL", "FLOA", "DOUB"].iter().any(|t| declared.contains(t)) => {
                matches!(self, Cell::Real(_) | Cell::Int(_))
            }
            _ => true,
        }
    }
}

/// A field of a `COPY … TO STDOUT` text line, read by the column's PostgreSQL type.
pub fn from_copy_field(field: &str, pg_type: &str) -> Result<Cell, String> {
    if field == "\\N" {
        return Ok(Cell::Null);
    }
    let text = unescape_copy(field)?;
    let wrong = |what: &str| format!("{what} expected for a {pg_type} column, found {text:?}");
    Ok(match pg_type {
        "int2" | "int4" | "int8" => Cell::Int(text.parse().map_err(|_| wrong("an integer"))?),
        "float4" | "float8" | "numeric" => Cell::Real(text.parse().map_err(|_| wrong("a number"))?),
        "bool" => match text.as_str() {
            "t" => Cell::Bool(true),
            "f" => Cell::Bool(false),
            _ => return Err(wrong("t or f")),
        },
        "timestamptz" => Cell::Time(parse_pg_timestamp(&text).ok_or_else(|| wrong("a time"))?),
        _ => Cell::Text(text),
    })
}

/// Splits one line of `COPY` text output (without its newline) into its fields.
pub fn copy_fields(line: &str) -> impl Iterator<Item = &str> {
    line.split('\t')
}

/// Undoes `COPY`'s text escapes (backslash, and the control characters it writes as `\n` etc.).
fn unescape_copy(field: &str) -> Result<String, String> {
    if !field.contains('\\') {
        return Ok(field.to_owned());
    }
    let mut text = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        text.push(match chars.next() {
            Some('\\') => '\\',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('v') => '\u{b}',
            other => return Err(format!("an unknown escape \\{} in COPY output", other.unwrap_or(' '))),
        });
    }
    Ok(text)
}

/// A `timestamptz` as PostgreSQL writes it with `DateStyle = ISO` (`2026-12-02 18:42:34.5+00`).
fn parse_pg_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z").ok().map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_read_by_their_column_type() {
        assert_eq!(from_copy_field("\\N", "text").unwrap(), Cell::Null);
        assert_eq!(from_copy_field("42", "int8").unwrap(), Cell::Int(42));
        assert_eq!(from_copy_field("t", "bool").unwrap(), Cell::Bool(true));
        assert_eq!(from_copy_field("40.4168", "float8").unwrap(), Cell::Real(40.4168));
        assert_eq!(from_copy_field("a\\tb\\nc\\\\d", "text").unwrap(), Cell::Text("a\tb\nc\\d".into()));
        assert_eq!(from_copy_field("\\\\N", "text").unwrap(), Cell::Text("\\N".into()));
        let at = from_copy_field("2026-12-02 18:42:34.123456+00", "timestamptz").unwrap();
        assert_eq!(at.to_pg_text().unwrap(), "2026-12-02T18:42:34.123456Z");
        assert!(from_copy_field("soon", "timestamptz").is_err());
        assert!(from_copy_field("x", "int8").is_err());
        assert!(from_copy_field("bad\\q", "text").is_err());
    }

    #[test]
    fn a_value_of_another_kind_does_not_fit_a_sqlite_column() {
        assert!(Cell::Int(5).fits_sqlite_column("INTEGER"));
        assert!(Cell::Bool(true).fits_sqlite_column("INTEGER"));
        assert!(!Cell::Text("abc".into()).fits_sqlite_column("INTEGER"));
        assert!(Cell::Null.fits_sqlite_column("INTEGER"));
        assert!(!Cell::Int(5).fits_sqlite_column("TEXT"));
        assert!(Cell::Int(5).fits_sqlite_column("REAL"));
    }

    #[test]
    fn a_double_survives_its_text() {
        for x in [0.1, 40.416_775, -3.703_790, 1e-300, 123_456_789.123_456_78] {
            assert_eq!(Cell::Real(x).to_pg_text().unwrap().parse::<f64>().unwrap(), x);
        }
    }
}
