-- OAuth device authorization grant (RFC 8628): one row per device code, stored hashed like every other secret.
CREATE TABLE device_authorization (
    device_code_hash text PRIMARY KEY,
    user_code        text        NOT NULL UNIQUE,
    client_id        text        NOT NULL,
    scope            text        NOT NULL DEFAULT '',
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'denied', 'used')),
    user_id          uuid REFERENCES users (id) ON DELETE CASCADE,
    family_id        uuid        NOT NULL,
    interval_seconds integer     NOT NULL,
    last_polled_at   timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);

CREATE INDEX device_authorization_expires_at ON device_authorization (expires_at);
