-- Every change to a vote in commit order, for the live event stream. Written in the same
-- transaction as the change, so a client resuming from an id misses nothing. Cards are
-- never stored here: an event says who, never what.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so ids only grow
    vote_id  TEXT    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('vote_created', 'ballot_cast', 'ballot_withdrawn',
                                              'revealed', 'round_started', 'closed')),
    voter    TEXT,
    round    INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
