-- Integration tokens get scopes and a last use. Tokens made before scopes existed keep
-- every power they had (no token may manage a member's vote any more; that is checked in
-- code).
ALTER TABLE integration_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'legacy votes:manage votes:write';
ALTER TABLE integration_tokens ADD COLUMN last_used_at INTEGER;

-- Login attempts are counted before the password is checked, one row per key of an
-- attempt (`account:NAME`, `address:IP`), and forgotten when the attempt succeeds, so
-- parallel attempts cannot all pass the limit. Rows older than the window are pruned.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    attempt INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX login_attempts_by_key ON login_attempts (key, at);
CREATE INDEX login_attempts_by_attempt ON login_attempts (attempt);

-- Login sessions, keyed by the SHA-256 of the cookie's id (the id itself is never stored),
-- with the member so all of a member's sessions can end at once. Replaces the session
-- library's own table: sessions from before this migration end.
DROP TABLE IF EXISTS tower_sessions;
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    member     TEXT,
    data       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_member ON sessions (member);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
