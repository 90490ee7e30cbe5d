//! Changing the catalog: categories and products, for the back office and the REST API alike.
//! Each change is authorized here, checked by the model's rules, written with who made it, and
//! followed by clearing the catalog caches, so the storefront and sitemap show it at once.

use super::Editor;
use crate::error::{AppError, Entity, FieldError, FieldIssue, Lookup};
use crate::model::catalog_edit::{check_category, check_product, ProductInput, ProductPatch};
use crate::server::db::back_office;
use crate::server::db::catalog::writes::{self as db, Change, WriteError};
use crate::server::{
    app::state::AppState,
    media::{self, product_images, uses_lock::FileUsesLock},
    text::slugify,
};

/// Which record an edit changes, and the version of it the editor started from.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub id: i64,
    pub version: i64,
}

pub async fn create_category(state: &AppState, editor: Editor<'_>, name: &str, image: &str) -> Result<i64, AppError> {
    let change = authorize(state, editor)?;
    let image = media::as_stored(&state.config.server.site_url, image);
    let uses = FileUsesLock::acquire(&state.config.media.private_dir).await;
    let draft = with_missing_files(state, "image", [image.as_str()], &[], check_category(name, &image)).await?;
    let slug = slug_of("name", &draft.name)?;
    let id =
        db::insert_category(&state.db, &draft, &slug, change).await.map_err(|e| refusal(e, Entity::Category, None))?;
    drop(uses);
    tracing::info!(category_id = id, by = ?editor_id(editor), "category created");
    state.catalog_changed();
    Ok(id)
}

pub async fn update_category(
    state: &AppState,
    editor: Editor<'_>,
    target: Target,
    name: &str,
    image: &str,
) -> Result<(), AppError> {
    let change = authorize(state, editor)?;
    let rows = back_office::select_category_rows(&state.db, Some(target.id)).await?;
    let current_image: Vec<String> = rows.into_iter().map(|row| row.category.image).collect();
    let image = stored_image(state, image, &current_image);
    let uses = FileUsesLock::acquire(&state.config.media.private_dir).await;
    let draft =
        with_missing_files(state, "image", [image.as_str()], &current_image, check_category(name, &image)).await?;
    let slug = slug_of("name", &draft.name)?;
    db::update_category(&state.db, target.id, target.version, &draft, &slug, change)
        .await
        .map_err(|e| refusal(e, Entity::Category, Some(target.id)))?;
    drop(uses);
    tracing::info!(category_id = target.id, by = ?editor_id(editor), "category updated");
    state.catalog_changed();
    Ok(())
}

/// Deletes a category; refused (with how many) while it still holds products.
pub async fn delete_category(state: &AppState, editor: Editor<'_>, id: i64) -> Result<(), AppError> {
    authorize(state, editor)?;
    db::delete_category(&state.db, id).await.map_err(|e| refusal(e, Entity::Category, Some(id)))?;
    tracing::info!(category_id = id, by = ?editor_id(editor), "category deleted");
    state.catalog_changed();
    Ok(())
}

/// Creates a product (no `target`) or replaces every field of one (the PUT of the back office).
/// `uploads` are image files added after the listed image URLs. The fields are checked first
/// (each upload counting as one image), then the files decoded; nothing is written unless all
/// pass, and files written for a save that then fails are removed again.
pub async fn save_product(
    state: &AppState,
    editor: Editor<'_>,
    target: Option<Target>,
    input: ProductInput<'_>,
    uploads: Vec<Vec<u8>>,
) -> Result<i64, AppError> {
    save(state, editor, target, None, input, uploads).await
}

/// `error`, the refusal of a product's fields, with a category id that names no category added to
/// it: every broken rule is said at once. (When the fields pass, the write itself finds out.)
async fn with_unknown_category(state: &AppState, input: &ProductInput<'_>, error: AppError) -> AppError {
    let AppError::Validation(mut errors) = error else {
        return error;
    };
    let named =
        input.category_id.trim().parse::<i64>().ok().filter(|_| !errors.iter().any(|e| e.field == "category_id"));
    if let Some(id) = named {
        match db::category_exists(&state.db, id).await {
            Ok(true) => {}
            Ok(false) => errors.push(FieldError::new("category_id", FieldIssue::UnknownCategory)),
            Err(error) => return AppError::from(error),
        }
    }
    AppError::Validation(errors)
}

