//! The cart, checkout and orders: the shopper's pages and the back office's.

use crate::model::cart::{CartNotice, LeftBehindWhy};
use crate::model::money::Currency;
use crate::model::orders::{
    Fulfilment, OrderAction, OrderStatus, PaymentMethod, PaymentStatus, TransitionRefusal, MAX_ORDER_LINES,
};

pub struct OrdersTexts {
    // The header and the add-to-cart forms.
    pub cart_link: &'static str,
    /// Follows the count in the header's badge, for screen readers: given the count.
    pub items_in_cart: fn(i64) -> &'static str,
    pub add_to_cart: &'static str,
    /// An add button's accessible name on a card: given the product's title.
    pub add_named: fn(&str) -> String,
    pub adding: &'static str,
    pub quantity: &'static str,
    /// Shown after an add: given the product's title.
    pub added: fn(&str) -> String,
    pub added_to_cart: &'static str,
    pub view_cart: &'static str,
    // `/cart`.
    pub cart_title: &'static str,
    pub cart_description: &'static str,
    pub cart_empty: &'static str,
    pub continue_shopping: &'static str,
    pub product: &'static str,
    pub unit_price: &'static str,
    pub line_total: &'static str,
    pub update: &'static str,
    /// The Update button's name for a screen reader: which line it changes.
    pub update_named: fn(&str) -> String,
    pub remove: &'static str,
    /// Names the remove button of a line for screen readers: given the product's title.
    pub remove_named: fn(&str) -> String,
    pub quantity_of: fn(&str) -> String,
    pub total: &'static str,
    pub notice: fn(CartNotice, Currency) -> String,
    pub fix_cart_first: &'static str,
    pub checkout: &'static str,
    pub cart_updated: &'static str,
    /// Heads the list of what the cart had before sign-in and could not keep.
    pub left_behind_intro: &'static str,
    /// One thing left behind: given its title and why.
    pub left_behind: fn(&str, LeftBehindWhy) -> String,
    // `/checkout`.
    pub checkout_title: &'static str,
    pub checkout_description: &'static str,
    pub how_to_receive: &'static str,
    pub delivery_option: &'static str,
    pub pickup_option: &'static str,
    pub delivery_address: &'static str,
    pub recipient: &'static str,
    pub phone: &'static str,
    pub address_line: &'static str,
    pub city: &'static str,
    pub postal_code: &'static str,
    pub pickup_store: &'static str,
    pub pickup_where: &'static str,
    pub pickup_hint: &'static str,
    pub stores_near_me: &'static str,
    pub payment: &'static str,
    pub no_card_note: &'static str,
    pub review: &'static str,
    pub review_note: &'static str,
    pub place_order: &'static str,
    pub placing: &'static str,
    // Orders.
    pub my_orders: &'static str,
    pub my_orders_description: &'static str,
    pub no_orders: &'static str,
    pub order_title: fn(i64) -> String,
    pub order_placed_note: &'static str,
    pub order_number: &'static str,
    pub date: &'static str,
    pub status: &'static str,
    pub payment_status_label: &'static str,
    pub items: &'static str,
    pub delivery_to: &'static str,
    pub pickup_at: &'static str,
    pub history: &'static str,
    pub cancel_order: &'static str,
    pub cancel_note: &'static str,
    pub status_name: fn(OrderStatus) -> &'static str,
    pub payment_status_name: fn(PaymentStatus) -> &'static str,
    pub payment_method_name: fn(PaymentMethod) -> &'static str,
    pub fulfilment_name: fn(Fulfilment) -> &'static str,
    pub action_name: fn(OrderAction) -> &'static str,
    /// An event in an order's history (`placed`, or an action's name).
    pub event_name: fn(&str) -> &'static str,
    pub refusal: fn(TransitionRefusal) -> String,
    /// What a line of an order that could not be placed says: title, asked, left, gone.
    pub shortfall: fn(&str, i64, i64, bool) -> String,
    // Back office.
    pub admin_orders: &'static str,
    pub admin_orders_description: &'static str,
    pub customer: &'static str,
    pub filter_status: &'static str,
    pub any_status: &'static str,
    pub from_day: &'static str,
    pub to_day: &'static str,
    pub search_customer: &'static str,
    pub filter: &'static str,
    pub orders_found: fn(u64) -> String,
    pub next_steps: &'static str,
    pub no_next_steps: &'static str,
    /// Titled with the currency's code: the chart's figures are whole units of it.
    pub revenue_per_day: fn(&str) -> String,
    pub orders_per_day: &'static str,
    pub best_sellers: &'static str,
    pub units_sold: &'static str,
    pub revenue: &'static str,
    pub no_sales_yet: &'static str,
}

