//! Texts of the storefront: home, listings, product pages, filters, pagination.

pub struct CatalogTexts {
    pub all_products: &'static str,
    pub home: HomeTexts,
    pub listing: ListingTexts,
    pub filters: FilterTexts,
    pub sort: SortTexts,
    pub notices: NoticeTexts,
    pub pagination: PaginationTexts,
    pub product: ProductTexts,
    pub breadcrumbs_label: &'static str,
    pub crumb_home: &'static str,
    pub crumb_products: &'static str,
}

pub struct HomeTexts {
    pub title: &'static str,
    pub description: &'static str,
    pub tagline: &'static str,
    pub shop_all: &'static str,
    pub by_category: &'static str,
    pub new_arrivals: &'static str,
}

pub struct ListingTexts {
    /// Meta description of `/products`, given the number of products.
    pub catalog_description: fn(u64) -> String,
    /// Meta description of a category's page, given its name and number of products.
    pub category_description: fn(&str, u64) -> String,
    /// The line above the results, given the total, the page and the number of pages.
    pub results_count: fn(u64, u32, u32) -> String,
    /// The same for a search that matched more products than it ranks and lists: given how many
    /// it lists, the page and the number of pages.
    pub results_count_of_more: fn(u64, u32, u32) -> String,
    /// The heading of a search: given the search text.
    pub results_for: fn(&str) -> String,
    /// The heading of a search in a category: given the category's name and the search text.
    pub category_results_for: fn(&str, &str) -> String,
    /// A title for a page after the first: given the heading and the page.
    pub paged_title: fn(&str, u32) -> String,
    /// A page past the last one: given the page asked for and the number of pages.
    pub no_such_page: fn(u32, u32) -> String,
    pub last_page_link: &'static str,
    /// "Nothing matches … or [clear all filters]." split around its link.
    pub no_match_before: &'static str,
    pub clear_filters: &'static str,
    pub no_match_after: &'static str,
}

pub struct FilterTexts {
    pub group_label: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub category: &'static str,
    pub all_categories: &'static str,
    pub sort_by: &'static str,
    /// Labelled with the store currency's code.
    pub price_min: fn(&str) -> String,
    pub price_max: fn(&str) -> String,
    pub apply: &'static str,
}

pub struct SortTexts {
    /// The default order: best match for a search, newest otherwise.
    pub relevance: &'static str,
    pub newest: &'static str,
    pub price_asc: &'static str,
    pub price_desc: &'static str,
    pub name: &'static str,
}

/// What the page says about a value in the URL it had to ignore or correct.
pub struct NoticeTexts {
    pub search_shortened: &'static str,
    pub bad_category: &'static str,
    pub unknown_category: &'static str,
    pub bad_price_min: &'static str,
    pub bad_price_max: &'static str,
    pub prices_swapped: &'static str,
    pub bad_sort: &'static str,
    pub bad_page: &'static str,
    pub bad_page_link: &'static str,
}

pub struct PaginationTexts {
    pub label: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: fn(u32) -> String,
}

pub struct ProductTexts {
    pub in_stock: &'static str,
    pub sold_out: &'static str,
    pub sku: &'static str,
    pub category: &'static str,
    pub related: &'static str,
    pub choose_image: &'static str,
    /// The large image's alt text: given the product's title, the image's number and the count.
    pub image_alt: fn(&str, usize, usize) -> String,
    /// A thumbnail's alt text (the name of its link): given the image's number.
    pub show_image: fn(usize) -> String,
}

pub(super) static EN: CatalogTexts = CatalogTexts {
    all_products: "All products",
    home: HomeTexts {
        title: "Everyday things, fairly priced",
        description:
            "Clothes, electronics, furniture, shoes and more: browse the Tienda catalog and find something you like.",
        tagline: "Clothes, electronics, furniture and shoes, picked with care and shipped fast.",
        shop_all: "Shop all products",
        by_category: "Shop by category",
        new_arrivals: "New arrivals",
    },
    listing: ListingTexts {
        catalog_description: |n| {
            format!("Browse {n} products at Tienda; filter by category and price, sort by price or name.")
        },
        category_description: |name, n| format!("Shop {name} at Tienda: {n} products, with prices and photos."),
        results_count: |total, page, pages| match total {
            0 => "No products match.".to_owned(),
            1 => "1 product".to_owned(),
            // Past the end there is no "page 9 of 8" (the empty page's notice names the last one).
            n if page > pages => format!("{n} products"),
            n => format!("{n} products · page {page} of {pages}"),
        },
        results_count_of_more: |listed, page, pages| {
            if page > pages {
                format!("More than {listed} products match; the {listed} most recently added are listed")
            } else {
                format!(
                    "More than {listed} products match; the {listed} most recently added are listed by \
                     relevance · page {page} of {pages}. More words narrow the search."
                )
            }
        },
        results_for: |q| format!("Results for “{q}”"),
        category_results_for: |name, q| format!("{name}: results for “{q}”"),
        paged_title: |heading, page| format!("{heading} (page {page})"),
        no_such_page: |page, pages| format!("There is no page {page}; this listing has {pages}. "),
        last_page_link: "Go to the last page",
        no_match_before: "Nothing matches these filters. Try fewer words or a wider price range, or ",
        clear_filters: "clear all filters",
        no_match_after: ".",
    },
    filters: FilterTexts {
        group_label: "Filter products",
        search: "Search",
        search_placeholder: "Title or description",
        category: "Category",
        all_categories: "All categories",
        sort_by: "Sort by",
        price_min: |code| format!("Min price ({code})"),
        price_max: |code| format!("Max price ({code})"),
        apply: "Apply",
    },
    sort: SortTexts {
        relevance: "Best match",
        newest: "Newest",
        price_asc: "Price: low to high",
        price_desc: "Price: high to low",
        name: "Name",
    },
    notices: NoticeTexts {
        search_shortened: "Your search was too long, so only its beginning was used.",
        bad_category: "That category name is not valid, so all categories are shown.",
        unknown_category: "No category has that name, so all categories are shown.",
        bad_price_min: "The minimum price was not an amount the store can use, so it was ignored.",
        bad_price_max: "The maximum price was not an amount the store can use, so it was ignored.",
        prices_swapped: "The minimum price was above the maximum, so they were swapped.",
        bad_sort: "That sort order is unknown, so the newest products come first.",
        bad_page: "That page number is not valid, so the first page is shown.",
        bad_page_link: "That page link is not valid, so the page is shown by its number instead.",
    },
    pagination: PaginationTexts {
        label: "Pages",
        previous: "← Previous",
        next: "Next →",
        page: |n| format!("Page {n}"),
    },
    product: ProductTexts {
        in_stock: "In stock",
        sold_out: "Sold out",
        sku: "SKU",
        category: "Category",
        related: "You may also like",
        choose_image: "Choose an image",
        image_alt: |title, n, count| format!("{title}, image {n} of {count}"),
        show_image: |n| format!("Show image {n}"),
    },
    breadcrumbs_label: "Breadcrumb",
    crumb_home: "Home",
    crumb_products: "Products",
};

