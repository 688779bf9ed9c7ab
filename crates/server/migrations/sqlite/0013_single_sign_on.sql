-- Who each single sign-on identity is: the provider's (issuer, subject) pair names one
-- member for good, whatever their username or email later become.
CREATE TABLE sso_identities (
    issuer     TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    username   TEXT   NOT NULL REFERENCES members (username),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
