-- A password reset link is for the account as it was when the link was asked for. The account's
-- auth version moves on whenever its password is set or it is deactivated or reactivated (the
-- same events that end its sessions), and its e-mail address may be changed by an admin: after
-- any of these, a link still waiting in an inbox must no longer work. So each link keeps both,
-- and works only while they still match the account's.
ALTER TABLE password_resets ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE password_resets ADD COLUMN email TEXT NOT NULL DEFAULT '';
UPDATE password_resets SET
    auth_version = (SELECT u.auth_version FROM users u WHERE u.id = password_resets.user_id),
    email = (SELECT u.email FROM users u WHERE u.id = password_resets.user_id);

-- When the account last got a link (Unix milliseconds). An account gets at most one link per
-- cooldown; the request that claims the cooldown does so with one conditional update of this
-- column, which the database applies to one request at a time, so two requests at once cannot
-- both find the cooldown over.
ALTER TABLE users ADD COLUMN password_reset_asked_at INTEGER;
UPDATE users SET password_reset_asked_at =
    (SELECT MAX(r.created_at) FROM password_resets r WHERE r.user_id = users.id)
WHERE id IN (SELECT user_id FROM password_resets);
