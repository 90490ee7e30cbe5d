//! The store's shops, for the `/stores` page and the API's `/locations`.

use crate::error::AppError;
use crate::model::stores::{nearest, GeoPoint, StoreLocation};
use crate::server::{app::state::AppState, db::stores as db};

pub async fn all_stores(state: &AppState) -> Result<Vec<StoreLocation>, AppError> {
    Ok(db::select_stores(&state.db).await?)
}

/// The shops within `radius_km` of `origin`, nearest first, at most `size`, with their distance
/// in kilometres. A store has tens of shops, not millions: they are all read and measured here
/// (a spatial index would pay off only far beyond that).
pub async fn stores_near(
    state: &AppState,
    origin: GeoPoint,
    radius_km: f64,
    size: usize,
) -> Result<Vec<(StoreLocation, f64)>, AppError> {
    Ok(nearest(&all_stores(state).await?, origin, radius_km, size))
}
