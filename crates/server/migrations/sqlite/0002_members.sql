-- Members who log in to vote from the browser, and failed logins for rate limiting.
-- Sessions live in the `tower_sessions` table, created by the session store itself.

CREATE TABLE members (
    username      TEXT PRIMARY KEY,   -- lower case; a voter id without a colon
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'admin')),
    password_hash TEXT    NOT NULL,   -- argon2id, PHC string
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- One row per failed login and key (`account:NAME`, `address:IP`); rows older than the
-- window are pruned as new ones arrive.
CREATE TABLE login_failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
