-- The catalog at any size: full-text search, listings that read an index in the order they show,
-- and product counts that are kept, not recounted.

-- The title folded like search_text (lowercase, no accents or punctuation), so a search can rank a
-- match in the title above one in the description. The application writes it with every change and
-- fills it for rows older than this migration when it starts (SQL cannot fold accents its way).
ALTER TABLE products ADD COLUMN search_title TEXT;

-- The folded texts as a weighted document: the 'simple' configuration neither stems nor drops
-- words, so it matches what SQLite's FTS5 index holds; the title weighs more (A) than the rest (B).
ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', COALESCE(search_title, '')), 'A')
    || setweight(to_tsvector('simple', search_text), 'B')
) STORED;
CREATE INDEX products_search ON products USING GIN (search_vector);

-- How many products each category holds, kept by a trigger: a listing's "N products" reads one row
-- per category instead of counting the catalog on every request.
CREATE TABLE product_counts (
    category_id  BIGINT PRIMARY KEY REFERENCES categories (id) ON DELETE CASCADE,
    products     BIGINT NOT NULL
);
INSERT INTO product_counts (category_id, products) SELECT category_id, COUNT(*) FROM products GROUP BY category_id;

CREATE FUNCTION product_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.category_id IS NOT DISTINCT FROM NEW.category_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE product_counts SET products = products - 1 WHERE category_id = OLD.category_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO product_counts (category_id, products) VALUES (NEW.category_id, 1)
        ON CONFLICT (category_id) DO UPDATE SET products = product_counts.products + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER product_counts_follow AFTER INSERT OR DELETE OR UPDATE OF category_id ON products
    FOR EACH ROW EXECUTE FUNCTION product_counts_follow();

-- One index per sort order, alone and within a category, each ending in the id that breaks ties,
-- so every page (and the position a "next" link carries) is a range of an index. Names sort by
-- byte ("C"), as on SQLite.
DROP INDEX products_created;
DROP INDEX products_category;
DROP INDEX products_price;
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_category ON products (category_id, created_at, id);
CREATE INDEX products_price ON products (price_cents, id);
CREATE INDEX products_category_price ON products (category_id, price_cents, id);
CREATE INDEX products_name ON products ((lower(title) COLLATE "C"), id);
CREATE INDEX products_category_name ON products (category_id, (lower(title) COLLATE "C"), id);

-- The REST API filters titles by substring, any case (upstream's contract). A trigram index
-- answers `lower(title) LIKE '%...%'` without reading every title (pg_trgm ships with PostgreSQL;
-- since version 13 a database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX products_title_trigrams ON products USING GIN (lower(title) gin_trgm_ops);
-- The API lists a category's products in id order.
CREATE INDEX products_category_id ON products (category_id, id);
