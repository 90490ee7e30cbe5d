-- SQLite's search index gains a prefix index for one letter (migrations/sqlite/0013). PostgreSQL
-- reads a one-letter word as a prefix through its GIN index already (migration 0010), so it has
-- nothing to change; this file keeps both databases' migrations numbered alike.
SELECT 1;
