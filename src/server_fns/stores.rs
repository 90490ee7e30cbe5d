//! The store's shops, for the `/stores` page.

use crate::error::AppError;
use crate::model::stores::StoreLocation;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::services::stores;

#[server(prefix = "/rpc", endpoint = "stores", input = GetUrl)]
pub async fn list_stores() -> Result<Vec<StoreLocation>, AppError> {
    let state = super::app_state()?;
    stores::all_stores(&state).await
}
