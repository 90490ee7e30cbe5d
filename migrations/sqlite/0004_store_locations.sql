-- The store's shops, where customers see and collect products. The API's /locations answers
-- from these (upstream invents random points on every call) and the /stores page lists them.
CREATE TABLE store_locations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    address        TEXT NOT NULL,
    city           TEXT NOT NULL,
    latitude       REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude      REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    opening_hours  TEXT NOT NULL
);
