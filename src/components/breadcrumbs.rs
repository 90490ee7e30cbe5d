//! A breadcrumb trail, shown as links and described as structured data.

use super::{absolute_url, json_ld};
use crate::i18n::use_texts;
use leptos::prelude::*;
use serde::Serialize;

#[derive(Clone)]
pub struct Crumb {
    pub label: String,
    pub path: String,
}

impl Crumb {
    pub fn new(label: impl Into<String>, path: impl Into<String>) -> Self {
        Self { label: label.into(), path: path.into() }
    }
}

/// schema.org's `BreadcrumbList`, for the trail in search results.
#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}

/// The last crumb is the current page: shown, not linked.
#[component]
pub fn Breadcrumbs(crumbs: Vec<Crumb>) -> impl IntoView {
    let structured = json_ld(&BreadcrumbList {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items: crumbs
            .iter()
            .enumerate()
            .map(|(i, c)| ListItem { kind: "ListItem", position: i + 1, name: &c.label, item: absolute_url(&c.path) })
            .collect(),
    });
    let last = crumbs.len().saturating_sub(1);
    view! {
        <nav class="breadcrumbs" aria-label=use_texts().catalog.breadcrumbs_label>
            <ol>
                {crumbs
                    .into_iter()
                    .enumerate()
                    .map(|(i, crumb)| {
                        if i == last {
                            view! { <li><span aria-current="page">{crumb.label}</span></li> }.into_any()
                        } else {
                            view! { <li><a href=crumb.path>{crumb.label}</a></li> }.into_any()
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
        {structured}
    }
}
