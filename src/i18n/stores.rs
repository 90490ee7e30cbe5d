//! The `/stores` page.

pub struct StoresTexts {
    pub title: &'static str,
    pub description: &'static str,
    pub intro: &'static str,
    pub hours: &'static str,
    pub address: &'static str,
    /// The link to a store on OpenStreetMap; its name follows for screen readers.
    pub map_link: fn(&str) -> String,
    pub none_yet: &'static str,
    pub stores_in: fn(usize) -> String,
}

pub(super) static EN: StoresTexts = StoresTexts {
    title: "Our stores",
    description: "Visit a Tienda store: addresses, opening hours and directions for every shop.",
    intro: "See the products in person, try them on, and pick up online orders at any of our shops.",
    hours: "Opening hours",
    address: "Address",
    map_link: |name| format!("Map of {name}"),
    none_yet: "We have no shops open yet; the whole catalog is online.",
    stores_in: |n| if n == 1 { "1 store".into() } else { format!("{n} stores") },
};

pub(super) static ES: StoresTexts = StoresTexts {
    title: "Nuestras tiendas",
    description: "Visita una tienda de Tienda: direcciones, horarios y cómo llegar a cada una.",
    intro:
        "Mira los productos en persona, pruébatelos y recoge tus pedidos en línea en cualquiera de nuestras tiendas.",
    hours: "Horario",
    address: "Dirección",
    map_link: |name| format!("Mapa de {name}"),
    none_yet: "Aún no tenemos tiendas abiertas; todo el catálogo está en línea.",
    stores_in: |n| if n == 1 { "1 tienda".into() } else { format!("{n} tiendas") },
};
