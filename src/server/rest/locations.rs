//! `GET /api/v1/locations?origin=<lat>,<lng>&radius=<km>&size=<n>` (§8 of `docs/api.md`):
//! the store's real shops within `radius` km of `origin`, nearest first (upstream makes up random
//! points on every call, §10). Upstream's defaults: Bogotá, 15 km, 10.

use super::errors::ApiError;
use super::filters::MAX_LIMIT;
use super::schema::ErrorBody;
use crate::model::stores::{GeoPoint, StoreLocation, MAX_RADIUS_KM};
use crate::server::{app::state::AppState, services::stores as service};
use axum::{
    extract::{RawQuery, State},
    Json,
};
use serde::Serialize;

const DEFAULT_ORIGIN: GeoPoint = GeoPoint { latitude: 4.6482784, longitude: -74.2726198 };
const DEFAULT_RADIUS_KM: f64 = 15.0;
const DEFAULT_SIZE: usize = 10;

/// A shop as the API shows it: upstream's fields first, then Tienda's.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    id: i64,
    name: String,
    description: String,
    latitude: f64,
    longitude: f64,
    address: String,
    city: String,
    opening_hours: String,
    /// From `origin`, in kilometres, to 10 m.
    distance_km: f64,
}

impl Location {
    fn new(store: StoreLocation, distance_km: f64) -> Self {
        Self {
            id: store.id,
            name: store.name,
            description: store.description,
            latitude: store.latitude,
            longitude: store.longitude,
            address: store.address,
            city: store.city,
            opening_hours: store.opening_hours,
            distance_km: (distance_km * 100.0).round() / 100.0,
        }
    }
}

struct Search {
    origin: GeoPoint,
    radius_km: f64,
    size: usize,
}

/// The query's parameters, each defaulted when absent and checked when present.
fn search(query: Option<&str>) -> Result<Search, ApiError> {
    let mut search = Search { origin: DEFAULT_ORIGIN, radius_km: DEFAULT_RADIUS_KM, size: DEFAULT_SIZE };
    let mut messages = Vec::new();
    let number = |name: &str, value: &str, messages: &mut Vec<String>| {
        let parsed = value.trim().parse::<f64>().ok().filter(|n| n.is_finite());
        match parsed {
            None => messages.push(format!("{name} must be a number conforming to the specified constraints")),
            Some(n) if n < 0.0 => messages.push(format!("{name} must not be less than 0")),
            Some(_) => {}
        }
        parsed.filter(|n| *n >= 0.0)
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "origin" => match GeoPoint::parse(&value) {
                Some(origin) => search.origin = origin,
                None => messages.push("origin must be a latitude,longitude string".into()),
            },
            "radius" => {
                if let Some(radius) = number("radius", &value, &mut messages) {
                    search.radius_km = radius.min(MAX_RADIUS_KM);
                }
            }
            "size" => {
                if let Some(size) = number("size", &value, &mut messages) {
                    search.size = (size as usize).min(MAX_LIMIT as usize);
                }
            }
            _ => {}
        }
    }
    if messages.is_empty() {
        Ok(search)
    } else {
        Err(ApiError::Validation(messages))
    }
}

#[utoipa::path(
    get,
    path = "/locations",
    tag = "locations",
    summary = "The store's shops near a point, nearest first",
    params(
        ("origin" = Option<String>, Query, description = "`latitude,longitude`; Bogotá's west (4.6482784,-74.2726198) when left out"),
        ("radius" = Option<f64>, Query, description = "Kilometres from origin, from 0 (15 when left out)"),
        ("size" = Option<i64>, Query, description = "At most this many, 0 to 200 (10 when left out)"),
    ),
    responses(
        (status = 200, description = "The shops within the radius", body = Vec<Location>),
        (status = 400, description = "A parameter is malformed or below 0", body = ErrorBody),
    ),
    security(()),
)]
pub async fn list_locations(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<Location>>, ApiError> {
    let search = search(query.as_deref())?;
    let near = service::stores_near(&state, search.origin, search.radius_km, search.size).await?;
    Ok(Json(near.into_iter().map(|(store, distance)| Location::new(store, distance)).collect()))
}
