-- How many products each category holds per price band, kept by triggers, so that a listing
-- filtered by price counts its matches without reading every product in the range: 60,000
-- entries of the price index on every request, on every page (src/server/db/catalog/price_bands.rs).
--
-- A price's band is its first two significant digits in cents (12.34 is in the band of 12.00 to
-- 12.99; 0.99 is a band of its own): about ninety bands per power of ten, however large the
-- catalog. A range is counted as the sum of the bands it holds whole and a count of the products
-- in the two bands its ends cut. The same formula is in price_bands.rs, and a story checks both.
CREATE TABLE price_band_counts (
    category_id  INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    band         INTEGER NOT NULL,
    products     INTEGER NOT NULL,
    PRIMARY KEY (category_id, band)
) WITHOUT ROWID;
-- The whole catalog's bands, read without the categories' order.
CREATE INDEX price_band_counts_band ON price_band_counts (band, products);

INSERT INTO price_band_counts (category_id, band, products)
SELECT category_id,
       CAST(substr(CAST(price_cents AS TEXT), 1, 2) || substr('000000000000000000', 1, length(CAST(price_cents AS TEXT)) - 2) AS INTEGER),
       COUNT(*)
FROM products GROUP BY 1, 2;

CREATE TRIGGER price_band_counts_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO price_band_counts (category_id, band, products)
    VALUES (new.category_id,
            CAST(substr(CAST(new.price_cents AS TEXT), 1, 2) || substr('000000000000000000', 1, length(CAST(new.price_cents AS TEXT)) - 2) AS INTEGER),
            1)
    ON CONFLICT (category_id, band) DO UPDATE SET products = products + 1;
END;
CREATE TRIGGER price_band_counts_after_delete AFTER DELETE ON products BEGIN
    UPDATE price_band_counts SET products = products - 1
    WHERE category_id = old.category_id
      AND band = CAST(substr(CAST(old.price_cents AS TEXT), 1, 2) || substr('000000000000000000', 1, length(CAST(old.price_cents AS TEXT)) - 2) AS INTEGER);
END;
-- A repricing within its band, or an edit that keeps both, changes no count.
CREATE TRIGGER price_band_counts_after_update AFTER UPDATE OF category_id, price_cents ON products
WHEN old.category_id IS NOT new.category_id
  OR substr(CAST(old.price_cents AS TEXT), 1, 2) IS NOT substr(CAST(new.price_cents AS TEXT), 1, 2)
  OR length(CAST(old.price_cents AS TEXT)) IS NOT length(CAST(new.price_cents AS TEXT)) BEGIN
    UPDATE price_band_counts SET products = products - 1
    WHERE category_id = old.category_id
      AND band = CAST(substr(CAST(old.price_cents AS TEXT), 1, 2) || substr('000000000000000000', 1, length(CAST(old.price_cents AS TEXT)) - 2) AS INTEGER);
    INSERT INTO price_band_counts (category_id, band, products)
    VALUES (new.category_id,
            CAST(substr(CAST(new.price_cents AS TEXT), 1, 2) || substr('000000000000000000', 1, length(CAST(new.price_cents AS TEXT)) - 2) AS INTEGER),
            1)
    ON CONFLICT (category_id, band) DO UPDATE SET products = products + 1;
END;
