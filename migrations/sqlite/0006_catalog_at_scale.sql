-- The catalog at any size: full-text search, listings that read an index in the order they show,
-- and product counts that are kept, not recounted.

-- The title folded like search_text (lowercase, no accents or punctuation), so a search can rank a
-- match in the title above one in the description. The application writes it with every change and
-- fills it for rows older than this migration when it starts (SQL cannot fold accents its way).
ALTER TABLE products ADD COLUMN search_title TEXT;

-- Full-text index over the folded texts; the products table holds the content. unicode61 splits on
-- what is not a letter or digit, as the folding does, and prefix indexes make "wal" find "walnut"
-- without scanning every term.
CREATE VIRTUAL TABLE products_fts USING fts5(
    search_title, search_text,
    content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO products_fts (products_fts) VALUES ('rebuild');

CREATE TRIGGER products_fts_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, search_title, search_text) VALUES (new.id, new.search_title, new.search_text);
END;
CREATE TRIGGER products_fts_after_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, search_title, search_text)
    VALUES ('delete', old.id, old.search_title, old.search_text);
END;
-- Only a change to the searched texts touches the index: a checkout's stock update does not.
CREATE TRIGGER products_fts_after_update AFTER UPDATE OF search_title, search_text ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, search_title, search_text)
    VALUES ('delete', old.id, old.search_title, old.search_text);
    INSERT INTO products_fts (rowid, search_title, search_text) VALUES (new.id, new.search_title, new.search_text);
END;

-- How many products each category holds, kept by triggers: a listing's "N products" reads one row
-- per category instead of counting the catalog on every request.
CREATE TABLE product_counts (
    category_id  INTEGER PRIMARY KEY REFERENCES categories (id) ON DELETE CASCADE,
    products     INTEGER NOT NULL
);
INSERT INTO product_counts (category_id, products) SELECT category_id, COUNT(*) FROM products GROUP BY category_id;

CREATE TRIGGER product_counts_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_counts (category_id, products) VALUES (new.category_id, 1)
    ON CONFLICT (category_id) DO UPDATE SET products = products + 1;
END;
CREATE TRIGGER product_counts_after_delete AFTER DELETE ON products BEGIN
    UPDATE product_counts SET products = products - 1 WHERE category_id = old.category_id;
END;
CREATE TRIGGER product_counts_after_move AFTER UPDATE OF category_id ON products
WHEN old.category_id IS NOT new.category_id BEGIN
    UPDATE product_counts SET products = products - 1 WHERE category_id = old.category_id;
    INSERT INTO product_counts (category_id, products) VALUES (new.category_id, 1)
    ON CONFLICT (category_id) DO UPDATE SET products = products + 1;
END;

-- One index per sort order, alone and within a category, so every page (and the position a "next"
-- link carries) is a range of an index. SQLite appends the rowid (the id) to every index, which
-- breaks ties in the same order as the listing.
CREATE INDEX products_category_price ON products (category_id, price_cents);
CREATE INDEX products_name ON products (lower(title));
CREATE INDEX products_category_name ON products (category_id, lower(title));

-- The REST API filters titles by substring, any case (upstream's contract). A trigram index
-- answers `LIKE '%...%'` without reading every title (patterns of three characters or more).
CREATE VIRTUAL TABLE products_title_trigrams USING fts5(
    title, content = 'products', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO products_title_trigrams (products_title_trigrams) VALUES ('rebuild');
CREATE TRIGGER products_title_trigrams_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_title_trigrams (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER products_title_trigrams_after_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_title_trigrams (products_title_trigrams, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER products_title_trigrams_after_update AFTER UPDATE OF title ON products BEGIN
    INSERT INTO products_title_trigrams (products_title_trigrams, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO products_title_trigrams (rowid, title) VALUES (new.id, new.title);
END;
-- The API lists a category's products in id order: this index holds them so (rowid last).
CREATE INDEX products_category_id ON products (category_id);