/// Every rule a product's fields break, a category id that names no category included: for a
/// caller that could read only some of the fields (an API body with others left out), to say
/// beside its own messages.
pub async fn broken_product_rules(state: &AppState, input: &ProductInput<'_>) -> Result<Vec<FieldError>, AppError> {
    let site = &state.config.server.site_url;
    let images: Vec<String> = input.images.iter().map(|image| media::as_stored(site, image)).collect();
    let linked = images.iter().map(String::as_str);
    let refused = match with_missing_files(state, "images", linked, &[], check_product(input)).await {
        Ok(_) => AppError::Validation(Vec::new()),
        Err(error) => error,
    };
    match with_unknown_category(state, input, refused).await {
        AppError::Validation(errors) => Ok(errors),
        other => Err(other),
    }
}

/// An image address as typed, as the record stores it: [`media::as_stored_keeping`] the record's
/// `current` images.
fn stored_image(state: &AppState, typed: &str, current: &[String]) -> String {
    media::as_stored_keeping(&state.config.server.site_url, typed, current.iter().map(String::as_str))
}

/// `checked`, the rules' verdict on a form, with `field` refused as well when one of its new
/// `links` (not among the record's `unchanged` ones) into the store's files names no file it
/// serves for the catalog (accounts' pictures come and go with them), unless the rules refused
/// the field already: every broken rule is said at once.
async fn with_missing_files<'a, T>(
    state: &AppState,
    field: &str,
    links: impl IntoIterator<Item = &'a str>,
    unchanged: &[String],
    checked: Result<T, AppError>,
) -> Result<T, AppError> {
    match &checked {
        Err(AppError::Validation(errors)) if errors.iter().any(|error| error.field == field) => return checked,
        Err(AppError::Validation(_)) | Ok(_) => {}
        Err(_) => return checked,
    }
    let mut missing = false;
    let new_links = links.into_iter().map(str::trim).filter(|link| !unchanged.iter().any(|kept| kept == link));
    for link in new_links.filter(|link| link.starts_with("/media/")) {
        if !media::serves(&state.config.media.dir, link, &[super::accounts::PICTURES]).await {
            missing = true;
            break;
        }
    }
    let refusal = FieldError::new(field, FieldIssue::NoSuchFile);
    match checked {
        _ if !missing => checked,
        Err(AppError::Validation(mut errors)) => {
            errors.push(refusal);
            Err(AppError::Validation(errors))
        }
        _ => Err(AppError::Validation(vec![refusal])),
    }
}

/// [`save_product`], given the edited product's current images when the caller has read them
/// already (`known_images`; otherwise they are read here). Links among them are not judged again
/// (a file gone since does not block an edit of the price), and those the save drops are removed.
async fn save(
    state: &AppState,
    editor: Editor<'_>,
    target: Option<Target>,
    known_images: Option<Vec<String>>,
    mut input: ProductInput<'_>,
    uploads: Vec<Vec<u8>>,
) -> Result<i64, AppError> {
    let change = authorize(state, editor)?;
    let previous_images = match (target, known_images) {
        (None, _) => None,
        (Some(_), Some(images)) => Some(images),
        (Some(target), None) => back_office::select_editable_product(&state.db, target.id).await?.map(|p| p.images),
    };
    let unchanged = previous_images.clone().unwrap_or_default();
    input.images = input.images.iter().map(|image| stored_image(state, image, &unchanged)).collect();
    let links = input.images.len();
    // A stand-in address per upload, so the image rules (at least one, at most ten) see them.
    input.images.extend(uploads.iter().map(|_| crate::server::media::url(product_images::FOLDER, "upload")));
    let linked = input.images[..links].iter().map(String::as_str);
    let uses = FileUsesLock::acquire(&state.config.media.private_dir).await;
    let checked = with_missing_files(state, "images", linked, &unchanged, check_product(&input)).await;
    let mut draft = match checked {
        Ok(draft) => draft,
        Err(error) => return Err(with_unknown_category(state, &input, error).await),
    };
    let slug = slug_of("title", &draft.title)?;
    let mut prepared = Vec::with_capacity(uploads.len());
    for bytes in uploads {
        prepared.push(product_images::prepare(bytes).await?);
    }
    draft.images.truncate(links);
    draft.images.extend(prepared.iter().map(|image| image.url.clone()));

    let media_dir = &state.config.media.dir;
    let saved = async {
        for image in &prepared {
            image.write(media_dir).await?;
        }
        let written = match target {
            None => db::insert_product(&state.db, &draft, &slug, change).await,
            Some(target) => db::update_product(&state.db, target.id, target.version, &draft, &slug, change)
                .await
                .map(|()| target.id),
        };
        written.map_err(|error| refusal(error, Entity::Product, target.map(|target| target.id)))
    };
    let saved = saved.await;
    // Before the dropped images' uses are counted, which takes the lock again.
    drop(uses);
    let id = match saved {
        Ok(id) => id,
        Err(error) => {
            for image in &prepared {
                product_images::remove(media_dir, &image.url).await;
            }
            return Err(error);
        }
    };
    if let Some(previous) = previous_images {
        let dropped = previous.iter().filter(|url| !draft.images.contains(url));
        remove_unused_images(state, dropped).await;
    }
    tracing::info!(product_id = id, by = ?editor_id(editor), created = target.is_none(), "product saved");
    state.catalog_changed();
    Ok(id)
}

