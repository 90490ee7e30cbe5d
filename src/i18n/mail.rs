//! The e-mails the store sends: the words, in English and Spanish. The layout (plain text and
//! HTML) is the services' (`order_mail`, `downloads`).

pub struct MailTexts {
    /// Given the customer's name.
    pub greeting: fn(&str) -> String,
    /// Subject and first line of the confirmation: given the order's number.
    pub placed_subject: fn(i64) -> String,
    pub placed_intro: &'static str,
    pub shipped_subject: fn(i64) -> String,
    pub shipped_intro: &'static str,
    pub ready_subject: fn(i64) -> String,
    /// Given the shop's name.
    pub ready_intro: fn(&str) -> String,
    pub items: &'static str,
    pub total: &'static str,
    pub deliver_to: &'static str,
    pub collect_at: &'static str,
    pub payment: &'static str,
    pub view_order: &'static str,
    pub signature: &'static str,
    /// A file a job made is ready: given its name.
    pub file_ready_subject: fn(&str) -> String,
    pub ready_body: &'static str,
    /// Given the number of days the link works.
    pub ready_expires: fn(i64) -> String,
    pub download: &'static str,
    pub reset_subject: &'static str,
    pub reset_body: &'static str,
    pub reset_action: &'static str,
    /// Given the minutes the link works.
    pub reset_expires: fn(i64) -> String,
    pub reset_not_you: &'static str,
}

pub static EN: MailTexts = MailTexts {
    greeting: |name| format!("Hello {name},"),
    placed_subject: |id| format!("Your order #{id} is placed"),
    placed_intro: "Thank you for your order. This is what you asked for; we will write again when it is on its way or ready for you to collect.",
    shipped_subject: |id| format!("Your order #{id} is on its way"),
    shipped_intro: "Your order has left the shop and is on its way to you.",
    ready_subject: |id| format!("Your order #{id} is ready for pickup"),
    ready_intro: |shop| format!("Your order is waiting for you at {shop}."),
    items: "Items",
    total: "Total",
    deliver_to: "Delivery to",
    collect_at: "Pickup at",
    payment: "Payment",
    view_order: "See your order",
    signature: "The Tienda team",
    file_ready_subject: |name| format!("Your file {name} is ready"),
    ready_body: "The file you asked for is ready. Sign in and download it here:",
    ready_expires: |days| format!("The link works for {days} days; after that the file is deleted."),
    download: "Download",
    reset_subject: "Set a new password for your Tienda account",
    reset_body: "Someone, probably you, asked to set a new password for your account. Open this link to choose one:",
    reset_action: "Choose a new password",
    reset_expires: |minutes| format!("The link works once, for {minutes} minutes."),
    reset_not_you: "If you did not ask, ignore this e-mail: your password stays as it is.",
};

pub static ES: MailTexts = MailTexts {
    greeting: |name| format!("Hola, {name}:"),
    placed_subject: |id| format!("Tu pedido n.º {id} está hecho"),
    placed_intro: "Gracias por tu pedido. Esto es lo que pediste; te escribiremos de nuevo cuando esté en camino o listo para recoger.",
    shipped_subject: |id| format!("Tu pedido n.º {id} está en camino"),
    shipped_intro: "Tu pedido ha salido de la tienda y va de camino hacia ti.",
    ready_subject: |id| format!("Tu pedido n.º {id} está listo para recoger"),
    ready_intro: |shop| format!("Tu pedido te espera en {shop}."),
    items: "Artículos",
    total: "Total",
    deliver_to: "Entrega en",
    collect_at: "Recogida en",
    payment: "Pago",
    view_order: "Ver tu pedido",
    signature: "El equipo de Tienda",
    file_ready_subject: |name| format!("Tu archivo {name} está listo"),
    ready_body: "El archivo que pediste está listo. Inicia sesión y descárgalo aquí:",
    ready_expires: |days| format!("El enlace funciona durante {days} días; después, el archivo se borra."),
    download: "Descargar",
    reset_subject: "Elige una contraseña nueva para tu cuenta de Tienda",
    reset_body: "Alguien, seguramente tú, pidió una contraseña nueva para tu cuenta. Abre este enlace para elegirla:",
    reset_action: "Elegir una contraseña nueva",
    reset_expires: |minutes| format!("El enlace funciona una sola vez, durante {minutes} minutos."),
    reset_not_you: "Si no lo pediste, ignora este correo: tu contraseña sigue igual.",
};
