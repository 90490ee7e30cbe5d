//! Reusable view pieces: props in, view out.

mod breadcrumbs;
pub mod browser;
mod cart_form;
pub mod charts;
mod error_view;
mod filter_form;
pub mod forms;
pub mod front_end;
mod gallery;
mod layout;
mod loaded;
mod markup;
pub mod order_view;
mod page_meta;
mod pager;
mod pagination;
mod product_card;
mod raw_text;
mod scroll_frame;

pub use breadcrumbs::{Breadcrumbs, Crumb};
#[cfg(feature = "hydrate")]
pub use cart_form::listen_for_cart_adds;
pub use cart_form::{
    cart_note_products, describe_cart_refusal, AddToCartForm, CartAddsInPlace, CartNote, LeftBehindNotice,
};
pub use error_view::ErrorView;
pub use filter_form::FilterForm;
pub use gallery::Gallery;
pub use layout::{AccountMenuHtml, SiteFooter, SiteHeader};
pub use loaded::{boxed, Loaded};
pub use markup::Markup;
pub(crate) use page_meta::site_name;
pub use page_meta::{absolute_url, json_ld, PageMeta};
pub use pager::{page_count, Pager};
pub use pagination::Pagination;
pub use product_card::ProductGrid;
pub use scroll_frame::TableFrame;
