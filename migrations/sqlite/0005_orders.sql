-- Carts and orders. Money is integer cents; a line keeps what the shopper was shown (title, SKU,
-- unit price) so an order never changes when the product does.

-- A cart belongs to a signed-in account (user_id) or to one visitor's session (its id is kept in
-- the session). Signing in merges the session's cart into the account's and deletes it.
CREATE TABLE carts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX carts_updated ON carts (updated_at);

-- No foreign key to products: a product deleted after it was added stays in the cart as a line
-- the shopper is told about (its title is kept for that).
CREATE TABLE cart_lines (
    cart_id           INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    -- The price and title when the product was added, to tell the shopper what changed since.
    price_cents_seen  INTEGER NOT NULL,
    title_seen        TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    -- The client's key for "this one order": a second request with it gets the first order.
    idempotency_key   TEXT NOT NULL,
    -- What the key was used for, so the same key with a different order is refused.
    request_hash      TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('placed', 'confirmed', 'shipped', 'ready_for_pickup', 'delivered', 'cancelled')),
    payment_status    TEXT NOT NULL CHECK (payment_status IN ('unpaid', 'paid')),
    payment_method    TEXT NOT NULL CHECK (payment_method IN ('pay_at_pickup', 'cash_on_delivery')),
    fulfilment        TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
    -- Delivery address (empty for pickup) or the store to collect from (NULL for delivery).
    recipient         TEXT NOT NULL,
    phone             TEXT NOT NULL,
    address_line      TEXT NOT NULL,
    city              TEXT NOT NULL,
    postal_code       TEXT NOT NULL,
    store_id          INTEGER REFERENCES store_locations (id),
    store_name        TEXT NOT NULL,
    currency          TEXT NOT NULL,
    total_cents       INTEGER NOT NULL CHECK (total_cents >= 0),
    item_count        INTEGER NOT NULL,
    -- 'YYYY-MM-DD' (UTC) of created_at: per-day figures and date filters, the same SQL on both backends.
    created_day       TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_user ON orders (user_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_day ON orders (created_day);

CREATE TABLE order_lines (
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    product_id        INTEGER NOT NULL,
    title             TEXT NOT NULL,
    sku               TEXT NOT NULL,
    unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents > 0),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, position)
);
CREATE INDEX order_lines_product ON order_lines (product_id);

-- Every change of an order's state, who made it and when: the order page shows its history.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    action      TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at          TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id);
