//! Small JPEG thumbnails of uploaded product images, so listing pages stay light. Decoding the
//! whole image is also the proof that an upload which merely starts like an image really is one.

use crate::server::media::uploads::ImageKind;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Longest side of a thumbnail, in pixels (product cards show images at most ~300 CSS px wide, so 2x).
pub const THUMBNAIL_EDGE: u32 = 600;

/// Good enough for photos at card size; the file is a fraction of what quality 90+ would give.
const JPEG_QUALITY: u8 = 80;

/// Each decode may hold up to `MAX_DECODED_BYTES`, plus an RGBA copy for the rare transparent
/// image not decoded as 8-bit RGBA; running only two at a time bounds what uploads can take.
static DECODE_PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// No side longer than this: a panorama of 10,000 x 2,000 is a photo, 50,000 x 1 is not.
const MAX_SIDE: u32 = 10_000;

/// At most 24 megapixels (6000 x 4000, a common camera's full size). Thumbnails are 600 pixels
/// wide, so nothing larger is needed, and decoding costs memory by the pixel: 24 MP of RGBA is
/// 96 MB, and two decodes at once (`DECODE_PERMITS`) stay within what a small server can spare.
const MAX_PIXELS: u64 = 24_000_000;

/// The decoded pixels are what a small file can inflate into (a few KB of PNG can claim
/// gigabytes): the largest image allowed, as 8-bit RGBA, and no more.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThumbnailError {
    /// The bytes do not decode as the image they claim to be (corrupt, truncated, or not an image at all).
    #[error("the file is not a readable image")]
    Unreadable,
    /// Decoding would exceed the pixel/memory limits (a "decompression bomb" or a huge image).
    #[error("the image is too large to process")]
    TooLarge,
}

impl From<ImageError> for ThumbnailError {
    fn from(error: ImageError) -> Self {
        match error {
            ImageError::Limits(_) => Self::TooLarge,
            _ => Self::Unreadable,
        }
    }
}

/// Decodes `bytes` (of the already-sniffed `kind`) under strict limits and returns a JPEG
/// thumbnail whose longest side is at most THUMBNAIL_EDGE (never upscaled), with transparency
/// flattened onto white. CPU-heavy: callers run it on the blocking pool (see `thumbnail_blocking`).
pub fn make_thumbnail(bytes: &[u8], kind: ImageKind) -> Result<Vec<u8>, ThumbnailError> {
    let (image, orientation) = decode_within_limits(bytes, kind)?;
    let mut thumbnail = shrink_to_edge(flatten_onto_white(image));
    thumbnail.apply_orientation(orientation);

    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY);
    thumbnail.to_rgb8().write_with_encoder(encoder).map_err(|error| {
        tracing::error!(%error, "cannot encode a thumbnail");
        ThumbnailError::Unreadable
    })?;
    Ok(jpeg)
}

/// Decodes the whole image under the pixel and memory limits: the proof that an upload is the
/// image it starts like.
fn decode_within_limits(
    bytes: &[u8],
    kind: ImageKind,
) -> Result<(DynamicImage, image::metadata::Orientation), ThumbnailError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);

    // The format comes from the sniffed bytes, never from a guess, so a file is only ever read
    // by the one decoder it was accepted for.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(kind));
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ThumbnailError::TooLarge);
    }
    // `into_decoder` checks the dimensions only; the output buffer must fit the budget too.
    limits.reserve(decoder.total_bytes())?;
    // Phones store photos sideways plus an EXIF note; browsers obey it, so the thumbnail must.
    let orientation = decoder.orientation()?;
    Ok((DynamicImage::from_decoder(decoder)?, orientation))
}

/// Decodes `bytes` in full on the blocking pool, under the same limits and the same two-at-a-time
/// permit as thumbnails, without keeping anything: for pictures stored as they are (avatars).
pub async fn verify_blocking(bytes: Vec<u8>, kind: ImageKind) -> Result<Vec<u8>, ThumbnailError> {
    let permit = DECODE_PERMITS.acquire().await.map_err(|_| ThumbnailError::Unreadable)?;
    let work = move || {
        let _permit = permit;
        decode_within_limits(&bytes, kind).map(|_| bytes)
    };
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|error| {
        tracing::error!(%error, ?kind, "an image decoder panicked");
        Err(ThumbnailError::Unreadable)
    })
}

