-- Slack inside the server: the one channel message each vote started there keeps up to
-- date, which member a Slack user is, one-time links that tie them, and the signatures
-- of requests already served (a replay is refused on every instance).

CREATE TABLE slack_messages (
    vote_id TEXT PRIMARY KEY REFERENCES votes (id),
    team    TEXT NOT NULL,
    channel TEXT NOT NULL,
    ts      TEXT -- set once `chat.postMessage` answered; later changes `chat.update` it
);

CREATE TABLE slack_users (
    team       TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    member     TEXT REFERENCES members (username), -- NULL: looked up, not a member
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (team, user_id)
);
CREATE INDEX slack_users_by_member ON slack_users (member);

CREATE TABLE slack_link_tokens (
    token_hash TEXT   PRIMARY KEY, -- SHA-256 of the secret in the link
    team       TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE slack_requests_seen (
    signature TEXT   PRIMARY KEY,
    at        BIGINT NOT NULL
);
