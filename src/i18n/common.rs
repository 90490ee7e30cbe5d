//! Texts around every page: header, footer, language switch, error pages.

use crate::error::{AppError, Entity};

/// The heading and the explanation of an error page.
pub struct ErrorText {
    pub title: &'static str,
    pub message: &'static str,
}

pub struct CommonTexts {
    pub skip_to_content: &'static str,
    pub main_nav: &'static str,
    pub search_products: &'static str,
    pub search_button: &'static str,
    /// Names the language switch for assistive technology.
    pub language: &'static str,
    pub footer_note: &'static str,
    pub footer_nav: &'static str,
    pub catalog_link: &'static str,
    pub sitemap_link: &'static str,
    pub stores_link: &'static str,
    pub api_link: &'static str,
    pub error_browse_products: &'static str,
    pub error_home_link: &'static str,
    pub not_found_title: &'static str,
    /// Says that the missing `Entity` (a product, a category, an account, a page) is not there.
    pub not_found_message: fn(Entity) -> String,
    pub bad_request: ErrorText,
    /// A download link that has expired or is someone else's.
    pub download_missing: ErrorText,
    pub validation: ErrorText,
    pub unauthorized: ErrorText,
    pub forbidden: ErrorText,
    pub stale_edit: ErrorText,
    pub category_in_use: ErrorText,
    /// Follows `category_in_use.message`: given how many products the category holds.
    pub products_in_category: fn(u64) -> String,
    pub own_account: ErrorText,
    pub role_reserved: ErrorText,
    pub out_of_stock: ErrorText,
    pub order_transition: ErrorText,
    /// Follows `order_transition.message`: why this change is not possible now.
    pub transition_refusal: fn(crate::model::orders::TransitionRefusal) -> String,
    pub empty_cart: ErrorText,
    pub has_orders: ErrorText,
    pub cart_changed: ErrorText,
    pub idempotency_key_reused: ErrorText,
    pub rate_limited: ErrorText,
    /// Follows `rate_limited.message`: given the seconds until the next try is allowed.
    pub retry_after: fn(u64) -> String,
    pub bad_credentials: ErrorText,
    pub too_large: ErrorText,
    /// Follows `too_large.message`: given the limit in bytes.
    pub size_limit: fn(u64) -> String,
    pub unsupported_media_type: ErrorText,
    pub internal: ErrorText,
    pub transport: ErrorText,
    pub unavailable: ErrorText,
    /// The link on the "briefly unavailable" page that loads the page again.
    pub try_again: &'static str,
}

impl CommonTexts {
    /// The heading for a page that shows `err`.
    pub fn error_title(&self, err: &AppError) -> &'static str {
        match err {
            AppError::NotFound { .. } => self.not_found_title,
            other => self.error_text(other).title,
        }
    }

    /// What `err` means for the visitor, in a sentence or two; also fits next to a form.
    /// The details inside an `AppError` are English words for the log, so they are not shown.
    pub fn error_message(&self, err: &AppError) -> String {
        match err {
            AppError::NotFound { entity, .. } => (self.not_found_message)(*entity),
            AppError::RateLimited { retry_after_secs } => {
                format!("{} {}", self.rate_limited.message, (self.retry_after)(*retry_after_secs))
            }
            AppError::TooLarge { max_bytes } => format!("{} {}", self.too_large.message, (self.size_limit)(*max_bytes)),
            AppError::CategoryInUse { products } => {
                format!("{} {}", self.category_in_use.message, (self.products_in_category)(*products))
            }
            AppError::OrderTransition(refusal) => (self.transition_refusal)(*refusal),
            other => self.error_text(other).message.to_owned(),
        }
    }

    fn error_text(&self, err: &AppError) -> &ErrorText {
        match err {
            AppError::BadRequest(_) => &self.bad_request,
            AppError::Validation(_) => &self.validation,
            AppError::Unauthorized => &self.unauthorized,
            AppError::Forbidden => &self.forbidden,
            AppError::StaleEdit => &self.stale_edit,
            AppError::CategoryInUse { .. } => &self.category_in_use,
            AppError::OwnAccount => &self.own_account,
            AppError::RoleReserved => &self.role_reserved,
            AppError::OutOfStock(_) => &self.out_of_stock,
            AppError::OrderTransition(_) => &self.order_transition,
            AppError::EmptyCart => &self.empty_cart,
            AppError::HasOrders => &self.has_orders,
            AppError::CartChanged => &self.cart_changed,
            AppError::IdempotencyKeyReused => &self.idempotency_key_reused,
            AppError::RateLimited { .. } => &self.rate_limited,
            AppError::BadCredentials => &self.bad_credentials,
            AppError::TooLarge { .. } => &self.too_large,
            AppError::UnsupportedMediaType => &self.unsupported_media_type,
            AppError::NotFound { .. } | AppError::Internal => &self.internal,
            AppError::Transport(_) => &self.transport,
            AppError::Unavailable { .. } => &self.unavailable,
        }
    }
}

