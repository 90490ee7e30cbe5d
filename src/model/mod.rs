//! Types that cross the wire, and the rules that validate them. No I/O lives here.

pub mod account;
pub mod back_office;
pub mod cart;
pub mod catalog;
pub mod catalog_edit;
pub mod money;
pub mod orders;
pub mod paths;
pub mod product_query;
pub mod stores;

pub use account::{Role, User};
pub use catalog::*;
pub use money::Money;
pub use product_query::{Cursor, CursorSide, ProductQuery, QueryNotice, SortOrder, SortValue};