/// A partial change to a product (the API's PUT): each field left out keeps its value. Numbers
/// are text, as typed, so the model's rules read them exactly as they read the back office's form.
#[derive(Debug, Default)]
pub struct ProductChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub price: Option<String>,
    pub stock: Option<String>,
    pub category_id: Option<String>,
    pub images: Option<Vec<String>>,
}

/// Applies `changes` over the product's current fields and saves the whole of it, with the
/// same rules as a full edit. A save in between by someone else is a [`AppError::StaleEdit`].
pub async fn change_product(
    state: &AppState,
    editor: Editor<'_>,
    id: i64,
    changes: ProductChanges,
) -> Result<(), AppError> {
    authorize(state, editor)?;
    let current = back_office::select_editable_product(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing_id(Entity::Product, id))?;
    let (price, stock, category_id) =
        (current.price.decimal(), current.stock.to_string(), current.category_id.to_string());
    let input = ProductInput {
        title: changes.title.as_deref().unwrap_or(&current.title),
        description: changes.description.as_deref().unwrap_or(&current.description),
        price: changes.price.as_deref().unwrap_or(&price),
        stock: changes.stock.as_deref().unwrap_or(&stock),
        category_id: changes.category_id.as_deref().unwrap_or(&category_id),
        images: changes.images.unwrap_or_else(|| current.images.clone()),
    };
    let target = Target { id, version: current.version };
    save(state, editor, Some(target), Some(current.images.clone()), input, Vec::new()).await?;
    Ok(())
}

/// A partial change to a category (the API's PUT): a name or image left out keeps its value.
pub async fn change_category(
    state: &AppState,
    editor: Editor<'_>,
    id: i64,
    name: Option<&str>,
    image: Option<&str>,
) -> Result<(), AppError> {
    authorize(state, editor)?;
    let rows = back_office::select_category_rows(&state.db, Some(id)).await?;
    let current = rows.into_iter().next().ok_or_else(|| AppError::missing_id(Entity::Category, id))?;
    let name = name.unwrap_or(&current.category.name);
    let image = image.unwrap_or(&current.category.image);
    update_category(state, editor, Target { id, version: current.version }, name, image).await
}

/// Stores an uploaded image for later use in a product (the API's `POST /files/upload`), after
/// the same checks as a product form's uploads; returns the name it is stored under.
pub async fn store_image(state: &AppState, editor: Editor<'_>, bytes: Vec<u8>) -> Result<String, AppError> {
    authorize(state, editor)?;
    let image = product_images::prepare(bytes).await?;
    image.write(&state.config.media.dir).await?;
    tracing::info!(url = %image.url, by = ?editor_id(editor), "image uploaded");
    Ok(image.url.rsplit('/').next().unwrap_or_default().to_owned())
}