pub(super) static ES: CatalogTexts = CatalogTexts {
    all_products: "Todos los productos",
    home: HomeTexts {
        title: "Cosas de todos los días a precios justos",
        description:
            "Ropa, electrónica, muebles, calzado y más: explora el catálogo de Tienda y encuentra algo que te guste.",
        tagline: "Ropa, electrónica, muebles y calzado, elegidos con cuidado y enviados rápido.",
        shop_all: "Ver todos los productos",
        by_category: "Compra por categoría",
        new_arrivals: "Novedades",
    },
    listing: ListingTexts {
        catalog_description: |n| {
            format!("Explora {n} productos en Tienda; filtra por categoría y precio, y ordena por precio o nombre.")
        },
        category_description: |name, n| format!("Compra {name} en Tienda: {n} productos, con precios y fotos."),
        results_count: |total, page, pages| match total {
            0 => "Ningún producto coincide.".to_owned(),
            1 => "1 producto".to_owned(),
            n if page > pages => format!("{n} productos"),
            n => format!("{n} productos · página {page} de {pages}"),
        },
        results_count_of_more: |listed, page, pages| {
            if page > pages {
                format!("Coinciden más de {listed} productos; se muestran los {listed} añadidos más recientemente")
            } else {
                format!(
                    "Coinciden más de {listed} productos; se muestran por relevancia los {listed} añadidos más \
                     recientemente · página {page} de {pages}. Con más palabras, la búsqueda se acota."
                )
            }
        },
        results_for: |q| format!("Resultados para “{q}”"),
        category_results_for: |name, q| format!("{name}: resultados para “{q}”"),
        paged_title: |heading, page| format!("{heading} (página {page})"),
        no_such_page: |page, pages| format!("No existe la página {page}; este listado tiene {pages}. "),
        last_page_link: "Ir a la última página",
        no_match_before:
            "Ningún producto coincide con estos filtros. Prueba con menos palabras o un rango de precios más amplio, o ",
        clear_filters: "quita todos los filtros",
        no_match_after: ".",
    },
    filters: FilterTexts {
        group_label: "Filtrar productos",
        search: "Buscar",
        search_placeholder: "Nombre o descripción",
        category: "Categoría",
        all_categories: "Todas las categorías",
        sort_by: "Ordenar por",
        price_min: |code| format!("Precio mínimo ({code})"),
        price_max: |code| format!("Precio máximo ({code})"),
        apply: "Aplicar",
    },
    sort: SortTexts {
        relevance: "Más relevantes",
        newest: "Más recientes",
        price_asc: "Precio: menor a mayor",
        price_desc: "Precio: mayor a menor",
        name: "Nombre",
    },
    notices: NoticeTexts {
        search_shortened: "Tu búsqueda era demasiado larga, así que solo usamos el comienzo.",
        bad_category: "Ese nombre de categoría no es válido, así que mostramos todas las categorías.",
        unknown_category: "Ninguna categoría tiene ese nombre, así que mostramos todas las categorías.",
        bad_price_min: "El precio mínimo no era un importe que la tienda pueda usar, así que lo ignoramos.",
        bad_price_max: "El precio máximo no era un importe que la tienda pueda usar, así que lo ignoramos.",
        prices_swapped: "El precio mínimo era mayor que el máximo, así que los intercambiamos.",
        bad_sort: "No conocemos ese orden, así que mostramos primero los productos más recientes.",
        bad_page: "Ese número de página no es válido, así que mostramos la primera página.",
        bad_page_link: "Ese enlace de página no es válido, así que mostramos la página por su número.",
    },
    pagination: PaginationTexts {
        label: "Páginas",
        previous: "← Anterior",
        next: "Siguiente →",
        page: |n| format!("Página {n}"),
    },
    product: ProductTexts {
        in_stock: "Disponible",
        sold_out: "Agotado",
        sku: "SKU",
        category: "Categoría",
        related: "También te puede interesar",
        choose_image: "Elige una imagen",
        image_alt: |title, n, count| format!("{title}, imagen {n} de {count}"),
        show_image: |n| format!("Ver imagen {n}"),
    },
    breadcrumbs_label: "Ruta de navegación",
    crumb_home: "Inicio",
    crumb_products: "Productos",
};
