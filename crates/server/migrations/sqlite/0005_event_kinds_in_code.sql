-- The server checks event kinds (`EventKind` in the wire crate), so a new kind such as
-- `final_size_changed` needs no migration. SQLite cannot drop a CHECK: the table is
-- rebuilt with its rows and ids (ids only grow; none was ever deleted).
CREATE TABLE events_unchecked (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    vote_id  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    voter    TEXT,
    round    INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
INSERT INTO events_unchecked (id, vote_id, kind, voter, round, at)
    SELECT id, vote_id, kind, voter, round, at FROM events;
DROP TABLE events;
ALTER TABLE events_unchecked RENAME TO events;