/// An uploaded image by the name [`store_image`] gave it: its bytes, or `None` for a name that
/// is not a stored image (including any attempt to leave the folder).
pub async fn read_image(state: &AppState, name: &str) -> Option<Vec<u8>> {
    let url = crate::server::media::url(product_images::FOLDER, name);
    let file = crate::server::media::uploads::stored_file(&state.config.media.dir, product_images::FOLDER, &url)?;
    tokio::fs::read(file).await.ok()
}

/// Changes one field of a product (the PATCH of the back office).
pub async fn patch_product(
    state: &AppState,
    editor: Editor<'_>,
    target: Target,
    patch: ProductPatch,
) -> Result<(), AppError> {
    let change = authorize(state, editor)?;
    db::patch_product(&state.db, target.id, target.version, patch, change)
        .await
        .map_err(|e| refusal(e, Entity::Product, Some(target.id)))?;
    tracing::info!(product_id = target.id, by = ?editor_id(editor), ?patch, "product patched");
    match patch {
        // A new price moves the product in the listings by price.
        ProductPatch::Price(_) => state.catalog_changed(),
        ProductPatch::Stock(_) => state.stock_changed(),
    }
    Ok(())
}

pub async fn delete_product(state: &AppState, editor: Editor<'_>, id: i64) -> Result<(), AppError> {
    authorize(state, editor)?;
    let images = db::delete_product(&state.db, id).await.map_err(|e| refusal(e, Entity::Product, Some(id)))?;
    remove_unused_images(state, images.iter()).await;
    tracing::info!(product_id = id, by = ?editor_id(editor), "product deleted");
    state.catalog_changed();
    Ok(())
}

/// Whether `editor` may change the catalog at all: the API asks before reading a body, so a
/// caller without the right gets 401/403, not a list of field errors.
pub fn may_edit(state: &AppState, editor: Editor<'_>) -> Result<(), AppError> {
    authorize(state, editor).map(|_| ())
}

/// Catalog writes are for admins, or for anyone while the playground is open. Returns the change
/// stamp every write records.
fn authorize(state: &AppState, editor: Editor<'_>) -> Result<Change, AppError> {
    let playground = state.config.api.playground;
    match editor {
        Editor::Person(user) if !playground => super::ensure_admin(user)?,
        Editor::Anonymous if !playground => return Err(AppError::Unauthorized),
        _ => {}
    }
    Ok(Change { by: editor_id(editor), at: chrono::Utc::now() })
}

fn editor_id(editor: Editor<'_>) -> Option<i64> {
    match editor {
        Editor::Person(user) => Some(user.id),
        Editor::Anonymous => None,
    }
}

/// The slug of a name or title; a name with no letter or digit has none.
fn slug_of(field: &str, name: &str) -> Result<String, AppError> {
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(field, FieldIssue::NeedsLetters)]));
    }
    Ok(slug)
}

/// Deletes uploaded images that no product or category shows any more (with their thumbnails).
async fn remove_unused_images<'a>(state: &AppState, urls: impl Iterator<Item = &'a String>) {
    for url in urls {
        let Some(_uses) = FileUsesLock::acquire(&state.config.media.private_dir).await else {
            continue; // left for the sweep
        };
        match db::count_uses_of_image(&state.db, url).await {
            Ok(0) => product_images::remove(&state.config.media.dir, url).await,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot tell whether an image is still used; keeping it"),
        }
    }
}

/// What a refused write of `entity` (the record `id`, when it names one) means for the editor.
fn refusal(error: WriteError, entity: Entity, id: Option<i64>) -> AppError {
    let field = |field: &str, issue| AppError::Validation(vec![FieldError::new(field, issue)]);
    let name_field = if entity == Entity::Category { "name" } else { "title" };
    match error {
        WriteError::SlugTaken => field(name_field, FieldIssue::NameTaken),
        WriteError::UnknownCategory => field("category_id", FieldIssue::UnknownCategory),
        WriteError::Stale => AppError::StaleEdit,
        WriteError::NotFound => AppError::NotFound { entity, by: id.map(Lookup::Id) },
        WriteError::InUse(products) => AppError::CategoryInUse { products },
        WriteError::Database(error) => error.into(),
    }
}
