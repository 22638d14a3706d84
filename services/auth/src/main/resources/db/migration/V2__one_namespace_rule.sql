-- One namespace rule for the whole platform (libs/warehouse Namespaces, ADR 0005): 1 to 30 lower-case letters and
-- digits, words joined by single '-', starting with a letter. V1 allowed 63 characters, a leading digit, '--' and a
-- trailing '-'. A namespace that breaks the new rule is renamed once, here, to the nearest valid name (other
-- characters become '-', repeated '-' collapse, a leading digit gets 'ns-' in front, cut to 30), with a numbered
-- suffix if that name is taken; its role bindings follow, and the audit log records old and new name. Data other
-- services keep under the old name is not moved: ADR 0005 says what an operator does about it.
DO $$
DECLARE
    ns      record;
    base    text;
    target  text;
    n       integer;
BEGIN
    FOR ns IN SELECT name FROM namespace
              WHERE NOT (name ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' AND length(name) <= 30)
              ORDER BY name
    LOOP
        base := regexp_replace(lower(ns.name), '[^a-z0-9]+', '-', 'g');
        base := regexp_replace(base, '^-+|-+$', '', 'g');
        IF base = '' THEN
            base := 'ns';
        ELSIF base ~ '^[0-9]' THEN
            base := 'ns-' || base;
        END IF;
        base := regexp_replace(left(base, 30), '-+$', '');
        target := base;
        n := 1;
        WHILE EXISTS (SELECT 1 FROM namespace WHERE name = target) LOOP
            n := n + 1;
            target := regexp_replace(left(base, 30 - length(n::text) - 1), '-+$', '') || '-' || n;
        END LOOP;
        INSERT INTO namespace (name, created_at) SELECT target, created_at FROM namespace WHERE name = ns.name;
        UPDATE role_binding SET namespace = target WHERE namespace = ns.name;
        DELETE FROM namespace WHERE name = ns.name;
        INSERT INTO audit_log (actor, action, target, namespace, details)
        VALUES ('system', 'namespace.renamed', target, target,
                jsonb_build_object('from', ns.name, 'to', target, 'reason', 'the one namespace rule (ADR 0005)'));
    END LOOP;
END
$$;