pub(super) static EN: CommonTexts = CommonTexts {
    skip_to_content: "Skip to content",
    main_nav: "Main",
    search_products: "Search products",
    search_button: "Search",
    language: "Language",
    footer_note: "Tienda — a demo store built with Rust, Leptos and axum.",
    footer_nav: "Footer",
    catalog_link: "Catalog",
    sitemap_link: "Sitemap",
    stores_link: "Our stores",
    api_link: "API for developers",
    error_browse_products: "Browse all products",
    error_home_link: "Go to the home page",
    not_found_title: "Page not found",
    not_found_message: |entity| {
        let what = match entity {
            Entity::Product => "product",
            Entity::Category => "category",
            Entity::User => "account",
            Entity::Order => "order",
            Entity::Job => "job",
            Entity::Page => "page",
        };
        format!("We looked everywhere, but this {what} is not in the store. It may have been removed or renamed.")
    },
    download_missing: ErrorText {
        title: "This file is not here",
        message: "Download links work for a week, for the person who asked. Ask for a new export if you need it again.",
    },
    bad_request: ErrorText {
        title: "That request could not be read",
        message: "Something in the address or the form was not understood. Please check it and try again.",
    },
    validation: ErrorText {
        title: "Please check your entries",
        message: "Some fields are not valid. Please correct them and try again.",
    },
    unauthorized: ErrorText { title: "Please sign in", message: "You need to sign in first to see this." },
    forbidden: ErrorText { title: "Access denied", message: "Your account is not allowed to do that." },
    stale_edit: ErrorText {
        title: "Someone else saved first",
        message: "Someone changed this after you opened it, so your changes were not saved. \
                  Reload the page to see the current version, then make your change again.",
    },
    category_in_use: ErrorText {
        title: "The category is in use",
        message: "A category that still holds products cannot be deleted.",
    },
    products_in_category: |n| match n {
        1 => "1 product is in it: move or delete it first.".to_owned(),
        _ => format!("{n} products are in it: move or delete them first."),
    },
    out_of_stock: ErrorText {
        title: "Not enough stock",
        message: "Some products are not available in the quantity you asked for. Nothing was ordered; the lines below say what is left.",
    },
    order_transition: ErrorText { title: "That change is not possible", message: "" },
    transition_refusal: |refusal| crate::i18n::orders::EN.refusal(refusal),
    empty_cart: ErrorText { title: "Your cart is empty", message: "Add something to your cart before checking out." },
    has_orders: ErrorText {
        title: "The account has orders",
        message: "The store keeps every order, so an account with orders cannot be deleted. Deactivate it instead.",
    },
    cart_changed: ErrorText {
        title: "Your cart changed",
        message: "A price or a line changed since you reviewed your order, so nothing was ordered. Review it again below.",
    },
    idempotency_key_reused: ErrorText {
        title: "Already used",
        message: "This order request was already used for a different order. Reload the page and try again.",
    },
    role_reserved: ErrorText {
        title: "Only an administrator can give that role",
        message: "New accounts are customers. An administrator can make someone an administrator.",
    },
    own_account: ErrorText {
        title: "Not on your own account",
        message: "You cannot remove your own administrator role or deactivate yourself. Ask another administrator.",
    },
    rate_limited: ErrorText { title: "Too many attempts", message: "That was a lot of attempts in a short time." },
    retry_after: |secs| match secs {
        0..=1 => "Please try again in a moment.".to_owned(),
        2..=90 => format!("Please try again in {secs} seconds."),
        _ => format!("Please try again in {} minutes.", secs.div_ceil(60)),
    },
    bad_credentials: ErrorText {
        title: "Sign-in failed",
        message: "The email or password is not correct. Please check them and try again.",
    },
    too_large: ErrorText { title: "That file is too large", message: "That file is too large." },
    size_limit: |bytes| format!("Files may be up to {}.", megabytes(bytes)),
    unsupported_media_type: ErrorText {
        title: "That file is not an image",
        message: "That file is not an image we can use. Please choose a PNG, JPEG, WebP or GIF picture.",
    },
    internal: ErrorText {
        title: "Something went wrong",
        message: "Sorry, something went wrong on our side. Please try again in a moment.",
    },
    transport: ErrorText {
        title: "Connection problem",
        message: "We could not reach the store. Please check your connection and try again.",
    },
    unavailable: ErrorText {
        title: "Back in a moment",
        message: "The store is briefly unavailable. Please try again in a few seconds.",
    },
    try_again: "Try again",
};

