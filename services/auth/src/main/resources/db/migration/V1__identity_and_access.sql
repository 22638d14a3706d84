-- Identity and access (ADR 0003): users, namespaces, role bindings, service accounts, tokens, signing keys, audit.
-- Secrets are never stored in clear: passwords as Argon2id hashes, service-account secrets, API tokens, refresh tokens
-- and authorization codes as SHA-256 hashes (they are 256-bit random values), signing keys encrypted with AES-GCM
-- when strata.auth.key-encryption-key is set.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text        NOT NULL UNIQUE,
    email         text,
    password_hash text        NOT NULL,
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-ins for usernames that do not exist: counted like real ones, so that the lockout message does not
-- reveal whether a username exists. Rows older than the lockout duration are deleted.
CREATE TABLE login_failure (
    username      text PRIMARY KEY,
    failed_logins integer     NOT NULL,
    locked_until  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_updated_at ON login_failure (updated_at);

CREATE TABLE namespace (
    name       text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_account (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    client_id   text        NOT NULL UNIQUE,
    secret_hash text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled    boolean     NOT NULL DEFAULT false
);

-- One role per principal and namespace; '*' means every namespace.
CREATE TABLE role_binding (
    id             uuid PRIMARY KEY,
    principal_kind text        NOT NULL CHECK (principal_kind IN ('user', 'service_account')),
    principal_id   uuid        NOT NULL,
    namespace      text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('viewer', 'analyst', 'engineer', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal_kind, principal_id, namespace)
);
CREATE INDEX role_binding_namespace ON role_binding (namespace);

CREATE TABLE api_token (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    token_hash   text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_token_user ON api_token (user_id);

-- A family is one sign-in (the `sid` of its tokens): each refresh rotates to a child; a reused one revokes the family.
CREATE TABLE refresh_token (
    id         uuid PRIMARY KEY,
    family_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  text        NOT NULL,
    token_hash text        NOT NULL UNIQUE,
    parent_id  uuid,
    scope      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);
CREATE INDEX refresh_token_user ON refresh_token (user_id);

-- private_key: 'aes-gcm:' + base64(iv || ciphertext of the PKCS#8 key), or 'plain:' + base64(PKCS#8) when no
-- key-encryption key is configured; NULL once the key is retired (it then only verifies).
CREATE TABLE signing_key (
    kid          text PRIMARY KEY,
    algorithm    text        NOT NULL,
    public_jwk   text        NOT NULL,
    private_key  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at   timestamptz
);
CREATE UNIQUE INDEX signing_key_one_active ON signing_key ((true)) WHERE retired_at IS NULL;

CREATE TABLE authorization_code (
    code_hash      text PRIMARY KEY,
    client_id      text        NOT NULL,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri   text        NOT NULL,
    code_challenge text        NOT NULL,
    scope          text        NOT NULL DEFAULT '',
    nonce          text,
    family_id      uuid        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    action     text        NOT NULL,
    target     text,
    namespace  text,
    details    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_ip  text,
    request_id text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
