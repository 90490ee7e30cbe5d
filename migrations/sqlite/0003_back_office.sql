-- The back office: who changed what, stale-edit detection, deactivated accounts.

-- `version` goes up by one on every change; an edit names the version it started from, so a
-- save over someone else's newer change is refused instead of silently overwriting it.
-- `updated_by` is the admin who made the last change (NULL for seed data and migrations).
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE categories ADD COLUMN updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX products_updated ON products (updated_at);

-- A deactivated account cannot sign in, and its sessions and tokens stop working at once
-- (deactivating also bumps `auth_version`). Accounts are deactivated, never deleted, so the
-- history of who changed what keeps its names.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE users ADD COLUMN updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
