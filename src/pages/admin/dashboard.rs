//! `/admin`: counts, and charts of the catalog.

use super::widgets::{short_time, Loaded};
use super::AdminGate;
use crate::components::charts::{histogram, Bar, BarChart, ColumnChart};
use crate::components::{boxed, PageMeta};
use crate::i18n::use_texts;
use crate::model::back_office::Dashboard;
use crate::model::back_office::SalesOverview;
use crate::model::paths;
use crate::model::{money::Currency, Money};
use crate::server_fns::admin_catalog::get_dashboard;
use crate::server_fns::exports::{BackupNow, ExportCatalog, ExportOrders, SalesReport};
use crate::server_fns::orders::load_sales;
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// How many price ranges the price chart splits the catalog into.
const PRICE_RANGES: usize = 8;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                view! {
                    <Loaded load=boxed(get_dashboard()) render=|data| view! { <DashboardView data /> } />
                    <Loaded load=boxed(load_sales()) render=|sales| view! { <SalesView sales /> } />
                    <ExportsSection />
                }
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
                <ColumnChart title=t.chart_prices.into() description=t.chart_prices_description.into() bars=price_bars(&data.prices, store_currency()) />
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

/// Price ranges labelled in whole units of the store's currency ("$10–$24"), each with how many
/// products fall in it. A range ends where the next begins, so its label ends a unit below the
/// next one's start.
fn price_bars(prices: &[Money], currency: Currency) -> Vec<Bar> {
    let cents: Vec<i64> = prices.iter().map(|price| price.cents()).collect();
    histogram(&cents, PRICE_RANGES)
        .into_iter()
        .map(|(low, high, count)| Bar {
            label: format!(
                "{}–{}",
                currency.format_whole(low / 100),
                currency.format_whole((high / 100).max(low / 100))
            ),
            value: count,
        })
        .collect()
}

/// Orders and revenue per day (labelled by day of the month: the title says which days), and
/// the best sellers.
#[component]
fn SalesView(sales: SalesOverview) -> impl IntoView {
    let t = use_texts().orders;
    let day_label = |day: &str| day.get(8..10).unwrap_or(day).to_owned();
    let orders: Vec<Bar> = sales.per_day.iter().map(|d| Bar { label: day_label(&d.day), value: d.orders }).collect();
    let revenue: Vec<Bar> = sales
        .per_day
        .iter()
        .map(|d| Bar { label: day_label(&d.day), value: u64::try_from(d.revenue.cents() / 100).unwrap_or(0) })
        .collect();
    let first_day = sales.per_day.first().map(|d| d.day.clone()).unwrap_or_default();
    let last_day = sales.per_day.last().map(|d| d.day.clone()).unwrap_or_default();
    let span = format!("{first_day} – {last_day}");
    let revenue_title = (t.revenue_per_day)(sales.currency.code());
    view! {
        <div class="chart-grid">
            <section class="chart-card">
                <h2>{t.orders_per_day}</h2>
                <ColumnChart title=t.orders_per_day.into() description=span.clone() bars=orders />
            </section>
            <section class="chart-card">
                <h2>{revenue_title.clone()}</h2>
                <ColumnChart title=revenue_title description=span bars=revenue />
            </section>
        </div>
        <section>
            <h2>{t.best_sellers}</h2>
            {if sales.best_sellers.is_empty() {
                view! { <p class="muted">{t.no_sales_yet}</p> }.into_any()
            } else {
                view! {
                    <table class="admin-table">
                        <thead>
                            <tr>
                                <th scope="col">{t.product}</th>
                                <th scope="col" class="numeric">{t.units_sold}</th>
                                <th scope="col" class="numeric">{t.revenue}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {sales.best_sellers.into_iter().map(|seller| view! {
                                <tr>
                                    <th scope="row"><a href=paths::admin_product(seller.product_id)>{seller.title}</a></th>
                                    <td class="numeric">{seller.units}</td>
                                    <td class="numeric">{sales.currency.format(seller.revenue)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

/// Buttons for the exports: each queues a job, followed on the jobs page.
#[component]
fn ExportsSection() -> impl IntoView {
    let t = use_texts().jobs;
    let error = crate::components::forms::error_from_url::<ExportOrders>();
    let report_error = crate::components::forms::error_from_url::<SalesReport>();
    view! {
        <section aria-labelledby="exports-heading" class="exports">
            <h2 id="exports-heading">{t.exports_heading}</h2>
            <p class="muted">{t.exports_note}</p>
            {error.map(|error| view! { <p class="form-alert" role="alert">{use_texts().common.error_message(&error)}</p> })}
            <form method="post" action=ExportCatalog::url()>
                <button type="submit" class="button button-secondary">{t.export_catalog}</button>
            </form>
            <form method="post" action=ExportOrders::url() class="order-filters">
                <div class="field">
                    <label for="export-from">{t.from_day}</label>
                    <input id="export-from" type="date" name="from" required />
                </div>
                <div class="field">
                    <label for="export-to">{t.to_day}</label>
                    <input id="export-to" type="date" name="to" required />
                </div>
                <button type="submit" class="button button-secondary">{t.export_orders}</button>
            </form>
            <h3 id="report-heading">{t.report_heading}</h3>
            {report_error.map(|error| view! { <p class="form-alert" role="alert">{use_texts().common.error_message(&error)}</p> })}
            <form method="post" action=SalesReport::url() class="order-filters" aria-labelledby="report-heading">
                <div class="field">
                    <label for="report-from">{t.from_day}</label>
                    <input id="report-from" type="date" name="from" required />
                </div>
                <div class="field">
                    <label for="report-to">{t.to_day}</label>
                    <input id="report-to" type="date" name="to" required />
                </div>
                <button type="submit" class="button button-secondary">{t.sales_report}</button>
            </form>
            <form method="post" action=BackupNow::url()>
                <p class="muted">{t.backup_note}</p>
                <button type="submit" class="button button-secondary">{t.backup_now}</button>
            </form>
        </section>
    }
}
