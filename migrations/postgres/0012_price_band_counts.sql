-- How many products each category holds per price band, kept by a trigger, so that a listing
-- filtered by price counts its matches without reading every product in the range: on 100,000
-- products a broad range's count read 60,000 entries of the price index (9 to 12 ms) on every
-- request, on every page (src/server/db/catalog/price_bands.rs).
--
-- A price's band is its first two significant digits in cents (12.34 is in the band of 12.00 to
-- 12.99; 0.99 is a band of its own): about ninety bands per power of ten, however large the
-- catalog. A range is counted as the sum of the bands it holds whole and a count of the products
-- in the two bands its ends cut. The same formula is in price_bands.rs, and a story checks both.
CREATE FUNCTION price_band(cents BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CAST(left(cents::text, 2) || repeat('0', greatest(length(cents::text) - 2, 0)) AS BIGINT)
$$;

CREATE TABLE price_band_counts (
    category_id  BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    band         BIGINT NOT NULL,
    products     BIGINT NOT NULL,
    PRIMARY KEY (category_id, band)
);
-- The whole catalog's bands, read without the categories' order.
CREATE INDEX price_band_counts_band ON price_band_counts (band) INCLUDE (products);

INSERT INTO price_band_counts (category_id, band, products)
SELECT category_id, price_band(price_cents), COUNT(*) FROM products GROUP BY 1, 2;

CREATE FUNCTION price_band_count_add(category BIGINT, cents BIGINT, change BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO price_band_counts (category_id, band, products) VALUES (category, price_band(cents), change)
    ON CONFLICT (category_id, band) DO UPDATE SET products = price_band_counts.products + change
$$;

CREATE FUNCTION price_band_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM price_band_count_add(NEW.category_id, NEW.price_cents, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM price_band_count_add(OLD.category_id, OLD.price_cents, -1);
    -- A repricing within its band, or an edit that keeps both, changes no count.
    ELSIF (OLD.category_id, price_band(OLD.price_cents)) < (NEW.category_id, price_band(NEW.price_cents)) THEN
        PERFORM price_band_count_add(OLD.category_id, OLD.price_cents, -1);
        PERFORM price_band_count_add(NEW.category_id, NEW.price_cents, 1);
    ELSIF (OLD.category_id, price_band(OLD.price_cents)) > (NEW.category_id, price_band(NEW.price_cents)) THEN
        -- Rows are changed lower key first, whichever way a product moves: two products moving
        -- between the same two bands in opposite directions at once would otherwise each hold one
        -- row and wait for the other (a deadlock, and one of the two writes refused).
        PERFORM price_band_count_add(NEW.category_id, NEW.price_cents, 1);
        PERFORM price_band_count_add(OLD.category_id, OLD.price_cents, -1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER price_band_counts_follow AFTER INSERT OR DELETE OR UPDATE OF category_id, price_cents ON products
    FOR EACH ROW EXECUTE FUNCTION price_band_counts_follow();

-- The per-category counts (migration 0006) take the same care: a product moved to another
-- category changes the lower category's row first, whichever way it moves.
CREATE OR REPLACE FUNCTION product_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.category_id IS NOT DISTINCT FROM NEW.category_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.category_id < NEW.category_id) THEN
        UPDATE product_counts SET products = products - 1 WHERE category_id = OLD.category_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO product_counts (category_id, products) VALUES (NEW.category_id, 1)
        ON CONFLICT (category_id) DO UPDATE SET products = product_counts.products + 1;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.category_id > NEW.category_id THEN
        UPDATE product_counts SET products = products - 1 WHERE category_id = OLD.category_id;
    END IF;
    RETURN NULL;
END
$$;
