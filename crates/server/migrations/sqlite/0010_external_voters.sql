-- The names integrations give external voters ("Ana Lima" for slack:T1:U123), shown
-- beside the voter's source; the latest one given stays.
CREATE TABLE external_voters (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
