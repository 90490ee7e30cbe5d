//! Images people upload: recognised by their bytes (never by a file name or a declared type),
//! limited in size, stored under server-chosen names in the media directory.

use crate::error::{AppError, FieldError, FieldIssue};
use crate::server::text::random_hex;
use std::path::{Path, PathBuf};

/// The image formats browsers show everywhere. SVG is not among them: it can carry scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    pub const ALL: [ImageKind; 4] = [Self::Png, Self::Jpeg, Self::Gif, Self::Webp];

    /// The format `bytes` begin with, if it is one we accept.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Self::Gif),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::Webp),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }
}

/// A multipart body that cannot be read (cut short, bad framing).
pub fn unreadable(error: multer::Error) -> AppError {
    AppError::BadRequest(format!("unreadable form data: {error}"))
}

/// A form part's bytes, refused with `TooLarge` once they pass `max_bytes` (the rest is not read).
pub async fn read_part(part: &mut multer::Field<'static>, max_bytes: u64) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(AppError::TooLarge { max_bytes });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads the file in form field `field` of a multipart body, refusing it once it passes
/// `max_bytes` (without reading the rest). A missing or empty file is a field error.
pub async fn read_file_field(
    multipart: &mut multer::Multipart<'static>,
    field: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, AppError> {
    while let Some(mut part) = multipart.next_field().await.map_err(unreadable)? {
        if part.name() != Some(field) {
            continue;
        }
        let bytes = read_part(&mut part, max_bytes).await?;
        if !bytes.is_empty() {
            return Ok(bytes);
        }
    }
    Err(AppError::Validation(vec![FieldError::new(field, FieldIssue::Required)]))
}

/// The text fields and the files of a multipart form.
#[derive(Default)]
pub struct FormParts {
    pub fields: std::collections::HashMap<String, String>,
    pub files: Vec<Vec<u8>>,
}

impl FormParts {
    /// A text field's value; empty when the form did not send it.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// Longest text field a multipart form may send (a product description is at most 5 000 characters).
const TEXT_FIELD_BYTES: usize = 32 * 1024;

/// Reads a whole multipart form: text fields, and at most `max_files` files of `file_field`, each
/// refused once it passes `max_file_bytes` (one more file is a field error). File inputs left
/// empty (browsers still send a part) are skipped.
pub async fn read_form(
    multipart: &mut multer::Multipart<'static>,
    file_field: &str,
    max_files: usize,
    max_file_bytes: u64,
) -> Result<FormParts, AppError> {
    let mut form = FormParts::default();
    while let Some(mut part) = multipart.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or_default().to_owned();
        let is_file = part.file_name().is_some();
        let cap = if is_file { max_file_bytes } else { TEXT_FIELD_BYTES as u64 };
        let bytes = read_part(&mut part, cap).await.map_err(|error| match error {
            AppError::TooLarge { .. } if !is_file => AppError::BadRequest(format!("field {name} is too long")),
            other => other,
        })?;
        match (is_file, name == file_field) {
            (true, true) if !bytes.is_empty() && form.files.len() == max_files => {
                let too_many = crate::error::FieldIssue::TooMany { max: max_files };
                return Err(AppError::Validation(vec![crate::error::FieldError::new(file_field, too_many)]));
            }
            (true, true) if !bytes.is_empty() => form.files.push(bytes),
            (true, _) => {}
            (false, _) => {
                let text =
                    String::from_utf8(bytes).map_err(|_| AppError::BadRequest(format!("field {name} is not text")))?;
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

/// Stores an image under `media_dir/folder` with a random name and returns its URL path
/// (`/media/folder/name.ext`). Anything that is not an image, judged by decoding it whole under
/// the pixel and memory limits, is refused with 415.
pub async fn store_image(media_dir: &Path, folder: &str, bytes: Vec<u8>) -> Result<String, AppError> {
    let kind = ImageKind::sniff(&bytes).ok_or(AppError::UnsupportedMediaType)?;
    let bytes = crate::server::media::thumbnails::verify_blocking(bytes, kind).await.map_err(|error| {
        tracing::info!(%error, "refused an uploaded picture");
        AppError::UnsupportedMediaType
    })?;
    let name = format!("{}.{}", random_hex(), kind.extension());
    let dir = media_dir.join(folder);
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        write_whole(&dir, &name, &bytes).await
    };
    written.await.map_err(|error| {
        tracing::error!(%error, dir = %dir.display(), "cannot store an upload");
        AppError::Internal
    })?;
    Ok(super::url(folder, &name))
}

/// Deletes a file `store_image` wrote, given its URL path; anything else is left alone.
pub async fn remove_image(media_dir: &Path, folder: &str, url_path: &str) {
    let Some(file) = stored_file(media_dir, folder, url_path) else {
        return;
    };
    if let Err(error) = tokio::fs::remove_file(&file).await {
        tracing::warn!(%error, file = %file.display(), "cannot delete an upload that is no longer used");
    }
}

/// Writes `bytes` to `dir/name` aside and renames it into place, so no one is ever served half
/// a file.
pub async fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, dir.join(name)).await
}

/// The file behind `/media/<folder>/<name>`, for a plain name only (no slashes, no hidden files),
/// so no URL can reach outside the folder.
pub fn stored_file(media_dir: &Path, folder: &str, url_path: &str) -> Option<PathBuf> {
    let name = url_path.strip_prefix("/media/")?.strip_prefix(folder)?.strip_prefix('/')?;
    let plain = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
    plain.then(|| media_dir.join(folder).join(name))
}

#[cfg(test)]
mod tests {
    use super::ImageKind;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"GIF89a...."), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        for not_an_image in [&b"hello, I am text"[..], b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", b"", b"\x89PN"] {
            assert_eq!(ImageKind::sniff(not_an_image), None);
        }
    }
}
