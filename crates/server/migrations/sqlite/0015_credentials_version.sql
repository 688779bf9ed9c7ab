-- How often credentials have ended: a session deleted (logout, a new password, expiry), a
-- member disabled, a token revoked. Every server reads it each second; when it moved, its
-- open event streams check that what opened them still holds, so a logout, a `member
-- disable` or a `token revoke` from another process or instance ends them within a second.
CREATE TABLE credentials_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO credentials_version (id, version) VALUES (1, 0);

CREATE TRIGGER session_ended AFTER DELETE ON sessions
BEGIN UPDATE credentials_version SET version = version + 1; END;
CREATE TRIGGER member_disabled AFTER UPDATE OF disabled_at ON members
WHEN old.disabled_at IS NULL AND new.disabled_at IS NOT NULL
BEGIN UPDATE credentials_version SET version = version + 1; END;
CREATE TRIGGER token_revoked AFTER DELETE ON integration_tokens
BEGIN UPDATE credentials_version SET version = version + 1; END;
