-- How often a name lists show has changed (a member's display name, an external voter's
-- name). With the newest event id it keys cached list reads: triggers count every change,
-- whichever instance or process makes it, so the next read after one is never served from
-- before it.
CREATE TABLE names_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO names_version (id, version) VALUES (1, 0);

CREATE FUNCTION names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE names_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_added_or_removed AFTER INSERT OR DELETE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION names_changed();
CREATE TRIGGER members_renamed AFTER UPDATE OF display_name ON members
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION names_changed();
CREATE TRIGGER external_voters_added_or_removed AFTER INSERT OR DELETE ON external_voters
    FOR EACH STATEMENT EXECUTE FUNCTION names_changed();
CREATE TRIGGER external_voters_renamed AFTER UPDATE OF name ON external_voters
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION names_changed();
