-- The REST API's title filter ignores case, for every letter: SQLite's LIKE folds ASCII letters
-- only, so `ñandú` did not find `Ñandú` (nor `été` find `Été`). The title in lower case is kept
-- beside it, lowered by the application (Rust's `to_lowercase`) on every write and, for the rows
-- already here, right after the migrations (`catalog::search_titles`); the trigram index reads it,
-- and LIKE compares lower case with lower case.
ALTER TABLE products ADD COLUMN title_lower TEXT;

DROP TRIGGER products_title_trigrams_after_insert;
DROP TRIGGER products_title_trigrams_after_delete;
DROP TRIGGER products_title_trigrams_after_update;
DROP TABLE products_title_trigrams;
-- A product is in the index once its `title_lower` is set: rows waiting for theirs are left out,
-- so that no 'delete' ever names values the index never held.
CREATE VIRTUAL TABLE products_title_trigrams USING fts5(
    title_lower, content = 'products', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER products_title_trigrams_after_insert AFTER INSERT ON products
WHEN new.title_lower IS NOT NULL BEGIN
    INSERT INTO products_title_trigrams (rowid, title_lower) VALUES (new.id, new.title_lower);
END;
CREATE TRIGGER products_title_trigrams_after_delete AFTER DELETE ON products
WHEN old.title_lower IS NOT NULL BEGIN
    INSERT INTO products_title_trigrams (products_title_trigrams, rowid, title_lower)
    VALUES ('delete', old.id, old.title_lower);
END;
CREATE TRIGGER products_title_trigrams_after_update AFTER UPDATE OF title_lower ON products BEGIN
    INSERT INTO products_title_trigrams (products_title_trigrams, rowid, title_lower)
    SELECT 'delete', old.id, old.title_lower WHERE old.title_lower IS NOT NULL;
    INSERT INTO products_title_trigrams (rowid, title_lower)
    SELECT new.id, new.title_lower WHERE new.title_lower IS NOT NULL;
END;
