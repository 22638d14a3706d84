-- The SQL workspace's saved objects (issue 20): saved queries, charts and dashboards of a namespace, each a name with
-- numbered versions (every PUT that changes the content makes version N+1, like pipelines). The content is the JSON
-- body the API takes (and exports as YAML).
CREATE TABLE sql_object (
    namespace      text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('query', 'chart', 'dashboard')),
    name           text        NOT NULL,
    latest_version integer     NOT NULL,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, kind, name)
);

CREATE TABLE sql_object_version (
    namespace  text        NOT NULL,
    kind       text        NOT NULL,
    name       text        NOT NULL,
    version    integer     NOT NULL,
    content    jsonb       NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, kind, name, version),
    FOREIGN KEY (namespace, kind, name) REFERENCES sql_object (namespace, kind, name) ON DELETE CASCADE
);
