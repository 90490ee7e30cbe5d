-- The REST API's title filter ignores case, for every letter: `lower()` follows the database's
-- locale, which under the C locale lowers ASCII letters only, and SQLite's LIKE does the same. So
-- the title in lower case is kept beside it, lowered by the application (Rust's `to_lowercase`) on
-- every write and, for the rows already here, right after the migrations
-- (`catalog::search_titles`): both databases then find the same products. The trigram index reads
-- it instead of `lower(title)`.
ALTER TABLE products ADD COLUMN title_lower TEXT;
DROP INDEX products_title_trigrams;
CREATE INDEX products_title_trigrams ON products USING GIN (title_lower gin_trgm_ops);
