-- How often a name lists show has changed (a member's display name, an external voter's
-- name). With the newest event id it keys cached list reads: triggers count every change,
-- whichever process makes it, so the next read after one is never served from before it.
CREATE TABLE names_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO names_version (id, version) VALUES (1, 0);

CREATE TRIGGER member_added AFTER INSERT ON members
BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER member_renamed AFTER UPDATE OF display_name ON members
WHEN old.display_name IS NOT new.display_name
BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER member_removed AFTER DELETE ON members
BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER external_voter_added AFTER INSERT ON external_voters
BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER external_voter_renamed AFTER UPDATE OF name ON external_voters
WHEN old.name IS NOT new.name
BEGIN UPDATE names_version SET version = version + 1; END;
CREATE TRIGGER external_voter_removed AFTER DELETE ON external_voters
BEGIN UPDATE names_version SET version = version + 1; END;
