//! The store's shops and how far they are: great-circle distances on a spherical Earth, which is
//! within 0.5 % of the true (ellipsoidal) distance, plenty for "stores near me".

use serde::{Deserialize, Serialize};

/// The mean Earth radius (IUGG), in kilometres.
const EARTH_RADIUS_KM: f64 = 6_371.008_8;
/// No two points are farther apart than half the circumference (π × R ≈ 20 015 km).
pub const MAX_RADIUS_KM: f64 = 20_016.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreLocation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub address: String,
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
    pub opening_hours: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    /// `"4.6482784,-74.2726198"`: a latitude in [-90, 90] and a longitude in [-180, 180].
    pub fn parse(text: &str) -> Option<Self> {
        let (latitude, longitude) = text.split_once(',')?;
        let (latitude, longitude): (f64, f64) = (latitude.trim().parse().ok()?, longitude.trim().parse().ok()?);
        ((-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude))
            .then_some(Self { latitude, longitude })
    }

    /// The great-circle distance to `other` in kilometres (haversine formula).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let d_lat = lat2 - lat1;
        let d_lng = (other.longitude - self.longitude).to_radians();
        let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lng / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

impl StoreLocation {
    pub fn point(&self) -> GeoPoint {
        GeoPoint { latitude: self.latitude, longitude: self.longitude }
    }
}

/// The stores within `radius_km` of `origin`, nearest first (ties by id), at most `size`, each
/// with its distance.
pub fn nearest(stores: &[StoreLocation], origin: GeoPoint, radius_km: f64, size: usize) -> Vec<(StoreLocation, f64)> {
    let mut near: Vec<(StoreLocation, f64)> = stores
        .iter()
        .map(|store| (store.clone(), origin.distance_km(store.point())))
        .filter(|(_, distance)| *distance <= radius_km)
        .collect();
    near.sort_by(|(a, da), (b, db)| da.total_cmp(db).then(a.id.cmp(&b.id)));
    near.truncate(size);
    near
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOGOTA: GeoPoint = GeoPoint { latitude: 4.6482784, longitude: -74.2726198 };

    fn store(id: i64, latitude: f64, longitude: f64) -> StoreLocation {
        StoreLocation {
            id,
            slug: format!("s{id}"),
            name: format!("Store {id}"),
            description: String::new(),
            address: String::new(),
            city: String::new(),
            latitude,
            longitude,
            opening_hours: String::new(),
        }
    }

    #[test]
    fn distances_match_known_ones() {
        let medellin = GeoPoint { latitude: 6.2442, longitude: -75.5812 };
        let d = BOGOTA.distance_km(medellin);
        assert!((d - 229.0).abs() < 3.0, "Bogotá–Medellín is about 229 km, got {d}");
        assert_eq!(BOGOTA.distance_km(BOGOTA), 0.0);
        let antipode = GeoPoint { latitude: -BOGOTA.latitude, longitude: BOGOTA.longitude + 180.0 };
        assert!((BOGOTA.distance_km(antipode) - MAX_RADIUS_KM).abs() < 5.0);
    }

    #[test]
    fn origins_must_be_a_latitude_and_a_longitude() {
        assert_eq!(GeoPoint::parse("4.6482784,-74.2726198"), Some(BOGOTA));
        assert_eq!(GeoPoint::parse(" 4.5 , -74 ").map(|p| p.longitude), Some(-74.0));
        for bad in ["", "4.6", "91,0", "0,181", "a,b", "1,2,3", "NaN,0"] {
            assert_eq!(GeoPoint::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn nearest_first_within_the_radius_and_the_size() {
        let stores = [store(1, 4.70, -74.05), store(2, 4.65, -74.27), store(3, 6.24, -75.58), store(4, 4.66, -74.10)];
        let near = nearest(&stores, BOGOTA, 30.0, 10);
        assert_eq!(near.iter().map(|(s, _)| s.id).collect::<Vec<_>>(), [2, 4, 1]);
        assert!(near.windows(2).all(|w| w[0].1 <= w[1].1));
        assert_eq!(nearest(&stores, BOGOTA, 30.0, 1).len(), 1);
        assert!(nearest(&stores, BOGOTA, 0.1, 10).iter().all(|(s, _)| s.id == 2));
    }
}
