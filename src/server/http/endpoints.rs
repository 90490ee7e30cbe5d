//! Plain HTTP endpoints beside the Leptos pages: probes, sitemap, robots.txt.

use crate::model::paths;
use crate::server::{app::state::AppState, services::catalog, text::escape_xml};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
};
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// Liveness: the process is up and serving.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers, so this node can take traffic. While the database is known
/// to be down this answers at once; otherwise a probe decides, within its own timeout.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.db_health.is_down() && state.db_health.check().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    let site = &state.config.server.site_url;
    let body = format!("User-agent: *\nAllow: /\nDisallow: /rpc/\n\nSitemap: {site}/sitemap.xml\n");
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

/// Every category and product page, with when it last changed. Built once and kept in the
/// catalog cache, which every catalog change clears, so it never lags behind the catalog and a
/// crawler (or anyone) asking again and again costs one build per cache lifetime.
pub async fn sitemap(State(state): State<AppState>) -> Result<impl IntoResponse, StatusCode> {
    let xml = state.catalog_cache.sitemap.get_or_load((), build_sitemap(&state)).await.map_err(|error| {
        tracing::error!(%error, "cannot build the sitemap");
        match error {
            crate::error::AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    })?;
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml))
}

async fn build_sitemap(state: &AppState) -> Result<axum::body::Bytes, crate::error::AppError> {
    let (categories, products) = catalog::sitemap_entries(state).await?;
    let site = &state.config.server.site_url;
    let newest = products.iter().chain(&categories).map(|row| row.updated_at).max();

    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str("\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, lastmod: Option<DateTime<Utc>>| {
        let _ = write!(xml, "  <url><loc>{}{}</loc>", site, escape_xml(path));
        if let Some(at) = lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
        xml.push_str("</url>\n");
    };
    url("/", newest);
    url("/products", newest);
    url("/stores", None);
    for row in &categories {
        url(&paths::category(&row.slug), Some(row.updated_at));
    }
    for row in &products {
        url(&paths::product(&row.slug), Some(row.updated_at));
    }
    xml.push_str("</urlset>\n");
    Ok(xml.into())
}
