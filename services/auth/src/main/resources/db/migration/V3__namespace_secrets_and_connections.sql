-- Per-namespace secrets, connections and settings (issue 16). A secret's value is stored only sealed: encrypted with
-- its own random AES-256-GCM data key (nonce || ciphertext || tag), the data key wrapped by the master key
-- strata.secrets.master-key whose id (key_id) is kept so the master key can rotate. Nothing here is clear text.
CREATE TABLE namespace_secret (
    namespace   text        NOT NULL REFERENCES namespace (name) ON DELETE CASCADE,
    name        text        NOT NULL,
    key_id      text        NOT NULL,
    wrapped_key bytea       NOT NULL,
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL,
    PRIMARY KEY (namespace, name)
);

-- A connection's settings (URLs, hosts, user names, bucket) and the NAMES of the secrets it uses; never a value.
CREATE TABLE namespace_connection (
    namespace  text        NOT NULL REFERENCES namespace (name) ON DELETE CASCADE,
    name       text        NOT NULL,
    kind       text        NOT NULL,
    settings   jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL,
    PRIMARY KEY (namespace, name)
);

-- Which private hosts, addresses and CIDR ranges a namespace's loads and deliveries may reach (admins change it).
CREATE TABLE namespace_allowed_hosts (
    namespace  text        PRIMARY KEY REFERENCES namespace (name) ON DELETE CASCADE,
    hosts      text[]      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);
