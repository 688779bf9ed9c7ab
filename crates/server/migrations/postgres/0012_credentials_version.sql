-- How often credentials have ended: a session deleted (logout, a new password, expiry), a
-- member disabled, a token revoked. Every server reads it each second; when it moved, its
-- open event streams check that what opened them still holds, so a logout, a `member
-- disable` or a `token revoke` on another instance or from the command line ends them
-- within a second.
CREATE TABLE credentials_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO credentials_version (id, version) VALUES (1, 0);

CREATE FUNCTION credentials_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE credentials_version SET version = version + 1;
    RETURN NULL;
END
$$;

-- A statement that deleted rows counts once; one that deleted nothing (a cleanup of expired
-- sessions that found none) does not count.
CREATE FUNCTION credentials_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone) THEN
        UPDATE credentials_version SET version = version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_deleted();
CREATE TRIGGER tokens_revoked AFTER DELETE ON integration_tokens
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_deleted();
CREATE TRIGGER members_disabled AFTER UPDATE OF disabled_at ON members
    FOR EACH ROW WHEN (OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL)
    EXECUTE FUNCTION credentials_ended();