pub(super) static ES: CommonTexts = CommonTexts {
    skip_to_content: "Saltar al contenido",
    main_nav: "Principal",
    search_products: "Buscar productos",
    search_button: "Buscar",
    language: "Idioma",
    footer_note: "Tienda: una tienda de demostración hecha con Rust, Leptos y axum.",
    footer_nav: "Pie de página",
    catalog_link: "Catálogo",
    sitemap_link: "Mapa del sitio",
    stores_link: "Nuestras tiendas",
    api_link: "API para desarrolladores",
    error_browse_products: "Ver todos los productos",
    error_home_link: "Ir a la página de inicio",
    not_found_title: "Página no encontrada",
    // Spanish nouns have gender: the article and the pronoun follow the noun.
    not_found_message: |entity| {
        let (this, it) = match entity {
            Entity::Product => ("este producto", "lo"),
            Entity::Category => ("esta categoría", "la"),
            Entity::User => ("esta cuenta", "la"),
            Entity::Order => ("este pedido", "lo"),
            Entity::Job => ("esta tarea", "la"),
            Entity::Page => ("esta página", "la"),
        };
        format!(
            "Buscamos por todas partes, pero {this} no está en la tienda. \
             Puede que {it} hayamos quitado o cambiado de nombre."
        )
    },
    download_missing: ErrorText {
        title: "Este archivo no está aquí",
        message: "Los enlaces de descarga funcionan una semana, para quien los pidió. Pide una exportación nueva si la necesitas otra vez.",
    },
    bad_request: ErrorText {
        title: "No pudimos entender la solicitud",
        message: "Algo en la dirección o en el formulario no es válido. Revísalo e inténtalo de nuevo.",
    },
    validation: ErrorText {
        title: "Revisa los datos ingresados",
        message: "Algunos campos no son válidos. Corrígelos e inténtalo de nuevo.",
    },
    unauthorized: ErrorText { title: "Inicia sesión", message: "Primero necesitas iniciar sesión para ver esto." },
    forbidden: ErrorText { title: "Acceso denegado", message: "Tu cuenta no tiene permiso para hacer eso." },
    stale_edit: ErrorText {
        title: "Alguien guardó antes",
        message: "Alguien cambió esto después de que lo abriste, así que tus cambios no se guardaron. \
                  Recarga la página para ver la versión actual y vuelve a hacer tu cambio.",
    },
    category_in_use: ErrorText {
        title: "La categoría está en uso",
        message: "No se puede eliminar una categoría que todavía tiene productos.",
    },
    products_in_category: |n| match n {
        1 => "Tiene 1 producto: muévelo o elimínalo primero.".to_owned(),
        _ => format!("Tiene {n} productos: muévelos o elimínalos primero."),
    },
    out_of_stock: ErrorText {
        title: "No hay suficientes unidades",
        message: "Algunos productos no están disponibles en la cantidad que pediste. No se hizo ningún pedido; abajo ves cuánto queda.",
    },
    order_transition: ErrorText { title: "Ese cambio no es posible", message: "" },
    transition_refusal: |refusal| crate::i18n::orders::ES.refusal(refusal),
    empty_cart: ErrorText { title: "Tu carrito está vacío", message: "Agrega algo a tu carrito antes de pagar." },
    has_orders: ErrorText {
        title: "La cuenta tiene pedidos",
        message: "La tienda guarda todos los pedidos, así que una cuenta con pedidos no se puede eliminar. Desactívala.",
    },
    cart_changed: ErrorText {
        title: "Tu carrito cambió",
        message: "Un precio o una línea cambió desde que revisaste tu pedido, así que no se pidió nada. Revísalo de nuevo abajo.",
    },
    idempotency_key_reused: ErrorText {
        title: "Ya se usó",
        message: "Esta solicitud ya se usó para otro pedido. Recarga la página e inténtalo de nuevo.",
    },
    role_reserved: ErrorText {
        title: "Solo un administrador puede dar ese rol",
        message: "Las cuentas nuevas son de clientes. Un administrador puede hacer administrador a alguien.",
    },
    own_account: ErrorText {
        title: "No en tu propia cuenta",
        message: "No puedes quitarte el rol de administrador ni desactivarte. Pídeselo a otro administrador.",
    },
    rate_limited: ErrorText { title: "Demasiados intentos", message: "Hiciste muchos intentos en poco tiempo." },
    retry_after: |secs| match secs {
        0..=1 => "Inténtalo de nuevo en un momento.".to_owned(),
        2..=90 => format!("Inténtalo de nuevo en {secs} segundos."),
        _ => format!("Inténtalo de nuevo en {} minutos.", secs.div_ceil(60)),
    },
    bad_credentials: ErrorText {
        title: "No pudimos iniciar sesión",
        message: "El correo o la contraseña no son correctos. Revísalos e inténtalo de nuevo.",
    },
    too_large: ErrorText { title: "El archivo es demasiado grande", message: "El archivo es demasiado grande." },
    size_limit: |bytes| format!("Los archivos pueden pesar hasta {}.", megabytes(bytes)),
    unsupported_media_type: ErrorText {
        title: "El archivo no es una imagen",
        message: "Ese archivo no es una imagen que podamos usar. Elige una imagen PNG, JPEG, WebP o GIF.",
    },
    internal: ErrorText {
        title: "Algo salió mal",
        message: "Lo sentimos, algo falló de nuestro lado. Inténtalo de nuevo en un momento.",
    },
    transport: ErrorText {
        title: "Problema de conexión",
        message: "No pudimos comunicarnos con la tienda. Revisa tu conexión e inténtalo de nuevo.",
    },
    unavailable: ErrorText {
        title: "Volvemos enseguida",
        message: "La tienda no está disponible por un momento. Inténtalo de nuevo en unos segundos.",
    },
    try_again: "Reintentar",
};

/// A byte count as people read it: "5 MB", "1.5 MB", "800 KB".
pub(super) fn megabytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_explained_in_the_visitors_words() {
        let missing = AppError::missing_id(Entity::Product, 7);
        assert_eq!(ES.error_title(&missing), "Página no encontrada");
        assert!(ES.error_message(&missing).contains("este producto"));
        assert!(EN.error_message(&AppError::not_found(Entity::Page)).contains("this page"));
        assert!(EN.error_message(&AppError::not_found(Entity::User)).contains("this account"));
        let wait = AppError::RateLimited { retry_after_secs: 300 };
        assert!(EN.error_message(&wait).ends_with("in 5 minutes."));
        assert!(ES.error_message(&wait).ends_with("en 5 minutos."));
    }
}
