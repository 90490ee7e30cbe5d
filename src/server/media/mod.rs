//! Image files: uploads read from multipart forms, the thumbnails made from them, and which
//! product images are still in use.

pub mod product_images;
pub mod thumbnails;
pub mod uploads;
