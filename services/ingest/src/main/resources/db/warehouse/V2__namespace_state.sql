-- Loads run as their namespace's own role (libs/warehouse NamespaceRoles). The ingest state stays here, owned by the
-- warehouse admin, with row-level security: each row belongs to the role that wrote it, and a namespace's role sees
-- and writes only its own rows (it is granted SELECT, INSERT, UPDATE on first use; never DELETE or DDL). Keys include
-- the role, so no namespace can take a load id or a cursor name away from another.

ALTER TABLE load_ledger ADD COLUMN namespace_role name NOT NULL DEFAULT current_user;
UPDATE load_ledger SET namespace_role = 'strata_ns_' || replace(namespace, '-', '_');
ALTER TABLE load_ledger DROP CONSTRAINT load_ledger_pkey;
ALTER TABLE load_ledger ADD PRIMARY KEY (namespace_role, load_id);
ALTER TABLE load_ledger ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_namespace ON load_ledger
    USING (namespace_role = current_user) WITH CHECK (namespace_role = current_user);

ALTER TABLE cursor_state ADD COLUMN namespace_role name NOT NULL DEFAULT current_user;
UPDATE cursor_state SET namespace_role = 'strata_ns_' || replace(namespace, '-', '_');
ALTER TABLE cursor_state DROP CONSTRAINT cursor_state_pkey;
ALTER TABLE cursor_state ADD PRIMARY KEY (namespace_role, namespace, name);
ALTER TABLE cursor_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_namespace ON cursor_state
    USING (namespace_role = current_user) WITH CHECK (namespace_role = current_user);

REVOKE ALL ON load_ledger, cursor_state FROM PUBLIC;
