//! Products, categories and users as the API serialises them: upstream's field names and order
//! (`creationAt`, `updatedAt`), prices in currency units, image paths made absolute.

use crate::server::services::{
    accounts::UserRecord,
    catalog_api::{CategoryRecord, ProductRecordFull},
};
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::Arc;

#[derive(Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub image: String,
    pub creation_at: String,
    pub updated_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: i64,
    pub title: String,
    pub slug: String,
    /// Currency units, as upstream: `49.9`, and a whole price as an integer (`42`, not `42.0`).
    #[schema(value_type = f64)]
    pub price: Price,
    pub description: String,
    #[schema(value_type = Category)]
    pub category: WrittenCategory,
    pub images: Vec<String>,
    pub creation_at: String,
    pub updated_at: String,
}

/// A product's category, already written as JSON.
///
/// A page of products shares a handful of categories. Serialising each product's category again
/// (six fields, two timestamps) and cloning its strings for every product was an eighth of an
/// uncached product list's instructions (callgrind); written once, each product copies the bytes.
#[derive(Clone, Debug)]
pub struct WrittenCategory(Arc<RawValue>);

impl WrittenCategory {
    /// The record as the API shows it ([`Category::new`]), written.
    pub fn new(record: CategoryRecord, site_url: &str) -> Self {
        let json = serde_json::value::to_raw_value(&Category::new(record, site_url))
            .expect("a category (numbers and strings) always serialises");
        Self(Arc::from(json))
    }

    /// The category's JSON, as written.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl Serialize for WrittenCategory {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Timestamps as upstream writes them: milliseconds, UTC, `Z` (`2024-01-31T09:05:07.042Z`).
///
/// Written digit by digit: a product list writes four per product, and chrono's general RFC 3339
/// writer with the `fmt` machinery under it was about 3 % of an uncached list's request
/// (callgrind self costs). Years outside four digits and leap seconds, which that form cannot
/// spell, still go through chrono.
pub fn timestamp(at: DateTime<Utc>) -> String {
    let year = at.year();
    if !(0..=9999).contains(&year) || at.nanosecond() >= 1_000_000_000 {
        return at.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    let mut text = String::with_capacity(24);
    let mut field = |separator: Option<char>, value: u32, width: u32| {
        if let Some(separator) = separator {
            text.push(separator);
        }
        for power in (0..width).rev() {
            text.push(char::from(b'0' + (value / 10u32.pow(power) % 10) as u8));
        }
    };
    field(None, year as u32, 4);
    field(Some('-'), at.month(), 2);
    field(Some('-'), at.day(), 2);
    field(Some('T'), at.hour(), 2);
    field(Some(':'), at.minute(), 2);
    field(Some(':'), at.second(), 2);
    field(Some('.'), at.nanosecond() / 1_000_000, 3);
    text.push('Z');
    text
}

/// A stored time the services hand over as RFC 3339 text, in upstream's form (as [`timestamp`]).
pub fn timestamp_text(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(|_| rfc3339.to_owned(), |at| timestamp(at.with_timezone(&Utc)))
}

/// Our own images are stored as paths; a phone app or a microcontroller needs the whole address.
pub fn absolute(site_url: &str, url: String) -> String {
    if url.starts_with('/') {
        format!("{site_url}{url}")
    } else {
        url
    }
}

/// The reverse of [`absolute`], for addresses a client sends back: our own images as the services
/// store them ([`crate::server::media::as_stored`], which the services apply to every face's input too).
pub fn local(site_url: &str, url: String) -> String {
    crate::server::media::as_stored(site_url, &url)
}

impl Category {
    pub fn new(record: CategoryRecord, site_url: &str) -> Self {
        Self {
            id: record.id,
            name: record.name,
            slug: record.slug,
            image: absolute(site_url, record.image),
            creation_at: timestamp(record.created_at),
            updated_at: timestamp(record.updated_at),
        }
    }
}

/// A price in cents, sent in currency units the way upstream sends it: typed clients that read a
/// whole price as an integer (`42`) would choke on `42.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Price(pub i64);

impl Serialize for Price {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl Product {
    pub fn new(mut record: ProductRecordFull, site_url: &str) -> Self {
        let category = WrittenCategory::new(std::mem::take(&mut record.category), site_url);
        Self::in_category(record, category, site_url)
    }

    /// The product with its category already written (a list's products share a few); the
    /// record's own category is not read.
    pub fn in_category(record: ProductRecordFull, category: WrittenCategory, site_url: &str) -> Self {
        Self {
            id: record.id,
            title: record.title,
            slug: record.slug,
            price: Price(record.price_cents),
            description: record.description,
            category,
            images: record.images.into_iter().map(|url| absolute(site_url, url)).collect(),
            creation_at: timestamp(record.created_at),
            updated_at: timestamp(record.updated_at),
        }
    }
}

/// A user as the API shows them: never a password or its hash.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiUser {
    id: i64,
    email: String,
    name: String,
    role: String,
    avatar: String,
    creation_at: String,
    updated_at: String,
}

impl ApiUser {
    pub fn new(user: &UserRecord, site_url: &str) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role.clone(),
            avatar: absolute(site_url, user.avatar.clone()),
            creation_at: timestamp(user.created_at),
            updated_at: timestamp(user.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{timestamp, Price};
    use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        let chrono = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Millis, true);
        let times = [
            Utc.with_ymd_and_hms(2024, 1, 31, 9, 5, 7).unwrap() + chrono::Duration::milliseconds(42),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap() + chrono::Duration::nanoseconds(999_999_999),
            Utc.with_ymd_and_hms(7, 2, 3, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(12345, 6, 7, 8, 9, 10).unwrap(),
            Utc.with_ymd_and_hms(-44, 3, 15, 12, 0, 0).unwrap(),
        ];
        for at in times {
            assert_eq!(timestamp(at), chrono(at));
        }
        assert_eq!(timestamp(times[0]), "2024-01-31T09:05:07.042Z");
    }

    #[test]
    fn whole_prices_are_integers_and_others_keep_their_decimals() {
        let json = |cents| serde_json::to_string(&Price(cents)).unwrap();
        assert_eq!(json(4200), "42");
        assert_eq!(json(4990), "49.9");
        assert_eq!(json(1), "0.01");
    }
}