impl OrdersTexts {
    /// The refusal, in this language's words.
    pub fn refusal(&self, refusal: TransitionRefusal) -> String {
        (self.refusal)(refusal)
    }
}

pub(super) static EN: OrdersTexts = OrdersTexts {
    cart_link: "Cart",
    items_in_cart: |n| if n == 1 { "item in the cart" } else { "items in the cart" },
    add_to_cart: "Add to cart",
    add_named: |title| format!("Add to cart: {title}"),
    adding: "Adding…",
    quantity: "Quantity",
    added: |title| format!("Added to your cart: {title}."),
    added_to_cart: "Added to your cart.",
    view_cart: "View cart",
    cart_title: "Your cart",
    cart_description: "The products you chose, their prices today, and the way to checkout.",
    cart_empty: "Your cart is empty.",
    continue_shopping: "Continue shopping",
    product: "Product",
    unit_price: "Unit price",
    line_total: "Total",
    update: "Update",
    update_named: |title| format!("Update {title}"),
    remove: "Remove",
    remove_named: |title| format!("Remove {title}"),
    quantity_of: |title| format!("Quantity of {title}"),
    total: "Total",
    notice: |notice, currency| match notice {
        CartNotice::PriceChanged { was } => {
            format!("The price changed since you added it (it was {}).", currency.format(was))
        }
        CartNotice::NotEnoughStock { available: 0 } => "Sold out since you added it. Remove it to check out.".into(),
        CartNotice::NotEnoughStock { available } => {
            format!("Only {available} left: lower the quantity to check out.")
        }
        CartNotice::Removed => "This product is no longer sold. Remove it to check out.".into(),
    },
    fix_cart_first: "Some lines need your attention before checkout.",
    checkout: "Checkout",
    cart_updated: "Your cart was updated.",
    left_behind_intro: "Not everything from your cart before you signed in could be kept:",
    left_behind: |title, why| match why {
        LeftBehindWhy::NoLongerSold => format!("{title}: no longer sold."),
        LeftBehindWhy::SoldOut => format!("{title}: sold out."),
        LeftBehindWhy::Reduced { kept } => format!("{title}: your cart holds {kept}, as many as can be ordered."),
        LeftBehindWhy::CartFull => {
            format!("{title}: your cart already held {MAX_ORDER_LINES} products, as many as one order takes.")
        }
    },
    checkout_title: "Checkout",
    checkout_description: "Choose how to receive your order and review it before placing it.",
    how_to_receive: "How do you want to receive it?",
    delivery_option: "Delivery to an address (cash on delivery)",
    pickup_option: "Pick up at one of our stores (pay at pickup)",
    delivery_address: "Delivery address",
    recipient: "Full name",
    phone: "Phone",
    address_line: "Street and number",
    city: "City",
    postal_code: "Postal code",
    pickup_store: "Store",
    pickup_where: "Where to pick it up",
    pickup_hint: "Stores are listed by city, or nearest first once your browser shares where you are.",
    stores_near_me: "Stores near me first",
    payment: "Payment",
    no_card_note: "You pay in cash when you receive the order: no card is needed.",
    review: "Review your order",
    review_note: "This is exactly what will be ordered, at these prices.",
    place_order: "Place order",
    placing: "Placing the order…",
    my_orders: "My orders",
    my_orders_description: "Every order you placed and where it is now.",
    no_orders: "You have not placed any order yet.",
    order_title: |id| format!("Order #{id}"),
    order_placed_note: "Thank you! Your order was placed.",
    order_number: "Order",
    date: "Date",
    status: "Status",
    payment_status_label: "Payment",
    items: "Items",
    delivery_to: "Delivery to",
    pickup_at: "Pickup at",
    history: "History",
    cancel_order: "Cancel order",
    cancel_note: "You can cancel while the order has not been shipped or made ready for pickup.",
    status_name: |status| match status {
        OrderStatus::Placed => "Placed",
        OrderStatus::Confirmed => "Confirmed",
        OrderStatus::Shipped => "Shipped",
        OrderStatus::ReadyForPickup => "Ready for pickup",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::Cancelled => "Cancelled",
    },
    payment_status_name: |status| match status {
        PaymentStatus::Unpaid => "Not paid yet",
        PaymentStatus::Paid => "Paid",
    },
    payment_method_name: |method| match method {
        PaymentMethod::PayAtPickup => "Pay at pickup",
        PaymentMethod::CashOnDelivery => "Cash on delivery",
    },
    fulfilment_name: |fulfilment| match fulfilment {
        Fulfilment::Delivery => "Delivery",
        Fulfilment::Pickup => "Pickup",
    },
    action_name: |action| match action {
        OrderAction::Confirm => "Confirm",
        OrderAction::Ship => "Mark shipped",
        OrderAction::ReadyForPickup => "Mark ready for pickup",
        OrderAction::MarkPaid => "Record payment",
        OrderAction::Deliver => "Mark delivered",
        OrderAction::Cancel => "Cancel order",
    },
    event_name: |event| match event {
        "placed" => "Placed",
        "confirm" => "Confirmed",
        "ship" => "Shipped",
        "ready_for_pickup" => "Ready for pickup",
        "mark_paid" => "Payment received",
        "deliver" => "Delivered",
        "cancel" => "Cancelled",
        _ => "Changed",
    },
    refusal: |refusal| match refusal {
        TransitionRefusal::AdminOnly => "Only the store can make that change; you may cancel the order.".into(),
        TransitionRefusal::NotFrom { action, status } => format!(
            "An order that is {} cannot be changed that way ({}).",
            (EN.status_name)(status).to_lowercase(),
            (EN.action_name)(action).to_lowercase()
        ),
        TransitionRefusal::WrongFulfilment { fulfilment: Fulfilment::Pickup, .. } => {
            "This order is picked up at a store: mark it ready for pickup instead of shipped.".into()
        }
        TransitionRefusal::WrongFulfilment { .. } => {
            "This order is delivered to an address: mark it shipped instead of ready for pickup.".into()
        }
        TransitionRefusal::NotPaid => "Record the payment before marking the order delivered.".into(),
        TransitionRefusal::AlreadyPaid => "The payment of this order is already recorded.".into(),
    },
    shortfall: |title, asked, left, gone| match (gone, left) {
        (true, _) => format!("{title}: no longer sold."),
        (false, 0) => format!("{title}: sold out."),
        (false, left) => format!("{title}: you asked for {asked}, only {left} left."),
    },
    admin_orders: "Orders",
    admin_orders_description: "Every order in the store, newest first.",
    customer: "Customer",
    filter_status: "Status",
    any_status: "Any status",
    from_day: "From",
    to_day: "To",
    search_customer: "Customer name or email",
    filter: "Filter",
    orders_found: |n| if n == 1 { "1 order".into() } else { format!("{n} orders") },
    next_steps: "Next steps",
    no_next_steps: "This order is finished: nothing more can change.",
    revenue_per_day: |code| format!("Revenue per day in {code} (last 30 days)"),
    orders_per_day: "Orders per day (last 30 days)",
    best_sellers: "Best sellers",
    units_sold: "Units sold",
    revenue: "Revenue",
    no_sales_yet: "No sales yet.",
};

