-- PostgreSQL's migration 0010 lists the catalog's words, so that its search reads each word as the
-- whole words it begins rather than as a prefix. SQLite's FTS5 index already reads a prefix from
-- its sorted term list, so nothing changes here; the migration exists so that both schemas have
-- the same version, which a backup carries and a restore checks.
SELECT 1;
