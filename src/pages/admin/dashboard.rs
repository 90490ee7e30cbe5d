//! `/admin`: counts, and charts of the catalog.

use super::widgets::{short_time, Loaded};
use super::AdminGate;
use crate::components::charts::{histogram, Bar, BarChart, ColumnChart};
use crate::components::PageMeta;
use crate::i18n::use_texts;
use crate::model::back_office::Dashboard;
use crate::model::paths;
use crate::model::Money;
use crate::server_fns::admin_catalog::get_dashboard;
use leptos::prelude::*;

/// How many price ranges the price chart splits the catalog into.
const PRICE_RANGES: usize = 8;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                let dashboard = Resource::new(|| (), |_| get_dashboard());
                view! { <Loaded resource=dashboard render=|data| view! { <DashboardView data /> } /> }
            }
        </AdminGate>
    }
}

#[component]
fn DashboardView(data: Dashboard) -> impl IntoView {
    let t = use_texts().admin;
    let stats = [
        (t.stat_products, data.products),
        (t.stat_categories, data.categories),
        (t.stat_customers, data.customers),
        (t.stat_admins, data.admins),
        (t.stat_out_of_stock, data.out_of_stock),
    ];
    let per_category: Vec<Bar> =
        data.per_category.iter().map(|(name, count)| Bar { label: name.clone(), value: *count }).collect();
    view! {
        <PageMeta title=t.nav_dashboard description=t.dashboard_description canonical_path="/admin" noindex=true />
        <h1>{t.nav_dashboard}</h1>
        <dl class="stat-grid">
            {stats.into_iter().map(|(label, value)| view! {
                <div class="stat"><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
        <div class="chart-grid">
            <section class="chart-card">
                <h2>{t.chart_categories}</h2>
                <BarChart title=t.chart_categories.into() description=t.chart_categories_description.into() bars=per_category />
            </section>
            <section class="chart-card">
                <h2>{t.chart_prices}</h2>
                <ColumnChart title=t.chart_prices.into() description=t.chart_prices_description.into() bars=price_bars(&data.prices) />
            </section>
        </div>
        <section>
            <h2>{t.recent_changes}</h2>
            <ul class="recent-list">
                {data.recent.into_iter().map(|change| view! {
                    <li>
                        <a href=paths::admin_product(change.id)>{change.title}</a>
                        " · "<time datetime=change.updated_at.clone()>{short_time(&change.updated_at)}</time>
                        " "{(t.changed_by)(change.updated_by.as_deref())}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Price ranges labelled in whole dollars ("$10–$24"), each with how many products fall in it.
/// A range ends where the next begins, so its label ends a dollar below the next one's start.
fn price_bars(prices: &[Money]) -> Vec<Bar> {
    let cents: Vec<i64> = prices.iter().map(|price| price.cents()).collect();
    histogram(&cents, PRICE_RANGES)
        .into_iter()
        .map(|(low, high, count)| Bar {
            label: format!("${}–${}", low / 100, (high / 100).max(low / 100)),
            value: count,
        })
        .collect()
}