/// `make_thumbnail` on tokio's blocking pool (so decoding never stalls the async workers); gives
/// back the original bytes and the thumbnail.
pub async fn thumbnail_blocking(bytes: Vec<u8>, kind: ImageKind) -> Result<(Vec<u8>, Vec<u8>), ThumbnailError> {
    // The semaphore is never closed, so acquiring cannot fail.
    let permit = DECODE_PERMITS.acquire().await.map_err(|_| ThumbnailError::Unreadable)?;
    // The original comes back with its thumbnail, so the caller keeps it without a copy. The
    // permit goes with the work: a client that disconnects must not free it while decoding goes on.
    let work = move || {
        let _permit = permit;
        make_thumbnail(&bytes, kind).map(|thumbnail| (bytes, thumbnail))
    };
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|error| {
        // A codec that panics on hostile input must cost one upload, not the server.
        tracing::error!(%error, ?kind, "an image decoder panicked");
        Err(ThumbnailError::Unreadable)
    })
}

/// The URL path of the thumbnail stored beside an uploaded image: `/media/products/ab12.png` →
/// `/media/products/ab12.thumb.jpg`. `None` for anything that is not a server-stored upload path
/// (external URLs, `/media/demo/...` svg files, paths with `..` or extra slashes).
pub fn thumbnail_path_for(url_path: &str, folder: &str) -> Option<String> {
    let name = url_path.strip_prefix("/media/")?.strip_prefix(folder)?.strip_prefix('/')?;
    let (stem, extension) = name.split_once('.')?;
    // Stored names are random hex plus one known extension, so anything else (`..`, slashes,
    // a thumbnail's own `.thumb.jpg`) was not written by `product_images`.
    let is_stored_name = !stem.is_empty()
        && stem.bytes().all(|b| b.is_ascii_hexdigit())
        && ImageKind::ALL.iter().any(|kind| kind.extension() == extension);
    is_stored_name.then(|| super::url(folder, &format!("{stem}.thumb.jpg")))
}

fn format_of(kind: ImageKind) -> ImageFormat {
    match kind {
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Gif => ImageFormat::Gif,
        ImageKind::Webp => ImageFormat::WebP,
    }
}

