//! The job kinds, one file each, and the registry of all of them.

pub mod housekeeping;
pub mod order_email;

use super::handler::Registry;

/// Every kind of job the store runs.
pub fn registry() -> Registry {
    Registry::default().with(housekeeping::Housekeeping).with(order_email::OrderEmail)
}