pub(super) static ES: OrdersTexts = OrdersTexts {
    cart_link: "Carrito",
    items_in_cart: |n| if n == 1 { "artículo en el carrito" } else { "artículos en el carrito" },
    add_to_cart: "Agregar al carrito",
    add_named: |title| format!("Agregar al carrito: {title}"),
    adding: "Agregando…",
    quantity: "Cantidad",
    added: |title| format!("Agregado a tu carrito: {title}."),
    added_to_cart: "Agregado a tu carrito.",
    view_cart: "Ver carrito",
    cart_title: "Tu carrito",
    cart_description: "Los productos que elegiste, sus precios de hoy y el camino para pagar.",
    cart_empty: "Tu carrito está vacío.",
    continue_shopping: "Seguir comprando",
    product: "Producto",
    unit_price: "Precio unitario",
    line_total: "Total",
    update: "Actualizar",
    update_named: |title| format!("Actualizar {title}"),
    remove: "Quitar",
    remove_named: |title| format!("Quitar {title}"),
    quantity_of: |title| format!("Cantidad de {title}"),
    total: "Total",
    notice: |notice, currency| match notice {
        CartNotice::PriceChanged { was } => {
            format!("El precio cambió desde que lo agregaste (era {}).", currency.format(was))
        }
        CartNotice::NotEnoughStock { available: 0 } => "Se agotó desde que lo agregaste. Quítalo para pagar.".into(),
        CartNotice::NotEnoughStock { available } => {
            format!("Solo quedan {available}: baja la cantidad para pagar.")
        }
        CartNotice::Removed => "Este producto ya no se vende. Quítalo para pagar.".into(),
    },
    fix_cart_first: "Algunas líneas necesitan tu atención antes de pagar.",
    checkout: "Pagar",
    cart_updated: "Tu carrito se actualizó.",
    left_behind_intro: "No se pudo conservar todo lo que tenías en el carrito antes de iniciar sesión:",
    left_behind: |title, why| match why {
        LeftBehindWhy::NoLongerSold => format!("{title}: ya no se vende."),
        LeftBehindWhy::SoldOut => format!("{title}: agotado."),
        LeftBehindWhy::Reduced { kept } => format!("{title}: tu carrito tiene {kept}, todas las que se pueden pedir."),
        LeftBehindWhy::CartFull => {
            format!("{title}: tu carrito ya tenía {MAX_ORDER_LINES} productos, los que admite un pedido.")
        }
    },
    checkout_title: "Finalizar compra",
    checkout_description: "Elige cómo recibir tu pedido y revísalo antes de hacerlo.",
    how_to_receive: "¿Cómo quieres recibirlo?",
    delivery_option: "Envío a una dirección (pago contra entrega)",
    pickup_option: "Recoger en una de nuestras tiendas (pago al recoger)",
    delivery_address: "Dirección de envío",
    recipient: "Nombre completo",
    phone: "Teléfono",
    address_line: "Calle y número",
    city: "Ciudad",
    postal_code: "Código postal",
    pickup_store: "Tienda",
    pickup_where: "Dónde recogerlo",
    pickup_hint:
        "Las tiendas aparecen por ciudad, o de la más cercana a la más lejana si tu navegador comparte dónde estás.",
    stores_near_me: "Primero las tiendas cercanas",
    payment: "Pago",
    no_card_note: "Pagas en efectivo al recibir el pedido: no necesitas tarjeta.",
    review: "Revisa tu pedido",
    review_note: "Esto es exactamente lo que se pedirá, a estos precios.",
    place_order: "Hacer el pedido",
    placing: "Haciendo el pedido…",
    my_orders: "Mis pedidos",
    my_orders_description: "Todos tus pedidos y en qué estado están.",
    no_orders: "Todavía no has hecho ningún pedido.",
    order_title: |id| format!("Pedido n.º {id}"),
    order_placed_note: "¡Gracias! Tu pedido quedó hecho.",
    order_number: "Pedido",
    date: "Fecha",
    status: "Estado",
    payment_status_label: "Pago",
    items: "Artículos",
    delivery_to: "Envío a",
    pickup_at: "Recoger en",
    history: "Historial",
    cancel_order: "Cancelar pedido",
    cancel_note: "Puedes cancelarlo mientras no se haya enviado ni esté listo para recoger.",
    status_name: |status| match status {
        OrderStatus::Placed => "Recibido",
        OrderStatus::Confirmed => "Confirmado",
        OrderStatus::Shipped => "Enviado",
        OrderStatus::ReadyForPickup => "Listo para recoger",
        OrderStatus::Delivered => "Entregado",
        OrderStatus::Cancelled => "Cancelado",
    },
    payment_status_name: |status| match status {
        PaymentStatus::Unpaid => "Sin pagar",
        PaymentStatus::Paid => "Pagado",
    },
    payment_method_name: |method| match method {
        PaymentMethod::PayAtPickup => "Pago al recoger",
        PaymentMethod::CashOnDelivery => "Pago contra entrega",
    },
    fulfilment_name: |fulfilment| match fulfilment {
        Fulfilment::Delivery => "Envío",
        Fulfilment::Pickup => "Recogida",
    },
    action_name: |action| match action {
        OrderAction::Confirm => "Confirmar",
        OrderAction::Ship => "Marcar como enviado",
        OrderAction::ReadyForPickup => "Marcar listo para recoger",
        OrderAction::MarkPaid => "Registrar el pago",
        OrderAction::Deliver => "Marcar como entregado",
        OrderAction::Cancel => "Cancelar pedido",
    },
    event_name: |event| match event {
        "placed" => "Recibido",
        "confirm" => "Confirmado",
        "ship" => "Enviado",
        "ready_for_pickup" => "Listo para recoger",
        "mark_paid" => "Pago recibido",
        "deliver" => "Entregado",
        "cancel" => "Cancelado",
        _ => "Cambiado",
    },
    refusal: |refusal| match refusal {
        TransitionRefusal::AdminOnly => "Solo la tienda puede hacer ese cambio; tú puedes cancelar el pedido.".into(),
        TransitionRefusal::NotFrom { action, status } => format!(
            "Un pedido en estado «{}» no admite ese cambio ({}).",
            (ES.status_name)(status).to_lowercase(),
            (ES.action_name)(action).to_lowercase()
        ),
        TransitionRefusal::WrongFulfilment { fulfilment: Fulfilment::Pickup, .. } => {
            "Este pedido se recoge en tienda: márcalo listo para recoger, no enviado.".into()
        }
        TransitionRefusal::WrongFulfilment { .. } => {
            "Este pedido se envía a una dirección: márcalo enviado, no listo para recoger.".into()
        }
        TransitionRefusal::NotPaid => "Registra el pago antes de marcar el pedido como entregado.".into(),
        TransitionRefusal::AlreadyPaid => "El pago de este pedido ya está registrado.".into(),
    },
    shortfall: |title, asked, left, gone| match (gone, left) {
        (true, _) => format!("{title}: ya no se vende."),
        (false, 0) => format!("{title}: agotado."),
        (false, left) => format!("{title}: pediste {asked}, solo quedan {left}."),
    },
    admin_orders: "Pedidos",
    admin_orders_description: "Todos los pedidos de la tienda, del más reciente al más antiguo.",
    customer: "Cliente",
    filter_status: "Estado",
    any_status: "Cualquier estado",
    from_day: "Desde",
    to_day: "Hasta",
    search_customer: "Nombre o correo del cliente",
    filter: "Filtrar",
    orders_found: |n| if n == 1 { "1 pedido".into() } else { format!("{n} pedidos") },
    next_steps: "Siguientes pasos",
    no_next_steps: "Este pedido terminó: ya no puede cambiar.",
    revenue_per_day: |code| format!("Ingresos por día en {code} (últimos 30 días)"),
    orders_per_day: "Pedidos por día (últimos 30 días)",
    best_sellers: "Los más vendidos",
    units_sold: "Unidades vendidas",
    revenue: "Ingresos",
    no_sales_yet: "Todavía no hay ventas.",
};