/// Composites the image over white. Done before shrinking: averaging unflattened pixels would
/// mix the (often black) colour of fully transparent pixels into the edges, leaving dark halos.
fn flatten_onto_white(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    // Free for 8-bit RGBA, the usual transparent upload; other layouts are converted once.
    let mut rgba = image.into_rgba8();
    for pixel in rgba.pixels_mut() {
        let [r, g, b, alpha] = pixel.0.map(u16::from);
        // Fits in u16: at most 255 * 255 + 127.
        let over_white = |channel: u16| ((channel * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        pixel.0 = [over_white(r), over_white(g), over_white(b), 255];
    }
    DynamicImage::ImageRgba8(rgba)
}

/// Fits the image within THUMBNAIL_EDGE, keeping its proportions; small images stay as they are.
fn shrink_to_edge(image: DynamicImage) -> DynamicImage {
    if image.width().max(image.height()) <= THUMBNAIL_EDGE {
        return image;
    }
    // An area average: each source pixel counts once, fast even for the largest images allowed.
    image.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    /// Opaque red, with a fully transparent *black* left half (what many editors export).
    fn half_transparent(width: u32, height: u32) -> DynamicImage {
        let pixels =
            RgbaImage::from_fn(
                width,
                height,
                |x, _| {
                    if x < width / 2 {
                        Rgba([0, 0, 0, 0])
                    } else {
                        Rgba([200, 0, 0, 255])
                    }
                },
            );
        DynamicImage::ImageRgba8(pixels)
    }

    fn decode_jpeg(bytes: &[u8]) -> DynamicImage {
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "not a JPEG");
        image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn large_images_shrink_to_the_edge_keeping_their_proportions() {
        let png = encode(&half_transparent(1200, 800), ImageFormat::Png);
        let thumbnail = decode_jpeg(&make_thumbnail(&png, ImageKind::Png).unwrap());
        assert_eq!((thumbnail.width(), thumbnail.height()), (600, 400));
    }

    #[test]
    fn small_images_are_not_upscaled() {
        let small = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(120, 90, image::Rgb([10, 20, 30])));
        let jpeg = encode(&small, ImageFormat::Jpeg);
        let thumbnail = decode_jpeg(&make_thumbnail(&jpeg, ImageKind::Jpeg).unwrap());
        assert_eq!((thumbnail.width(), thumbnail.height()), (120, 90));
    }

    #[test]
    fn transparent_pixels_become_white_not_black() {
        let png = encode(&half_transparent(1200, 800), ImageFormat::Png);
        let thumbnail = decode_jpeg(&make_thumbnail(&png, ImageKind::Png).unwrap()).to_rgb8();
        let [r, g, b] = thumbnail.get_pixel(100, 200).0;
        assert!(r > 245 && g > 245 && b > 245, "transparent area became {r},{g},{b}");
        let [r, g, b] = thumbnail.get_pixel(500, 200).0;
        assert!(r > 180 && g < 30 && b < 30, "opaque area became {r},{g},{b}");
    }

    #[test]
    fn gif_and_webp_uploads_get_thumbnails_too() {
        let image = half_transparent(900, 300);
        for (format, kind) in [(ImageFormat::Gif, ImageKind::Gif), (ImageFormat::WebP, ImageKind::Webp)] {
            let thumbnail = decode_jpeg(&make_thumbnail(&encode(&image, format), kind).unwrap());
            assert_eq!((thumbnail.width(), thumbnail.height()), (600, 200), "{format:?}");
        }
    }

    #[test]
    fn truncated_or_fake_images_are_unreadable() {
        let png = encode(&half_transparent(1200, 800), ImageFormat::Png);
        assert_eq!(make_thumbnail(&png[..png.len() / 2], ImageKind::Png), Err(ThumbnailError::Unreadable));
        let text = b"\x89PNG\r\n\x1a\nthis is only text pretending to be a picture";
        assert_eq!(make_thumbnail(text, ImageKind::Png), Err(ThumbnailError::Unreadable));
        assert_eq!(make_thumbnail(b"hello", ImageKind::Jpeg), Err(ThumbnailError::Unreadable));
    }

    /// CRC-32 (IEEE, reflected), bit by bit: enough for one hand-made PNG chunk.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// The start of a PNG (signature and header chunk) claiming `width` x `height` RGBA pixels.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, no filter method, not interlaced
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32(&ihdr).to_be_bytes());
        png
    }

    #[test]
    fn a_header_claiming_huge_dimensions_is_too_large() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(make_thumbnail(&png_header(100_000, 100_000), ImageKind::Png), Err(ThumbnailError::TooLarge));
    }

    #[tokio::test]
    async fn more_pixels_than_the_cap_are_refused_before_decoding() {
        // A real 1 x 1 PNG whose header claims 9000 x 7000 RGBA: each side is allowed, but 63 MP
        // would cost about 250 MB to decode. Refused on the header, before any pixel is read.
        let mut png = encode(&half_transparent(1, 1), ImageFormat::Png);
        png[16..20].copy_from_slice(&9_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&7_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(make_thumbnail(&png, ImageKind::Png), Err(ThumbnailError::TooLarge));
        assert_eq!(verify_blocking(png, ImageKind::Png).await, Err(ThumbnailError::TooLarge));
    }

    #[tokio::test]
    async fn thumbnails_are_made_on_the_blocking_pool() {
        let png = encode(&half_transparent(64, 64), ImageFormat::Png);
        assert!(thumbnail_blocking(png, ImageKind::Png).await.is_ok());
        assert_eq!(thumbnail_blocking(b"junk".to_vec(), ImageKind::Gif).await, Err(ThumbnailError::Unreadable));
    }

    #[test]
    fn thumbnails_sit_beside_stored_uploads_only() {
        let path = |url: &str| thumbnail_path_for(url, "products");
        assert_eq!(path("/media/products/ab12.png").as_deref(), Some("/media/products/ab12.thumb.jpg"));
        assert_eq!(path("/media/products/0f9e.webp").as_deref(), Some("/media/products/0f9e.thumb.jpg"));
        for not_an_upload in [
            "https://cdn.example.com/media/products/ab12.png",
            "/media/demo/mug.svg",
            "/media/products/../users/ab12.png",
            "/media/products/..png",
            "/media/products/nested/ab12.png",
            "/media/products//ab12.png",
            "/media/products/ab12",
            "/media/products/ab12.svg",
            "/media/products/ab12.thumb.jpg",
            "/media/productsab12.png",
            "/media/products/",
        ] {
            assert_eq!(path(not_an_upload), None, "{not_an_upload}");
        }
    }
}
